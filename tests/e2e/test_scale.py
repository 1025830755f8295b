"""Many guilds, two processes, each feed once (issue 14), on PostgreSQL with the sandbox.

60 guilds over 4 shards; two `reader-bot run` processes hold shards 0-1 and 2-3; 20 feeds from a blog farm with
overlapping subscriptions (feeds 0, 1 and 2 followed by 30 guilds each). Every new article is posted exactly once in
every subscribing guild, by the process holding the guild's shard; the farm sees each feed fetched once per cycle
and each article page read once. One process is SIGKILLed while it holds feed leases: the other takes them over once
they expire; the killed process's guilds wait, and get their posts, exactly once, when it is back. Members of guilds
on both processes vote: the stored tallies equal what each member was told.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.sandbox import Sandbox
from bot.shards import shard_of
from bot.storage.database import Database
from e2e.blogfarm import BlogFarm, create_postgres_database, drop_postgres_database, feed_path, seed_subscriptions, write_farm_bot_config
from e2e.harness import BotProcess, wait_until

POSTGRES_URL = os.environ.get("READER_BOT_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="several processes need PostgreSQL: set READER_BOT_TEST_POSTGRES_URL (CI does)"
)

TOKEN = "scale.bot-token"
GUILDS, FEEDS, SHARDS = 60, 20, 4
INTERVAL, LEASE = 2.0, 3.0
FIRST, SECOND = (0, 1), (2, 3)  # the shards each process holds


def subscriptions() -> list[tuple[int, int]]:
    """(guild index, feed index): feeds 0-2 followed by 30 guilds each, overlapping; the others by 3 or 4 guilds."""
    pairs = {(guild, 0) for guild in range(30)} | {(guild, 1) for guild in range(30, 60)} | {(guild, 2) for guild in range(0, 60, 2)}
    for feed in range(3, FEEDS):
        pairs |= {((feed * 7 + k * 13) % GUILDS, feed) for k in range(3 + feed % 2)}
    return sorted(pairs)


class Scale:
    def __init__(self, sandbox: Sandbox, farm: BlogFarm, database_url: str, tmp_path: Path) -> None:
        self.sandbox, self.farm, self.database_url = sandbox, farm, database_url
        self.bot = sandbox.add_bot_user(TOKEN)
        self.guilds = []
        self.channels = []
        for index in range(GUILDS):
            guild = sandbox.add_guild(f"Guild {index}", shard=(index % SHARDS, SHARDS))
            self.guilds.append(guild)
            self.channels.append(sandbox.add_channel(guild, "articles"))
        self.pairs = subscriptions()
        config = write_farm_bot_config(
            tmp_path, "scale", token=TOKEN, api_base=sandbox.api_base, gateway_url=sandbox.gateway_url,
            database_url=database_url, poll_interval=f"{INTERVAL:g}s", lease=f"{LEASE:g}s",
        )
        env = {"READER_BOT_SHARD_COUNT": str(SHARDS)}
        self.first = BotProcess(config, tmp_path / "first.log", env={**env, "READER_BOT_SHARD_IDS": "0-1"})
        self.second = BotProcess(config, tmp_path / "second.log", env={**env, "READER_BOT_SHARD_IDS": "2-3"})

    def shard(self, guild_index: int) -> int:
        return shard_of(self.guilds[guild_index].id, SHARDS)

    def followers(self, feed: int) -> list[int]:
        return [guild for guild, followed in self.pairs if followed == feed]

    def posts_of(self, url: str) -> Counter[int]:
        """guild index -> messages of the bot in that guild's channel showing the article at `url`."""
        found: Counter[int] = Counter()
        for index, channel in enumerate(self.channels):
            for message in self.sandbox.messages(channel, include_system=False):
                if message.author.id == self.bot.id and any(embed.get("url") == url for embed in message.embeds):
                    found[index] += 1
        return found

    async def sql(self, statement: str) -> list[tuple]:
        database = Database(self.database_url)
        try:
            async with database.session() as session:
                result = await session.execute(text(statement))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await database.dispose()

    async def wait_ready(self, process: BotProcess, after: int = 0) -> None:
        def ready() -> bool:
            if not process.running:
                raise AssertionError(f"the bot exited:\n{process.log_text()[-3000:]}")
            return process.log_text().count("reader_bot: ready:") > after

        await wait_until(ready, 40, "the bot to be ready", interval=0.1)

    def fetch_times(self, feed: int) -> list[float]:
        return [moment for moment, path in self.farm.requests if path == feed_path(feed)]


@pytest.fixture
async def scale(tmp_path: Path) -> AsyncIterator[Scale]:
    assert POSTGRES_URL
    sandbox = Sandbox()
    await sandbox.start()
    farm = BlogFarm(FEEDS)
    await farm.start()
    name, url = await create_postgres_database(POSTGRES_URL, "scale_test")
    world = Scale(sandbox, farm, url, tmp_path)
    try:
        yield world
    finally:
        for process in (world.first, world.second):
            process.kill()
        await farm.stop()
        await sandbox.stop()
        await drop_postgres_database(POSTGRES_URL, name)


async def test_two_processes_share_feeds_post_each_article_once_per_guild_and_survive_a_kill(scale: Scale) -> None:
    shards = Counter(scale.shard(index) for index in range(GUILDS))
    assert len(shards) == SHARDS and min(shards.values()) >= 5, shards  # both processes hold guilds
    await seed_subscriptions(
        scale.database_url, scale.farm.base_url, FEEDS, scale.pairs, [(g.id, c.id) for g, c in zip(scale.guilds, scale.channels)]
    )
    await scale.sql("UPDATE feeds SET next_due_at = now()")
    scale.first.start()
    scale.second.start()
    await scale.wait_ready(scale.first)
    await scale.wait_ready(scale.second)

    # A cycle with new articles in the three widely followed feeds and one small one.
    started = time.monotonic()
    new = {feed: scale.farm.add_post(feed) for feed in (0, 1, 2, 5)}
    for feed, url in new.items():
        expected = {guild: 1 for guild in scale.followers(feed)}
        await wait_until(lambda url=url, expected=expected: scale.posts_of(url) == expected, 90, f"feed {feed}'s article in its guilds")
    for feed, url in new.items():
        assert scale.farm.page_hits()[url.removeprefix(scale.farm.base_url)] == 1, scale.farm.page_hits()
    for feed in range(FEEDS):  # once per cycle: never twice within one interval
        times = [moment for moment in scale.fetch_times(feed) if moment >= started]
        assert times, f"feed {feed} was not fetched"
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        assert all(gap > INTERVAL / 2 for gap in gaps), (feed, gaps)

    # Votes in guilds of both processes: tallies equal what the members were told.
    await _vote_on_both_processes(scale, new[0], new[1])

    # SIGKILL the second process while it holds leases on feeds with new articles (slow pages keep them held).
    owner = f"%:{scale.second.pid}:%"
    killed_feed = None
    for attempt in range(3):
        feeds = [feed for feed in range(3, FEEDS) if feed != 5][attempt * 5:(attempt + 1) * 5]
        urls = {feed: scale.farm.add_post(feed) for feed in feeds}
        for url in urls.values():
            scale.farm.slow[url.removeprefix(scale.farm.base_url)] = 1.5
        deadline = time.monotonic() + 3 * INTERVAL
        while time.monotonic() < deadline and killed_feed is None:
            held = await scale.sql(f"SELECT id FROM feeds WHERE lease_owner LIKE '{owner}' AND id - 1 IN ({','.join(map(str, feeds))})")
            if held:
                scale.second.kill()
                killed_feed = held[0][0] - 1
            await asyncio.sleep(0.02)
        if killed_feed is not None:
            break
        for feed, url in urls.items():  # this round the first process took them all: wait, then try again
            await wait_until(lambda url=url, feed=feed: sum(scale.posts_of(url).values()) >= 1 or not any(
                scale.shard(g) in FIRST for g in scale.followers(feed)), 20, "the round's posts")
    assert killed_feed is not None, "the second process never held a lease on a feed with a new article"
    killed_at = time.monotonic()
    url = scale.farm.post_url(killed_feed, f"p{len(scale.farm.posts[killed_feed]) - 1}")
    followers = scale.followers(killed_feed)

    # The first process takes the lease over once it expires, and stores the article for every follower.
    async def stored() -> int:
        (count,), = await scale.sql(f"SELECT count(*) FROM articles WHERE url = '{url}'")
        return count

    left_undone = await stored() < len(followers)
    await wait_until(lambda: _equals(stored(), len(followers)), LEASE + 2 * INTERVAL + 5, "the lease to be taken over")
    if left_undone:  # (the killed process may have stored them all just before dying, still holding the lease)
        assert time.monotonic() - killed_at >= LEASE - 0.5  # not before the lease expired
    mine = {guild: 1 for guild in followers if scale.shard(guild) in FIRST}
    await wait_until(lambda: {g: n for g, n in scale.posts_of(url).items()} == mine, 20, "the first process's guilds' posts")
    await asyncio.sleep(INTERVAL)
    assert scale.posts_of(url) == Counter(mine), "a guild of the dead process's shards got a post from the other process"

    # Back again: the second process posts its guilds' waiting articles, and nothing anywhere twice.
    scale.second.start()
    await scale.wait_ready(scale.second, after=1)
    everything = {guild: 1 for guild in followers}
    await wait_until(lambda: scale.posts_of(url) == Counter(everything), 30, "the second process's guilds' posts")
    await wait_until(lambda: _no_pending(scale), 30, "every waiting post to go out")
    for feed in range(FEEDS):
        for slug, _ in scale.farm.posts[feed][3:]:
            article = scale.farm.post_url(feed, slug)
            counts = scale.posts_of(article)
            assert counts == Counter({guild: 1 for guild in scale.followers(feed)}), (feed, slug, counts)
    for process in (scale.first, scale.second):
        assert "Traceback" not in process.log_text(), process.log_text()[-3000:]


async def _equals(value, expected) -> bool:  # type: ignore[no-untyped-def]
    return await value == expected


async def _no_pending(scale: Scale) -> bool:
    (pending,), = await scale.sql("SELECT count(*) FROM seen_entries WHERE state = 'pending'")
    return pending == 0


_TOLD = re.compile(r"\*\*(?P<option>[^*]+)\*\* is recorded")


async def _vote_on_both_processes(scale: Scale, *urls: str) -> None:
    """Two members in one guild of each process vote (one changes their mind); the database holds what they were told."""
    chosen = []
    for wanted in (FIRST, SECOND):
        guild = next(g for g in range(GUILDS) if scale.shard(g) in wanted and any(scale.posts_of(u).get(g) for u in urls))
        chosen.append(guild)
    told: dict[tuple[int, int], str] = {}
    for guild in chosen:
        members = [scale.sandbox.add_member(scale.guilds[guild], f"reader{guild}-{n}") for n in range(2)]
        article = next(m for u in urls for m in scale.sandbox.messages(scale.channels[guild], include_system=False)
                       if any(e.get("url") == u for e in m.embeds))
        thread = scale.sandbox.thread_of(article)
        assert thread is not None
        await wait_until(lambda: any(_vote_buttons(m) for m in scale.sandbox.messages(thread, include_system=False)), 15, "a poll")
        poll = next(m for m in scale.sandbox.messages(thread, include_system=False) if _vote_buttons(m))
        buttons = _vote_buttons(poll)
        for member, choices in zip(members, ([0], [0, 1])):
            for choice in choices:
                custom_id, label = buttons[choice]
                handle = await scale.sandbox.click_button(member, poll, custom_id)
                await handle.wait_response(timeout=10)
                assert _TOLD.search(handle.text) or "changed" in handle.text, handle.text
                told[(member.user.id, int(custom_id.split(":")[2]))] = label
    rows = await scale.sql(
        "SELECT v.member_id, v.poll_id, o.label FROM votes v JOIN poll_options o ON o.id = v.option_id"
    )
    assert {(member, poll): label for member, poll, label in rows} == told
    assert len({scale.shard(g) in FIRST for g in chosen}) == 2


def _vote_buttons(message) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(b["custom_id"], b["label"]) for row in message.components for b in row.get("components", [])
            if b.get("custom_id", "").startswith("rb:vote:")]
