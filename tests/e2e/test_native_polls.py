"""Native polls end to end: `reader-bot run` as a process, members voting in Discord's own polls over the sandbox.

An admin switches the guild to native polls (anonymous votes are on, so the bot asks to confirm). The article's
yes/no and choice polls are posted as Discord polls, the open question keeps its answer button. 30 members vote,
change and remove votes; one member runs /forget-me; the bot is SIGKILLed while votes keep arriving and is
restarted; after reconciliation the stored votes equal the sandbox's own poll, member by member. An admin closes
the choice poll early: Discord's poll is ended (expire endpoint, finalised results, the poll-result message) and
the bot posts its usual result. The yes/no poll closes at the bot's deadline, which is shorter than Discord's
whole hour, so it is ended through the expire endpoint too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sqlite3
import time

from bot.sandbox import Member, Message
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, kill_when, wait_until
from e2e.test_voting import _sql, _summary_json

POLL_DURATION_SECONDS = 25
MESSAGE_POLL_RESULT = 46


def _buttons(components: list[dict]) -> list[dict]:
    return [c for row in components for c in row.get("components", []) if c.get("type") == 2]


def _stored(database_url: str, poll_id: int) -> dict[int, int]:
    """member id -> Discord answer id (option position + 1), as the bot stored the votes."""
    rows = _sql(database_url, "SELECT v.member_id, o.position FROM votes v JOIN poll_options o ON o.id = v.option_id "
                              "WHERE v.poll_id = ?", poll_id)
    return {member: position + 1 for member, position in rows}


def _on_discord(sandbox, message: Message) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return {user: answer for answer in sandbox.poll_counts(message) for user in sandbox.poll_voters(message, answer)}


async def test_native_polls_survive_sigkill_and_end_on_discord(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    rng = random.Random(16)
    readers = [sandbox.add_member(world.guild, f"reader{n}", locale="de" if n % 2 else "en-US") for n in range(30)]
    bot = await start_bot(poll_interval="0.5s", poll_duration=f"{POLL_DURATION_SECONDS}s")

    # Native style with anonymous votes on: the bot says voters become visible and asks to confirm.
    asked = await sandbox.run_slash_command(world.admin, "config", {"style": "native"}, subcommand="set",
                                            channel=world.channel)
    await asked.wait_response(timeout=10)
    assert "show everyone who voted for what" in asked.text, asked.text
    confirm = next(b["custom_id"] for b in _buttons(asked.components) if b["custom_id"].startswith("config-native:yes:"))
    confirmed = await sandbox.click_button(world.admin, asked.shown_message, confirm)
    await confirmed.wait_response(timeout=10)
    assert "visible to everyone" in confirmed.text, confirmed.text
    assert _sql(bot_database_url, "SELECT poll_style FROM guild_settings") == [("native",)]

    subscribed = await sandbox.run_slash_command(world.admin, "feed", {"url": blog.feed_url, "channel": world.channel},
                                                 subcommand="add", channel=world.channel)
    await subscribed.wait_response(timeout=15)
    post = blog.add_post("four-day-week", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    url = blog.post_url(post.slug)
    article = await wait_until(lambda: world.article_messages(url), 15, "the article message")
    yes_no, choice, open_question = await wait_until(
        lambda: (m := world.thread_messages(article[0])) and len(m) == 3 and m, 15, "3 polls")
    posted_at = time.monotonic()
    assert yes_no.poll is not None and choice.poll is not None and open_question.poll is None
    assert [a["poll_media"]["text"] for a in yes_no.poll["answers"]] == ["Yes", "No", "Not sure"]
    assert yes_no.poll["question"]["text"] == "Would you work four days a week for the same pay?"
    assert not yes_no.components and "Discord shows everyone" in yes_no.content
    hours = dt.datetime.fromisoformat(yes_no.poll["expiry"]) - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(minutes=59) < hours <= dt.timedelta(hours=1)  # 30 s rounded up to a whole hour
    assert any(b["custom_id"].startswith("rb:answer:") for b in _buttons(open_question.components))
    poll_ids = dict(_sql(bot_database_url, "SELECT message_id, poll_id FROM discord_posts WHERE key LIKE 'poll:%'"))
    ids = {message.id: poll_ids[message.id] for message in (yes_no, choice)}

    def settled() -> bool:
        return all(_stored(bot_database_url, ids[m.id]) == _on_discord(sandbox, m) for m in (yes_no, choice))

    # Everyone votes on both; some change their mind, some remove their vote.
    for member in readers:
        sandbox.vote_native(member, yes_no, [rng.randint(1, 3)])
        sandbox.vote_native(member, choice, [rng.randint(1, 2)])
    for member in readers[:5]:
        sandbox.vote_native(member, yes_no, [sandbox.member_poll_answers(yes_no, member).pop() % 3 + 1])
    for member in readers[5:8]:
        sandbox.unvote_native(member, choice)
    await wait_until(settled, 10, "the live votes stored")

    # /forget-me: the stored votes go; Discord still shows them, and reconciling must not bring them back.
    forgetful = readers[9]
    asked = await sandbox.run_slash_command(forgetful, "forget-me", channel=world.channel)
    await asked.wait_response(timeout=10)
    yes = next(b["custom_id"] for b in _buttons(asked.components) if b["custom_id"].startswith("forget-me:yes:"))
    forgotten = await sandbox.click_button(forgetful, asked.shown_message, yes)
    await forgotten.wait_response(timeout=10)
    assert "Stimmen 2" in forgotten.text and "bis du sie dort entfernst" in forgotten.text, forgotten.text
    assert forgetful.user.id in _on_discord(sandbox, yes_no)
    voters = [member for member in readers if member is not forgetful]

    def settled_without_forgotten() -> bool:
        return all(_stored(bot_database_url, ids[m.id]) == {k: v for k, v in _on_discord(sandbox, m).items()
                                                              if k != forgetful.user.id} for m in (yes_no, choice))

    # Votes keep arriving while the bot is SIGKILLed, down, and starting again.
    actions = 0
    stop = asyncio.Event()

    async def keep_voting() -> None:
        nonlocal actions
        while not stop.is_set():
            member: Member = rng.choice(voters)
            message = rng.choice((yes_no, choice))
            if rng.random() < 0.25 and sandbox.member_poll_answers(message, member):
                sandbox.unvote_native(member, message)
            else:
                sandbox.vote_native(member, message, [rng.randint(1, len(message.poll["answers"]))])
            actions += 1
            await asyncio.sleep(0.01)

    voting = asyncio.create_task(keep_voting())
    await kill_when(sandbox, lambda: actions >= 30, bot)
    killed_at = actions
    await asyncio.sleep(1.0)
    bot.start()
    await world.wait_connected()
    await asyncio.sleep(0.5)
    stop.set()
    await voting
    assert actions - killed_at > 50, "votes must have arrived while the bot was down"
    await wait_until(settled_without_forgotten, 15, "the stored votes reconciled with Discord's")
    assert "reconciled 2 open native polls with Discord" in bot.log_text()

    # An admin closes the choice poll early: Discord's poll ends, the bot shows its own result as for buttons.
    closing = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(ids[choice.id])}, subcommand="close",
                                              channel=world.channel)
    await closing.wait_response(timeout=10)
    assert "is closed" in closing.text, closing.text
    assert sandbox.requests_matching("POST", f"/polls/{choice.id}/expire", status=200)
    assert sandbox.poll_is_finalized(choice) and not sandbox.poll_is_finalized(yes_no)
    thread = sandbox.thread_of(article[0])
    ended = [m for m in sandbox.messages(thread) if m.type == MESSAGE_POLL_RESULT]
    assert [m.message_reference["message_id"] for m in ended] == [str(choice.id)]
    final = {a["id"]: a["count"] for a in choice.poll["results"]["answer_counts"]}
    if forgetful.user.id in _on_discord(sandbox, choice):  # Discord still counts the forgotten member's vote
        final[_on_discord(sandbox, choice)[forgetful.user.id]] -= 1
    stored = _stored(bot_database_url, ids[choice.id])
    assert {answer: list(stored.values()).count(answer) for answer in final} == final
    await sandbox.wait_for_message(thread, lambda m: m.content.startswith("Poll closed: Would you rather"), timeout=10)
    assert time.monotonic() - posted_at < POLL_DURATION_SECONDS - 1, "the steps above must end before the deadline"

    # The yes/no poll closes at the bot's deadline (25 s, before Discord's whole hour): it is ended on Discord
    # too. To spare the test the wait, the deadline is moved to now in the bot's database (the closer reads it).
    with sqlite3.connect(bot_database_url.removeprefix("sqlite+aiosqlite:///"), timeout=10) as connection:
        connection.execute("UPDATE polls SET closes_at = ? WHERE id = ?",
                           ((dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=1))
                            .isoformat(sep=" ", timespec="microseconds"), ids[yes_no.id]))  # as SQLAlchemy stores it
    result = await sandbox.wait_for_message(thread, lambda m: m.content.startswith("Poll closed: Would you work"),
                                            timeout=15)
    assert sandbox.poll_is_finalized(yes_no)
    assert sandbox.requests_matching("POST", f"/polls/{yes_no.id}/expire", status=200)
    expected = {k: v for k, v in _on_discord(sandbox, yes_no).items() if k != forgetful.user.id}
    assert _stored(bot_database_url, ids[yes_no.id]) == expected
    assert f"Votes: {len(expected)}" in result.content
    summary = _summary_json(str(bot.config_path), url)
    labels = ["Yes", "No", "Not sure"]
    assert {o["label"]: o["votes"] for o in summary["polls"][0]["options"]} == {
        label: list(expected.values()).count(index + 1) for index, label in enumerate(labels)}
    assert "Traceback" not in bot.log_text()
