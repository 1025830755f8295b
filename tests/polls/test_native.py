"""Native poll rules on both backends: events are facts (idempotent), reconciliation makes the stored votes equal
Discord's voters, /forget-me keeps reconciliation from storing a forgotten vote again."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.polls.native import (
    NativePollEvent,
    apply_native_events,
    duration_hours,
    fit,
    forget_on_native_polls,
    native_poll_draft,
    native_poll_ref,
    open_native_polls,
    reconcile_native_poll,
)
from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import DiscordPost, Poll, PollOption, PollState, PostState, Vote

from .conftest import GUILD, OTHER_GUILD, MakePoll, StoredPoll

MESSAGE = 9_000_000_000_000_001


async def _native(database: Database, poll: StoredPoll, message_id: int = MESSAGE, style: str = "native") -> None:
    async with database.session() as session:
        await session.execute(update(Poll).where(Poll.id == poll.poll_id).values(style=style))
        session.add(DiscordPost(key=f"poll:{poll.poll_id}", guild_id=poll.guild_id, poll_id=poll.poll_id,
                                article_id=poll.article_id, channel_id=5, message_id=message_id, nonce="n",
                                state=PostState.SENT))


async def _votes(database: Database, poll_id: int) -> dict[int, int]:
    """member -> Discord answer id."""
    async with database.session() as session:
        rows = await session.execute(select(Vote.member_id, PollOption.position).join(PollOption, PollOption.id == Vote.option_id)
                                     .where(Vote.poll_id == poll_id))
        return {member: position + 1 for member, position in rows}


async def _apply(database: Database, *events: NativePollEvent) -> set[int]:
    async with database.session() as session:
        return await apply_native_events(session, events)


def _add(member: int, answer: int, guild: int = GUILD, message: int = MESSAGE) -> NativePollEvent:
    return NativePollEvent(guild, message, member, answer, True)


def _remove(member: int, answer: int) -> NativePollEvent:
    return NativePollEvent(GUILD, MESSAGE, member, answer, False)


async def test_events_are_facts_applied_once(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    await _native(database, poll)
    assert await _apply(database, _add(1, 1), _add(2, 2), _add(1, 1)) == {poll.poll_id}
    assert await _votes(database, poll.poll_id) == {1: 1, 2: 2}
    assert await _apply(database, _add(1, 1), _remove(2, 3)) == set()  # a repeat and a stale removal change nothing
    await _apply(database, _add(1, 3))  # a missed removal: the newer answer wins, still one row
    await _apply(database, _remove(2, 2))
    assert await _votes(database, poll.poll_id) == {1: 3}
    async with database.session() as session:
        assert len((await session.scalars(select(Vote.id).where(Vote.poll_id == poll.poll_id))).all()) == 1


async def test_events_outside_an_open_native_poll_are_ignored(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    await _native(database, poll)
    buttons = await make_poll(position=1)
    await _native(database, buttons, message_id=MESSAGE + 1, style="buttons")
    closed = await make_poll(position=2, state=PollState.CLOSED)
    await _native(database, closed, message_id=MESSAGE + 2)
    changed = await _apply(database, _add(1, 1, guild=OTHER_GUILD), _add(1, 9), _add(1, 1, message=MESSAGE + 1),
                           _add(1, 1, message=MESSAGE + 2), _add(1, 1, message=MESSAGE + 99))
    assert changed == set()
    for stored in (poll, buttons, closed):
        assert await _votes(database, stored.poll_id) == {}


async def test_reconcile_adds_changes_and_removes(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    await _native(database, poll)
    await _apply(database, _add(1, 1), _add(2, 2), _add(3, 1))
    async with database.session() as session:
        result = await reconcile_native_poll(session, poll.poll_id, {1: [1, 4], 2: [3], 3: []})
    assert (result.added, result.changed, result.removed) == (1, 1, 1)
    assert await _votes(database, poll.poll_id) == {1: 1, 3: 2, 4: 1}
    async with database.session() as session:  # nothing left to do the second time
        assert (await reconcile_native_poll(session, poll.poll_id, {1: [1, 4], 2: [3]})).total == 0


async def test_forgotten_members_stay_forgotten_until_they_vote_again(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    await _native(database, poll)
    await _apply(database, _add(1, 1), _add(2, 2))
    async with database.session() as session:
        await session.execute(Vote.__table__.delete().where(Vote.member_id == 1))  # what /forget-me deletes
        await forget_on_native_polls(session, GUILD, 1)
        await forget_on_native_polls(session, GUILD, 1)  # twice is harmless
    async with database.session() as session:
        await reconcile_native_poll(session, poll.poll_id, {1: [1], 2: [2]})  # Discord still lists member 1
    assert await _votes(database, poll.poll_id) == {2: 2}
    await _apply(database, _add(1, 2))  # a new vote on Discord after forgetting is a new vote
    async with database.session() as session:
        await reconcile_native_poll(session, poll.poll_id, {2: [1, 2]})
    assert await _votes(database, poll.poll_id) == {1: 2, 2: 2}


async def test_closed_polls_are_not_reconciled_and_refs_skip_them(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(state=PollState.CLOSED)
    await _native(database, poll)
    async with database.session() as session:
        assert (await reconcile_native_poll(session, poll.poll_id, {1: [7]}, final=True)).total == 0
        assert await native_poll_ref(session, poll.poll_id) is None
        assert await open_native_polls(session) == []
    assert await _votes(database, poll.poll_id) == {}


async def test_draft_fits_discords_limits(database: Database, make_poll: MakePoll) -> None:
    longest = "x" * 55  # the database holds at most what Discord takes (300 / 55 characters)
    poll = await make_poll(options=("Ja", longest), question="Frage?  " + "x" * 292)
    open_question = await make_poll(position=1, kind=PollKind.OPEN)
    await _native(database, poll)
    await _native(database, open_question, message_id=MESSAGE + 1)
    async with database.session() as session:
        draft = await native_poll_draft(session, poll.poll_id)
        assert await native_poll_draft(session, open_question.poll_id) is None  # open questions keep the button
        assert [ref.poll_id for ref in await open_native_polls(session, guild_ids=[GUILD])] == [poll.poll_id]
    assert draft is not None and draft.question == "Frage? " + "x" * 292
    assert draft.answers == ("Ja", longest)
    assert draft.hours == 1 and draft.language == "de"


def test_duration_is_rounded_up_to_whole_hours_within_discords_range() -> None:
    assert [duration_hours(s) for s in (5, 3600, 3601, 7 * 86400, 40 * 86400)] == [1, 1, 2, 168, 768]
    assert fit("a  b\nc", 55) == "a b c" and fit("x" * 60, 55) == "x" * 54 + "…"


async def _choices(database: Database, poll_id: int) -> dict[int, set[int]]:
    """member -> the Discord answer ids stored for them."""
    async with database.session() as session:
        rows = await session.execute(select(Vote.member_id, PollOption.position).join(PollOption, PollOption.id == Vote.option_id)
                                     .where(Vote.poll_id == poll_id))
        found: dict[int, set[int]] = {}
        for member, position in rows:
            found.setdefault(member, set()).add(position + 1)
        return found


async def test_a_multiple_choice_poll_stores_one_row_per_chosen_answer(database: Database, make_poll: MakePoll) -> None:
    from bot.summaries.report import build_summary

    poll = await make_poll(options=("Tee", "Kaffee", "Wasser"))
    await _native(database, poll)
    async with database.session() as session:
        await session.execute(update(Poll).where(Poll.id == poll.poll_id).values(multiple=True))
        assert (await native_poll_draft(session, poll.poll_id)).multiple is True  # type: ignore[union-attr]
    await _apply(database, _add(1, 1), _add(1, 2), _add(2, 2), _add(1, 2))  # a repeat stores nothing more
    assert await _choices(database, poll.poll_id) == {1: {1, 2}, 2: {2}}
    await _apply(database, _remove(1, 1), _add(2, 3))  # removing one answer keeps the others
    assert await _choices(database, poll.poll_id) == {1: {2}, 2: {2, 3}}
    async with database.session() as session:  # Discord lists member 1 under 1 and 3, member 2 under 2 only
        result = await reconcile_native_poll(session, poll.poll_id, {1: [1], 2: [2], 3: [1]})
    assert (result.added, result.changed, result.removed) == (2, 0, 2)
    assert await _choices(database, poll.poll_id) == {1: {1, 3}, 2: {2}}
    summary = await build_summary(database, poll.article_id)
    (result_poll,) = summary.polls
    assert result_poll.multiple and result_poll.participants == 2 and result_poll.votes == 3
    assert [(o.votes, o.share) for o in result_poll.options] == [(1, 0.5), (1, 0.5), (1, 0.5)]  # of the 2 voters
