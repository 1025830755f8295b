"""Oversized and malformed input, sent the way only a forged request can (Discord's client enforces the option and
field limits itself): written answers, feed URLs, configuration values, poll and article references. Each is
refused with a sentence that says what was wrong (never the catch-all "something went wrong"), nothing is stored,
and the bot keeps serving."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.cogs.client import ReaderBot
from bot.cogs.i18n import MESSAGES
from bot.storage.models import Answer, EntryState, FeedSubscription, SeenEntry
from e2e.articles import FOUR_DAY_WEEK
from e2e.harness import BlogServer, SandboxWorld
from security.helpers import blog_with_article, command, database_rows, settled_database_rows, subscribe, wait_for_article

GENERIC = set(MESSAGES["error.generic"].values())


def _refused(handle, *expected: str) -> None:
    assert handle.ephemeral, handle.text
    assert handle.text not in GENERIC, f"{handle.command_name or handle.custom_id}: the catch-all answer for {handle.values!r}"
    assert any(part in handle.text for part in expected), (handle.values, handle.text)


async def test_oversized_or_malformed_answers_urls_and_settings_are_refused_clearly(
    blog: BlogServer, running_bot: ReaderBot, world: SandboxWorld
) -> None:
    sandbox = world.sandbox
    await subscribe(world, world.admin, blog.feed_url, world.channel)
    url = blog_with_article(blog, "week", "A four-day week", FOUR_DAY_WEEK)
    _, polls = await wait_for_article(world, world.channel, url, 3)
    open_question = polls[2]
    answer_id = open_question.components[0]["components"][0]["custom_id"]
    before = await settled_database_rows(running_bot)

    # Written answers: over 1,000 characters (the form's limit), far over, empty, or no field at all.
    too_long = MESSAGES["answer.too_long"]["de"].format(limit="1,000")
    for text, expected in (("x" * 1001, too_long), ("y" * 20_000, too_long), (" \n\t ", MESSAGES["answer.empty"]["de"])):
        opened = await sandbox.click_button(world.member, open_question, answer_id)
        await opened.wait_response()
        submitted = await sandbox.submit_modal(world.member, opened, {"answer": text}, crafted=True)
        await submitted.wait_response()
        _refused(submitted, expected)
    missing = await sandbox.submit_modal(world.member, answer_id.replace("rb:answer:", "rb:answer-modal:"), {"other": "x"},
                                         crafted=True, channel=open_question.channel)
    await missing.wait_response()
    _refused(missing, MESSAGES["answer.empty"]["de"])

    # Feed URLs: too long for the option, other schemes, no host, spaces, a mention in disguise.
    not_fetchable = "not a web address I can fetch"
    bad_urls = {
        "https://blog.example/" + "a" * 2100: "longer than 2048 characters",
        "javascript:alert(1)": "is not an http:// or https:// address",
        "file:///etc/passwd": "is not an http:// or https:// address",
        "ftp://blog.example/feed.xml": "is not an http:// or https:// address",
        "not a url at all": not_fetchable,
        "http://": "has no host name",
        "http://exa mple.com/feed": not_fetchable,
        "https://blog.example/feed\n@everyone": not_fetchable,
    }
    for bad, expected in bad_urls.items():
        handle = await command(world, world.admin, "feed", {"url": bad, "channel": world.channel}, subcommand="add", crafted=True)
        _refused(handle, expected)
    # A backfill beyond the option's 0-10 is held to 10: a forged number cannot flood the channel.
    for index in range(12):
        blog.add_post(f"old-{index}", f"Old post {index}", ["Nothing to ask."])
    flood = await command(world, world.admin, "feed", {"url": f"{blog.feed_url}?flood", "channel": world.channel, "backfill": 1000},
                          subcommand="add", crafted=True)
    assert "backfill: 10" in flood.text, flood.text
    async with running_bot.database.session() as session:
        queued = await session.scalar(
            select(func.count(SeenEntry.id)).join(FeedSubscription).where(
                FeedSubscription.feed_url == f"{blog.feed_url}?flood", SeenEntry.state == EntryState.PENDING))
    assert queued == 10
    await command(world, world.admin, "feed", {"url": f"{blog.feed_url}?flood"}, subcommand="remove")

    # Configuration values: malformed, out of range, or longer than the options allow.
    bad_settings = [
        ({"poll_duration": "soon"}, "is not a duration"),
        ({"poll_duration": "0s"}, "is not a duration"),
        ({"poll_duration": "99999999999999999999d"}, "between 5 seconds and 365 days"),
        ({"poll_duration": "1" * 41}, "between 5 seconds and 365 days"),
        ({"digest": "mon 25"}, "is not a weekday and hour"),
        ({"digest": "x" * 41}, "is not a weekday and hour"),
    ]
    for options, expected in bad_settings:
        handle = await command(world, world.admin, "config", options, subcommand="set", crafted=True)
        _refused(handle, expected)
    author = await command(world, world.admin, "config", {"name": "A" * 201, "member": world.member}, subcommand="author", crafted=True)
    _refused(author, "longer than 200 characters")

    # References that name nothing: ids that are not numbers, far too large, or digits of other scripts.
    unknown = (*MESSAGES["poll.refused_unknown"].values(), *MESSAGES["error.not_found"].values())
    for poll in ("abc", "9" * 30, "-1", "²", "١٢"):
        handle = await command(world, world.admin, "poll", {"poll": poll}, subcommand="close", crafted=True)
        _refused(handle, *unknown)
    for feed in ("#" + "9" * 30, "#²", "#" + "1" * 19):
        handle = await command(world, world.admin, "feed", {"url": feed}, subcommand="remove", crafted=True)
        _refused(handle, "is not subscribed to")
    for reference in ("z" * 5000, "9" * 30, "#" + "9" * 25):
        article = await command(world, world.admin, "summary", {"article": reference}, crafted=True, timeout=15)
        _refused(article, "No article")
        assert len(article.text) <= 2000
    for name, option, subcommand in (("summary", "article", None), ("poll", "poll", "close"), ("feed", "url", "remove")):
        typed = await sandbox.autocomplete(world.admin, name, {option: "9" * 30}, option, subcommand=subcommand, channel=world.channel)
        await typed.wait_response(timeout=5)
        assert typed.choices == [], (name, typed.choices)

    # Nothing else was stored, and the bot still answers.
    after = await database_rows(running_bot)
    for table in ("answers", "votes", "polls", "guild_settings", "author_links"):
        assert after[table] == before[table], table
    assert [row for row in after["feed_subscriptions"] if "flood" not in str(row)] == before["feed_subscriptions"]
    async with running_bot.database.session() as session:
        assert (await session.scalars(select(Answer))).all() == []
    listed = await command(world, world.admin, "feed", subcommand="list")
    assert blog.feed_url in listed.text
