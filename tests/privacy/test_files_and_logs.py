"""Files and logs: what the servers write is private (0600 files, 0700 folders), SQL errors
never carry a person's words, and the servers' logs do not grow for ever.

The launcher's own code starts a real action server and migrates a real database; the
dashboard and the Telegram bot are started as `python -m ...`, as a council would.
"""

from __future__ import annotations

import ast
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from bot.launcher import __main__ as launcher
from bot.launcher.logfiles import LogLimits
from bot.launcher.servers import Servers, ServerSettings, _Process
from ras_core import logs
from ras_core.settings import environment
from ras_core.store.engine import make_engine

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "assistant.tar.gz"
SENTENCE = "my neighbour hits me when my daughter is out"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def process_umask(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    raise AssertionError(f"no Umask line for process {pid}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def lax_umask() -> Iterator[None]:
    """This test process makes world-readable files, as a login shell usually does."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def readable_by_others(folder: Path) -> list[str]:
    return [
        f"{path.relative_to(folder)} {oct(mode(path))}"
        for path in [folder, *folder.rglob("*")]
        if not path.is_symlink() and mode(path) & 0o077
    ]


# The launcher and the servers


@pytest.mark.e2e
@pytest.mark.usefixtures("lax_umask")
def test_the_launcher_migrates_and_starts_a_server_whose_files_are_private(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "assistant.db"
    log_dir = tmp_path / "var" / "log"
    settings = ServerSettings(
        REPO, free_port(), free_port(), f"sqlite:///{database}", log_dir, MODEL
    )
    with Servers(settings) as servers:
        launcher.migrate(settings, servers)  # a subprocess, as at every start
        servers.start_actions()
        servers.wait_ready(timeout=120)
        assert servers.actions.popen is not None
        assert process_umask(servers.actions.popen.pid) == 0o077
        # This process (umask 022) opens it too: SQLite gives -wal and -shm the file's mode.
        with make_engine(f"sqlite:///{database}").connect() as connection:
            connection.execute(text("SELECT count(*) FROM people"))
            written = sorted(p.name for p in data.iterdir())
            assert {"assistant.db", "assistant.db-wal", "assistant.db-shm"} <= set(written)
            assert {name: mode(data / name) for name in written} == dict.fromkeys(written, 0o600)
        assert mode(log_dir) == 0o700
        assert mode(log_dir / "actions.log") == 0o600
        assert "Action endpoint is up and running" in (log_dir / "actions.log").read_text()


def test_a_log_over_its_size_is_moved_aside_when_its_server_starts(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    log.write_text("x" * 2000)
    log.chmod(0o644)
    (tmp_path / "rasa.log.1").write_text("older")
    (tmp_path / "rasa.log.2").write_text("oldest")
    server = _Process("test server", log, "http://127.0.0.1:1/", LogLimits(1000, keep=2))
    server.start([sys.executable, "-c", "print('started')"], tmp_path, environment())
    assert server.popen is not None
    server.popen.wait(timeout=30)
    server.stop()
    assert (tmp_path / "rasa.log.1").read_text() == "x" * 2000
    assert (tmp_path / "rasa.log.2").read_text() == "older"
    assert not (tmp_path / "rasa.log.3").exists()
    assert "started" in log.read_text() and "x" * 100 not in log.read_text()
    assert mode(log) == mode(tmp_path / "rasa.log.1") == 0o600


def test_a_running_servers_log_is_kept_under_its_size(tmp_path: Path) -> None:
    log = tmp_path / "actions.log"
    chatty = "import time\nfor n in range(400):\n    print(f'{n:04d} ' + 'y' * 95, flush=True)\n"
    chatty += "    time.sleep(0.005)\n"
    limits = LogLimits(max_bytes=5000, keep=2, check_seconds=0.05)
    server = _Process("chatty server", log, "http://127.0.0.1:1/", limits)
    server.start([sys.executable, "-c", chatty], tmp_path, environment())
    assert server.popen is not None
    largest = 0
    while server.popen.poll() is None:
        largest = max(largest, log.stat().st_size)
        time.sleep(0.01)
    server.stop()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["actions.log", "actions.log.1", "actions.log.2"]  # 40 KB written in all
    assert largest < 20_000
    assert all(mode(tmp_path / name) == 0o600 for name in files)
    assert "0399 " in log.read_text() + (tmp_path / "actions.log.1").read_text()  # the last
    assert "earlier lines are in actions.log.1" in log.read_text()


def test_the_rasa_server_is_started_at_info_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa logs what a person wrote only at DEBUG ("Received user message ..."): never asked."""
    model = tmp_path / "assistant.tar.gz"
    model.write_bytes(b"")
    settings = ServerSettings(REPO, free_port(), free_port(), "sqlite:///a.db", tmp_path, model)
    commands: list[list[str]] = []
    monkeypatch.setattr(_Process, "start", lambda _self, command, *_: commands.append(command))
    Servers(settings).start_rasa()
    [command] = commands
    assert not {"--debug", "-vv", "--verbose", "-v", "--log-file"} & set(command)


# Files an earlier run left readable, and the other entry points


@pytest.mark.usefixtures("lax_umask")
def test_private_files_takes_away_what_others_could_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    var, elsewhere = tmp_path / "var", tmp_path / "elsewhere"
    (var / "log").mkdir(parents=True)
    (var / "exports").mkdir()
    (var / "log" / "rasa.log").write_text("old log")
    (var / "exports" / "person.json").write_text("{}")
    elsewhere.mkdir()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)
    (elsewhere / "assistant.db").write_text("")
    (elsewhere / "assistant.db-wal").write_text("")
    (elsewhere / "state.pickle").write_text("")
    (elsewhere / "voices").mkdir()
    (var / "outside").symlink_to(shared)
    monkeypatch.setattr(logs, "VAR", var)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{elsewhere / 'assistant.db'}")
    monkeypatch.setenv("TELEGRAM_STATE_FILE", str(elsewhere / "state.pickle"))
    monkeypatch.setenv("VOICE_CACHE_DIR", str(elsewhere / "voices"))
    assert readable_by_others(var) and readable_by_others(elsewhere)

    logs.private_files()
    (var / "voice-cache").mkdir()
    (var / "voice-cache" / "new.ogg").write_bytes(b"new")

    assert os.umask(0o077) == 0o077
    assert readable_by_others(var) == []
    assert {
        name: mode(elsewhere / name)
        for name in ("assistant.db", "assistant.db-wal", "state.pickle", "voices")
    } == {"assistant.db": 0o600, "assistant.db-wal": 0o600, "state.pickle": 0o600, "voices": 0o700}
    assert mode(shared) == 0o1777  # a folder shared on purpose is left alone


@pytest.mark.usefixtures("lax_umask")
def test_the_telegram_bot_makes_its_files_private_before_anything_else(tmp_path: Path) -> None:
    state = tmp_path / "telegram-state.pickle"
    state.write_bytes(b"")
    state.chmod(0o644)
    env = environment(TELEGRAM_STATE_FILE=str(state), PYTHONPATH=str(REPO))
    env.pop("TELEGRAM_BOT_TOKEN", None)  # it stops at once, having made its files private
    result = subprocess.run(
        [sys.executable, "-m", "bot.telegram"], cwd=REPO, env=env, capture_output=True
    )
    assert result.returncode == 2, result.stderr.decode()
    assert mode(state) == 0o600


@pytest.mark.usefixtures("lax_umask")
def test_the_dashboard_makes_its_database_private(tmp_path: Path) -> None:
    database = tmp_path / "dashboard.db"
    port = free_port()
    env = environment(
        DATABASE_URL=f"sqlite:///{database}",
        DASHBOARD_PORT=str(port),
        DASHBOARD_INSECURE_HTTP="1",
        PYTHONPATH=str(REPO),
    )
    dashboard = subprocess.Popen(
        [sys.executable, "-m", "dashboard"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert dashboard.poll() is None, "the dashboard stopped"
            assert time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.2)
        assert process_umask(dashboard.pid) == 0o077
        assert mode(database) == 0o600
    finally:
        dashboard.terminate()
        dashboard.wait(timeout=30)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_every_entry_point_that_writes_files_makes_them_private_first() -> None:
    for entry in ("bot/launcher/__main__.py", "dashboard/__main__.py", "bot/telegram/__main__.py"):
        tree = ast.parse((REPO / entry).read_text())
        calls = [
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        ]
        assert "private_files" in calls, entry


# SQL errors


def test_an_sql_error_never_carries_the_words_it_was_given(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'errors.db'}")
    with pytest.raises(StatementError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO nowhere VALUES (:words)"), {"words": SENTENCE})
    assert SENTENCE not in str(raised.value)
    assert "hidden" in str(raised.value)
    assert make_engine("postgresql://nobody@127.0.0.1:1/nowhere").hide_parameters
