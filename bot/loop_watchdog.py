"""A watchdog for the event loop: a WARNING naming the culprit whenever the loop is blocked longer than a threshold.

Every click waits as long as the loop is blocked, so a bot answering hundreds of clicks a second must never hold
it for long, and when it does, the log must say what held it. asyncio names slow callbacks only in debug mode,
which records a stack for every future and task and is far too costly to keep on. This watchdog is cheap enough for
production: it measures every round of the loop and nothing else runs on the loop.

- An asyncio selector loop alternates between waiting in its selector's `select()` and running what became ready
  (callbacks, task steps, due timers): a "round". The watchdog wraps the loop's selector so that each round's length
  is the time from one `select()` returning to the next being called: two clock reads per round, no timer, no
  wake-up of an idle loop. A round longer than `threshold` is one WARNING: "event loop blocked for 123 ms (CPU 118
  ms) by <what>". It used to be measured by a heartbeat timer every 5 ms instead, which woke an idle loop 200 times a
  second and, measured with py-spy in benchmarks/votes.py (issue 11), cost about as much of the bot's loop as
  storing the votes did.
- The loop thread's CPU time tells a block by the bot's own work from a process that waited for a CPU on a busy
  machine (then the CPU time is a fraction of the block, the thread was runnable rather than asleep in a blocking
  call, and the warning says so).
- A daemon thread looks, once a round has run for the threshold, at the loop thread's stack
  (`sys._current_frames`), which names what runs: the callback or task step the loop is stuck in, and its
  innermost line. Otherwise it sleeps until a round in progress could reach that age: about 50 wake-ups a second,
  each of which takes the GIL from the loop thread. It used to look from half the threshold on, twice as often,
  which cost an idle bot 1.3 % of a core (benchmarks/votes.py, issue 11).
- Garbage-collector passes are timed with `gc.callbacks` (the collector holds the GIL, so no thread can look while
  it runs): a pass longer than the threshold is named with its generation, its CPU time and the line that
  triggered it.

Tried instead and taken out (issue 11): no thread, but a one-shot SIGALRM timer armed in each round and disarmed
at its end, its handler noting the frame it interrupted. On SQLite (benchmarks/votes.py, 4,000-click rounds) the bot
then spent 1.05-1.13 times the bare bot's CPU per click instead of 1.19-1.22, and answered 0.92-1.00 of its clicks
per second instead of 0.81-0.91; on PostgreSQL the median acknowledgement at 500 clicks/s doubled (3 ms to 6-8 ms)
and all 3 runs had a stall of 290-750 ms (none in 5 runs with the thread or without a watchdog). Why was not found.

`summary()` counts blocks and collections by generation (the bot logs it when it stops). The loop must be an
asyncio selector loop (the default on Linux and macOS); on another loop `start()` logs that it cannot watch it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD_SECONDS = 0.020
MAX_SAMPLES_PER_BLOCK = 3


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

    def __init__(self, threshold: float = DEFAULT_THRESHOLD_SECONDS, *, logger: logging.Logger | None = None) -> None:
        self.threshold = threshold
        self.log = logger or log
        self.stats = LoopStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._selector: Any = None  # the loop's selector, whose `select` is wrapped while watching
        self._replaced_select: Callable[..., Any] | None = None
        self._loop_thread = 0
        self._round_started = 0.0  # when the loop's current round began (perf_counter): its select() returned
        self._selecting = False  # the loop waits in select(): idle, not blocked
        # The loop thread's CPU time as the watching thread last read it while no round was long, and when
        # (perf_counter): reading it there keeps a system call off the loop.
        self._cpu_mark = 0.0
        self._cpu_mark_at = 0.0
        self._loop_cpu_clock: int | None = None
        self._samples: list[str] = []  # what the thread saw running in the current round, once it was long
        self._asleep_samples = 0  # samples in a callback taken while the loop thread was not runnable
        self._loop_native_id = 0
        # collector passes over the threshold in the current round: (generation, seconds, CPU seconds, freed, where)
        self._long_collections: list[tuple[int, float, float, int, str]] = []
        self._gc_started = 0.0
        self._gc_cpu_started = 0.0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def watching(self) -> bool:
        return self._selector is not None

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()
        selector = getattr(self._loop, "_selector", None)
        if selector is None or not callable(getattr(selector, "select", None)):
            self.log.warning("the loop watchdog needs an asyncio selector event loop; %s is not watched",
                             type(self._loop).__name__)
            return
        self._loop_thread = threading.get_ident()
        self._loop_native_id = threading.get_native_id()
        try:
            self._loop_cpu_clock = time.pthread_getcpuclockid(self._loop_thread)
        except (AttributeError, OSError):  # not on this platform: a block's CPU time is not known
            self._loop_cpu_clock = None
        self._mark_cpu()
        self._round_started = time.perf_counter()
        self._selector = selector
        self._replaced_select = vars(selector).get("select")  # someone else's wrapper, put back on stop()
        selector.select = self._timed_select(selector.select)
        gc.callbacks.append(self._on_collection)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._selector is not None:
            if self._replaced_select is not None:
                self._selector.select = self._replaced_select
            elif "select" in vars(self._selector):
                del self._selector.select  # the selector's own method again
            self._selector = None
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

    def _timed_select(self, select: Callable[..., Any]) -> Callable[..., Any]:
        def timed_select(timeout: float | None = None) -> Any:
            busy = time.perf_counter() - self._round_started
            if busy > self.threshold:
                self._end_long_round(busy)
            elif self._samples or self._long_collections:
                self._samples, self._asleep_samples, self._long_collections = [], 0, []
            self._selecting = True
            try:
                return select(timeout)
            finally:
                self._round_started = time.perf_counter()
                self._selecting = False

        return timed_select

    def _end_long_round(self, busy: float) -> None:
        # The mark was read before the round began (at most a poll earlier) or, rarely, just after: the loop
        # thread's share of the CPU since then, applied to the round.
        if self._loop_cpu_clock is None:  # no marks without the loop thread's CPU clock: counted as the loop's own
            self._report(busy, busy)
        else:
            cpu = time.thread_time() - self._cpu_mark
            since = time.perf_counter() - self._cpu_mark_at
            self._report(busy, cpu * busy / since if since > busy else cpu)
        self._samples, self._asleep_samples, self._long_collections = [], 0, []

    def _report(self, blocked: float, cpu: float) -> None:
        causes = [self._describe_collections()] if self._long_collections else []
        working = list(self._samples)
        causes += working
        if len({sample.split(" at ")[0] for sample in working}) > 1 and not self._long_collections:
            causes.insert(0, "many callbacks in one loop round")  # no single one: the loop is behind
        if cpu < blocked / 2 and not self._asleep_samples:
            # The loop thread mostly did not run, and whenever the watchdog could look it was runnable in the
            # middle of a callback (not asleep in a blocking call, which shows as state S or D): the process waited
            # for a CPU, whatever else ran in that round.
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
        wait = self.threshold
        while True:
            # A plain sleep, not an Event's wait: a wake-up of this thread costs the loop the GIL, and an Event's
            # Python-level condition variable made each one several times dearer (py-spy, benchmarks/votes.py).
            time.sleep(wait)
            if self._stopping.is_set():
                return
            age = 0.0 if self._selecting else time.perf_counter() - self._round_started
            if age < self.threshold:
                if self._loop_cpu_clock is not None:
                    self._mark_cpu()
                # Sleep until the round in progress (or one starting now) could be over the threshold, not a
                # fixed poll: every wake-up of this thread takes the GIL from the loop thread.
                wait = max(poll, self.threshold - age)
                continue
            wait = poll
            if len(self._samples) >= MAX_SAMPLES_PER_BLOCK:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            sample = describe_stack(frame)
            del frame
            if self._selecting:  # the round ended while the thread looked
                continue
            if thread_state(self._loop_native_id) != "R":
                self._asleep_samples += 1  # in a blocking call (or no /proc to tell): not waiting for a CPU
            if sample not in self._samples:
                self._samples.append(sample)
