"""Summaries where the bot may not attach files (issue 12): `/config set summary_channel` says so, and at
closing time the summary goes out as text with a note, and the admins are told once."""

from __future__ import annotations

import asyncio
import time

from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until

from .support import bot_texts, feed_fetch_bound, report, requests_to, slash, subscribe


async def test_summary_without_attach_files_goes_out_as_text_with_one_notice(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot
) -> None:
    sandbox = world.sandbox
    summaries = sandbox.add_channel(world.guild, "summaries")
    sandbox.set_overwrite(summaries, sandbox.bot_role(world.guild), 0, ["attach_files"])
    bot = await start_bot(poll_interval="0.3s", poll_duration="2s")
    await subscribe(sandbox, world.admin, world.channel, blog.feed_url)
    answer = await slash(sandbox, world.admin, "config", "set", {"summary_channel": summaries}, world.channel)
    assert "I lack Attach Files" in answer, answer

    start = len(sandbox.requests)
    feed_hits, began = blog.hits["feed"], time.monotonic()
    blog.add_post("short-polls", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)

    def summary_posts() -> list:
        return [m for m in sandbox.messages(summaries, include_system=False) if m.author.id == world.bot.id and m.embeds]

    await wait_until(summary_posts, 20, "the summary in #summaries")
    await asyncio.sleep(1)
    posts = summary_posts()
    assert len(posts) == 1 and posts[0].attachments == [], posts
    assert "may not attach files" in posts[0].content, posts[0].content
    notices = [text for text in bot_texts(world, summaries) if "Attach Files" in text]
    assert len(notices) == 1, bot_texts(world, summaries)
    refused = [r for r in requests_to(sandbox, summaries.id, since=start, method="POST") if r.status == 403]
    report(
        "summary without Attach Files",
        requests_to_summary_channel=len(requests_to(sandbox, summaries.id, since=start)),
        refused=len(refused),
        rest_requests_total=len(sandbox.requests) - start,
        blog_feed_requests=blog.hits["feed"] - feed_hits,
    )
    assert len(sandbox.requests) - start <= 30
    assert blog.hits["feed"] - feed_hits <= feed_fetch_bound(time.monotonic() - began, 0.3, feeds=1)
    assert refused == []  # the cache knew: no request was made that Discord had to refuse
    assert bot.running
