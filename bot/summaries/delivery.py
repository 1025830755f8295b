"""Summaries that go out unasked: the closing summary of an article, and the weekly digest.

Each delivery is claimed in the database before it is sent (one conditional UPDATE), so two triggers at once, or
a restart, never post it twice; a claim whose sending failed is released so a later attempt can send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.shards import ShardPlan
from bot.storage.ownership import owned_guilds
from bot.storage.models import Article, GuildSettings, Poll, PollState
from bot.storage.settings import WEEKDAYS

DIGEST_GRACE = timedelta(hours=12)  # a digest slot missed by more than this (bot down) is skipped, not sent late
DIGEST_PERIOD = timedelta(days=7)
CATCH_UP_WINDOW = timedelta(days=3)  # a closing summary that could not be sent is retried this long after closing


async def claim_summary_delivery(session: AsyncSession, article_id: int, when: datetime) -> bool:
    """Mark the article's closing summary as being sent; False when it was claimed (or sent) before."""
    result = await session.execute(
        update(Article).where(Article.id == article_id, Article.summary_sent_at.is_(None)).values(summary_sent_at=when)
    )
    return bool(result.rowcount)


async def release_summary_delivery(session: AsyncSession, article_id: int) -> None:
    """Undo a claim whose sending failed, so a later attempt can send it."""
    await session.execute(update(Article).where(Article.id == article_id).values(summary_sent_at=None))


async def closed_articles_without_summary(session: AsyncSession, since: datetime, *, shards: ShardPlan | None = None) -> list[int]:
    """Articles whose polls are all closed, one of them since `since`, but whose closing summary never went out."""
    closed_recently = exists().where(Poll.article_id == Article.id, Poll.closed_at >= since)
    has_unclosed = exists().where(
        Poll.article_id == Article.id, Poll.state.in_((PollState.PROPOSED, PollState.DRAFT, PollState.OPEN)))
    removed = select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))
    rows = await session.scalars(
        select(Article.id)
        .where(Article.summary_sent_at.is_(None), closed_recently, ~has_unclosed, Article.guild_id.not_in(removed))
        .where(owned_guilds(Article.guild_id, shards))
        .order_by(Article.id)
    )
    return list(rows)


@dataclass(frozen=True)
class DeliveryTarget:
    """Where an article's closing summary goes."""

    guild_id: int
    summary_channel_id: int | None
    language: str  # de | en
    author: str | None


async def delivery_target(session: AsyncSession, article_id: int) -> DeliveryTarget | None:
    row = (
        await session.execute(
            select(Article.guild_id, Article.language, Article.author, GuildSettings.summary_channel_id, GuildSettings.language)
            .outerjoin(GuildSettings, GuildSettings.guild_id == Article.guild_id)
            .where(Article.id == article_id)
        )
    ).first()
    if row is None:
        return None
    guild_id, article_language, author, channel_id, guild_language = row
    language = guild_language if guild_language in ("de", "en") else ("de" if article_language == "de" else "en")
    return DeliveryTarget(guild_id=guild_id, summary_channel_id=channel_id, language=language, author=author)


def parse_schedule(schedule: str) -> tuple[int, int]:
    """ "mon 09" (as bot.storage.settings.parse_digest stores it) -> (weekday 0-6, hour); ValueError otherwise."""
    day, hour = schedule.split()
    weekday, hour_value = WEEKDAYS.index(day), int(hour)
    if not 0 <= hour_value <= 23:
        raise ValueError(schedule)
    return weekday, hour_value


def latest_slot(schedule: str, now: datetime) -> datetime:
    """The most recent moment (UTC, not after `now`) the schedule names."""
    weekday, hour = parse_schedule(schedule)
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0) - timedelta(days=(now.weekday() - weekday) % 7)
    return slot - DIGEST_PERIOD if slot > now else slot


def digest_slot_due(schedule: str | None, now: datetime, last_digest_at: datetime | None) -> datetime | None:
    """The slot whose digest should be sent now, or None (no schedule, already sent, or missed by too much)."""
    if not schedule:
        return None
    try:
        slot = latest_slot(schedule, now)
    except ValueError:
        return None
    if now - slot > DIGEST_GRACE or (last_digest_at is not None and last_digest_at >= slot):
        return None
    return slot


@dataclass(frozen=True)
class DigestPlan:
    guild_id: int
    summary_channel_id: int
    language: str
    slot: datetime
    previous: datetime | None  # last_digest_at before the claim, to restore when sending fails


async def due_digests(session: AsyncSession, now: datetime, *, shards: ShardPlan | None = None) -> list[DigestPlan]:
    """Guilds whose weekly digest is due now (with a summary channel to post it in)."""
    rows = await session.execute(
        select(GuildSettings.guild_id, GuildSettings.digest, GuildSettings.last_digest_at, GuildSettings.summary_channel_id,
               GuildSettings.language)
        .where(
            GuildSettings.digest.is_not(None), GuildSettings.summary_channel_id.is_not(None),
            GuildSettings.removed_at.is_(None),  # a guild that removed the bot gets nothing
        )
        .where(owned_guilds(GuildSettings.guild_id, shards))
    )
    plans = []
    for guild_id, schedule, last, channel_id, language in rows:
        slot = digest_slot_due(schedule, now, last)
        if slot is not None:
            plans.append(DigestPlan(guild_id, channel_id, language if language in ("de", "en") else "en", slot, last))
    return plans


async def claim_digest(session: AsyncSession, plan: DigestPlan) -> bool:
    result = await session.execute(
        update(GuildSettings)
        .where(
            GuildSettings.guild_id == plan.guild_id,
            (GuildSettings.last_digest_at.is_(None)) | (GuildSettings.last_digest_at < plan.slot),
        )
        .values(last_digest_at=plan.slot)
    )
    return bool(result.rowcount)


async def release_digest(session: AsyncSession, plan: DigestPlan) -> None:
    await session.execute(
        update(GuildSettings).where(GuildSettings.guild_id == plan.guild_id).values(last_digest_at=plan.previous)
    )


async def articles_between(session: AsyncSession, guild_id: int, since: datetime, until: datetime) -> list[int]:
    """The guild's articles posted in [since, until), oldest first (the digest's week)."""
    rows = await session.scalars(
        select(Article.id)
        .where(Article.guild_id == guild_id, Article.created_at >= since, Article.created_at < until)
        .order_by(Article.created_at, Article.id)
    )
    return list(rows)
