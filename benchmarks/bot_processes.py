"""The bot processes of the vote benchmark (benchmarks/votes.py): started, watched until connected, stopped, and
their CPU time read from /proc."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _stat_cpu_seconds(stat: Path) -> tuple[float, float]:
    """User and system CPU time from a /proc stat file, zeros where it cannot be read."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time of a process so far (Linux), zeros where /proc is not available."""
    return _stat_cpu_seconds(Path(f"/proc/{pid}/stat"))


def main_thread_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process's main thread, which runs the bot's event loop: what sets its pace
    when the process's other threads (a commit, a checkpoint, the loop watchdog) run on another core."""
    return sum(_stat_cpu_seconds(Path(f"/proc/{pid}/task/{pid}/stat")))


def children_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of the processes a process started and that still run (reader-bot's vote writer),
    and of theirs: a bot that hands work to a child spends that CPU too, on another core."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for child in children:
        total += sum(cpu_seconds(int(child))) + children_cpu_seconds(int(child))
    return total


def busiest_processes(count: int = 5) -> str:
    """What else is using the cores (the machine may be shared)."""
    try:
        output = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"], capture_output=True,
                                text=True, timeout=5).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "(ps not available)"
    return ", ".join(" ".join(line.split()[::-1]) + "%" for line in output[:count])


children: list[subprocess.Popen[bytes]] = []  # every process started, so that none outlives a failed run


def start_process(command: list[str], log_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
    children.append(process)
    return process


async def connected(sandbox: Any, process: subprocess.Popen[bytes], log_path: Path, account: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not sandbox.is_connected(account):
        if process.poll() is not None:
            raise SystemExit(f"the bot process ended ({process.returncode}); see {log_path}")
        if time.monotonic() > deadline:
            raise SystemExit(f"the bot did not connect within {timeout}s; see {log_path}")
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # READY, GUILD_CREATE, command sync, extension start-up


async def stop_process(sandbox: Any, process: subprocess.Popen[bytes], sig: int, account: Any) -> None:
    process.send_signal(sig)
    for _ in range(300):
        if process.poll() is not None:
            break
        await asyncio.sleep(0.05)
    else:
        process.kill()
        process.wait()
    for _ in range(100):
        if not sandbox.is_connected(account):
            break
        await asyncio.sleep(0.05)
