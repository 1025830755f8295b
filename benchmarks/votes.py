"""Vote benchmark: how many button clicks per second reader-bot stores and acknowledges, against a bare bot.

    .venv/bin/python benchmarks/votes.py [--saturation-seconds 6] [--rate 500] [--rate-seconds 8]

The sandbox (bot/sandbox) runs in this process; the bot runs in another process (`reader-bot run` with a SQLite
file database), connected over the real REST and gateway protocol. Members click poll buttons:

1. saturation: as fast as the bot acknowledges (a fixed number of clicks in flight): clicks acknowledged per second;
2. a fixed offered rate (500 clicks/s by default): p50/p99 time from click to acknowledgement.

Three bots are connected at once, each with its own copy of the poll messages: reader-bot, and two bare
discord.py bots that answer every click with an ephemeral message and store nothing, one with an
`on_interaction` listener and one with a `DynamicItem` on the same custom ids as reader-bot (the same discord.py
machinery, so the difference is what reader-bot does with a vote; the ratio is taken against this one). They
take turns: saturation rounds alternate between the bots (the median counts), and the fixed rate is offered in
two halves in opposite orders, so a busy moment of the machine does not fall on one bot only. Every reader-bot click is a distinct (member, poll)
pair, so each confirmed click must be exactly one stored vote for the option clicked. reader-bot is ended with
SIGKILL, and the database is then checked for every vote a member was told counts.

Targets: reader-bot / bare >= 0.95 at saturation; p99 < 50 ms at 500 clicks/s; zero acknowledged votes missing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine_info  # noqa: E402

TOKEN = "benchmark-bot-token"
TARGET_RATIO = 0.95
TARGET_P99_MS = 50.0


# ----- the bare bot (runs in its own process: `votes.py --bare-bot API GATEWAY`) ----------------------------------


def run_bare_bot(api_base: str, gateway_url: str, style: str, token: str = "") -> int:
    """A discord.py bot that answers every button click with an ephemeral message and stores nothing.

    style "listener": an `on_interaction` listener (the least discord.py does for a click);
    style "dynamic": a `discord.ui.DynamicItem` on the same custom ids as reader-bot's buttons (the same
    discord.py machinery reader-bot uses, so the difference to reader-bot is the storing of votes).
    """
    import re

    import discord
    import yarl

    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    intents = discord.Intents.none()
    intents.guilds = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05, max_messages=None, chunk_guilds_at_startup=False)

    if style == "dynamic":
        class AckButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(r"rb:vote:(?P<rest>.*)")):
            def __init__(self, custom_id: str) -> None:
                super().__init__(discord.ui.Button(custom_id=custom_id))

            @classmethod
            async def from_custom_id(cls, interaction, item, match, /):  # type: ignore[no-untyped-def]
                return cls(match.string)

            async def callback(self, interaction: discord.Interaction) -> None:
                await interaction.response.send_message("Your click is noted.", ephemeral=True)

        @client.event
        async def setup_hook() -> None:
            client.add_dynamic_items(AckButton)
    else:
        @client.event
        async def on_interaction(interaction: discord.Interaction) -> None:
            if interaction.type == discord.InteractionType.component:
                await interaction.response.send_message("Your click is noted.", ephemeral=True)

    client.run(token or TOKEN, log_handler=None)
    return 0


# ----- the driver ------------------------------------------------------------------------------------------------


@dataclass
class Click:
    member: Any
    message: Any
    custom_id: str
    member_id: int
    poll_id: int
    option_id: int
    handle: Any = None


@dataclass
class PhaseResult:
    name: str
    saturation_per_s: float = 0.0
    saturation_clicks: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    rate_clicks: int = 0
    rate_achieved: float = 0.0
    unacknowledged: int = 0
    deferred: int = 0
    cpu_ms_per_click: float = 0.0  # the bot process's CPU time per acknowledged click, over the whole run
    acknowledged: list[Click] = field(default_factory=list)


def confirmed(handle: Any) -> bool:
    """The member was told the click counts: a message as the response, or a follow-up after a defer.
    (A bare defer is an acknowledgement to Discord, not a confirmation to the member.)"""
    from bot.sandbox.state import FLAG_LOADING

    if handle.callback_type == 4 or handle.followups:
        return True
    return handle.callback_type == 5 and handle.response is not None and not handle.response.flags & FLAG_LOADING


def make_sandbox():  # type: ignore[no-untyped-def]
    from bot.sandbox import Sandbox

    class CountingSandbox(Sandbox):
        """Counts confirmations as they happen (the driver's window and the saturation clock need it)."""

        acked = 0

        def interaction_changed(self, handle) -> None:  # type: ignore[no-untyped-def]
            if confirmed(handle) and not getattr(handle, "_counted", False):
                handle._counted = True
                self.acked += 1
            super().interaction_changed(handle)

    return CountingSandbox(record_requests=False)


def copy_messages(sandbox: Any, channel: Any, bot_account: Any, polls: list[tuple[int, list[int], Any]]) -> list[tuple[int, list[int], Any]]:
    """The same poll messages, as posted by another bot account (the bare bots get identical payloads)."""
    copies = []
    for poll_id, option_ids, message in polls:
        copy = sandbox.create_message(channel, bot_account.user, {
            "content": message.content, "embeds": message.embeds, "components": message.components,
        }, application_id=bot_account.application_id)
        copies.append((poll_id, option_ids, copy))
    return copies


async def seed(database_url: str, sandbox: Any, guild: Any, channel: Any, bot_account: Any, polls: int, options: int) -> list[tuple[int, list[int], Any]]:
    """An article with `polls` open choice polls, their messages in the channel, and the outbox rows for them."""
    from bot.cogs.poll_views import render_poll_message
    from bot.polls.tally import load_poll_snapshot
    from bot.questions.model import PollKind
    from bot.storage.database import Database
    from bot.storage.migrate import upgrade_to_head_async
    from bot.storage.models import Article, DiscordPost, Poll, PollOption, PollState, PostState, utcnow

    await upgrade_to_head_async(database_url)
    database = Database(database_url)
    created: list[tuple[int, list[int], Any]] = []
    try:
        async with database.session() as session:
            article = Article(guild_id=guild.id, channel_id=channel.id, entry_id="bench", url="https://blog.example/bench",
                              title="Benchmark", text_hash="0" * 64, language="en")
            session.add(article)
            await session.flush()
            for position in range(polls):
                poll = Poll(article_id=article.id, guild_id=guild.id, position=position, question=f"Question {position + 1}?",
                            kind=PollKind.CHOICE, language="en", anonymous=True, duration_seconds=86400.0,
                            closes_at=utcnow() + timedelta(days=1), state=PollState.OPEN)
                poll.options = [PollOption(position=index, label=f"Option {index + 1}") for index in range(options)]
                session.add(poll)
            await session.flush()
            poll_rows = list((await session.execute(Poll.__table__.select().where(Poll.article_id == article.id))).all())
        for row in poll_rows:
            async with database.session() as session:
                snapshot = await load_poll_snapshot(session, row.id)
            assert snapshot is not None
            content, embed, view = render_poll_message(snapshot)
            message = sandbox.create_message(channel, bot_account.user, {
                "content": content, "embeds": [embed.to_dict()], "components": view.to_components(),
            }, application_id=bot_account.application_id)
            async with database.session() as session:
                session.add(DiscordPost(key=f"poll:{row.id}", guild_id=guild.id, article_id=row.article_id, poll_id=row.id,
                                        channel_id=channel.id, message_id=message.id, nonce=f"bench{row.id}",
                                        state=PostState.SENT, sent_at=utcnow()))
            created.append((row.id, [option.option_id for option in snapshot.options], message))
    finally:
        await database.dispose()
    return created


def plan_clicks(members: list[Any], polls: list[tuple[int, list[int], Any]], rng: random.Random) -> list[Click]:
    """Every (member, poll) pair once, in random order, each on a random option."""
    clicks = [
        Click(member, message, f"rb:vote:{poll_id}:{option}", member.user.id, poll_id, option)
        for member in members
        for poll_id, option_ids, message in polls
        for option in [rng.choice(option_ids)]
    ]
    rng.shuffle(clicks)
    return clicks


async def wait_acked(sandbox: Any, clicks: list[Click], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(confirmed(click.handle) or click.handle.rejected for click in clicks):
            return
        await asyncio.sleep(0.05)


async def saturate(sandbox: Any, clicks: list[Click], seconds: float, window: int) -> tuple[float, list[Click]]:
    """Keep `window` clicks in flight for `seconds`; returns acknowledgements per second over the steady part."""
    used: list[Click] = []
    index = 0
    start = time.perf_counter()
    warm_end = start + min(1.0, seconds / 4)
    end = start + seconds
    warm_acked = None
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        if warm_acked is None and now >= warm_end:
            warm_acked, warm_at = sandbox.acked, now
        in_flight = len(used) - (sandbox.acked - base_acked(sandbox))
        if in_flight < window and index < len(clicks):
            click = clicks[index]
            index += 1
            click.handle = sandbox.click_button_now(click.member, click.message, click.custom_id)
            used.append(click)
            if index % 32 == 0:
                await asyncio.sleep(0)
        else:
            await asyncio.sleep(0.0005)
    measured_end, measured_acked = time.perf_counter(), sandbox.acked
    assert warm_acked is not None
    rate = (measured_acked - warm_acked) / (measured_end - warm_at)
    return rate, used


def base_acked(sandbox: Any) -> int:
    return getattr(sandbox, "_phase_base", 0)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), 0.0 where /proc is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def start_process(command: list[str], log_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))


async def connected(sandbox: Any, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60,
                    account: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while not sandbox.is_connected(account):
        if process.poll() is not None:
            raise SystemExit(f"the bot process ended ({process.returncode}); see {log_path}")
        if time.monotonic() > deadline:
            raise SystemExit(f"the bot did not connect within {timeout}s; see {log_path}")
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # READY, GUILD_CREATE, command sync, extension start-up


async def stop_process(sandbox: Any, process: subprocess.Popen[bytes], sig: int) -> None:
    process.send_signal(sig)
    for _ in range(200):
        if process.poll() is not None:
            break
        await asyncio.sleep(0.05)
    else:
        process.kill()
        process.wait()
    for _ in range(100):
        if not sandbox.is_connected():
            break
        await asyncio.sleep(0.05)


def missing_votes(database_path: Path, acknowledged: list[Click]) -> tuple[int, int]:
    """Acknowledged clicks without their vote; and stored votes no click explains."""
    connection = sqlite3.connect(str(database_path))
    try:
        stored = {(poll, member): option for poll, member, option in connection.execute(
            "SELECT poll_id, member_id, option_id FROM votes")}
    finally:
        connection.close()
    missing = sum(1 for c in acknowledged if stored.get((c.poll_id, c.member_id)) != c.option_id)
    return missing, len(stored)


@dataclass
class Contender:
    name: str
    account: Any
    process: subprocess.Popen[bytes] | None = None
    clicks: list[Click] = field(default_factory=list)
    saturation: list[float] = field(default_factory=list)
    result: PhaseResult | None = None
    cpu: float = 0.0
    confirmed_clicks: int = 0
    latencies: list[float] = field(default_factory=list)


async def measure_saturation(sandbox: Any, bot: Contender, args: argparse.Namespace, reuse: bool) -> None:
    clicks = bot.clicks if not reuse else [replace(click) for click in bot.clicks]
    sandbox._phase_base = sandbox.acked
    cpu_before = cpu_seconds(bot.process.pid)  # type: ignore[union-attr]
    rate, used = await saturate(sandbox, clicks, args.saturation_seconds, args.window)
    if not reuse:
        del bot.clicks[: len(used)]
    await wait_acked(sandbox, used, 10)
    bot.cpu += cpu_seconds(bot.process.pid) - cpu_before  # type: ignore[union-attr]
    bot.confirmed_clicks += sum(1 for click in used if confirmed(click.handle))
    bot.saturation.append(rate)
    assert bot.result is not None
    bot.result.acknowledged += [click for click in used if confirmed(click.handle)]
    bot.result.unacknowledged += sum(1 for click in used if not confirmed(click.handle))


async def measure_rate(sandbox: Any, bot: Contender, args: argparse.Namespace, reuse: bool, seconds: float) -> None:
    """Offer `args.rate` clicks a second for `seconds`; latencies add up over calls (p50/p99 over all of them)."""
    count = int(args.rate * seconds)
    offered = bot.clicks[:count] if not reuse else [replace(click) for click in bot.clicks[:count]]
    if not reuse:
        del bot.clicks[:count]
    cpu_before = cpu_seconds(bot.process.pid)  # type: ignore[union-attr]
    started = time.perf_counter()
    handles = await sandbox.click_many([(c.member, c.message, c.custom_id) for c in offered], rate=args.rate)
    result = bot.result
    assert result is not None
    result.rate_achieved = min(result.rate_achieved or float("inf"), len(handles) / (time.perf_counter() - started))
    for click, handle in zip(offered, handles, strict=True):
        click.handle = handle
    await wait_acked(sandbox, offered, 10)
    bot.cpu += cpu_seconds(bot.process.pid) - cpu_before  # type: ignore[union-attr]
    bot.confirmed_clicks += sum(1 for click in offered if confirmed(click.handle))
    bot.latencies += [c.handle.latency * 1000 for c in offered if c.handle.latency is not None]
    latencies = sorted(bot.latencies)
    result.rate_clicks += len(offered)
    if latencies:
        result.p50_ms = statistics.median(latencies)
        result.p99_ms = latencies[min(len(latencies) - 1, int(round(0.99 * len(latencies))) - 1)]
    result.deferred += sum(1 for c in offered if c.handle.deferred)
    result.acknowledged += [c for c in offered if confirmed(c.handle)]
    result.unacknowledged += sum(1 for c in offered if not confirmed(c.handle))


def quiet_driver() -> None:
    """The sandbox (this process) holds every interaction it ever sent; its garbage collector would pause the
    whole pipeline now and then, for whichever bot happens to be measured. Collect between phases instead."""
    gc.collect()
    gc.freeze()
    gc.disable()


async def main(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="reader-bot-votes-"))
    database_path = workdir / "votes.db"
    database_url = f"sqlite+aiosqlite:///{database_path}"
    rng = random.Random(args.seed)
    load_before = os.getloadavg()

    sandbox = make_sandbox()
    urls = await sandbox.start()
    guild = sandbox.add_guild("Benchmark readers")
    channel = sandbox.add_channel(guild, "articles")
    members = sandbox.add_members(guild, args.members, locales=("en-US", "de"))
    bots = [
        Contender("bare bot (listener)", sandbox.add_bot_user(TOKEN + ".listener")),
        Contender("bare bot (DynamicItem)", sandbox.add_bot_user(TOKEN + ".dynamic")),
        Contender("reader-bot", sandbox.add_bot_user(TOKEN)),
    ]
    listener, dynamic, reader = bots
    reader_polls = await seed(database_url, sandbox, guild, channel, reader.account, args.polls, args.options)
    for bot in (listener, dynamic):
        bot.clicks = plan_clicks(members, copy_messages(sandbox, channel, bot.account, reader_polls), random.Random(args.seed))
    reader.clicks = plan_clicks(members, reader_polls, rng)
    for bot in bots:
        bot.result = PhaseResult(bot.name)

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    print(machine_info())
    print(f"{args.polls} polls x {args.options} options, {args.members} members; saturation: {args.window} clicks in "
          f"flight, {args.rounds} rounds of {args.saturation_seconds:g} s per bot, taking turns; then {args.rate:g} "
          f"clicks/s for {args.rate_seconds:g} s per bot")
    config = workdir / "config.toml"
    config.write_text(
        f'[discord]\ntoken = "{TOKEN}"\napi_base = "{urls.api_base}"\ngateway_url = "{urls.gateway_url}"\n'
        f'[database]\nurl = "{database_url}"\n[feeds]\npoll_interval = "1h"\n', encoding="utf-8")
    listener.process = start_process([sys.executable, str(Path(__file__).resolve()), "--bare-bot", urls.api_base,
                                      urls.gateway_url, "listener", listener.account.token], workdir / "bare-listener.log", env)
    dynamic.process = start_process([sys.executable, str(Path(__file__).resolve()), "--bare-bot", urls.api_base,
                                     urls.gateway_url, "dynamic", dynamic.account.token], workdir / "bare-dynamic.log", env)
    reader.process = start_process([sys.executable, "-m", "bot", "run", "--config", str(config)], workdir / "reader-bot.log", env)
    for bot in bots:
        await connected(sandbox, bot.process, workdir / f"{bot.name}.log", account=bot.account)  # type: ignore[arg-type]
    await asyncio.sleep(2.0)  # start-up work (command sync, first loop rounds) out of the way

    for bot in bots:  # warm up: connections, caches, first batches
        warm = [replace(click) for click in bot.clicks[: args.warmup]] if bot is not reader else bot.clicks[: args.warmup]
        if bot is reader:
            del bot.clicks[: args.warmup]
        for click in warm:
            click.handle = sandbox.click_button_now(click.member, click.message, click.custom_id)
            await asyncio.sleep(0.002)
        await wait_acked(sandbox, warm, 10)
        if bot is reader:
            reader.result.acknowledged += [c for c in warm if confirmed(c.handle)]  # type: ignore[union-attr]

    quiet_driver()
    for round_number in range(args.rounds):
        order = bots if round_number % 2 == 0 else list(reversed(bots))
        for bot in order:
            await measure_saturation(sandbox, bot, args, reuse=bot is not reader)
            gc.collect()
            await asyncio.sleep(0.5)
    for half in range(2):  # two halves in opposite orders, so no bot always goes first or last
        for bot in bots if half == 0 else list(reversed(bots)):
            await measure_rate(sandbox, bot, args, reuse=bot is not reader, seconds=args.rate_seconds / 2)
            gc.collect()
            await asyncio.sleep(0.5)
    gc.enable()
    load_after = os.getloadavg()

    reader.process.kill()  # SIGKILL: acknowledged means committed, so a crash must lose nothing
    reader.process.wait()
    for bot in (listener, dynamic):
        await stop_process(sandbox, bot.process, signal.SIGTERM)  # type: ignore[arg-type]
    await sandbox.stop()

    for bot in bots:
        assert bot.result is not None
        bot.result.saturation_per_s = statistics.median(bot.saturation)
        bot.result.cpu_ms_per_click = 1000 * bot.cpu / max(1, bot.confirmed_clicks)
    reader_result, bare_result = reader.result, dynamic.result
    assert reader_result is not None and bare_result is not None
    missing, stored = missing_votes(database_path, reader_result.acknowledged)
    ratio = reader_result.saturation_per_s / bare_result.saturation_per_s if bare_result.saturation_per_s else 0.0

    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (other processes share these cores)")
    print()
    print(f"{'':24} {'saturation (rounds)':>30} {'p50 @ rate':>11} {'p99 @ rate':>11} {'offered':>9} {'unconfirmed':>12} "
          f"{'deferred':>9} {'bot CPU/click':>14}")
    for bot in bots:
        result = bot.result
        assert result is not None
        rounds = "/".join(f"{rate:.0f}" for rate in bot.saturation)
        print(f"{result.name:24} {result.saturation_per_s:>7.0f} /s ({rounds:>17}) {result.p50_ms:>8.1f} ms "
              f"{result.p99_ms:>8.1f} ms {result.rate_achieved:>6.0f}/s {result.unacknowledged:>12} {result.deferred:>9} "
              f"{result.cpu_ms_per_click:>11.2f} ms")
    print(f"reader-bot stored {stored} votes for {len(reader_result.acknowledged)} confirmed clicks "
          f"(bot killed with SIGKILL before the check)")
    print()
    checks = [
        (f"ratio at saturation {ratio:.3f} (reader-bot {reader_result.saturation_per_s:.0f}/s vs bare DynamicItem bot "
         f"{bare_result.saturation_per_s:.0f}/s), target >= {TARGET_RATIO}", ratio >= TARGET_RATIO),
        (f"p99 click->ack at {args.rate:g} clicks/s: {reader_result.p99_ms:.1f} ms, target < {TARGET_P99_MS:g} ms",
         reader_result.p99_ms < TARGET_P99_MS and reader_result.rate_clicks > 0),
        (f"confirmed votes missing from the database: {missing} of {len(reader_result.acknowledged)}, target 0",
         missing == 0 and len(reader_result.acknowledged) > 0),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"(logs and database in {workdir})")
    return 0 if all(ok for _, ok in checks) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saturation-seconds", type=float, default=3.0, help="length of one saturation round")
    parser.add_argument("--rounds", type=int, default=3, help="saturation rounds per bot (the median counts)")
    parser.add_argument("--rate", type=float, default=500.0, help="offered clicks per second in the latency phase")
    parser.add_argument("--rate-seconds", type=float, default=6.0)
    parser.add_argument("--window", type=int, default=128, help="clicks in flight during the saturation phase")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--polls", type=int, default=10)
    parser.add_argument("--options", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "--bare-bot":
        sys.exit(run_bare_bot(*sys.argv[2:]))
    sys.exit(asyncio.run(main(parse_args())))
