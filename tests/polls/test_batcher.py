"""The vote batcher: group commits, order kept, every acknowledgement after its commit, busy SQLite retried."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time

import pytest
from sqlalchemy import select

from bot.errors import NotFound
from bot.polls.batcher import MAX_BATCH, BatcherStopped, VoteBatcher
from bot.polls.retry import RetryPolicy, StorageBusy
from bot.polls.voting import VoteOutcome, VoteReceipt, VoteRequest
from bot.storage.database import Database
from bot.storage.models import Vote
from tests.polls.conftest import GUILD, OTHER_GUILD, MakePoll, store_poll


async def _stored(database: Database) -> dict[tuple[int, int], int]:
    async with database.session() as session:
        rows = await session.execute(select(Vote.poll_id, Vote.member_id, Vote.option_id))
        return {(row.poll_id, row.member_id): row.option_id for row in rows}


def _replay(requests: list[VoteRequest]) -> dict[tuple[int, int], int]:
    state: dict[tuple[int, int], int] = {}
    for request in requests:
        key = (request.poll_id, request.member_id)
        if state.get(key) == request.option_id:
            del state[key]
        else:
            state[key] = request.option_id
    return state


async def test_concurrent_clicks_are_grouped_and_applied_in_submission_order(database: Database, make_poll: MakePoll) -> None:
    polls = [await make_poll(position=n) for n in range(3)]
    rng = random.Random(5)
    requests = [
        VoteRequest(GUILD, poll.poll_id, rng.choice(poll.option_ids), rng.randrange(40))
        for poll in (rng.choice(polls) for _ in range(600))
    ]
    batcher = VoteBatcher(database)
    batcher.start()
    try:
        results = await asyncio.gather(*(batcher.submit(request) for request in requests))
    finally:
        await batcher.stop()
    assert await _stored(database) == _replay(requests)
    assert all(isinstance(result, VoteReceipt) for result in results)
    assert batcher.stats.votes == 600
    assert batcher.stats.batches < 600 / 4, "clicks arriving together should share transactions"
    # ...but not all in one: a batch of everything queued kept every click in flight waiting on one commit
    assert 1 < batcher.stats.largest_batch <= MAX_BATCH < 600
    # the receipts tell each member exactly what the replay says happened to that click
    seen: dict[tuple[int, int], int] = {}
    for request, receipt in zip(requests, results, strict=True):
        key = (request.poll_id, request.member_id)
        expected = (
            VoteOutcome.WITHDRAWN if seen.get(key) == request.option_id
            else VoteOutcome.CHANGED if key in seen else VoteOutcome.RECORDED
        )
        assert receipt.outcome == expected
        if expected == VoteOutcome.WITHDRAWN:
            del seen[key]
        else:
            seen[key] = request.option_id


async def test_every_acknowledgement_comes_after_its_commit(sqlite_database: Database, tmp_path) -> None:
    poll = await store_poll(sqlite_database)
    observer = sqlite3.connect(str(tmp_path / "test.db"))  # another connection sees only committed rows
    batcher = VoteBatcher(sqlite_database)
    batcher.start()
    missing: list[int] = []

    async def vote(member: int) -> None:
        await batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[member % 3], member))
        row = observer.execute("SELECT option_id FROM votes WHERE poll_id=? AND member_id=?", (poll.poll_id, member)).fetchone()
        if row is None or row[0] != poll.option_ids[member % 3]:
            missing.append(member)

    try:
        await asyncio.gather(*(vote(member) for member in range(300)))
    finally:
        await batcher.stop()
        observer.close()
    assert missing == []
    assert batcher.stats.largest_batch > 1


async def test_refused_clicks_do_not_disturb_their_batch(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    foreign = await make_poll(guild_id=OTHER_GUILD, position=1)
    batcher = VoteBatcher(database)
    batcher.start()
    try:
        results = await asyncio.gather(
            batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 1)),
            batcher.submit(VoteRequest(GUILD, foreign.poll_id, foreign.option_ids[0], 2)),
            batcher.submit(VoteRequest(GUILD, poll.poll_id, 999_999, 3)),
            batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[1], 4)),
            return_exceptions=True,
        )
    finally:
        await batcher.stop()
    assert [type(result) for result in results] == [VoteReceipt, NotFound, NotFound, VoteReceipt]
    assert await _stored(database) == {(poll.poll_id, 1): poll.option_ids[0], (poll.poll_id, 4): poll.option_ids[1]}


@pytest.mark.parametrize("lock_wait_ms", [20, None], ids=["sqlite-waits-20ms", "no-wait"])
async def test_a_locked_database_is_retried_and_nothing_is_acknowledged_early(
    sqlite_database: Database, tmp_path, lock_wait_ms: int | None
) -> None:
    poll = await store_poll(sqlite_database)
    batcher = VoteBatcher(sqlite_database, policy=RetryPolicy(lock_wait_ms=lock_wait_ms, budget_seconds=10))
    batcher.start()
    blocker = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    acknowledged_at: list[float] = []

    async def vote(member: int) -> None:
        await batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], member))
        acknowledged_at.append(time.monotonic())

    tasks = [asyncio.create_task(vote(member)) for member in range(50)]
    await asyncio.sleep(0.5)
    assert acknowledged_at == []
    released = time.monotonic()
    blocker.execute("ROLLBACK")
    blocker.close()
    await asyncio.gather(*tasks)
    await batcher.stop()
    assert min(acknowledged_at) >= released
    assert batcher.retry_stats.retries > 0
    stored = await _stored(sqlite_database)
    assert len(stored) == 50 and set(stored.values()) == {poll.option_ids[0]}


async def test_a_database_busy_for_too_long_refuses_the_vote_and_stores_nothing(sqlite_database: Database, tmp_path) -> None:
    poll = await store_poll(sqlite_database)
    batcher = VoteBatcher(sqlite_database, policy=RetryPolicy(lock_wait_ms=10, budget_seconds=0.3))
    batcher.start()
    blocker = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageBusy):
            await batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 1))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    receipt = await batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 1))
    assert receipt.outcome == VoteOutcome.RECORDED  # the refused click left nothing behind to toggle
    await batcher.stop()
    with pytest.raises(BatcherStopped):
        await batcher.submit(VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 2))
    assert await _stored(sqlite_database) == {(poll.poll_id, 1): poll.option_ids[0]}
