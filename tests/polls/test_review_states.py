"""The poll states editors move (bot/polls/review.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import NotFound
from bot.polls.closing import article_polls_all_closed, close_poll
from bot.polls.options import InvalidPollInput, parse_poll
from bot.polls.review import (
    AlreadyDecided,
    NotEditable,
    PollHasVotes,
    ReviewState,
    add_poll,
    approve_all,
    decide,
    delete_poll,
    edit_poll,
    editable_poll,
    expire_proposals,
    review_sheet,
    review_state,
)
from bot.polls.voting import VoteRequest, cast_votes, store_answer
from bot.posting.outbox import mark_sent, record_intent
from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.summaries.report import build_summary
from bot.storage.models import Answer, GuildSettings, Poll, PollOption, PollState, Vote, utcnow
from bot.errors import PollClosed
from polls.conftest import GUILD, OTHER_GUILD, MakePoll

EDITOR = 42


async def state_of(database: Database, poll_id: int) -> Poll:
    async with database.session() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None
        session.expunge(poll)
        return poll


async def test_approve_then_second_decision_refused(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(state=PollState.PROPOSED, closes_at=None)
    now = utcnow()
    async with database.session() as session:
        decision = await decide(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, approve=True, now=now)
    assert decision.state == PollState.DRAFT and review_state(decision.state) == ReviewState.APPROVED
    with pytest.raises(AlreadyDecided) as caught:
        async with database.session() as session:
            await decide(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=7, approve=False, now=now)
    assert caught.value.message_key == "review.already_approved"
    stored = await state_of(database, poll.poll_id)
    assert stored.state == PollState.DRAFT and stored.decided_by == EDITOR and stored.decided_at is not None


async def test_other_guild_and_unknown_polls_are_not_found(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(state=PollState.PROPOSED)
    for guild_id, poll_id in ((OTHER_GUILD, poll.poll_id), (GUILD, 999_999)):
        with pytest.raises(NotFound):
            async with database.session() as session:
                await decide(session, guild_id=guild_id, poll_id=poll_id, editor_id=EDITOR, approve=True, now=utcnow())
        with pytest.raises(NotFound):
            async with database.session() as session:
                await delete_poll(session, guild_id=guild_id, poll_id=poll_id, editor_id=EDITOR, now=utcnow())
    assert (await state_of(database, poll.poll_id)).state == PollState.PROPOSED


async def test_proposals_take_no_votes_and_do_not_hold_up_or_enter_summaries(database: Database, make_poll: MakePoll) -> None:
    proposed = await make_poll(state=PollState.PROPOSED)
    async with database.session() as session:
        (result,) = await cast_votes(session, [VoteRequest(GUILD, proposed.poll_id, proposed.option_ids[0], 5)])
    assert isinstance(result, PollClosed)
    dropped = await make_poll(state=PollState.PROPOSED, position=1, article_id=proposed.article_id)
    async with database.session() as session:
        await decide(session, guild_id=GUILD, poll_id=dropped.poll_id, editor_id=EDITOR, approve=False, now=utcnow())
        await decide(session, guild_id=GUILD, poll_id=proposed.poll_id, editor_id=EDITOR, approve=False, now=utcnow())
        assert await article_polls_all_closed(session, proposed.article_id)
        closed = await close_poll(session, dropped.poll_id)
    assert not closed.closed_now and (await state_of(database, dropped.poll_id)).state == PollState.DROPPED


async def test_approve_all_and_timeout_defaults(database: Database, make_poll: MakePoll) -> None:
    first = await make_poll(state=PollState.PROPOSED)
    second = await make_poll(state=PollState.PROPOSED, position=1, article_id=first.article_id)
    async with database.session() as session:
        await decide(session, guild_id=GUILD, poll_id=first.poll_id, editor_id=EDITOR, approve=False, now=utcnow())
        approved = await approve_all(session, guild_id=GUILD, article_id=first.article_id, editor_id=EDITOR, now=utcnow())
        assert await approve_all(session, guild_id=OTHER_GUILD, article_id=first.article_id, editor_id=EDITOR, now=utcnow()) == []
    assert approved == [second.poll_id]

    late_drop = await make_poll(state=PollState.PROPOSED)
    late_publish = await make_poll(state=PollState.PROPOSED, guild_id=OTHER_GUILD)
    async with database.session() as session:
        session.add(GuildSettings(guild_id=OTHER_GUILD, review=True, review_default="publish"))
    async with database.session() as session:
        assert await expire_proposals(session, now=utcnow(), timeout_seconds=3600) == {}
        decided = await expire_proposals(session, now=utcnow() + timedelta(hours=2), timeout_seconds=3600)
    assert decided == {late_drop.article_id: [late_drop.poll_id], late_publish.article_id: [late_publish.poll_id]}
    dropped, published = await state_of(database, late_drop.poll_id), await state_of(database, late_publish.poll_id)
    assert dropped.state == PollState.DROPPED and dropped.decided_by is None and dropped.decided_at is not None
    assert published.state == PollState.DRAFT and published.decided_by is None
    async with database.session() as session:
        sheet = await review_sheet(session, late_publish.article_id)
    assert sheet is not None and [p.state for p in sheet.proposals] == [ReviewState.APPROVED]


async def test_edit_before_and_after_the_first_vote(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(kind=PollKind.CHOICE, options=("Tea", "Coffee"), language="en")
    async with database.session() as session:
        result = await edit_poll(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, question="Tea or coffee?",
                                 options="Tea | Coffee | Water", now=utcnow())
    assert result.question_changed and result.options_changed
    async with database.session() as session:
        labels = list(await session.scalars(select(PollOption.label).where(PollOption.poll_id == poll.poll_id).order_by(PollOption.position)))
        option_ids = list(await session.scalars(select(PollOption.id).where(PollOption.poll_id == poll.poll_id).order_by(PollOption.position)))
    assert labels == ["Tea", "Coffee", "Water"] and option_ids[:2] == list(poll.option_ids)
    async with database.session() as session:
        await cast_votes(session, [VoteRequest(GUILD, poll.poll_id, option_ids[2], 5)])
    with pytest.raises(PollHasVotes):
        async with database.session() as session:
            await edit_poll(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, question="Changed?",
                            options="Tea | Coffee", now=utcnow())
    stored = await state_of(database, poll.poll_id)
    assert stored.question == "Tea or coffee?"
    async with database.session() as session:
        result = await edit_poll(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, question="Which drink?",
                                 options="Tea\nCoffee\nWater", now=utcnow())
        form = await editable_poll(session, guild_id=GUILD, poll_id=poll.poll_id)
    assert result.question_changed and not result.options_changed
    assert form.has_responses and form.options == "Tea\nCoffee\nWater" and form.question == "Which drink?"
    with pytest.raises(InvalidPollInput):
        async with database.session() as session:
            await edit_poll(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, question="x",
                            options="a | a", now=utcnow())


async def test_delete_records_who_and_removes_votes_and_answers(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(state=PollState.OPEN)
    question = await make_poll(state=PollState.OPEN, kind=PollKind.OPEN, position=1, article_id=poll.article_id)
    async with database.session() as session:
        await cast_votes(session, [VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], m) for m in (1, 2, 3)])
        await store_answer(session, guild_id=GUILD, poll_id=question.poll_id, member_id=1, text="Yes, really.")
    async with database.session() as session:
        result = await delete_poll(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, now=utcnow())
        other = await delete_poll(session, guild_id=GUILD, poll_id=question.poll_id, editor_id=EDITOR, now=utcnow())
    assert (result.votes_removed, other.answers_removed) == (3, 1) and result.was_posted
    async with database.session() as session:
        assert await session.scalar(select(func.count(Vote.id))) == 0
        assert await session.scalar(select(func.count(Answer.id))) == 0
        assert await article_polls_all_closed(session, poll.article_id)
    stored = await state_of(database, poll.poll_id)
    assert stored.state == PollState.DELETED and stored.deleted_by == EDITOR and stored.deleted_at is not None
    kept = await make_poll(state=PollState.CLOSED, position=2, article_id=poll.article_id, question="Kept?")
    proposed = await make_poll(state=PollState.PROPOSED, position=3, article_id=poll.article_id, question="Waiting?")
    summary = await build_summary(database, poll.article_id)
    assert [p.id for p in summary.polls] == [kept.poll_id] and summary.voters == 0
    assert proposed.poll_id not in [p.id for p in summary.polls]
    with pytest.raises(NotEditable):
        async with database.session() as session:
            await edit_poll(session, guild_id=GUILD, poll_id=poll.poll_id, editor_id=EDITOR, question="x", options=None, now=utcnow())


async def test_add_poll_needs_a_posted_article_of_the_guild(database: Database, make_poll: MakePoll) -> None:
    existing = await make_poll(state=PollState.OPEN)
    spec = parse_poll("Did you like it?", "", "en")
    kwargs = dict(spec=spec, duration_seconds=60.0, anonymous=True, language="en", editor_id=EDITOR)
    with pytest.raises(InvalidPollInput.__mro__[1]) as caught:  # InvalidInput: not posted yet
        async with database.session() as session:
            await add_poll(session, guild_id=GUILD, article_id=existing.article_id, **kwargs)
    assert caught.value.message_key == "editor.article_not_posted"
    async with database.session() as session:
        await record_intent(session, f"article:{existing.article_id}", guild_id=GUILD, channel_id=5, now=utcnow(),
                            article_id=existing.article_id)
        await mark_sent(session, f"article:{existing.article_id}", message_id=77, sent_at=utcnow())
    with pytest.raises(NotFound):
        async with database.session() as session:
            await add_poll(session, guild_id=OTHER_GUILD, article_id=existing.article_id, **kwargs)
    async with database.session() as session:
        poll_id = await add_poll(session, guild_id=GUILD, article_id=existing.article_id, **kwargs)
        from bot.polls.review import polls_to_post
        assert await polls_to_post(session) == [poll_id]
    stored = await state_of(database, poll_id)
    assert stored.state == PollState.DRAFT and stored.created_by == EDITOR and stored.position == 1
