"""A short bot run for the web's process tests: `reader-bot run` with [web] on, an article with three polls,
members who vote and answer (one answer full of HTML, markdown and a script), and helpers to read links."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass

import aiohttp

from bot.sandbox import Channel, Member, Message
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_TITLE
from e2e.fixtures import StartBot
from e2e.harness import REPOSITORY, BlogServer, BotProcess, SandboxWorld, wait_until

WEB_SECRET = "process-test-secret-0123456789abcdef"
WEB_CONFIG = f'[web]\nlisten = "127.0.0.1:0"\nsecret = "{WEB_SECRET}"\n'
HOSTILE_ANSWER = '<script>alert("pwned")</script> **Fridays** <img src=x onerror=alert(1)> <@123456789012345678>'
LINK = re.compile(r"<(http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{32})>")
SERVING = re.compile(r"web: serving report pages, /healthz and /metrics on (http://127\.0\.0\.1:\d+)")


@dataclass
class WebRun:
    bot: BotProcess
    base: str  # http://127.0.0.1:PORT
    article_url: str
    summary_channel: Channel
    readers: list[Member]
    polls: list[Message]


def _buttons(message: Message) -> list[dict]:
    return [button for row in message.components for button in row.get("components", [])]


async def start_web_run(world: SandboxWorld, blog: BlogServer, start_bot: StartBot, *, poll_duration: str = "7d",
                        readers: int = 6) -> WebRun:
    sandbox = world.sandbox
    summary_channel = sandbox.add_channel(world.guild, "summaries")
    members = [sandbox.add_member(world.guild, f"reader{n}", locale="de" if n % 2 else "en-US") for n in range(readers)]
    bot = await start_bot(poll_interval="0.5s", poll_duration=poll_duration, extra=WEB_CONFIG)
    base = (await wait_until(lambda: SERVING.search(bot.log_text()), 10, "the web server's address")).group(1)
    for name, options in (("feed add", {"url": blog.feed_url, "channel": world.channel}),
                          ("config set", {"summary_channel": summary_channel}),
                          ("config author", {"name": "Ada Lovelace", "member": world.admin})):
        handle = await sandbox.run_slash_command(world.admin, name, options, channel=world.channel)
        await handle.wait_response(timeout=15)
    post = blog.add_post("four-day-week", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    url = blog.post_url(post.slug)
    article = await wait_until(lambda: world.article_messages(url), 15, "the article message")
    polls = await wait_until(lambda: (m := world.thread_messages(article[0])) and len(m) == 3 and m, 15, "3 polls")
    return WebRun(bot, base, url, summary_channel, members, polls)


async def vote_and_answer(world: SandboxWorld, run: WebRun) -> int:
    """Every reader votes on both vote polls and answers the open one; returns the number of votes acknowledged."""
    sandbox = world.sandbox
    yes_no, choice, open_question = run.polls
    acknowledged = 0
    for index, member in enumerate(run.readers):
        for message in (yes_no, choice):
            buttons = [b for b in _buttons(message) if b["custom_id"].startswith("rb:vote:")]
            handle = await sandbox.click_button(member, message, buttons[index % len(buttons)]["custom_id"])
            await handle.wait_response(timeout=5)
            acknowledged += 1
        answer = next(b["custom_id"] for b in _buttons(open_question) if b["custom_id"].startswith("rb:answer:"))
        opened = await sandbox.click_button(member, open_question, answer)
        await opened.wait_response(timeout=5)
        text = HOSTILE_ANSWER if index == 0 else f"I would miss the long lunches, says reader {index}."
        submitted = await sandbox.submit_modal(member, opened.modal["custom_id"], {"answer": text})
        await submitted.wait_response(timeout=5)
    return acknowledged


async def ask_summary(world: SandboxWorld, member: Member, article: str, command: str = "summary") -> str:
    handle = await world.sandbox.run_slash_command(member, command, {"article": article}, channel=world.channel)
    await handle.wait_response(timeout=20)
    await wait_until(lambda: handle.messages and not any(m.flags & 128 for m in handle.messages), 10, "the answer")
    return "\n".join(m.content or "" for m in handle.messages)


def summary_json(bot: BotProcess, article_url: str) -> dict:
    """What `reader-bot summary --json` prints for the article, from the bot's own database."""
    result = subprocess.run([sys.executable, "-m", "bot", "summary", article_url, "--json", "--config", str(bot.config_path)],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def fetch(url: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text(), dict(response.headers)
