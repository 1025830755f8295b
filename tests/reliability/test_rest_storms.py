"""Discord answering storms of 429 and 5xx while members vote and a new article is being posted, with
`reader-bot run` as a separate process: the bot waits as told, retries, recovers, loses no vote and no post, and
never sends a request over the limits the sandbox advertises in its X-RateLimit headers."""

from __future__ import annotations

import asyncio
import random

from bot.sandbox import Sandbox
from e2e.articles import FOUR_DAY_WEEK
from e2e.harness import SandboxWorld, custom_ids, wait_until
from reliability.conftest import Launch
from reliability.support import OutageBlog, sqlite_rows
from reliability.vote_driver import VoteDriver, compare, describe, final_targets, plan_votes, polls_from_messages, sqlite_path, stored_votes

RETRY_AFTER = 0.4


async def _subscribe(world: SandboxWorld, blog: OutageBlog) -> None:
    handle = await world.sandbox.run_slash_command(
        world.admin, "feed", {"url": blog.feed_url, "channel": world.channel}, subcommand="add", channel=world.channel
    )
    await handle.wait_response(timeout=15)
    assert "Subscribed" in handle.text, handle.text


def _posted(world: SandboxWorld, url: str, polls: int) -> bool:
    articles = world.article_messages(url)
    return len(articles) == 1 and len(world.thread_messages(articles[0])) == polls


def _waited_after_each_429(sandbox: Sandbox) -> list[str]:
    """Requests repeated sooner than the 429 they got asked for (same method and path)."""
    too_soon = []
    requests = sandbox.requests
    for index, refused in enumerate(requests):
        if not (refused.fault and refused.status == 429):
            continue
        retry = next((r for r in requests[index + 1 :] if r.method == refused.method and r.path == refused.path), None)
        if retry is not None and retry.time - refused.time < RETRY_AFTER - 0.05:
            too_soon.append(f"{refused.method} {refused.path} again after {retry.time - refused.time:.3f} s")
    return too_soon


async def test_429_and_5xx_storms_delay_votes_and_posts_but_lose_nothing_and_never_exceed_the_limits(
    outage_blog: OutageBlog, world: SandboxWorld, launch: Launch, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    await launch(poll_interval="0.3s")
    await _subscribe(world, outage_blog)
    first = outage_blog.add_post("first", "Four days, first take", FOUR_DAY_WEEK)
    await wait_until(lambda: _posted(world, outage_blog.post_url(first.slug), 3), 15, "the first article and its polls")
    polls = polls_from_messages(world.thread_messages(world.article_messages(outage_blog.post_url(first.slug))[0]))
    assert len(polls) == 2  # the yes/no and the choice question; the third is an open question
    intents = plan_votes(sandbox.add_members(world.guild, 150, prefix="voter", locales=("en-US", "de")), polls, random.Random(2))
    driver = VoteDriver(sandbox, rate=150)
    voting = asyncio.create_task(driver.run(intents))
    await sandbox.wait_until(lambda: sandbox.acknowledged_count >= 50, 10, "votes under way")

    # A storm of 429s on every route (interaction answers included) ...
    storm = sandbox.inject_fault(429, duration=0.8, retry_after=RETRY_AFTER)
    await asyncio.sleep(0.8)
    # ... then Discord falls over for a second while a new article arrives: its message gets 503s
    # (which discord.py does not retry itself), everything else 502s and 500s.
    channel_posts = f"/channels/{world.channel.id}/messages"
    errors = [sandbox.inject_fault(503, count=2, path_contains=channel_posts, method="POST"),
              sandbox.inject_fault(502, count=15), sandbox.inject_fault(500, duration=1.0)]
    second = outage_blog.add_post("second", "Four days, second take", FOUR_DAY_WEEK)
    await asyncio.sleep(1.0)
    # A busy machine may take longer than the outage to fetch the new article: the outage lasts until its
    # message has met a 503.
    await sandbox.wait_until(lambda: errors[0].hits >= 1, 15, "the new article's message refused with 503")
    sandbox.clear_faults()

    await asyncio.wait_for(voting, 60)
    second_url = outage_blog.post_url(second.slug)
    await wait_until(lambda: _posted(world, second_url, 3), 30, "the second article and its polls after the storms")
    await asyncio.sleep(1.0)  # a few more feed rounds: nothing may be posted twice

    assert storm.hits >= 5 and all(fault.hits >= 1 for fault in errors), (storm.hits, [f.hits for f in errors])
    stored = stored_votes(sqlite_path(bot_database_url))
    assert compare(driver.expected_votes(), stored) == [], describe(driver)
    assert stored == final_targets(intents)
    # Exactly one message per article, one thread each, one message per poll, in order.
    channel = world.channel_messages()
    assert [m.embeds[0]["url"] for m in channel] == [outage_blog.post_url(first.slug), second_url]
    assert sorted(t.id for t in sandbox.threads(world.channel)) == sorted(m.id for m in channel)
    for message in channel:
        poll_ids = [custom_ids(poll)[0].split(":")[2] for poll in world.thread_messages(message)]
        assert len(poll_ids) == 3 == len(set(poll_ids))
    assert sqlite_rows(bot_database_url, "SELECT DISTINCT state FROM discord_posts") == [("sent",)]
    # The bot waited as each 429 asked, and never went over a limit the sandbox advertised.
    assert _waited_after_each_429(sandbox) == []
    assert sandbox.rate_limit_rejections == [], sandbox.rate_limit_rejections[:10]
    print(describe(driver), f"429s: {storm.hits}, 5xx: {sum(f.hits for f in errors)}")
