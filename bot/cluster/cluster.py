"""Several Rasa servers behind a load balancer, as `make cluster` runs them on one machine.

    HAProxy 127.0.0.1:RASA_PORT ──▶ Rasa server 1 ──▶ action server 1 ──┐
       (the channels only)     └──▶ Rasa server 2 ──▶ action server 2 ──┤
                                       │ conversations' locks             ▼
                                       └──────────▶ Redis      PostgreSQL (our tables and
                                                                Rasa's events, for all)

Each Rasa server has its own action server (a pair, started by bot/launcher/servers.py's
`Servers`), so an action call never crosses the balancer and a pair is the unit to add or lose.
Every process gets the same secrets (RASA_AUTH_TOKEN, FRONTEND_SECRET, REST_TOKEN), the same
database and the same Redis lock store (LOCK_STORE=redis, REDIS_URL). The balancer and the Rasa
servers listen on 127.0.0.1 only, each server on a free port of its own.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from bot.cluster.services import Balancer, LocalPostgres, LocalRedis
from bot.launcher.servers import ServerError, Servers, ServerSettings, port_in_use
from ras_core.logs import PRIVATE_UMASK
from ras_core.settings import SecretSettings, lock_store_environment

RESTART_AFTER_SECONDS = 60  # a server that stops again sooner than this is not restarted


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ClusterSettings:
    repo: Path
    folder: Path  # PostgreSQL's data (kept between runs), Redis's and HAProxy's files
    log_dir: Path  # one folder per server pair, and redis.log, haproxy.log
    model: Path
    port: int  # the load balancer's: the only port people's channels use
    rasa_servers: int = 2
    secrets: SecretSettings = field(default_factory=lambda: SecretSettings().filled())
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. SMTP_HOST
    durable: bool = True  # False (tests, benchmarks): PostgreSQL without fsync


class Cluster:
    """PostgreSQL, Redis, pairs of Rasa and action servers, and HAProxy. A context manager."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        folder = settings.folder.resolve()
        self.postgres = LocalPostgres(
            folder / "postgres", free_port(), folder / "postgres.password", settings.durable
        )
        self.redis = LocalRedis(folder / "redis", free_port(), settings.log_dir / "redis.log")
        self.balancer = Balancer(
            folder / "haproxy", settings.port, settings.log_dir / "haproxy.log"
        )
        self.pairs: list[Servers] = []
        self.database_url = ""
        self._restarted: dict[str, float] = {}

    @property
    def url(self) -> str:
        return self.balancer.url

    @property
    def rest_url(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def frontend_url(self) -> str:
        return f"{self.url}/webhooks/frontend/webhook"

    def _pair(self, number: int) -> Servers:
        lock_store = lock_store_environment({"LOCK_STORE": "redis", "REDIS_URL": self.redis.url})
        return Servers(
            ServerSettings(
                repo=self.settings.repo,
                rasa_port=free_port(),
                action_port=free_port(),
                database_url=self.database_url,
                log_dir=self.settings.log_dir / f"server-{number}",
                model=self.settings.model,
                extra_env={**lock_store, **self.settings.extra_env},
                secrets=self.settings.secrets,
            )
        )

    def start(self, say: Callable[[str], None] = lambda _: None) -> None:
        """Start everything, in order, and wait until the balancer passes requests on."""
        if port_in_use(self.settings.port):
            raise ServerError(
                f"Port {self.settings.port} for the load balancer is already in use: another "
                "copy may be running. Stop it, or choose another port with RASA_PORT=<number>."
            )
        if not self.settings.model.exists():
            raise ServerError(f"No trained model at {self.settings.model}: run `make train`.")
        if os.geteuid() == 0:  # PostgreSQL runs as `postgres`: let it through to its folder
            self.settings.folder.mkdir(parents=True, exist_ok=True)
            self.settings.folder.chmod(0o711)
        say("Starting PostgreSQL and Redis ...")
        self.database_url = self.postgres.start()
        self.redis.start()
        self.pairs = [self._pair(number) for number in range(1, self.settings.rasa_servers + 1)]
        self._migrate()
        say(f"Starting {len(self.pairs)} Rasa servers and their action servers (a minute) ...")
        for pair in self.pairs:
            pair.start_actions()
            pair.start_rasa()
        for pair in self.pairs:
            pair.wait_ready(timeout=300)
        say("Starting the load balancer (HAProxy) ...")
        self.balancer.start([pair.settings.rasa_port for pair in self.pairs])

    def _migrate(self) -> None:
        """Bring the database up to date, once, before any server starts."""
        result = subprocess.run(
            [sys.executable, "-m", "ras_core.store.migrate", "upgrade"],
            cwd=self.settings.repo, env=self.pairs[0].environment(),
            capture_output=True, text=True, umask=PRIVATE_UMASK,
        )  # fmt: skip
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip().splitlines()[-40:]
            raise ServerError("The database could not be updated:\n" + "\n".join(output))

    def check_running(self) -> list[str]:
        """Restart a Rasa or action server that stopped (not one that keeps stopping), and say
        which; raise ServerError if PostgreSQL, Redis or the balancer stopped."""
        if not self.postgres.running:
            raise ServerError(f"PostgreSQL stopped. See {self.postgres.log_path}")
        for process in (self.redis.process, self.balancer.process):
            if not process.running:
                raise process.failure("stopped unexpectedly")
        restarted = []
        for number, pair in enumerate(self.pairs, start=1):
            for process, start in (
                (pair.actions, pair.start_actions),
                (pair.rasa, pair.start_rasa),
            ):
                if process.popen is None or process.running:
                    continue
                name = f"{process.name} {number}"
                if time.monotonic() - self._restarted.get(name, -1e9) < RESTART_AFTER_SECONDS:
                    raise process.failure("stopped again soon after a restart")
                self._restarted[name] = time.monotonic()
                start()
                restarted.append(name)
        return restarted

    def stop(self) -> None:
        """The balancer first (no new requests), then the servers, Redis and PostgreSQL."""
        steps = [self.balancer.stop, *(pair.stop for pair in self.pairs), self.redis.stop]
        for step in [*steps, self.postgres.stop]:
            with contextlib.suppress(ServerError):
                step()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
