"""SQLite is for one process (issue 14): a second `reader-bot run` on the same file is refused at start.

The lock is an advisory `flock` on a file beside the database; the kernel drops it when the process ends, however it
ends (SIGKILL included), so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url


class DatabaseInUse(Exception):
    """Another process runs the bot on this SQLite file."""


def sqlite_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def lock_sqlite(database_url: str) -> IO[str] | None:
    """Hold the lock for as long as the returned file stays open; None for a database that is not a SQLite file."""
    path = sqlite_file(database_url)
    if path is None:
        return None
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise DatabaseInUse(
            f"{path} is in use by {holder}: SQLite runs one bot process; for several, use PostgreSQL (README \"Running at scale\")"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"reader-bot run (pid {os.getpid()})\n")
    handle.flush()
    return handle
