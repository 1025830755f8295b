"""The event-loop watchdog names what blocked the loop, and stays quiet when nothing did."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.loop_watchdog import LoopWatchdog


def block_the_loop_for_a_while() -> None:
    time.sleep(0.12)


async def wait_for_rounds(count: int = 5) -> None:
    """Let the loop go round a few times (each round ends in the selector, where the watchdog measures it)."""
    for _ in range(count):
        await asyncio.sleep(0.005)


async def block_warnings(block: Callable[[], None], caplog: pytest.LogCaptureFixture,
                         rounds_before: int = 5) -> tuple[list[str], LoopWatchdog]:
    """Run `block` on a watched loop (20 ms threshold); the "event loop blocked" warnings it gave, and the watchdog."""
    watchdog = LoopWatchdog(threshold=0.02)
    watchdog.start()
    try:
        await wait_for_rounds(rounds_before)
        asyncio.get_running_loop().call_soon(block)
        with caplog.at_level(logging.WARNING, logger="bot.loop_watchdog"):
            await wait_for_rounds()
    finally:
        watchdog.stop()
    return [r.getMessage() for r in caplog.records if "event loop blocked" in r.getMessage()], watchdog


async def test_a_blocking_callback_is_named_in_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    warnings, watchdog = await block_warnings(block_the_loop_for_a_while, caplog)
    assert len(warnings) == 1, warnings
    assert "block_the_loop_for_a_while (tests/test_loop_watchdog.py:" in warnings[0]
    assert "waiting for a CPU" not in warnings[0]  # a sleeping call blocks as much as a computing one
    blocked_ms = float(warnings[0].split("blocked for ")[1].split(" ms")[0])
    assert 115 <= blocked_ms < 1000  # the round as a whole: the 120 ms sleep and not less
    assert watchdog.stats.blocks == 1
    assert "1 blocks > 20 ms" in watchdog.summary()


def compute_for_a_while() -> None:
    """120 ms of the loop thread's own CPU time, not of the wall clock: on a busy machine (the suite's other workers
    and bot processes on 2 cores) a 120 ms wall-clock spin got as little as 41 ms of CPU, and the watchdog rightly
    called that waiting for a CPU."""
    until = time.thread_time() + 0.12
    while time.thread_time() < until:
        pass


@pytest.mark.parametrize(("block", "computing"), [(compute_for_a_while, True), (block_the_loop_for_a_while, False)])
async def test_the_warning_tells_the_loops_own_cpu_time(block, computing: bool, caplog: pytest.LogCaptureFixture) -> None:
    """The CPU time is read by the watching thread, not in each round: a computing block still shows about its
    length in CPU, a sleeping one next to none."""
    warnings, watchdog = await block_warnings(block, caplog, rounds_before=10)
    assert len(warnings) == 1, warnings
    cpu_ms = float(warnings[0].split("(CPU ")[1].split(" ms")[0])
    if computing:
        assert cpu_ms >= 60, warnings[0]
        assert watchdog.stats.busy_blocks == 1
    else:
        assert cpu_ms < 20, warnings[0]
        assert watchdog.stats.busy_blocks == 0


async def test_a_long_collector_pass_is_named_with_its_generation(caplog: pytest.LogCaptureFixture) -> None:
    heap = [[index] for index in range(300_000)]  # enough tracked objects for a full pass over 2 ms
    watchdog = LoopWatchdog(threshold=0.002)
    watchdog.start()
    try:
        await wait_for_rounds()
        with caplog.at_level(logging.WARNING, logger="bot.loop_watchdog"):
            asyncio.get_running_loop().call_soon(gc.collect)
            await wait_for_rounds()
    finally:
        watchdog.stop()
        del heap
    warnings = [r.getMessage() for r in caplog.records if "garbage collection" in r.getMessage()]
    assert warnings, [r.getMessage() for r in caplog.records]
    assert "garbage collection of generation 2" in warnings[0]
    assert watchdog.stats.collector[2].count >= 1


async def test_an_idle_loop_gives_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    watchdog = LoopWatchdog(threshold=0.2)  # generous: the test machine is shared
    watchdog.start()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.loop_watchdog"):
            await wait_for_rounds(10)
    finally:
        watchdog.stop()
    assert not [r for r in caplog.records if "event loop blocked" in r.getMessage()]
    assert watchdog.stats.blocks == 0
    assert watchdog._thread is None and not watchdog.watching
    assert watchdog._on_collection not in gc.callbacks
    assert "select" not in vars(asyncio.get_running_loop()._selector)  # type: ignore[attr-defined]


async def test_a_sleeping_loop_is_not_woken_by_the_watchdog() -> None:
    """It measures the loop's rounds where they end, in the selector: no timer of its own wakes an idle loop (the
    heartbeat it had before woke it 200 times a second)."""
    selector = asyncio.get_running_loop()._selector  # type: ignore[attr-defined]
    select = selector.select
    calls = 0

    def counted(timeout: float | None = None) -> object:
        nonlocal calls
        calls += 1
        return select(timeout)

    selector.select = counted
    watchdog = LoopWatchdog(threshold=0.02)
    watchdog.start()
    try:
        assert watchdog.watching
        calls = 0
        await asyncio.sleep(0.3)
    finally:
        watchdog.stop()
        del selector.select
    assert calls <= 5, calls
    assert watchdog.stats.blocks == 0


async def test_a_loop_without_a_selector_is_not_watched_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    class ProactorLike:
        pass

    watchdog = LoopWatchdog()
    with caplog.at_level(logging.WARNING, logger="bot.loop_watchdog"):
        watchdog.start(ProactorLike())  # type: ignore[arg-type]
    watchdog.stop()
    assert not watchdog.watching and watchdog._thread is None
    assert any("ProactorLike is not watched" in r.getMessage() for r in caplog.records)


def test_the_watchdog_is_configured_in_the_runtime_section(tmp_path: Path) -> None:
    assert Settings().runtime.loop_watchdog is True
    assert Settings().runtime.loop_block_warning == pytest.approx(0.020)
    path = tmp_path / "config.toml"
    path.write_text('[runtime]\nloop_watchdog = false\nloop_block_warning = "50ms"\n', encoding="utf-8")
    settings = load_settings(path, environ={})
    assert settings.runtime.loop_watchdog is False
    assert settings.runtime.loop_block_warning == pytest.approx(0.050)
    example = (Path(__file__).resolve().parents[1] / "config.example.toml").read_text(encoding="utf-8")
    for key in settings.runtime.__dataclass_fields__:
        assert key in example, f"config.example.toml does not mention runtime.{key}"


def test_the_thread_state_tells_a_sleeping_thread_from_a_runnable_one() -> None:
    """What tells "waiting for a CPU" from a blocking call when the loop thread used little CPU in a block."""
    import threading

    from bot.loop_watchdog import thread_state

    started, release = threading.Event(), threading.Event()
    native_ids: list[int] = []

    def sleeper() -> None:
        native_ids.append(threading.get_native_id())
        started.set()
        release.wait(5)

    thread = threading.Thread(target=sleeper)
    thread.start()
    try:
        started.wait(5)
        time.sleep(0.05)
        assert thread_state(native_ids[0]) in ("S", "D")
        assert thread_state(threading.get_native_id()) == "R"
    finally:
        release.set()
        thread.join()


def voluntary_switches(native_id: int) -> int:
    for line in Path(f"/proc/self/task/{native_id}/status").read_text().splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            return int(line.split()[1])
    raise AssertionError("no voluntary_ctxt_switches line")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
async def test_the_watching_thread_wakes_about_once_per_threshold_on_an_idle_loop() -> None:
    """Every wake-up of the watching thread takes the GIL from the loop thread (under load, several hand-offs each),
    so it sleeps until a round could be over the threshold: about 50 wake-ups a second at 20 ms, where looking from
    half the threshold on woke it twice as often."""
    watchdog = LoopWatchdog(threshold=0.02)
    watchdog.start()
    try:
        assert watchdog._thread is not None and watchdog._thread.native_id is not None
        native_id = watchdog._thread.native_id
        await asyncio.sleep(0.1)
        before, started = voluntary_switches(native_id), time.perf_counter()
        await asyncio.sleep(1.0)
        wakes_per_second = (voluntary_switches(native_id) - before) / (time.perf_counter() - started)
    finally:
        watchdog.stop()
    assert 10 <= wakes_per_second <= 70, wakes_per_second
