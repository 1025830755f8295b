"""Editors decide, end to end: `reader-bot run` as a process, editors and members acting over the sandbox.

Review mode on: the article is posted, its proposals go to the review channel; a member, forged ids and a member
of another guild are refused and change nothing; an editor drops one, edits one (every kind of bad option text
refused with a clear message first, nothing of it reaching Discord), approves all; the approved polls appear in
the thread with deadlines counted from approval; an edit after the first vote may change only the question;
an admin adds a poll by hand and deletes one. Then: SIGKILL between sending the review message and recording it, and between an Approve click and the bot learning that
its poll was posted ends with the poll posted exactly once; the review timeout with both defaults; a SIGKILL
between a deletion and removing the poll's message is finished after the restart.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from bot.sandbox import Channel, Message
from bot.sandbox.interactions import InteractionHandle
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, custom_ids, kill_when, wait_until

POLL_DURATION = 3600


def _sql(database_url: str, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(database_url.removeprefix("sqlite+aiosqlite:///")) as connection:
        return connection.execute(query, args).fetchall()


def _states(database_url: str, article_url: str) -> list[tuple]:
    return _sql(database_url, "SELECT p.id, p.state, p.decided_by, p.question FROM polls p JOIN articles a "
                              "ON a.id = p.article_id WHERE a.url = ? ORDER BY p.position", article_url)


def _bot_messages(world: SandboxWorld, channel: Channel) -> list[Message]:
    return [m for m in world.sandbox.messages(channel, include_system=False) if m.author.id == world.bot.id]


def _buttons(message: Message) -> dict[str, str]:
    """label -> custom id of a message's buttons."""
    found: dict[str, str] = {}

    def walk(components: list[dict]) -> None:
        for component in components or []:
            if component.get("type") == 2 and component.get("custom_id"):
                found[component["label"]] = component["custom_id"]
            walk(component.get("components"))

    walk(message.components)
    return found


def _poll_messages(world: SandboxWorld, article: Message) -> list[Message]:
    return [m for m in world.thread_messages(article) if any(c.startswith(("rb:vote:", "rb:answer:")) for c in custom_ids(m))]


async def _answer(handle: InteractionHandle) -> str:
    await handle.wait_response(timeout=10)
    return handle.text


async def _setup(world: SandboxWorld, blog: BlogServer, start_bot: StartBot, extra: str = ""):  # type: ignore[no-untyped-def]
    sandbox = world.sandbox
    review = sandbox.add_channel(world.guild, "review")
    editors = sandbox.add_role(world.guild, "editors")
    erin = sandbox.add_member(world.guild, "erin", roles=[editors], locale="de")
    bot = await start_bot(poll_interval="0.5s", poll_duration=f"{POLL_DURATION}s", extra=extra)
    handle = await sandbox.run_slash_command(world.admin, "feed", {"url": blog.feed_url, "channel": world.channel},
                                             subcommand="add", channel=world.channel)
    await handle.wait_response(timeout=15)
    configured = await sandbox.run_slash_command(
        world.admin, "config", {"review": True, "review_channel": review, "editor_role": editors}, subcommand="set",
        channel=world.channel)
    assert "Review mode" in await _answer(configured), configured.text
    return bot, review, editors, erin


async def _post_and_wait_review(world: SandboxWorld, blog: BlogServer, review: Channel, slug: str, title: str):  # type: ignore[no-untyped-def]
    post = blog.add_post(slug, title, FOUR_DAY_WEEK)
    url = blog.post_url(post.slug)
    article = (await wait_until(lambda: world.article_messages(url), 20, "the article message"))[0]

    def review_message() -> Message | None:
        return next((m for m in _bot_messages(world, review) if m.embeds and m.embeds[0].get("url") == url), None)

    message = await wait_until(review_message, 20, "the review message")
    return url, article, message, review_message


async def test_editors_review_edit_add_and_delete(world: SandboxWorld, blog: BlogServer, start_bot: StartBot,
                                                 bot_database_url: str, tmp_path) -> None:
    sandbox = world.sandbox
    bot, review, editors, erin = await _setup(world, blog, start_bot, extra='review_timeout = "10m"\n')
    cleared = await sandbox.run_slash_command(world.admin, "config", {"clear": "review_channel_id"}, subcommand="set",
                                              channel=world.channel)
    assert "needs a review channel" in await _answer(cleared)  # review stays on, with its channel
    url, article, message, current_review = await _post_and_wait_review(world, blog, review, "four-day-week", FOUR_DAY_WEEK_TITLE)
    assert _poll_messages(world, article) == []  # proposals wait; the thread has none
    states = _states(bot_database_url, url)
    assert [s[1] for s in states] == ["proposed"] * 3
    first, second, third = (s[0] for s in states)
    buttons = _buttons(message)
    assert {"Approve 1", "Edit 2", "Drop 3", "Approve all"} <= set(buttons), buttons

    # Refused, and nothing changes: a plain member, forged ids, a member of another guild.
    refused = await _answer(await sandbox.click_button(world.member, message, buttons["Approve 1"]))
    assert "Redaktionsrolle" in refused  # bob reads German
    for forged in (f"rb:review:approve:{first}x", "rb:review:approve:999999", "rb:review:all:999999"):
        text = await _answer(await sandbox.click_button(erin, message, forged, crafted=True))
        assert "keinem Vorschlag" in text, text
    on_other_message = await _answer(await sandbox.click_button(erin, article, f"rb:review:approve:{first}", crafted=True))
    assert "keinem Vorschlag" in on_other_message
    other_guild = sandbox.add_guild("Elsewhere")
    elsewhere = sandbox.add_channel(other_guild, "general")
    outsider_role = sandbox.add_role(other_guild, "admins", ["manage_guild"])
    outsider = sandbox.add_member(other_guild, "mallory", roles=[outsider_role])
    for command in ("edit", "delete"):  # an admin of another guild naming this guild's poll
        handle = await sandbox.run_slash_command(outsider, "poll", {"poll": str(first)}, subcommand=command,
                                                 channel=elsewhere, crafted=True)
        text = await _answer(handle)
        assert not handle.modal_opened and "does not exist" in text, text
    forged_form = await sandbox.submit_modal(outsider, f"rb:poll-edit:{first}", {"question": "Hijacked?", "options": ""},
                                             crafted=True, channel=elsewhere)
    assert "does not exist" in await _answer(forged_form)
    # ... and clicking this guild's review buttons, forged onto a message of the bot in their own guild.
    theirs = sandbox.create_message(elsewhere, world.bot.user, {"content": "Hello from elsewhere"})
    for forged in (f"rb:review:approve:{first}", f"rb:review:all:{_states(bot_database_url, url)[0][0]}",
                   f"rb:poll-delete:yes:{first}"):
        text = await _answer(await sandbox.click_button(outsider, theirs, forged, crafted=True))
        assert "does not belong to a poll or proposal of this server" in text, text
    assert [s[1] for s in _states(bot_database_url, url)] == ["proposed"] * 3

    # Drop the open question; edit the choice poll (bad option texts first), then approve all.
    dropped = await _answer(await sandbox.click_button(erin, message, buttons["Drop 3"]))
    assert "Verworfen" in dropped, dropped
    opened = await sandbox.click_button(erin, current_review(), _buttons(current_review())["Edit 2"])
    await opened.wait_response(timeout=10)
    assert opened.modal_opened
    bad_inputs = {
        " | ".join(f"Option {n}" for n in range(11)): "11 Optionen",
        "Monday | " + "F" * 56: "56 Zeichen",
        "Monday | monday": "gleich",
        "Monday | @everyone": "Erwähnung",
        "just one": "mindestens zwei",
    }
    for options, expected in bad_inputs.items():
        form = await sandbox.click_button(erin, current_review(), _buttons(current_review())["Edit 2"])
        await form.wait_response(timeout=10)
        text = await _answer(await sandbox.submit_modal(erin, form, {"question": "Monday or Friday?", "options": options}))
        assert expected in text and "nichts geändert" in text, text
    assert _states(bot_database_url, url)[1][3] == "Would you rather take Monday or Friday off?"
    opened = await sandbox.click_button(erin, current_review(), _buttons(current_review())["Edit 2"])
    await opened.wait_response(timeout=10)
    saved = await _answer(await sandbox.submit_modal(erin, opened, {
        "question": "Which day would you take off: **Monday** or Friday?", "options": "Monday\nFriday\nWednesday"}))
    assert "Gespeichert" in saved, saved
    await wait_until(lambda: f"bearbeitet von <@{erin.user.id}>" in json.dumps(current_review().embeds, ensure_ascii=False)
                     or f"edited by <@{erin.user.id}>" in json.dumps(current_review().embeds), 10, "edited mark")
    approved_at = datetime.now(UTC)
    approve_all = await _answer(await sandbox.click_button(world.admin, current_review(), _buttons(current_review())["Approve all"]))
    assert "Approved 2 proposals" in approve_all, approve_all
    polls = await wait_until(lambda: (found := _poll_messages(world, article)) and len(found) == 2 and found, 15, "2 polls")
    assert [b for b in _buttons(polls[1])] == ["Monday", "Friday", "Wednesday"]
    assert "\\*\\*Monday\\*\\*" in polls[1].content  # markdown shown as typed
    await wait_until(lambda: [s[1] for s in _states(bot_database_url, url)] == ["open", "open", "dropped"], 10, "opened")
    closes = _sql(bot_database_url, "SELECT closes_at FROM polls WHERE id = ?", second)[0][0]
    deadline = datetime.fromisoformat(closes).replace(tzinfo=UTC)
    assert abs((deadline - approved_at).total_seconds() - POLL_DURATION) < 30
    states = _states(bot_database_url, url)
    assert states[0][2] == world.admin.user.id and states[2][2] == erin.user.id
    final = await wait_until(lambda: (m := current_review()) and "Approve all" not in _buttons(m) and
                             f"<@{erin.user.id}>" in m.embeds[0]["description"] and m, 10, "review message with decisions")
    assert f"<@{world.admin.user.id}>" in final.embeds[0]["description"]
    again = await _answer(await sandbox.click_button(erin, message, buttons["Approve 1"], crafted=True))
    assert "schon freigegeben" in again or "keinem Vorschlag" in again, again

    # Edits once a poll has a vote: only the question.
    yes_no = polls[0]
    vote = await _answer(await sandbox.click_button(world.member, yes_no, _buttons(yes_no)["Yes"]))
    assert "gespeichert" in vote
    form = await sandbox.use_message_command(world.admin, "Edit poll", yes_no)
    await form.wait_response(timeout=10)
    assert form.modal_opened
    refused = await _answer(await sandbox.submit_modal(world.admin, form, {"question": "Four days?", "options": "Yes | No"}))
    assert "only the question" in refused, refused
    form = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(first)}, subcommand="edit", channel=world.channel)
    await form.wait_response(timeout=10)
    assert "fixed: the poll has votes" in json.dumps(form.modal)
    assert "Four days, same pay?" != form.modal_fields.get("question", {}).get("value")
    saved = await _answer(await sandbox.submit_modal(world.admin, form, {"question": "Four days, same pay?"}))
    assert "Saved" in saved, saved
    redrawn = await wait_until(lambda: (m := sandbox.message(yes_no.id)) and "Four days, same pay?" in m.content and m, 10, "redraw")
    assert "Edited" in json.dumps(redrawn.embeds) and list(_buttons(redrawn)) == ["Yes", "No", "Not sure"]

    # A poll by hand (also with review on): refused input first, then posted at once.
    choices = await sandbox.autocomplete(world.admin, "poll", {"article": "four"}, "article", subcommand="add", channel=world.channel)
    await choices.wait_response(timeout=10)
    article_id = _sql(bot_database_url, "SELECT id FROM articles WHERE url = ?", url)[0][0]
    assert [c["value"] for c in choices.choices or []] == [str(article_id)]
    bad = await sandbox.run_slash_command(world.admin, "poll", {"article": str(article_id), "question": "Tea?",
                                                                "options": "Tea | tea"}, subcommand="add", channel=world.channel)
    assert "the same" in await _answer(bad)
    by_hand = await sandbox.run_slash_command(world.admin, "poll", {
        "article": str(article_id), "question": "Which snack on Fridays?", "options": "Cake | Fruit | Nothing",
        "duration": "2h"}, subcommand="add", channel=world.channel)
    assert "is posted" in await _answer(by_hand), by_hand.text
    polls = await wait_until(lambda: (found := _poll_messages(world, article)) and len(found) == 3 and found, 10, "hand poll")
    assert list(_buttons(polls[2])) == ["Cake", "Fruit", "Nothing"]
    by_hand_row = _sql(bot_database_url, "SELECT state, created_by, duration_seconds FROM polls WHERE question = ?",
                       "Which snack on Fridays?")
    assert by_hand_row[0][1:] == (world.admin.user.id, 7200.0)

    # A member's forged form and forged delete confirmation change nothing.
    forged_edit = await sandbox.submit_modal(world.member, f"rb:poll-edit:{first}", {"question": "Hijacked?"},
                                             crafted=True, channel=world.channel)
    assert "Redaktionsrolle" in await _answer(forged_edit)
    forged_delete = await sandbox.click_button(world.member, yes_no, f"rb:poll-delete:yes:{first}", crafted=True)
    assert "keinem Vorschlag" in await _answer(forged_delete)
    assert _sql(bot_database_url, "SELECT state, question FROM polls WHERE id = ?", first) == [("open", "Four days, same pay?")]

    # Delete, after a confirmation; a member cannot.
    member_try = await sandbox.run_slash_command(world.member, "poll", {"poll": str(first)}, subcommand="delete",
                                                 channel=world.channel, crafted=True)
    assert "Redaktionsrolle" in await _answer(member_try)
    asked = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(first)}, subcommand="delete", channel=world.channel)
    assert "1 votes" in await _answer(asked), asked.text
    confirm = asked.shown_message
    assert confirm is not None
    deleted = await sandbox.click_button(world.admin, confirm, _buttons(confirm)["Delete poll"])
    await deleted.wait(lambda h: "is deleted" in h.text, timeout=10)
    await wait_until(lambda: len(_poll_messages(world, article)) == 2, 10, "the poll message removed")
    row = _sql(bot_database_url, "SELECT state, deleted_by FROM polls WHERE id = ?", first)
    assert row == [("deleted", world.admin.user.id)]
    assert _sql(bot_database_url, "SELECT COUNT(*) FROM votes WHERE poll_id = ?", first) == [(0,)]

    # Nothing invalid reached Discord: every poll the bot sent or redrew is within the poll limits.
    assert_polls_within_limits(sandbox)

    # Dropping the last proposal completes an article whose other poll has closed: its summary goes out at once,
    # not at the next catch-up round (every 5 minutes).
    summaries = sandbox.add_channel(world.guild, "summaries")
    configured = await sandbox.run_slash_command(world.admin, "config", {"summary_channel": summaries},
                                                 subcommand="set", channel=world.channel)
    await configured.wait_response(timeout=10)
    url3, article3, message3, current_review3 = await _post_and_wait_review(world, blog, review, "four-day-week-3", "Four days, once more")
    first3 = _states(bot_database_url, url3)[0][0]
    await _answer(await sandbox.click_button(erin, message3, _buttons(message3)["Approve 1"]))
    await wait_until(lambda: len(_poll_messages(world, article3)) == 1, 15, "the approved poll")
    closed = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(first3)}, subcommand="close", channel=world.channel)
    await closed.wait_response(timeout=10)
    await wait_until(lambda: _states(bot_database_url, url3)[0][1] == "closed", 10, "the poll closed")
    assert _bot_messages(world, summaries) == []  # two proposals still wait
    for label in ("Drop 2", "Drop 3"):
        assert "Verworfen" in await _answer(await sandbox.click_button(erin, current_review3(), _buttons(current_review3())[label]))
    summary = await wait_until(lambda: _bot_messages(world, summaries), 10, "the closing summary")
    assert len(summary) == 1 and url3 in json.dumps([m.content for m in summary] + [m.embeds for m in summary])


def assert_polls_within_limits(sandbox) -> None:  # type: ignore[no-untyped-def]
    """Every message request with vote buttons: 2..10 options, labels of at most 55 characters, all different,
    no mention syntax; the refused texts typed above never went out."""
    checked = 0
    for request in sandbox.requests:
        if request.method not in ("POST", "PATCH") or "/messages" not in request.path or not isinstance(request.json, dict):
            continue
        body = json.dumps(request.json, ensure_ascii=False)
        assert "Option 10" not in body and "F" * 56 not in body and "@everyone" not in body, body[:300]
        labels = [c["label"] for row in request.json.get("components") or [] for c in row.get("components") or []
                  if str(c.get("custom_id", "")).startswith("rb:vote:")]
        if labels:
            checked += 1
            assert 2 <= len(labels) <= 10 and len(set(map(str.casefold, labels))) == len(labels), labels
            assert all(0 < len(label) <= 55 and "<@" not in label for label in labels), labels
    assert checked >= 3


async def test_restart_mid_approval_posts_once_and_the_timeout_defaults(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    bot, review, editors, erin = await _setup(world, blog, start_bot, extra='review_timeout = "10m"\n')
    # SIGKILL the moment the review message exists, before the bot can record it: the restarted bot finds it.
    killed = kill_when(sandbox, lambda: any(m.embeds for m in _bot_messages(world, review)), bot)
    url, article, message, current_review = await _post_and_wait_review(world, blog, review, "four-day-week", FOUR_DAY_WEEK_TITLE)
    await killed
    article_id = _sql(bot_database_url, "SELECT id FROM articles WHERE url = ?", url)[0][0]
    assert _sql(bot_database_url, "SELECT state FROM discord_posts WHERE key = ?", f"review:{article_id}") == [("pending",)]
    bot = await start_bot(poll_interval="0.5s", poll_duration=f"{POLL_DURATION}s", extra='review_timeout = "10m"\n')
    await wait_until(lambda: _sql(bot_database_url, "SELECT state, message_id FROM discord_posts WHERE key = ?",
                                  f"review:{article_id}") == [("sent", message.id)], 20, "the review message recorded")
    assert len(_bot_messages(world, review)) == 1
    first = _states(bot_database_url, url)[0][0]

    killed = kill_when(sandbox, lambda: len(_poll_messages(world, article)) >= 1, bot)
    click = await sandbox.click_button(erin, message, _buttons(message)["Approve 1"])
    await killed
    assert _sql(bot_database_url, "SELECT state FROM discord_posts WHERE key = ?", f"poll:{first}") == [("pending",)]

    # Restarted with a short review timeout: the approved poll is finished (found, not sent again), the others
    # are dropped (the default), and the review message says so.
    bot = await start_bot(poll_interval="0.5s", poll_duration=f"{POLL_DURATION}s", extra='review_timeout = "2s"\n')
    await wait_until(lambda: _sql(bot_database_url, "SELECT state FROM discord_posts WHERE key = ?", f"poll:{first}")
                     == [("sent",)], 20, "the poll recorded as sent")
    await wait_until(lambda: [s[1] for s in _states(bot_database_url, url)] == ["open", "dropped", "dropped"], 20, "timeout")
    assert len(_poll_messages(world, article)) == 1
    assert len(sandbox.requests_matching("POST", f"/channels/{sandbox.thread_of(article).id}/messages")) == 1
    assert [s[2] for s in _states(bot_database_url, url)] == [erin.user.id, None, None]
    await wait_until(lambda: "review time" in json.dumps(current_review().embeds), 10, "timeout shown")
    del click

    # review_default publish: undecided proposals are posted when the time runs out.
    handle = await sandbox.run_slash_command(world.admin, "config", {"review_default": "publish"}, subcommand="set",
                                             channel=world.channel)
    await handle.wait_response(timeout=10)
    url2, article2, _message2, _ = await _post_and_wait_review(world, blog, review, "four-day-week-2", "Four days, again")
    await wait_until(lambda: len(_poll_messages(world, article2)) == 3, 20, "3 published polls")
    await wait_until(lambda: [s[1] for s in _states(bot_database_url, url2)] == ["open"] * 3, 10, "3 open polls")
    assert bot.running

    # SIGKILL between a deletion and removing its message: the restarted bot removes it.
    asked = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(first)}, subcommand="delete", channel=world.channel)
    await asked.wait_response(timeout=10)
    confirm = asked.shown_message
    assert confirm is not None
    killed = kill_when(sandbox, lambda: any("is deleted" in (m.content or "") for m in [sandbox.message(confirm.id)]), bot)
    await sandbox.click_button(world.admin, confirm, _buttons(confirm)["Delete poll"])
    await killed
    assert _sql(bot_database_url, "SELECT state FROM polls WHERE id = ?", first) == [("deleted",)]
    assert len(_poll_messages(world, article)) == 1, "killed before the message was removed"
    bot = await start_bot(poll_interval="0.5s", poll_duration=f"{POLL_DURATION}s", extra='review_timeout = "2s"\n')
    await wait_until(lambda: _poll_messages(world, article) == [], 20, "the deleted poll's message removed")
    await wait_until(lambda: _sql(bot_database_url, "SELECT state FROM discord_posts WHERE key = ?", f"removed:{first}")
                     == [("sent",)], 10, "the removal recorded")
