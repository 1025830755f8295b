"""Each feed once (issue 14): a feed followed by many guilds is fetched, read and searched once per cycle, and
stored as one article per guild; processes share the due feeds through leases (on SQLite and PostgreSQL)."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from bot.config import FeedSettings, PollSettings, Settings
from bot.feeds.fetch import FeedFetcher
from bot.ingest import FeedService
from bot.storage.database import Database
from bot.storage.feeds import claim_due_feeds
from bot.storage.models import Article, Feed, FeedSubscription, Poll
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.harness import BlogServer
from feeds.test_ingest import Clock

LEASE = 30.0


def _service(database: Database, fetcher: FeedFetcher, clock: Clock, owner: str, finder_calls: list[str] | None = None) -> FeedService:
    settings = Settings(
        feeds=FeedSettings(poll_interval=60.0, allow_private_addresses=True, lease_seconds=LEASE), polls=PollSettings(duration=600.0)
    )
    kwargs = {}
    if finder_calls is not None:
        from bot.questions.finder import find_questions

        def counting(article):  # type: ignore[no-untyped-def]
            finder_calls.append(article.url)
            return find_questions(article)

        kwargs["find_questions"] = counting
    return FeedService(database, settings, fetcher, clock=clock, owner=owner, **kwargs)


async def test_a_feed_followed_by_many_guilds_is_fetched_read_and_searched_once(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    blog.add_post("old", "Old post", ["Text."])
    clock, searched = Clock(), []
    service = _service(database, fetcher, clock, "one", searched)
    spellings = [blog.feed_url, blog.feed_url.replace("127.0.0.1", "127.0.0.1.").replace("http://", "HTTP://"), blog.feed_url + "#x"]
    for guild in range(1, 7):
        await service.subscribe(guild_id=guild, channel_id=guild * 10, url=spellings[guild % 3])
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Feed)) == 1
    blog.add_post("a", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    blog.hits.clear()
    clock.advance(120)
    outcomes = await service.poll_due()
    assert [(o.ok, o.new_entries) for o in outcomes] == [(True, 1)]
    assert blog.hits["feed"] == 1 and blog.hits["page:a"] == 1, blog.hits
    assert searched == [blog.post_url("a")]
    async with database.session() as session:
        articles = (await session.scalars(select(Article).order_by(Article.guild_id))).all()
        polls = await session.scalar(select(func.count()).select_from(Poll))
    assert [(a.guild_id, a.channel_id, a.url) for a in articles] == [(g, g * 10, blog.post_url("a")) for g in range(1, 7)]
    assert polls == 6 * 3
    # The next cycle: one conditional request, answered 304, nothing read again.
    clock.advance(120)
    blog.hits.clear()
    assert [(o.ok, o.new_entries) for o in await service.poll_due()] == [(True, 0)]
    assert blog.hits["feed"] == 1 and sum(blog.hits.values()) == 1
    # The last guild leaving forgets the feed.
    from bot.storage.feeds import remove_subscription

    async with database.session() as session:
        for subscription in (await session.scalars(select(FeedSubscription))).all():
            await remove_subscription(session, subscription.guild_id, subscription.feed_url)
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Feed)) == 0


async def test_two_processes_share_due_feeds_and_take_over_an_expired_lease(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    clock = Clock()
    first, second = _service(database, fetcher, clock, "first"), _service(database, fetcher, clock, "second")
    for index in range(6):
        await first.subscribe(guild_id=index + 1, channel_id=1, url=f"{blog.feed_url}?copy={index}")
    clock.advance(120)
    async with database.session() as session:
        held = await claim_due_feeds(session, now=clock(), owner="first", lease_seconds=LEASE, limit=4)
    assert len(held) == 4
    blog.hits.clear()
    polled = await second.poll_due()  # takes only what the first does not hold
    assert sorted(o.feed_id for o in polled) == sorted(set(range(1, 7)) - {c.feed_id for c in held})
    assert blog.hits["feed"] == 2
    assert await second.poll_due() == []  # the first's leases still run
    clock.advance(LEASE + 1)  # the first died: its leases expire and the second takes them over
    taken = await second.poll_due()
    assert sorted(o.feed_id for o in taken) == sorted(c.feed_id for c in held) and all(o.ok for o in taken)
    async with database.session() as session:
        feeds = (await session.scalars(select(Feed))).all()
    assert all(f.lease_owner is None and f.lease_until is None and f.next_due_at > clock() for f in feeds)
    assert blog.hits["feed"] == 6


async def test_claims_never_overlap_between_concurrent_transactions(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one process (a second `run` is refused); row locks are PostgreSQL's")
    clock = Clock()
    service = _service(database, fetcher, clock, "setup")
    for index in range(10):
        await service.subscribe(guild_id=1, channel_id=1, url=f"{blog.feed_url}?copy={index}")
    clock.advance(120)
    async with database.session() as one, database.session() as two:
        mine = await claim_due_feeds(one, now=clock(), owner="one", lease_seconds=LEASE, limit=6)
        theirs = await claim_due_feeds(two, now=clock(), owner="two", lease_seconds=LEASE, limit=6)  # while one's locks are held
    assert len(mine) == 6 and len(theirs) == 4
    assert not {c.feed_id for c in mine} & {c.feed_id for c in theirs}


async def test_a_guild_that_removed_the_bot_gets_what_the_shared_feed_showed_meanwhile_when_it_adds_it_back(
    database: Database, blog: BlogServer, fetcher: FeedFetcher
) -> None:
    """Another guild keeps the feed fetched while one guild has removed the bot. The next fetch is a 304, so an
    entry left unrecorded for the removed guild would never show again after its return."""
    from bot.storage.articles import publishing_queue
    from bot.storage.delivery import mark_guild_present, mark_guild_removed

    clock = Clock()
    service = _service(database, fetcher, clock, "one")
    for guild in (1, 2):
        await service.subscribe(guild_id=guild, channel_id=guild * 10, url=blog.feed_url)
    async with database.session() as session:
        await mark_guild_removed(session, 1, clock())
    blog.add_post("meanwhile", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    clock.advance(120)
    assert [(o.ok, o.new_entries) for o in await service.poll_due()] == [(True, 1)]
    async with database.session() as session:
        assert [item.guild_id for item in await publishing_queue(session)] == [2]  # nothing goes to the removed guild
        assert await mark_guild_present(session, 1) is True
    clock.advance(120)
    blog.hits.clear()
    assert [(o.ok, o.new_entries) for o in await service.poll_due()] == [(True, 0)]
    assert blog.hits["feed"] == 1 and "page:meanwhile" not in blog.hits  # a 304: the entry comes from the record
    async with database.session() as session:
        queue = await publishing_queue(session)
        articles = (await session.scalars(select(Article).order_by(Article.guild_id))).all()
    assert sorted(item.guild_id for item in queue) == [1, 2]
    assert [(a.guild_id, a.url) for a in articles] == [(1, blog.post_url("meanwhile")), (2, blog.post_url("meanwhile"))]


async def test_a_shutdown_in_the_middle_of_a_fetch_leaves_no_lease_behind(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    """The next process has another owner name: a lease left behind would keep it from the feed for the whole
    lease time (the article of a guild added back waited for it, seen under load)."""
    import asyncio

    clock = Clock()
    service = _service(database, fetcher, clock, "old process")
    await service.subscribe(guild_id=1, channel_id=10, url=blog.feed_url)
    clock.advance(120)
    blog.feed_delay = 30.0
    polling = asyncio.create_task(service.poll_due())
    for _ in range(200):
        await asyncio.sleep(0.01)
        if blog.hits["feed"] == 2:  # the subscription's fetch, then this one, now hanging
            break
    async with database.session() as session:
        assert (await session.scalar(select(Feed.lease_owner))) == "old process"
    polling.cancel()
    with pytest.raises(asyncio.CancelledError):
        await polling
    await service.close()
    async with database.session() as session:
        assert (await session.scalar(select(Feed.lease_owner))) is None
    blog.feed_delay = 0.0
    blog.add_post("next", "Next", ["Text."])
    outcomes = await _service(database, fetcher, clock, "new process").poll_due()
    assert [(o.ok, o.new_entries) for o in outcomes] == [(True, 1)]


async def test_leases_of_a_killed_process_on_this_host_are_taken_back_at_start(database: Database, blog: BlogServer, fetcher: FeedFetcher) -> None:
    """SIGKILL lets go of nothing: without this, the restarted bot waited out the 120 s lease of every feed the
    killed one was fetching (tests/e2e/test_review.py's restart after a kill, seen once on a busy machine)."""
    import os
    import socket
    import subprocess
    import sys
    from datetime import timedelta

    from bot.ingest import lease_holder_is_gone

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    host = socket.gethostname()[:40]
    dead, alive, elsewhere = f"{host}:{finished.stdout.strip()}:abc123", f"{host}:{os.getppid()}:abc123", f"other-host:{os.getpid()}:abc123"
    assert lease_holder_is_gone(dead, "me") and lease_holder_is_gone(f"{host}:{os.getpid()}:old", "me")
    assert not lease_holder_is_gone(alive, "me") and not lease_holder_is_gone(elsewhere, "me")
    assert not lease_holder_is_gone(None, "me") and not lease_holder_is_gone("me", "me")

    clock = Clock()
    service = _service(database, fetcher, clock, "new process")
    for index in range(3):
        await service.subscribe(guild_id=index + 1, channel_id=1, url=f"{blog.feed_url}?copy={index}")
    async with database.session() as session:
        feeds = (await session.scalars(select(Feed).order_by(Feed.id))).all()
        for feed, owner in zip(feeds, (dead, alive, elsewhere), strict=True):
            feed.lease_owner, feed.lease_until = owner, clock() + timedelta(seconds=1000)
    await service.spread_overdue()
    async with database.session() as session:
        assert [feed.lease_owner for feed in (await session.scalars(select(Feed).order_by(Feed.id))).all()] == [None, alive, elsewhere]
    clock.advance(120)
    assert len(await service.poll_due()) == 1  # the other two stay with their holders until the lease runs out


async def test_a_deadlock_with_another_process_over_unchanged_feeds_is_retried_not_lost(
    database: Database, blog: BlogServer, fetcher: FeedFetcher
) -> None:
    """Two processes writing the same feed rows in opposite orders deadlock on PostgreSQL, which aborts one of them.
    When that is this process's batch of 304s, the batch is written again (it was lost, with a traceback, before)."""
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one process (a second `run` is refused); row locks are PostgreSQL's")
    import asyncio
    from datetime import timedelta

    from sqlalchemy import update

    clock = Clock()
    service = _service(database, fetcher, clock, "one")
    for index in range(2):
        await service.subscribe(guild_id=1, channel_id=1, url=f"{blog.feed_url}?copy={index}")
    async with database.session() as session:
        first, second = (await session.scalars(select(Feed.id).order_by(Feed.id))).all()
    now = clock()
    due = now + timedelta(seconds=60)
    async with database.engine.connect() as other:
        transaction = await other.begin()
        await other.execute(update(Feed).where(Feed.id == second).values(title="the other process"))
        batch = asyncio.create_task(service._record_unchanged([(first, now, due), (second, now, due)]))
        await asyncio.sleep(0.3)  # the batch holds the first row and waits for the second, so it detects the deadlock
        try:
            await other.execute(update(Feed).where(Feed.id == first).values(title="the other process"))
            await transaction.commit()
        except Exception:  # noqa: BLE001 - had PostgreSQL picked the other side, it is the one rolled back
            await transaction.rollback()
        await asyncio.wait_for(batch, timeout=30)
    async with database.session() as session:
        feeds = (await session.scalars(select(Feed).order_by(Feed.id))).all()
    assert [(feed.last_success_at, feed.next_due_at, feed.lease_owner) for feed in feeds] == [(now, due, None)] * 2
