"""The backend's own vote writer (SQLite file, PostgreSQL) against the session writer, and their warm-up."""

from __future__ import annotations

import random

from sqlalchemy import delete, select

from bot.errors import NotFound
from bot.polls.writer import SessionVoteWriter, vote_writer_for
from bot.polls.voting import VoteOutcome, VoteReceipt, VoteRequest
from bot.storage.database import Database
from bot.storage.models import PollState, Vote, utcnow
from tests.polls.conftest import GUILD, OTHER_GUILD, MakePoll


async def _rows(database: Database) -> dict[tuple[int, int], tuple[int, int]]:
    async with database.session() as session:
        rows = (await session.execute(select(Vote.poll_id, Vote.member_id, Vote.option_id, Vote.guild_id,
                                             Vote.created_at, Vote.updated_at))).all()
    assert all(abs((row.updated_at - utcnow()).total_seconds()) < 60 and row.created_at <= row.updated_at for row in rows)
    return {(row.poll_id, row.member_id): (row.option_id, row.guild_id) for row in rows}


async def test_the_backends_writer_and_the_session_writer_agree(database: Database, make_poll: MakePoll) -> None:
    """Same clicks (changes, withdrawals, closed and foreign polls, forged ids), same receipts, same rows."""
    polls = [await make_poll(position=n) for n in range(2)]
    closed = await make_poll(position=2, state=PollState.CLOSED)
    foreign = await make_poll(position=3, guild_id=OTHER_GUILD)
    rng = random.Random(11)
    batches = []
    for _ in range(40):
        batch = []
        for _ in range(rng.randrange(1, 8)):
            poll = rng.choice(polls + [closed, foreign])
            batch.append(VoteRequest(GUILD, poll.poll_id, rng.choice(poll.option_ids), rng.randrange(6)))
        batches.append(batch)
    batches.append([VoteRequest(GUILD, polls[0].poll_id, 2**62, 1)])  # a forged option id
    stored, receipts = [], []
    for writer in (vote_writer_for(database), SessionVoteWriter(database)):
        outcomes = []
        for batch in batches:
            outcomes += [r.outcome if isinstance(r, VoteReceipt) else type(r).__name__ for r in await writer.write(batch)]
        await writer.close()
        stored.append(await _rows(database))
        receipts.append(outcomes)
        async with database.session() as session:
            await session.execute(delete(Vote))
    assert type(vote_writer_for(database)).__name__ != "SessionVoteWriter"
    assert stored[0] == stored[1] and len(stored[0]) > 5
    assert receipts[0] == receipts[1]
    assert {"PollClosed", "NotFound", VoteOutcome.CHANGED, VoteOutcome.WITHDRAWN} <= set(receipts[0])


async def test_a_warm_up_applies_its_clicks_and_leaves_nothing_behind(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    click = VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 7)
    writer = vote_writer_for(database)
    try:
        (default,) = await writer.warm_up()
        assert isinstance(default, NotFound)  # the default click is on no poll
        (warmed,) = await writer.warm_up([click])
        assert isinstance(warmed, VoteReceipt) and warmed.outcome == VoteOutcome.RECORDED
        assert await _rows(database) == {}
        (real,) = await writer.write([click])
        assert isinstance(real, VoteReceipt) and real.outcome == VoteOutcome.RECORDED  # not a withdrawal
        assert await _rows(database) == {(poll.poll_id, 7): (poll.option_ids[0], GUILD)}
    finally:
        await writer.close()


async def test_the_postgresql_warm_up_prepares_the_vote_statements(database: Database) -> None:
    """On PostgreSQL the first click must not pay for preparing statements: the warm-up prepares all three on the
    connection the writer keeps (on SQLite it opens the writer's connection)."""
    writer = vote_writer_for(database)
    try:
        await writer.warm_up()
        if database.is_sqlite:
            assert writer._connection is not None  # type: ignore[attr-defined]
            return
        from bot.polls.pg_writer import READ_OPTIONS, READ_POLLS_WITH_VOTES, WRITE_VOTES

        prepared = {row[0] for row in await writer._driver.fetch("SELECT statement FROM pg_prepared_statements")}  # type: ignore[attr-defined]
        assert {READ_POLLS_WITH_VOTES, READ_OPTIONS, WRITE_VOTES} <= prepared
    finally:
        await writer.close()


async def test_a_forged_poll_id_beyond_the_columns_range_is_refused_without_failing_the_batch(
    database: Database, make_poll: MakePoll
) -> None:
    """Custom ids carry ids up to 2**63 - 1; the poll ids are 32-bit columns. The writer's read must not choke on
    one (the session writer's IN list did on PostgreSQL, failing the whole batch)."""
    poll = await make_poll()
    writer = vote_writer_for(database)
    try:
        forged, real = await writer.write([VoteRequest(GUILD, 2**63 - 1, 1, 1), VoteRequest(GUILD, poll.poll_id, poll.option_ids[1], 1)])
    finally:
        await writer.close()
    assert isinstance(forged, NotFound)
    assert isinstance(real, VoteReceipt) and real.outcome == VoteOutcome.RECORDED
