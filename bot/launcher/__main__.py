"""Run the assistant on this machine.

    python -m bot.launcher serve   # both servers in the foreground until Ctrl-C
    python -m bot.launcher chat    # both servers, then a chat in this terminal, or the
                                   # Telegram bot when TELEGRAM_BOT_TOKEN is set

Before the servers start, the database is brought up to date
(`python -m ras_core.store.migrate upgrade`). Once they are up, what has been kept longer than
the council's retention periods is deleted (`python -m ras_core.privacy purge`, docs/privacy.md),
then again every day while they run. Settings: ras_core/settings.py.
Everything it and the servers write is for this account only (umask 077, ras_core/logs.py);
the servers' logs in var/log are kept under a size (bot/launcher/logfiles.py).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from types import FrameType

from bot.launcher.servers import ServerError, Servers, ServerSettings
from bot.telegram import app as telegram_app
from bot.terminal import chat as terminal_chat
from ras_core import settings as project_settings
from ras_core.logs import PRIVATE_UMASK, private_files
from ras_core.settings import SettingsError, TelegramSettings

USAGE = "Usage: python -m bot.launcher serve|chat"
PURGE_EVERY_SECONDS = 24 * 60 * 60  # retention (docs/privacy.md) is applied once a day


def say(message: str) -> None:
    print(message, flush=True)


def run_module(
    settings: ServerSettings, servers: Servers, module: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run one of our command-line modules as the servers would run: same environment, same
    folder, files private to this account; its output captured."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=settings.repo,
        env=servers.environment(),
        capture_output=True,
        text=True,
        umask=PRIVATE_UMASK,
    )


def migrate(settings: ServerSettings, servers: Servers) -> None:
    say("Updating the database ...")
    result = run_module(settings, servers, "ras_core.store.migrate", "upgrade")
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-40:]
        raise ServerError("The database could not be updated:\n" + "\n".join(output))


def purge(settings: ServerSettings, servers: Servers, *, quiet: bool = False) -> bool:
    """Delete personal data kept long enough; a failure is said, and tried again next day."""
    result = run_module(settings, servers, "ras_core.privacy", "purge")
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).strip().splitlines()[-10:]
        say("Could not delete old personal data (tried again tomorrow):\n" + "\n".join(lines))
        return False
    if not quiet:
        counts = [line.strip() for line in result.stdout.splitlines()[1:] if line.strip()]
        say(f"Old personal data deleted: {'; '.join(counts)}")
    return True


def purge_daily(
    settings: ServerSettings, servers: Servers, stop: threading.Event, *, quiet: bool
) -> threading.Thread:
    """Run `purge` now and then once a day, in a background thread, until `stop` is set."""

    def run() -> None:
        while not stop.is_set():
            purge(settings, servers, quiet=quiet)
            stop.wait(PURGE_EVERY_SECONDS)

    thread = threading.Thread(target=run, name="daily purge", daemon=True)
    thread.start()
    return thread


def check_model(settings: ServerSettings) -> None:
    if not settings.model.exists():
        raise ServerError(
            f"There is no trained model at {settings.model}.\n"
            "Run `make train` (or `make run`, which sets everything up) first."
        )


def start(settings: ServerSettings, servers: Servers) -> None:
    servers.check_ports()
    migrate(settings, servers)
    say("Starting the action server and the Rasa server (this can take a minute) ...")
    servers.start_actions()
    servers.start_rasa()
    servers.wait_ready()


def serve_until_stopped(servers: Servers) -> None:
    settings = servers.settings
    say("")
    say(f"Rasa server:    {servers.rasa_url}")
    say(f"REST webhook:   POST {servers.rest_url}")
    say('                {"sender": "demo", "message": "hello"}')
    say(f"                Authorization: Bearer {settings.secrets.rest_token}")
    say(f"Action server:  {servers.actions_url}")
    say(f"Logs:           {settings.log_dir}")
    say("Press Ctrl-C to stop.")
    while True:
        servers.check_running()
        time.sleep(1)


def telegram_settings() -> TelegramSettings | None:
    """The Telegram bot's settings when a token is set; checked before any server starts."""
    try:
        telegram = project_settings.current().telegram
    except SettingsError as error:
        raise ServerError(f"The assistant cannot start: {error}") from error
    return telegram if telegram.token else None


def run_telegram(settings: TelegramSettings, servers: Servers) -> int:
    say(f"Telegram bot: starting (Rasa at {servers.rasa_url}). Press Ctrl-C to stop.")
    # PTB handles Ctrl-C itself while it runs; it returns when stopped.
    secret = servers.settings.secrets.frontend_secret
    return telegram_app.run_checked(settings, servers.rasa_url, secret)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    if argv[1:] not in (["serve"], ["chat"]):
        print(USAGE, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    private_files()
    try:
        settings = ServerSettings.current()
        check_model(settings)
        telegram = telegram_settings() if argv[1] == "chat" else None
        stop_purging = threading.Event()
        with Servers(settings) as servers:
            try:
                start(settings, servers)
                # In the terminal chat only a failure is said, so the chat is not cut into.
                purge_daily(settings, servers, stop_purging, quiet=argv[1] == "chat")
                if argv[1] == "serve":
                    serve_until_stopped(servers)
                    return 0
                if telegram is not None:
                    return run_telegram(telegram, servers)
                return terminal_chat.chat(servers.rest_url, settings.secrets.rest_token)
            except KeyboardInterrupt:
                say("")
                return 0
            finally:
                stop_purging.set()
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C can't cut it short
                if servers.rasa.running or servers.actions.running:
                    say("Stopping the servers ...")
    except ServerError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv))
