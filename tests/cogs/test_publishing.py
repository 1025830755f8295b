"""Posting under Discord's pace: rate limits and errors delay posts, never drop, reorder or repeat them."""

from __future__ import annotations

from sqlalchemy import select

from bot.cogs.client import ReaderBot
from bot.cogs.publisher import POSTING_CONCURRENCY
from bot.posting.publish import PublishResult
from bot.storage.models import DiscordPost, PostState
from e2e.harness import BlogServer, SandboxWorld, wait_until


async def test_rate_limits_and_server_errors_delay_but_never_drop_or_reorder(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    sandbox = world.sandbox
    sandbox.set_rate_limit("message.create", 2, 1.0)
    path = f"/channels/{world.channel.id}/messages"
    sandbox.inject_fault(502, count=1, path_contains=path, method="POST")  # discord.py retries after 1 s
    sandbox.inject_fault(429, count=2, path_contains=path, method="POST", retry_after=0.3)
    for index in range(5):
        blog.add_post(f"p{index}", f"Post {index}", ["Nothing to ask."])
    handle = await sandbox.run_slash_command(
        world.admin, "feed", {"url": blog.feed_url, "channel": world.channel, "backfill": 5}, subcommand="add", channel=world.channel
    )
    await handle.wait_response(timeout=10)
    await sandbox.wait_until(lambda: len(world.channel_messages()) == 5, 30, "five articles")
    await sandbox.wait_until(lambda: len(sandbox.threads(world.channel)) == 5, 10, "five threads")
    assert [m.embeds[0]["title"] for m in world.channel_messages()] == [f"Post {i}" for i in range(5)]
    created = [r for r in sandbox.requests_matching("POST", path) if r.path.endswith("/messages") and r.ok]
    assert len(created) == 5  # every refused request was repeated once it was allowed, none twice
    refused = [r for r in sandbox.requests_matching("POST", path) if r.path.endswith("/messages") and not r.ok]
    assert {r.status for r in refused} >= {429, 502}
    times = sorted(r.time for r in created)
    assert all(later - earlier >= 0.9 for earlier, later in zip(times, times[2:], strict=False))  # 2 per second kept

    async def all_sent() -> bool:
        async with running_bot.database.session() as session:
            states = (await session.scalars(select(DiscordPost.state))).all()
        return len(states) == 10 and set(states) == {PostState.SENT}

    await wait_until(all_sent, 10, "outbox all sent")


async def test_a_channel_the_bot_may_not_post_in_waits_without_blocking_others(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    sandbox = world.sandbox
    other = sandbox.add_channel(world.guild, "other")
    other_blog = BlogServer(title="Other blog")
    await other_blog.start()
    try:
        for channel, feed in ((world.channel, blog), (other, other_blog)):
            handle = await sandbox.run_slash_command(
                world.admin, "feed", {"url": feed.feed_url, "channel": channel}, subcommand="add", channel=channel
            )
            await handle.wait_response(timeout=10)
        # The bot loses the right to post in #articles after subscribing.
        sandbox.set_overwrite(world.channel, sandbox.bot_role(world.guild), deny=["send_messages"])
        blog.add_post("second", "Second", ["Text."])
        await wait_until(lambda: sandbox.requests_matching("POST", f"/channels/{world.channel.id}/messages", status=403), 5, "a refused post")
        other_blog.add_post("elsewhere", "Elsewhere", ["Text."])
        await sandbox.wait_until(lambda: [m for m in sandbox.messages(other) if m.embeds], 10, "post in the other channel")
    finally:
        await other_blog.stop()
    assert world.channel_messages() == []
    sandbox.set_overwrite(world.channel, sandbox.bot_role(world.guild), deny=[])
    await sandbox.wait_until(lambda: world.channel_messages(), 15, "post after the permission came back")
    assert [m.embeds[0]["title"] for m in world.channel_messages()] == ["Second"]


async def test_an_article_discord_keeps_refusing_is_given_up_and_the_next_one_posted(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    from bot.storage.models import EntryState, SeenEntry

    running_bot.publisher.retry_base = 0.05
    sandbox = world.sandbox
    handle = await sandbox.run_slash_command(
        world.admin, "feed", {"url": blog.feed_url, "channel": world.channel}, subcommand="add", channel=world.channel
    )
    await handle.wait_response(timeout=10)
    sandbox.inject_fault(400, count=3, path_contains=f"/channels/{world.channel.id}/messages", method="POST")
    blog.add_post("refused", "Refused", ["Text."])
    blog.add_post("accepted", "Accepted", ["Text."])
    await sandbox.wait_until(lambda: world.channel_messages(), 15, "the next article")
    assert [m.embeds[0]["title"] for m in world.channel_messages()] == ["Accepted"]

    async def states() -> list[tuple[str, EntryState, str | None]]:
        async with running_bot.database.session() as session:
            entries = (await session.scalars(select(SeenEntry).order_by(SeenEntry.id))).all()
        return [(entry.title, entry.state, entry.last_error) for entry in entries]

    await wait_until(lambda: _all_done(states), 10, "both entries done")
    (refused_title, refused_state, refused_error), accepted = await states()
    assert (refused_title, refused_state) == ("Refused", EntryState.FAILED) and "refused by Discord" in refused_error
    assert accepted[:2] == ("Accepted", EntryState.POSTED)


async def _all_done(states) -> bool:  # type: ignore[no-untyped-def]
    return all(state != "pending" for _, state, _ in await states())


async def test_many_guilds_post_side_by_side_but_a_few_at_a_time(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    """An article followed in many guilds goes out in every one of them, several guilds at once but never more than
    POSTING_CONCURRENCY: all at once, hundreds of guilds met Discord's global limit together, and posts that met
    five 429s in a row were given up and backed off."""
    sandbox = world.sandbox
    guilds = [sandbox.add_guild(f"Guild {index}") for index in range(3 * POSTING_CONCURRENCY)]
    channels = [sandbox.add_channel(guild, "articles") for guild in guilds]
    await wait_until(lambda: all(running_bot.get_channel(channel.id) for channel in channels), 10, "channels known to the bot")
    for guild, channel in zip(guilds, channels, strict=True):
        await running_bot.feed_service.subscribe(guild_id=guild.id, channel_id=channel.id, url=blog.feed_url)
    sandbox.set_global_rate_limit(20)  # posts wait for Discord, so they overlap
    articles = running_bot.publisher.articles
    post_one = articles.publish
    in_flight: list[int] = []
    most = 0

    async def counted(article_id: int) -> PublishResult:
        nonlocal most
        in_flight.append(article_id)
        most = max(most, len(in_flight))
        try:
            return await post_one(article_id)
        finally:
            in_flight.remove(article_id)

    articles.publish = counted  # type: ignore[method-assign]
    blog.add_post("everywhere", "Everywhere", ["Nothing to ask."])
    await sandbox.wait_until(lambda: all(sandbox.threads(channel) for channel in channels), 30, "a thread in every guild")
    assert [len([m for m in sandbox.messages(channel) if m.embeds]) for channel in channels] == [1] * len(channels)
    assert 1 < most <= POSTING_CONCURRENCY
