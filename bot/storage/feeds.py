"""Feeds (one row per canonical URL), the guilds' subscriptions to them, and the entries each feed has shown each
subscription. Every query that takes a guild is scoped to it.

Several processes share the fetching through leases on feed rows: `claim_due_feeds` takes due feeds nobody holds
(on PostgreSQL with `SELECT … FOR UPDATE SKIP LOCKED`, so two processes never claim the same row) and stamps them
with its owner and a deadline; the owner releases them when the feed is done, and a lease whose deadline passed
(its process died) is free for anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import AlreadyExists, InvalidInput, NotFound
from bot.feeds.identity import canonical_url
from bot.storage.models import EntryState, Feed, FeedSubscription, GuildSettings, SeenEntry

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


@dataclass(frozen=True)
class ClaimedFeed:
    """A feed this process holds the lease on, with what its fetch needs (read in the claiming transaction)."""

    feed_id: int
    url: str
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    unbuilt: bool  # some subscription has entries whose article is not built yet: fetch the whole document


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


def feed_key(url: str) -> str:
    """The form a feed is stored under: two spellings of one address are one feed, fetched once."""
    return canonical_url(url)[:MAX_FEED_URL_LENGTH]


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
    """A new subscription, already fetched once (`now`). A feed nobody followed yet is created with that fetch's
    state (the caller sets its `next_due_at` from the schedule); a feed others follow keeps its own, so that their
    next conditional request still shows them what is new for them."""
    await ensure_can_subscribe(session, guild_id, feed_url)
    feed = await find_or_add_feed(session, feed_url, title=title, now=now, etag=etag, last_modified=last_modified)
    subscription = FeedSubscription(
        guild_id=guild_id,
        channel_id=channel_id,
        feed_url=feed_url,
        feed_id=feed.id,
        title=(title or None) and title[:500],
        created_at=now,
        created_by=created_by,
    )
    session.add(subscription)
    await session.flush()
    return subscription


async def find_or_add_feed(
    session: AsyncSession, url: str, *, title: str | None, now: datetime, etag: str | None = None, last_modified: str | None = None
) -> Feed:
    key = feed_key(url)
    feed = await session.scalar(select(Feed).where(Feed.url == key))
    if feed is not None:
        return feed
    feed = Feed(
        url=key,
        title=(title or None) and title[:500],
        etag=etag and etag[:500],
        last_modified=last_modified and last_modified[:100],
        last_fetch_at=now,
        last_success_at=now,
        consecutive_failures=0,
        next_due_at=now,
        created_at=now,
    )
    try:
        async with session.begin_nested():  # another process may add the same feed at the same moment
            session.add(feed)
    except IntegrityError:
        feed = await session.scalar(select(Feed).where(Feed.url == key))
        if feed is None:
            raise
    return feed


async def remove_subscription(session: AsyncSession, guild_id: int, feed_url: str) -> FeedSubscription:
    subscription = await find_subscription(session, guild_id, feed_url.strip())
    if subscription is None:
        raise NotFound(feed_url, message_key="feed.not_subscribed", values={"url": feed_url})
    feed_id = subscription.feed_id
    await session.delete(subscription)
    await session.flush()
    await drop_feed_if_unfollowed(session, feed_id)
    return subscription


async def drop_feed_if_unfollowed(session: AsyncSession, feed_id: int) -> None:
    """A feed no guild follows any more is forgotten (nobody would read what it fetched)."""
    await session.execute(
        delete(Feed).where(Feed.id == feed_id, ~exists().where(FeedSubscription.feed_id == Feed.id))
    )


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


def _followed():  # type: ignore[no-untyped-def]
    """Some guild that still has the bot follows the feed and has not paused it: it is worth fetching."""
    return exists().where(
        FeedSubscription.feed_id == Feed.id,
        FeedSubscription.paused.is_(False),
        ~FeedSubscription.guild_id.in_(select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))),
    )


def _lease_free(now: datetime):  # type: ignore[no-untyped-def]
    return or_(Feed.lease_until.is_(None), Feed.lease_until < now)


def _unbuilt_feeds(feed_ids: Sequence[int]):  # type: ignore[no-untyped-def]
    return (
        select(FeedSubscription.feed_id)
        .join(SeenEntry, SeenEntry.subscription_id == FeedSubscription.id)
        .where(SeenEntry.state == EntryState.PENDING, SeenEntry.article_id.is_(None), FeedSubscription.feed_id.in_(feed_ids))
        .distinct()
    )


async def claim_due_feeds(
    session: AsyncSession, *, now: datetime, owner: str, lease_seconds: float, limit: int = 64, unbuilt_only: bool = False
) -> list[ClaimedFeed]:
    """Lease up to `limit` feeds that are due (or, with `unbuilt_only`, that have articles left to build) and that
    nobody holds. The caller commits at once, so the rows are locked only for this short transaction."""
    query = select(Feed.id, Feed.url, Feed.etag, Feed.last_modified, Feed.consecutive_failures).where(_lease_free(now), _followed())
    if unbuilt_only:
        query = query.where(Feed.id.in_(_unbuilt_feeds_all()))
    else:
        query = query.where(Feed.next_due_at <= now)
    rows = (
        await session.execute(query.order_by(Feed.next_due_at, Feed.id).limit(limit).with_for_update(skip_locked=True, of=Feed))
    ).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    await session.execute(
        update(Feed).where(Feed.id.in_(ids)).values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
    )
    unbuilt = set(await session.scalars(_unbuilt_feeds(ids)))
    return [
        ClaimedFeed(row.id, row.url, row.etag, row.last_modified, row.consecutive_failures or 0, row.id in unbuilt) for row in rows
    ]


def _unbuilt_feeds_all():  # type: ignore[no-untyped-def]
    return (
        select(FeedSubscription.feed_id)
        .join(SeenEntry, SeenEntry.subscription_id == FeedSubscription.id)
        .where(SeenEntry.state == EntryState.PENDING, SeenEntry.article_id.is_(None))
    )


async def claim_feed(session: AsyncSession, feed_id: int, *, now: datetime, owner: str, lease_seconds: float) -> ClaimedFeed | None:
    """Lease one feed now (an admin's action, a test), unless another process holds it."""
    row = (
        await session.execute(
            select(Feed.id, Feed.url, Feed.etag, Feed.last_modified, Feed.consecutive_failures)
            .where(Feed.id == feed_id, or_(_lease_free(now), Feed.lease_owner == owner))
            .with_for_update(skip_locked=True, of=Feed)
        )
    ).first()
    if row is None:
        return None
    await session.execute(update(Feed).where(Feed.id == feed_id).values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds)))
    unbuilt = bool((await session.scalars(_unbuilt_feeds([feed_id]))).first())
    return ClaimedFeed(row.id, row.url, row.etag, row.last_modified, row.consecutive_failures or 0, unbuilt)


async def release_feeds(session: AsyncSession, feed_ids: Sequence[int], owner: str) -> None:
    await session.execute(
        update(Feed).where(Feed.id.in_(feed_ids), Feed.lease_owner == owner).values(lease_owner=None, lease_until=None)
    )


async def renew_leases(session: AsyncSession, feed_ids: Sequence[int], owner: str, *, until: datetime) -> None:
    """Keep holding feeds still being worked on (only those this owner still holds)."""
    await session.execute(update(Feed).where(Feed.id.in_(feed_ids), Feed.lease_owner == owner).values(lease_until=until))


async def record_unchanged(session: AsyncSession, outcomes: Sequence[tuple[int, datetime, datetime]], owner: str) -> None:
    """Many 304s in one statement: (feed id, fetched at, next due). Releases their leases too. The rows are written in
    id order, so that two processes writing overlapping batches take their row locks in one order."""
    if not outcomes:
        return
    await session.execute(
        update(Feed),
        [
            {"id": feed_id, "last_fetch_at": now, "last_success_at": now, "last_error": None, "consecutive_failures": 0,
             "gone_since": None, "next_due_at": due, "lease_owner": None, "lease_until": None}
            for feed_id, now, due in sorted(outcomes)
        ],
    )


async def all_feeds(session: AsyncSession) -> list[Feed]:
    return list(await session.scalars(select(Feed).order_by(Feed.id)))


async def active_subscriptions(session: AsyncSession, feed_id: int, *, removed_guilds: bool = False) -> list[FeedSubscription]:
    """The subscriptions a fetch of this feed is for: not paused, in guilds that still have the bot. With
    `removed_guilds`, also those of guilds that removed the bot and may add it back within the retention: what
    the feed shows meanwhile is recorded for them too, and waits (unposted) for their return."""
    query = select(FeedSubscription).where(FeedSubscription.feed_id == feed_id, FeedSubscription.paused.is_(False))
    if not removed_guilds:
        query = query.where(~FeedSubscription.guild_id.in_(select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))))
    return list(await session.scalars(query.order_by(FeedSubscription.id)))


async def known_keys_by_subscription(session: AsyncSession, subscription_ids: Sequence[int], keys: Sequence[str]) -> dict[int, set[str]]:
    """Which of `keys` each subscription has seen already (one query for all the feed's subscriptions)."""
    known: dict[int, set[str]] = {subscription_id: set() for subscription_id in subscription_ids}
    if not subscription_ids or not keys:
        return known
    rows = await session.execute(
        select(SeenEntry.subscription_id, SeenEntry.entry_key).where(
            SeenEntry.subscription_id.in_(subscription_ids), SeenEntry.entry_key.in_(list(keys))
        )
    )
    for subscription_id, key in rows:
        known[subscription_id].add(key)
    return known


async def known_entry_keys(session: AsyncSession, subscription_id: int) -> set[str]:
    rows = await session.scalars(select(SeenEntry.entry_key).where(SeenEntry.subscription_id == subscription_id))
    return set(rows)


async def record_entries(
    session: AsyncSession,
    subscription_id: int,
    entries: Sequence[NewEntry],
    state: EntryState,
    now: datetime,
    *,
    known: set[str] | None = None,
) -> list[SeenEntry]:
    """Remember the entries not seen before, in the given order (ids grow in that order); returns the new ones.
    `known` (the keys this subscription has seen, when the caller read them already) is updated in place."""
    if known is None:
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
    feed: Feed,
    *,
    now: datetime,
    next_due_at: datetime,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
) -> None:
    feed.last_fetch_at = now
    feed.last_success_at = now
    feed.last_error = None
    feed.consecutive_failures = 0
    feed.gone_since = None
    feed.next_due_at = next_due_at
    feed.etag = etag and etag[:500]
    feed.last_modified = last_modified and last_modified[:100]
    if title:
        feed.title = title[:500]


def record_fetch_failure(feed: Feed, *, now: datetime, reason: str, next_due_at: datetime) -> None:
    feed.last_fetch_at = now
    feed.last_error = reason[:MAX_ERROR_LENGTH]
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.next_due_at = next_due_at


async def entries_without_article(session: AsyncSession, feed_id: int) -> list[SeenEntry]:
    """Pending entries of the feed's subscriptions whose article has not been built yet, oldest first."""
    rows = await session.scalars(
        select(SeenEntry)
        .join(FeedSubscription, FeedSubscription.id == SeenEntry.subscription_id)
        .where(
            FeedSubscription.feed_id == feed_id,
            SeenEntry.state == EntryState.PENDING,
            SeenEntry.article_id.is_(None),
        )
        .order_by(SeenEntry.id)
    )
    return list(rows)


async def feed_of_subscription(session: AsyncSession, subscription_id: int) -> int | None:
    return await session.scalar(select(FeedSubscription.feed_id).where(FeedSubscription.id == subscription_id))
