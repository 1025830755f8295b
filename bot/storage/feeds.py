"""Feed subscriptions and the entries each feed has shown us. Every query that takes a guild is scoped to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import AlreadyExists, InvalidInput, NotFound
from bot.storage.models import EntryState, FeedSubscription, GuildSettings, SeenEntry

MAX_FEED_URL_LENGTH = 2048
MAX_FEEDS_PER_GUILD = 50
MAX_ERROR_LENGTH = 500
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices


@dataclass(frozen=True)
class NewEntry:
    """An entry as the feed shows it, reduced to what we remember about it."""

    key: str  # stable identity (bot.feeds.identity.entry_key)
    entry_id: str
    url: str | None
    title: str | None
    published: datetime | None


def clean_feed_url(raw: str) -> str:
    """The URL as it will be stored and compared; refuses what no feed URL looks like."""
    url = raw.strip()
    if not url:
        raise InvalidInput("feed.url_empty", message_key="feed.url_empty")
    if len(url) > MAX_FEED_URL_LENGTH:
        raise InvalidInput("feed.url_too_long", message_key="feed.url_too_long", values={"limit": MAX_FEED_URL_LENGTH})
    if any(character.isspace() for character in url):
        raise InvalidInput("feed.url_invalid", message_key="feed.url_invalid", values={"reason": "it contains spaces"})
    return url


async def find_subscription(session: AsyncSession, guild_id: int, feed_url: str) -> FeedSubscription | None:
    return await session.scalar(
        select(FeedSubscription).where(FeedSubscription.guild_id == guild_id, FeedSubscription.feed_url == feed_url)
    )


async def ensure_can_subscribe(session: AsyncSession, guild_id: int, feed_url: str) -> None:
    """Raises AlreadyExists / InvalidInput before anything is fetched, so an admin hears it at once."""
    if await find_subscription(session, guild_id, feed_url) is not None:
        raise AlreadyExists(feed_url, message_key="feed.already_subscribed", values={"url": feed_url})
    count = await session.scalar(select(func.count()).select_from(FeedSubscription).where(FeedSubscription.guild_id == guild_id))
    if (count or 0) >= MAX_FEEDS_PER_GUILD:
        raise InvalidInput("feed.too_many", message_key="feed.too_many", values={"limit": MAX_FEEDS_PER_GUILD})


async def add_subscription(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    feed_url: str,
    title: str | None,
    created_by: int | None,
    now: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FeedSubscription:
    """A new subscription, already fetched once (`now`); the caller sets `next_due_at` from the schedule."""
    await ensure_can_subscribe(session, guild_id, feed_url)
    subscription = FeedSubscription(
        guild_id=guild_id,
        channel_id=channel_id,
        feed_url=feed_url,
        title=(title or None) and title[:500],
        etag=etag and etag[:500],
        last_modified=last_modified and last_modified[:100],
        last_fetch_at=now,
        last_success_at=now,
        consecutive_failures=0,
        next_due_at=now,
        created_at=now,
        created_by=created_by,
    )
    session.add(subscription)
    await session.flush()
    return subscription


async def remove_subscription(session: AsyncSession, guild_id: int, feed_url: str) -> FeedSubscription:
    subscription = await find_subscription(session, guild_id, feed_url.strip())
    if subscription is None:
        raise NotFound(feed_url, message_key="feed.not_subscribed", values={"url": feed_url})
    await session.delete(subscription)
    await session.flush()
    return subscription


async def list_subscriptions(session: AsyncSession, guild_id: int) -> list[FeedSubscription]:
    rows = await session.scalars(
        select(FeedSubscription).where(FeedSubscription.guild_id == guild_id).order_by(FeedSubscription.id)
    )
    return list(rows)


async def feed_url_choices(session: AsyncSession, guild_id: int, typed: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[int, str]]:
    """(id, URL) of this guild's feeds whose URL or title contains what the admin typed (case-insensitive)."""
    needle = typed.strip().lower()
    rows = await session.execute(
        select(FeedSubscription.id, FeedSubscription.feed_url, FeedSubscription.title)
        .where(FeedSubscription.guild_id == guild_id)
        .order_by(FeedSubscription.feed_url)
    )
    return [(id_, url) for id_, url, title in rows if needle in url.lower() or needle in (title or "").lower()][:limit]


async def find_subscription_by_id(session: AsyncSession, guild_id: int, subscription_id: int) -> FeedSubscription | None:
    return await session.scalar(
        select(FeedSubscription).where(FeedSubscription.guild_id == guild_id, FeedSubscription.id == subscription_id)
    )


async def due_subscription_ids(session: AsyncSession, now: datetime, limit: int = 100) -> list[int]:
    rows = await session.scalars(
        select(FeedSubscription.id)
        .where(
            FeedSubscription.next_due_at <= now,
            FeedSubscription.paused.is_(False),
            ~FeedSubscription.guild_id.in_(select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))),
        )
        .order_by(FeedSubscription.next_due_at, FeedSubscription.id)
        .limit(limit)
    )
    return list(rows)


async def all_subscriptions(session: AsyncSession) -> list[FeedSubscription]:
    return list(await session.scalars(select(FeedSubscription).order_by(FeedSubscription.id)))


async def known_entry_keys(session: AsyncSession, subscription_id: int) -> set[str]:
    rows = await session.scalars(select(SeenEntry.entry_key).where(SeenEntry.subscription_id == subscription_id))
    return set(rows)


async def record_entries(
    session: AsyncSession, subscription_id: int, entries: Sequence[NewEntry], state: EntryState, now: datetime
) -> list[SeenEntry]:
    """Remember the entries not seen before, in the given order (ids grow in that order); returns the new ones."""
    known = await known_entry_keys(session, subscription_id)
    added: list[SeenEntry] = []
    for entry in entries:
        if entry.key in known:
            continue
        known.add(entry.key)
        row = SeenEntry(
            subscription_id=subscription_id,
            entry_key=entry.key,
            entry_id=entry.entry_id,
            url=entry.url and entry.url[:2048],
            title=entry.title and entry.title[:500],
            published=entry.published,
            state=state,
            attempts=0,
            seen_at=now,
        )
        session.add(row)
        added.append(row)
    await session.flush()
    return added


def record_fetch_success(
    subscription: FeedSubscription,
    *,
    now: datetime,
    next_due_at: datetime,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
) -> None:
    subscription.last_fetch_at = now
    subscription.last_success_at = now
    subscription.last_error = None
    subscription.consecutive_failures = 0
    subscription.gone_since = None
    subscription.next_due_at = next_due_at
    subscription.etag = etag and etag[:500]
    subscription.last_modified = last_modified and last_modified[:100]
    if title:
        subscription.title = title[:500]


def record_fetch_failure(subscription: FeedSubscription, *, now: datetime, reason: str, next_due_at: datetime) -> None:
    subscription.last_fetch_at = now
    subscription.last_error = reason[:MAX_ERROR_LENGTH]
    subscription.consecutive_failures = (subscription.consecutive_failures or 0) + 1
    subscription.next_due_at = next_due_at


async def entries_without_article(session: AsyncSession, subscription_id: int) -> list[SeenEntry]:
    """Pending entries whose article has not been built yet, oldest first."""
    rows = await session.scalars(
        select(SeenEntry)
        .where(
            SeenEntry.subscription_id == subscription_id,
            SeenEntry.state == EntryState.PENDING,
            SeenEntry.article_id.is_(None),
        )
        .order_by(SeenEntry.id)
    )
    return list(rows)


async def subscriptions_with_unbuilt_entries(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(SeenEntry.subscription_id)
        .where(SeenEntry.state == EntryState.PENDING, SeenEntry.article_id.is_(None))
        .distinct()
    )
    return sorted(rows)
