"""Which polls are due, closing them, and what still has to be shown for closed polls.

Closing is a state change in the database first (`close_poll`); showing it on Discord (final counts, disabled
buttons, the result in the thread) happens afterwards and is tracked through the `DiscordPost` outbox row
`result:<poll id>`, so a crash between the two is finished after restart (`polls_awaiting_result`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.shards import ShardPlan
from bot.storage.ownership import owned_guilds
from bot.errors import NotFound
from bot.storage.models import Article, DiscordPost, GuildSettings, Poll, PollState, PostState, utcnow

AUTOCOMPLETE_LIMIT = 25
_UNFINISHED = (PollState.PROPOSED, PollState.DRAFT, PollState.OPEN)  # dropped and deleted polls do not hold an article up


def poll_post_key(poll_id: int) -> str:
    """The outbox key of a poll's own message (written by the publisher)."""
    return f"poll:{poll_id}"


def result_post_key(poll_id: int) -> str:
    """The outbox key of the result message posted in the thread when the poll closes."""
    return f"result:{poll_id}"


@dataclass(frozen=True)
class CloseResult:
    poll_id: int
    article_id: int
    guild_id: int
    question: str
    closed_now: bool  # False when it was closed already
    article_complete: bool  # every poll of the article is closed now


# Guilds that removed the bot: nothing is closed or shown there until they add it back (or their data is deleted).
_REMOVED_GUILDS = select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))

_DUE = (
    select(Poll.id)
    .where(
        Poll.state == PollState.OPEN, Poll.closes_at.is_not(None), Poll.closes_at <= bindparam("now", type_=Poll.closes_at.type),
        Poll.guild_id.not_in(_REMOVED_GUILDS),
    )
    .order_by(Poll.closes_at)
    .limit(bindparam("limit"))
)


async def due_poll_ids(
    session: AsyncSession, *, now: datetime | None = None, limit: int = 100, shards: ShardPlan | None = None
) -> list[int]:
    """Open polls whose deadline has passed, oldest deadline first (checked every few seconds: built once); with
    `shards`, only those of guilds this process holds (issue 14)."""
    query = _DUE if shards is None or not shards.partial else _DUE.where(owned_guilds(Poll.guild_id, shards))
    rows = await session.execute(query, {"now": now or utcnow(), "limit": limit})
    return list(rows.scalars())


async def next_deadline(session: AsyncSession) -> datetime | None:
    """The earliest deadline of an open poll, to know how long the closer may sleep."""
    return (
        await session.execute(select(func.min(Poll.closes_at)).where(Poll.state == PollState.OPEN))
    ).scalar_one_or_none()


async def close_poll(
    session: AsyncSession, poll_id: int, *, guild_id: int | None = None, now: datetime | None = None
) -> CloseResult:
    """Close a poll (idempotent). With `guild_id`, a poll of another guild is NotFound."""
    now = now or utcnow()
    query = select(Poll.id, Poll.article_id, Poll.guild_id, Poll.question, Poll.state).where(Poll.id == poll_id)
    if guild_id is not None:
        query = query.where(Poll.guild_id == guild_id)
    poll = (await session.execute(query)).first()
    if poll is None:
        raise NotFound("unknown poll")
    changed = await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.state.in_((PollState.DRAFT, PollState.OPEN)))
        .values(state=PollState.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    still_open = (
        await session.execute(
            select(func.count(Poll.id)).where(Poll.article_id == poll.article_id, Poll.state.in_(_UNFINISHED))
        )
    ).scalar_one()
    return CloseResult(
        poll_id=poll.id,
        article_id=poll.article_id,
        guild_id=poll.guild_id,
        question=poll.question,
        closed_now=bool(changed.rowcount),
        article_complete=still_open == 0,
    )


@dataclass(frozen=True)
class PollMessageRef:
    poll_id: int
    guild_id: int
    channel_id: int
    message_id: int


async def poll_message(session: AsyncSession, poll_id: int) -> PollMessageRef | None:
    """Where the poll's message is on Discord (None until the publisher has sent it)."""
    row = (
        await session.execute(
            select(DiscordPost.guild_id, DiscordPost.channel_id, DiscordPost.message_id).where(
                DiscordPost.key == poll_post_key(poll_id), DiscordPost.state == PostState.SENT,
                DiscordPost.message_id.is_not(None),
            )
        )
    ).first()
    return PollMessageRef(poll_id, row.guild_id, row.channel_id, row.message_id) if row else None


async def poll_for_message(session: AsyncSession, *, guild_id: int, message_id: int) -> int | None:
    """The poll a Discord message shows, if it is one of this guild's polls."""
    return (
        await session.execute(
            select(DiscordPost.poll_id).where(
                DiscordPost.guild_id == guild_id, DiscordPost.message_id == message_id,
                DiscordPost.key.like("poll:%"), DiscordPost.poll_id.is_not(None),
            )
        )
    ).scalar_one_or_none()


def _awaiting_result_query():  # type: ignore[no-untyped-def]
    result_post = DiscordPost.__table__.alias("result_post")
    poll_post = DiscordPost.__table__.alias("poll_post")
    return (
        select(Poll.id)
        .join(poll_post, and_(poll_post.c.poll_id == Poll.id, poll_post.c.key.like("poll:%"), poll_post.c.state == PostState.SENT))
        .outerjoin(result_post, and_(result_post.c.poll_id == Poll.id, result_post.c.key.like("result:%")))
        .where(
            Poll.state == PollState.CLOSED, (result_post.c.id.is_(None)) | (result_post.c.state != PostState.SENT),
            Poll.guild_id.not_in(_REMOVED_GUILDS),
        )
        .order_by(Poll.closed_at)
        .limit(bindparam("limit"))
    )


_AWAITING_RESULT = _awaiting_result_query()


async def polls_awaiting_result(session: AsyncSession, *, limit: int = 100, shards: ShardPlan | None = None) -> list[int]:
    """Closed polls whose message was posted but whose result was not (yet) shown on Discord."""
    query = _AWAITING_RESULT
    if shards is not None and shards.partial:
        query = query.where(owned_guilds(Poll.guild_id, shards))
    rows = await session.execute(query, {"limit": limit})
    return list(rows.scalars())


async def open_polls_for_autocomplete(session: AsyncSession, *, guild_id: int, search: str = "") -> list[tuple[int, str]]:
    """This guild's open polls whose question contains `search`, newest first (for /poll close)."""
    query = select(Poll.id, Poll.question).where(Poll.guild_id == guild_id, Poll.state == PollState.OPEN)
    if search.strip():
        escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Poll.question).like(f"%{escaped}%", escape="\\"))
    rows = await session.execute(query.order_by(Poll.created_at.desc(), Poll.id.desc()).limit(AUTOCOMPLETE_LIMIT))
    return [(row.id, row.question) for row in rows]


async def result_channel(session: AsyncSession, poll_id: int) -> int | None:
    """Where a poll's result goes: its article's thread, or the article's channel when it has no thread."""
    row = (
        await session.execute(
            select(Article.thread_id, Article.channel_id).join(Poll, Poll.article_id == Article.id).where(Poll.id == poll_id)
        )
    ).first()
    return (row.thread_id or row.channel_id) if row is not None else None


async def article_polls_all_closed(session: AsyncSession, article_id: int) -> bool:
    still_open = (
        await session.execute(select(Poll.id).where(Poll.article_id == article_id, Poll.state.in_(_UNFINISHED)).limit(1))
    ).first()
    return still_open is None


async def article_ready_for_summary(session: AsyncSession, article_id: int) -> bool:
    """Every poll finished and at least one ran and closed: a review that drops the last proposal (by an editor or by
    the timeout) completes an article as surely as a closing poll does, while an article whose every proposal was
    dropped has nothing to summarise."""
    ran = (
        await session.execute(select(Poll.id).where(Poll.article_id == article_id, Poll.closed_at.is_not(None)).limit(1))
    ).first()
    return ran is not None and await article_polls_all_closed(session, article_id)
