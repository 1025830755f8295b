"""A feed that answers 410 for longer than `feeds.give_up_after` is paused with one notice; `/feed resume`
tries again (issue 12)."""

from __future__ import annotations

import asyncio

from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until

from .support import dm_texts, report, rows, second_blog, slash, subscribe


async def test_feed_answering_410_is_paused_with_one_notice_and_resumed(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    healthy = await second_blog()
    try:
        other_channel = sandbox.add_channel(world.guild, "other-blog")
        bot = await start_bot(poll_interval="0.25s", feeds_extra='give_up_after = "1.5s"\n')
        await subscribe(sandbox, world.admin, world.channel, blog.feed_url)
        await subscribe(sandbox, world.admin, other_channel, healthy.feed_url)

        blog.fail_with(410)
        gone_from = blog.hits["feed"]
        await wait_until(lambda: [t for t in dm_texts(world, world.admin) if "could not be read" in t], 15, "the notice by DM")
        requests_until_paused = blog.hits["feed"] - gone_from
        paused_hits = blog.hits["feed"]
        paused_requests = len(sandbox.requests)
        healthy.add_post("meanwhile", "Meanwhile", ["The other blog is fine."])
        await wait_until(lambda: [m for m in sandbox.messages(other_channel) if m.embeds], 10, "the other blog's article")
        await asyncio.sleep(1.5)
        fetched_while_paused = blog.hits["feed"] - paused_hits
        discord_while_paused = len(sandbox.requests) - paused_requests  # the other blog's article: 2 or 3
        assert discord_while_paused <= 4
        assert fetched_while_paused == 0  # paused: not fetched any more
        notices = [t for t in dm_texts(world, world.admin) if "could not be read" in t]
        assert len(notices) == 1 and "/feed resume" in notices[0] and "410" in notices[0], notices
        assert rows(bot_database_url, "SELECT paused, delivery_problem FROM feed_subscriptions WHERE feed_url = ?", blog.feed_url) == [
            (1, "feed_gone")
        ]
        listed = await slash(sandbox, world.admin, "feed", "list", {}, world.channel)
        assert "/feed resume" in listed and "paused" in listed, listed

        # The blog is back; the admin resumes the feed and its new article is posted.
        blog.fail_with(None)
        blog.add_post("back", "Back again", ["The blog is back."])
        resumed = await slash(sandbox, world.admin, "feed", "resume", {"url": blog.feed_url}, world.channel)
        assert "trying again" in resumed, resumed
        await wait_until(lambda: world.article_messages(blog.post_url("back")), 10, "the article after resuming")
        assert rows(bot_database_url, "SELECT paused, delivery_problem FROM feed_subscriptions WHERE feed_url = ?", blog.feed_url) == [
            (0, None)
        ]
        report(
            "feed answering 410 (give_up_after 1.5s, poll interval 0.25s)",
            blog_requests_until_paused=requests_until_paused,
            blog_requests_while_paused_1_5s=fetched_while_paused,
            discord_requests_while_paused=discord_while_paused,
            blog_requests_after_resume=blog.hits["feed"] - paused_hits,
            other_blog_feed_requests=healthy.hits["feed"],
        )
        assert requests_until_paused <= 12
        assert bot.running
    finally:
        await healthy.stop()
