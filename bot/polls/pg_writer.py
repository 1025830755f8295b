"""PostgreSQL's vote writer: each batch of clicks in four round trips on one connection kept for votes.

Profiled at 500 clicks/s (issue 11), the session writer spent most of a batch waiting for round trips, not in
SQL: a pool check-out with its ping, BEGIN, the read, a DELETE, an UPDATE, an INSERT, COMMIT, the pool's reset on
return, and a PREPARE whenever a batch had a number of members not seen before (an `IN (...)` list is a new
statement for every length, and asyncpg prepares each one). On a busy machine every round trip is also a moment in
which the event loop serves other clicks first. Here a batch is BEGIN, one read (the polls, locked FOR SHARE, with
the members' current votes), one statement for all writes (DELETE, UPDATE and INSERT as data-modifying CTEs over
arrays) and COMMIT; the arrays keep the statements' text fixed, so each is prepared once per connection (by the
warm-up, before the bot connects to Discord). The rules are `decide_votes`, shared with the other writers;
tests/polls check that they agree. By default it runs in the bot's vote writer process (writer_process.py), whose
loop reads each answer at once; in the bot's own busy loop each round trip waited for a round of it (1.3-3.9 ms).

Tried and taken out (issue 11): two statements per batch, each its own transaction (the read without locks, then
the writes only if every poll read still had its state, checked and locked FOR SHARE in the same statement, else
this transaction again). benchmarks/votes.py with 4,000-click rounds, one run each, gave a ratio of 0.839 against
0.849 with this one, the bot at 83-88 % of a core in both, and a median acknowledgement at 500 clicks/s of 1.4
against 1.6 ms: within the spread of runs, so the second path was not worth its code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.polls.retry import RetryPolicy, RetryStats, retry_while_busy
from bot.polls.voting import WARM_UP_CLICK, OptionLabels, VoteChanges, VoteRequest, VoteResult, collect_state, decide_votes
from bot.storage.database import Database
from bot.storage.models import utcnow

log = logging.getLogger(__name__)

_RETRY_CODES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available

# Ids from custom ids are untrusted (up to 2**63 - 1): bigint arrays, compared with the integer keys.
READ_POLLS_WITH_VOTES = (
    "SELECT p.id, p.guild_id, p.state, p.closes_at, v.id, v.member_id, v.option_id FROM polls AS p "
    "LEFT OUTER JOIN votes AS v ON v.poll_id = p.id AND v.member_id = ANY($2::bigint[]) "
    "WHERE p.id = ANY($1::bigint[]) FOR SHARE OF p"
)
READ_OPTIONS = "SELECT id, poll_id, label FROM poll_options WHERE poll_id = ANY($1::integer[])"
WRITE_VOTES = (
    "WITH deleted AS (DELETE FROM votes WHERE id = ANY($1::integer[])), "
    "updated AS (UPDATE votes SET option_id = changed.option_id, updated_at = $4 "
    "FROM unnest($2::integer[], $3::integer[]) AS changed(id, option_id) WHERE votes.id = changed.id), "
    "inserted AS (INSERT INTO votes (poll_id, guild_id, member_id, option_id, created_at, updated_at) "
    "SELECT added.poll_id, added.guild_id, added.member_id, added.option_id, $4, $4 "
    "FROM unnest($5::integer[], $6::bigint[], $7::bigint[], $8::integer[]) AS added(poll_id, guild_id, member_id, option_id)) "
    "SELECT 1"
)


def write_arguments(changes: VoteChanges, now: datetime) -> tuple[Any, ...]:
    """The eight arrays (and the timestamp) WRITE_VOTES takes for a batch's changes."""
    inserts = changes.inserts
    return (
        changes.deletes,
        [vote_id for vote_id, _ in changes.updates],
        [option_id for _, option_id in changes.updates],
        now,
        [row[0] for row in inserts], [row[1] for row in inserts], [row[2] for row in inserts], [row[3] for row in inserts],
    )


class PostgresVoteWriter:
    """PostgreSQL: one connection of the bot's pool, checked out for votes only and kept (see the module docstring).

    The asyncpg connection underneath the pool's connection is used directly: SQLAlchemy's per-statement work
    (compiling, the adapter's cursor, its transaction bookkeeping) is most of the CPU a small batch costs.
    A broken connection is dropped and the next batch opens another.
    """

    def __init__(self, database: Database, policy: RetryPolicy = RetryPolicy()) -> None:
        self.database = database
        self.policy = policy
        self.stats = RetryStats()
        self.option_labels = OptionLabels()
        self._connection: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection

    async def _connect(self) -> Any:
        if self._driver is not None and not self._driver.is_closed():
            return self._driver
        await self._discard()
        connection = await self.database.engine.connect()
        try:
            raw = await connection.get_raw_connection()
            self._driver = raw.driver_connection
        except BaseException:
            await connection.close()
            raise
        self._connection = connection
        return self._driver

    async def _discard(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            try:
                await connection.invalidate()
                await connection.close()
            except Exception:  # already broken: nothing left to give back
                log.debug("dropping the vote connection failed", exc_info=True)

    async def _apply(self, requests: Sequence[VoteRequest], *, commit: bool = True) -> list[VoteResult]:
        driver = await self._connect()
        transaction = driver.transaction()
        await transaction.start()
        try:
            now = utcnow()
            poll_ids = sorted({request.poll_id for request in requests})
            members = sorted({request.member_id for request in requests})
            rows = await driver.fetch(READ_POLLS_WITH_VOTES, poll_ids, members)
            polls, initial = collect_state(tuple(row) for row in rows)
            missing = [poll_id for poll_id in polls if poll_id not in self.option_labels]
            loaded = await driver.fetch(READ_OPTIONS, missing or [0]) if missing or not commit else []
            options = self.option_labels.lookup(list(polls), lambda _: [tuple(row) for row in loaded])
            changes = decide_votes(requests, polls, initial, options, now)
            if changes.deletes or changes.updates or changes.inserts or not commit:
                await driver.execute(WRITE_VOTES, *write_arguments(changes, now))
        except BaseException:
            await transaction.rollback()
            raise
        if commit:
            await transaction.commit()
        else:
            await transaction.rollback()
        return changes.results

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        async def attempt() -> list[VoteResult]:
            try:
                return await self._apply(requests)
            except Exception as error:
                broken = self._driver is None or self._driver.is_closed() or not isinstance(error, _query_errors())
                if getattr(error, "sqlstate", None) not in _RETRY_CODES and broken:
                    await self._discard()  # the connection may be in any state: start afresh next time
                raise

        return await retry_while_busy(
            attempt, lambda error: getattr(error, "sqlstate", None) in _RETRY_CODES, self.policy, self.stats)

    async def warm_up(self, requests: Sequence[VoteRequest] = (WARM_UP_CLICK,)) -> list[VoteResult]:
        """Open the connection and prepare the three statements, in a transaction that is rolled back (by default
        a click on a poll that does not exist: nothing is read, nothing is written)."""
        return await self._apply(requests, commit=False)

    async def close(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            await connection.close()


def _query_errors() -> tuple[type[BaseException], ...]:
    """Errors PostgreSQL reported for a statement (the connection itself is fine after its rollback)."""
    import asyncpg

    return (asyncpg.PostgresError,)
