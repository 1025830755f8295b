"""`reader-bot run` as a separate process against the sandbox and a local blog: the whole path, and SIGKILL."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import discord
import pytest

from bot.sandbox import Sandbox
from e2e.articles import FOUR_DAY_WEEK, FOUR_DAY_WEEK_QUESTIONS, FOUR_DAY_WEEK_TITLE
from e2e.harness import REPOSITORY, BlogServer, BotProcess, SandboxWorld, custom_ids, kill_when, wait_until, write_bot_config

POLL_INTERVAL = 0.5


def _database_rows(database_url: str, query: str) -> list[tuple]:
    path = database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


async def _subscribe(world: SandboxWorld, blog: BlogServer) -> str:
    handle = await world.sandbox.run_slash_command(
        world.admin, "feed", {"url": blog.feed_url, "channel": world.channel}, subcommand="add", channel=world.channel
    )
    await handle.wait_response(timeout=15)
    return handle.text


def _poll_questions(world: SandboxWorld, url: str) -> list[str]:
    article = world.article_messages(url)
    return [message.content for message in world.thread_messages(article[0])] if article else []


def _assert_posted_exactly_once(world: SandboxWorld, urls: list[str], questions_per_article: list[int]) -> None:
    channel = world.channel_messages()
    assert [message.embeds[0]["url"] for message in channel] == urls  # one message per article, in order
    threads = world.sandbox.threads(world.channel)
    assert sorted(thread.id for thread in threads) == sorted(message.id for message in channel)  # one thread each
    for message, count in zip(channel, questions_per_article, strict=True):
        polls = world.thread_messages(message)
        assert len(polls) == count, [p.content for p in polls]
        poll_ids = [custom_ids(poll)[0].split(":")[2] for poll in polls]
        assert len(set(poll_ids)) == count  # one message per poll, none twice


async def test_run_posts_new_articles_with_polls_refuses_members_and_survives_sigkill(
    world: SandboxWorld, blog: BlogServer, bot_process: BotProcess, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    blog.add_post("hello", "Hello, readers", ["The first post of the blog."])

    answer = await _subscribe(world, blog)
    assert "Subscribed to **The Reader Blog**" in answer and "(entries: 1)" in answer, answer

    refused = await sandbox.run_slash_command(
        world.member, "feed", {"url": f"{blog.feed_url}?mine", "channel": world.channel}, subcommand="add",
        channel=world.channel, crafted=True,
    )
    await refused.wait_response(timeout=10)
    assert refused.ephemeral and "Server verwalten" in refused.text, refused.text
    assert _database_rows(bot_database_url, "SELECT feed_url FROM feed_subscriptions") == [(blog.feed_url,)]

    # The feed gains an article: within one poll interval (plus reading it) the embed, thread and polls appear.
    first = blog.add_post("four-day-week", FOUR_DAY_WEEK_TITLE, FOUR_DAY_WEEK)
    first_url = blog.post_url(first.slug)
    started = time.monotonic()
    await sandbox.wait_until(lambda: world.article_messages(first_url), POLL_INTERVAL + 5, "article message")
    appeared_after = time.monotonic() - started
    expected = [f"**{question}**" for question, _ in FOUR_DAY_WEEK_QUESTIONS]
    await wait_until(lambda: _poll_questions(world, first_url) == expected, 10, "the three polls in the thread")
    assert appeared_after < POLL_INTERVAL + 3, appeared_after
    message = world.article_messages(first_url)[0]
    assert message.embeds[0]["title"] == FOUR_DAY_WEEK_TITLE and message.embeds[0]["author"]["name"] == "Ada Lovelace"
    assert sandbox.thread_of(message).name == FOUR_DAY_WEEK_TITLE

    # SIGKILL in the middle of the next article: its first poll message exists, the bot never hears so.
    second = blog.add_post("four-day-week-again", "The four-day week, revisited", FOUR_DAY_WEEK)
    second_url = blog.post_url(second.slug)

    def first_poll_posted() -> bool:
        articles = world.article_messages(second_url)
        return bool(articles) and len(world.thread_messages(articles[0])) == 1

    await kill_when(sandbox, first_poll_posted, bot_process)
    assert not bot_process.running
    assert _database_rows(bot_database_url, "SELECT state, COUNT(*) FROM discord_posts GROUP BY state ORDER BY state") == [
        ("pending", 1),  # the second article's first poll: sent, but the bot never heard so
        ("sent", 7),  # first article: message, thread, 3 polls; second: message, thread
    ]

    bot_process.start()
    await wait_until(lambda: len(_poll_questions(world, second_url)) == 3, 20, "second article finished after restart")
    await wait_until(
        lambda: _database_rows(bot_database_url, "SELECT state FROM seen_entries ORDER BY id")
        == [("baseline",), ("posted",), ("posted",)],
        10,
        "entries posted",
    )
    _assert_posted_exactly_once(world, [first_url, second_url], [3, 3])
    assert _database_rows(bot_database_url, "SELECT DISTINCT state FROM discord_posts") == [("sent",)]
    assert _database_rows(bot_database_url, "SELECT DISTINCT state FROM polls") == [("open",)]

    # Only guilds, guild messages and guild polls (native poll votes) were asked for (no privileged intents).
    guilds, guild_messages = discord.Intents.guilds.flag, discord.Intents.guild_messages.flag
    guild_polls = discord.Intents.guild_polls.flag
    assert {record.intents for record in sandbox.hub.identifies} == {guilds | guild_messages | guild_polls}

    # Clean shutdown on SIGTERM; the token never reached the log.
    assert await bot_process.stop() == 0
    log = bot_process.log_text()
    assert world.token not in log
    assert "Traceback" not in log, log[-3000:]


async def test_sigkill_at_each_step_of_posting_never_duplicates_or_skips(
    world: SandboxWorld, blog: BlogServer, bot_process: BotProcess, bot_database_url: str
) -> None:
    sandbox = world.sandbox
    channel_messages_path = f"/channels/{world.channel.id}/messages"
    await _subscribe(world, blog)
    urls: list[str] = []

    async def crash_and_recover(slug: str, paragraphs: list[str], step: str) -> None:
        post = blog.add_post(slug, f"Post {slug}", paragraphs)
        url = blog.post_url(post.slug)
        urls.append(url)
        if step == "before the message":
            # Discord answers 500: the intent is recorded, the message never created; kill while discord.py retries.
            fault = sandbox.inject_fault(500, path_contains=channel_messages_path, method="POST", duration=60)
            await wait_until(lambda: sandbox.requests_matching("POST", channel_messages_path, status=500), 15, "a refused send")
            bot_process.kill()
            sandbox.clear_faults()
            assert fault.hits >= 1 and world.article_messages(url) == []
        elif step == "after the message":
            await kill_when(sandbox, lambda: bool(world.article_messages(url)), bot_process)
            assert sandbox.thread_of(world.article_messages(url)[0]) is None
        elif step == "after the thread":
            await kill_when(
                sandbox,
                lambda: bool(world.article_messages(url)) and sandbox.thread_of(world.article_messages(url)[0]) is not None,
                bot_process,
            )
            assert world.thread_messages(world.article_messages(url)[0]) == []
        assert not bot_process.running
        bot_process.start()
        await wait_until(
            lambda: world.article_messages(url) and len(world.thread_messages(world.article_messages(url)[0])) == 3,
            20,
            f"article posted after a kill {step}",
        )

    await crash_and_recover("a", FOUR_DAY_WEEK, "before the message")
    await crash_and_recover("b", FOUR_DAY_WEEK, "after the message")
    await crash_and_recover("c", FOUR_DAY_WEEK, "after the thread")
    assert bot_process.starts == 4
    await wait_until(
        lambda: _database_rows(bot_database_url, "SELECT DISTINCT state FROM seen_entries") == [("posted",)], 10, "all posted"
    )
    await asyncio.sleep(POLL_INTERVAL * 2)  # a few more rounds: nothing more may appear
    _assert_posted_exactly_once(world, urls, [3, 3, 3])


def _run_cli(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"},
    )


async def test_rejected_token_is_one_clear_line_and_exit_2(sandbox: Sandbox, tmp_path: Path) -> None:
    world = SandboxWorld.create(sandbox)
    rejected = SandboxWorld(sandbox, world.bot, world.guild, world.channel, world.admin, world.member, token="not-the-token-4711")
    config = write_bot_config(tmp_path, rejected, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    result = await asyncio.to_thread(_run_cli, config)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("reader-bot:")]
    assert lines == ["reader-bot: Discord rejected the token: check DISCORD_TOKEN or [discord] token in the configuration"]
    assert "not-the-token-4711" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_missing_token_is_one_clear_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cogs.client import run_bot
    from bot.config import Settings

    assert run_bot(Settings()) == 2
    assert capsys.readouterr().err == "reader-bot: no Discord token: set DISCORD_TOKEN or [discord] token in the configuration\n"
