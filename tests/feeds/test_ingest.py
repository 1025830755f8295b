"""Subscribing and polling feeds into stored articles: a real blog on loopback, the real fetcher, both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.config import FeedSettings, PollSettings, Settings
from bot.errors import AlreadyExists
from bot.feeds.errors import AddressRefused, NotAFeed
from bot.feeds.fetch import FeedFetcher
from bot.ingest import MAX_NEW_ENTRIES_PER_FETCH, FeedService
from bot.questions.model import PollKind
from bot.storage.articles import publishing_queue
from bot.storage.database import Database
from bot.storage.models import Article, EntryState, FeedSubscription, Poll, SeenEntry
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_QUESTIONS, FOUR_DAY_WEEK_TITLE
from e2e.harness import BlogServer

GUILD, CHANNEL = 1, 2


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _service(database: Database, fetcher: FeedFetcher, clock: Clock, **kwargs) -> FeedService:
    settings = Settings(feeds=FeedSettings(poll_interval=60.0, allow_private_addresses=True), polls=PollSettings(duration=600.0))
    return FeedService(database, settings, fetcher, clock=clock, **kwargs)


async def _entries(database: Database) -> list[tuple[str, str]]:
    async with database.session() as session:
        rows = await session.scalars(select(SeenEntry).order_by(SeenEntry.id))
        return [(row.title, str(row.state)) for row in rows]


async def test_subscribe_records_the_baseline_and_backfills_the_newest_oldest_first(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    for index in range(5):
        blog.add_post(f"p{index}", f"Post {index}", ["Text."])
    clock = Clock()
    service = _service(database, fetcher, clock)
    result = await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.feed_url, backfill=2, created_by=7)
    assert (result.title, result.entry_count, result.backfill) == ("The Reader Blog", 5, 2)
    assert await _entries(database) == [
        ("Post 0", "baseline"), ("Post 1", "baseline"), ("Post 2", "baseline"), ("Post 3", "pending"), ("Post 4", "pending"),
    ]
    async with database.session() as session:
        subscription = await session.get(FeedSubscription, result.subscription_id)
        assert clock.now < subscription.feed.next_due_at <= clock.now + timedelta(seconds=60)
        assert subscription.created_by == 7 and subscription.feed.last_error is None
    with pytest.raises(AlreadyExists):
        await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=f"  {blog.feed_url} ")
    # another guild may subscribe to the same feed
    await service.subscribe(guild_id=GUILD + 1, channel_id=CHANNEL, url=blog.feed_url)


async def test_new_entries_become_articles_with_draft_polls_in_feed_order(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    blog.add_post("old", "Old post", ["Text."])
    clock = Clock()
    service = _service(database, fetcher, clock)
    subscribed = await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.feed_url)
    blog.add_post("a", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    blog.add_post("b", "Nothing to ask", ["Just news."])
    outcome = await service.poll_subscription(subscribed.subscription_id)
    assert outcome.ok and outcome.new_entries == 2
    assert await _entries(database) == [("Old post", "baseline"), (FOUR_DAY_WEEK_TITLE, "pending"), ("Nothing to ask", "pending")]
    async with database.session() as session:
        articles = (await session.scalars(select(Article).order_by(Article.id).options(selectinload(Article.polls).selectinload(Poll.options)))).all()
        queue = await publishing_queue(session)
    assert [article.url for article in articles] == [blog.post_url("a"), blog.post_url("b")]
    assert [queued.article_id for queued in queue] == [article.id for article in articles]
    first = articles[0]
    assert (first.title, first.author, first.language, first.channel_id) == (FOUR_DAY_WEEK_TITLE, "Ada Lovelace", "en", CHANNEL)
    assert [(poll.question, poll.kind.value) for poll in first.polls] == FOUR_DAY_WEEK_QUESTIONS
    assert all(poll.state == "draft" and poll.closes_at is None and poll.duration_seconds == 600.0 for poll in first.polls)
    assert [option.label for option in first.polls[0].options] == ["Yes", "No", "Not sure"]
    assert first.polls[2].kind == PollKind.OPEN and first.polls[2].options == []
    assert articles[1].polls == []
    again = await service.poll_subscription(subscribed.subscription_id)
    assert again.ok and again.new_entries == 0


async def test_a_failing_blog_backs_off_and_missed_articles_arrive_in_order(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    blog.add_post("old", "Old post", ["Text."])
    clock = Clock()
    service = _service(database, fetcher, clock)
    subscription_id = (await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.feed_url)).subscription_id
    blog.fail_with(500)
    delays = []
    for _ in range(4):
        outcome = await service.poll_subscription(subscription_id)
        assert not outcome.ok and "HTTP 500" in outcome.error
        async with database.session() as session:
            subscription = await session.get(FeedSubscription, subscription_id)
            delays.append((subscription.feed.next_due_at - clock.now).total_seconds())
    assert delays == [60, 120, 240, 480]
    assert subscription.feed.consecutive_failures == 4 and "HTTP 500" in subscription.feed.last_error
    for index in range(3):
        blog.add_post(f"missed{index}", f"Missed {index}", ["Posted while the blog was down for us."])
    blog.fail_with(None)
    assert (await service.poll_subscription(subscription_id)).new_entries == 3
    async with database.session() as session:
        subscription = await session.get(FeedSubscription, subscription_id)
        assert subscription.feed.consecutive_failures == 0 and subscription.feed.last_error is None
        titles = [row.title for row in await session.scalars(select(Article).order_by(Article.id))]
    assert titles == ["Missed 0", "Missed 1", "Missed 2"]


async def test_due_feeds_are_polled_and_overdue_ones_spread_after_a_restart(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    clock = Clock()
    service = _service(database, fetcher, clock)
    ids = []
    for index in range(3):
        ids.append((await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=f"{blog.feed_url}?copy={index}")).subscription_id)
    assert await service.poll_due() == []  # nothing due right after subscribing
    clock.advance(3600)  # the bot was down for an hour: all overdue
    assert await service.spread_overdue() == 3
    async with database.session() as session:
        due = sorted([(await session.get(FeedSubscription, i)).feed.next_due_at for i in ids])
    assert all(clock.now < moment <= clock.now + timedelta(seconds=60) for moment in due)
    assert len(set(due)) == 3
    clock.now = due[1]
    polled = await service.poll_due()
    assert [outcome.feed_id for outcome in polled] != [] and len(polled) == 2
    assert all(outcome.ok for outcome in polled)


async def test_a_flood_of_new_entries_posts_only_the_newest(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    clock = Clock()
    service = _service(database, fetcher, clock)
    subscription_id = (await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.feed_url)).subscription_id
    for index in range(MAX_NEW_ENTRIES_PER_FETCH + 5):
        blog.add_post(f"n{index}", f"New {index}", ["x"], image=False)
    await service.poll_subscription(subscription_id)
    states = [state for _, state in await _entries(database)]
    assert states == ["baseline"] * 5 + ["pending"] * MAX_NEW_ENTRIES_PER_FETCH


async def test_an_article_that_cannot_be_read_is_retried_then_built_from_the_feed(sqlite_database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    calls = []

    async def broken_loader(entry, feed, fetcher):
        calls.append(entry.url)
        raise RuntimeError("extractor bug")

    clock = Clock()
    service = _service(sqlite_database, fetcher, clock, load_article=broken_loader)
    subscription_id = (await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.feed_url)).subscription_id
    blog.add_post("q", "Would you read this?", ["Would you work four days a week for the same pay?"])
    await service.poll_subscription(subscription_id)
    await service.poll_subscription(subscription_id)
    async with sqlite_database.session() as session:
        entry = await session.scalar(select(SeenEntry).where(SeenEntry.state == EntryState.PENDING))
        assert entry.article_id is None and entry.attempts == 2 and "extractor bug" in entry.last_error
    await service.poll_subscription(subscription_id)
    async with sqlite_database.session() as session:
        article = await session.scalar(select(Article))
    assert article is not None and article.title == "Would you read this?" and article.url == blog.post_url("q")
    assert len(calls) == 3


async def test_private_addresses_and_pages_that_are_not_feeds_are_refused(sqlite_database: Database, blog: BlogServer) -> None:
    blog.add_post("p", "A page", ["Text."])
    async with FeedFetcher(FeedSettings(timeout=5.0)) as strict:
        service = _service(sqlite_database, strict, Clock())
        with pytest.raises(AddressRefused):
            await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.feed_url)
    async with FeedFetcher(FeedSettings(timeout=5.0, allow_private_addresses=True)) as fetcher:
        service = _service(sqlite_database, fetcher, Clock())
        with pytest.raises(NotAFeed):
            await service.subscribe(guild_id=GUILD, channel_id=CHANNEL, url=blog.post_url("p"))
    async with sqlite_database.session() as session:
        assert (await session.scalars(select(FeedSubscription))).all() == []
