"""Every setting, read from the environment in one place and checked once.

Nothing else in the project reads `os.environ` (a test in tests/test_architecture.py keeps it
so). `current()` gives the settings for the environment as it is now; a setting that is wrong
raises SettingsError naming the variable and what it should be, before anything starts.

    DATABASE_URL                  SQLAlchemy URL; a SQLite file in var/ when unset
    RAS_QUESTIONNAIRE, RAS_SCHEME which questionnaire and council scheme (a path, or a scheme's
                                  name in ras_core/data/schemes)
    COUNCIL_NAME, COUNCIL_SAFEGUARDING_PHONE, COUNCIL_REPLY_WORKING_DAYS
                                  override ras_core/data/council.yml
    RASA_PORT, ACTION_PORT, RASA_URL
    SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS
    SMTP_CA_FILE                  STARTTLS trusts only this CA (a PEM file), not the system's
    DASHBOARD_URL, DASHBOARD_HOST, DASHBOARD_PORT, DASHBOARD_INSECURE_HTTP (1: plain http on
      this computer: no Secure cookies, no HSTS), DASHBOARD_SIGN_INS_PER_ADDRESS (20) and
      _OVERALL (120) tries a minute, DASHBOARD_MAX_BODY_BYTES (65536; larger gets 413)
    TELEGRAM_BOT_TOKEN, TELEGRAM_BASE_URL, TELEGRAM_STATE_FILE, TELEGRAM_NEWS_SECONDS,
    TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_LISTEN,
    TELEGRAM_WEBHOOK_PORT, TELEGRAM_WEBHOOK_PATH
    SPEECH_ENGINE (gtts or offline), GTTS_TIMEOUT, VOICE_CACHE_DIR
    LOCK_STORE (in_memory; redis for several Rasa servers), REDIS_URL (redis://:pw@host:port/db)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
TELEGRAM_API_ROOT = "https://api.telegram.org"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")


class SettingsError(ValueError):
    """A setting is missing or wrong; the message says which and what to do."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 25
    sender: str = "assistant@localhost"
    user: str = ""
    password: str = ""
    starttls: bool = False
    ca_file: Path | None = None  # a council's own CA for STARTTLS; None: the system's CAs


@dataclass(frozen=True)
class WebhookSettings:
    url: str  # the public https address Telegram posts to
    secret: str  # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token
    listen: str
    port: int
    path: str


@dataclass(frozen=True)
class TelegramSettings:
    token: str  # "" when the assistant does not run on Telegram
    api_root: str | None  # a self-hosted Bot API server; None for Telegram's own
    state_file: Path
    webhook: WebhookSettings | None
    news_seconds: float = 10.0  # how often to look for coordinators' replies to pass on

    @property
    def base_url(self) -> str | None:
        return f"{self.api_root}/bot" if self.api_root else None

    @property
    def base_file_url(self) -> str | None:
        return f"{self.api_root}/file/bot" if self.api_root else None

    @property
    def api_root_or_telegram(self) -> str:
        return self.api_root or TELEGRAM_API_ROOT


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = "gtts"  # gtts (the offline engine when it fails) or offline
    gtts_timeout: float = 5.0
    voice_cache: Path = VAR / "voice-cache"


@dataclass(frozen=True)
class SecretSettings:
    """Who may talk to the Rasa server. Empty values are made up by the launcher at start."""

    rasa_api_token: str = ""  # Rasa's HTTP API (`--auth-token`): operators and tests only
    frontend_secret: str = ""  # the front-end channel (the Telegram bot)
    rest_token: str = ""  # the public REST webhook (integrators, the terminal chat)

    def filled(self) -> SecretSettings:
        """These secrets, with a new random value for each one not set."""
        return SecretSettings(
            *(value or secrets.token_urlsafe(32) for value in astuple(self))  # 43 characters
        )

    def environment(self) -> dict[str, str]:
        """The variables that carry them to a child process (credentials.yml reads two)."""
        return dict(zip(_SECRET_VARIABLES, astuple(self), strict=True))


_SECRET_VARIABLES = ("RASA_AUTH_TOKEN", "FRONTEND_SECRET", "REST_TOKEN")
LOCK_STORES = {"in_memory": "in_memory", "redis": "bot.cluster.lock_store.AtomicRedisLockStore"}


@dataclass(frozen=True)
class DashboardSecurity:
    """How the dashboard guards itself. The defaults are for a dashboard served over https."""

    insecure_http: bool = False  # plain http: no Secure cookies and no Strict-Transport-Security
    sign_ins_per_address: int = 20  # sign-in tries a minute from one client address
    sign_ins_overall: int = 120  # sign-in tries a minute from everyone together
    max_body_bytes: int = 65_536  # a request body (a form) larger than this gets 413


@dataclass(frozen=True)
class Settings:
    database_url: str
    questionnaire: str  # a path, or "" for the default
    scheme: str  # a path or a scheme's name, or "" for the default
    council: Mapping[str, str]  # overrides for data/council.yml, by field name
    rasa_port: int
    action_port: int
    rasa_url: str
    smtp: SmtpSettings
    dashboard_url: str
    dashboard_host: str
    dashboard_port: int
    secure_cookies: bool
    telegram: TelegramSettings
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    secrets: SecretSettings = field(default_factory=SecretSettings)
    dashboard_security: DashboardSecurity = field(default_factory=DashboardSecurity)
    lock_store: Mapping[str, str] = field(default_factory=dict)  # lock_store_environment()


def default_database_url() -> str:
    return f"sqlite:///{VAR / 'assistant.db'}"


def current() -> Settings:
    """The settings for the environment as it is now (parsed once per distinct environment)."""
    known = tuple(sorted((k, v) for k, v in os.environ.items() if k in _KNOWN))
    return _parse(known)


def from_mapping(env: Mapping[str, str]) -> Settings:
    """Settings from a mapping instead of the environment (tests, or a child process's env)."""
    return _parse(tuple(sorted((k, v) for k, v in env.items() if k in _KNOWN)))


# Set for every Rasa process: no telemetry, quieter TensorFlow and SQLAlchemy start-up.
RASA_QUIET = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def quiet_rasa() -> None:
    """Give this process RASA_QUIET's values where unset; call before importing Rasa."""
    for name, value in RASA_QUIET.items():
        os.environ.setdefault(name, value)


def environment(**extra: str) -> dict[str, str]:
    """A copy of this environment for a child process, with `extra` and LOCK_STORE_TYPE added."""
    env = dict(os.environ)
    env.update(extra)
    env.update(lock_store_environment(env))
    return env


_KNOWN = frozenset(
    {
        "DATABASE_URL", "RAS_QUESTIONNAIRE", "RAS_SCHEME",
        "COUNCIL_NAME", "COUNCIL_SAFEGUARDING_PHONE", "COUNCIL_REPLY_WORKING_DAYS",
        "RASA_PORT", "ACTION_PORT", "RASA_URL",
        "SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS",
        "SMTP_CA_FILE",
        "DASHBOARD_URL", "DASHBOARD_HOST", "DASHBOARD_PORT", "DASHBOARD_SECURE_COOKIES",
        "DASHBOARD_INSECURE_HTTP", "DASHBOARD_SIGN_INS_PER_ADDRESS", "DASHBOARD_SIGN_INS_OVERALL",
        "DASHBOARD_MAX_BODY_BYTES",
        "TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "TELEGRAM_STATE_FILE",
        "TELEGRAM_NEWS_SECONDS", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_WEBHOOK_LISTEN", "TELEGRAM_WEBHOOK_PORT", "TELEGRAM_WEBHOOK_PATH",
        "SPEECH_ENGINE", "GTTS_TIMEOUT", "VOICE_CACHE_DIR", "LOCK_STORE", "REDIS_URL",
        *_SECRET_VARIABLES,
    }
)  # fmt: skip


@lru_cache(maxsize=16)
def _parse(items: tuple[tuple[str, str], ...]) -> Settings:
    env = dict(items)

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    rasa_port = _port(env, "RASA_PORT", 5005)
    return Settings(
        database_url=get("DATABASE_URL") or default_database_url(),
        questionnaire=get("RAS_QUESTIONNAIRE"),
        scheme=get("RAS_SCHEME"),
        council=_council(env),
        rasa_port=rasa_port,
        action_port=_port(env, "ACTION_PORT", 5055),
        rasa_url=(get("RASA_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        smtp=SmtpSettings(
            host=get("SMTP_HOST"),
            port=_port(env, "SMTP_PORT", 25),
            sender=get("SMTP_FROM") or SmtpSettings.sender,
            user=get("SMTP_USER"),
            password=env.get("SMTP_PASSWORD", ""),
            starttls=_flag(env, "SMTP_STARTTLS"),
            ca_file=_existing_file(env, "SMTP_CA_FILE"),
        ),
        dashboard_url=(get("DASHBOARD_URL") or "http://127.0.0.1:8080").rstrip("/"),
        dashboard_host=get("DASHBOARD_HOST") or "127.0.0.1",
        dashboard_port=_port(env, "DASHBOARD_PORT", 8080),
        secure_cookies=_flag(env, "DASHBOARD_SECURE_COOKIES"),
        telegram=_telegram(env),
        speech=_speech(env),
        dashboard_security=_dashboard_security(env),
        secrets=_secrets(env),
        lock_store=lock_store_environment(env),
    )


def lock_store_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What bot/rasa/endpoints.yml reads (Rasa fails on any unset): the lock store's class."""
    kind = env.get("LOCK_STORE", "").strip().lower() or "in_memory"
    url = env.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/1"
    if kind not in LOCK_STORES:
        raise SettingsError(f"LOCK_STORE must be in_memory (one Rasa server) or redis: {kind!r}.")
    if not url.startswith(("redis://", "rediss://")):
        raise SettingsError("REDIS_URL must be like redis://:password@host:6379/1 (rediss: TLS).")
    return {"LOCK_STORE": kind, "LOCK_STORE_TYPE": LOCK_STORES[kind], "REDIS_URL": url}


def _secrets(env: Mapping[str, str]) -> SecretSettings:
    found = [env.get(name, "").strip() for name in _SECRET_VARIABLES]
    for name, value in zip(_SECRET_VARIABLES, found, strict=True):
        if value and (len(value) < 16 or not value.isprintable() or " " in value):
            raise SettingsError(
                f"{name} must be at least 16 characters, with no spaces. Leave it unset and "
                "the launcher makes up a new one each time it starts."
            )
    return SecretSettings(*found)


def _dashboard_security(env: Mapping[str, str]) -> DashboardSecurity:
    # DASHBOARD_SECURE_COOKIES=1 (from before secure was the default) still wins: secure.
    insecure = _flag(env, "DASHBOARD_INSECURE_HTTP") and not _flag(env, "DASHBOARD_SECURE_COOKIES")
    return DashboardSecurity(
        insecure_http=insecure,
        sign_ins_per_address=_whole(env, "DASHBOARD_SIGN_INS_PER_ADDRESS", 20, 100_000),
        sign_ins_overall=_whole(env, "DASHBOARD_SIGN_INS_OVERALL", 120, 1_000_000),
        max_body_bytes=_whole(env, "DASHBOARD_MAX_BODY_BYTES", 65_536, 100_000_000),
    )


def _whole(env: Mapping[str, str], name: str, default: int, most: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise SettingsError(f"{name} must be a whole number from 1 to {most}, not {raw!r}.")
    return int(raw)


def _council(env: Mapping[str, str]) -> dict[str, str]:
    """COUNCIL_NAME, COUNCIL_SAFEGUARDING_PHONE, COUNCIL_REPLY_WORKING_DAYS, where set."""
    found: dict[str, str] = {}
    for field_name in ("name", "safeguarding_phone", "reply_working_days"):
        variable = f"COUNCIL_{field_name.upper()}"
        if variable not in env:
            continue
        value = env[variable].strip()
        if not value:
            raise SettingsError(f"{variable} is set but empty: give a value or unset it.")
        if field_name == "reply_working_days" and not (value.isdigit() and int(value) >= 1):
            raise SettingsError(
                f"{variable} must be a whole number of days, 1 or more, not {value!r}."
            )
        found[field_name] = value
    return found


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number from 1 to 65535, not {raw!r}.")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in TRUE_WORDS + FALSE_WORDS:
        raise SettingsError(f"{name} must be 1 (on) or 0 (off), not {raw!r}.")
    return raw in TRUE_WORDS


def _existing_file(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    if raw and not Path(raw).is_file():
        raise SettingsError(f"{name} must be the path of a file that exists, not {raw!r}.")
    return Path(raw) if raw else None


def _seconds(env: Mapping[str, str], name: str, default: float, most: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= most:
        raise SettingsError(
            f"{name} must be a number of seconds from 0.1 to {most:g}, not {raw!r}."
        )
    return seconds


def _api_root(value: str) -> str | None:
    """Accept the server's root ("http://host:8081") or its method prefix (".../bot")."""
    value = value.strip().rstrip("/")
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsError(
            f"TELEGRAM_BASE_URL must start with http:// or https://, not {value!r}."
        )
    return value.removesuffix("/bot")


def _telegram(env: Mapping[str, str]) -> TelegramSettings:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and ":" not in token:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (it should be like 123456:ABC...)."
        )
    state_file = env.get("TELEGRAM_STATE_FILE", "").strip()
    return TelegramSettings(
        token=token,
        api_root=_api_root(env.get("TELEGRAM_BASE_URL", "")),
        state_file=Path(state_file) if state_file else VAR / "telegram-state.pickle",
        webhook=_webhook(env),
        news_seconds=_seconds(env, "TELEGRAM_NEWS_SECONDS", 10.0, 3600),
    )


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
        listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1").strip() or "127.0.0.1",
        port=_port(env, "TELEGRAM_WEBHOOK_PORT", 8443),
        path=env.get("TELEGRAM_WEBHOOK_PATH", "telegram").strip().strip("/"),
    )


def _speech(env: Mapping[str, str]) -> SpeechSettings:
    engine = env.get("SPEECH_ENGINE", "gtts").strip().lower() or "gtts"
    if engine not in ("gtts", "offline"):
        raise SettingsError(f"SPEECH_ENGINE must be gtts or offline, not {engine!r}.")
    cache = env.get("VOICE_CACHE_DIR", "").strip()
    return SpeechSettings(
        engine=engine,
        gtts_timeout=_seconds(env, "GTTS_TIMEOUT", 5.0, 120),
        voice_cache=Path(cache) if cache else VAR / "voice-cache",
    )
