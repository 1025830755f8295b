"""The feed's channel is deleted while an article waits; `/feed move` sends it to a new channel once (issue 12)."""

from __future__ import annotations

import asyncio

from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, custom_ids, wait_until

from .support import dm_texts, feed_fetch_bound, report, requests_to, rows, slash, start_with_two_guilds


async def test_channel_deleted_then_feed_move_posts_pending_article_once(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    bot, other = await start_with_two_guilds(world, blog, start_bot, "0.3s")
    old_channel = world.channel

    # An article is built and waits (the bot may not post), then the channel is deleted.
    sandbox.set_overwrite(old_channel, sandbox.bot_role(world.guild), 0, ["send_messages"])
    blog.add_post("moving", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    url = blog.post_url("moving")
    await wait_until(lambda: [r for r in requests_to(sandbox, old_channel.id, method="POST") if r.status == 403], 10, "a refused post")
    await wait_until(lambda: other.article_messages(url), 10, "the article in the other guild")
    deleted_index = len(sandbox.requests)
    sandbox.delete_channel(old_channel)
    await wait_until(lambda: any("deleted" in text for text in dm_texts(world, world.admin)), 10, "the notice by DM")
    await asyncio.sleep(0.3)  # a fetch of the feed already under way when it was paused may still finish
    deleted_at = len(sandbox.requests)
    feed_hits = blog.hits["feed"]
    fetched = rows(bot_database_url, "SELECT f.last_fetch_at FROM feeds f JOIN feed_subscriptions s ON s.feed_id = f.id WHERE s.guild_id = ?", world.guild.id)
    await asyncio.sleep(1.5)
    fetched_while_paused = blog.hits["feed"] - feed_hits  # the other guild's feed only (asserted below by last_fetch_at)
    assert fetched_while_paused <= feed_fetch_bound(1.5, 0.3, feeds=1)
    assert rows(bot_database_url, "SELECT f.last_fetch_at FROM feeds f JOIN feed_subscriptions s ON s.feed_id = f.id WHERE s.guild_id = ?", world.guild.id) == fetched
    # Paused: no request for the deleted channel, no fetch of its feed; the other guild's feed is still fetched.
    after_delete = requests_to(sandbox, old_channel.id, since=deleted_index)
    assert len(after_delete) <= 1, [(r.method, r.path, r.status) for r in after_delete]  # at most one under way
    assert requests_to(sandbox, old_channel.id, since=deleted_at) == []
    assert rows(bot_database_url, "SELECT paused, delivery_problem FROM feed_subscriptions WHERE guild_id = ?", world.guild.id) == [(1, "channel_deleted")]
    listed = await slash(sandbox, world.admin, "feed", "list", {}, other_channel := sandbox.add_channel(world.guild, "new-articles"))
    assert "/feed move" in listed and "paused" in listed, listed
    assert [text for text in dm_texts(world, world.admin) if "deleted" in text] and len(
        [text for text in dm_texts(world, world.admin) if "deleted" in text]
    ) == 1

    moved = await slash(sandbox, world.admin, "feed", "move", {"url": blog.feed_url, "channel": other_channel}, other_channel)
    assert "now posts in" in moved and "1 waiting" in moved, moved

    def posted() -> list:
        messages = [m for m in sandbox.messages(other_channel, include_system=False) if any(e.get("url") == url for e in m.embeds)]
        return messages if messages and len(world.thread_messages(messages[0])) == 3 else []

    await wait_until(posted, 15, "the article and its three polls in the new channel")
    await asyncio.sleep(0.5)
    articles = posted()
    assert len(articles) == 1
    polls = world.thread_messages(articles[0])
    assert len({custom_ids(poll)[0].split(":")[2] for poll in polls}) == 3
    assert len(other.article_messages(url)) == 1
    assert rows(bot_database_url, "SELECT paused, delivery_problem FROM feed_subscriptions WHERE guild_id = ?", world.guild.id) == [(0, None)]
    fixed = [text for text in dm_texts(world, world.admin) if text.startswith("✅")]
    assert len(fixed) == 1 and f"<#{other_channel.id}>" in fixed[0], dm_texts(world, world.admin)
    report(
        "channel deleted then /feed move",
        requests_to_deleted_channel_after_delete=len(after_delete),
        requests_to_new_channel=len(requests_to(sandbox, other_channel.id)),
        rest_requests_after_delete=len(sandbox.requests) - deleted_at,
        blog_feed_requests_in_1_5s_paused_other_guild_only=fetched_while_paused,
    )
    assert len(sandbox.requests) - deleted_at <= 25
    assert bot.running
