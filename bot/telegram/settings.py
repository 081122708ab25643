"""Front-end settings, all from the environment, checked before anything starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class SettingsError(ValueError):
    """A setting is missing or wrong; the message says which and what to do."""


@dataclass(frozen=True)
class WebhookSettings:
    url: str  # the public https address Telegram posts to
    secret: str  # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token
    listen: str
    port: int
    path: str


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    api_root: str | None  # a self-hosted Bot API server; None for Telegram's own
    rasa_url: str
    state_file: Path
    webhook: WebhookSettings | None
    news_seconds: float = 10.0  # how often to look for coordinators' replies to pass on

    @property
    def base_url(self) -> str | None:
        return f"{self.api_root}/bot" if self.api_root else None

    @property
    def base_file_url(self) -> str | None:
        return f"{self.api_root}/file/bot" if self.api_root else None


def _api_root(value: str) -> str | None:
    """Accept the server's root ("http://host:8081") or its method prefix (".../bot")."""
    value = value.strip().rstrip("/")
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"TELEGRAM_BASE_URL must start with http:// or https://, not {value!r}")
    return value.removesuffix("/bot")


def _port(name: str, value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(f"{name} must be a port number from 1 to 65535, not {value!r}")
    return int(value)


def _webhook(env: Mapping[str, str]) -> WebhookSettings | None:
    url = env.get("TELEGRAM_WEBHOOK_URL", "").strip()
    if not url:
        return None
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    # Telegram allows 1-256 characters: A-Z, a-z, 0-9, _ and -.
    if not secret or len(secret) > 256 or not all(c.isalnum() or c in "_-" for c in secret):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is: 1 to 256 letters, "
            "digits, _ or -. Without it anyone could post fake messages to the webhook."
        )
    return WebhookSettings(
        url=url,
        secret=secret,
        listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
        port=_port("TELEGRAM_WEBHOOK_PORT", env.get("TELEGRAM_WEBHOOK_PORT", "8443")),
        path=env.get("TELEGRAM_WEBHOOK_PATH", "telegram").strip("/"),
    )


def settings_from_env(env: Mapping[str, str] | None = None) -> TelegramSettings:
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN is not set. Ask BotFather for a token and set it, "
            "or run `make run` without it to chat in the terminal."
        )
    if ":" not in token:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (it should be like 123456:ABC...)."
        )
    rasa_port = env.get("RASA_PORT", "5005")
    return TelegramSettings(
        token=token,
        api_root=_api_root(env.get("TELEGRAM_BASE_URL", "")),
        rasa_url=env.get("RASA_URL", f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        state_file=Path(
            env.get("TELEGRAM_STATE_FILE", str(REPO / "var" / "telegram-state.pickle"))
        ),
        webhook=_webhook(env),
        news_seconds=_seconds("TELEGRAM_NEWS_SECONDS", env.get("TELEGRAM_NEWS_SECONDS", "10")),
    )


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise SettingsError(f"{name} must be a number of seconds from 0.1 to 3600, not {value!r}")
    return seconds
