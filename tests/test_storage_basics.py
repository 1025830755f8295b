from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.storage.database import Database
from bot.storage.models import Article, Poll, PollKind, PollOption, Vote


async def _article_with_poll(database: Database) -> tuple[int, int, list[int]]:
    async with database.session() as session:
        article = Article(guild_id=1, channel_id=2, entry_id="e1", url="https://blog.example/a/", title="A", text_hash="0" * 64)
        poll = Poll(guild_id=1, position=0, question="Ja?", kind=PollKind.YES_NO, duration_seconds=60)
        poll.options = [PollOption(position=i, label=label) for i, label in enumerate(["Ja", "Nein"])]
        article.polls.append(poll)
        session.add(article)
        await session.flush()
        return article.id, poll.id, [option.id for option in poll.options]


async def test_one_vote_per_member_per_poll(database: Database) -> None:
    _, poll_id, option_ids = await _article_with_poll(database)
    async with database.session() as session:
        session.add(Vote(poll_id=poll_id, guild_id=1, member_id=10, option_id=option_ids[0]))
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(Vote(poll_id=poll_id, guild_id=1, member_id=10, option_id=option_ids[1]))
    async with database.session() as session:
        votes = (await session.scalars(select(Vote))).all()
    assert [(v.member_id, v.option_id) for v in votes] == [(10, option_ids[0])]


async def test_timestamps_come_back_timezone_aware(database: Database) -> None:
    article_id, _, _ = await _article_with_poll(database)
    async with database.session() as session:
        article = await session.get(Article, article_id)
        assert article is not None and article.created_at.tzinfo is not None
        assert article.created_at.utcoffset().total_seconds() == 0


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_database: Database) -> None:
    async with sqlite_database.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() >= 1000


async def test_deleting_an_article_removes_its_polls_and_votes(database: Database) -> None:
    article_id, poll_id, option_ids = await _article_with_poll(database)
    async with database.session() as session:
        session.add(Vote(poll_id=poll_id, guild_id=1, member_id=10, option_id=option_ids[0]))
    async with database.session() as session:
        await session.delete(await session.get(Article, article_id))
    async with database.session() as session:
        assert (await session.scalars(select(Vote))).all() == []
        assert (await session.scalars(select(Poll))).all() == []
