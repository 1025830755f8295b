"""The periodic rounds begin spread over a few seconds after READY, not all at once on the first clicks."""

from __future__ import annotations

import asyncio
import time

from bot.cogs.startup import after_ready_spread


class ReadyAfter:
    """Just enough of a bot: ready `delay` seconds after it is made."""

    def __init__(self, delay: float) -> None:
        self.ready_at = time.monotonic() + delay

    async def wait_until_ready(self) -> None:
        await asyncio.sleep(max(0.0, self.ready_at - time.monotonic()))


async def test_rounds_start_after_ready_at_spread_out_moments_within_the_spread() -> None:
    bot = ReadyAfter(0.05)

    async def started_after_ready() -> float:
        await after_ready_spread(bot, 0.4)  # type: ignore[arg-type]
        return time.monotonic() - bot.ready_at

    offsets = await asyncio.gather(*(started_after_ready() for _ in range(20)))
    assert all(-0.005 <= offset <= 0.45 for offset in offsets), offsets
    assert max(offsets) - min(offsets) > 0.1, offsets  # spread out, not one burst


async def test_no_spread_starts_at_ready() -> None:
    bot = ReadyAfter(0.05)
    await after_ready_spread(bot, 0.0)  # type: ignore[arg-type]
    assert abs(time.monotonic() - bot.ready_at) < 0.03


def test_the_spread_is_set_in_the_runtime_section(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text('[discord]\ntoken = "t"\n[runtime]\nbackground_start_spread = "5s"\n', encoding="utf-8")
    assert load_settings(path, environ={}).runtime.background_start_spread == 5.0
    path.write_text('[discord]\ntoken = "t"\n', encoding="utf-8")
    assert load_settings(path, environ={}).runtime.background_start_spread == 2.0
