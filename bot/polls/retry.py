"""Write transactions that survive a busy database.

SQLite allows one writer at a time. A vote's read-check-write must be atomic (the poll may close, the member's
previous vote decides between change and withdraw), so on SQLite each write unit starts with `BEGIN IMMEDIATE`,
taking the write lock before reading. SQLite waits for a held lock itself (the connection's busy timeout, or
`lock_wait_ms` when set); a write that still finds the database locked is rolled back and retried here with
backoff. On PostgreSQL, serialization failures and deadlocks are retried the same way. Giving up raises
`StorageBusy`: nothing was written, and the caller says so.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ReaderBotError
from bot.storage.database import SQLITE_BUSY_TIMEOUT_MS, Database

T = TypeVar("T")
log = logging.getLogger(__name__)

_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
_POSTGRES_RETRY_CODES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


class StorageBusy(ReaderBotError):
    """The database stayed busy longer than we wait; nothing was written."""


@dataclass(frozen=True)
class RetryPolicy:
    lock_wait_ms: int | None = None  # SQLite's own wait for the write lock per attempt (None: the connection's)
    budget_seconds: float = 20.0  # total time before giving up
    first_backoff: float = 0.02
    max_backoff: float = 0.5


@dataclass
class RetryStats:
    attempts: int = 0
    retries: int = 0
    failures: int = 0


def is_transient(error: BaseException) -> bool:
    """A lock or serialization conflict that another attempt may not meet."""
    if not isinstance(error, DBAPIError):
        return False
    if isinstance(error, OperationalError) and any(marker in str(error.orig).lower() for marker in _SQLITE_BUSY):
        return True
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in _POSTGRES_RETRY_CODES


_BEGIN_IMMEDIATE = text("BEGIN IMMEDIATE")


async def begin_write(session: AsyncSession, database: Database, lock_wait_ms: int | None) -> None:
    """Take SQLite's write lock now (no-op elsewhere); with `lock_wait_ms`, SQLite waits at most that long."""
    if not database.is_sqlite:
        return
    if lock_wait_ms is None:
        connection = await session.connection()
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    await session.execute(text(f"PRAGMA busy_timeout={int(lock_wait_ms)}"))
    try:
        await session.execute(_BEGIN_IMMEDIATE)
    finally:
        await session.execute(text(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"))


async def retry_while_busy(
    attempt: Callable[[], Awaitable[T]],
    busy: Callable[[Exception], bool],
    policy: RetryPolicy,
    stats: RetryStats,
) -> T:
    """Run `attempt` again, after a jittered pause that doubles each time, while the error it raises is one that
    `busy` calls a lock or conflict; give up with StorageBusy once the policy's budget would be spent. Every
    writer (sessions, the SQLite and PostgreSQL vote writers) retries this one way."""
    deadline = time.monotonic() + policy.budget_seconds
    backoff = policy.first_backoff
    while True:
        stats.attempts += 1
        try:
            return await attempt()
        except Exception as error:
            if not busy(error):
                raise
            if time.monotonic() + backoff > deadline:
                stats.failures += 1
                log.warning("database stayed busy for %.1f s; giving up on this write", policy.budget_seconds)
                raise StorageBusy("the database is busy") from error
            stats.retries += 1
            log.info("database busy (%s); retrying in %.0f ms", getattr(error, "orig", error), backoff * 1000)
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(backoff * 2, policy.max_backoff)


async def run_write(
    database: Database,
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    policy: RetryPolicy = RetryPolicy(),
    stats: RetryStats | None = None,
) -> T:
    """Run `work` in one unit of work holding the write lock; retry the whole unit when the database is busy.

    Returns only after the commit succeeded, so whatever `work` decided is durable when this returns.
    """

    async def attempt() -> T:
        async with database.session() as session:
            await begin_write(session, database, policy.lock_wait_ms)
            return await work(session)

    return await retry_while_busy(attempt, is_transient, policy, stats if stats is not None else RetryStats())

