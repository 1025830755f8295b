"""/feed add, remove, list through the sandbox with the bot in-process."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.cogs.client import ReaderBot
from bot.storage.models import FeedSubscription, SeenEntry
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_QUESTIONS, FOUR_DAY_WEEK_TITLE
from e2e.harness import BlogServer, SandboxWorld, custom_ids, wait_until


async def _feed(world: SandboxWorld, subcommand: str, options: dict, member=None, **kwargs):
    handle = await world.sandbox.run_slash_command(
        member or world.admin, "feed", options, subcommand=subcommand, channel=world.channel, **kwargs
    )
    return await handle.wait_response(timeout=10)


async def _entry_states(bot: ReaderBot) -> list[str]:
    async with bot.database.session() as session:
        return [str(state) for state in await session.scalars(select(SeenEntry.state).order_by(SeenEntry.id))]


async def _states_are(bot: ReaderBot, expected: list[str]) -> bool:
    return await _entry_states(bot) == expected


async def test_feed_add_records_the_baseline_and_posts_only_new_articles(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    blog.add_post("one", "First post", ["Hello there."])
    blog.add_post("two", "Second post", ["Hello again."])
    handle = await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel})
    assert handle.ephemeral
    assert "The Reader Blog" in handle.text and "(entries: 2)" in handle.text, handle.text
    assert await _entry_states(running_bot) == ["baseline", "baseline"]

    post = blog.add_post("four-day-week", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK, author="Grace *Hopper*")
    url = blog.post_url(post.slug)
    article = await world.sandbox.wait_until(lambda: next(iter(world.article_messages(url)), None), 10, "article message")
    embed = article.embeds[0]
    assert embed["title"] == FOUR_DAY_WEEK_TITLE
    assert embed["author"]["name"] == "Grace *Hopper*"
    assert embed["image"]["url"] == f"{blog.base_url}/images/four-day-week.png"
    assert "four-day week last spring" in embed["description"] and len(embed["description"]) <= 300
    assert embed["timestamp"].startswith(post.published.strftime("%Y-%m-%d"))

    polls = await world.sandbox.wait_until(lambda: len(world.thread_messages(article)) == 3 and world.thread_messages(article), 10, "poll messages")
    thread = world.sandbox.thread_of(article)
    assert thread.name == FOUR_DAY_WEEK_TITLE and thread.id == article.id
    assert [message.content for message in polls] == [f"**{question}**" for question, _ in FOUR_DAY_WEEK_QUESTIONS]
    yes_no, choice, open_question = (custom_ids(message) for message in polls)
    assert len(yes_no) == 3 and all(cid.startswith("rb:vote:") for cid in yes_no)
    assert len(choice) == 2 and all(cid.startswith("rb:vote:") for cid in choice)
    assert len(open_question) == 1 and open_question[0].startswith("rb:answer:")
    assert len(world.channel_messages()) == 1
    await wait_until(lambda: _states_are(running_bot, ["baseline", "baseline", "posted"]), 5, "entry posted")
    # every message the bot sent allows no mentions at all
    sends = [r for r in world.sandbox.requests_matching("POST", "/messages") if r.path.endswith("/messages")]
    assert len(sends) == 4
    assert sends and all(request.json.get("allowed_mentions") == {"parse": []} for request in sends), [r.json.get("allowed_mentions") for r in sends]


async def test_backfill_posts_the_newest_entries_oldest_first(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    for index in range(4):
        blog.add_post(f"p{index}", f"Post number {index}", ["Nothing to ask here."])
    handle = await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel, "backfill": 2})
    assert "(backfill: 2)" in handle.text, handle.text
    await world.sandbox.wait_until(lambda: len(world.channel_messages()) == 2, 10, "two backfilled articles")
    titles = [message.embeds[0]["title"] for message in world.channel_messages()]
    assert titles == ["Post number 2", "Post number 3"]
    await wait_until(lambda: _states_are(running_bot, ["baseline", "baseline", "posted", "posted"]), 5, "entries posted")


async def test_titles_cannot_mention_or_format(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel})
    blog.add_post("evil", "**Loud** @everyone <@&1234> __news__", ["Would you click this @everyone link?"])
    message = await world.sandbox.wait_until(lambda: next(iter(world.channel_messages()), None), 10, "article")
    title = message.embeds[0]["title"]
    assert "\\*\\*Loud\\*\\*" in title and "\\_\\_news\\_\\_" in title
    assert "@everyone" not in title.replace("@\u200beveryone", "")
    assert message.mention_everyone is False and message.mention_roles == []
    await world.sandbox.wait_until(lambda: world.thread_messages(message), 10, "poll message")
    poll = world.thread_messages(message)[0]
    assert poll.mention_everyone is False


async def test_feed_add_explains_why_it_cannot_subscribe(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    not_a_feed = await _feed(world, "add", {"url": f"{blog.base_url}/posts/missing/", "channel": world.channel})
    assert "could not reach the feed" in not_a_feed.text and "404" in not_a_feed.text, not_a_feed.text
    blog.add_post("page", "A page", ["Just text."])
    html_page = await _feed(world, "add", {"url": blog.post_url("page"), "channel": world.channel})
    assert "not a feed" in html_page.text, html_page.text
    unreachable = await _feed(world, "add", {"url": "http://127.0.0.1:9/feed.xml", "channel": world.channel})
    assert "could not reach the feed" in unreachable.text, unreachable.text
    bad = await _feed(world, "add", {"url": "ftp://example.org/feed", "channel": world.channel})
    assert "not a web address I can fetch" in bad.text, bad.text
    ok = await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel})
    assert "Subscribed" in ok.text
    again = await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel})
    assert "already subscribed" in again.text, again.text
    async with running_bot.database.session() as session:
        assert len((await session.scalars(select(FeedSubscription))).all()) == 1


async def test_feed_add_refuses_a_channel_the_bot_cannot_post_in(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    closed = world.sandbox.add_channel(world.guild, "closed")
    world.sandbox.set_overwrite(closed, world.sandbox.bot_role(world.guild), deny=["send_messages", "create_public_threads"])
    await world.sandbox.wait_until(lambda: True)
    await wait_until(lambda: running_bot.get_channel(closed.id) is not None and running_bot.get_channel(closed.id).overwrites, 5, "overwrite seen")
    handle = await _feed(world, "add", {"url": blog.feed_url, "channel": closed})
    assert "cannot post articles" in handle.text and "Send Messages" in handle.text, handle.text
    async with running_bot.database.session() as session:
        assert (await session.scalars(select(FeedSubscription))).all() == []


ADMIN_COMMANDS = [
    ("feed", "add", {"url": "https://blog.example/feed.xml"}),
    ("feed", "remove", {"url": "https://blog.example/feed.xml"}),
    ("feed", "list", {}),
    ("config", "show", {}),
    ("config", "set", {"anonymous": False}),
    ("config", "author", {"name": "Ada"}),
]


async def test_every_admin_command_is_refused_without_manage_server(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    for root, subcommand, options in ADMIN_COMMANDS:
        options = dict(options)
        if root == "feed" and subcommand == "add":
            options["channel"] = world.channel
        if subcommand == "author":
            options["member"] = world.member
        # A member's client hides these commands (default_member_permissions) ...
        with pytest.raises(Exception, match="default_member_permissions"):
            await world.sandbox.run_slash_command(world.member, root, options, subcommand=subcommand, channel=world.channel)
        # ... and a crafted interaction is refused by the bot itself.
        handle = await world.sandbox.run_slash_command(
            world.member, root, options, subcommand=subcommand, channel=world.channel, crafted=True
        )
        await handle.wait_response(timeout=10)
        assert handle.ephemeral, (root, subcommand)
        assert "Server verwalten" in handle.text, (root, subcommand, handle.text)  # bob's client is German
    async with running_bot.database.session() as session:
        assert (await session.scalars(select(FeedSubscription))).all() == []
    assert world.channel_messages() == []


async def test_autocomplete_and_remove_see_only_this_guilds_feeds(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    sandbox = world.sandbox
    other_guild = sandbox.add_guild("Other")
    other_channel = sandbox.add_channel(other_guild, "news")
    other_admin = sandbox.add_member(other_guild, "eve", roles=[sandbox.add_role(other_guild, "mods", ["manage_guild"])])
    await wait_until(lambda: running_bot.get_guild(other_guild.id) is not None, 5, "second guild")
    await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel})
    other_feed = f"{blog.feed_url}?other=1"
    handle = await sandbox.run_slash_command(other_admin, "feed", {"url": other_feed, "channel": other_channel}, subcommand="add", channel=other_channel)
    await handle.wait_response(timeout=10)
    assert "Subscribed" in handle.text, handle.text

    choices = await sandbox.autocomplete(world.admin, "feed", {"url": "127"}, "url", subcommand="remove", channel=world.channel)
    await choices.wait_response(timeout=5)
    assert [choice["value"] for choice in choices.choices] == [blog.feed_url]
    none_for_members = await sandbox.autocomplete(world.member, "feed", {"url": ""}, "url", subcommand="remove", channel=world.channel, crafted=True)
    await none_for_members.wait_response(timeout=5)
    assert none_for_members.choices == []

    # Removing the other guild's feed from here: not found, and it stays subscribed there.
    refused = await _feed(world, "remove", {"url": other_feed})
    assert "not subscribed" in refused.text, refused.text
    removed = await _feed(world, "remove", {"url": blog.feed_url})
    assert "Unsubscribed" in removed.text
    async with running_bot.database.session() as session:
        remaining = (await session.scalars(select(FeedSubscription))).all()
    assert [(s.guild_id, s.feed_url) for s in remaining] == [(other_guild.id, other_feed)]


async def test_feed_list_shows_channel_fetch_times_and_failures(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    empty = await _feed(world, "list", {})
    assert "No feeds" in empty.text
    await _feed(world, "add", {"url": blog.feed_url, "channel": world.channel})
    blog.fail_with(500)

    async def failing() -> int:
        async with running_bot.database.session() as session:
            subscription = await session.scalar(select(FeedSubscription))
            return subscription.feed.consecutive_failures >= 2

    await wait_until(failing, 10, "two failed fetches")
    listed = await _feed(world, "list", {})
    text = listed.text
    assert "The Reader Blog" in text and f"<#{world.channel.id}>" in text and blog.feed_url in text
    assert "failing" in text and "HTTP 500" in text and "<t:" in text, text
    async with running_bot.database.session() as session:
        subscription = await session.scalar(select(FeedSubscription))
        assert (subscription.feed.next_due_at - subscription.feed.last_fetch_at).total_seconds() >= 0.2 * 2 * 0.99  # backing off

    missed = [blog.add_post(f"missed{index}", f"Missed {index}", ["Written while the blog was down for us."]) for index in range(2)]
    blog.fail_with(None)
    await world.sandbox.wait_until(lambda: len(world.channel_messages()) == 2, 15, "missed articles after recovery")
    assert [m.embeds[0]["url"] for m in world.channel_messages()] == [blog.post_url(post.slug) for post in missed]
    recovered = await _feed(world, "list", {})
    assert "failing" not in recovered.text


async def test_a_crafted_command_cannot_post_into_another_guilds_channel(running_bot: ReaderBot, world: SandboxWorld, blog: BlogServer) -> None:
    sandbox = world.sandbox
    other_guild = sandbox.add_guild("Other")
    foreign = sandbox.add_channel(other_guild, "foreign")
    await wait_until(lambda: running_bot.get_channel(foreign.id) is not None, 5, "other guild known")
    handle = await sandbox.run_slash_command(
        world.admin, "feed", {"url": blog.feed_url, "channel": foreign}, subcommand="add", channel=world.channel, crafted=True
    )
    await handle.wait_response(timeout=10)
    assert handle.ephemeral and "Nothing was changed" in handle.text, handle.text
    summary = await sandbox.run_slash_command(
        world.admin, "config", {"summary_channel": foreign}, subcommand="set", channel=world.channel, crafted=True
    )
    await summary.wait_response(timeout=10)
    assert "Nothing was changed" in summary.text, summary.text
    async with running_bot.database.session() as session:
        assert (await session.scalars(select(FeedSubscription))).all() == []
