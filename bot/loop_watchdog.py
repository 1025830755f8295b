"""A watchdog for the event loop: a WARNING naming the culprit whenever the loop is blocked longer than a threshold.

Every click waits as long as the loop is blocked, so a bot answering hundreds of clicks a second must never hold
it for long, and when it does, the log must say what held it. asyncio names slow callbacks only in debug mode,
which records a stack for every future and task and is far too costly to keep on. This watchdog is cheap enough for
production (a timer on the loop every few milliseconds, a thread waking when the timer could be overdue, two calls
per collection; `benchmarks/loop_watchdog.py` measured 0.5-3.6% of a busy loop's throughput on a shared 2-core
machine whose rounds without it differed by 12-25%, i.e. within the noise):

- on the loop, a heartbeat timer notes when it last ran; when it runs late by more than `threshold`, the loop was
  blocked at least that long, and one WARNING says so: "event loop blocked for 123 ms (CPU 118 ms) by <what>".
  The loop thread's CPU time tells a block by the bot's own work from a process that waited for a CPU on a busy
  machine (then the CPU time is a fraction of the block, the thread was runnable rather than asleep in a blocking
  call, and the warning says so);
- meanwhile a daemon thread looks whether the heartbeat is overdue; while it is, it samples the loop thread's stack
  (`sys._current_frames`), which names what runs: the callback or task step the loop is stuck in, and its
  innermost line;
- garbage-collector passes are timed with `gc.callbacks` (the collector holds the GIL, so no thread can look while
  it runs): a pass longer than the threshold is named with its generation, its CPU time and the line that
  triggered it.

`summary()` counts blocks and collections by generation (the bot logs it when it stops).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD_SECONDS = 0.020
MAX_SAMPLES_PER_BLOCK = 3
IDLE = "the loop waiting for events"


@dataclass
class CollectorStats:
    """Collections of one generation: how many, how long in all, the longest."""

    count: int = 0
    total_seconds: float = 0.0
    longest_seconds: float = 0.0
    total_cpu_seconds: float = 0.0
    longest_cpu_seconds: float = 0.0

    def add(self, seconds: float, cpu_seconds: float) -> None:
        self.count += 1
        self.total_seconds += seconds
        self.longest_seconds = max(self.longest_seconds, seconds)
        self.total_cpu_seconds += cpu_seconds
        self.longest_cpu_seconds = max(self.longest_cpu_seconds, cpu_seconds)


@dataclass
class LoopStats:
    blocks: int = 0
    busy_blocks: int = 0  # of which the loop thread itself was on the CPU for more than the threshold
    longest_block_seconds: float = 0.0
    longest_busy_cpu_seconds: float = 0.0
    culprits: Counter[str] = field(default_factory=Counter)
    collector: dict[int, CollectorStats] = field(default_factory=lambda: {g: CollectorStats() for g in range(3)})


def _short_path(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


def _where(frame: FrameType) -> str:
    code = frame.f_code
    return f"{getattr(code, 'co_qualname', code.co_name)} ({_short_path(code.co_filename)}:{frame.f_lineno})"


def describe_stack(frame: FrameType | None) -> str:
    """The callback the loop runs (the frame the loop's `Handle._run` called) and the innermost line, e.g.
    "VoteBatcher._run (polls/batcher.py:126) at SqliteVoteWriter._apply (polls/writer.py:122)"."""
    if frame is None:
        return "unknown"
    innermost = frame
    callback: FrameType | None = None
    while frame is not None:
        parent = frame.f_back
        if parent is not None and parent.f_code.co_name == "_run" and parent.f_code.co_filename.endswith("events.py"):
            callback = frame
            break
        frame = parent
    if callback is None or callback is innermost:
        return _where(innermost)
    return f"{_where(callback)} at {_where(innermost)}"


def thread_state(native_id: int) -> str:
    """The scheduler's state of a thread of this process (Linux: R running or runnable, S sleeping, D in I/O);
    "?" where /proc is not available."""
    try:
        with open(f"/proc/self/task/{native_id}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError, ValueError):
        return "?"


class LoopWatchdog:
    """Start it on the running loop (`start()`), stop it before the loop closes (`stop()`)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD_SECONDS, *, interval: float | None = None,
                 logger: logging.Logger | None = None) -> None:
        self.threshold = threshold
        # The heartbeat's period bounds how much of a block can go unmeasured (a block is measured from the
        # heartbeat's due time), so it is a fraction of the threshold.
        self.interval = interval if interval is not None else max(0.002, threshold / 4)
        self.log = logger or log
        self.stats = LoopStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._timer: asyncio.TimerHandle | None = None
        self._due = 0.0  # when the heartbeat should run next (perf_counter)
        # The loop thread's CPU time as the watching thread last read it while the heartbeat was on time, and when
        # (perf_counter): reading it there, not in every heartbeat, keeps a system call off the loop (measured with
        # py-spy in benchmarks/votes.py: the heartbeat's own `time.thread_time()` was most of the watchdog's cost).
        self._cpu_mark = 0.0
        self._cpu_mark_at = 0.0
        self._loop_cpu_clock: int | None = None
        self._samples: list[str] = []  # what the thread saw running while the heartbeat was overdue
        self._asleep_samples = 0  # samples in a callback taken while the loop thread was not runnable
        self._loop_native_id = 0
        # collector passes over the threshold since the last heartbeat: (generation, seconds, CPU seconds, freed, where)
        self._long_collections: list[tuple[int, float, float, int, str]] = []
        self._gc_started = 0.0
        self._gc_cpu_started = 0.0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._loop_native_id = threading.get_native_id()
        try:
            self._loop_cpu_clock = time.pthread_getcpuclockid(self._loop_thread)
        except (AttributeError, OSError):  # not on this platform: the heartbeat reads its own CPU time instead
            self._loop_cpu_clock = None
        self._mark_cpu()
        self._schedule()
        gc.callbacks.append(self._on_collection)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def summary(self) -> str:
        stats = self.stats
        blocks = f"{stats.blocks} blocks > {self.threshold * 1000:g} ms"
        if stats.blocks:
            blocks += (f" (longest {stats.longest_block_seconds * 1000:.0f} ms), {stats.busy_blocks} with more than "
                       f"{self.threshold * 1000:g} ms of CPU (longest {stats.longest_busy_cpu_seconds * 1000:.0f} ms of CPU)")
        collections = "; ".join(
            f"gen{generation} {c.count} passes, {c.total_seconds * 1000:.0f} ms in all ({c.total_cpu_seconds * 1000:.0f} ms CPU), "
            f"longest {c.longest_seconds * 1000:.1f} ms ({c.longest_cpu_seconds * 1000:.1f} ms CPU)"
            for generation, c in stats.collector.items())
        return f"{blocks}; garbage collector: {collections}"

    # ----- on the loop -----------------------------------------------------------------------------------------

    def _schedule(self) -> None:
        assert self._loop is not None
        self._due = time.perf_counter() + self.interval
        if self._loop_cpu_clock is None:
            self._mark_cpu()
        self._timer = self._loop.call_later(self.interval, self._heartbeat)

    def _heartbeat(self) -> None:
        now = time.perf_counter()
        late = now - self._due
        if late > self.threshold:
            # The mark was read before the block began (at most a poll earlier) or, rarely, just after: the loop
            # thread's share of the CPU since then, applied to the block.
            cpu = time.thread_time() - self._cpu_mark
            since = now - self._cpu_mark_at
            self._report(late, cpu * late / since if since > 0 else cpu)
        self._samples = []
        self._asleep_samples = 0
        self._long_collections = []
        self._schedule()

    def _report(self, blocked: float, cpu: float) -> None:
        causes = [self._describe_collections()] if self._long_collections else []
        working = [sample for sample in self._samples if not sample.startswith(IDLE)]
        causes += working
        if len({sample.split(" at ")[0] for sample in working}) > 1 and not self._long_collections:
            causes.insert(0, "many callbacks in one loop round")  # no single one: the loop is behind
        if cpu < blocked / 2 and not self._asleep_samples:
            # The loop thread mostly did not run, and whenever the watchdog could look it was waiting for events,
            # or runnable in the middle of a callback (not asleep in a blocking call, which shows as state S or D):
            # the process waited for a CPU, whatever else ran in that round.
            causes.insert(0, "waiting for a CPU (the machine is busy)")
        what = "; ".join(causes) if causes else "callbacks each too short to be seen (a busy loop round)"
        stats = self.stats
        stats.blocks += 1
        stats.longest_block_seconds = max(stats.longest_block_seconds, blocked)
        if cpu > self.threshold:
            stats.busy_blocks += 1
            stats.longest_busy_cpu_seconds = max(stats.longest_busy_cpu_seconds, cpu)
        stats.culprits[causes[0] if causes else "busy loop round"] += 1
        self.log.warning("event loop blocked for %.0f ms (CPU %.0f ms) by %s", blocked * 1000, cpu * 1000, what)

    def _describe_collections(self) -> str:
        passes = self._long_collections
        generation, seconds, cpu, freed, where = max(passes, key=lambda entry: entry[1])
        text = (f"garbage collection of generation {generation} ({seconds * 1000:.0f} ms, {cpu * 1000:.0f} ms CPU, "
                f"{freed} objects freed) triggered in {where}")
        if len(passes) > 1:
            text += f" (the longest of {len(passes)} passes over {self.threshold * 1000:g} ms)"
        return text

    # ----- the collector (runs on whichever thread collects) ---------------------------------------------------

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            self._gc_cpu_started = time.thread_time()
            return
        seconds = time.perf_counter() - self._gc_started
        cpu = time.thread_time() - self._gc_cpu_started
        generation = int(info.get("generation", 2))
        self.stats.collector.setdefault(generation, CollectorStats()).add(seconds, cpu)
        if seconds > self.threshold and threading.get_ident() == self._loop_thread:
            trigger = sys._getframe(1)
            self._long_collections.append((generation, seconds, cpu, int(info.get("collected", 0)), describe_stack(trigger)))

    def _mark_cpu(self) -> None:
        """Note the loop thread's CPU time now (from any thread)."""
        clock = self._loop_cpu_clock
        self._cpu_mark = time.clock_gettime(clock) if clock is not None else time.thread_time()
        self._cpu_mark_at = time.perf_counter()

    # ----- the watching thread ---------------------------------------------------------------------------------

    def _watch(self) -> None:
        poll = max(0.002, self.threshold / 4)
        wait = poll
        while not self._stopping.wait(wait):
            overdue = time.perf_counter() - self._due
            if overdue <= self.threshold / 2:
                if self._loop_cpu_clock is not None:
                    self._mark_cpu()
                # Sleep until the heartbeat would be overdue, not a fixed poll: every wake-up of this thread takes
                # the GIL from the loop thread (measured: benchmarks/loop_watchdog.py).
                wait = max(poll, self.threshold / 2 - overdue)
                continue
            wait = poll
            if len(self._samples) >= MAX_SAMPLES_PER_BLOCK:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            idle = frame is not None and frame.f_code.co_name in ("select", "poll") and frame.f_code.co_filename.endswith("selectors.py")
            sample = IDLE if idle else describe_stack(frame)
            del frame
            if not idle and thread_state(self._loop_native_id) != "R":
                self._asleep_samples += 1  # in a blocking call (or no /proc to tell): not waiting for a CPU
            if sample not in self._samples:
                self._samples.append(sample)
