"""Voting end to end: `reader-bot run` as a separate process, members clicking over the sandbox's gateway.

Continues the posting test: the bot posts an article with three polls (yes/no, choice, open question); 20
members vote, change and withdraw votes, answer the open question; an admin closes one poll early and a member
then tries it; another member forges a custom id; the bot is SIGKILLed in the middle of a burst of votes and
restarted. The database (read directly and through `reader-bot summary --json`) then holds, option by option,
exactly what the members were last told; the buttons work after the restart; the remaining polls close at
their deadline with the final counts on the message, the buttons disabled and the result in the thread.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass

from bot.sandbox import Member, Message
from bot.sandbox.interactions import InteractionHandle
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import REPOSITORY, BlogServer, SandboxWorld, kill_when, wait_until

POLL_DURATION_SECONDS = 20  # the polls' deadline: long enough for the voting below, short enough for a test

# What a member is told; the member's vote is what the last answer said.
_RECORDED = [re.compile(r"Your vote for \*\*(?P<option>.+?)\*\* is recorded"),
             re.compile(r"Deine Stimme für \*\*(?P<option>.+?)\*\* ist gespeichert")]
_CHANGED = [re.compile(r"Your vote is changed from \*\*.+?\*\* to \*\*(?P<option>.+?)\*\*"),
            re.compile(r"Deine Stimme ist von \*\*.+?\*\* zu \*\*(?P<option>.+?)\*\* geändert")]
_WITHDRAWN = [re.compile(r"Your vote for \*\*(?P<option>.+?)\*\* is withdrawn"),
              re.compile(r"Deine Stimme für \*\*(?P<option>.+?)\*\* ist zurückgezogen")]


@dataclass
class PollOnDiscord:
    poll_id: int
    message: Message
    options: dict[str, int]  # label -> option id (vote polls); empty for the open question

    def custom_id(self, label: str) -> str:
        return f"rb:vote:{self.poll_id}:{self.options[label]}"


def _polls(messages: list[Message]) -> list[PollOnDiscord]:
    polls = []
    for message in messages:
        buttons = [button for row in message.components for button in row.get("components", [])]
        first = buttons[0]["custom_id"].split(":")
        options = {b["label"]: int(b["custom_id"].split(":")[3]) for b in buttons if b["custom_id"].startswith("rb:vote:")}
        polls.append(PollOnDiscord(int(first[2]), message, options))
    return polls


def _told(handle: InteractionHandle) -> tuple[str, str | None] | None:
    """("vote", label) or ("vote", None) for what the member was told, None when the answer says no vote changed."""
    text = handle.text
    for pattern in _RECORDED + _CHANGED:
        if match := pattern.search(text):
            return ("vote", match["option"])
    for pattern in _WITHDRAWN:
        if pattern.search(text):
            return ("vote", None)
    return None


class Members:
    """Clicks with their answers; `told[(member, poll)]` is what each member was last told about each poll."""

    def __init__(self, world: SandboxWorld) -> None:
        self.world = world
        self.told: dict[tuple[int, int], str | None] = {}
        self.acknowledged: list[tuple[int, int, str | None]] = []  # (member, poll, told) in order
        self.lost: list[tuple[Member, PollOnDiscord, str]] = []

    async def click(self, member: Member, poll: PollOnDiscord, label: str, *, timeout: float = 5.0) -> InteractionHandle:
        handle = await self.world.sandbox.click_button(member, poll.message, poll.custom_id(label))
        try:
            await handle.wait_response(timeout=timeout)
        except TimeoutError:
            self.lost.append((member, poll, label))
            return handle
        assert handle.ephemeral, handle.text
        told = _told(handle)
        assert told is not None, handle.text
        self.told[(member.user.id, poll.poll_id)] = told[1]
        self.acknowledged.append((member.user.id, poll.poll_id, told[1]))
        return handle

    def expected_tally(self, poll: PollOnDiscord) -> dict[str, int]:
        counts = Counter(label for (member, poll_id), label in self.told.items() if poll_id == poll.poll_id and label)
        return {label: counts.get(label, 0) for label in poll.options}


def _sql(database_url: str, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(database_url.removeprefix("sqlite+aiosqlite:///")) as connection:
        return connection.execute(query, args).fetchall()


def _stored_tally(database_url: str, poll: PollOnDiscord) -> dict[str, int]:
    rows = _sql(database_url, "SELECT o.label, COUNT(v.id) FROM poll_options o LEFT JOIN votes v ON v.option_id = o.id "
                              "WHERE o.poll_id = ? GROUP BY o.id ORDER BY o.position", poll.poll_id)
    return dict(rows)


def _summary_json(config_path: str, url: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "bot", "summary", url, "--json", "--config", config_path],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def test_voting_survives_sigkill_and_polls_close_at_their_deadline(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    rng = random.Random(20)
    readers = [sandbox.add_member(world.guild, f"reader{n}", locale="de" if n % 2 else "en-US") for n in range(20)]
    bot = await start_bot(poll_interval="0.5s", poll_duration=f"{POLL_DURATION_SECONDS}s")
    subscribed = await sandbox.run_slash_command(world.admin, "feed", {"url": blog.feed_url, "channel": world.channel},
                                                 subcommand="add", channel=world.channel)
    await subscribed.wait_response(timeout=15)

    post = blog.add_post("four-day-week", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    url = blog.post_url(post.slug)
    article = await wait_until(lambda: world.article_messages(url), 15, "the article message")
    messages = await wait_until(lambda: (m := world.thread_messages(article[0])) and len(m) == 3 and m, 15, "3 polls")
    posted_at = time.monotonic()
    yes_no, choice, open_question = _polls(messages)
    assert list(yes_no.options) == ["Yes", "No", "Not sure"] and len(choice.options) == 2 and not open_question.options
    members = Members(world)

    # Everyone votes on both vote polls; a few change their mind, a few withdraw.
    await asyncio.gather(*(members.click(m, p, rng.choice(list(p.options))) for m in readers for p in (yes_no, choice)))
    for member in readers[:5]:
        current = members.told[(member.user.id, yes_no.poll_id)]
        other = next(label for label in yes_no.options if label != current)
        handle = await members.click(member, yes_no, other)
        assert f"**{other}**" in handle.text and ("geändert" in handle.text or "changed" in handle.text)
    for member in readers[5:8]:
        current = members.told[(member.user.id, choice.poll_id)]
        handle = await members.click(member, choice, current)
        assert "withdrawn" in handle.text or "zurückgezogen" in handle.text
        assert members.told[(member.user.id, choice.poll_id)] is None

    # Written answers: stored, replaced, and an empty one refused.
    async def answer(member: Member, text: str) -> InteractionHandle:
        opened = await sandbox.click_button(member, open_question.message, f"rb:answer:{open_question.poll_id}")
        await opened.wait_response(timeout=5)
        submitted = await sandbox.submit_modal(member, opened.modal["custom_id"], {"answer": text})
        return await submitted.wait_response(timeout=5)

    for n, member in enumerate(readers[:6]):
        assert "stored" in (h := await answer(member, f"I would miss answer {n}.")).text or "gespeichert" in h.text
    replaced = await answer(readers[0], "On second thought: the Friday meetings.")
    assert "replaced" in replaced.text or "ersetzt" in replaced.text
    empty = await answer(readers[7], "   ")
    assert "empty" in empty.text or "leer" in empty.text

    # A forged custom id (another poll's option) and garbage are refused politely.
    for forged in (f"rb:vote:{yes_no.poll_id}:{choice.options[next(iter(choice.options))]}", "rb:vote:999999:1"):
        handle = await sandbox.click_button(readers[9], yes_no.message, forged, crafted=True)
        await handle.wait_response(timeout=5)
        assert handle.ephemeral and ("unknown here" in handle.text or "gibt es hier nicht" in handle.text), handle.text

    # SIGKILL in the middle of a burst: every member clicks both vote polls again, 100 clicks a second.
    burst = [(member, poll, rng.choice(list(poll.options))) for member in readers for poll in (yes_no, choice)]
    burst_started = time.perf_counter()

    def some_answered() -> bool:  # checked by the sandbox on every change: the kill lands mid-burst
        return sum(1 for h in sandbox.interactions.values() if h.created_at >= burst_started and h.acknowledged) >= 3

    async def paced(index: int, member: Member, poll: PollOnDiscord, label: str) -> None:
        await asyncio.sleep(index * 0.01)
        await members.click(member, poll, label, timeout=4)

    killed = kill_when(sandbox, some_answered, bot)
    await asyncio.gather(*(paced(index, *click) for index, click in enumerate(burst)))
    await killed
    assert members.lost, "the kill should have cut some clicks off"
    assert len(members.lost) < len(burst)

    # Restart: the members whose clicks got no answer click again, until they are told something.
    bot.start()
    await world.wait_connected()
    lost, members.lost = members.lost, []
    handles = await asyncio.gather(*(members.click(member, poll, label, timeout=8) for member, poll, label in lost))
    assert all(_told(handle) is not None for handle in handles), "the buttons must work after the restart"
    assert not members.lost

    # An admin closes the choice poll early; a member then tries it.
    closing = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(choice.poll_id)}, subcommand="close",
                                              channel=world.channel)
    await closing.wait_response(timeout=10)
    assert "is closed" in closing.text, closing.text
    late = await sandbox.click_button(readers[10], choice.message, choice.custom_id(next(iter(choice.options))), crafted=True)
    await late.wait_response(timeout=5)
    assert "closed" in late.text or "beendet" in late.text

    assert time.monotonic() - posted_at < POLL_DURATION_SECONDS - 1, "the voting above must end before the deadline"

    # What the members were told is what is stored, option by option (directly and through the summary).
    for poll in (yes_no, choice):
        assert _stored_tally(bot_database_url, poll) == members.expected_tally(poll), poll.poll_id
    stored = {(m, p): o for p, m, o in _sql(bot_database_url, "SELECT poll_id, member_id, option_id FROM votes")}
    expected = {key: label for key, label in members.told.items() if label is not None}
    labels_by_option = {option: label for poll in (yes_no, choice) for label, option in poll.options.items()}
    assert {key: labels_by_option[option] for key, option in stored.items()} == expected
    summary = _summary_json(str(bot.config_path), url)
    by_question = {poll["question"]: poll for poll in summary["polls"]}
    for poll, question in ((yes_no, 0), (choice, 1)):
        reported = summary["polls"][question]
        assert {o["label"]: o["votes"] for o in reported["options"]} == members.expected_tally(poll)
    assert len(by_question) == 3
    answers = sorted(a["text"] for a in summary["polls"][2]["answers"])
    assert len(answers) == 6 and "On second thought: the Friday meetings." in answers and "I would miss answer 0." not in answers

    # The remaining polls close at their deadline: final counts on the message, buttons disabled, result posted.
    remaining = POLL_DURATION_SECONDS - (time.monotonic() - posted_at)
    thread = sandbox.thread_of(article[0])
    result = await sandbox.wait_for_message(thread, lambda m: m.content.startswith("Poll closed: Would you work"),
                                            timeout=max(remaining, 0) + 10)
    tally = members.expected_tally(yes_no)
    for label, count in tally.items():
        assert f"**{label}**: " in result.content and f"({count})" in result.content
    assert f"Votes: {sum(tally.values())}" in result.content
    buttons = [b for row in yes_no.message.components for b in row["components"]]
    assert buttons and all(b.get("disabled") for b in buttons)
    assert f"Votes: {sum(tally.values())}" in yes_no.message.embeds[0]["description"]
    await wait_until(lambda: _sql(bot_database_url, "SELECT DISTINCT state FROM polls") == [("closed",)], 10, "all closed")
    assert "Traceback" not in bot.log_text()
