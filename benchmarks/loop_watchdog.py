"""What the loop watchdog (bot/loop_watchdog.py) costs the event loop it watches.

    .venv/bin/python benchmarks/loop_watchdog.py [--seconds 3] [--rounds 4]

A loop busy the way the bot's is at saturation: many tasks, each a small piece of CPU work (building and
dropping objects in reference cycles, as discord.py does per click) between awaits, with the collector tuned as
the bot tunes it. The same work runs with and without the watchdog, in alternating rounds (a busy moment of a
shared machine then falls on both); the figure is steps per second of the loop thread's CPU time, so time the
process spent waiting for a CPU does not count. Target: the watchdog costs less than 2% of the loop's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import cpu_times, machine_info, steal_note  # noqa: E402

from bot.cogs.client import GC_THRESHOLDS  # noqa: E402
from bot.loop_watchdog import LoopWatchdog  # noqa: E402

TARGET_OVERHEAD = 0.02
TASKS = 200


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None
        self.payload = [0] * 8


def one_step() -> None:
    """About what a click costs between two awaits: objects in a reference cycle, some dict and string work."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    data = {f"key{index}": index for index in range(40)}
    "".join(str(value) for value in data.values())


async def steps_per_cpu_second(seconds: float, watched: bool) -> float:
    watchdog = LoopWatchdog() if watched else None
    if watchdog is not None:
        watchdog.start()
    steps = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal steps
        while time.perf_counter() < stop:
            one_step()
            steps += 1
            await asyncio.sleep(0)

    cpu_before = time.thread_time()
    wall_before = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(TASKS)))
    cpu = time.thread_time() - cpu_before
    if watchdog is not None:
        assert watchdog._thread is not None and watchdog._thread.native_id is not None
        THREAD_SHARE.append(thread_cpu_seconds(watchdog._thread.native_id) / (time.perf_counter() - wall_before))
        watchdog.stop()
    return steps / cpu


THREAD_SHARE: list[float] = []  # the watching thread's CPU time per second of each watched round


def thread_cpu_seconds(native_id: int) -> float:
    """User + system CPU time of a thread of this process (Linux; clock ticks, so 10 ms steps)."""
    fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main(args: argparse.Namespace) -> int:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    load_before = os.getloadavg()[0]
    cpu_before = cpu_times()
    rates: dict[bool, list[float]] = {False: [], True: []}
    for round_number in range(args.rounds):
        for watched in (False, True) if round_number % 2 == 0 else (True, False):
            rates[watched].append(await steps_per_cpu_second(args.seconds, watched))
    load_after = os.getloadavg()[0]
    cpu_after = cpu_times()
    without, with_watchdog = statistics.median(rates[False]), statistics.median(rates[True])
    overhead = 1 - with_watchdog / without
    print(machine_info())
    print(f"load average before {load_before:.2f}, after {load_after:.2f} (2 cores shared with other work)")
    print(steal_note(cpu_before, cpu_after))
    print(f"{TASKS} tasks, {args.rounds} rounds of {args.seconds:g} s each way, steps per second of loop CPU time:")
    for watched in (False, True):
        print(f"  {'with' if watched else 'without'} the watchdog: median {statistics.median(rates[watched]):,.0f} "
              f"({' / '.join(f'{rate:,.0f}' for rate in rates[watched])})")
    spread = (max(rates[False]) - min(rates[False])) / without
    print(f"  rounds without the watchdog differ by up to {spread * 100:.0f}% among themselves (the machine's noise)")
    print(f"  the watching thread's own CPU time: {statistics.median(THREAD_SHARE) * 100:.2f}% of a core")
    ok = overhead < TARGET_OVERHEAD
    print(f"{'PASS' if ok else 'FAIL'}  the watchdog costs {overhead * 100:.1f}% of the loop's throughput, "
          f"target < {TARGET_OVERHEAD * 100:g}%")
    return 0 if ok else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=4)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
