"""The front end's small parts: settings, message splitting, keyboards and its own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram import app, keyboards
from bot.telegram.chunks import split_message
from bot.telegram.rasa_client import Button, Reply, parse_replies
from bot.telegram.texts import parse_messages
from ras_core.domain.datafile import DataFileError
from ras_core.settings import SettingsError, TelegramSettings, from_mapping

TOKEN = "123456:abc-DEF"


def telegram_settings(env: dict[str, str]) -> TelegramSettings:
    """The front end's settings, as the bot reads them from its environment."""
    return from_mapping(env).telegram


def test_no_token_is_a_plain_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert telegram_settings({}).token == ""  # not on Telegram: the settings are still good
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert app.main() == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err

    with pytest.raises(SettingsError, match="does not look like a bot token"):
        telegram_settings({"TELEGRAM_BOT_TOKEN": "oops"})
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "oops")
    assert app.main() == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN does not look like a bot token" in err
    assert "Traceback" not in err


def test_base_url_takes_the_server_root_or_its_bot_prefix() -> None:
    for given in ("http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"):
        settings = telegram_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": given})
        assert settings.base_url == "http://127.0.0.1:8081/bot"
        assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert telegram_settings({"TELEGRAM_BOT_TOKEN": TOKEN}).base_url is None
    with pytest.raises(SettingsError, match="must start with http"):
        telegram_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "localhost:8081"})


def test_webhook_mode_needs_a_secret() -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://bot.example/telegram"}
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET must be set"):
        telegram_settings(env)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        telegram_settings({**env, "TELEGRAM_WEBHOOK_SECRET": "has spaces in it"})
    hook = telegram_settings({**env, "TELEGRAM_WEBHOOK_SECRET": "s3cret_-X"}).webhook
    assert hook is not None and (hook.secret, hook.port, hook.path) == (
        "s3cret_-X",
        8443,
        "telegram",
    )


def test_long_replies_split_between_sentences() -> None:
    text = " ".join(f"This is sentence number {n}." for n in range(1, 80))
    pieces = split_message(text, limit=200)
    assert len(pieces) > 1
    assert all(len(piece) <= 200 for piece in pieces)
    assert all(piece.endswith(".") for piece in pieces)
    assert " ".join(pieces) == text


def test_line_breaks_and_blank_lines_survive_splitting() -> None:
    text = "Question 1 of 11.\nA: lots.\nB: some.\n\nHow much help do you need?"
    assert split_message(text, limit=30) == [
        "Question 1 of 11.\nA: lots.",
        "B: some.",
        "How much help do you need?",
    ]
    assert split_message(text, limit=45) == [
        "Question 1 of 11.\nA: lots.\nB: some.",
        "How much help do you need?",
    ]
    assert split_message(text) == [text]
    assert split_message("x" * 45, limit=20) == ["x" * 20, "x" * 20, "x" * 5]
    assert split_message("   ") == []


def test_buttons_become_one_per_row_with_short_callback_data() -> None:
    long_payload = '/choose_option{"option": "B", "note": "' + "x" * 80 + '"}'
    buttons = (Button("Yes", "/affirm"), Button("Some help", long_payload))
    markup, choices = keyboards.build_markup(buttons)
    rows = markup.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Yes"], ["Some help"]]
    for row in rows:
        assert len(str(row[0].callback_data).encode()) <= 64
    assert choices[str(rows[1][0].callback_data)].payload == long_payload


def test_only_the_newest_keyboard_can_answer_and_only_once() -> None:
    chat_data: dict[str, object] = {}
    _, first = keyboards.build_markup((Button("Yes", "/affirm"),))
    assert keyboards.remember(chat_data, 10, first) is None
    _, second = keyboards.build_markup((Button("Me", "/for_myself"),))
    assert keyboards.remember(chat_data, 11, second) == 10
    assert keyboards.take(chat_data, 10, "/affirm") is None  # an older question's button
    assert keyboards.take(chat_data, 11, "/for_myself") == Button("Me", "/for_myself")
    assert keyboards.take(chat_data, 11, "/for_myself") is None  # already used


def test_rasa_replies_keep_text_and_buttons() -> None:
    body = [
        {"recipient_id": "telegram:1", "text": "Hello."},
        {
            "recipient_id": "telegram:1",
            "text": "Go on?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "", "payload": "/x"}],
        },
        {"recipient_id": "telegram:1", "image": "http://img"},
    ]
    assert parse_replies(body) == [
        Reply("Hello."),
        Reply("Go on?", (Button("Yes", "/affirm"),)),
    ]
    assert parse_replies({"error": "x"}) == []


def test_a_broken_catalogue_names_the_file_and_the_text(tmp_path: Path) -> None:
    path = tmp_path / "messages.yml"
    path.write_text("voice_question: 'Hi {name}'\n")
    with pytest.raises(DataFileError) as caught:
        parse_messages(path)
    assert str(path) in str(caught.value)
    assert "voice_question" in str(caught.value)


def test_a_forget_message_from_rasa_is_kept_as_a_flag_not_words() -> None:
    body = [
        {"recipient_id": "telegram:1", "text": "Done. I have deleted everything you told me."},
        {"recipient_id": "telegram:1", "custom": {"forget": True}},
        {"recipient_id": "telegram:1", "custom": {"forget": "yes"}},  # not the flag
    ]
    replies = parse_replies(body)
    assert [(r.text, r.forget) for r in replies] == [
        ("Done. I have deleted everything you told me.", False),
        ("", True),
    ]
