"""An article's message deleted before its thread exists, and a thread deleted with open polls (issue 12):
the polls go into a new thread under a re-posted article, or are dropped with a note; never an endless loop."""

from __future__ import annotations

import asyncio
import time

from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until

from .support import dm_texts, feed_fetch_bound, report, requests_to, rows, slash, start_with_two_guilds


def _complete(world: SandboxWorld, url: str) -> list:
    """The visible article messages of `url` whose thread holds the three polls."""
    return [m for m in world.article_messages(url) if len(world.thread_messages(m)) == 3]


async def test_article_message_deleted_before_its_thread_is_reposted_once(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    bot, other = await start_with_two_guilds(world, blog, start_bot, "0.3s")
    blog.add_post("vanishing", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    url = blog.post_url("vanishing")
    start = len(sandbox.requests)
    feed_hits, began = blog.hits["feed"], time.monotonic()

    # A moderator deletes the article message the moment it appears, before the bot can start its thread.
    deleted: list[int] = []

    def delete_first_article() -> bool:
        if deleted:
            return True
        messages = world.article_messages(url)
        if messages:
            deleted.append(messages[0].id)
            sandbox.delete_message(messages[0])
        return False

    await sandbox.wait_until(delete_first_article, 10, "the first article message")
    await wait_until(lambda: _complete(world, url), 15, "the re-posted article with its polls")
    await asyncio.sleep(1)
    assert len(world.article_messages(url)) == 1 and world.article_messages(url)[0].id != deleted[0]
    assert len(_complete(world, url)) == 1
    thread_posts = [r for r in requests_to(sandbox, world.channel.id, since=start, method="POST") if r.path.endswith("/threads")]
    assert [r.status for r in thread_posts] == [404, 201], [(r.path, r.status) for r in thread_posts]
    assert rows(bot_database_url, "SELECT state FROM seen_entries WHERE article_id IS NOT NULL AND subscription_id = 1") == [("posted",)]
    assert len(other.article_messages(url)) == 1
    report(
        "article message deleted before its thread",
        rest_requests_total=len(sandbox.requests) - start,
        requests_to_channel=len(requests_to(sandbox, world.channel.id, since=start)),
        thread_creations=len(thread_posts),
        blog_feed_requests=blog.hits["feed"] - feed_hits,
    )
    assert blog.hits["feed"] - feed_hits <= feed_fetch_bound(time.monotonic() - began, 0.3, feeds=2)
    assert len(requests_to(sandbox, world.channel.id, since=start)) <= 12
    assert bot.running


async def test_thread_deleted_with_open_polls_reposted_then_dropped_when_chosen(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    bot, other = await start_with_two_guilds(world, blog, start_bot, "0.3s")
    blog.add_post("threadless", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    url = blog.post_url("threadless")
    first = (await wait_until(lambda: _complete(world, url), 15, "the article with its polls"))[0]
    await wait_until(lambda: rows(bot_database_url, "SELECT COUNT(*) FROM polls WHERE state = 'open'") == [(6,)], 10, "six open polls")
    start = len(sandbox.requests)
    feed_hits, began = blog.hits["feed"], time.monotonic()

    # Default: the thread is deleted; the article is posted again with a new thread holding its open polls.
    sandbox.delete_thread(sandbox.thread_of(first))
    await wait_until(lambda: [m for m in _complete(world, url) if m.id != first.id], 15, "the re-posted article")
    await asyncio.sleep(0.5)
    second = [m for m in _complete(world, url) if m.id != first.id]
    assert len(second) == 1 and len(world.article_messages(url)) == 2  # the old message stays, without thread
    reposted_requests = len(sandbox.requests) - start

    # The admins choose to drop: the next deleted thread takes its polls with it, with one note.
    await slash(sandbox, world.admin, "config", "set", {"lost_thread": "drop"}, world.channel)
    dropped_at = len(sandbox.requests)
    sandbox.delete_thread(sandbox.thread_of(second[0]))
    await wait_until(lambda: [t for t in dm_texts(world, world.admin) if "dropped" in t], 10, "the note by DM")
    await asyncio.sleep(1)
    notes = [t for t in dm_texts(world, world.admin) if "dropped" in t]
    assert len(notes) == 1 and "3 open polls" in notes[0], notes
    assert len(world.article_messages(url)) == 2
    after_drop = requests_to(sandbox, world.channel.id, since=dropped_at)
    assert after_drop == [], [(r.method, r.path) for r in after_drop]
    guild_polls = rows(
        bot_database_url,
        "SELECT p.state, COUNT(*) FROM polls p JOIN articles a ON a.id = p.article_id WHERE a.guild_id = ? GROUP BY p.state",
        world.guild.id,
    )
    assert guild_polls == [("closed", 3)], guild_polls
    assert len(other.article_messages(url)) == 1
    report(
        "thread deleted with open polls",
        rest_requests_for_repost=reposted_requests,
        rest_requests_after_drop=len(sandbox.requests) - dropped_at,
        requests_to_channel_after_drop=len(after_drop),
        blog_feed_requests=blog.hits["feed"] - feed_hits,
    )
    assert reposted_requests <= 12 and len(sandbox.requests) - dropped_at <= 6
    assert blog.hits["feed"] - feed_hits <= feed_fetch_bound(time.monotonic() - began, 0.3, feeds=2)
    assert bot.running
