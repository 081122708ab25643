"""The Telegram bot: python-telegram-bot's Application, by long polling or by webhook.

Run it with `python -m bot.telegram` (the Rasa and action servers must be running), or let
`make run` start everything when TELEGRAM_BOT_TOKEN is set.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PicklePersistence,
    TypeHandler,
    filters,
)

from bot.telegram.handlers import CHANNEL, FrontEnd
from bot.telegram.ordering import PerChatOrder
from bot.telegram.rasa_client import RasaClient
from bot.telegram.texts import say
from ras_core import settings as project_settings
from ras_core.conversation.frontdesk import FrontDesk
from ras_core.settings import SettingsError, TelegramSettings

log = logging.getLogger(__name__)
COMMANDS = ("start", "help", "voice", "slower", "pause")


def build_application(settings: TelegramSettings, front_end: FrontEnd) -> Application:
    builder = Application.builder().token(settings.token)
    if settings.base_url and settings.base_file_url:
        builder = builder.base_url(settings.base_url).base_file_url(settings.base_file_url)
    settings.state_file.parent.mkdir(parents=True, exist_ok=True)
    # Which keyboard is live and any voice note waiting for a yes: kept across restarts.
    news: list[asyncio.Task[None]] = []  # the loop passing on replies (kept out of persistence)
    persistence = PicklePersistence(settings.state_file, single_file=True, update_interval=5)
    application = (
        builder.persistence(persistence)
        # Different chats at once (a slow voice note holds up no one else); each chat in order.
        .concurrent_updates(PerChatOrder())
        .post_init(lambda app: _started(app, front_end, settings.news_seconds, news))
        .post_stop(lambda _app: _stop(news))
        .post_shutdown(lambda _app: front_end.rasa.close())
        .build()
    )
    application.add_handler(TypeHandler(Update, _drop_malformed), group=-1)
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", front_end.start, private))
    application.add_handler(CommandHandler("help", front_end.help, private))
    application.add_handler(CommandHandler("voice", front_end.toggle_voice, private))
    application.add_handler(CommandHandler("slower", front_end.toggle_slower, private))
    application.add_handler(CommandHandler("pause", front_end.pause, private))
    application.add_handler(CallbackQueryHandler(front_end.button))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, front_end.edited))
    application.add_handler(MessageHandler(private & filters.TEXT, front_end.text))
    application.add_handler(
        MessageHandler(private & (filters.VOICE | filters.AUDIO), front_end.voice)
    )
    application.add_handler(MessageHandler(private & ~filters.COMMAND, front_end.not_words))
    application.add_error_handler(front_end.failed)
    return application


async def _drop_malformed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Updates no real person could send (no sender or chat, text that is not text) stop here,
    before any handler: Telegram never sends them, so only a broken or forged source could."""
    message = update.effective_message
    text = getattr(message, "text", None) if message is not None else None
    if (
        update.effective_user is None
        or update.effective_chat is None
        or not (text is None or isinstance(text, str))
    ):
        log.warning("Dropped a malformed update %s", update.update_id)
        raise ApplicationHandlerStop


async def _started(
    application: Application, front_end: FrontEnd, every: float, news: list[asyncio.Task[None]]
) -> None:
    commands = [BotCommand(name, say(f"command_{name}")) for name in COMMANDS]
    await application.bot.set_my_commands(commands)
    news.append(asyncio.create_task(_pass_on_news(application, front_end, every)))
    log.info("Passing on coordinators' replies every %g s", every)


async def _pass_on_news(application: Application, front_end: FrontEnd, every: float) -> None:
    """Coordinators' replies reach the person without them having to write first."""
    while True:
        await asyncio.sleep(every)
        try:
            if await front_end.deliver_news(application):
                log.info("Passed on coordinators' replies")
        except Exception:  # keep looking next time: a failure here must not stop the bot
            log.exception("Could not pass on coordinators' replies")


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    tasks.clear()


def make_front_end(rasa_url: str, secret: str) -> FrontEnd:
    # Imported here: the speech models load only when the bot really starts.
    from bot.telegram.speech import OfflineFirstSpeech

    return FrontEnd(
        rasa=RasaClient(rasa_url, secret),
        desk=FrontDesk.open(CHANNEL),
        speech=OfflineFirstSpeech.current(),
    )


def run(settings: TelegramSettings, rasa_url: str, secret: str) -> None:
    application = build_application(settings, make_front_end(rasa_url, secret))
    hook = settings.webhook
    if hook is None:
        log.info("Telegram bot: long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    else:
        # PTB's webhook server answers 403 to any post without this exact secret header.
        log.info("Telegram bot: webhook on %s:%d/%s", hook.listen, hook.port, hook.path)
        application.run_webhook(
            listen=hook.listen,
            port=hook.port,
            url_path=hook.path,
            webhook_url=hook.url,
            secret_token=hook.secret,
            allowed_updates=Update.ALL_TYPES,
        )


def main() -> int:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level="INFO")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        found = project_settings.current()
    except SettingsError as error:
        print(f"The Telegram bot cannot start: {error}", file=sys.stderr)
        return 2
    if not found.telegram.token:
        print(
            "The Telegram bot cannot start: TELEGRAM_BOT_TOKEN is not set. Ask BotFather for a "
            "token and set it, or run `make run` without it to chat in the terminal.",
            file=sys.stderr,
        )
        return 2
    if not found.secrets.frontend_secret:
        print(
            "The Telegram bot cannot start: FRONTEND_SECRET is not set. Set it to the Rasa "
            "server's, or start everything with `make run`.",
            file=sys.stderr,
        )
        return 2
    return run_checked(found.telegram, found.rasa_url, found.secrets.frontend_secret)


async def check_token(settings: TelegramSettings) -> str:
    """Ask the Bot API who we are before starting, so problems are one plain line."""
    bot = Bot(settings.token)
    if settings.base_url and settings.base_file_url:
        bot = Bot(settings.token, base_url=settings.base_url, base_file_url=settings.base_file_url)
    async with bot:
        return bot.username


def run_checked(settings: TelegramSettings, rasa_url: str, secret: str) -> int:
    """Run until stopped; a refused token or an unreachable server is a plain message."""
    try:
        name = asyncio.run(check_token(settings))
        log.info("Telegram bot @%s", name)
        run(settings, rasa_url, secret)
    except InvalidToken:
        print(
            "The Telegram bot cannot start: Telegram refused TELEGRAM_BOT_TOKEN. "
            "Check the token with BotFather.",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:
        where = settings.api_root or "Telegram"
        print(f"The Telegram bot cannot reach {where}: {error}", file=sys.stderr)
        return 3
    return 0
