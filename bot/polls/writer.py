"""Where a batch of votes is written: one transaction per batch, returning only after the commit.

`SessionVoteWriter` works on any backend through the bot's async `Database`. On a SQLite file the bot uses
`SqliteVoteWriter`, which runs each batch (take the write lock, read, write, commit) synchronously on the event
loop's own thread, with its own connection and the standard library driver. Measured, that is what made the difference: through the async driver
a batch is a dozen round trips to the driver's thread, and with a writer thread every SQLite call hands the GIL
back and forth with the busy event loop (up to 5 ms each); inline, a batch of dozens of votes blocks the loop for
about a millisecond and nothing else. To keep that bound: SQLite never waits for a lock here (busy timeout 0; a
locked database is retried after an `await asyncio.sleep`), and this connection never checkpoints the WAL itself
(the fsync of a checkpoint runs in a worker thread on a separate connection). Commits in WAL mode with
synchronous=NORMAL survive the process being killed, which is the durability the acknowledgement promises.

By default the bot runs these writers in a process of its own (bot/polls/writer_process.py): "the event loop" here
is then that process's, which does nothing else, and the bot's own loop only sends the batch and reads the results.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.engine import make_url

from bot.polls.retry import RetryPolicy, RetryStats, retry_while_busy, run_write
from bot.polls.voting import WARM_UP_CLICK, OptionLabels, VoteRequest, VoteResult, cast_votes, collect_state, decide_votes
from bot.storage.database import Database
from bot.storage.models import utcnow

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_COMMITS = 200


class VoteWriter(Protocol):
    stats: RetryStats

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]: ...

    async def warm_up(self, requests: Sequence[VoteRequest] = (WARM_UP_CLICK,)) -> list[VoteResult]:
        """Open the connection and apply `requests` (by default a click on a poll that does not exist) in a
        transaction that is rolled back, so that the first click after a start costs what the thousandth does
        and nothing is left behind."""

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

    async def warm_up(self, requests: Sequence[VoteRequest] = (WARM_UP_CLICK,)) -> list[VoteResult]:
        async with self.database.sessionmaker() as session:
            results = await cast_votes(session, requests, option_labels=self.option_labels)
            await session.rollback()
        return results

    async def close(self) -> None:
        return None


def _sqlite_busy(error: Exception) -> bool:
    return isinstance(error, sqlite3.OperationalError) and any(marker in str(error).lower() for marker in ("locked", "busy"))


class SqliteVoteWriter:
    """SQLite file: each batch inline on the event loop's thread, on its own connection (see the module docstring).

    The rules are `decide_votes`, shared with `apply_votes`; only the reading and writing are spelled out here,
    in SQLite's own SQL through the standard library driver, because this runs for every batch of clicks and
    is where the per-batch cost is. The stored shapes are the ones the models define (timestamps as naive
    UTC text, as SQLAlchemy writes `TZDateTime` on SQLite); tests/polls check both paths agree.
    """

    def __init__(self, url: str, policy: RetryPolicy = RetryPolicy()) -> None:
        self.policy = policy
        self.stats = RetryStats()
        self.option_labels = OptionLabels()
        self.path = make_url(url).database or ""
        self._connection: sqlite3.Connection | None = None
        self._commits_since_checkpoint = 0
        self._checkpoint: asyncio.Task[None] | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                         timeout=(self.policy.lock_wait_ms or 0) / 1000)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA wal_autocheckpoint=0")
            connection.execute(f"PRAGMA busy_timeout={int(self.policy.lock_wait_ms or 0)}")
            self._connection = connection
        return self._connection

    def _apply(self, requests: Sequence[VoteRequest], *, commit: bool = True) -> list[VoteResult]:
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")  # the write lock before the first read
        try:
            now = utcnow()
            stamp = _sqlite_timestamp(now)
            poll_ids = sorted({request.poll_id for request in requests})
            members = sorted({request.member_id for request in requests})
            rows = connection.execute(
                "SELECT p.id, p.guild_id, p.state, p.closes_at, v.id, v.member_id, v.option_id FROM polls AS p "
                f"LEFT OUTER JOIN votes AS v ON v.poll_id = p.id AND v.member_id IN ({_marks(members)}) "
                f"WHERE p.id IN ({_marks(poll_ids)})",
                [*members, *poll_ids],
            ).fetchall()
            polls, initial = collect_state(
                (poll_id, guild_id, state, _parse_timestamp(closes_at), vote_id, member_id, option_id)
                for poll_id, guild_id, state, closes_at, vote_id, member_id, option_id in rows
            )
            options = self.option_labels.lookup(
                list(polls),
                lambda missing: connection.execute(
                    f"SELECT id, poll_id, label FROM poll_options WHERE poll_id IN ({_marks(missing)})", missing
                ).fetchall(),
            )
            changes = decide_votes(requests, polls, initial, options, now)
            if changes.deletes:
                connection.execute(f"DELETE FROM votes WHERE id IN ({_marks(changes.deletes)})", changes.deletes)
            if changes.updates:
                connection.executemany(
                    "UPDATE votes SET option_id = ?, updated_at = ? WHERE id = ?",
                    [(option_id, stamp, vote_id) for vote_id, option_id in changes.updates],
                )
            if changes.inserts:
                values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(changes.inserts))
                connection.execute(
                    f"INSERT INTO votes (poll_id, guild_id, member_id, option_id, created_at, updated_at) VALUES {values}",
                    [value for row in changes.inserts for value in (*row, stamp, stamp)],
                )
            connection.execute("COMMIT" if commit else "ROLLBACK")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return changes.results

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        async def attempt() -> list[VoteResult]:
            return self._apply(requests)

        results = await retry_while_busy(attempt, _sqlite_busy, self.policy, self.stats)
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint >= CHECKPOINT_EVERY_COMMITS and self._checkpoint is None:
            self._commits_since_checkpoint = 0
            self._checkpoint = asyncio.create_task(self._run_checkpoint())
        return results

    async def warm_up(self, requests: Sequence[VoteRequest] = (WARM_UP_CLICK,)) -> list[VoteResult]:
        """Open the connection (WAL mode, pragmas) and apply `requests` (by default a click on a poll that does not
        exist), rolled back. Then one commit that changes nothing (the header's user_version set to itself): the
        previous process's clean close removed the WAL, and the first commit into a new one should not be a
        click's."""
        results = self._apply(requests, commit=False)
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            connection.execute(f"PRAGMA user_version = {int(version)}")
            connection.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another connection right now: the first click will do it
            if connection.in_transaction:
                connection.execute("ROLLBACK")
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
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _sqlite_timestamp(moment: datetime) -> str:
    """How SQLAlchemy stores a `TZDateTime` on SQLite: naive UTC, microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _parse_timestamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def passive_checkpoint(path: str) -> None:
    """Copy committed WAL pages into the database file without blocking writers (a separate connection)."""
    connection = sqlite3.connect(path, timeout=1.0)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        connection.close()


def vote_writer_for(database: Database, policy: RetryPolicy = RetryPolicy(), *, separate_process: bool = False) -> VoteWriter:
    """The dedicated SQLite writer for a SQLite file, the PostgreSQL writer (bot/polls/pg_writer.py) on
    PostgreSQL with asyncpg, the session writer otherwise (in-memory SQLite). With `separate_process`, either of
    the first two runs in a process of its own (bot/polls/writer_process.py)."""
    url = make_url(database.url)
    sqlite_file = database.is_sqlite and url.database not in (None, "", ":memory:") and "mode=memory" not in str(url)
    asyncpg = database.engine.dialect.name == "postgresql" and database.engine.dialect.driver == "asyncpg"
    if separate_process and (sqlite_file or asyncpg):
        from bot.polls.writer_process import ProcessVoteWriter

        return ProcessVoteWriter(database, policy)
    if sqlite_file:
        return SqliteVoteWriter(database.url, policy)
    if asyncpg:
        from bot.polls.pg_writer import PostgresVoteWriter

        return PostgresVoteWriter(database, policy)
    return SessionVoteWriter(database, policy)
