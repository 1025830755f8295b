"""Vote benchmark: how fast reader-bot stores and acknowledges button clicks, against a bare bot.

    .venv/bin/python benchmarks/votes.py [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

The sandbox (bot/sandbox) runs in this process; the bot runs in another process (`reader-bot run`), connected over
the real REST and gateway protocol, on a SQLite file (default) or on a fresh PostgreSQL database created beside the
one named in --database-url and dropped at the end. The pattern (issue 11): one article with two vote polls (2 and
3 options) and an open question, live results, open for a day; 1,000 members; members click again on polls they
already voted on, so most clicks after the first round change or withdraw a vote (or cast it again):

1. saturation: rounds of 4,000 clicks as fast as the bot acknowledges (a fixed number in flight), six per bot:
   acknowledgements per second;
2. a fixed offered rate: 4,000 clicks at 500 clicks/s: p50/p99 time from click to acknowledgement.

The rounds were 666 clicks (4,000 in all) until 2026-11-30. A round of 666 lasts about 0.2 s right
after a restart, so it measures the first batches after the bot's start more than its pace: within one run the
rounds' ratios spread from 0.54 to 1.23, and reader-bot with its vote writer process had 0.78-0.95 on SQLite and
0.83-0.95 on PostgreSQL with them (0.99 when not restarted), against 0.93-1.05 with rounds of 4,000.

reader-bot is stopped with SIGTERM and started again before each of its rounds after the first, and killed with
SIGKILL at the end. Three bots are connected at once, each with its own copy of the poll messages: reader-bot, and
two bare discord.py bots that answer every click with an ephemeral message and store nothing, one with an
`on_interaction` listener (reader-bot's own way of taking its poll buttons' clicks, so the difference is what
reader-bot does with a vote; the ratio is taken against this one) and one with a `DynamicItem` on the same custom
ids (discord.py's way for persistent buttons, which reader-bot used until issue 11; its ratio is printed). They take
turns: saturation rounds alternate between the bots (the ratio is the median of the rounds' ratios, each reader-bot
round against the bare bot's round right next to it), and the fixed rate is offered in two
halves in opposite orders, so a busy moment of the machine does not fall on one bot only.

Also printed: each bot's CPU with nothing to do, after the warm-up (timers, background rounds, threads).
Checked and printed: the longest stall (the largest gap in which clicks waited and none was answered); every
(member, poll) stored as the member was last told (recorded or changed to an option, or withdrawn); how often
reader-bot's event loop was blocked > 20 ms and by what (its loop watchdog's warnings, bot/loop_watchdog.py), and
its garbage-collector passes by generation (the summary it logs when stopped with SIGTERM).

To see where a figure comes from: --round-details prints each saturation round (its length, the CPU of the bot and
of this process: which of them set the pace), --settle-after-restart how long after a restart a round begins, and
--no-restart keeps reader-bot running between its rounds, --restart-bare-bots restarts the bare bots as well.

Targets: reader-bot / bare >= 0.95 at saturation; p99 < 50 ms at 500 clicks/s; zero acknowledged votes missing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bot_processes import (  # noqa: E402
    busiest_processes,
    children,
    connected,
    children_cpu_seconds,
    cpu_seconds,
    main_thread_cpu_seconds,
    start_process,
    stop_process,
)
from machine import cpu_times, idle_share, machine_info, steal_note  # noqa: E402
from vote_workload import PlannedClick, PollMessages, copy_messages, plan_clicks, seed  # noqa: E402
from vote_checks import (  # noqa: E402
    compare, confirmed, describe_blocks, gc_summaries, loop_blocks, stored_votes, what_members_were_told,
)
from vote_timing import longest_stall, median_interval, p99, round_details, saturation_rate, split_latencies  # noqa: E402

TOKEN = "benchmark-bot-token"
TARGET_RATIO = 0.95
IDLE_SECONDS = 3.0
TARGET_P99_MS = 50.0


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

    @property
    def pair(self) -> tuple[int, int]:
        return self.member_id, self.poll_id


@dataclass
class PhaseResult:
    name: str
    saturation_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    rate_clicks: int = 0
    rate_achieved: float = 0.0
    unacknowledged: int = 0
    deferred: int = 0
    longest_stall_ms: float = 0.0  # the largest gap in which no click was answered while clicks were waiting
    cpu_ms_per_click: float = 0.0  # the bot process's CPU time per acknowledged click, over the whole run
    clicks: list[Click] = field(default_factory=list)  # every click offered, in the order offered


def settled(handle: Any) -> bool:
    return confirmed(handle) or bool(handle.rejected)


def make_sandbox():  # type: ignore[no-untyped-def]
    from bot.sandbox import Sandbox

    class CountingSandbox(Sandbox):
        """Counts confirmations as they happen (the driver's window needs it)."""

        acked = 0

        def interaction_changed(self, handle) -> None:  # type: ignore[no-untyped-def]
            if confirmed(handle) and not getattr(handle, "_counted", False):
                handle._counted = True
                self.acked += 1
            super().interaction_changed(handle)

    return CountingSandbox(record_requests=False)


def materialise(planned: list[PlannedClick], polls: PollMessages) -> list[Click]:
    """The planned clicks on one bot's copy of the poll messages."""
    clicks = []
    for member, index, option in planned:
        poll_id, _, message = polls[index]
        clicks.append(Click(member, message, f"rb:vote:{poll_id}:{option}", member.user.id, poll_id, option))
    return clicks


async def wait_settled(clicks: list[Click], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(settled(click.handle) for click in clicks):
            return
        await asyncio.sleep(0.05)


async def saturate(sandbox: Any, clicks: list[Click], window: int) -> None:
    """Keep `window` clicks in flight until all are offered; a click whose member's previous click on the same
    poll is still unanswered waits (a member clicks again only once told the result)."""
    base = sandbox.acked
    queue = deque(clicks)
    held: list[Click] = []
    last: dict[tuple[int, int], Any] = {}
    sent = 0

    def busy(click: Click) -> bool:
        handle = last.get(click.pair)
        return handle is not None and not settled(handle) and time.perf_counter() - handle.created_at < 5.0

    def next_free() -> Click | None:
        for position, click in enumerate(held):
            if not busy(click):
                del held[position]
                return click
        while queue and len(held) < 256:
            click = queue.popleft()
            if not busy(click):
                return click
            held.append(click)
        return None

    while queue or held:
        if sent - (sandbox.acked - base) >= window:
            await asyncio.sleep(0.0005)
            continue
        click = next_free()
        if click is None:
            await asyncio.sleep(0.0005)
            continue
        click.handle = sandbox.click_button_now(click.member, click.message, click.custom_id)
        last[click.pair] = click.handle
        sent += 1
        if sent % 32 == 0:
            await asyncio.sleep(0)


@dataclass
class Contender:
    name: str
    account: Any
    command: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)
    clicks: list[Click] = field(default_factory=list)  # not yet offered
    saturation: list[float] = field(default_factory=list)
    result: PhaseResult | None = None
    cpu: float = 0.0
    system_cpu: float = 0.0  # of which in the kernel (system calls: sockets, files, locks, thread wake-ups)
    confirmed_clicks: int = 0
    saturation_cpu: float = 0.0  # CPU and confirmed clicks of the saturation rounds alone (what sets the ratio)
    saturation_clicks: int = 0
    saturation_loop_cpu: float = 0.0  # of which the main thread's (the event loop's)
    saturation_children_cpu: float = 0.0  # and besides, the CPU of the processes it started (the vote writer)
    latencies: list[float] = field(default_factory=list)
    offsets: list[tuple[float, float]] = field(default_factory=list)  # (latency ms, seconds into its half)

    profile_dir: Path | None = None  # sample each run with py-spy into this directory (--profile)

    def start(self, workdir: Path, env: dict[str, str]) -> None:
        stem = f"{self.name.replace(' ', '-').strip('()')}-{len(self.logs) + 1}"
        log_path = workdir / f"{stem}.log"
        self.logs.append(log_path)
        self.process = start_process(self.command, log_path, env)
        if self.profile_dir is not None:  # py-spy ends, and writes its file, when the bot's process ends
            self.profile_dir.mkdir(parents=True, exist_ok=True)
            start_process(["py-spy", "record", "--rate", "250", "--format", "raw", "--nonblocking", "--gil", "--pid",
                           str(self.process.pid), "--output", str(self.profile_dir / f"{stem}.txt")],
                          workdir / f"{stem}.py-spy.log", env)

    def take(self, count: int) -> list[Click]:
        taken, self.clicks = self.clicks[:count], self.clicks[count:]
        assert self.result is not None
        self.result.clicks += taken
        return taken


def account_cpu(bot: Contender, clicks: list[Click], cpu_before: tuple[float, float]) -> None:
    assert bot.process is not None and bot.result is not None
    user, system = cpu_seconds(bot.process.pid)
    bot.cpu += user + system - sum(cpu_before)
    bot.system_cpu += system - cpu_before[1]
    bot.confirmed_clicks += sum(1 for click in clicks if confirmed(click.handle))
    bot.result.unacknowledged += sum(1 for click in clicks if not confirmed(click.handle))
    bot.result.deferred += sum(1 for click in clicks if click.handle.deferred)
    bot.result.longest_stall_ms = max(bot.result.longest_stall_ms, 1000 * longest_stall(clicks))


async def measure_saturation(sandbox: Any, bot: Contender, count: int, window: int, *, details: bool = False) -> None:
    clicks = bot.take(count)
    assert bot.process is not None
    cpu_before = cpu_seconds(bot.process.pid)
    loop_cpu_before = main_thread_cpu_seconds(bot.process.pid)
    children_cpu_before = children_cpu_seconds(bot.process.pid)
    own_cpu_before, started, machine_before = time.process_time(), time.perf_counter(), cpu_times()
    await saturate(sandbox, clicks, window)
    await wait_settled(clicks, 10)
    if details:
        print(round_details(bot.name, clicks, time.perf_counter() - started, time.process_time() - own_cpu_before,
                            sum(cpu_seconds(bot.process.pid)) - sum(cpu_before), idle_share(machine_before, cpu_times())))
    cpu_spent, clicks_before = bot.cpu, bot.confirmed_clicks
    account_cpu(bot, clicks, cpu_before)
    bot.saturation_cpu += bot.cpu - cpu_spent
    bot.saturation_loop_cpu += main_thread_cpu_seconds(bot.process.pid) - loop_cpu_before
    bot.saturation_children_cpu += children_cpu_seconds(bot.process.pid) - children_cpu_before
    bot.saturation_clicks += bot.confirmed_clicks - clicks_before
    bot.saturation.append(saturation_rate(clicks))


async def measure_rate(sandbox: Any, bot: Contender, rate: float, count: int) -> None:
    """Offer `rate` clicks a second; latencies add up over calls (p50/p99 over all of them)."""
    offered = bot.take(count)
    assert bot.process is not None and bot.result is not None
    cpu_before = cpu_seconds(bot.process.pid)
    started = time.perf_counter()
    handles = await sandbox.click_many([(c.member, c.message, c.custom_id) for c in offered], rate=rate)
    result = bot.result
    result.rate_achieved = min(result.rate_achieved or float("inf"), len(handles) / (time.perf_counter() - started))
    for click, handle in zip(offered, handles, strict=True):
        click.handle = handle
    await wait_settled(offered, 10)
    account_cpu(bot, offered, cpu_before)
    bot.latencies += [c.handle.latency * 1000 for c in offered if c.handle.latency is not None]
    bot.offsets += [(c.handle.latency * 1000, c.handle.created_at - started) for c in offered if c.handle.latency is not None]
    latencies = sorted(bot.latencies)
    result.rate_clicks += len(offered)
    if latencies:
        result.p50_ms = statistics.median(latencies)
        result.p99_ms = p99(latencies)


# ----- the database -------------------------------------------------------------------------------------------------


async def prepare_database(url: str | None, workdir: Path) -> tuple[str, Any]:
    """The URL the run uses, and how to clean up: a SQLite file in the work directory, or a fresh PostgreSQL
    database next to the one named (dropped at the end), made as the scale test makes its own."""
    if not url:
        return f"sqlite+aiosqlite:///{workdir / 'votes.db'}", None
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() != "postgresql":
        return url, None
    from e2e.blogfarm import create_postgres_database, drop_postgres_database

    name, database_url = await create_postgres_database(url, f"reader_bot_votes_{os.getpid()}")

    async def drop() -> None:
        await drop_postgres_database(url, name)

    return database_url, drop


def quiet_driver() -> None:
    """The sandbox (this process) holds every interaction it ever sent; its garbage collector would pause the
    whole pipeline now and then, for whichever bot happens to be measured. Collect between phases instead."""
    gc.collect()
    gc.freeze()
    gc.disable()


async def main(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="reader-bot-votes-"))
    database_url, drop_database = await prepare_database(args.database_url, workdir)
    try:
        return await run(args, workdir, database_url)
    finally:
        for process in children:
            if process.poll() is None:
                process.kill()
                process.wait()
        if drop_database is not None:
            await drop_database()


async def run(args: argparse.Namespace, workdir: Path, database_url: str) -> int:
    from bot.storage.database import displayable_url

    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    busy_before = busiest_processes()
    cpu_before = cpu_times()
    option_counts = [int(part) for part in args.options.split(",")]

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
    seeded = await seed(database_url, sandbox, guild, channel, reader.account, option_counts, args.open_questions)
    total = args.warmup + args.saturation_clicks + int(args.rate * args.rate_seconds)
    planned = plan_clicks(members, seeded.polls, total, rng, spacing=args.spacing)
    for bot in bots:
        if bot is reader:
            polls = seeded.polls
        else:
            copies = dict(zip((m.id for m in seeded.messages), copy_messages(sandbox, channel, bot.account, seeded.messages), strict=True))
            polls = [(poll_id, options, copies[message.id]) for poll_id, options, message in seeded.polls]
        bot.clicks = materialise(planned, polls)
        bot.result = PhaseResult(bot.name)

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    print(machine_info())
    print(f"database {displayable_url(database_url)}")
    print(f"one article: vote polls of {args.options} options and {args.open_questions} open question(s), live results, "
          f"open for a day; {args.members} members; {args.warmup} warm-up clicks, then {args.saturation_clicks} clicks "
          f"as fast as each bot answers ({args.window} in flight, {args.rounds} rounds per bot, taking turns), then "
          f"{args.rate:g} clicks/s for {args.rate_seconds:g} s per bot (two halves in opposite orders); members click "
          f"again on polls they voted on (change, withdraw, vote again); reader-bot is stopped with SIGTERM and "
          f"started again before each of its rounds after the first")
    config = workdir / "config.toml"
    config.write_text(
        f'[discord]\ntoken = "{TOKEN}"\napi_base = "{urls.api_base}"\ngateway_url = "{urls.gateway_url}"\n'
        f'[database]\nurl = "{database_url}"\n[feeds]\npoll_interval = "1h"\n'
        f'[runtime]\nloop_watchdog = {"false" if args.no_loop_watchdog else "true"}\n'
        + "".join(f"{setting}\n" for setting in args.runtime), encoding="utf-8")
    for bot, style in ((listener, "listener"), (dynamic, "dynamic")):
        bot.command = [sys.executable, str(Path(__file__).resolve().parent / "bare_bot.py"), urls.api_base, urls.gateway_url,
                       style, bot.account.token, *(["watch"] if args.watch_bare_bots else [])]
    reader.command = [sys.executable, "-m", "bot", "run", "--config", str(config)]
    for bot in bots:
        bot.profile_dir = args.profile
    for bot in bots:
        bot.start(workdir, env)
    for bot in bots:
        assert bot.process is not None
        await connected(sandbox, bot.process, bot.logs[-1], bot.account)
    await asyncio.sleep(2.0)  # start-up work (command sync, first loop rounds) out of the way

    for bot in bots:  # warm up: connections, caches, first batches
        warm = bot.take(args.warmup)
        await saturate(sandbox, warm, 8)
        await wait_settled(warm, 10)

    idle_before = {bot.name: cpu_seconds(bot.process.pid) for bot in bots if bot.process is not None}
    await asyncio.sleep(IDLE_SECONDS)  # what each bot costs with nothing to do: timers, background rounds, threads
    idle_cpu = {bot.name: 100 * (sum(cpu_seconds(bot.process.pid)) - sum(idle_before[bot.name])) / IDLE_SECONDS
                for bot in bots if bot.process is not None}

    turns: dict[str, int] = {}

    async def take_turn(bot: Contender) -> None:
        """reader-bot is restarted (SIGTERM, then a new process) before each of its rounds after the first; with
        --restart-bare-bots the bare bots are too, so that what a fresh process costs falls on both sides."""
        turns[bot.name] = turns.get(bot.name, 0) + 1
        restarts = (not args.no_restart) if bot is reader else args.restart_bare_bots
        if turns[bot.name] == 1 or not restarts:
            return
        assert bot.process is not None
        await stop_process(sandbox, bot.process, signal.SIGTERM, bot.account)
        gc.collect()
        bot.start(workdir, env)
        await connected(sandbox, bot.process, bot.logs[-1], bot.account)
        await asyncio.sleep(args.settle_after_restart)

    quiet_driver()
    per_round = args.saturation_clicks // args.rounds
    for round_number in range(args.rounds):
        for bot in bots if round_number % 2 == 0 else list(reversed(bots)):
            await take_turn(bot)
            await measure_saturation(sandbox, bot, per_round, args.window, details=args.round_details)
            gc.collect()
            await asyncio.sleep(0.5)
    half = int(args.rate * args.rate_seconds) // 2
    for turn in range(2):  # two halves in opposite orders, so no bot always goes first or last
        for bot in bots if turn == 0 else list(reversed(bots)):
            await take_turn(bot)
            await measure_rate(sandbox, bot, args.rate, half)
            gc.collect()
            await asyncio.sleep(0.5)
    gc.enable()
    load_after = os.getloadavg()
    busy_after = busiest_processes()
    cpu_after = cpu_times()

    assert reader.process is not None
    reader.process.kill()  # SIGKILL at the end: acknowledged means committed, so a crash must lose nothing
    reader.process.wait()
    for bot in (listener, dynamic):
        assert bot.process is not None
        await stop_process(sandbox, bot.process, signal.SIGTERM, bot.account)
    await sandbox.stop()

    for bot in bots:
        assert bot.result is not None
        bot.result.saturation_per_s = statistics.median(bot.saturation)
        bot.result.cpu_ms_per_click = 1000 * bot.cpu / max(1, bot.confirmed_clicks)
    # The bare bot to beat is the listener: since issue 11, reader-bot answers its poll buttons from an
    # `on_interaction` listener too, so the difference is reader-bot's own work on a vote.
    reader_result, bare_result, dynamic_result = reader.result, listener.result, dynamic.result
    assert reader_result is not None and bare_result is not None and dynamic_result is not None
    truth = what_members_were_told(reader_result.clicks, seeded.labels)
    stored = await stored_votes(database_url)
    missing, lingering = compare(truth, stored)
    round_ratios = [mine / theirs for mine, theirs in zip(reader.saturation, listener.saturation, strict=True) if theirs]
    ratio = statistics.median(round_ratios) if round_ratios else 0.0
    dynamic_ratios = [mine / theirs for mine, theirs in zip(reader.saturation, dynamic.saturation, strict=True) if theirs]
    blocks = loop_blocks(reader.logs)

    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (2 cores shared with other work)")
    print(f"busiest processes before: {busy_before}")
    print(f"busiest processes after:  {busy_after}")
    print(steal_note(cpu_before, cpu_after))
    print()
    print(f"{'':24} {'saturation (median)':>16} {'p50 @ rate':>11} {'p99 @ rate':>11} {'offered':>9} {'longest stall':>14} "
          f"{'unconfirmed':>12} {'deferred':>9} {'bot CPU/click':>14}")
    for bot in bots:
        result = bot.result
        assert result is not None
        print(f"{result.name:24} {result.saturation_per_s:>13.0f} /s {result.p50_ms:>8.1f} ms "
              f"{result.p99_ms:>8.1f} ms {result.rate_achieved:>6.0f}/s {result.longest_stall_ms:>11.1f} ms "
              f"{result.unacknowledged:>12} {result.deferred:>9} {result.cpu_ms_per_click:>11.2f} ms")
    for bot in bots:
        print(f"{bot.name:24} saturation rounds: {' / '.join(f'{rate:.0f}' for rate in bot.saturation)} per second")
    for bot in bots:
        print(f"{bot.name:24} at the fixed rate: first second of each half {split_latencies(bot.offsets, True)}; "
              f"afterwards {split_latencies(bot.offsets, False)}")
    slowest = [offset for latency, offset in reader.offsets if latency >= reader_result.p99_ms]
    early = sum(1 for offset in slowest if offset < 1.0)
    print(f"reader-bot's slowest 1% at the fixed rate: {early} of {len(slowest)} in the first second after its (re)start")
    told = ", ".join(f"{count} {name}" for name, count in truth.outcomes.items())
    print(f"reader-bot answered: {told} (of {len(reader_result.clicks)} clicks, {len(reader.logs)} processes); "
          f"{len(truth.expected)} (member, poll) pairs checked against the database, {truth.unsure} left out "
          f"(last click unanswered); {len(stored)} votes stored (bot killed with SIGKILL before the check)")
    print("bot CPU per click in the kernel: " + ", ".join(
        f"{bot.name} {1000 * bot.system_cpu / max(1, bot.confirmed_clicks):.2f} ms" for bot in bots))
    print("bot CPU per click in the saturation rounds alone: " + ", ".join(
        f"{bot.name} {1000 * bot.saturation_cpu / max(1, bot.saturation_clicks):.2f} ms" for bot in bots))
    print("of which the event loop's thread: " + ", ".join(
        f"{bot.name} {1000 * bot.saturation_loop_cpu / max(1, bot.saturation_clicks):.2f} ms" for bot in bots))
    print("and besides, in the processes the bot started (reader-bot's vote writer): " + ", ".join(
        f"{bot.name} {1000 * bot.saturation_children_cpu / max(1, bot.saturation_clicks):.2f} ms" for bot in bots))
    print("bot CPU with nothing to do (after the warm-up, before the rounds): " + ", ".join(
        f"{name} {percent:.1f}% of a core" for name, percent in idle_cpu.items()))
    print(f"ratio at saturation against the bare DynamicItem bot (median of the rounds): "
          f"{statistics.median(dynamic_ratios) if dynamic_ratios else 0.0:.3f}")
    print(f"bot CPU per click, reader-bot / bare listener bot: {reader_result.cpu_ms_per_click / max(bare_result.cpu_ms_per_click, 1e-9):.2f} "
          f"(what the ratio at saturation would be if the bot's CPU alone set the pace: "
          f"{bare_result.cpu_ms_per_click / max(reader_result.cpu_ms_per_click, 1e-9):.2f})")
    for line in describe_blocks(blocks):
        print(line)
    for number, summary in enumerate(gc_summaries(reader.logs), 1):
        print(f"  run {number}: {summary}")
    for bot in (listener, dynamic) if args.watch_bare_bots else ():
        for summary in gc_summaries(bot.logs):
            print(f"  {bot.name}, watched the same way (its rates above then pay for the watchdog): {summary}")
    print()
    low, high = median_interval(round_ratios)
    checks = [
        (f"ratio at saturation {ratio:.3f} (median of the rounds' ratios "
         f"{'/'.join(f'{r:.2f}' for r in round_ratios)}, lowest {min(round_ratios, default=0):.3f}, 90% bootstrap "
         f"interval of the median {low:.2f}-{high:.2f}; medians of the "
         f"rates: reader-bot {reader_result.saturation_per_s:.0f}/s vs bare listener bot "
         f"{bare_result.saturation_per_s:.0f}/s), target >= {TARGET_RATIO}", ratio >= TARGET_RATIO),
        (f"p99 click->ack at {args.rate:g} clicks/s: {reader_result.p99_ms:.1f} ms (longest stall "
         f"{reader_result.longest_stall_ms:.0f} ms), target < {TARGET_P99_MS:g} ms",
         reader_result.p99_ms < TARGET_P99_MS and reader_result.rate_clicks > 0),
        (f"acknowledged votes missing from the database: {missing} (and {lingering} acknowledged withdrawals still "
         f"stored) of {len(truth.expected)} checked, target 0",
         missing == 0 and lingering == 0 and len(truth.expected) > 0),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"(logs in {workdir})")
    return 0 if all(ok for _, ok in checks) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None,
                        help="SQLAlchemy URL; default a SQLite file. For PostgreSQL (e.g. "
                             "postgresql+asyncpg://postgres@127.0.0.1:5432/test) a fresh database is created beside "
                             "the one named and dropped at the end")
    parser.add_argument("--saturation-clicks", type=int, default=24000,
                        help="clicks per bot as fast as it answers, split into --rounds rounds (4,000 each by default)")
    parser.add_argument("--rounds", type=int, default=6,
                        help="saturation rounds per bot; the ratio is the median of the rounds' ratios (reader-bot's "
                             "round against the bare bot's round next to it), so a busy moment of a shared machine "
                             "weighs on one pair, not on one bot")
    parser.add_argument("--rate", type=float, default=500.0, help="offered clicks per second in the latency phase")
    parser.add_argument("--rate-seconds", type=float, default=8.0)
    parser.add_argument("--window", type=int, default=128, help="clicks in flight during the saturation phase")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--options", default="2,3", help="options of each vote poll, comma-separated")
    parser.add_argument("--open-questions", type=int, default=1)
    parser.add_argument("--spacing", type=int, default=600,
                        help="clicks between two clicks of one member on one poll, at least")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, default=None,
                        help="sample every bot with py-spy (250 Hz) into this directory, one raw file per run")
    parser.add_argument("--watch-bare-bots", action="store_true",
                        help="run the loop watchdog in the bare bots too and print their summaries: how often a bot "
                             "that only answers blocks its loop at the same load (their rates then pay for it)")
    parser.add_argument("--round-details", action="store_true",
                        help="a line per saturation round: its length, first answer, longest stall, and the CPU of the "
                             "bot and of this process (which of them set the pace)")
    parser.add_argument("--settle-after-restart", type=float, default=1.0,
                        help="seconds between reader-bot's reconnect (plus 1 s) and its next round; at 1 s a round "
                             "begins before discord.py's guild_ready_timeout (2 s) has made the bot ready")
    parser.add_argument("--restart-bare-bots", action="store_true",
                        help="restart the bare bots before their rounds too, as reader-bot is (what a fresh process costs, "
                             "whatever it runs)")
    parser.add_argument("--no-restart", action="store_true",
                        help="keep reader-bot running between its rounds (to tell the cost of a restart)")
    parser.add_argument("--runtime", action="append", default=[], metavar="KEY=VALUE",
                        help="a line for reader-bot's [runtime] settings, in TOML (e.g. warm_http_connections = 128); "
                             "repeatable")
    parser.add_argument("--no-loop-watchdog", action="store_true",
                        help="run reader-bot without its loop watchdog (to measure the watchdog's own cost)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
