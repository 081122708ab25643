"""Settings: every variable read in one place, checked once, with plain errors naming it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ras_core import deployment, settings
from ras_core.domain.council import Council, load_council
from ras_core.settings import SettingsError, SmtpSettings, from_mapping

TOKEN = "123456:abc-DEF"
HOOK = {
    "TELEGRAM_BOT_TOKEN": TOKEN,
    "TELEGRAM_WEBHOOK_URL": "https://bot.example/telegram",
    "TELEGRAM_WEBHOOK_SECRET": "s3cret_-X",
}
COUNCIL_VARIABLES = ("COUNCIL_NAME", "COUNCIL_SAFEGUARDING_PHONE", "COUNCIL_REPLY_WORKING_DAYS")


def test_defaults_need_no_variable_at_all() -> None:
    found = from_mapping({})
    assert found.database_url == f"sqlite:///{settings.VAR / 'assistant.db'}"
    assert (found.questionnaire, found.scheme, dict(found.council)) == ("", "", {})
    assert (found.rasa_port, found.action_port) == (5005, 5055)
    assert found.rasa_url == "http://127.0.0.1:5005"
    assert found.smtp == SmtpSettings()
    assert (found.smtp.host, found.smtp.port, found.smtp.sender) == ("", 25, "assistant@localhost")
    assert found.smtp.starttls is False
    assert found.dashboard_url == "http://127.0.0.1:8080"
    assert (found.dashboard_host, found.dashboard_port) == ("127.0.0.1", 8080)
    assert found.secure_cookies is False

    telegram = found.telegram
    assert telegram.token == ""  # not on Telegram: not an error
    assert telegram.api_root is None and telegram.base_url is None
    assert telegram.base_file_url is None
    assert telegram.api_root_or_telegram == "https://api.telegram.org"
    assert telegram.state_file == settings.VAR / "telegram-state.pickle"
    assert telegram.webhook is None and telegram.news_seconds == 10.0

    speech = found.speech
    assert (speech.engine, speech.gtts_timeout) == ("gtts", 5.0)
    assert speech.voice_cache == settings.VAR / "voice-cache"
    assert Path(settings.__file__).resolve().parents[1] == settings.REPO


def test_variables_that_are_set_are_used() -> None:
    found = from_mapping(
        {
            "DATABASE_URL": "postgresql://ras@db/ras",
            "RAS_QUESTIONNAIRE": "/srv/questions.yml",
            "RAS_SCHEME": "example_bands",
            "RASA_PORT": "6006",
            "SMTP_HOST": "mail.council.example",
            "SMTP_PORT": "587",
            "SMTP_FROM": "care@council.example",
            "SMTP_STARTTLS": "yes",
            "DASHBOARD_URL": "https://care.council.example/",
            "DASHBOARD_SECURE_COOKIES": "1",
            "TELEGRAM_NEWS_SECONDS": "2.5",
            "SPEECH_ENGINE": "Offline",
            "VOICE_CACHE_DIR": "/tmp/voices",
            "HOME": "/root",  # not a setting: ignored
        }
    )
    assert found.database_url == "postgresql://ras@db/ras"
    assert (found.questionnaire, found.scheme) == ("/srv/questions.yml", "example_bands")
    assert found.rasa_port == 6006 and found.rasa_url == "http://127.0.0.1:6006"
    assert found.smtp == SmtpSettings(
        host="mail.council.example", port=587, sender="care@council.example", starttls=True
    )
    assert found.dashboard_url == "https://care.council.example"
    assert found.secure_cookies is True
    assert found.telegram.news_seconds == 2.5
    assert found.speech.engine == "offline" and found.speech.voice_cache == Path("/tmp/voices")
    assert from_mapping({"RASA_URL": "http://rasa:5005/"}).rasa_url == "http://rasa:5005"
    assert from_mapping({"SMTP_STARTTLS": "off"}).smtp.starttls is False


def test_a_webhook_with_its_secret() -> None:
    hook = from_mapping({**HOOK, "TELEGRAM_WEBHOOK_PATH": "/hook/"}).telegram.webhook
    assert hook is not None
    assert (hook.url, hook.secret) == ("https://bot.example/telegram", "s3cret_-X")
    assert (hook.listen, hook.port, hook.path) == ("127.0.0.1", 8443, "hook")


@pytest.mark.parametrize(
    ("name", "env"),
    [
        *[(port, {port: bad}) for port in ("RASA_PORT", "ACTION_PORT", "SMTP_PORT",
                                             "DASHBOARD_PORT")
          for bad in ("0", "65536", "http", "-1", "80.5")],
        ("TELEGRAM_WEBHOOK_PORT", {**HOOK, "TELEGRAM_WEBHOOK_PORT": "99999"}),
        ("SMTP_STARTTLS", {"SMTP_STARTTLS": "maybe"}),
        ("DASHBOARD_SECURE_COOKIES", {"DASHBOARD_SECURE_COOKIES": "sometimes"}),
        ("TELEGRAM_NEWS_SECONDS", {"TELEGRAM_NEWS_SECONDS": "0"}),
        ("TELEGRAM_NEWS_SECONDS", {"TELEGRAM_NEWS_SECONDS": "soon"}),
        ("TELEGRAM_NEWS_SECONDS", {"TELEGRAM_NEWS_SECONDS": "3601"}),
        ("GTTS_TIMEOUT", {"GTTS_TIMEOUT": "-5"}),
        ("TELEGRAM_BASE_URL", {"TELEGRAM_BASE_URL": "localhost:8081"}),
        ("TELEGRAM_BOT_TOKEN", {"TELEGRAM_BOT_TOKEN": "oops"}),
        ("TELEGRAM_WEBHOOK_SECRET", {**HOOK, "TELEGRAM_WEBHOOK_SECRET": ""}),
        ("TELEGRAM_WEBHOOK_SECRET", {**HOOK, "TELEGRAM_WEBHOOK_SECRET": "has spaces in it"}),
        ("TELEGRAM_WEBHOOK_SECRET", {**HOOK, "TELEGRAM_WEBHOOK_SECRET": "x" * 257}),
        ("SPEECH_ENGINE", {"SPEECH_ENGINE": "robot"}),
    ],
)  # fmt: skip
def test_a_bad_value_is_a_plain_error_naming_the_variable(name: str, env: dict[str, str]) -> None:
    with pytest.raises(SettingsError) as caught:
        from_mapping(env)
    message = str(caught.value)
    assert message.startswith(name), message
    assert "Traceback" not in message and len(message) < 300


def test_the_bad_value_is_quoted_back() -> None:
    with pytest.raises(SettingsError, match="RASA_PORT must be a port number") as caught:
        from_mapping({"RASA_PORT": "http"})
    assert "'http'" in str(caught.value)
    with pytest.raises(SettingsError, match="must start with http:// or https://"):
        from_mapping({"TELEGRAM_BASE_URL": "localhost:8081"})
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET must be set"):
        from_mapping({k: v for k, v in HOOK.items() if k != "TELEGRAM_WEBHOOK_SECRET"})
    with pytest.raises(SettingsError, match="SPEECH_ENGINE must be gtts or offline, not 'robot'"):
        from_mapping({"SPEECH_ENGINE": "robot"})


def clear_council(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in COUNCIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_council_variables_reach_the_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_council(monkeypatch)
    assert deployment.council() == load_council()
    monkeypatch.setenv("COUNCIL_NAME", "Northshire Council")
    monkeypatch.setenv("COUNCIL_SAFEGUARDING_PHONE", "01234 567890")
    monkeypatch.setenv("COUNCIL_REPLY_WORKING_DAYS", "5")
    assert deployment.council() == Council("Northshire Council", "01234 567890", 5)
    monkeypatch.delenv("COUNCIL_NAME")
    assert deployment.council().name == load_council().name
    assert deployment.council().safeguarding_phone == "01234 567890"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("COUNCIL_REPLY_WORKING_DAYS", "soon"), ("COUNCIL_REPLY_WORKING_DAYS", "0"),
     ("COUNCIL_SAFEGUARDING_PHONE", "  ")],
)  # fmt: skip
def test_a_bad_council_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    clear_council(monkeypatch)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"^{variable} "):
        deployment.council()


def test_current_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_PORT", raising=False)
    monkeypatch.delenv("RASA_URL", raising=False)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    assert settings.current().rasa_port == 5005
    assert settings.current() is settings.current()  # parsed once per environment
    monkeypatch.setenv("RASA_PORT", "6006")
    monkeypatch.setenv("SMTP_HOST", "mail.council.example")
    now = settings.current()
    assert now.rasa_port == 6006 and now.rasa_url == "http://127.0.0.1:6006"
    assert now.smtp.host == "mail.council.example"
    monkeypatch.setenv("RASA_PORT", "nope")
    with pytest.raises(SettingsError, match="^RASA_PORT"):
        settings.current()
    monkeypatch.delenv("RASA_PORT")
    assert settings.current().rasa_port == 5005


def test_deployment_choices_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAS_SCHEME", "example_bands")
    assert settings.current().scheme == "example_bands"
    assert deployment.scheme().id == "example_bands"
    monkeypatch.delenv("RAS_SCHEME")
    assert settings.current().scheme == ""


def test_environment_for_a_child_process_is_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_PORT", "6006")
    env = settings.environment(DATABASE_URL="sqlite:///child.db")
    assert env["RASA_PORT"] == "6006" and env["DATABASE_URL"] == "sqlite:///child.db"
    env["RASA_PORT"] = "7007"
    assert os.environ["RASA_PORT"] == "6006"
    assert os.environ.get("DATABASE_URL") != "sqlite:///child.db"
