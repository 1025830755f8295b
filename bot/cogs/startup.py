"""When the periodic background rounds begin after a start."""

from __future__ import annotations

import asyncio
import random

from discord.ext import commands


async def after_ready_spread(bot: commands.Bot, spread: float) -> None:
    """Wait until the bot is ready, then a random part of `spread` seconds.

    Every periodic round (feed poll and publisher, review sweep, closing check, summaries, purge) runs its first
    queries right after a start, each paying its first-time costs then. All at once at READY, they took about
    70 ms of the event loop within the first 200 ms, which is just when the clicks that waited for the restart
    arrive: on PostgreSQL the slowest 1% of the first second's clicks waited 60-80 ms instead of about 20 ms
    (benchmarks/votes.py, issue 11). Spread over a couple of seconds they cost the clicks nothing noticeable, and
    no round is more than `spread` seconds late.
    """
    await bot.wait_until_ready()
    if spread > 0:
        await asyncio.sleep(random.uniform(0.0, spread))
