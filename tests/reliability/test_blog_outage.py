"""The blog goes down in every way a blog goes down (connection refused, HTTP 500, no answer at all) while
`reader-bot run` polls it as a separate process: /feed list says the feed is failing and why, fetches back off
(each wait twice the last), and once the blog answers again the articles written meanwhile are posted once each,
in the order they were published."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from e2e.harness import SandboxWorld, wait_until
from reliability.conftest import Launch
from reliability.support import OutageBlog, sqlite_rows

POLL_INTERVAL = 0.05
FEED_TIMEOUT = 0.5


async def _feed_list(world: SandboxWorld) -> str:
    handle = await world.sandbox.run_slash_command(world.admin, "feed", {}, subcommand="list", channel=world.channel)
    await handle.wait_response(timeout=10)
    assert handle.ephemeral
    return handle.text


def _failing(listed: str) -> int:
    """The failure count /feed list shows (0 when it does not say the feed is failing)."""
    match = re.search(r"failing \((\d+) in a row", listed)
    return int(match[1]) if match else 0


class FeedState:
    """The subscription row as the bot leaves it after each fetch, recorded whenever the failure count changes."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.delays: dict[int, float] = {}  # consecutive failures -> seconds until the next fetch

    def failures(self) -> int:
        (failures, last_fetch, next_due), = sqlite_rows(
            self.database_url, "SELECT consecutive_failures, last_fetch_at, next_due_at FROM feeds"
        )
        if failures and failures not in self.delays:
            self.delays[failures] = (datetime.fromisoformat(next_due) - datetime.fromisoformat(last_fetch)).total_seconds()
        return failures

    async def wait_failures(self, count: int, timeout: float = 10.0) -> None:
        await wait_until(lambda: self.failures() >= count, timeout, f"{count} failed fetches", interval=0.01)


async def test_a_blog_down_shows_as_failing_backs_off_and_its_missed_articles_arrive_once_in_order(
    outage_blog: OutageBlog, world: SandboxWorld, launch: Launch, bot_database_url: str
) -> None:
    blog = outage_blog
    blog.add_post("before", "Written before the outage", ["Nothing to ask."])
    await launch(poll_interval=f"{POLL_INTERVAL}s", feed_timeout=f"{FEED_TIMEOUT}s")
    subscribed = await world.sandbox.run_slash_command(
        world.admin, "feed", {"url": blog.feed_url, "channel": world.channel}, subcommand="add", channel=world.channel
    )
    await subscribed.wait_response(timeout=10)
    assert "Subscribed" in subscribed.text, subscribed.text
    state = FeedState(bot_database_url)
    missed = []

    # Connection refused: the blog's port is closed.
    await blog.refuse_connections()
    missed.append(blog.add_post("missed-1", "Missed while refused", ["Nothing to ask."]))
    await state.wait_failures(2)
    listed = await _feed_list(world)
    assert _failing(listed) >= 2 and "could not connect to 127.0.0.1" in listed, listed

    # The server is back but answers 500.
    blog.fail_with(500)
    await blog.come_back()
    missed.append(blog.add_post("missed-2", "Missed while failing", ["Nothing to ask."]))
    await state.wait_failures(4)
    listed = await _feed_list(world)
    assert _failing(listed) >= 4 and "HTTP 500" in listed, listed

    # It accepts connections and never answers.
    blog.fail_with(None)
    blog.stall = True
    missed.append(blog.add_post("missed-3", "Missed while silent", ["Nothing to ask."]))
    await state.wait_failures(5)
    listed = await _feed_list(world)
    assert _failing(listed) >= 5 and f"did not answer within {FEED_TIMEOUT:g} seconds" in listed, listed
    assert world.channel_messages() == []

    # Each failure doubled the wait before the next fetch; the blog was not hammered meanwhile.
    delays = [state.delays[failures] for failures in range(1, 6)]
    assert all(later >= 1.9 * earlier for earlier, later in zip(delays, delays[1:], strict=False)), delays
    assert delays[0] >= POLL_INTERVAL * 0.9 and delays[-1] >= 16 * POLL_INTERVAL * 0.9, delays
    hits_while_failing = len(blog.feed_hits)

    # The blog is back: the three articles written meanwhile appear once each, oldest first.
    blog.stall = False
    await world.sandbox.wait_until(lambda: len(world.channel_messages()) >= 3, 15, "the missed articles")
    await asyncio.sleep(10 * POLL_INTERVAL)  # more rounds: nothing may come twice
    assert [m.embeds[0]["url"] for m in world.channel_messages()] == [blog.post_url(post.slug) for post in missed]
    assert sorted(sqlite_rows(bot_database_url, "SELECT title, state FROM seen_entries")) == sorted(
        [("Written before the outage", "baseline")] + [(post.title, "posted") for post in missed]
    )
    assert hits_while_failing <= 4  # the 500s and the silent fetch; refused ones never reached the server
    recovered = await _feed_list(world)
    assert "failing" not in recovered and "The Reader Blog" in recovered, recovered
