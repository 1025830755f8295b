"""From a feed to stored articles: subscribing, fetching on schedule, and turning new entries into Article rows
with their draft polls.

A feed is fetched once per cycle however many guilds follow it (issue 14): the process holding the feed's lease
(bot/storage/feeds.py) fetches it, records the new entries of every subscription in one transaction, then reads
each new article page once, searches it for questions once, and stores one Article with its DRAFT polls per
subscribing guild. A crash leaves PENDING entries without article, which whoever leases the feed next builds.
Unchanged feeds (304) are recorded in one statement per batch: they are most of the work. Posting on Discord is
the publisher's job (bot/posting/), in the process holding each guild's shard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import Counter
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot import metrics
from bot.articles.extract import article_from_feed, load_article
from bot.articles.model import Article as ArticleText
from bot.config import Settings
from bot.feeds.errors import FeedError, FeedParseError, FetchFailed, NotAFeed
from bot.feeds.fetch import FetchResult
from bot.feeds.parse import FeedEntry, ParsedFeed, parse_feed
from bot.feeds.scheduler import FeedSchedule
from bot.polls.retry import run_write
from bot.posting.delivery import Problem
from bot.questions.finder import find_questions as default_find_questions
from bot.questions.model import PollDraft
from bot.storage.articles import store_articles
from bot.storage.database import Database
from bot.storage.delivery import ProblemChange, record_subscription_problem
from bot.storage.feeds import (
    ClaimedFeed,
    NewEntry,
    active_subscriptions,
    add_subscription,
    all_feeds,
    claim_due_feeds,
    claim_feed,
    clean_feed_url,
    ensure_can_subscribe,
    entries_without_article,
    feed_of_subscription,
    known_keys_by_subscription,
    record_entries,
    record_fetch_failure,
    record_fetch_success,
    record_unchanged,
    release_feeds,
    renew_leases,
)
from bot.storage.models import EntryState, Feed, SeenEntry, utcnow

log = logging.getLogger(__name__)

MAX_BACKFILL = 10
MAX_NEW_ENTRIES_PER_FETCH = 20  # a feed that suddenly renames every entry must not flood the channel
MAX_CONCURRENT_FETCHES = 16
CLAIM_BATCH = 64  # feeds leased per transaction; small enough that other processes get their share
MAX_CLAIM_ROUNDS = 1000  # one poll_due never loops for ever, whatever the clock does
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
    feed_id: int
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


def _shutting_down() -> bool:
    """This task is being cancelled (a shutdown): its unwinding does no database work (see `_claimed`)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def lease_holder_is_gone(owner: str | None, me: str) -> bool:
    """The lease's holder (`process_owner()`) ran on this host and has ended. A holder elsewhere, or one whose pid
    is alive again (reused), counts as running: its lease then simply runs out."""
    if not owner or owner == me:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # an earlier process that had this pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, but not ours to signal
        return False
    return False


def process_owner() -> str:
    """Who holds a lease: readable in the database (host and pid), unique even when a pid is reused."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def _new_entry(entry: FeedEntry) -> NewEntry:
    return NewEntry(key=entry.key, entry_id=entry.entry_id, url=entry.url, title=entry.title, published=entry.published)


class FeedService:
    """Subscribes feeds, fetches the due ones it can lease, and builds articles for new entries. One per process."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime] = utcnow,
        load_article: ArticleLoader = load_article,
        find_questions: QuestionFinder = default_find_questions,
        owner: str | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
        self.owner = owner or process_owner()
        self.lease_seconds = settings.feeds.lease_seconds
        self.schedule = FeedSchedule.for_interval(settings.feeds.poll_interval)
        self._load_article = load_article
        self._find_questions = find_questions
        # The parsed document of a feed whose new entries are not all built yet (dropped once they are: feeds with
        # full-text entries weigh hundreds of KB each, and a feed with entries left unbuilt is fetched whole again).
        self._feeds: dict[int, ParsedFeed] = {}
        self._fetch_slots = asyncio.Semaphore(MAX_CONCURRENT_FETCHES)
        self._build_slots = asyncio.Semaphore(MAX_CONCURRENT_FETCHES)  # feeds whose articles are built at once
        self._held: Counter[int] = Counter()  # feeds this process holds a lease on (renewed while held)
        # Feeds leased and not let go of yet. Work cancelled at shutdown does no database work while it unwinds (a
        # unit of work cancelled again would hang in its shielded close); close() lets go of what is left here.
        self._claimed: set[int] = set()
        # A lease keeps other processes off a feed; within this one, an admin's /feed add and the loop may both hold
        # the same feed's lease, so building its articles is serialised here (two builders would store one entry twice).
        self._building: dict[int, asyncio.Lock] = {}
        self._renewer: asyncio.Task[None] | None = None
        # Called after each article is stored, so posting can start before the rest of a batch is read.
        self.on_article_stored: Callable[[], None] | None = None
        # Called once per subscription when a feed that is gone is paused, to tell the guild's admins.
        self.on_feed_gone: Callable[[ProblemChange, datetime], Awaitable[object]] | None = None

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
            stored = await session.get(Feed, subscription.feed_id)
            if stored is not None and stored.next_due_at == now:  # the feed is new: its first slot
                stored.next_due_at = self.schedule.first_due(stored.id, now)
            await record_entries(session, subscription.id, [_new_entry(e) for e in reversed(older)], EntryState.BASELINE, now)
            await record_entries(session, subscription.id, [_new_entry(e) for e in reversed(newest)], EntryState.PENDING, now)
            subscription_id, feed_id = subscription.id, subscription.feed_id
        self._feeds.setdefault(feed_id, feed)
        return Subscribed(subscription_id, feed_url, feed.title or feed_url, len(feed.entries), len(newest))

    async def spread_overdue(self) -> int:
        """At start-up: feeds that fell due while the bot was down are spread over the next interval. Leases held
        by a process of this host that has ended (killed, crashed: nobody will let go of them) are taken back, or
        those feeds would wait out the lease time first."""
        now = self.clock()
        moved = 0
        async with self.database.session() as session:
            for feed in await all_feeds(session):
                if feed.lease_until is not None and feed.lease_until > now:
                    if not lease_holder_is_gone(feed.lease_owner, self.owner):
                        continue  # another process is fetching it
                    log.info("feed %s was leased by %s, which has ended: taken back", feed.id, feed.lease_owner)
                    feed.lease_owner = feed.lease_until = None
                due = self.schedule.spread_overdue(feed.id, feed.next_due_at, now)
                if due != feed.next_due_at:
                    feed.next_due_at = due
                    moved += 1
        return moved

    async def poll_due(self) -> list[FetchOutcome]:
        """Lease the due feeds nobody holds, a batch at a time, fetch them (a few at once) and build the articles
        of their new entries; until no due feed is left free. Building (page read, extraction, storing for every
        guild) runs beside the fetching of the next batches: a batch waits for its fetches, not for its slowest
        article, or the feeds behind a popular article would wait for it."""
        outcomes: list[FetchOutcome] = []
        builds: list[asyncio.Task[None]] = []
        try:
            for _ in range(MAX_CLAIM_ROUNDS):
                async with self.database.session() as session:
                    claimed = await claim_due_feeds(
                        session, now=self.clock(), owner=self.owner, lease_seconds=self.lease_seconds, limit=CLAIM_BATCH
                    )
                if not claimed:
                    break
                self._claimed.update(feed.feed_id for feed in claimed)
                unchanged: list[tuple[int, datetime, datetime]] = []
                to_build: list[int] = []
                async with self._holding([feed.feed_id for feed in claimed]):
                    try:
                        outcomes.extend(await asyncio.gather(*(self._poll_with_slot(feed, unchanged, to_build) for feed in claimed)))
                    finally:
                        await self._record_unchanged(unchanged)
                builds.extend(asyncio.create_task(self._build_and_release(feed_id)) for feed_id in to_build)
        except asyncio.CancelledError:  # stopped (shutdown): the builds stop too; close() lets go of their leases
            for task in builds:
                task.cancel()
            raise
        finally:
            if builds:
                await asyncio.gather(*builds, return_exceptions=True)
        return outcomes

    async def _build_and_release(self, feed_id: int) -> None:
        """A fetched feed's new articles, built while its lease is held and renewed; then the lease is let go."""
        async with self._holding([feed_id]):
            try:
                async with self._build_slots:
                    await self._build_articles(feed_id)
            except Exception:  # the entries stay unbuilt; whoever leases the feed next builds them
                log.exception("building the articles of feed %s failed", feed_id)
            finally:
                await self._release(feed_id)

    @contextlib.asynccontextmanager
    async def _holding(self, feed_ids: Sequence[int]) -> AsyncIterator[None]:
        """While the block runs, the leases on `feed_ids` are renewed every third of the lease time: a slow blog or
        a long article does not let another process take over a feed this one is still working on."""
        self._held.update(feed_ids)
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_leases(), name="reader-bot lease renewal")
        try:
            yield
        finally:
            self._held.subtract(feed_ids)
            self._held = +self._held

    async def close(self) -> None:
        """Stop renewing leases and let go of any still held (at shutdown, after the work has unwound): the next
        process, whose owner name differs, would otherwise wait out the lease before it fetches those feeds."""
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._renewer
            self._renewer = None
        if self._claimed:
            with contextlib.suppress(Exception):
                async with self.database.session() as session:
                    await release_feeds(session, sorted(self._claimed), self.owner)
                self._claimed.clear()

    async def _renew_leases(self) -> None:
        while self._held:
            await asyncio.sleep(self.lease_seconds / 3)
            held = list(self._held)
            if not held:
                break
            try:
                async with self.database.session() as session:
                    await renew_leases(session, held, self.owner, until=self.clock() + timedelta(seconds=self.lease_seconds))
            except Exception:  # the next renewal tries again; the lease outlives one missed renewal
                log.exception("renewing %d feed leases failed", len(held))

    async def _poll_with_slot(
        self, claimed: ClaimedFeed, unchanged: list[tuple[int, datetime, datetime]], to_build: list[int]
    ) -> FetchOutcome:
        async with self._fetch_slots:
            try:
                outcome = await self._poll_claimed(claimed, unchanged, to_build)
            except Exception as error:  # one feed's bug must not stop the others
                log.exception("polling feed %s failed", claimed.feed_id)
                metrics.feed_fetched("error")
                await self._release(claimed.feed_id)
                return FetchOutcome(claimed.feed_id, ok=False, error=type(error).__name__)
            metrics.feed_fetched("ok" if outcome.ok else "failed")
            return outcome

    async def poll_subscription(self, subscription_id: int) -> FetchOutcome:
        """Fetch the feed of one subscription now (unless another process is fetching it)."""
        async with self.database.session() as session:
            feed_id = await feed_of_subscription(session, subscription_id)
            if feed_id is None:
                return FetchOutcome(0, ok=False, error="removed")
            claimed = await claim_feed(session, feed_id, now=self.clock(), owner=self.owner, lease_seconds=self.lease_seconds)
        if claimed is None:
            return FetchOutcome(feed_id, ok=False, error="leased by another process")
        self._claimed.add(feed_id)
        unchanged: list[tuple[int, datetime, datetime]] = []
        async with self._holding([feed_id]):
            try:
                return await self._poll_claimed(claimed, unchanged)
            finally:
                await self._record_unchanged(unchanged)

    async def _poll_claimed(
        self, claimed: ClaimedFeed, unchanged: list[tuple[int, datetime, datetime]], to_build: list[int] | None = None
    ) -> FetchOutcome:
        """Fetch one leased feed and record its new entries; build their articles now, or, given `to_build`, add
        the feed to it and keep its lease (the caller builds and releases)."""
        feed_id = claimed.feed_id
        lease_passed_on = False
        try:  # let go of however this ends (cancelled at shutdown: by close()), or the feed waits out the lease
            try:
                # With entries still to build we need their content: ask for the full document.
                result, parsed = await self._fetch_feed(
                    claimed.url,
                    etag=None if claimed.unbuilt else claimed.etag,
                    last_modified=None if claimed.unbuilt else claimed.last_modified,
                )
            except FeedError as error:
                await self._record_failure(feed_id, error.reason, gone=feed_is_gone(error))
                return FetchOutcome(feed_id, ok=False, error=error.reason)
            now = self.clock()
            if result.not_modified:
                unchanged.append((feed_id, now, self.schedule.after_success(feed_id, now)))  # recorded with the batch
                lease_passed_on = True  # record_unchanged releases it with the batch
                return FetchOutcome(feed_id, ok=True)
            new_count = 0
            async with self.database.session() as session:
                feed = await session.get(Feed, feed_id)
                if feed is None:
                    return FetchOutcome(feed_id, ok=False, error="removed")
                record_fetch_success(
                    feed,
                    now=now,
                    next_due_at=self.schedule.after_success(feed_id, now),
                    etag=result.etag,
                    last_modified=result.last_modified,
                    title=parsed.title if parsed else None,
                )
                if parsed is not None:
                    new_count = await self._record_new_entries(session, feed_id, parsed.entries, now)
            if parsed is not None:
                self._feeds[feed_id] = parsed
            if to_build is not None and (new_count or claimed.unbuilt):
                to_build.append(feed_id)
                lease_passed_on = True
            else:
                await self._build_articles(feed_id)
        finally:
            if not lease_passed_on:
                await self._release(feed_id)
        return FetchOutcome(feed_id, ok=True, new_entries=new_count)

    async def _release(self, feed_id: int) -> None:
        if _shutting_down():
            return  # close() lets go of it
        async with self.database.session() as session:
            await release_feeds(session, [feed_id], self.owner)
        self._claimed.discard(feed_id)

    async def _record_unchanged(self, unchanged: list[tuple[int, datetime, datetime]]) -> None:
        """The batch's 304s in one statement, which also lets go of their leases. On PostgreSQL another process's
        writes to the same rows can meet it in a deadlock; the whole statement is then tried again (run_write)."""
        if not unchanged or _shutting_down():
            return
        await run_write(self.database, lambda session: record_unchanged(session, unchanged, self.owner))
        self._claimed.difference_update(feed_id for feed_id, _, _ in unchanged)

    async def _record_new_entries(self, session: Any, feed_id: int, entries: Sequence[FeedEntry], now: datetime) -> int:
        """Each subscription's new entries (those it has not seen); returns how many distinct entries are new.
        A guild that removed the bot gets them recorded too: were they left out, a later fetch (a 304, or the entry
        gone from the feed) would never show them again, and a guild that adds the bot back would miss them."""
        subscriptions = await active_subscriptions(session, feed_id, removed_guilds=True)
        known = await known_keys_by_subscription(session, [s.id for s in subscriptions], [entry.key for entry in entries])
        new_keys: set[str] = set()
        for subscription in subscriptions:
            seen = known[subscription.id]
            fresh = [entry for entry in entries if entry.key not in seen]  # newest first
            if not fresh:
                continue
            posted, skipped = fresh[:MAX_NEW_ENTRIES_PER_FETCH], fresh[MAX_NEW_ENTRIES_PER_FETCH:]
            if skipped:
                log.warning(
                    "feed %s shows subscription %s %d new entries at once; posting the newest %d",
                    feed_id, subscription.id, len(fresh), len(posted),
                )
                await record_entries(session, subscription.id, [_new_entry(e) for e in reversed(skipped)], EntryState.BASELINE, now, known=seen)
            added = await record_entries(session, subscription.id, [_new_entry(e) for e in reversed(posted)], EntryState.PENDING, now, known=seen)
            new_keys.update(row.entry_key for row in added)
        return len(new_keys)

    async def _record_failure(self, feed_id: int, reason: str, *, gone: bool = False) -> None:
        """Back off; a feed that has been gone (404, 410, unparseable) for `feeds.give_up_after` is paused for
        every guild that follows it. Releases the lease."""
        now = self.clock()
        changes: list[ProblemChange] = []
        async with self.database.session() as session:
            feed = await session.get(Feed, feed_id)
            if feed is None:
                return
            failures = (feed.consecutive_failures or 0) + 1
            record_fetch_failure(feed, now=now, reason=reason, next_due_at=self.schedule.after_failure(failures, now))
            feed.lease_owner = feed.lease_until = None
            self._claimed.discard(feed_id)
            if gone and feed.gone_since is None:
                feed.gone_since = now
            gone_since = feed.gone_since
            if gone and gone_since is not None and (now - gone_since).total_seconds() >= self.settings.feeds.give_up_after:
                for subscription in await active_subscriptions(session, feed_id):
                    change = await record_subscription_problem(
                        session, subscription.id, Problem.FEED_GONE.value, detail=reason, now=now, pause=True
                    )
                    if change is not None:
                        changes.append(change)
        log.info("feed %s failed (%d in a row): %s", feed_id, failures, reason)
        if changes:
            log.warning("feed %s paused for %d subscriptions: gone since %s (%s)", feed_id, len(changes), gone_since, reason)
        for change in changes:
            if change.notify and self.on_feed_gone is not None and gone_since is not None:
                await self.on_feed_gone(change, gone_since)

    async def build_pending(self) -> int:
        """Build articles for entries left unbuilt (a backfill just subscribed, or a crash); returns how many."""
        async with self.database.session() as session:
            claimed = await claim_due_feeds(
                session, now=self.clock(), owner=self.owner, lease_seconds=self.lease_seconds, limit=CLAIM_BATCH, unbuilt_only=True
            )
        self._claimed.update(feed.feed_id for feed in claimed)
        built = 0
        async with self._holding([feed.feed_id for feed in claimed]):
            for feed in claimed:
                try:
                    built += await self._build_articles(feed.feed_id)
                except Exception:
                    log.exception("building the articles of feed %s failed", feed.feed_id)
                finally:
                    await self._release(feed.feed_id)
        return built

    async def _build_articles(self, feed_id: int) -> int:
        """Each new entry's page is read once and searched once, then stored as an article in every guild that
        is waiting for it. Oldest first; stops at the first page that cannot be read, so order is kept."""
        async with self._building.setdefault(feed_id, asyncio.Lock()):
            return await self._build_articles_now(feed_id)

    async def _build_articles_now(self, feed_id: int) -> int:
        async with self.database.session() as session:
            stored = await session.get(Feed, feed_id)
            if stored is None:
                return 0
            entries = await entries_without_article(session, feed_id)
            feed = self._feeds.get(feed_id) or ParsedFeed(url=stored.url, title=stored.title or stored.url)
        groups: dict[str, list[SeenEntry]] = {}
        for seen in entries:
            groups.setdefault(seen.entry_key, []).append(seen)
        by_key = {entry.key: entry for entry in feed.entries}
        built = 0
        for key, group in groups.items():
            feed_entry = by_key.get(key) or feed_entry_from_seen(group[0])
            article = await self._load(group, feed_entry, feed)
            if article is None:
                break
            drafts = await asyncio.to_thread(self._find_questions, article)
            async with self.database.session() as session:
                built += await store_articles(session, [seen.id for seen in group], article, drafts, self.settings.polls)
            if self.on_article_stored is not None:
                self.on_article_stored()
        else:
            self._feeds.pop(feed_id, None)  # every entry built: the document is not needed any more
        return built

    async def _load(self, group: Sequence[SeenEntry], feed_entry: FeedEntry, feed: ParsedFeed) -> ArticleText | None:
        try:
            return await self._load_article(feed_entry, feed, self.fetcher)
        except Exception as error:  # the page is down or unreadable: retry next time, then fall back
            reason = error.reason if isinstance(error, FeedError) else f"{type(error).__name__}: {error}"
            if not isinstance(error, FeedError):
                log.exception("reading article %s failed", feed_entry.url)
            attempts = 0
            async with self.database.session() as session:
                for seen in group:
                    entry = await session.get(SeenEntry, seen.id)
                    if entry is None:
                        continue
                    entry.attempts = (entry.attempts or 0) + 1
                    entry.last_error = reason[:500]
                    attempts = max(attempts, entry.attempts)
            if attempts == 0 or attempts < MAX_ARTICLE_ATTEMPTS:
                return None
            log.warning("article %s could not be read %d times; posting it from the feed alone", feed_entry.url, attempts)
            return article_from_feed(feed_entry, feed)
