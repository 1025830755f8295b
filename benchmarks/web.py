"""Web benchmark: do report pages slow voting down? Vote latency while a second process loads the report pages.

    .venv/bin/python benchmarks/web.py [--rate 500] [--report-rate 200] [--seconds 8]

The sandbox runs in this process and `reader-bot run` (SQLite file database, `[web]` on loopback) in another, as
in benchmarks/votes.py, whose pieces (sandbox, seeding, click plan, process handling) this script imports. Members
click at `--rate` clicks/s twice: once alone (baseline), once while a third process (`web.py --load`) offers
`--report-rate` GETs/s of the article's report page, widget, chart and JSON (plain GETs, no If-None-Match, so every
request gets a full body; one request of each kind goes first, so the report cache's first build is not timed:
it is rebuilt every 15 s anyway, and those rebuilds are). Between the two, the reports run alone to measure their
CPU cost in the bot process. It prints the click->ack p50/p99 of both phases and the report requests' latency.

Target: vote p99 < 50 ms at 500 clicks/s while 200 report requests/s are offered.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine_info  # noqa: E402
from bot_processes import connected, cpu_seconds, start_process  # noqa: E402
from vote_checks import confirmed  # noqa: E402
from vote_workload import plan_clicks, seed  # noqa: E402
from votes import TOKEN, make_sandbox, materialise, wait_settled  # noqa: E402

TARGET_P99_MS = 50.0
SECRET = "benchmark-web-secret-0123456789"
SERVING = re.compile(r"web: serving report pages, /healthz and /metrics on (http://\S+) ")
REPORT_PATHS = ("", "", "/embed", "/chart.svg", "/summary.json")  # the page twice as often as the others


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))] if ordered else float("nan")


# ----- the load process: `web.py --load URL RATE SECONDS` prints one JSON line ----------------------------------


async def offer_load(url: str, rate: float, seconds: float) -> dict[str, Any]:
    import aiohttp

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    pending: set[asyncio.Task[None]] = set()
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(path: str) -> None:
            started = time.perf_counter()
            try:
                async with session.get(url + path) as response:
                    await response.read()
                    key = str(response.status)
            except aiohttp.ClientError as error:
                key = type(error).__name__
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[key] = statuses.get(key, 0) + 1

        for path in REPORT_PATHS:  # one of each first (the cache's first build), then tell the driver to start
            async with session.get(url + path) as response:
                await response.read()
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        start = loop.time()
        count = int(rate * seconds)
        for index in range(count):
            delay = start + index / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(REPORT_PATHS[index % len(REPORT_PATHS)]))
            pending.add(task)
            task.add_done_callback(pending.discard)
        offered_for = loop.time() - start
        if pending:
            await asyncio.wait(pending, timeout=30)
    return {"requests": count, "offered_per_s": count / offered_for, "statuses": statuses,
            "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=float("nan"))}


# ----- the driver --------------------------------------------------------------------------------------------


async def vote_phase(sandbox: Any, clicks: list[Any], rate: float) -> tuple[float, float, int, int]:
    handles = await sandbox.click_many([(c.member, c.message, c.custom_id) for c in clicks], rate=rate)
    for click, handle in zip(clicks, handles, strict=True):
        click.handle = handle
    await wait_settled(clicks, 20)
    # A click never confirmed counts as infinitely slow: it cannot make the percentiles look better.
    latencies = [c.handle.latency * 1000 if confirmed(c.handle) and c.handle.latency is not None else float("inf")
                 for c in clicks]
    unconfirmed = sum(1 for c in clicks if not confirmed(c.handle))
    return percentile(latencies, 0.5), percentile(latencies, 0.99), len(clicks), unconfirmed


async def main(args: argparse.Namespace) -> int:
    from bot.storage.database import Database
    from bot.summaries.links import ReportLinks

    workdir = Path(tempfile.mkdtemp(prefix="reader-bot-web-"))
    database_url = f"sqlite+aiosqlite:///{workdir / 'votes.db'}"
    sandbox = make_sandbox()
    urls = await sandbox.start()
    guild = sandbox.add_guild("Benchmark readers")
    channel = sandbox.add_channel(guild, "articles")
    members = sandbox.add_members(guild, args.members, locales=("en-US", "de"))
    account = sandbox.add_bot_user(TOKEN)
    option_counts = [int(count) for count in args.options.split(",")]
    seeded = await seed(database_url, sandbox, guild, channel, account, option_counts, args.open_questions)
    needed = args.warmup + 2 * int(args.rate * args.seconds)
    # Members click polls they voted on again (changes and withdrawals), as in benchmarks/votes.py (issue 11).
    clicks = materialise(plan_clicks(members, seeded.polls, needed, random.Random(args.seed), args.spacing), seeded.polls)

    config = workdir / "config.toml"
    config.write_text(
        f'[discord]\ntoken = "{TOKEN}"\napi_base = "{urls.api_base}"\ngateway_url = "{urls.gateway_url}"\n'
        f'[database]\nurl = "{database_url}"\n[feeds]\npoll_interval = "1h"\n'
        f'[web]\nlisten = "127.0.0.1:0"\nsecret = "{SECRET}"\n', encoding="utf-8")
    log_path = workdir / "reader-bot.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    print(machine_info())
    print(f"vote polls of {args.options} options and {args.open_questions} open question(s), {args.members} members; {args.rate:g} clicks/s for "
          f"{args.seconds:g} s alone, then again with {args.report_rate:g} report requests/s from another process")
    bot = start_process([sys.executable, "-m", "bot", "run", "--config", str(config)], log_path, env)
    try:
        await connected(sandbox, bot, log_path, account=account)
        found = None
        for _ in range(100):
            found = SERVING.search(log_path.read_text(errors="replace"))
            if found:
                break
            await asyncio.sleep(0.1)
        if not found:
            raise SystemExit(f"the bot's web server did not start; see {log_path}")
        database = Database(database_url)
        try:
            report_url = await ReportLinks(database, SECRET, found.group(1)).link_for(1)
        finally:
            await database.dispose()
        await asyncio.sleep(1.0)

        warm, clicks = clicks[: args.warmup], clicks[args.warmup:]
        for click in warm:
            click.handle = sandbox.click_button_now(click.member, click.message, click.custom_id)
            await asyncio.sleep(0.002)
        await wait_settled(warm, 10)
        count = int(args.rate * args.seconds)
        baseline, loaded = clicks[:count], clicks[count: 2 * count]
        load_before = os.getloadavg()
        gc.collect()
        gc.disable()  # the driver's own collections would pause the clicks of one phase only

        cpu_start = cpu_seconds(bot.pid)
        alone = await vote_phase(sandbox, baseline, args.rate)
        cpu_alone = sum(cpu_seconds(bot.pid)) - sum(cpu_start)
        await asyncio.sleep(0.5)

        # The reports alone, no clicks: what they cost the bot process in CPU time.
        loader = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()), "--load", report_url, str(args.report_rate), str(args.seconds),
            stdout=subprocess.PIPE, cwd=str(ROOT))
        assert loader.stdout is not None
        await asyncio.wait_for(loader.stdout.readline(), 60)
        cpu_start = cpu_seconds(bot.pid)
        stdout, _ = await loader.communicate()
        cpu_reports = sum(cpu_seconds(bot.pid)) - sum(cpu_start)
        reports_alone = json.loads(stdout.decode().strip().splitlines()[-1])
        await asyncio.sleep(0.5)

        loader = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()), "--load", report_url, str(args.report_rate), str(args.seconds + 1),
            stdout=subprocess.PIPE, cwd=str(ROOT))
        assert loader.stdout is not None
        await asyncio.wait_for(loader.stdout.readline(), 60)  # "ready": its interpreter is up and the requests begin
        await asyncio.sleep(0.5)
        cpu_start = cpu_seconds(bot.pid)
        under_load = await vote_phase(sandbox, loaded, args.rate)
        stdout, _ = await loader.communicate()
        cpu_loaded = sum(cpu_seconds(bot.pid)) - sum(cpu_start)
        gc.enable()
        load_after = os.getloadavg()
        web = json.loads(stdout.decode().strip().splitlines()[-1])
    finally:
        bot.kill()
        bot.wait()
        await sandbox.stop()

    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (other processes share these cores)")
    print()
    print(f"{'votes':28} {'p50':>9} {'p99':>9} {'clicks':>7} {'unconfirmed':>12}")
    for name, (p50, p99, total, unconfirmed) in (("alone", alone), (f"with {args.report_rate:g} reports/s", under_load)):
        print(f"{name:28} {p50:>6.1f} ms {p99:>6.1f} ms {total:>7} {unconfirmed:>12}")
    statuses = ", ".join(f"{key}: {value}" for key, value in sorted(web["statuses"].items()))
    print(f"report requests: {web['requests']} offered at {web['offered_per_s']:.0f}/s; p50 {web['p50_ms']:.1f} ms, "
          f"p99 {web['p99_ms']:.1f} ms, max {web['max_ms']:.1f} ms; statuses {statuses}")
    per_report_ms = 1000 * cpu_reports / max(1, reports_alone["requests"])
    print(f"reports alone: {reports_alone['requests']} at {reports_alone['offered_per_s']:.0f}/s, p50 "
          f"{reports_alone['p50_ms']:.1f} ms, p99 {reports_alone['p99_ms']:.1f} ms; they cost the bot process "
          f"{per_report_ms:.2f} ms of CPU each ({cpu_reports:.2f} s in all)")
    print(f"bot process CPU: {cpu_alone:.2f} s for the clicks alone ({1000 * cpu_alone / max(1, alone[2]):.2f} ms a click), "
          f"{cpu_loaded:.2f} s for the clicks plus the reports (CPU time: less skewed by a busy machine than latency)")
    print()
    ok_reports = web["statuses"].get("200", 0) == web["requests"]
    checks = [
        (f"vote p99 at {args.rate:g} clicks/s with {args.report_rate:g} report requests/s: {under_load[1]:.1f} ms, "
         f"target < {TARGET_P99_MS:g} ms (alone: {alone[1]:.1f} ms)", under_load[1] < TARGET_P99_MS and under_load[3] == 0),
        (f"every report request answered 200: {web['statuses'].get('200', 0)} of {web['requests']}", ok_reports),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"(log and database in {workdir})")
    return 0 if all(ok for _, ok in checks) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500.0, help="offered clicks per second")
    parser.add_argument("--report-rate", type=float, default=200.0, help="offered report requests per second")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--options", default="2,3", help="options of each vote poll (issue 11: one of 2, one of 3)")
    parser.add_argument("--open-questions", type=int, default=1)
    parser.add_argument("--spacing", type=int, default=600, help="clicks between a member's clicks on one poll")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--load":
        print(json.dumps(asyncio.run(offer_load(sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))))
        sys.exit(0)
    sys.exit(asyncio.run(main(parse_args())))
