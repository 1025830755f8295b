"""Native-poll reconciliation benchmark: how long reader-bot takes, after downtime, to make the stored votes of its
open native polls equal Discord's voters, and how many REST requests that costs.

    .venv/bin/python benchmarks/native_reconcile.py [--polls 20] [--members 1000]

The sandbox (bot/sandbox) and the bot (bot.cogs.client.ReaderBot, real discord.py) run in this process on a
fresh SQLite file. `--polls` native polls (3 answers each) are on Discord with no vote stored; every member
votes in every poll while the bot is "down" (not connected). The bot then starts; the clock runs from the start
until it reports the reconciliation done. The sandbox keeps Discord's default-like rate limits (50 reads a
second per bot): the voters endpoint pages 100 users at a time, so the figure is bound by paging and by the
rate limit, not by the database.

Then, live: every member changes every vote at once (40,000 gateway events), and the clock runs until the stored
votes equal the sandbox's again.

Targets: 20 polls x 1000 members (20,000 votes) reconciled within 15 s, stored votes exactly equal to the
sandbox's; the 40,000 live events stored exactly within 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine_info  # noqa: E402

TOKEN = "benchmark-native-token"
TARGET_SECONDS = 15.0
TARGET_LIVE_SECONDS = 60.0


async def run(polls: int, members: int) -> int:
    from bot.cogs.client import ReaderBot, configure_endpoints
    from bot.config import DiscordSettings, FeedSettings, PollSettings, Settings
    from bot.feeds.fetch import FeedFetcher
    from bot.questions.model import PollKind
    from bot.sandbox import Sandbox
    from bot.storage.database import Database
    from bot.storage.migrate import upgrade_to_head_async
    from bot.storage.models import Article, DiscordPost, Poll, PollOption, PollState, PostState, utcnow

    sandbox = Sandbox()
    urls = await sandbox.start()
    account = sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Readers")
    channel = sandbox.add_channel(guild, "articles")
    readers = sandbox.add_members(guild, members)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_to_head_async(url)
        database = Database(url)
        messages = []
        async with database.session() as session:
            article = Article(guild_id=guild.id, channel_id=channel.id, entry_id="e", url="https://blog.example/a",
                              title="A", text_hash="x" * 64)
            session.add(article)
            await session.flush()
            for position in range(polls):
                message = sandbox.create_message(channel, account.user, {"poll": {
                    "question": {"text": f"Question {position}?"}, "duration": 24,
                    "answers": [{"poll_media": {"text": label}} for label in ("Yes", "No", "Not sure")]}})
                poll = Poll(article_id=article.id, guild_id=guild.id, position=position, question=f"Question {position}?",
                            kind=PollKind.YES_NO, language="en", anonymous=False, duration_seconds=86400.0,
                            closes_at=None, state=PollState.OPEN, style="native")
                poll.options = [PollOption(position=index, label=label) for index, label in enumerate(("Yes", "No", "Not sure"))]
                session.add(poll)
                await session.flush()
                session.add(DiscordPost(key=f"poll:{poll.id}", guild_id=guild.id, poll_id=poll.id, article_id=article.id,
                                        channel_id=channel.id, message_id=message.id, nonce=str(position),
                                        state=PostState.SENT, sent_at=utcnow()))
                messages.append((poll.id, message))
        for index, reader in enumerate(readers):  # the bot is down: nobody hears these
            for number, (_, message) in enumerate(messages):
                sandbox.vote_native(reader, message, [(index + number) % 3 + 1])

        settings = Settings(discord=DiscordSettings(token=TOKEN, api_base=urls.api_base, gateway_url=urls.gateway_url),
                            feeds=FeedSettings(poll_interval=3600.0, allow_private_addresses=True),
                            polls=PollSettings(duration=86400.0))
        configure_endpoints(settings.discord)
        requests_before = len(sandbox.requests)
        async with FeedFetcher(settings.feeds) as fetcher:
            bot = ReaderBot(settings, database, fetcher, guild_ready_timeout=0.1)
            done = asyncio.get_running_loop().create_future()

            async def reconciled_listener(count: int) -> None:
                if not done.done():
                    done.set_result(count)

            bot.add_listener(reconciled_listener, "on_native_polls_reconciled")
            started = time.perf_counter()
            task = asyncio.create_task(bot.start(TOKEN))
            try:
                reconciled = await asyncio.wait_for(done, 120)
                elapsed = time.perf_counter() - started
                reconciled_exact = _stored(url.removeprefix("sqlite+aiosqlite:///")) == {
                    (poll_id, user, answer) for poll_id, message in messages for answer in (1, 2, 3)
                    for user in sandbox.poll_voters(message, answer)}
                # Live: every member changes their vote in every poll (a REMOVE and an ADD event each), flat out.
                live_started = time.perf_counter()
                for index, reader in enumerate(readers):
                    for number, (_, message) in enumerate(messages):
                        sandbox.vote_native(reader, message, [(index + number + 1) % 3 + 1])
                    if index % 50 == 49:
                        await asyncio.sleep(0)  # let the gateway and the bot run between members
                sent_in = time.perf_counter() - live_started
                live_path = url.removeprefix("sqlite+aiosqlite:///")
                target_rows = {(poll_id, user, answer) for poll_id, message in messages for answer in (1, 2, 3)
                               for user in sandbox.poll_voters(message, answer)}
                while _stored(live_path) != target_rows:
                    if time.perf_counter() - live_started > 300:
                        break
                    await asyncio.sleep(0.2)
                live_elapsed = time.perf_counter() - live_started
            finally:
                await bot.close()
                await asyncio.wait_for(task, 10)
        voter_pages = len([r for r in sandbox.requests[requests_before:] if "/polls/" in r.path and r.method == "GET"])
        limited = len([r for r in sandbox.requests[requests_before:] if r.status == 429])
        stored = _stored(url.removeprefix("sqlite+aiosqlite:///"))
        await database.dispose()
    await sandbox.stop()
    expected = {(poll_id, user, answer) for poll_id, message in messages for answer in (1, 2, 3)
                for user in sandbox.poll_voters(message, answer)}
    exact = stored == expected
    print(machine_info())
    print(f"native polls: {polls}, members: {members}, votes to reconcile: {len(expected):,}")
    print(f"reconciled polls: {reconciled}; time from start to reconciled: {elapsed:.2f} s "
          f"(includes connecting, READY, command sync)")
    print(f"voter pages fetched: {voter_pages} (100 users a page, one empty page per answer); 429s: {limited}")
    print(f"after reconciling, stored votes equal Discord's exactly: {reconciled_exact}; after the live phase: "
          f"{exact} ({len(stored):,} stored)")
    events = 2 * polls * members
    print(f"live: {events:,} vote events (every member changes every vote) sent in {sent_in:.2f} s, all stored "
          f"after {live_elapsed:.2f} s: {events / live_elapsed:,.0f} events/s")
    passed = reconciled_exact and reconciled == polls and elapsed <= TARGET_SECONDS
    print(f"{'PASS' if passed else 'FAIL'}: target {polls} polls reconciled exactly within {TARGET_SECONDS:g} s")
    live_passed = exact and live_elapsed <= TARGET_LIVE_SECONDS
    print(f"{'PASS' if live_passed else 'FAIL'}: target live events stored exactly within {TARGET_LIVE_SECONDS:g} s")
    passed = passed and live_passed
    return 0 if passed else 1


def _stored(path: str) -> set[tuple[int, int, int]]:
    with sqlite3.connect(path, timeout=10) as connection:
        return set(connection.execute(
            "SELECT v.poll_id, v.member_id, o.position + 1 FROM votes v JOIN poll_options o ON o.id = v.option_id"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--members", type=int, default=1000)
    options = parser.parse_args()
    return asyncio.run(run(options.polls, options.members))


if __name__ == "__main__":
    sys.exit(main())
