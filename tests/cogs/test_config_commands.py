"""/config show, set and author through the sandbox, in the member's language."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.cogs.client import ReaderBot
from bot.storage.models import AuthorLink, GuildSettings
from e2e.harness import SandboxWorld


async def _config(world: SandboxWorld, subcommand: str, options: dict, member=None):
    handle = await world.sandbox.run_slash_command(
        member or world.admin, "config", options, subcommand=subcommand, channel=world.channel
    )
    return await handle.wait_response(timeout=10)


async def test_show_lists_the_defaults(running_bot: ReaderBot, world: SandboxWorld) -> None:
    handle = await _config(world, "show", {})
    assert handle.ephemeral
    text = handle.text
    assert "**Poll duration:** 1h" in text  # the operator's default (settings.polls.duration)
    assert "**Anonymous votes:** yes" in text and "**Thread per article:** yes" in text
    assert "**Language of polls:** the article's language" in text
    assert "**Weekly digest:** off" in text
    assert "**Polls per article (at most):** 3" in text  # settings.polls.max_per_article


async def test_set_changes_only_what_is_given_and_answers_with_the_result(running_bot: ReaderBot, world: SandboxWorld) -> None:
    summaries = world.sandbox.add_channel(world.guild, "summaries")
    authors = world.sandbox.add_role(world.guild, "authors")
    handle = await _config(
        world,
        "set",
        {
            "poll_duration": "3d",
            "anonymous": False,
            "results": "on_close",
            "language": "de",
            "summary_channel": summaries,
            "author_role": authors,
            "thread_per_article": False,
            "digest": "Montag 9",
            "max_per_article": 1,
        },
    )
    text = handle.text
    assert text.startswith("Saved."), text
    assert "**Poll duration:** 3d" in text and "**Anonymous votes:** no" in text
    assert "when the poll closes" in text and "**Language of polls:** German" in text
    assert f"<#{summaries.id}>" in text and f"<@&{authors.id}>" in text
    assert "**Weekly digest:** Monday at 09:00 UTC" in text
    async with running_bot.database.session() as session:
        row = await session.get(GuildSettings, world.guild.id)
    assert (row.poll_duration_seconds, row.anonymous, row.results_visibility, row.language) == (259200.0, False, "on_close", "de")
    assert (row.summary_channel_id, row.author_role_id, row.thread_per_article, row.digest) == (summaries.id, authors.id, False, "mon 09")
    assert row.max_per_article == 1 and "**Polls per article (at most):** 1" in text

    cleared = await _config(world, "set", {"clear": "author_role_id", "digest": "off"})
    assert "**Author role:** not set" in cleared.text and "**Weekly digest:** off" in cleared.text
    assert "**Poll duration:** 3d" in cleared.text  # untouched
    unchanged = await _config(world, "set", {"anonymous": False})
    assert unchanged.text.startswith("Nothing changed"), unchanged.text


async def test_bad_values_are_refused_politely_and_change_nothing(running_bot: ReaderBot, world: SandboxWorld) -> None:
    bad_duration = await _config(world, "set", {"poll_duration": "soon", "anonymous": False})
    assert bad_duration.ephemeral and "is not a duration" in bad_duration.text, bad_duration.text
    too_long = await _config(world, "set", {"poll_duration": "900d"})
    assert "between 5 seconds and 365 days" in too_long.text
    bad_digest = await _config(world, "set", {"digest": "someday 25"})
    assert "is not a weekday and hour" in bad_digest.text
    async with running_bot.database.session() as session:
        assert await session.get(GuildSettings, world.guild.id) is None  # nothing was written, not even anonymous


async def test_german_admins_get_german_answers(running_bot: ReaderBot, world: SandboxWorld) -> None:
    german = world.sandbox.add_member(world.guild, "greta", roles=[world.sandbox.add_role(world.guild, "leitung", ["administrator"])], locale="de")
    handle = await _config(world, "set", {"poll_duration": "bald"}, member=german)
    assert "ist keine Dauer" in handle.text, handle.text
    shown = await _config(world, "show", {}, member=german)
    assert "**Umfragedauer:** 1h" in shown.text


async def test_author_links_a_feed_name_to_a_member(running_bot: ReaderBot, world: SandboxWorld) -> None:
    first = await _config(world, "author", {"name": "  Ada   Lovelace ", "member": world.member})
    assert "Articles by **Ada Lovelace** are now linked to" in first.text, first.text
    again = await _config(world, "author", {"name": "Ada Lovelace", "member": world.admin})
    assert "instead of the member linked before" in again.text
    async with running_bot.database.session() as session:
        links = (await session.scalars(select(AuthorLink))).all()
    assert [(link.guild_id, link.author_name, link.member_id) for link in links] == [(world.guild.id, "Ada Lovelace", world.admin.id)]
    shown = await _config(world, "show", {})
    assert f"Ada Lovelace → <@{world.admin.id}>" in shown.text


async def test_without_threads_the_polls_follow_the_article_in_the_channel(running_bot: ReaderBot, world: SandboxWorld) -> None:
    from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
    from e2e.harness import BlogServer

    await _config(world, "set", {"thread_per_article": False, "language": "de"})
    blog = BlogServer()
    await blog.start()
    try:
        handle = await world.sandbox.run_slash_command(
            world.admin, "feed", {"url": blog.feed_url, "channel": world.channel}, subcommand="add", channel=world.channel
        )
        await handle.wait_response(timeout=10)
        blog.add_post("a", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
        await world.sandbox.wait_until(lambda: len(world.channel_messages()) == 4, 10, "article and three polls")
    finally:
        await blog.stop()
    article, *polls = world.channel_messages()
    assert article.embeds[0]["title"] == FOUR_DAY_WEEK_TITLE
    assert world.sandbox.threads(world.channel) == []
    assert [poll.content for poll in polls][0] == "**Would you work four days a week for the same pay?**"
    assert all(poll.embeds[0]["title"] in ("Umfrage", "Deine Antwort") for poll in polls)  # the guild chose German


async def test_commands_are_described_in_german_for_german_clients(running_bot: ReaderBot, world: SandboxWorld) -> None:
    from bot.cogs.translator import GERMAN, missing_translations

    assert missing_translations(running_bot.tree, ("feed", "config")) == []
    assert all(len(text) <= 100 for text in GERMAN.values())  # Discord's limit for descriptions and choice names
    feed = world.bot.find_command("feed", None)
    add = next(option for option in feed.options if option["name"] == "add")
    assert add["description_localizations"]["de"].startswith("Einen Blog-Feed abonnieren")
    url = next(option for option in add["options"] if option["name"] == "url")
    assert url["description_localizations"]["de"].startswith("Adresse des Feeds")


async def test_native_style_asks_to_confirm_while_votes_are_anonymous(running_bot: ReaderBot, world: SandboxWorld) -> None:
    """Discord's own polls show voters to everyone: with anonymous votes on, only a confirmed switch happens;
    cancelling (or another admin's click) keeps the buttons; without anonymity it is saved at once."""
    admins = [world.guild.roles[role_id] for role_id in world.admin.role_ids if role_id in world.guild.roles]
    other_admin = world.sandbox.add_member(world.guild, "second-admin", roles=admins)

    async def style() -> str | None:
        async with running_bot.database.session() as session:
            row = await session.get(GuildSettings, world.guild.id)
        return row.poll_style if row is not None else None

    def button(handle, prefix: str) -> str:  # type: ignore[no-untyped-def]
        return next(c["custom_id"] for row in handle.components for c in row["components"]
                    if c["custom_id"].startswith(prefix))

    asked = await _config(world, "set", {"style": "native", "language": "de"})
    assert "show everyone who voted for what" in asked.text and "**Poll style:** buttons" in asked.text
    assert await style() is None  # the other change is saved, the style waits for the confirmation
    stranger = await world.sandbox.click_button(other_admin, asked.shown_message, button(asked, "config-native:yes:"),
                                                crafted=True)  # a forged click: the message is ephemeral
    await stranger.wait_response(timeout=10)
    assert "not for you" in stranger.text and await style() is None
    cancelled = await world.sandbox.click_button(world.admin, asked.shown_message, button(asked, "config-native:no:"))
    await cancelled.wait_response(timeout=10)
    assert "keep their buttons" in cancelled.text and await style() is None

    asked = await _config(world, "set", {"style": "native"})
    confirmed = await world.sandbox.click_button(world.admin, asked.shown_message, button(asked, "config-native:yes:"))
    await confirmed.wait_response(timeout=10)
    assert "visible to everyone" in confirmed.text and await style() == "native"
    shown = await _config(world, "show", {})
    assert "**Poll style:** Discord's own polls" in shown.text

    back = await _config(world, "set", {"style": "buttons"})
    assert back.text.startswith("Saved.") and await style() == "buttons"
    public = await _config(world, "set", {"style": "native", "anonymous": False})
    assert public.text.startswith("Saved.") and not public.components and await style() == "native"


async def test_native_style_names_feed_channels_without_send_polls(running_bot: ReaderBot, world: SandboxWorld, blog) -> None:  # type: ignore[no-untyped-def]
    subscribed = await world.sandbox.run_slash_command(world.admin, "feed", {"url": blog.feed_url, "channel": world.channel},
                                                       subcommand="add", channel=world.channel)
    await subscribed.wait_response(timeout=10)
    world.sandbox.set_overwrite(world.channel, world.sandbox.bot_role(world.guild), deny=["send_polls"])
    for _ in range(100):  # until discord.py has the channel's new overwrites
        channel = running_bot.get_channel(world.channel.id)
        if channel is not None and not channel.permissions_for(channel.guild.me).send_polls:
            break
        await asyncio.sleep(0.02)
    saved = await _config(world, "set", {"style": "native", "anonymous": False})
    assert "Send Polls" in saved.text and f"<#{world.channel.id}>" in saved.text, saved.text
    world.sandbox.set_overwrite(world.channel, world.sandbox.bot_role(world.guild), allow=["send_polls"])
    for _ in range(100):
        channel = running_bot.get_channel(world.channel.id)
        if channel is not None and channel.permissions_for(channel.guild.me).send_polls:
            break
        await asyncio.sleep(0.02)
    again = await _config(world, "set", {"style": "native"})
    assert "Send Polls" not in again.text, again.text
