"""Members and summaries: who may read one, who gets one by DM, thread activity counts, and forgetting a member.

All functions take the session of the caller's unit of work and are scoped to one guild.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, delete, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Answer, Article, AuthorLink, GuildSettings, MemberPreference, ThreadActivity, Vote


def _normalised_name(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


async def author_member_id(session: AsyncSession, guild_id: int, author_name: str | None) -> int | None:
    """The member an article's author is mapped to in this guild (`/config author`), if any."""
    wanted = _normalised_name(author_name)
    if not wanted:
        return None
    links = await session.execute(select(AuthorLink.author_name, AuthorLink.member_id).where(AuthorLink.guild_id == guild_id))
    for name, member_id in links:
        if _normalised_name(name) == wanted:
            return int(member_id)
    return None


async def may_summarise(
    session: AsyncSession,
    *,
    guild_id: int,
    article_id: int,
    member_id: int,
    role_ids: Collection[int],
    manages_guild: bool,
) -> bool:
    """Manage Server, the guild's author role, or the article's own (mapped) author. The article must be this guild's."""
    article = await session.scalar(select(Article).where(Article.id == article_id, Article.guild_id == guild_id))
    if article is None:
        return False
    if manages_guild:
        return True
    author_role_id = await session.scalar(select(GuildSettings.author_role_id).where(GuildSettings.guild_id == guild_id))
    if author_role_id is not None and author_role_id in role_ids:
        return True
    return await author_member_id(session, guild_id, article.author) == member_id


async def summary_dms_enabled(session: AsyncSession, guild_id: int, member_id: int) -> bool:
    preference = await session.scalar(
        select(MemberPreference.summary_dms).where(MemberPreference.guild_id == guild_id, MemberPreference.member_id == member_id)
    )
    return True if preference is None else bool(preference)


async def set_summary_dms(session: AsyncSession, guild_id: int, member_id: int, enabled: bool) -> None:
    row = await session.scalar(
        select(MemberPreference).where(MemberPreference.guild_id == guild_id, MemberPreference.member_id == member_id)
    )
    if row is None:
        session.add(MemberPreference(guild_id=guild_id, member_id=member_id, summary_dms=enabled))
    else:
        row.summary_dms = enabled
    await session.flush()


async def record_thread_message(session: AsyncSession, *, guild_id: int, thread_id: int, member_id: int) -> bool:
    """Count one message by `member_id` in an article's thread (counts only: no text is stored).

    One statement (an upsert fed by the article lookup), so concurrent messages never lose a count. Returns
    False when the thread is not an article's thread in this guild.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    columns = [ThreadActivity.article_id, ThreadActivity.member_id, ThreadActivity.messages]
    source = select(Article.id, literal(member_id, BigInteger), literal(1, Integer)).where(
        Article.guild_id == guild_id, Article.thread_id == thread_id
    )
    statement = insert(ThreadActivity).from_select(columns, source)
    statement = statement.on_conflict_do_update(
        index_elements=[ThreadActivity.article_id, ThreadActivity.member_id],
        set_={"messages": ThreadActivity.messages + 1},
    )
    result = await session.execute(statement)
    return bool(result.rowcount)


@dataclass(frozen=True)
class Forgotten:
    votes: int
    answers: int
    thread_counts: int
    poll_ids: tuple[int, ...]  # polls whose counts changed (their messages may want a refresh)


async def forget_member(session: AsyncSession, guild_id: int, member_id: int) -> Forgotten:
    """Delete the member's votes, written answers and thread message counts in this guild (and nowhere else)."""
    # Read, then delete (no RETURNING: SQLite before 3.35 lacks it), inside the caller's one transaction.
    mine_voted = (Vote.guild_id == guild_id) & (Vote.member_id == member_id)
    mine_answered = (Answer.guild_id == guild_id) & (Answer.member_id == member_id)
    voted = list(await session.scalars(select(Vote.poll_id).where(mine_voted)))
    answered = list(await session.scalars(select(Answer.poll_id).where(mine_answered)))
    votes = await session.execute(delete(Vote).where(mine_voted))
    answers = await session.execute(delete(Answer).where(mine_answered))
    guild_articles = select(Article.id).where(Article.guild_id == guild_id)
    threads = await session.execute(
        delete(ThreadActivity).where(ThreadActivity.member_id == member_id, ThreadActivity.article_id.in_(guild_articles))
    )
    return Forgotten(
        votes=int(votes.rowcount or 0),
        answers=int(answers.rowcount or 0),
        thread_counts=int(threads.rowcount or 0),
        poll_ids=tuple(sorted(set(voted) | set(answered))),
    )
