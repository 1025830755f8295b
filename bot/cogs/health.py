"""What /healthz and /metrics ask the Discord side: is the gateway up, how many reconnects, when did the feed
loop last finish a round. Listens to discord.py's own connection events; no polling, no patching."""

from __future__ import annotations

import time
from collections.abc import Callable

from discord.ext import commands

from bot import metrics

FEED_CYCLE_GRACE_SECONDS = 60.0


class GatewayWatch:
    """Registered on the bot with `install()`; the client calls `feed_cycle_done()` after each feed round."""

    def __init__(self, feed_tick_seconds: float, fetch_timeout: float = 20.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.connected = False
        self.connections = 0
        self.last_feed_cycle: float | None = None
        # A round normally ends every tick; slow feeds (fetched a few at a time) may take some timeouts on top.
        self._limit = max(FEED_CYCLE_GRACE_SECONDS, 10 * feed_tick_seconds, 3 * fetch_timeout)

    def install(self, bot: commands.Bot) -> None:
        bot.add_listener(self.on_connect, "on_connect")
        bot.add_listener(self.on_resumed, "on_resumed")
        bot.add_listener(self.on_disconnect, "on_disconnect")
        bot.add_listener(self.on_ready, "on_ready")

    async def on_connect(self) -> None:
        self.connections += 1
        if self.connections > 1:
            metrics.GATEWAY_RECONNECTS.inc()
        self._up(True)

    async def on_resumed(self) -> None:
        metrics.GATEWAY_RECONNECTS.inc()
        self._up(True)

    async def on_ready(self) -> None:
        self._up(True)

    async def on_disconnect(self) -> None:
        self._up(False)

    def _up(self, connected: bool) -> None:
        self.connected = connected
        metrics.GATEWAY_CONNECTED.set(1 if connected else 0)

    def feed_cycle_done(self) -> None:
        self.last_feed_cycle = self.clock()

    # BotStatus (bot/web/app.py)
    def gateway_connected(self) -> bool:
        return self.connected

    def feed_cycle_age(self) -> float | None:
        return None if self.last_feed_cycle is None else self.clock() - self.last_feed_cycle

    def feed_cycle_limit(self) -> float:
        return self._limit
