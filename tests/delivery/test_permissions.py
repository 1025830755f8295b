"""`reader-bot run` loses the right to post in its feed channel and gets it back (issue 12)."""

from __future__ import annotations

import asyncio
import time

from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until

from .support import OtherGuild, bot_texts, feed_fetch_bound, report, requests_to, slash, subscribe


async def test_permission_lost_then_restored_notice_once_and_posted_once(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot
) -> None:
    sandbox = world.sandbox
    alerts = sandbox.add_channel(world.guild, "alerts")
    other = OtherGuild.create(sandbox)
    bot = await start_bot(poll_interval="0.3s")
    await subscribe(sandbox, world.admin, world.channel, blog.feed_url)
    await subscribe(sandbox, other.admin, other.channel, f"{blog.feed_url}?other")
    await slash(sandbox, world.admin, "config", "set", {"alerts_channel": alerts}, world.channel)

    bot_role = sandbox.bot_role(world.guild)
    sandbox.set_overwrite(world.channel, bot_role, 0, ["send_messages"])
    start = len(sandbox.requests)
    feed_hits = blog.hits["feed"]
    began = time.monotonic()
    blog.add_post("locked-out", "Locked out", ["A short article without questions."])
    url = blog.post_url("locked-out")

    # The other guild gets the article; this one is told once, with what to do.
    await wait_until(lambda: other.article_messages(url), 10, "the article in the other guild")
    await sandbox.wait_until(lambda: bot_texts(world, alerts), 10, "a notice in #alerts")
    await asyncio.sleep(2.5)  # another attempt (after 2 s of backoff); no second notice
    notices = bot_texts(world, alerts)
    assert len(notices) == 1, notices
    assert "Send Messages" in notices[0] and f"<#{world.channel.id}>" in notices[0], notices[0]
    listed = await slash(sandbox, world.admin, "feed", "list", {}, world.channel)
    assert "give the bot Send Messages" in listed.replace("Give the bot", "give the bot"), listed
    refused = [r for r in requests_to(sandbox, world.channel.id, since=start, method="POST") if r.status == 403]
    assert 2 <= len(refused) <= 5, len(refused)  # retried, and still one notice

    # The right comes back: CHANNEL_UPDATE makes the bot try at once; the article is posted exactly once.
    restored = time.monotonic()
    sandbox.set_overwrite(world.channel, bot_role, 0, 0)
    await sandbox.wait_until(lambda: world.article_messages(url), 60, "the article after the fix")
    posted_after = time.monotonic() - restored
    await sandbox.wait_until(lambda: len(bot_texts(world, alerts)) == 2, 10, "the all-clear notice")
    await asyncio.sleep(0.5)
    assert len(world.article_messages(url)) == 1
    assert len(sandbox.threads(world.channel)) == 1
    notices = bot_texts(world, alerts)
    assert len(notices) == 2 and notices[1].startswith("✅") and "posts in" in notices[1], notices
    assert len(other.article_messages(url)) == 1
    assert posted_after < 60
    listed = await slash(sandbox, world.admin, "feed", "list", {}, world.channel)
    assert "give the bot" not in listed.lower(), listed

    to_channel = requests_to(sandbox, world.channel.id, since=start)
    report(
        "permission lost then restored",
        rest_requests_total=len(sandbox.requests) - start,
        requests_to_channel=len(to_channel),
        refused_posts=len(refused),
        blog_feed_requests=blog.hits["feed"] - feed_hits,
        posted_seconds_after_fix=round(posted_after, 2),
    )
    assert len(to_channel) <= 20
    assert blog.hits["feed"] - feed_hits <= feed_fetch_bound(time.monotonic() - began, 0.3, feeds=2)
    assert bot.running
