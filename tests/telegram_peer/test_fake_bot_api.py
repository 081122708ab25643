"""The fake Bot API is a faithful peer for python-telegram-bot 22.

A real PTB `Bot` and a small real `Application` (an echo bot with an inline keyboard) talk
to `FakeBotAPI` over loopback HTTP: polling, webhooks (with PTB's own webhook server when
tornado is installed), buttons, voice notes up and down, and the errors Telegram gives.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.fake_bot_api import FakeBotAPI
from tests.support.ptb_thread import ApplicationThread
from tests.support.telegram_formatting import EntityParseError, parse_text
from tests.support.telegram_records import UserActionRefused, WaitTimeout

pytestmark = pytest.mark.timeout(30)

OGG = b"OggS\x00\x02" + bytes(range(256)) * 8
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="answer:yes"),
            InlineKeyboardButton("No", callback_data="answer:no"),
        ]
    ]
)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ptb_bot(api: FakeBotAPI, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=api.bot_base_url, base_file_url=api.file_base_url)


def build_app(api: FakeBotAPI, token: str | None = None) -> Application:
    return (
        Application.builder()
        .token(token or api.token)
        .base_url(api.bot_base_url)
        .base_file_url(api.file_base_url)
        .build()
    )


def echo_app(api: FakeBotAPI) -> Application:
    """/start offers Yes/No; texts are echoed with the keyboard; voice notes are echoed."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Hello! Shall we begin?", reply_markup=KEYBOARD)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
        await message.reply_text(f"You said: {message.text}", reply_markup=KEYBOARD)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer(f"You chose {query.data}")
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(query.message.chat.id, f"Noted: {query.data}")

    async def voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.voice is not None
        data = bytes(await (await message.voice.get_file()).download_as_bytearray())
        await context.bot.send_chat_action(message.chat_id, ChatAction.RECORD_VOICE)
        await message.reply_voice(
            data, duration=message.voice.duration, caption=f"Echo of {len(data)} bytes"
        )

    app = build_app(api)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.VOICE, voice))
    app.add_handler(CallbackQueryHandler(button))
    return app


class WebhookReceiver:
    """A stand-in webhook: records requests, 200 if the secret header matches, else 403."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.requests: list[tuple[dict[str, str], Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), json.loads(body)))
                ok = self.headers.get("X-Telegram-Bot-Api-Secret-Token") == receiver.secret
                self.send_response(200 if ok else 403)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------- a real Bot


def test_get_me_commands_and_webhook_info(api: FakeBotAPI) -> None:
    async def run() -> None:
        async with ptb_bot(api) as bot:
            me = await bot.get_me()
            assert (me.id, me.username, me.is_bot) == (123456789, "fake_assistant_bot", True)
            assert await bot.set_my_commands([("start", "Begin"), ("help", "What I can do")])
            assert await bot.set_my_commands([("start", "Dechrau")], language_code="cy")
            commands = await bot.get_my_commands()
            assert [(c.command, c.description) for c in commands] == [
                ("start", "Begin"),
                ("help", "What I can do"),
            ]
            assert [c.command for c in await bot.get_my_commands(language_code="cy")] == ["start"]
            assert await bot.delete_my_commands()
            assert await bot.get_my_commands() == ()
            with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
                await bot.set_my_commands([("Start", "Capital letters are refused")])
            info = await bot.get_webhook_info()
            assert (info.url, info.pending_update_count) == ("", 0)
            assert await bot.close() and await bot.log_out()

    asyncio.run(run())
    assert api.method_names()[:2] == ["getMe", "getMe"]  # Bot.initialize() calls getMe


def test_a_wrong_token_is_invalid_token(api: FakeBotAPI) -> None:
    async def run() -> None:
        for token in ("123456789:AAHsomeOtherTokenThatIsNotTheBots000", "not-a-token"):
            with pytest.raises(InvalidToken):
                async with ptb_bot(api, token):
                    pass

    asyncio.run(run())
    assert [call.status for call in api.calls("getMe")] == [401, 404]
    with pytest.raises(InvalidToken):
        ApplicationThread(build_app(api, "123456789:AAHsomeOtherTokenThatIsNotTheBots000")).start()


def test_an_unknown_method_is_404(api: FakeBotAPI) -> None:
    async def run() -> None:
        async with ptb_bot(api) as bot:
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})

    asyncio.run(run())
    assert api.unknown_methods == ["sendTelepathy"]
    assert api.calls("sendTelepathy")[0].description == "Not Found"


def test_get_updates_offset_limit_long_poll_and_allowed_updates(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam")

    async def run() -> None:
        async with ptb_bot(api) as bot:
            for text in ("one", "two", "three"):
                sam.send_text(text)
            first = await bot.get_updates(limit=2)
            assert [u.message.text for u in first if u.message] == ["one", "two"]
            assert first[0].update_id + 1 == first[1].update_id
            assert len(await bot.get_updates()) == 3  # nothing confirmed yet
            rest = await bot.get_updates(offset=first[-1].update_id + 1)
            assert [u.message.text for u in rest if u.message] == ["three"]
            assert len(api.pending_updates) == 1  # "one" and "two" were confirmed
            offset = rest[-1].update_id + 1
            assert await bot.get_updates(offset=offset) == ()
            assert api.pending_updates == []

            # A long poll returns as soon as something happens.
            poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=10))
            await api.wait_until_async(lambda: api.polling, what="a long poll")
            started = time.monotonic()
            sam.send_text("four")
            (four,) = await poll
            assert four.message is not None and four.message.text == "four"
            assert time.monotonic() - started < 2
            offset = four.update_id + 1

            # A second poller ends the first with 409, as when two bots share a token.
            poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=10))
            await api.wait_until_async(lambda: api.polling, what="a long poll")
            async with ptb_bot(api) as twin:
                assert await twin.get_updates(offset=offset) == ()
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await poll

            # allowed_updates: later messages are never queued for this bot.
            await bot.get_updates(offset=offset, allowed_updates=["callback_query"])
            sam.send_text("not wanted")
            assert api.pending_updates == []
            assert api.filtered_updates[-1]["message"]["text"] == "not wanted"

    asyncio.run(run())


def test_what_a_person_sends_has_telegrams_shapes(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam", last_name="Jones", username="samj")

    async def run() -> None:
        async with ptb_bot(api) as bot:
            sam.send_photo(caption="my letter")
            sam.send_sticker("👍")
            sam.send_document(b"%PDF-1.4 plan", "care-plan.pdf")
            sam.send_text("I need help /start")
            sam.edit_last_text("I need help with washing")
            updates = await bot.get_updates()
            photo, sticker, document, text, edited = updates
            assert photo.message and photo.message.caption == "my letter"
            assert [p.width for p in photo.message.photo] == [90, 800]
            assert sticker.message and sticker.message.sticker
            assert sticker.message.sticker.emoji == "👍"
            assert document.message and document.message.document
            assert document.message.document.file_name == "care-plan.pdf"
            assert document.message.document.mime_type == "application/pdf"
            file = await document.message.document.get_file()
            assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 plan"
            assert text.message and text.message.from_user
            assert text.message.from_user.username == "samj"
            assert text.message.parse_entities(["bot_command"]) != {}
            assert edited.edited_message and edited.edited_message.edit_date
            assert edited.edited_message.text == "I need help with washing"
            assert edited.edited_message.message_id == text.message.message_id

    asyncio.run(run())


def test_send_voice_uploads_bytes_and_resends_by_file_id(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam")

    async def run() -> None:
        async with ptb_bot(api) as bot:
            sent = await bot.send_voice(sam.id, OGG, duration=4, caption="Your summary")
            assert sent.voice is not None and sent.voice.mime_type == "audio/ogg"
            assert api.file_bytes(sent.voice.file_id) == OGG
            again = await bot.send_voice(sam.id, sent.voice.file_id)
            assert again.voice is not None and again.voice.file_id == sent.voice.file_id
            file = await bot.get_file(sent.voice.file_id)
            assert bytes(await file.download_as_bytearray()) == OGG
            wav = await bot.send_voice(sam.id, b"RIFF\x24\x00\x00\x00WAVEfmt ", duration=1)
            assert wav.voice is None and wav.document is not None  # not a voice format
            with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
                await bot.send_voice(sam.id, "no-such-file-id")

    asyncio.run(run())
    first, second, third = sam.messages
    assert (first.kind, first.voice, first.duration, first.caption) == (
        "voice",
        OGG,
        4,
        "Your summary",
    )
    assert second.voice == OGG
    assert third.kind == "document"


def test_telegram_refuses_what_it_refuses(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam")
    pat = api.new_user("Pat")

    async def run() -> None:
        async with ptb_bot(api) as bot:
            too_long_data = InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="x" * 65)]]
            )
            with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
                await bot.send_message(sam.id, "Pick", reply_markup=too_long_data)
            accents = InlineKeyboardMarkup([[InlineKeyboardButton("é", callback_data="é" * 33)]])
            with pytest.raises(BadRequest, match="(?i)button_data_invalid"):  # 66 bytes
                await bot.send_message(sam.id, "Pick", reply_markup=accents)
            longest = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 64)]])
            await bot.send_message(sam.id, "Pick", reply_markup=longest)
            with pytest.raises(BadRequest, match="Message text is empty"):
                await bot.send_message(sam.id, "   ")
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(sam.id, "a" * 4097)
            await bot.send_message(sam.id, "a" * 4096)
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message(999, "hello")
            with pytest.raises(BadRequest, match="(?i)can't parse entities: can't find end tag"):
                await bot.send_message(sam.id, "<b>Your budget", parse_mode="HTML")
            with pytest.raises(BadRequest, match="(?i)character '.' is reserved"):
                await bot.send_message(sam.id, "About £5.00 a week", parse_mode="MarkdownV2")
            with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
                await bot.send_chat_action(sam.id, "dancing")
            pat.block()
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(pat.id, "hello?")

            # Callback queries are answered once.
            offered = await bot.send_message(sam.id, "Pick one", reply_markup=KEYBOARD)
            query_id = sam.tap(offered.message_id, "answer:no")
            assert await bot.answer_callback_query(query_id, "Noted")
            for bad_id in (query_id, "12345"):
                with pytest.raises(BadRequest, match="(?i)query is too old"):
                    await bot.answer_callback_query(bad_id)

            # Edits: same content is "not modified"; editing text drops the keyboard.
            with pytest.raises(BadRequest, match="(?i)message is not modified"):
                await bot.edit_message_reply_markup(
                    sam.id, offered.message_id, reply_markup=KEYBOARD
                )
            await bot.edit_message_text("Picked", chat_id=sam.id, message_id=offered.message_id)
            with pytest.raises(BadRequest, match="(?i)message to edit not found"):
                await bot.edit_message_text("x", chat_id=sam.id, message_id=9999)
            assert await bot.delete_message(sam.id, offered.message_id)

    asyncio.run(run())
    offered = sam.messages[-1]
    assert offered.text == "Picked" and offered.text_history == ["Pick one"]
    assert offered.keyboard_removed and offered.deleted
    assert sam.callback_queries[0].answer_text == "Noted"
    with pytest.raises(UserActionRefused):
        sam.tap(offered, "Yes")
    blocked = [u["my_chat_member"] for u in api.pending_updates if "my_chat_member" in u]
    assert [update["new_chat_member"]["status"] for update in blocked] == ["kicked"]


def test_html_and_markdown_v2_become_plain_text_and_entities() -> None:
    assert parse_text("<b>£1,200</b> a year &amp; more", "HTML") == (
        "£1,200 a year & more",
        [{"type": "bold", "offset": 0, "length": 6}],
    )
    assert parse_text("*Bold* and \\. [link](https://example.org)", "MarkdownV2") == (
        "Bold and . link",
        [
            {"type": "bold", "offset": 0, "length": 4},
            {"type": "text_link", "offset": 11, "length": 4, "url": "https://example.org"},
        ],
    )
    for text, mode, reason in [
        ("a < b", "HTML", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", "HTML", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x</i>", "HTML", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("*bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
        ("1+1", "MarkdownV2", "Character '+' is reserved"),
    ]:
        with pytest.raises(EntityParseError, match=reason.replace("+", r"\+")):
            parse_text(text, mode)


# ---------------------------------------------------------- a real Application


def test_echo_bot_by_polling_with_buttons(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam")
    with ApplicationThread(echo_app(api)):
        sam.send_command("/start")
        hello = sam.wait_for_text("Shall we begin?")
        assert hello.button_texts == ["Yes", "No"]
        assert hello.callback_data == ["answer:yes", "answer:no"]

        sam.send_text("hello there")
        echo = sam.wait_for_text("You said: hello there")
        assert "typing" in sam.chat_actions

        sam.tap(echo, "Yes")
        sam.wait_for_text("Noted: answer:yes")
        assert echo.keyboard_removed and echo.keyboard_edits == 1
        assert echo.sent_buttons == hello.buttons
        with pytest.raises(UserActionRefused, match="was removed"):
            sam.tap(echo, "No")

        sam.tap(hello, "answer:no")  # by callback_data
        sam.wait_for_text("Noted: answer:no")
        assert api.unanswered_callback_queries() == []
        assert [q.answer_text for q in sam.callback_queries] == [
            "You chose answer:yes",
            "You chose answer:no",
        ]
        with pytest.raises(WaitTimeout, match="bot: #"):
            sam.wait_for_text("never sent", timeout=0.2)

    # What PTB does at startup and shutdown, which the front end's fake must answer.
    names = api.method_names()
    assert names[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    # PTB confirms the last updates with timeout 0; a long poll cut short by the stop may be
    # recorded just after it, so look at the last two.
    assert "0" in [call.params["timeout"] for call in api.calls("getUpdates")[-2:]]
    assert api.pending_updates == []


# PTB 22 warns when Voice.duration is read as an int (set PTB_TIMEDELTA=1 to opt in early).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_a_voice_note_round_trips_through_get_file_and_send_voice(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam")
    with ApplicationThread(echo_app(api)):
        sent = sam.send_voice(OGG, duration=3)
        (reply,) = sam.wait_for_messages(1)
    assert (reply.kind, reply.voice, reply.duration) == ("voice", OGG, 3)
    assert reply.caption == f"Echo of {len(OGG)} bytes"
    assert sam.chat_actions == ["record_voice"]
    assert api.downloads == ["voice/file_1.oga"]  # the bot fetched the person's note
    assert api.file_bytes(sent["voice"]["file_id"]) == OGG


def test_webhook_delivery_carries_the_secret_and_failures_are_retried(api: FakeBotAPI) -> None:
    sam = api.new_user("Sam")

    async def run(receiver: WebhookReceiver) -> None:
        async with ptb_bot(api) as bot:
            assert await bot.set_webhook(
                receiver.url, secret_token="s3cret", allowed_updates=["message"]
            )
            info = await bot.get_webhook_info()
            assert (info.url, info.allowed_updates) == (receiver.url, ("message",))
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()

            sam.send_text("hi hook")
            await api.wait_until_async(lambda: api.webhook_deliveries, what="a delivery")
            headers, body = receiver.requests[0]
            assert body["message"]["text"] == "hi hook"
            assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
            assert headers["Content-Type"] == "application/json"
            assert api.webhook_deliveries[0].status == 200 and api.pending_updates == []

            # The webhook refuses (wrong secret): Telegram keeps the update and retries.
            await bot.set_webhook(receiver.url, secret_token="other")
            sam.send_text("refused")
            await api.wait_until_async(
                lambda: len([d for d in api.webhook_deliveries if d.status == 403]) >= 2,
                what="two refused deliveries",
            )
            info = await bot.get_webhook_info()
            assert info.pending_update_count == 1
            assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
            assert await bot.delete_webhook(drop_pending_updates=True)
            assert (await bot.get_webhook_info()).pending_update_count == 0

            update = sam.text_update("posted by the test")
            assert await api.post_update_async(receiver.url, update) == 403
            assert await api.post_update_async(receiver.url, update, "wrong") == 403
            assert await api.post_update_async(receiver.url, update, "s3cret") == 200

    with WebhookReceiver(secret="s3cret") as receiver:
        asyncio.run(run(receiver))


def test_ptb_webhook_server_gets_updates_and_refuses_a_wrong_secret(api: FakeBotAPI) -> None:
    pytest.importorskip("tornado", reason="PTB's webhook server needs PTB[webhooks]")
    sam = api.new_user("Sam")
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    webhook = {
        "listen": "127.0.0.1",
        "port": port,
        "url_path": "telegram",
        "secret_token": "s3cret",
        "webhook_url": url,
    }
    with ApplicationThread(echo_app(api), webhook=webhook):
        hook = api.webhook
        assert hook is not None and (hook.url, hook.secret_token) == (url, "s3cret")
        sam.send_command("/start")
        sam.wait_for_text("Shall we begin?")
        assert [(d.status, d.secret_token) for d in api.webhook_deliveries] == [(200, "s3cret")]

        update = sam.text_update("sneaky")
        assert api.post_update(url, update) == 403  # no secret
        assert api.post_update(url, update, "wrong") == 403
        assert api.post_update(url, update, "s3cret") == 200
        sam.wait_for_text("You said: sneaky")
    assert "getUpdates" not in api.method_names()
    assert api.method_names()[:2] == ["getMe", "setWebhook"]
