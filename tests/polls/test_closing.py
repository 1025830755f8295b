"""Closing: which polls are due, closing is idempotent and guild-scoped, and what still needs its result shown."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import NotFound
from bot.polls.closing import (
    close_poll,
    due_poll_ids,
    next_deadline,
    open_polls_for_autocomplete,
    poll_for_message,
    poll_message,
    polls_awaiting_result,
)
from bot.polls.retry import run_write
from bot.storage.database import Database
from bot.storage.models import DiscordPost, Poll, PollState, PostState, utcnow
from tests.polls.conftest import GUILD, OTHER_GUILD, MakePoll


async def test_due_polls_are_the_open_ones_past_their_deadline(database: Database, make_poll: MakePoll) -> None:
    now = utcnow()
    overdue = await make_poll(closes_at=now - timedelta(minutes=5))
    later = await make_poll(position=1, closes_at=now + timedelta(minutes=5))
    await make_poll(position=2, closes_at=now - timedelta(minutes=9), state=PollState.CLOSED)
    await make_poll(position=3, closes_at=now - timedelta(minutes=9), state=PollState.DRAFT)
    async with database.session() as session:
        assert await due_poll_ids(session, now=now) == [overdue.poll_id]
        assert abs((await next_deadline(session)) - (now - timedelta(minutes=5))) < timedelta(seconds=1)
    assert later.poll_id not in await _due(database, now + timedelta(minutes=4))
    assert later.poll_id in await _due(database, now + timedelta(minutes=6))


async def _due(database: Database, now):
    async with database.session() as session:
        return await due_poll_ids(session, now=now)


async def test_closing_is_idempotent_and_reports_when_the_article_is_complete(database: Database, make_poll: MakePoll) -> None:
    first = await make_poll()
    second = await make_poll(position=1, article_id=first.article_id)
    result = await run_write(database, lambda s: close_poll(s, first.poll_id))
    assert (result.closed_now, result.article_complete) == (True, False)
    again = await run_write(database, lambda s: close_poll(s, first.poll_id))
    assert again.closed_now is False
    last = await run_write(database, lambda s: close_poll(s, second.poll_id, guild_id=GUILD))
    assert (last.closed_now, last.article_complete, last.article_id) == (True, True, first.article_id)
    async with database.session() as session:
        poll = await session.get(Poll, first.poll_id)
        assert poll.state == PollState.CLOSED and poll.closed_at is not None


async def test_a_guild_cannot_close_or_list_another_guilds_poll(database: Database, make_poll: MakePoll) -> None:
    foreign = await make_poll(guild_id=OTHER_GUILD, question="Fremde Frage?")
    mine = await make_poll(position=1, question="Unsere Frage zu Bäumen?")
    with pytest.raises(NotFound):
        await run_write(database, lambda s: close_poll(s, foreign.poll_id, guild_id=GUILD))
    async with database.session() as session:
        assert await open_polls_for_autocomplete(session, guild_id=GUILD) == [(mine.poll_id, "Unsere Frage zu Bäumen?")]
        assert await open_polls_for_autocomplete(session, guild_id=GUILD, search="bäumen") == [
            (mine.poll_id, "Unsere Frage zu Bäumen?")
        ]
        assert await open_polls_for_autocomplete(session, guild_id=GUILD, search="%") == []
        assert (await session.get(Poll, foreign.poll_id)).state == PollState.OPEN


async def test_closed_polls_await_their_result_until_it_is_sent(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    async with database.session() as session:
        session.add(DiscordPost(key=f"poll:{poll.poll_id}", guild_id=GUILD, article_id=poll.article_id, poll_id=poll.poll_id,
                                channel_id=77, message_id=8888, nonce="n1", state=PostState.SENT))
    async with database.session() as session:
        assert await polls_awaiting_result(session) == []
        ref = await poll_message(session, poll.poll_id)
        assert (ref.channel_id, ref.message_id) == (77, 8888)
        assert await poll_for_message(session, guild_id=GUILD, message_id=8888) == poll.poll_id
        assert await poll_for_message(session, guild_id=OTHER_GUILD, message_id=8888) is None
    await run_write(database, lambda s: close_poll(s, poll.poll_id))
    async with database.session() as session:
        assert await polls_awaiting_result(session) == [poll.poll_id]
        session.add(DiscordPost(key=f"result:{poll.poll_id}", guild_id=GUILD, poll_id=poll.poll_id, channel_id=78,
                                nonce="n2", state=PostState.PENDING))
    async with database.session() as session:
        assert await polls_awaiting_result(session) == [poll.poll_id]
        post = (await session.execute(DiscordPost.__table__.select().where(DiscordPost.key == f"result:{poll.poll_id}"))).first()
        await session.execute(DiscordPost.__table__.update().where(DiscordPost.id == post.id).values(state=PostState.SENT))
    async with database.session() as session:
        assert await polls_awaiting_result(session) == []
