"""Files the assistant writes are private, and its logs do not grow for ever.

What the servers write holds people's care details: the database, the Telegram state file, the
logs, exports and the voice cache. `private_files()` is the first thing every entry point does
(the launcher, the dashboard, the Telegram bot): umask 077 for the process and everything it
starts, so new files are 0600 and new folders 0700, and the same for what an earlier run left
readable (all of var/, and the database, state file and voice cache where settings put them
elsewhere).

Logs: the launcher sends each server's output to a file in var/log and keeps it under
MAX_LOG_BYTES: a log over that size is moved aside when its server starts, and copied aside
and emptied while it runs (`rotate`, `copy_aside`). KEEP_LOGS old files are kept (`rasa.log.1`
is the newest); older ones are deleted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from ras_core import settings
from ras_core.settings import REPO, VAR, SettingsError

PRIVATE_UMASK = 0o077  # files 0600, folders 0700
MAX_LOG_BYTES = 10 * 1024 * 1024
KEEP_LOGS = 5
SQLITE_SIBLINGS = ("", "-wal", "-shm", "-journal", ".migrate.lock")


def private_files() -> None:
    """umask 077 from now on, and take group and other access from what is there already."""
    os.umask(PRIVATE_UMASK)
    tighten_tree(VAR)
    for path in _configured_files():
        tighten(path)
    with contextlib.suppress(SettingsError):
        cache = settings.current().speech.voice_cache
        if not cache.is_relative_to(VAR):
            tighten(cache)  # the folder: what it holds is then out of others' reach


def tighten(path: Path) -> None:
    """Remove group and other permissions from one file or folder, where it is ours to change.

    Never follows a symbolic link, and leaves shared folders (those with the sticky bit, such as
    /tmp) alone.
    """
    try:
        found = path.lstat()
    except OSError:
        return
    mode = stat.S_IMODE(found.st_mode)
    if stat.S_ISLNK(found.st_mode) or mode & stat.S_ISVTX or not mode & PRIVATE_UMASK:
        return
    if found.st_uid != os.getuid() and os.getuid() != 0:
        return
    with contextlib.suppress(OSError):
        path.chmod(mode & ~PRIVATE_UMASK)


def tighten_tree(folder: Path) -> None:
    """`tighten` a folder and everything in it."""
    if not folder.is_dir() or folder.is_symlink():
        tighten(folder)
        return
    tighten(folder)
    for root, folders, files in os.walk(folder):
        for name in (*folders, *files):
            tighten(Path(root) / name)


def _configured_files() -> Iterator[Path]:
    """The SQLite database (and its journal files) and the Telegram state file, from settings."""
    try:
        found = settings.current()
    except SettingsError:
        return
    yield found.telegram.state_file
    database = sqlite_path(found.database_url)
    if database is not None:
        database = database if database.is_absolute() else REPO / database  # where servers run
        for suffix in SQLITE_SIBLINGS:
            yield database.with_name(database.name + suffix)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (sqlite:///relative or sqlite:////absolute), else None."""
    if not url.startswith("sqlite") or "///" not in url:
        return None
    database = url.split("///", 1)[1].split("?", 1)[0]
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def old_log(path: Path, number: int) -> Path:
    return path.with_name(f"{path.name}.{number}")


def _make_room(path: Path, keep: int) -> None:
    """log.1 becomes log.2 and so on; the oldest beyond `keep` is deleted."""
    with contextlib.suppress(FileNotFoundError):
        old_log(path, keep).unlink()
    for number in range(keep - 1, 0, -1):
        with contextlib.suppress(FileNotFoundError):
            old_log(path, number).rename(old_log(path, number + 1))


def rotate(path: Path, max_bytes: int = MAX_LOG_BYTES, keep: int = KEEP_LOGS) -> bool:
    """Move a log over `max_bytes` aside (to log.1) while nothing writes to it."""
    if _size(path) <= max_bytes:
        return False
    if keep < 1:
        path.unlink()
        return True
    _make_room(path, keep)
    path.rename(old_log(path, 1))
    tighten(old_log(path, 1))
    return True


def copy_aside(path: Path, max_bytes: int = MAX_LOG_BYTES, keep: int = KEEP_LOGS) -> bool:
    """Copy a log over `max_bytes` to log.1 and empty it, while a server goes on writing to it.

    The server holds the file open for appending, so after it is emptied its next line goes at
    the start. Lines written between the copy and the emptying are lost (as with logrotate's
    copytruncate).
    """
    if _size(path) <= max_bytes:
        return False
    if keep >= 1:
        _make_room(path, keep)
        aside = open_private(old_log(path, 1), os.O_WRONLY | os.O_TRUNC)
        with path.open("rb") as source, os.fdopen(aside, "wb") as target:
            shutil.copyfileobj(source, target)
    os.truncate(path, 0)
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def open_private(path: Path, flags: int) -> int:
    """os.open with mode 0600 (folders made 0700), and 0600 even if the file was there."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tighten(path.parent)
    handle = os.open(path, flags | os.O_CREAT, 0o600)
    os.fchmod(handle, 0o600)
    return handle
