"""Where a batch of votes is written: one transaction per batch, returning only after the commit.

`SessionVoteWriter` works on any backend through the bot's async `Database`. On a SQLite file the bot uses
`SqliteVoteWriter`, which runs each batch (take the write lock, read, write, commit) synchronously on the event
loop's own thread, with its own connection. Measured, that is what made the difference: through the async driver
a batch is a dozen round trips to the driver's thread, and with a writer thread every SQLite call hands the GIL
back and forth with the busy event loop (up to 5 ms each); inline, a batch of dozens of votes blocks the loop for
about a millisecond and nothing else. To keep that bound: SQLite never waits for a lock here (busy timeout 0; a
locked database is retried after an `await asyncio.sleep`), and this connection never checkpoints the WAL itself
(the fsync of a checkpoint runs in a worker thread on a separate connection). Commits in WAL mode with
synchronous=NORMAL survive the process being killed, which is the durability the acknowledgement promises.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import time
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from bot.polls.retry import RetryPolicy, RetryStats, StorageBusy, is_transient, run_write
from bot.polls.voting import OptionLabels, VoteRequest, VoteResult, apply_votes, cast_votes
from bot.storage.database import Database

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_COMMITS = 200


class VoteWriter(Protocol):
    stats: RetryStats

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]: ...

    async def close(self) -> None: ...


class SessionVoteWriter:
    """Any backend: one unit of work of the bot's Database per batch."""

    def __init__(self, database: Database, policy: RetryPolicy = RetryPolicy()) -> None:
        self.database = database
        self.policy = policy
        self.stats = RetryStats()
        self.option_labels = OptionLabels()

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        return await run_write(
            self.database,
            lambda session: cast_votes(session, requests, option_labels=self.option_labels),
            policy=self.policy,
            stats=self.stats,
        )

    async def close(self) -> None:
        return None


def sqlite_writer_engine(url: str, lock_wait_ms: int = 0) -> Engine:
    """A synchronous engine on the same SQLite file: one connection, every transaction BEGIN IMMEDIATE, no
    waiting inside SQLite (unless `lock_wait_ms`), no automatic checkpoints."""
    sync_url = make_url(url).set(drivername="sqlite")
    engine = create_engine(sync_url, poolclass=StaticPool, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_wait_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock before the first read

    return engine


class SqliteVoteWriter:
    """SQLite file: each batch inline on the event loop's thread (see the module docstring for why)."""

    def __init__(self, url: str, policy: RetryPolicy = RetryPolicy()) -> None:
        self.policy = policy
        self.stats = RetryStats()
        self.option_labels = OptionLabels()
        self.path = make_url(url).database or ""
        self.engine = sqlite_writer_engine(url, policy.lock_wait_ms or 0)
        self._commits_since_checkpoint = 0
        self._checkpoint: asyncio.Task[None] | None = None

    def _apply(self, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        with self.engine.begin() as connection:
            return apply_votes(connection, requests, option_labels=self.option_labels)

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        deadline = time.monotonic() + self.policy.budget_seconds
        backoff = self.policy.first_backoff
        while True:
            self.stats.attempts += 1
            try:
                results = self._apply(requests)
                break
            except DBAPIError as error:
                if not is_transient(error):
                    raise
                if time.monotonic() + backoff > deadline:
                    self.stats.failures += 1
                    log.warning("database stayed busy for %.1f s; giving up on this write", self.policy.budget_seconds)
                    raise StorageBusy("the database is busy") from error
                self.stats.retries += 1
                await asyncio.sleep(backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, self.policy.max_backoff)
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint >= CHECKPOINT_EVERY_COMMITS and self._checkpoint is None:
            self._commits_since_checkpoint = 0
            self._checkpoint = asyncio.create_task(self._run_checkpoint())
        return results

    async def _run_checkpoint(self) -> None:
        try:
            await asyncio.to_thread(passive_checkpoint, self.path)
        except Exception:
            log.exception("WAL checkpoint failed; the next one will catch up")
        finally:
            self._checkpoint = None

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        self.engine.dispose()


def passive_checkpoint(path: str) -> None:
    """Copy committed WAL pages into the database file without blocking writers (a separate connection)."""
    connection = sqlite3.connect(path, timeout=1.0)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        connection.close()


def vote_writer_for(database: Database, policy: RetryPolicy = RetryPolicy()) -> VoteWriter:
    """The dedicated SQLite writer for a SQLite file, the session writer otherwise (PostgreSQL, in-memory)."""
    url = make_url(database.url)
    if database.is_sqlite and url.database not in (None, "", ":memory:") and "mode=memory" not in str(url):
        return SqliteVoteWriter(database.url, policy)
    return SessionVoteWriter(database, policy)
