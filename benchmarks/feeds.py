"""Feeds at scale (issue 14): one cycle over 2,000 distinct feeds followed by 10,000 subscriptions in 2,500 guilds.

    .venv/bin/python benchmarks/feeds.py [--feeds 2000] [--subscriptions 10000] [--guilds 2500] [--new 0.05]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--profile FILE.svg]

A blog farm (tests/e2e/blogfarm.py) runs in its own process and serves every feed at its own URL: a conditional
request is answered 304 unless the feed got a new article; before each measured cycle about `--new` of the feeds
get one. The Discord sandbox runs in this process with the 2,500 guilds; `reader-bot run` runs in one process, then
in two (shards 0 and 1 of 2), on a fresh PostgreSQL database seeded directly (subscriptions, baseline entries).

A cycle starts when every feed is made due at once and ends when every feed was fetched and every new article is
stored for every subscribing guild (posting then drains through Discord's rate limits; its time is printed apart).
Printed: wall time and bot CPU seconds of the cycle, CPU ms per feed, requests per distinct feed (the farm counts
them), page reads per new article, the bot's RSS, the time until all posts are out, and the Discord requests that
took (answered ones per post and by route, the 429s) with the floor they set at Discord's 50 requests/s per bot.

Targets: a cycle < 15 s with one process (every due feed fetched, each new article read, searched and stored
for every following guild, ready to post); all posts out < 15 s, or, when their requests alone need longer at
Discord's 50/s (no number of processes changes that: the limit is per bot), within DRAIN_SLACK times that floor
(the posting keeps the limit busy); exactly one request per
distinct feed per cycle; a process holding 2,500 guilds under 150 MB RSS (after the cycle and once the posts
are out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine_info  # noqa: E402

TOKEN = "feeds-bench-token"
CYCLE_TARGET_S = 15.0
RSS_TARGET_MB = 150.0
GLOBAL_RATE = 50.0  # Discord's requests per second per bot (the sandbox enforces it too)
DRAIN_SLACK = 1.15  # posting may take this much longer than its requests alone need at GLOBAL_RATE (429 round trips)


class Farm:
    """The blog farm as a child process, driven over its stdin/stdout."""

    def __init__(self, feeds: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "e2e" / "blogfarm.py"), "--feeds", str(feeds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()

    def ask(self, command: str) -> object:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def cpu_seconds(self) -> float:
        return process_cpu(self.process.pid)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def followers(feeds: int, subscriptions: int, guilds: int, rng: random.Random) -> list[tuple[int, int]]:
    """(guild index, feed index) pairs: every feed followed at least once, a few popular feeds followed widely
    (a Zipf-like tail), no guild following a feed twice."""
    per_guild = subscriptions // guilds
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(feeds)]
    chosen: dict[int, set[int]] = {guild: set() for guild in range(guilds)}
    for feed in range(feeds):  # each feed once
        chosen[feed % guilds].add(feed)
    for guild in range(guilds):
        while len(chosen[guild]) < per_guild:
            chosen[guild].add(rng.choices(range(feeds), weights)[0])
    return sorted((guild, feed) for guild, feeds_of_guild in chosen.items() for feed in feeds_of_guild)


async def create_database(admin_url: str) -> tuple[str, str]:
    from e2e.blogfarm import create_postgres_database

    return await create_postgres_database(admin_url, "feeds_bench")


async def drop_database(admin_url: str, name: str) -> None:
    from e2e.blogfarm import drop_postgres_database

    await drop_postgres_database(admin_url, name)


async def seed(url: str, farm_url: str, feeds: int, pairs: list[tuple[int, int]], guild_channels: list[tuple[int, int]]) -> None:
    from e2e.blogfarm import seed_subscriptions

    await seed_subscriptions(url, farm_url, feeds, pairs, guild_channels)


async def query(url: str, sql: str) -> list[tuple]:
    from sqlalchemy import text

    from bot.storage.database import Database

    database = Database(url)
    try:
        async with database.session() as session:
            result = await session.execute(text(sql))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await database.dispose()


def write_config(directory: Path, sandbox, url: str, name: str) -> Path:  # type: ignore[no-untyped-def]
    from e2e.blogfarm import write_farm_bot_config

    return write_farm_bot_config(directory, name, token=TOKEN, api_base=sandbox.api_base, gateway_url=sandbox.gateway_url,
                                 database_url=url, poll_interval="10m", lease="60s")


async def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")


def discord_requests(sandbox, since: float) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The bot's REST requests to the sandbox since `since` (monotonic): answered ones by route, and the 429s."""
    routes: dict[str, int] = {}
    limited = 0
    for request in sandbox.requests:
        if request.time < since:
            continue
        if request.status == 429:
            limited += 1
            continue
        route = f"{request.method} {re.sub(r'/[0-9]{5,}', '/{id}', request.path)}"
        routes[route] = routes.get(route, 0) + 1
    return {"routes": routes, "answered": sum(routes.values()), "limited": limited}


async def run_cycle(label: str, processes: list, url: str, farm: Farm, fraction: float, rng_seed: int, sandbox=None) -> dict:  # type: ignore[no-untyped-def]
    new_urls = farm.ask(f"new {fraction}") if fraction > 0 else []
    assert isinstance(new_urls, list)
    farm.ask("reset")
    waiting_before = (await query(url, "SELECT count(*) FROM seen_entries WHERE state = 'pending'"))[0][0]
    cpu_before = [process_cpu(p.pid) for p in processes]
    rss_before = [process_rss_mb(p.pid) for p in processes]
    farm_cpu_before = farm.cpu_seconds()
    start = datetime.now(UTC)
    started = time.monotonic()
    if sandbox is not None:
        sandbox.requests.clear()
    await query(url, f"UPDATE feeds SET next_due_at = '{start.isoformat()}'")

    async def cycle_done() -> bool:
        (unfetched,), = await query(url, f"SELECT count(*) FROM feeds WHERE last_fetch_at IS NULL OR last_fetch_at < '{start.isoformat()}'")
        (unbuilt,), = await query(url, "SELECT count(*) FROM seen_entries WHERE state = 'pending' AND article_id IS NULL")
        (fresh,), = await query(url, f"SELECT count(*) FROM seen_entries WHERE seen_at >= '{start.isoformat()}'")
        return unfetched == 0 and unbuilt == 0 and (fresh > 0 or not new_urls)

    await wait_for(cycle_done, 300, f"{label}: the cycle")
    wall = time.monotonic() - started
    # The bot's own view: first fetch to the last fetch or stored article (without the wait for the loop's next
    # tick, up to 5 s with a 10-minute interval, nor this script's 0.2 s polling).
    (span,), = await query(url, f"""
        SELECT EXTRACT(EPOCH FROM (GREATEST(max(f.last_fetch_at), coalesce((SELECT max(created_at) FROM articles
               WHERE created_at >= '{start.isoformat()}'), max(f.last_fetch_at))) - min(f.last_fetch_at)))
        FROM feeds f""")
    cpu = sum(process_cpu(p.pid) for p in processes) - sum(cpu_before)
    hits = farm.ask("hits")
    assert isinstance(hits, dict)
    feed_hits = list(hits["feeds"].values())
    page_hits = hits["pages"]
    (stored,), = await query(url, f"SELECT count(*) FROM articles WHERE created_at >= '{start.isoformat()}'")
    (polls,), = await query(url, f"SELECT count(*) FROM polls p JOIN articles a ON a.id = p.article_id WHERE a.created_at >= '{start.isoformat()}'")
    rss_after_cycle = [process_rss_mb(p.pid) for p in processes]

    async def drained() -> bool:
        (pending,), = await query(url, "SELECT count(*) FROM seen_entries WHERE state = 'pending'")
        return pending == 0

    try:
        await wait_for(drained, 240, f"{label}: posting", interval=1.0)
        posted_after = time.monotonic() - started
        cpu_drained = sum(process_cpu(p.pid) for p in processes) - sum(cpu_before)
        await asyncio.sleep(2)
    except TimeoutError:
        posted_after = cpu_drained = float("nan")
    return {
        "label": label, "wall": wall, "span": float(span), "cpu": cpu, "feeds_requested": len(feed_hits), "min_hits": min(feed_hits, default=0),
        "max_hits": max(feed_hits, default=0), "requests": sum(feed_hits), "new_articles": len(new_urls),
        "pages_read": sum(page_hits.values()), "pages_max": max(page_hits.values(), default=0), "stored": stored,
        "rss": rss_after_cycle, "rss_before": rss_before, "rss_drained": [process_rss_mb(p.pid) for p in processes], "posted_after": posted_after, "waiting_before": waiting_before,
        "farm_cpu": farm.cpu_seconds() - farm_cpu_before, "polls": polls, "cpu_drained": cpu_drained,
        "discord": discord_requests(sandbox, started) if sandbox is not None else None,
    }


def report(result: dict, feeds: int) -> bool:  # type: ignore[type-arg]
    print(f"\n== {result['label']}")
    print(f"cycle wall time            {result['wall']:.2f} s from all feeds due to the last one done; "
          f"{result['span']:.2f} s from the first fetch to the last fetch or stored article")
    print(f"bot CPU in the cycle       {result['cpu']:.2f} s  ({result['cpu'] / feeds * 1000:.2f} ms per feed; "
          f"farm used {result['farm_cpu']:.2f} s)")
    print(f"feeds requested            {result['feeds_requested']} of {feeds}; requests per feed min {result['min_hits']} "
          f"max {result['max_hits']} (total {result['requests']})")
    print(f"new articles               {result['new_articles']}; page reads {result['pages_read']} "
          f"(max {result['pages_max']} per page); articles stored {result['stored']} (one per subscribing guild)")
    print(f"bot RSS                    {', '.join(f'{mb:.0f} MB' for mb in result['rss'])} after the cycle "
          f"({', '.join(f'{mb:.0f} MB' for mb in result['rss_before'])} before, "
          f"{', '.join(f'{mb:.0f} MB' for mb in result['rss_drained'])} once every post was out)")
    print(f"all posts out after        {result['posted_after']:.1f} s from all feeds due; bot CPU by then "
          f"{result['cpu_drained']:.2f} s")
    requests = result["discord"]
    if requests is not None and result["stored"]:
        answered = requests["answered"]
        print(f"Discord requests           {answered} answered ({answered / result['stored']:.2f} per post, "
              f"{result['polls']} poll messages), {requests['limited']} answered 429; floor at {GLOBAL_RATE:.0f}/s: "
              f"{answered / GLOBAL_RATE:.1f} s")
        for route, count in sorted(requests["routes"].items(), key=lambda item: -item[1])[:6]:
            print(f"    {count:6d}  {route}")
    once = (result["feeds_requested"] == feeds and result["min_hits"] == result["max_hits"] == 1
            and result["pages_max"] == (1 if result["new_articles"] else 0))
    print(f"one request per feed       {'PASS' if once else 'FAIL'}")
    return once


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--guilds", type=int, default=2500)
    parser.add_argument("--new", type=float, default=0.05)
    parser.add_argument("--postgres", default=os.environ.get("READER_BOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--profile", type=Path, default=None, help="record the single process with py-spy into this SVG")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one-only", action="store_true", help="skip the run with two processes")
    options = parser.parse_args()

    from bot.sandbox import Sandbox
    from e2e.harness import BotProcess

    print(machine_info())
    rng = random.Random(options.seed)
    farm = Farm(options.feeds)
    sandbox = Sandbox(record_requests=True, event_buffer=10_000)
    await sandbox.start()
    bot_account = sandbox.add_bot_user(TOKEN)
    guild_channels = []
    for index in range(options.guilds):
        guild = sandbox.add_guild(f"Guild {index}")
        channel = sandbox.add_channel(guild, "articles")
        guild_channels.append((guild.id, channel.id))
        if index % 4 == 3:
            await asyncio.sleep(0.0011)  # spread the guild ids over milliseconds, so over shards
    pairs = followers(options.feeds, options.subscriptions, options.guilds, rng)
    name, url = await create_database(options.postgres)
    directory = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    processes: list = []
    ok = True
    try:
        await seed(url, farm.base_url, options.feeds, pairs, guild_channels)
        per_feed = {}
        for _guild, feed in pairs:
            per_feed[feed] = per_feed.get(feed, 0) + 1
        print(f"{options.feeds} feeds, {len(pairs)} subscriptions, {options.guilds} guilds; most followed feed: "
              f"{max(per_feed.values())} guilds; load before: {os.getloadavg()[0]:.1f}")
        config = write_config(directory, sandbox, url, "one")
        single = BotProcess(config, directory / "one.log")
        single.start()
        processes = [single]
        await sandbox.wait_for_connection(bot_account, timeout=60)
        await wait_for(lambda: _ready(single), 120, "the bot to be ready")
        profiler = None
        if options.profile is not None:
            fmt = ["--format", "raw"] if options.profile.suffix == ".txt" else []
            profiler = subprocess.Popen(["py-spy", "record", *fmt, "-o", str(options.profile), "-p", str(single.pid), "-r", "100"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        unchanged = await run_cycle("one process, all shards, every feed unchanged (304)", processes, url, farm, 0, options.seed)
        ok &= report(unchanged, options.feeds)
        ok &= _target("304 cycle < 15 s", unchanged["wall"] < CYCLE_TARGET_S)
        result = await run_cycle(f"one process, all shards, {options.new:.0%} of feeds with a new article", processes, url, farm,
                                 options.new, options.seed, sandbox)
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=60)
        ok &= report(result, options.feeds)
        ok &= _target("one cycle < 15 s", result["wall"] < CYCLE_TARGET_S)
        floor = result["discord"]["answered"] / GLOBAL_RATE
        if floor < CYCLE_TARGET_S:
            ok &= _target("all posts out < 15 s", result["posted_after"] < CYCLE_TARGET_S)
        else:  # no bot can: the limit is per bot, whatever the processes; what is ours is keeping the limit busy
            print(f"{'':<26} (all posts out < 15 s is not reachable: their requests alone take {floor:.1f} s at "
                  f"Discord's {GLOBAL_RATE:.0f}/s)")
            ok &= _target(f"all posts out within {DRAIN_SLACK:.2f} x that floor ({DRAIN_SLACK * floor:.1f} s)",
                          result["posted_after"] <= DRAIN_SLACK * floor)
        ok &= _target("RSS < 150 MB holding all guilds", max(result["rss"][0], result["rss_drained"][0]) < RSS_TARGET_MB)
        await single.stop()
        if options.one_only:
            processes = []
            return 0 if ok else 1

        first = BotProcess(config, directory / "shard0.log", env={"READER_BOT_SHARD_COUNT": "2", "READER_BOT_SHARD_IDS": "0"})
        second = BotProcess(config, directory / "shard1.log", env={"READER_BOT_SHARD_COUNT": "2", "READER_BOT_SHARD_IDS": "1"})
        processes = [first, second]
        for process in processes:
            process.start()
        for process in processes:
            await wait_for(lambda p=process: _ready(p), 120, "both bots to be ready")
        result = await run_cycle("two processes, shards 0 and 1 of 2", processes, url, farm, options.new, options.seed, sandbox)
        ok &= report(result, options.feeds)
        for process in processes:
            await process.stop()
    finally:
        for process in processes:
            process.kill()
        farm.stop()
        await sandbox.stop()
        await drop_database(options.postgres, name)
    print(f"load after: {os.getloadavg()[0]:.1f} (2 cores shared with other work)")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


async def _ready(process) -> bool:  # type: ignore[no-untyped-def]
    if not process.running:
        raise RuntimeError(f"the bot exited:\n{process.log_text()[-3000:]}")
    return "reader_bot: ready:" in process.log_text()


def _target(name: str, met: bool) -> bool:
    print(f"{name:<26} {'PASS' if met else 'FAIL'}")
    return met


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
