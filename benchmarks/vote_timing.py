"""How fast a bot answered in the vote benchmark (benchmarks/votes.py): acknowledgements per second at saturation,
the longest stall, one line per saturation round, latency percentiles around a restart, and how far a median of
rounds can be trusted.

`clicks` are benchmarks/votes.py's `Click`s: the sandbox's handle of each interaction says when it was made and
when the bot acknowledged it.
"""

from __future__ import annotations

import random
import statistics
from typing import Any

from vote_checks import confirmed


def saturation_rate(clicks: list[Any]) -> float:
    """Acknowledgements per second over the steady part (the first tenth, while the window fills, is left out)."""
    times = sorted(c.handle.acked_at for c in clicks if c.handle is not None and confirmed(c.handle))
    skip = len(times) // 10
    if len(times) - skip < 2 or times[-1] <= times[skip]:
        return 0.0
    return (len(times) - skip - 1) / (times[-1] - times[skip])


def round_details(name: str, clicks: list[Any], seconds: float, sandbox_cpu: float, bot_cpu: float,
                  machine_idle: float | None = None) -> str:
    """One saturation round: how long it took, how soon it began to be answered, and which process was busy (the
    bot near 100% of a core means the bot sets the pace; the sandbox near 100% means this process does; a machine
    without idle time means every process, a database server's too, waited for a CPU)."""
    answered = [c.handle for c in clicks if c.handle is not None and c.handle.acked_at is not None]
    first_click = min(handle.created_at for handle in answered)
    first_answer = min(handle.acked_at for handle in answered if handle.acked_at is not None)
    return (f"  round of {name}: {len(answered)} clicks in {seconds * 1000:.0f} ms, first answered after "
            f"{(first_answer - first_click) * 1000:.0f} ms, longest stall {longest_stall(clicks) * 1000:.0f} ms; CPU: bot "
            f"{100 * bot_cpu / seconds:.0f}% of a core, sandbox and driver {100 * sandbox_cpu / seconds:.0f}%"
            + (f"; machine idle {100 * machine_idle:.0f}% of its CPU time" if machine_idle is not None else ""))


def longest_stall(clicks: list[Any]) -> float:
    """The largest gap (seconds) in which at least one click was waiting and none was answered."""
    answered = sorted((c.handle.acked_at, c.handle.created_at) for c in clicks
                      if c.handle is not None and c.handle.acked_at is not None)
    longest = 0.0
    earliest_waiting = float("inf")
    starts = []
    for acked, created in reversed(answered):  # the earliest click still waiting at each answer
        earliest_waiting = min(earliest_waiting, created)
        starts.append(earliest_waiting)
    starts.reverse()
    previous = float("-inf")
    for (acked, _), waiting_since in zip(answered, starts, strict=True):
        longest = max(longest, acked - max(previous, waiting_since))
        previous = acked
    return longest


def p99(latencies: list[float]) -> float:
    """The 99th percentile of sorted, non-empty latencies (nearest rank)."""
    return latencies[min(len(latencies) - 1, int(round(0.99 * len(latencies))) - 1)]


def split_latencies(offsets: list[tuple[float, float]], first_second: bool) -> str:
    """p50/p99/max of the click latencies in (or after) the first second of each fixed-rate half: for
    reader-bot the first second after a restart (each of its halves follows one)."""
    latencies = sorted(latency for latency, offset in offsets if (offset < 1.0) == first_second)
    if not latencies:
        return "no clicks"
    return (f"p50 {statistics.median(latencies):.1f} ms, p99 {p99(latencies):.1f} ms, max {latencies[-1]:.1f} ms "
            f"({len(latencies)} clicks)")


def median_interval(values: list[float], confidence: float = 0.9, resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """A bootstrap interval for the median of `values` (the rounds' ratios): how far one run's median can be trusted
    on a machine whose rounds differ by tens of percent. Six rounds give a crude interval, which is the point."""
    if not values:
        return 0.0, 0.0
    rng = random.Random(seed)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    tail = (1 - confidence) / 2
    return medians[int(tail * (resamples - 1))], medians[int((1 - tail) * (resamples - 1))]
