"""No mention can be triggered by content: an article whose title, author, blog name and question carry @everyone,
@here, member and role mentions and markdown, and written answers full of them echoed in summaries. Every message the
bot sent, edited or answered with (ephemeral ones included) asks for no mentions, the sandbox, deciding as Discord
does, pinged nobody, and the markdown of outside text shows as typed."""

from __future__ import annotations

import re
from typing import Any

from bot.cogs.client import ReaderBot
from e2e.harness import BlogServer, SandboxWorld, custom_ids, wait_until
from security.helpers import command, subscribe, wait_for_article


def _sends_text(request: Any) -> dict[str, Any] | None:
    """The message payload of a request that creates or edits a message with text, else None."""
    body = request.json if isinstance(request.json, dict) else None
    if body is None:
        return None
    if "/interactions/" in request.path and request.path.endswith("/callback"):
        body = body.get("data") if isinstance(body.get("data"), dict) else None
    if body is None or not body.get("content"):
        return None
    return body


async def test_content_from_the_blog_and_readers_never_pings_anyone_and_its_markdown_is_shown_as_typed(
    blog: BlogServer, running_bot: ReaderBot, world: SandboxWorld
) -> None:
    sandbox = world.sandbox
    role = sandbox.add_role(world.guild, "subscribers", mentionable=True)
    summaries = sandbox.add_channel(world.guild, "summaries")
    admin, member = world.admin.user.id, world.member.user.id
    await wait_until(lambda: running_bot.get_channel(summaries.id) is not None, 5, "the summaries channel")
    pings = f"@everyone @here <@{admin}> <@!{member}> <@&{role.id}>"
    blog.title = f"{pings} **The** Blog"
    # (results on close: no live edits queue up before the closing edits, which keeps the test short)
    await command(world, world.admin, "config", {"summary_channel": summaries, "results": "on_close"}, subcommand="set")
    await subscribe(world, world.admin, blog.feed_url, world.channel)
    title = f"Hello {pings} **today** _now_ ||spoiler|| `code`"
    post = blog.add_post("pings", title, [
        "We tried a four-day week. Productivity stayed the same.",
        f"Would you work four days a week for the same pay, {pings}?",
        f"What would you miss most about the five-day week, <@&{role.id}>?",
    ], author=f"<@{admin}> @everyone")
    url = blog.post_url(post.slug)
    article, polls = await wait_for_article(world, world.channel, url, 2)
    assert "\\*\\*today\\*\\*" in article.embeds[0]["title"] and "\\_now\\_" in article.embeds[0]["title"]

    # Readers vote and answer with mentions and markdown; an admin reads the summary and closes the polls.
    yes_no, open_question = polls
    vote = await sandbox.click_button(world.member, yes_no, custom_ids(yes_no)[0])
    await vote.wait_response()
    opened = await sandbox.click_button(world.member, open_question, custom_ids(open_question)[0])
    await opened.wait_response()
    answer = f"{pings} **bold** answer"
    answered = await sandbox.submit_modal(world.member, opened, {"answer": answer})
    await answered.wait_response()
    summary = await command(world, world.admin, "summary", {"article": url}, timeout=20)
    assert "\\*\\*bold\\*\\* answer" in summary.text, summary.text
    for poll in polls:
        closed = await command(world, world.admin, "poll", {"poll": custom_ids(poll)[0].split(":")[2]}, subcommand="close", timeout=15)
        assert closed.ephemeral
    closing = await sandbox.wait_for_message(summaries, lambda m: bool(m.embeds), timeout=20)
    assert "\\*\\*today\\*\\*" in closing.content and "@everyone" not in closing.content
    # An admin links an author name full of pings to a member: the answer names the member, silently.
    linked = await command(world, world.admin, "config", {"name": f"{pings} Ada", "member": world.member}, subcommand="author")
    assert f"<@{member}>" in linked.text

    # Every text the bot sent asked for no mentions ...
    payloads = [(r.method, r.path, body) for r in sandbox.requests if (body := _sends_text(r)) is not None]
    assert len(payloads) >= 10
    loose = [(method, path, body.get("allowed_mentions")) for method, path, body in payloads
             if body.get("allowed_mentions") != {"parse": []}]
    assert loose == [], loose
    # ... and nobody was pinged by any message, visible or ephemeral, although the texts are full of mentions.
    sent = [m for m in sandbox.state.messages.values() if m.author.id == world.bot.id]
    assert any(re.search(r"<@!?\d+>|<@&\d+>", m.content) for m in sent)  # mention syntax the client would render
    assert any("everyone" in m.content for m in sent)
    pinged = [(m.channel.name, m.content[:80]) for m in sent if m.mentions or m.mention_roles or m.mention_everyone]
    assert pinged == []
