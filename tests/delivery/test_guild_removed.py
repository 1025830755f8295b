"""The bot is removed from a guild: all work for it stops at once, and its data is deleted after
`data.retention_after_removal` (issue 12). Another guild carries on."""

from __future__ import annotations

import asyncio

from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until

from .support import OtherGuild, report, requests_to, rows, second_blog, start_with_two_guilds, subscribe

GUILD_TABLES = ("feed_subscriptions", "articles", "polls", "discord_posts", "guild_settings")


def _guild_rows(database_url: str, guild_id: int) -> dict[str, int]:
    return {table: rows(database_url, f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", guild_id)[0][0] for table in GUILD_TABLES}


async def test_removed_guild_stops_at_once_and_its_data_is_deleted_after_retention(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    other = OtherGuild.create(sandbox)
    other_blog = await second_blog()
    try:
        # Polls close 2 s after posting, i.e. after the removal: closing them must not reach Discord either.
        bot = await start_bot(poll_interval="0.25s", poll_duration="2s", extra='[data]\nretention_after_removal = "3s"\n')
        await subscribe(sandbox, world.admin, world.channel, blog.feed_url)
        await subscribe(sandbox, other.admin, other.channel, other_blog.feed_url)
        blog.add_post("before", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
        await wait_until(
            lambda: [m for m in world.article_messages(blog.post_url("before")) if len(world.thread_messages(m)) == 3],
            10, "the first article with its polls",
        )
        thread_id = world.article_messages(blog.post_url("before"))[0].id
        assert _guild_rows(bot_database_url, world.guild.id)["articles"] == 1

        # An outage first: the guild is unavailable for a moment, which is not a removal.
        sandbox.guild_outage(world.guild)
        await asyncio.sleep(0.5)
        sandbox.guild_outage(world.guild, over=True)
        await asyncio.sleep(0.5)
        assert rows(bot_database_url, "SELECT removed_at FROM guild_settings WHERE guild_id = ?", world.guild.id) in ([], [(None,)])
        assert "removed from guild" not in bot.log_text()

        sandbox.remove_bot_from_guild(world.guild)
        await wait_until(lambda: "removed from guild" in bot.log_text(), 10, "the removal in the log")
        removed_at = len(sandbox.requests)
        feed_hits = blog.hits["feed"]
        blog.add_post("after", "After", ["Nobody should post this."])
        other_blog.add_post("elsewhere", "Elsewhere", ["The other guild gets this."])
        await wait_until(lambda: other.article_messages(other_blog.post_url("elsewhere")), 10, "the other guild's article")
        await wait_until(lambda: all(count == 0 for count in _guild_rows(bot_database_url, world.guild.id).values()), 10, "the data deleted")
        await asyncio.sleep(0.5)
        after_removal = requests_to(sandbox, world.channel.id, thread_id, since=removed_at)
        assert after_removal == [], [(r.method, r.path) for r in after_removal]
        assert blog.hits["feed"] - feed_hits <= 1  # a fetch already under way may finish; none starts
        assert world.article_messages(blog.post_url("after")) == []
        assert _guild_rows(bot_database_url, world.guild.id) == dict.fromkeys(GUILD_TABLES, 0)
        assert rows(bot_database_url, "SELECT COUNT(*) FROM seen_entries")[0][0] >= 1  # the other guild's entries stay
        kept = _guild_rows(bot_database_url, other.guild.id)
        assert kept["feed_subscriptions"] == 1 and kept["articles"] == 1, kept
        assert "deleted all data of guild" in bot.log_text()
        report(
            "bot removed from a guild (retention 3s, polls closing after the removal)",
            discord_requests_for_removed_guild=len(after_removal),
            blog_requests_after_removal=blog.hits["feed"] - feed_hits,
            rest_requests_after_removal_all_guilds=len(sandbox.requests) - removed_at,
        )
        assert bot.running
    finally:
        await other_blog.stop()


async def test_guild_that_removed_the_bot_while_it_was_offline_is_stopped_at_start_and_continues_when_added_back(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    bot, other = await start_with_two_guilds(world, blog, start_bot, "0.25s")
    assert await bot.stop() == 0
    sandbox.remove_bot_from_guild(world.guild)  # nobody is connected to hear it
    blog.add_post("while-away", "While away", ["Only the other guild gets this."])
    restarted_at = len(sandbox.requests)
    bot.start()
    await world.wait_connected()
    await wait_until(lambda: other.article_messages(blog.post_url("while-away")), 15, "the article in the other guild")
    await asyncio.sleep(0.5)
    assert requests_to(sandbox, world.channel.id, since=restarted_at) == []
    assert [row[0] is not None for row in rows(bot_database_url, "SELECT removed_at FROM guild_settings WHERE guild_id = ?", world.guild.id)] == [True]
    assert "removed from guild" in bot.log_text() and "while offline" in bot.log_text()
    away = len(requests_to(sandbox, world.channel.id, since=restarted_at))

    # Added back within the retention: the guild's feed continues with what waited, posted once.
    sandbox.add_bot_to_guild(world.guild)
    await sandbox.wait_until(lambda: world.article_messages(blog.post_url("while-away")), 15, "the waiting article after the return")
    await asyncio.sleep(0.5)
    assert len(world.article_messages(blog.post_url("while-away"))) == 1
    assert rows(bot_database_url, "SELECT removed_at FROM guild_settings WHERE guild_id = ?", world.guild.id) == [(None,)]
    assert len(other.article_messages(blog.post_url("while-away"))) == 1
    report(
        "bot removed while offline, then added back",
        requests_to_removed_guild_while_away=away,
        rest_requests_after_restart=len(sandbox.requests) - restarted_at,
    )
    assert bot.running
