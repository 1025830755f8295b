"""Two guilds in one sandbox, the whole bot in-process, both following the same blog: neither guild can see,
change, summarise, vote in, answer or autocomplete the other's feeds, articles, polls or answers, whatever the
ids its admins type or its members forge into custom ids."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.cogs.client import ReaderBot
from bot.cogs.i18n import MESSAGES
from bot.sandbox.interactions import APPLICATION_COMMAND, MESSAGE_COMPONENT
from bot.storage.models import Answer, Article, FeedSubscription, GuildSettings, Poll, PollState, Vote
from e2e.articles import FOUR_DAY_WEEK
from e2e.harness import BlogServer, SandboxWorld, custom_ids, wait_until
from security.helpers import blog_with_article, command, database_rows, settled_database_rows, subscribe, wait_for_article

UNKNOWN_POLL = set(MESSAGES["poll.refused_unknown"].values())


def _poll_ids(messages) -> list[int]:
    return [int(custom_ids(message)[0].split(":")[2]) for message in messages]


async def test_a_guild_can_never_reach_another_guilds_feeds_articles_polls_or_answers(
    blog: BlogServer, running_bot: ReaderBot, world: SandboxWorld
) -> None:
    sandbox = world.sandbox
    other = sandbox.add_guild("Others")
    news = sandbox.add_channel(other, "news")
    eve = sandbox.add_member(other, "eve", roles=[sandbox.add_role(other, "mods", ["manage_guild"])])
    mia = sandbox.add_member(other, "mia")
    await wait_until(lambda: running_bot.get_channel(news.id) is not None, 5, "the second guild")
    ours_url, theirs_url = blog.feed_url, f"{blog.feed_url}?guild=others"
    await subscribe(world, world.admin, ours_url, world.channel)
    await subscribe(world, eve, theirs_url, news)
    url = blog_with_article(blog, "week", "A four-day week", FOUR_DAY_WEEK)
    ours, our_polls = await wait_for_article(world, world.channel, url, 3)
    theirs, their_polls = await wait_for_article(world, news, url, 3)
    our_ids, their_ids = _poll_ids(our_polls), _poll_ids(their_polls)
    assert not set(our_ids) & set(their_ids)
    their_vote_poll, their_open_poll = their_ids[0], their_ids[2]
    their_option = int(custom_ids(their_polls[0])[0].split(":")[3])
    async with running_bot.database.session() as session:
        their_article = await session.scalar(select(Article.id).where(Article.guild_id == other.id))
    # They vote and answer in their guild (so there is something to leak).
    vote = await sandbox.click_button(mia, their_polls[0], custom_ids(their_polls[0])[0])
    await vote.wait_response()
    opened = await sandbox.click_button(mia, their_polls[2], f"rb:answer:{their_open_poll}")
    await opened.wait_response()
    answered = await sandbox.submit_modal(mia, opened, {"answer": "Their secret answer"})
    await answered.wait_response()
    before = await settled_database_rows(running_bot)
    their_messages_before = [(m.id, m.content, m.embeds, m.components) for m in sandbox.messages(news)]

    # Feeds: our list and autocomplete show only ours; their feed cannot be removed from here.
    listed = await command(world, world.admin, "feed", subcommand="list")
    assert ours_url in listed.text and "guild=others" not in listed.text
    choices = await sandbox.autocomplete(world.admin, "feed", {"url": ""}, "url", subcommand="remove", channel=world.channel)
    await choices.wait_response()
    assert [choice["value"] for choice in choices.choices] == [ours_url]
    refused = await command(world, world.admin, "feed", {"url": theirs_url}, subcommand="remove")
    assert "not subscribed" in refused.text, refused.text

    # Polls: our autocomplete offers only our polls; theirs cannot be closed by id or by the context menu.
    suggestions = await sandbox.autocomplete(world.admin, "poll", {"poll": ""}, "poll", subcommand="close", channel=world.channel)
    await suggestions.wait_response()
    assert sorted(int(choice["value"]) for choice in suggestions.choices) == sorted(our_ids)
    close = await command(world, world.admin, "poll", {"poll": str(their_vote_poll)}, subcommand="close")
    assert close.ephemeral and close.text in UNKNOWN_POLL | set(MESSAGES["error.not_found"].values()), close.text
    menu = sandbox._new_handle(  # Apps -> Close poll, forged to target their poll message from our channel
        type=APPLICATION_COMMAND, bot=world.bot, member=world.guild.members[world.admin.user.id], user=world.admin.user,
        channel=world.channel, command_name="Close poll",
        data={"id": str(world.bot.find_command("Close poll", None, 3).id), "name": "Close poll", "type": 3,
              "target_id": str(their_polls[0].id), "resolved": {"messages": {str(their_polls[0].id): their_polls[0].to_dict()}}},
    )
    sandbox._send_interaction(menu)
    await menu.wait_response()
    assert MESSAGES["poll.close_not_a_poll"]["en"] in menu.text, menu.text

    # Votes and answers: forged custom ids on our own poll messages that point at their polls change nothing.
    for custom_id in (f"rb:vote:{their_vote_poll}:{their_option}", f"rb:answer:{their_open_poll}"):
        click = await sandbox.click_button(world.member, our_polls[0], custom_id, crafted=True)
        await click.wait_response()
        assert click.ephemeral and click.text in UNKNOWN_POLL, (custom_id, click.text)
    # Forged harder: the click carries their real poll message (so the button is on it) but comes from our guild.
    data = {"custom_id": custom_ids(their_polls[0])[0], "component_type": 2}
    cross = sandbox._new_handle(type=MESSAGE_COMPONENT, bot=world.bot, member=world.guild.members[world.member.user.id],
                                user=world.member.user, channel=world.channel, data=data, message=their_polls[0],
                                custom_id=data["custom_id"])
    sandbox._send_interaction(cross)
    await cross.wait_response()
    assert cross.ephemeral and cross.text in UNKNOWN_POLL, cross.text
    forged_form = await sandbox.submit_modal(world.member, f"rb:answer-modal:{their_open_poll}", {"answer": "overwritten"},
                                             crafted=True, channel=world.channel)
    await forged_form.wait_response()
    assert forged_form.text in UNKNOWN_POLL, forged_form.text

    # Articles: /summary of their article by id is "not found" for our admin; autocomplete lists ours only.
    summary = await command(world, world.admin, "summary", {"article": str(their_article)}, timeout=15)
    assert summary.ephemeral and summary.text == MESSAGES["summary.not_found"]["en"].format(reference=their_article), summary.text
    offered = await sandbox.autocomplete(world.admin, "summary", {"article": ""}, "article", channel=world.channel)
    await offered.wait_response()
    assert [choice["value"] for choice in offered.choices] != [] and str(their_article) not in [c["value"] for c in offered.choices]
    ours_by_url = await command(world, world.admin, "summary", {"article": url}, timeout=20)
    assert "Would you work" in ours_by_url.text and "Their secret answer" not in ours_by_url.text

    # Settings: ours change, theirs do not.
    changed = await command(world, world.admin, "config", {"anonymous": False, "poll_duration": "2d"}, subcommand="set")
    assert "**Anonymous votes:** no" in changed.text and "**Poll duration:** 2d" in changed.text, changed.text
    their_config = await command(world, eve, "config", subcommand="show", channel=news)
    assert "**Anonymous votes:** yes" in their_config.text and "2d" not in their_config.text, their_config.text

    # Nothing of theirs changed: no row, no message.
    after = await database_rows(running_bot)
    for table in ("feed_subscriptions", "polls", "votes", "answers", "articles", "discord_posts"):
        assert [row for row in after[table] if other.id in row] == [row for row in before[table] if other.id in row], table
    assert [(m.id, m.content, m.embeds, m.components) for m in sandbox.messages(news)] == their_messages_before
    async with running_bot.database.session() as session:
        assert await session.scalar(select(func.count(FeedSubscription.id)).where(FeedSubscription.guild_id == other.id)) == 1
        assert (await session.scalars(select(Poll.state).where(Poll.guild_id == other.id))).all() == [PollState.OPEN] * 3
        assert await session.scalar(select(func.count(Vote.id)).where(Vote.guild_id == other.id)) == 1
        assert (await session.scalars(select(Answer.text).where(Answer.guild_id == other.id))).all() == ["Their secret answer"]
        assert await session.scalar(select(func.count(Vote.id)).where(Vote.guild_id == world.guild.id)) == 0
        assert await session.get(GuildSettings, other.id) is None
