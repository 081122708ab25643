"""The shared pieces of the cluster, each Debian's own program on loopback.

- `LocalPostgres`: a PostgreSQL server of its own (initdb once, in its folder; kept between
  runs), with a password for the `assistant` user.
- `LocalRedis`: a Redis server without persistence (it holds only the conversations' locks),
  with a password.
- `Balancer`: HAProxy in front of the Rasa servers, checking each one's REST channel every
  second and sending the channels' requests only to servers that answer (a dead one is out
  within about 3 seconds).

Programs come from Debian's packages (postgresql, redis-server, haproxy): scripts/bootstrap.sh
installs them when run as root.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis

from bot.launcher.servers import ServerError, _Process, http_status
from ras_core.settings import environment

SBIN = (Path("/usr/sbin"), Path("/usr/bin"), Path("/sbin"))


def find_program(name: str) -> Path | None:
    """A program on PATH, in the sbin folders (haproxy lives there) or PostgreSQL's own."""
    found = shutil.which(name)
    if found:
        return Path(found)
    places = [*SBIN, *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
    return next((place / name for place in places if (place / name).is_file()), None)


def missing_programs() -> list[str]:
    """The programs the cluster needs that are not on this machine."""
    needed = ("initdb", "pg_ctl", "createdb", "redis-server", "haproxy")
    return [name for name in needed if find_program(name) is None]


def _program(name: str) -> str:
    found = find_program(name)
    if found is None:
        raise ServerError(
            f"{name} is not installed: run `bash scripts/bootstrap.sh` as root, which installs "
            "scripts/debian-packages.txt."
        )
    return str(found)


def _wait(ready: Callable[[], bool], what: str, process: _Process, timeout: float = 60) -> None:
    """Wait until `ready()` is true; raise ServerError if the process stops or time is up."""
    deadline = time.monotonic() + timeout
    while not ready():
        if not process.running:
            raise process.failure("stopped while starting")
        if time.monotonic() > deadline:
            raise ServerError(f"{what} was not ready after {timeout:.0f} seconds")
        time.sleep(0.2)


class LocalPostgres:
    """PostgreSQL in `folder` (its data, socket and log), on 127.0.0.1:`port`.

    initdb refuses to run as root, so as root the folder belongs to the `postgres` user and the
    server runs as that user; then every folder above it must let that user through (x).
    `durable=False` (tests, benchmarks) turns fsync off.
    """

    user = "assistant"
    database = "assistant"

    def __init__(self, folder: Path, port: int, password_file: Path, durable: bool = True):
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.password_file = password_file
        self.durable = durable
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def log_path(self) -> Path:
        return self.folder / "postgres.log"

    def _password(self) -> str:
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(32))
            self.password_file.chmod(0o600)
        return self.password_file.read_text().strip()

    def url(self) -> str:
        return (
            f"postgresql+psycopg2://{self.user}:{self._password()}@127.0.0.1:{self.port}/"
            f"{self.database}"
        )

    def _run(self, *args: str) -> str:
        """Run one of PostgreSQL's programs as the owner of its folder."""
        result = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal reaches only the launcher
        )  # fmt: skip
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise ServerError(f"PostgreSQL: {Path(args[0]).name} failed:\n{output[-2000:]}")
        return result.stdout

    def start(self) -> str:
        """Start it (initdb and createdb the first time); the SQLAlchemy URL of its database."""
        self.folder.mkdir(parents=True, exist_ok=True)
        password = self._password()
        if self.as_user:
            shutil.chown(self.folder, "postgres")
            self.folder.chmod(0o700)
            reachable = subprocess.run([*self.as_user, "test", "-w", str(self.folder)])
            if reachable.returncode != 0:
                raise ServerError(
                    f"PostgreSQL runs as the postgres user, which cannot reach {self.folder}: "
                    "let it through the folders above (chmod o+x)."
                )
        if not (self.data / "PG_VERSION").exists():
            given = self.folder / "initdb.password"  # read by initdb, which may run as postgres
            given.write_text(password + "\n")
            if self.as_user:
                shutil.chown(given, "postgres")
            try:
                self._run(
                    _program("initdb"), "-D", str(self.data), "-U", self.user, "-E", "UTF8",
                    "--locale=C", "-A", "scram-sha-256", f"--pwfile={given}", "--no-sync",
                )  # fmt: skip
            finally:
                given.unlink()
        self.stop()  # one left running by a launcher that was killed: start it afresh
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            _program("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log_path),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        created = subprocess.run(
            [_program("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
             self.database],
            capture_output=True, text=True, env=environment(PGPASSWORD=password),
        )  # fmt: skip
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise ServerError(f"PostgreSQL: createdb failed:\n{created.stderr.strip()}")
        return self.url()

    @property
    def running(self) -> bool:
        """Whether the server whose number is in postmaster.pid is alive."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return False
        return True

    def stop(self) -> None:
        if self.running:
            self._run(_program("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


class LocalRedis:
    """Redis on 127.0.0.1:`port`, with a new password each start and nothing saved to disk."""

    def __init__(self, folder: Path, port: int, log_path: Path) -> None:
        self.folder = folder
        self.port = port
        self.password = secrets.token_urlsafe(32)
        self.process = _Process("Redis server", log_path, "")

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/1"

    def _answers(self) -> bool:
        try:
            client = redis.Redis(port=self.port, password=self.password, socket_timeout=1)
            return bool(client.ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "redis.conf"
        config.write_text(
            "\n".join([
                "bind 127.0.0.1", f"port {self.port}", "protected-mode yes", "daemonize no",
                'save ""', "appendonly no", f"dir {self.folder}", 'logfile ""',
                f"requirepass {self.password}",  # in this 0600 file, not on a command line
            ]) + "\n"
        )  # fmt: skip
        config.chmod(0o600)
        self.process.start([_program("redis-server"), str(config)], self.folder, environment())
        _wait(self._answers, "Redis", self.process)

    def stop(self) -> None:
        self.process.stop()


HAPROXY_CONFIG = """\
# Written by bot/cluster/services.py each time the cluster starts.
global
    maxconn 2000
    log stdout format raw local0 info
    stats socket {socket} mode 600 level user

defaults
    mode http
    log global
    option httplog
    option dontlog-normal  # log only errors and odd requests
    timeout connect 2s
    timeout http-request 10s
    # A turn may wait up to Rasa's lock lifetime (60 s) for a ticket left by a server that died.
    timeout client 150s
    timeout server 150s
    retries 3
    option redispatch 1  # a server that refuses the connection: try another one

frontend channels
    bind 127.0.0.1:{port}
    # Only the channels (REST, the Telegram front end's): Rasa's HTTP API stays on each server.
    http-request deny deny_status 404 unless {{ path_beg /webhooks/ }}
    default_backend rasa

backend rasa
    balance leastconn
    option httpchk GET /webhooks/rest/
    http-check expect status 200
    # Checked every second. A busy server answers its check late, not never: it has 15 s. A
    # dead one refuses at once, and is out after 3 refusals; back after 2 answers.
    timeout check 15s
    default-server inter 1s fall 3 rise 2
{servers}
"""


class Balancer:
    """HAProxy on 127.0.0.1:`port`, in front of the Rasa servers."""

    def __init__(self, folder: Path, port: int, log_path: Path) -> None:
        self.folder = folder
        self.port = port
        self.socket = folder / "haproxy.sock"
        self.process = _Process("load balancer (HAProxy)", log_path, "")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, rasa_ports: list[int]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "haproxy.cfg"
        servers = "\n".join(
            f"    server rasa-{number} 127.0.0.1:{port} check"
            for number, port in enumerate(rasa_ports, start=1)
        )
        config.write_text(
            HAPROXY_CONFIG.format(socket=self.socket, port=self.port, servers=servers)
        )
        haproxy = _program("haproxy")
        checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True)
        if checked.returncode != 0:
            raise ServerError(f"HAProxy refused {config}:\n{checked.stderr.decode()[-2000:]}")
        self.process.start([haproxy, "-db", "-f", str(config)], self.folder, environment())
        _wait(lambda: http_status(f"{self.url}/webhooks/rest/") == 200, "HAProxy", self.process)

    def servers(self) -> dict[str, dict[str, str]]:
        """HAProxy's figures for each Rasa server, from its stats socket: `status` (UP, DOWN,
        ...), `stot` (requests passed to it), `hrsp_5xx` (errors it answered) and more."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(self.socket))
            sock.sendall(b"show stat\n")
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        rows = csv.DictReader(raw.decode().lstrip("# ").splitlines())
        return {
            row["svname"]: row
            for row in rows
            if row["pxname"] == "rasa" and row["svname"] not in ("FRONTEND", "BACKEND")
        }

    def stop(self) -> None:
        self.process.stop()
