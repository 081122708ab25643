"""Start and stop the action server and the Rasa server as subprocesses.

Used by the launcher (`python -m bot.launcher`) and by the end-to-end tests. Both servers listen
on 127.0.0.1 only. Their output goes to `rasa.log` and `actions.log` in the log folder, kept
under a size with a few old files (bot/launcher/logfiles.py). Both run with umask 077, so
what they write (the database, logs) is for this account only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from bot.launcher.logfiles import LogLimits, LogWatch, open_log
from ras_core import settings as project_settings
from ras_core.logs import PRIVATE_UMASK
from ras_core.settings import REPO, SecretSettings, SettingsError
from ras_core.store.engine import rasa_tracker_store_env

LOG_TAIL_LINES = 40


class ServerError(RuntimeError):
    """A server could not start, or stopped. The message is meant for people."""


@dataclass
class ServerSettings:
    repo: Path
    rasa_port: int
    action_port: int
    database_url: str
    log_dir: Path
    model: Path
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. SMTP_HOST for tests
    secrets: SecretSettings = field(default_factory=lambda: SecretSettings().filled())
    log_limits: LogLimits = field(default_factory=LogLimits)

    @classmethod
    def current(cls, repo: Path = REPO) -> ServerSettings:
        """RASA_PORT, ACTION_PORT and DATABASE_URL from the settings, or the defaults."""
        try:
            found = project_settings.current()
        except SettingsError as error:
            raise ServerError(str(error)) from None
        return cls(
            repo=repo,
            rasa_port=found.rasa_port,
            action_port=found.action_port,
            database_url=found.database_url,
            log_dir=repo / "var" / "log",
            model=repo / "models" / "assistant.tar.gz",
            secrets=found.secrets.filled(),  # any not set are made up for this run
        )


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as log:
            return "".join(deque(log, maxlen=lines)).rstrip()
    except OSError:
        return "(no log yet)"


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError, ValueError):
        return None


class _Process:
    """One server: its command, its log file and, while it runs, its process."""

    def __init__(
        self, name: str, log_path: Path, health_url: str, limits: LogLimits | None = None
    ) -> None:
        self.name = name
        self.log_path = log_path
        self.health_url = health_url
        self.limits = limits or LogLimits()
        self.popen: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._watch: LogWatch | None = None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        if self.running:
            return
        self._close()  # a server that stopped by itself: its log and watch are done with
        self._log = open_log(self.log_path, self.limits)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._log.write(f"\n=== {stamp} starting: {' '.join(command)}\n".encode())
        self._log.flush()
        self.popen = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches only the launcher
            umask=PRIVATE_UMASK,  # whatever it writes is for this account only
        )
        self._watch = LogWatch(self.log_path, self.limits)
        self._watch.start()

    def failure(self, what: str) -> ServerError:
        return ServerError(
            f"The {self.name} {what}. Last lines of {self.log_path}:\n{log_tail(self.log_path)}"
        )

    def _signal(self, sig: signal.Signals) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)  # the server and anything it started

    def stop(self, grace: float = 10.0) -> None:
        if self.popen is not None:
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait()
        self._close()

    def kill(self) -> None:
        if self.popen is not None:
            self._signal(signal.SIGKILL)
            self.popen.wait()
        self._close()

    def _close(self) -> None:
        self.popen = None
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        if self._log is not None:
            self._log.close()
            self._log = None


class Servers:
    """The action server and the Rasa server, as subprocesses. Use as a context manager."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.bin_dir = Path(sys.executable).parent  # the venv's bin/, where `rasa` is
        self.actions = _Process(
            "action server",
            settings.log_dir / "actions.log",
            f"http://127.0.0.1:{settings.action_port}/health",
            settings.log_limits,
        )
        self.rasa = _Process(
            "Rasa server",
            settings.log_dir / "rasa.log",
            # 200 once a model is loaded (the HTTP API needs its token)
            f"http://127.0.0.1:{settings.rasa_port}/status?token={settings.secrets.rasa_api_token}",
            settings.log_limits,
        )

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}/webhooks/rest/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    @property
    def frontend_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}/webhooks/frontend/webhook"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.action_port}/webhook"

    def environment(self) -> dict[str, str]:
        """The environment for both servers."""
        env = project_settings.environment(**project_settings.RASA_QUIET)
        try:
            env.update(rasa_tracker_store_env(self.settings.database_url, self.settings.repo))
        except ValueError as error:
            raise ServerError(str(error)) from None
        env["DATABASE_URL"] = self.settings.database_url
        env["ACTION_PORT"] = str(self.settings.action_port)
        env["RASA_PORT"] = str(self.settings.rasa_port)
        env.update(self.settings.secrets.environment())
        # Sanic's request body limits (bytes). Rasa's channels take short JSON messages; the
        # action server takes a whole conversation from Rasa, on loopback only.
        env.setdefault("SANIC_REQUEST_MAX_SIZE", "65536")
        paths = [str(self.settings.repo)]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env.update(self.settings.extra_env)
        return env

    def _rasa_command(self) -> str:
        rasa = self.bin_dir / "rasa"
        if not rasa.exists():
            raise ServerError(f"Rasa is not installed at {rasa}: run `bash scripts/bootstrap.sh`.")
        return str(rasa)

    @staticmethod
    def _check_port(name: str, variable: str, port: int) -> None:
        if port_in_use(port):
            raise ServerError(
                f"Port {port} for the {name} is already in use: another copy may be running. "
                f"Stop it, or choose another port with {variable}=<number>."
            )

    def check_ports(self) -> None:
        """Raise ServerError if a port either server needs is taken."""
        self._check_port("action server", "ACTION_PORT", self.settings.action_port)
        self._check_port("Rasa server", "RASA_PORT", self.settings.rasa_port)

    def start_actions(self) -> None:
        if self.actions.running:
            return
        self._check_port("action server", "ACTION_PORT", self.settings.action_port)
        env = self.environment()
        env.setdefault("SANIC_HOST", "127.0.0.1")  # the action server's listening address
        env["SANIC_REQUEST_MAX_SIZE"] = str(16 * 1024 * 1024)
        command = [self._rasa_command(), "run", "actions", "--actions", "actions"]
        command += ["-p", str(self.settings.action_port)]
        self.actions.start(command, self.settings.repo, env)

    def start_rasa(self) -> None:
        if self.rasa.running:
            return
        model = self.settings.model
        if not model.exists():
            raise ServerError(f"There is no trained model at {model}: run `make train` first.")
        self._check_port("Rasa server", "RASA_PORT", self.settings.rasa_port)
        bot = self.settings.repo / "bot" / "rasa"
        command = [
            sys.executable, "-m", "bot.rasa.server", "run", "--enable-api",
            "-i", "127.0.0.1", "-p", str(self.settings.rasa_port),
            "--model", str(model),
            "--endpoints", str(bot / "endpoints.yml"),
            "--credentials", str(bot / "credentials.yml"),
        ]  # fmt: skip
        self.rasa.start(command, self.settings.repo, self.environment())

    def _started(self) -> list[_Process]:
        return [p for p in (self.actions, self.rasa) if p.popen is not None]

    def check_running(self) -> None:
        """Raise ServerError (with the log tail) if a started server has stopped."""
        for process in self._started():
            if not process.running:
                raise process.failure("stopped unexpectedly")

    def wait_ready(self, timeout: float = 180) -> None:
        """Wait until every started server answers its health check."""
        deadline = time.monotonic() + timeout
        waiting = self._started()
        while waiting:
            self.check_running()
            statuses = {p.name: http_status(p.health_url) for p in waiting}
            if statuses.get(self.rasa.name) == 409:
                # Rasa loads the model before it listens: answering 409 means loading failed.
                raise self.rasa.failure(f"started but could not load {self.settings.model}")
            waiting = [p for p in waiting if statuses[p.name] != 200]
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise waiting[0].failure(f"was not ready after {timeout:.0f} seconds")
            time.sleep(0.5)

    def stop_rasa(self) -> None:
        """SIGTERM, then SIGKILL after 10 seconds."""
        self.rasa.stop()

    def kill_rasa(self) -> None:
        """SIGKILL without warning, as in a crash."""
        self.rasa.kill()

    def stop_actions(self) -> None:
        self.actions.stop()

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_actions()

    def __enter__(self) -> Servers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
