"""Soak: 10,000 votes by 1,000 members on 50 polls, with random gateway drops and two SIGKILL restarts.

    .venv/bin/python benchmarks/soak.py [--votes 10000] [--members 1000] [--polls 50] [--rate 350] [--seed 1]

The sandbox (bot/sandbox) runs in this process; `reader-bot run` runs in another (SQLite file database), connected
over the real REST and gateway protocol. Members click poll buttons at an offered rate: a first choice, sometimes
a change of mind or a withdrawal (the planned clicks are the "votes"). Meanwhile the gateway is cut at random
moments (discord.py RESUMEs and the missed clicks are replayed) and the bot is SIGKILLed twice, at a third and at
two thirds of the votes, and started again.

A member reads the bot's answer to each click and clicks again until it says what they meant, as people do when
a click fails (tests/reliability/vote_driver.py). Target: the stored votes equal, for every member and poll,
exactly what the sandbox showed as acknowledged last (mismatches 0), and that is what every member meant.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the e2e harness and the vote driver are shared with the tests
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine_info  # noqa: E402

TOKEN = "soak-bot-token"


def plan(members: list, polls: list, votes: int, rng: random.Random) -> list:
    """Intents whose planned clicks add up to exactly `votes` (each (member, poll) pair at most once)."""
    from reliability.vote_driver import Intent, plan_votes

    intents = []
    planned = 0
    for intent in plan_votes(members, polls, rng):
        if planned + len(intent.targets) > votes:
            intent = Intent(intent.member, intent.poll, intent.targets[: votes - planned])
        if not intent.targets:
            break
        intents.append(intent)
        planned += len(intent.targets)
        if planned == votes:
            break
    return intents


def compare_tallies(expected: dict[int, int], stored: dict[int, int]) -> list[int]:
    """Option ids whose stored count differs from the acknowledged one."""
    return [option for option in expected.keys() | stored.keys() if expected.get(option, 0) != stored.get(option, 0)]


async def main(args: argparse.Namespace) -> int:
    from bot.sandbox import Sandbox
    from e2e.harness import BotProcess, SandboxWorld
    from reliability.support import write_config
    from reliability.vote_driver import Disagreement, VoteDriver, compare, final_targets, seed_polls, stored_votes, tallies

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="reader-bot-soak-"))
    database_path = workdir / "soak.db"
    database_url = f"sqlite+aiosqlite:///{database_path}"

    sandbox = Sandbox()
    await sandbox.start()
    world = SandboxWorld.create(sandbox, token=TOKEN)
    members = sandbox.add_members(world.guild, args.members, prefix="reader", locales=("en-US", "de"))
    polls = await seed_polls(database_url, sandbox, world.guild, world.channel, world.bot, polls=args.polls, options=4, title="Soak")
    intents = plan(members, polls, args.votes, rng)
    planned = sum(len(intent.targets) for intent in intents)

    print(machine_info())
    print(f"{planned} votes ({len(intents)} member-poll pairs) by {args.members} members on {args.polls} polls, "
          f"offered at {args.rate:g} clicks/s; random gateway drops, SIGKILL + restart at 1/3 and 2/3")

    config = write_config(workdir, sandbox, token=TOKEN, database_url=database_url, poll_interval="1h")
    bot = BotProcess(config, workdir / "reader-bot.log")

    async def connect(timeout: float = 30.0) -> None:
        identifies = len(sandbox.hub.identifies)
        bot.start()
        deadline = time.monotonic() + timeout
        while not (len(sandbox.hub.identifies) > identifies and sandbox.is_connected(world.bot)):
            if not bot.running:
                raise SystemExit(f"the bot process ended ({bot.returncode}); see {bot.log_path}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the bot did not connect within {timeout:g} s; see {bot.log_path}")
            await asyncio.sleep(0.02)

    await connect()
    driver = VoteDriver(sandbox, rate=args.rate)
    drops = restarts = 0
    resumes_before = len([r for r in sandbox.hub.resumes if r[3]])
    kill_at = [planned // 3, 2 * planned // 3]
    started = time.monotonic()
    voting = asyncio.create_task(driver.run(intents))
    failure: str | None = None

    try:
        next_drop = time.monotonic() + rng.uniform(2.0, 5.0)
        while not voting.done():
            await asyncio.sleep(0.01)
            if kill_at and sandbox.acknowledged_count >= kill_at[0]:
                kill_at.pop(0)
                driver.pause()
                bot.kill()  # SIGKILL: mid-batch, mid-answer, wherever it is
                await asyncio.sleep(0.3)
                driver.bot_died()
                await connect()
                restarts += 1
                driver.resume()
                next_drop = time.monotonic() + rng.uniform(2.0, 5.0)
            elif time.monotonic() >= next_drop and sandbox.is_connected(world.bot):
                sandbox.drop_gateway(world.bot)
                drops += 1
                next_drop = time.monotonic() + rng.uniform(2.0, 5.0)
        await voting
    except Disagreement as error:
        failure = f"the bot told a member something that contradicts the click: {error}"
        voting.cancel()
    duration = time.monotonic() - started
    resumes = len([r for r in sandbox.hub.resumes if r[3]]) - resumes_before
    bot.kill()
    await sandbox.stop()

    stored = stored_votes(database_path)
    expected = driver.expected_votes()
    mismatches = compare(expected, stored)
    meant = final_targets(intents)
    not_meant = compare(meant, stored) if failure is None else []
    latencies = sorted(a.handle.latency * 1000 for a in driver.attempts if a.handle.latency is not None and not a.dead)
    stats = driver.stats

    print()
    print(f"votes planned        {planned}")
    print(f"clicks sent          {stats['clicks']}  (retries after lost clicks included)")
    print(f"acknowledged         {stats['answered']}  (recorded {stats['recorded']}, changed {stats['changed']}, "
          f"withdrawn {stats['withdrawn']}); busy {stats['busy']}")
    print(f"lost clicks          {stats['lost']}  (no answer: killed, dropped or expired; clicked again)")
    print(f"stored unanswered    {len(driver.surprises)}  (a lost click had been stored; the member's next click said so)")
    print(f"stored votes         {len(stored)}  (members last told they have a vote: {len(expected)})")
    print(f"mismatches           {len(mismatches)}  (stored vs. last acknowledged, per member and poll)")
    print(f"tally mismatches     {len(compare_tallies(tallies(expected), tallies(stored)))}  (options whose count differs)")
    print(f"not what was meant   {len(not_meant)}")
    print(f"duration             {duration:.1f} s  ({stats['clicks'] / duration:.0f} clicks/s)")
    print(f"restarts (SIGKILL)   {restarts}")
    print(f"gateway drops        {drops}  (resumed {resumes})")
    if latencies:
        print(f"click -> answer      p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]:.1f} ms")
    print(f"rate-limit 429s      {len(sandbox.rate_limit_rejections)}  (requests over the sandbox's advertised limits)")
    for line in mismatches[:10]:
        print(f"  mismatch: {line}")
    ok = (failure is None and not mismatches and not not_meant and restarts == 2 and drops > 0
          and stats["answered"] >= planned)
    print()
    if failure:
        print(failure)
    print(f"{'PASS' if ok else 'FAIL'}  final tallies equal what the sandbox acknowledged: {len(mismatches)} mismatches over "
          f"{len(stored)} stored votes, {restarts} SIGKILL restarts, {drops} gateway drops")
    print(f"(log and database in {workdir})")
    return 0 if ok else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--polls", type=int, default=50)
    parser.add_argument("--rate", type=float, default=350.0, help="offered clicks per second")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
