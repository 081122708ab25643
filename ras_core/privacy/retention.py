"""Retention: delete what has been kept as long as the council says (council.yml, `retention`).

    python -m ras_core.privacy purge          (make purge; the launcher runs it daily)

`purge(store, now)` applies the periods (the rules are in ras_core/store/retention.py) and
removes export files older than `export_files_days`. It takes the time as an argument, so
tests run it on a fixed clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ras_core.domain.council import Retention, load_retention
from ras_core.privacy.export import EXPORTS
from ras_core.store import Store


@dataclass(frozen=True)
class PurgeReport:
    counts: dict[str, int]  # things deleted, by kind (ras_core.store.retention.KINDS + files)
    rows: dict[str, int]  # rows deleted, by table (Rasa's "events" included)

    def lines(self) -> list[str]:
        return [f"{kind.replace('_', ' ')}: {count}" for kind, count in self.counts.items()]


def purge(
    store: Store, now: datetime, periods: Retention | None = None, exports: Path = EXPORTS
) -> PurgeReport:
    """Delete everything whose retention period has run out at `now`."""
    periods = periods or load_retention()
    counts, rows = store.retention.purge(now, periods)
    counts["export_files"] = _old_exports(exports, now - timedelta(days=periods.export_files_days))
    return PurgeReport(counts, rows)


def _old_exports(folder: Path, cutoff: datetime) -> int:
    if not folder.is_dir():
        return 0
    gone = 0
    for path in folder.iterdir():
        made = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        if path.is_file() and made < cutoff:
            path.unlink(missing_ok=True)
            gone += 1
    return gone
