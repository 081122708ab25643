"""The launcher applies retention once the servers are up, then again every day."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.launcher import __main__ as launcher
from bot.launcher.servers import Servers, ServerSettings
from ras_core.store import open_store
from tests.privacy.dump import database_text
from tests.privacy.people import add_events

REPO = Path(__file__).resolve().parents[2]
DONE = "Old personal data deleted"


def test_the_launcher_purges_at_start_and_then_every_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    store = open_store(url)
    three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)
    add_events(store.engine, "rest:said-no", [("user", "no thanks")], three_days_ago)
    settings = ServerSettings(REPO, 1, 2, url, tmp_path, tmp_path / "no-model.tar.gz")
    monkeypatch.setattr(launcher, "PURGE_EVERY_SECONDS", 0.5)  # a "day" of half a second
    stop = threading.Event()
    thread = launcher.purge_daily(settings, Servers(settings), stop, quiet=False)
    said, deadline = "", time.monotonic() + 120
    while said.count(DONE) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        said += capsys.readouterr().out
    stop.set()
    thread.join(timeout=60)
    assert said.count(DONE) >= 2, said
    first = said.splitlines()[0]
    assert first.startswith(DONE) and "conversation events: 1" in first
    assert "no thanks" not in database_text(store.engine)
