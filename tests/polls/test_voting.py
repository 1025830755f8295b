"""The voting rules on both backends: record, change, withdraw; refusals change nothing; answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import NotFound, PollClosed
from bot.polls.retry import run_write
from bot.polls.tally import option_tallies
from bot.polls.voting import (
    AnswerOutcome,
    AnswerTooLong,
    EmptyAnswer,
    NotAnOpenQuestion,
    VoteOutcome,
    VoteReceipt,
    VoteRequest,
    cast_vote,
    cast_votes,
    check_answerable,
    store_answer,
)
from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import Answer, PollState, Vote, utcnow
from tests.polls.conftest import GUILD, OTHER_GUILD, MakePoll


async def _votes(database: Database, poll_id: int) -> dict[int, int]:
    async with database.session() as session:
        rows = await session.execute(select(Vote.member_id, Vote.option_id).where(Vote.poll_id == poll_id))
        return {row.member_id: row.option_id for row in rows}


async def _click(database: Database, poll, member: int, option_index: int) -> VoteReceipt:
    request = VoteRequest(poll.guild_id, poll.poll_id, poll.option_ids[option_index], member)
    return await run_write(database, lambda session: cast_vote(session, request))


async def test_click_records_other_option_changes_same_option_withdraws(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    first = await _click(database, poll, 7, 0)
    assert (first.outcome, first.option_label) == (VoteOutcome.RECORDED, "Ja")
    assert await _votes(database, poll.poll_id) == {7: poll.option_ids[0]}

    changed = await _click(database, poll, 7, 1)
    assert (changed.outcome, changed.option_label, changed.previous_label) == (VoteOutcome.CHANGED, "Nein", "Ja")
    assert await _votes(database, poll.poll_id) == {7: poll.option_ids[1]}

    withdrawn = await _click(database, poll, 7, 1)
    assert (withdrawn.outcome, withdrawn.option_label) == (VoteOutcome.WITHDRAWN, "Nein")
    assert await _votes(database, poll.poll_id) == {}

    again = await _click(database, poll, 7, 2)
    assert again.outcome == VoteOutcome.RECORDED
    assert await _votes(database, poll.poll_id) == {7: poll.option_ids[2]}


async def test_a_batch_applies_clicks_in_order_with_one_row_per_member(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    other = await make_poll(position=1, options=("A", "B"))
    a, b, c = poll.option_ids
    requests = [
        VoteRequest(GUILD, poll.poll_id, a, 1),  # record
        VoteRequest(GUILD, poll.poll_id, b, 1),  # change
        VoteRequest(GUILD, poll.poll_id, b, 1),  # withdraw
        VoteRequest(GUILD, poll.poll_id, c, 1),  # record again
        VoteRequest(GUILD, poll.poll_id, a, 2),
        VoteRequest(GUILD, other.poll_id, other.option_ids[1], 2),
        VoteRequest(GUILD, poll.poll_id, other.option_ids[0], 3),  # option of another poll
        VoteRequest(OTHER_GUILD, poll.poll_id, a, 4),  # poll of another guild
        VoteRequest(GUILD, 424242, a, 5),  # unknown poll
    ]
    results = await run_write(database, lambda session: cast_votes(session, requests))
    outcomes = [r.outcome if isinstance(r, VoteReceipt) else type(r) for r in results]
    assert outcomes == [
        VoteOutcome.RECORDED, VoteOutcome.CHANGED, VoteOutcome.WITHDRAWN, VoteOutcome.RECORDED,
        VoteOutcome.RECORDED, VoteOutcome.RECORDED, NotFound, NotFound, NotFound,
    ]
    assert await _votes(database, poll.poll_id) == {1: c, 2: a}
    assert await _votes(database, other.poll_id) == {2: other.option_ids[1]}
    # a second batch sees the stored votes: member 1 clicking c again withdraws
    results = await run_write(database, lambda session: cast_votes(session, [VoteRequest(GUILD, poll.poll_id, c, 1)]))
    assert results[0].outcome == VoteOutcome.WITHDRAWN
    async with database.session() as session:
        tallies = await option_tallies(session, poll.poll_id)
    assert [t.votes for t in tallies] == [1, 0, 0]


async def test_closed_and_expired_polls_refuse_and_change_nothing(database: Database, make_poll: MakePoll) -> None:
    closed = await make_poll(state=PollState.CLOSED)
    expired = await make_poll(position=1, closes_at=utcnow() - timedelta(seconds=1))
    for poll in (closed, expired):
        with pytest.raises(PollClosed):
            await _click(database, poll, 9, 0)
        assert await _votes(database, poll.poll_id) == {}


async def test_another_guilds_poll_is_unknown(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(guild_id=OTHER_GUILD)
    request = VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 9)
    with pytest.raises(NotFound):
        await run_write(database, lambda session: cast_vote(session, request))
    assert await _votes(database, poll.poll_id) == {}


async def test_answers_are_stored_replaced_and_validated(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(kind=PollKind.OPEN, question="Was meint ihr?")

    async def answer(text: str | None, member: int = 3, guild: int = GUILD) -> AnswerOutcome:
        return await run_write(
            database, lambda s: store_answer(s, guild_id=guild, poll_id=poll.poll_id, member_id=member, text=text)
        )

    assert await answer("  Mehr Radwege!  ") == AnswerOutcome.STORED
    assert await answer("Doch lieber Bäume.") == AnswerOutcome.REPLACED
    for bad, error in [("", EmptyAnswer), ("   \n\t ", EmptyAnswer), (None, EmptyAnswer), ("x" * 1001, AnswerTooLong)]:
        with pytest.raises(error):
            await answer(bad)
    with pytest.raises(NotFound):
        await answer("hallo", member=4, guild=OTHER_GUILD)
    assert await answer("x" * 1000, member=5) == AnswerOutcome.STORED
    async with database.session() as session:
        rows = (await session.execute(select(Answer.member_id, Answer.text).order_by(Answer.member_id))).all()
        await check_answerable(session, guild_id=GUILD, poll_id=poll.poll_id)
    assert [(r.member_id, r.text) for r in rows] == [(3, "Doch lieber Bäume."), (5, "x" * 1000)]


async def test_answers_to_vote_polls_and_closed_questions_are_refused(database: Database, make_poll: MakePoll) -> None:
    choice = await make_poll()
    closed = await make_poll(kind=PollKind.OPEN, position=1, state=PollState.CLOSED)
    async with database.session() as session:
        with pytest.raises(NotAnOpenQuestion):
            await store_answer(session, guild_id=GUILD, poll_id=choice.poll_id, member_id=1, text="hi")
        with pytest.raises(PollClosed):
            await store_answer(session, guild_id=GUILD, poll_id=closed.poll_id, member_id=1, text="hi")
        with pytest.raises(PollClosed):
            await check_answerable(session, guild_id=GUILD, poll_id=closed.poll_id)
        assert (await session.execute(select(func.count(Answer.id)))).scalar_one() == 0
