"""The outbox: a durable record of each message the bot must send exactly once.

A row is written PENDING (with the nonce the request will carry) and committed *before* the request goes out,
and marked SENT with the message id after. After a crash a PENDING row means "maybe sent": the adapter looks
for the message on Discord before sending again, and sends with the same nonce (Discord drops a repeat).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import DiscordPost, PostState


def article_key(article_id: int) -> str:
    return f"article:{article_id}"


def thread_key(article_id: int) -> str:
    return f"thread:{article_id}"


def poll_key(poll_id: int) -> str:
    return f"poll:{poll_id}"


def result_key(poll_id: int) -> str:
    return f"result:{poll_id}"


def new_nonce() -> str:
    """24 hex characters: unique enough, and within Discord's 25-character nonce limit."""
    return secrets.token_hex(12)


@dataclass(frozen=True)
class PostRecord:
    """A row of the outbox, detached from its session."""

    key: str
    guild_id: int
    channel_id: int
    message_id: int | None
    nonce: str
    state: PostState
    created_at: datetime
    sent_at: datetime | None

    @property
    def sent(self) -> bool:
        return self.state == PostState.SENT


def _record(row: DiscordPost) -> PostRecord:
    return PostRecord(
        key=row.key,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        message_id=row.message_id,
        nonce=row.nonce,
        state=PostState(row.state),
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


async def get_post(session: AsyncSession, key: str) -> PostRecord | None:
    row = await session.scalar(select(DiscordPost).where(DiscordPost.key == key))
    return _record(row) if row is not None else None


async def posts_for_article(session: AsyncSession, article_id: int) -> dict[str, PostRecord]:
    """Every outbox row of an article and its polls, by key."""
    rows = await session.scalars(select(DiscordPost).where(DiscordPost.article_id == article_id))
    return {row.key: _record(row) for row in rows}


async def record_intent(
    session: AsyncSession,
    key: str,
    *,
    guild_id: int,
    channel_id: int,
    now: datetime,
    article_id: int | None = None,
    poll_id: int | None = None,
) -> PostRecord:
    """The PENDING row for `key`, created now unless it exists (then returned unchanged)."""
    row = await session.scalar(select(DiscordPost).where(DiscordPost.key == key))
    if row is None:
        row = DiscordPost(
            key=key,
            guild_id=guild_id,
            article_id=article_id,
            poll_id=poll_id,
            channel_id=channel_id,
            nonce=new_nonce(),
            state=PostState.PENDING,
            created_at=now,
        )
        session.add(row)
        await session.flush()
    return _record(row)


async def mark_sent(
    session: AsyncSession, key: str, *, message_id: int, sent_at: datetime, channel_id: int | None = None
) -> PostRecord:
    row = await session.scalar(select(DiscordPost).where(DiscordPost.key == key))
    if row is None:
        raise LookupError(f"no outbox row {key!r}")
    row.message_id = message_id
    row.state = PostState.SENT
    row.sent_at = sent_at
    if channel_id is not None:
        row.channel_id = channel_id
    await session.flush()
    return _record(row)
