"""From a feed to stored articles: subscribing, fetching on schedule, and turning new entries into Article rows
with their draft polls.

Each step is one unit of work: a fetch records its outcome (success or failure with backoff) and the new
entries as PENDING in one transaction; each entry then becomes an Article plus its DRAFT polls in its own
transaction. A crash between the two leaves PENDING entries without article, which the next run builds.
Posting them on Discord is the publisher's job (bot/posting/).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot import metrics
from bot.articles.extract import article_from_feed, load_article
from bot.articles.model import Article as ArticleText
from bot.config import Settings
from bot.feeds.errors import FeedError, FeedParseError, FetchFailed, NotAFeed
from bot.feeds.fetch import FetchResult
from bot.feeds.parse import FeedEntry, ParsedFeed, parse_feed
from bot.feeds.scheduler import FeedSchedule
from bot.posting.delivery import Problem
from bot.questions.finder import find_questions as default_find_questions
from bot.questions.model import PollDraft
from bot.storage.articles import store_article
from bot.storage.database import Database
from bot.storage.delivery import ProblemChange, record_subscription_problem
from bot.storage.feeds import (
    NewEntry,
    add_subscription,
    all_subscriptions,
    clean_feed_url,
    due_subscription_ids,
    ensure_can_subscribe,
    entries_without_article,
    known_entry_keys,
    record_entries,
    record_fetch_failure,
    record_fetch_success,
    subscriptions_with_unbuilt_entries,
)
from bot.storage.models import EntryState, FeedSubscription, SeenEntry, utcnow
from bot.storage.settings import load_guild_config

log = logging.getLogger(__name__)

MAX_BACKFILL = 10
MAX_NEW_ENTRIES_PER_FETCH = 20  # a feed that suddenly renames every entry must not flood the channel
MAX_CONCURRENT_FETCHES = 4
MAX_ARTICLE_ATTEMPTS = 3  # then the article is built from what the feed itself says
GONE_STATUSES = (404, 410)


class Fetcher(Protocol):
    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, accept: str = ...
    ) -> FetchResult: ...


ArticleLoader = Callable[[FeedEntry, ParsedFeed, Any], Awaitable[ArticleText]]
QuestionFinder = Callable[[ArticleText], list[PollDraft]]


@dataclass(frozen=True)
class Subscribed:
    subscription_id: int
    feed_url: str
    title: str
    entry_count: int  # entries in the feed now
    backfill: int  # of them, how many will be posted


@dataclass(frozen=True)
class FetchOutcome:
    subscription_id: int
    ok: bool
    new_entries: int = 0
    error: str | None = None


def feed_is_gone(error: FeedError) -> bool:
    """The feed is not there (404, 410) or is no feed at all: unlike an outage, waiting does not help."""
    if isinstance(error, FetchFailed):
        return error.status in GONE_STATUSES
    return isinstance(error, (NotAFeed, FeedParseError))


def feed_entry_from_seen(entry: SeenEntry) -> FeedEntry:
    """What we remember of an entry that is no longer in the feed (or the feed answered 304)."""
    return FeedEntry(entry_id=entry.entry_id, url=entry.url, title=entry.title or entry.url or "", published=entry.published)


def _new_entry(entry: FeedEntry) -> NewEntry:
    return NewEntry(key=entry.key, entry_id=entry.entry_id, url=entry.url, title=entry.title, published=entry.published)


class FeedService:
    """Subscribes feeds, fetches the due ones, and builds articles for new entries. One per process."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime] = utcnow,
        load_article: ArticleLoader = load_article,
        find_questions: QuestionFinder = default_find_questions,
    ) -> None:
        self.database = database
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
        self.schedule = FeedSchedule.for_interval(settings.feeds.poll_interval)
        self._load_article = load_article
        self._find_questions = find_questions
        self._locks: dict[int, asyncio.Lock] = {}
        self._feeds: dict[int, ParsedFeed] = {}  # the last parsed document per subscription
        self._fetch_slots = asyncio.Semaphore(MAX_CONCURRENT_FETCHES)
        # Called after each article is stored, so posting can start before the rest of a batch is read.
        self.on_article_stored: Callable[[], None] | None = None
        # Called once when a feed that is gone is paused, to tell the guild's admins.
        self.on_feed_gone: Callable[[ProblemChange, datetime], Awaitable[object]] | None = None

    def _lock(self, subscription_id: int) -> asyncio.Lock:
        return self._locks.setdefault(subscription_id, asyncio.Lock())

    async def _fetch_feed(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> tuple[FetchResult, ParsedFeed | None]:
        result = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        if result.not_modified or result.body is None:
            return result, None
        feed = await asyncio.to_thread(parse_feed, result.body, result.url, result.content_type)
        return result, feed

    async def subscribe(self, *, guild_id: int, channel_id: int, url: str, backfill: int = 0, created_by: int | None = None) -> Subscribed:
        """Fetch the feed now and subscribe: existing entries become the baseline, the newest `backfill` are posted.

        Raises InvalidInput / AlreadyExists (bot.errors) or FeedError (bot.feeds.errors) with the reason.
        """
        feed_url = clean_feed_url(url)
        backfill = max(0, min(int(backfill), MAX_BACKFILL))
        async with self.database.session() as session:
            await ensure_can_subscribe(session, guild_id, feed_url)
        result, feed = await self._fetch_feed(feed_url)
        if feed is None:  # a 304 to an unconditional request: treat as empty
            feed = ParsedFeed(url=result.url, title=feed_url)
        now = self.clock()
        newest = feed.entries[:backfill]
        older = feed.entries[backfill:]
        async with self.database.session() as session:
            subscription = await add_subscription(
                session,
                guild_id=guild_id,
                channel_id=channel_id,
                feed_url=feed_url,
                title=feed.title,
                created_by=created_by,
                now=now,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            subscription.next_due_at = self.schedule.first_due(subscription.id, now)
            await record_entries(session, subscription.id, [_new_entry(e) for e in reversed(older)], EntryState.BASELINE, now)
            await record_entries(session, subscription.id, [_new_entry(e) for e in reversed(newest)], EntryState.PENDING, now)
            subscription_id = subscription.id
        self._feeds[subscription_id] = feed
        return Subscribed(subscription_id, feed_url, feed.title or feed_url, len(feed.entries), len(newest))

    async def spread_overdue(self) -> int:
        """At start-up: feeds that fell due while the bot was down are spread over the next interval."""
        now = self.clock()
        moved = 0
        async with self.database.session() as session:
            for subscription in await all_subscriptions(session):
                due = self.schedule.spread_overdue(subscription.id, subscription.next_due_at, now)
                if due != subscription.next_due_at:
                    subscription.next_due_at = due
                    moved += 1
        return moved

    async def poll_due(self) -> list[FetchOutcome]:
        """Fetch every feed that is due (a few at a time) and build the articles of their new entries."""
        async with self.database.session() as session:
            due = await due_subscription_ids(session, self.clock())
        return list(await asyncio.gather(*(self._poll_with_slot(subscription_id) for subscription_id in due)))

    async def _poll_with_slot(self, subscription_id: int) -> FetchOutcome:
        async with self._fetch_slots:
            try:
                outcome = await self.poll_subscription(subscription_id)
            except Exception as error:  # one feed's bug must not stop the others
                log.exception("polling feed subscription %s failed", subscription_id)
                metrics.feed_fetched("error")
                return FetchOutcome(subscription_id, ok=False, error=type(error).__name__)
            metrics.feed_fetched("ok" if outcome.ok else "failed")
            return outcome

    async def poll_subscription(self, subscription_id: int) -> FetchOutcome:
        async with self._lock(subscription_id):
            async with self.database.session() as session:
                subscription = await session.get(FeedSubscription, subscription_id)
                if subscription is None:
                    return FetchOutcome(subscription_id, ok=False, error="removed")
                url, etag, last_modified = subscription.feed_url, subscription.etag, subscription.last_modified
                unbuilt = bool(await entries_without_article(session, subscription_id))
            try:
                # With entries still to build we need their content: ask for the full document.
                result, feed = await self._fetch_feed(
                    url, etag=None if unbuilt else etag, last_modified=None if unbuilt else last_modified
                )
            except FeedError as error:
                await self._record_failure(subscription_id, error.reason, gone=feed_is_gone(error))
                return FetchOutcome(subscription_id, ok=False, error=error.reason)
            now = self.clock()
            new_count = 0
            async with self.database.session() as session:
                subscription = await session.get(FeedSubscription, subscription_id)
                if subscription is None:
                    return FetchOutcome(subscription_id, ok=False, error="removed")
                record_fetch_success(
                    subscription,
                    now=now,
                    next_due_at=self.schedule.after_success(subscription_id, now),
                    etag=result.etag,
                    last_modified=result.last_modified,
                    title=feed.title if feed else None,
                )
                if feed is not None:
                    new_count = await self._record_new_entries(session, subscription_id, feed.entries, now)
            if feed is not None:
                self._feeds[subscription_id] = feed
            await self._build_articles_locked(subscription_id)
            return FetchOutcome(subscription_id, ok=True, new_entries=new_count)

    async def _record_new_entries(self, session: Any, subscription_id: int, entries: Sequence[FeedEntry], now: datetime) -> int:
        known = await known_entry_keys(session, subscription_id)
        fresh = [entry for entry in entries if entry.key not in known]  # newest first
        if not fresh:
            return 0
        posted, skipped = fresh[:MAX_NEW_ENTRIES_PER_FETCH], fresh[MAX_NEW_ENTRIES_PER_FETCH:]
        if skipped:
            log.warning(
                "feed subscription %s shows %d new entries at once; posting the newest %d",
                subscription_id, len(fresh), len(posted),
            )
            await record_entries(session, subscription_id, [_new_entry(e) for e in reversed(skipped)], EntryState.BASELINE, now)
        added = await record_entries(session, subscription_id, [_new_entry(e) for e in reversed(posted)], EntryState.PENDING, now)
        return len(added)

    async def _record_failure(self, subscription_id: int, reason: str, *, gone: bool = False) -> None:
        """Back off; a feed that has been gone (404, 410, unparseable) for `feeds.give_up_after` is paused."""
        now = self.clock()
        change: ProblemChange | None = None
        async with self.database.session() as session:
            subscription = await session.get(FeedSubscription, subscription_id)
            if subscription is None:
                return
            failures = (subscription.consecutive_failures or 0) + 1
            record_fetch_failure(subscription, now=now, reason=reason, next_due_at=self.schedule.after_failure(failures, now))
            if gone and subscription.gone_since is None:
                subscription.gone_since = now
            gone_since = subscription.gone_since
            if gone and gone_since is not None and (now - gone_since).total_seconds() >= self.settings.feeds.give_up_after:
                change = await record_subscription_problem(
                    session, subscription_id, Problem.FEED_GONE.value, detail=reason, now=now, pause=True
                )
        log.info("feed subscription %s failed (%d in a row): %s", subscription_id, failures, reason)
        if change is not None:
            log.warning("feed subscription %s paused: gone since %s (%s)", subscription_id, gone_since, reason)
            if change.notify and self.on_feed_gone is not None and gone_since is not None:
                await self.on_feed_gone(change, gone_since)

    async def build_pending(self) -> int:
        """Build articles for entries left unbuilt (a backfill just subscribed, or a crash); returns how many."""
        async with self.database.session() as session:
            subscription_ids = await subscriptions_with_unbuilt_entries(session)
        built = 0
        for subscription_id in subscription_ids:
            lock = self._lock(subscription_id)
            if lock.locked():
                continue  # being polled right now; that poll builds them
            async with lock:
                built += await self._build_articles_locked(subscription_id)
        return built

    async def _build_articles_locked(self, subscription_id: int) -> int:
        async with self.database.session() as session:
            subscription = await session.get(FeedSubscription, subscription_id)
            if subscription is None:
                return 0
            entries = await entries_without_article(session, subscription_id)
            feed = self._feeds.get(subscription_id) or ParsedFeed(
                url=subscription.feed_url, title=subscription.title or subscription.feed_url
            )
        by_key = {entry.key: entry for entry in feed.entries}
        built = 0
        for seen in entries:  # oldest first; stop at the first failure so order is kept
            feed_entry = by_key.get(seen.entry_key) or feed_entry_from_seen(seen)
            article = await self._load(seen, feed_entry, feed)
            if article is None:
                break
            drafts = await asyncio.to_thread(self._find_questions, article)
            async with self.database.session() as session:
                entry = await session.get(SeenEntry, seen.id)
                subscription = await session.get(FeedSubscription, subscription_id)
                if entry is None or subscription is None or entry.article_id is not None or entry.state != EntryState.PENDING:
                    continue
                config = await load_guild_config(session, subscription.guild_id, self.settings.polls)
                await store_article(session, entry, subscription, article, drafts, config)
            built += 1
            if self.on_article_stored is not None:
                self.on_article_stored()
        return built

    async def _load(self, seen: SeenEntry, feed_entry: FeedEntry, feed: ParsedFeed) -> ArticleText | None:
        try:
            return await self._load_article(feed_entry, feed, self.fetcher)
        except Exception as error:  # the page is down or unreadable: retry next time, then fall back
            reason = error.reason if isinstance(error, FeedError) else f"{type(error).__name__}: {error}"
            if not isinstance(error, FeedError):
                log.exception("reading article %s failed", feed_entry.url)
            async with self.database.session() as session:
                entry = await session.get(SeenEntry, seen.id)
                if entry is None:
                    return None
                entry.attempts = (entry.attempts or 0) + 1
                entry.last_error = reason[:500]
                attempts = entry.attempts
            if attempts < MAX_ARTICLE_ATTEMPTS:
                return None
            log.warning("article %s could not be read %d times; posting it from the feed alone", feed_entry.url, attempts)
            return article_from_feed(feed_entry, feed)
