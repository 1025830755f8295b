"""A watchdog for the event loop: a WARNING naming the culprit whenever the loop is blocked longer than a threshold.

Every click waits as long as the loop is blocked, so a bot answering hundreds of clicks a second must never hold
it for long, and when it does, the log must say what held it. asyncio names slow callbacks only in debug mode,
which records a stack for every future and task and is far too costly to keep on. This watchdog is cheap enough for
production: it measures every round of the loop, and nothing but a round that is already long costs more.

- An asyncio selector loop alternates between waiting in its selector's `select()` and running what became ready
  (callbacks, task steps, due timers): a "round". The watchdog wraps the loop's selector so that each round's length
  is the time from one `select()` returning to the next being called. A round longer than `threshold` is one
  WARNING: "event loop blocked for 123 ms (CPU 118 ms) by <what>".
- What runs in a long round is seen by the loop thread itself: each round arms a one-shot real-time timer
  (`setitimer`, SIGALRM) for half the threshold, and disarms it when the round ends. In the few rounds that last
  that long, the signal handler runs on the loop thread between two bytecodes of whatever holds it (or interrupts
  the system call it sleeps in) and notes that frame: the callback or task step the loop is stuck in and its
  innermost line; then it looks again every quarter threshold, a few times. No other thread is involved; each
  round costs two `setitimer` calls and one `getrusage`, about 1.8 µs.
  A watching thread did this before, waking every 10 ms to look. Measured in benchmarks/votes.py (issue 11,
  SQLite, 4,000-click rounds, two runs each), the bot spent 1.19-1.22 times the bare bot's CPU per click with that
  thread and answered 0.81-0.91 of its clicks per second; with the timer 1.05-1.13 and 0.92-0.97; with no watchdog
  1.03 and 0.97 (one run). Why a thread that woke 100 times a second cost that much is not pinned down (each
  wake-up takes the GIL from the loop); benchmarks/loop_watchdog.py, a loop without I/O, does not show it.
- The loop thread's resource usage (`getrusage(RUSAGE_THREAD)`), read when each round begins and when a long one
  ends, gives the block's CPU time and tells a block by the bot's own work from one spent waiting: switches the
  thread made itself mean a blocking call, none while it got little CPU means it was runnable and the machine had no
  CPU for it (the warning then says so).
- Garbage-collector passes are timed with `gc.callbacks`: a pass longer than the threshold is named with its
  generation, its CPU time and the line that triggered it.

`summary()` counts blocks and collections by generation (the bot logs it when it stops). The loop must be an
asyncio selector loop (the default on Linux and macOS) in the main thread, where Python runs signal handlers, and
SIGALRM must be free; otherwise `start()` logs why it cannot watch and the loop runs unwatched.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import resource
import signal
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
_TIMER = signal.ITIMER_REAL
_SIGNAL = signal.SIGALRM


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


def _is_collector_callback(frame: FrameType) -> bool:
    """The collector's callbacks (ours, and any library's) are the first bytecode after a pass: a signal that came
    during the pass is handled in one of them."""
    for callback in gc.callbacks:
        if getattr(getattr(callback, "__func__", callback), "__code__", None) is frame.f_code:
            return True
    return False


def _in_loop_machinery(frame: FrameType) -> bool:
    code = frame.f_code
    return (code.co_name == "_run" and code.co_filename.endswith("events.py")) or (
        code.co_name == "timed_select" and code.co_filename == __file__)


def _returned(frame: FrameType | None) -> str:
    """The signal could be handled only once the loop was back in its own code: the callback was one long call into
    C (no bytecode of its own ran meanwhile). Named from the loop's handle when it is still there."""
    handle = frame.f_locals.get("self") if frame is not None and frame.f_code.co_name == "_run" else None
    callback = getattr(handle, "_callback", None)
    if callback is None:
        return "a long call into C (seen only when it returned)"
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        name = getattr(task.get_coro(), "__qualname__", task.get_name())
    else:
        function = getattr(callback, "func", callback)  # functools.partial
        name = getattr(function, "__qualname__", type(function).__name__)
    return f"{name} (a long call into C, seen only when it returned)"


class LoopWatchdog:
    """Start it on the running loop (`start()`), stop it before the loop closes (`stop()`)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD_SECONDS, *, logger: logging.Logger | None = None) -> None:
        self.threshold = threshold
        self.log = logger or log
        self.stats = LoopStats()
        self._first_look = threshold / 2
        self._next_look = max(0.002, threshold / 4)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._selector: Any = None  # the loop's selector, whose `select` is wrapped while watching
        self._replaced_select: Callable[..., Any] | None = None
        self._previous_handler: Any = None
        self._loop_thread = 0
        self._round_started = 0.0  # when the loop's current round began (perf_counter): its select() returned
        self._selecting = False  # the loop waits in select(): idle, not blocked
        self._usage_at_start: resource.struct_rusage | None = None  # the loop thread's, when the round began
        self._samples: list[str] = []  # what the handler saw running in the current round
        # collector passes over the threshold in the current round: (generation, seconds, CPU seconds, freed, where)
        self._long_collections: list[tuple[int, float, float, int, str]] = []
        self._gc_started = 0.0
        self._gc_cpu_started = 0.0

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
        if threading.current_thread() is not threading.main_thread():
            self.log.warning("the loop watchdog needs the loop in the main thread (signal handlers run there); "
                             "the loop is not watched")
            return
        previous = signal.getsignal(_SIGNAL)
        if callable(previous):
            self.log.warning("the loop watchdog needs SIGALRM, which %r handles already; the loop is not watched",
                             previous)
            return
        self._previous_handler = previous
        signal.signal(_SIGNAL, self._look)
        self._loop_thread = threading.get_ident()
        self._round_started = time.perf_counter()
        self._usage_at_start = resource.getrusage(resource.RUSAGE_THREAD)
        self._selector = selector
        self._replaced_select = vars(selector).get("select")  # someone else's wrapper, put back on stop()
        selector.select = self._timed_select(selector.select)
        gc.callbacks.append(self._on_collection)
        signal.setitimer(_TIMER, self._first_look)  # the round in progress is watched too

    def stop(self) -> None:
        if self._selector is not None:
            signal.setitimer(_TIMER, 0)
            signal.signal(_SIGNAL, self._previous_handler if self._previous_handler is not None else signal.SIG_DFL)
            if self._replaced_select is not None:
                self._selector.select = self._replaced_select
            elif "select" in vars(self._selector):
                del self._selector.select  # the selector's own method again
            self._selector = None
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)

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
            signal.setitimer(_TIMER, 0)
            busy = time.perf_counter() - self._round_started
            if busy > self.threshold:
                self._end_long_round(busy)
            if self._samples or self._long_collections:
                self._samples, self._long_collections = [], []
            self._selecting = True
            try:
                return select(timeout)
            finally:
                self._round_started = time.perf_counter()
                self._usage_at_start = resource.getrusage(resource.RUSAGE_THREAD)
                self._selecting = False
                signal.setitimer(_TIMER, self._first_look)

        return timed_select

    def _look(self, signum: int, frame: FrameType | None) -> None:
        """SIGALRM, on the loop thread, in a round older than half the threshold: note what runs (`frame`)."""
        if self._selecting or self._selector is None:
            return
        if frame is not None and _is_collector_callback(frame):  # just after a collector pass
            info = frame.f_locals.get("info") or {}
            sample = (f"garbage collection of generation {info.get('generation', '?')} triggered in "
                      f"{describe_stack(frame.f_back)}")
        elif frame is not None and not _in_loop_machinery(frame):
            sample = describe_stack(frame)
        else:
            sample = _returned(frame)
        if sample not in self._samples:
            self._samples.append(sample)
        if len(self._samples) < MAX_SAMPLES_PER_BLOCK:
            signal.setitimer(_TIMER, self._next_look)

    def _end_long_round(self, busy: float) -> None:
        waited_for_cpu = False
        cpu = busy  # no reading at the round's start: counted as the loop's own
        before = self._usage_at_start
        if before is not None:
            usage = resource.getrusage(resource.RUSAGE_THREAD)
            cpu = min(busy, (usage.ru_utime - before.ru_utime) + (usage.ru_stime - before.ru_stime))
            # Little CPU and no switch of its own (no sleeping system call): the thread was runnable and waited.
            waited_for_cpu = cpu < busy / 2 and usage.ru_nvcsw == before.ru_nvcsw
        self._report(busy, cpu, waited_for_cpu)

    def _report(self, blocked: float, cpu: float, waited_for_cpu: bool) -> None:
        causes = [self._describe_collections()] if self._long_collections else []
        working = list(self._samples)
        causes += working
        if len({sample.split(" at ")[0] for sample in working}) > 1 and not self._long_collections:
            causes.insert(0, "many callbacks in one loop round")  # no single one: the loop is behind
        if waited_for_cpu:
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

