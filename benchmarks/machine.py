"""What a benchmark ran on, printed beside its figures so that a result can be judged."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def machine_info() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"nproc={os.cpu_count()}  CPU: {cpu}  Python {platform.python_version()}  "
            f"SQLite {sqlite3.sqlite_version}  {platform.system()} {platform.release()}")


def cpu_times() -> tuple[int, ...]:
    """The machine's CPU time counters (/proc/stat's first line, in clock ticks); () where there is none."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return ()
    return tuple(int(value) for value in first[1:9])  # user nice system idle iowait irq softirq steal


IDLE, STEAL = 3, 7  # columns of `cpu_times()`


def share_of(column: int, before: tuple[int, ...], after: tuple[int, ...]) -> float | None:
    """The share of the machine's CPU time (all cores) in one column of `cpu_times()` between two readings; None
    where /proc/stat is not available or no time passed."""
    if len(before) < 8 or len(after) < 8:
        return None
    deltas = [b - a for a, b in zip(before, after)]
    total = sum(deltas)
    return deltas[column] / total if total else None


def idle_share(before: tuple[int, ...], after: tuple[int, ...]) -> float | None:
    return share_of(IDLE, before, after)


def steal_note(before: tuple[int, ...], after: tuple[int, ...]) -> str:
    """How much CPU the hypervisor took from this virtual machine between two `cpu_times()`: a host busy with
    other guests slows every process here unevenly, so figures taken meanwhile are not quiet ones."""
    if len(before) < 8 or len(after) < 8:
        return "CPU steal: not known on this system"
    share = 100 * (share_of(STEAL, before, after) or 0.0)
    verdict = "quiet" if share < 2 else "NOT quiet: the host took CPU time from this machine, figures vary more"
    return f"CPU steal (time the hypervisor gave to other guests) during the run: {share:.1f}% ({verdict})"
