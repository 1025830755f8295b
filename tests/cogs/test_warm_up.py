"""The warm-up (issue 11): done before the bot identifies on the gateway, so before any click can arrive and before
it reports ready (vote writer connected, keep-alive connections to the REST host opened); it writes nothing."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, func, select

from bot.cogs.client import ReaderBot, configure_endpoints
from bot.feeds.fetch import FeedFetcher
from bot.polls.tally import load_poll_snapshot
from bot.storage.database import Database
from bot.storage.models import Vote
from e2e.harness import SandboxWorld
from tests.cogs.conftest import bot_settings, started
from tests.polls.conftest import store_poll


class IdentifyWatchingBot(ReaderBot):
    """Notes whether the warm-up had finished when discord.py was about to IDENTIFY (the first moment Discord may
    send the bot anything, clicks included)."""

    warm_at_identify: float | None = None
    identified_at = 0.0
    writer_connected_at_identify = False
    identified = False
    poll_id = 0
    refresher_cache: tuple[str, ...] = ()  # SQLAlchemy's compiled-cache verdict on each statement of a live poll's redraw

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not self.identified:
            self.identified = True
            self.warm_at_identify = self.warmed_up_at
            self.identified_at = time.monotonic()
            writer = self.get_cog("Polls").batcher.writer  # type: ignore[union-attr]
            # the writer's process started and answered its warm-up (it opened its connection to answer)
            self.writer_connected_at_identify = writer._process is not None and writer._process.returncode is None
            await self.redraw_a_live_poll()
        await super().before_identify_hook(shard_id, initial=initial)

    async def redraw_a_live_poll(self) -> None:
        """What the refresher reads for a poll that has votes coming in: every statement compiled by the warm-up."""
        def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            self.refresher_cache += (str(context.cache_hit),)  # this bot's own, not a list shared by the class

        engine = self.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            async with self.database.session() as session:
                assert await load_poll_snapshot(session, self.poll_id) is not None
        finally:
            event.remove(engine, "before_cursor_execute", note)


async def test_the_bot_warms_up_before_identifying_and_reporting_ready(world: SandboxWorld, database: Database) -> None:
    poll = await store_poll(database, guild_id=world.guild.id)
    settings = bot_settings(world, database.url)
    configure_endpoints(settings.discord)
    async with FeedFetcher(settings.feeds) as fetcher:
        watching = IdentifyWatchingBot(settings, database, fetcher, guild_ready_timeout=0.1)
        watching.poll_id = poll.poll_id
        async with started(watching, world.token) as bot:
            assert bot.identified and bot.warm_at_identify is not None
            assert bot.ready_at is not None and bot.warm_at_identify <= bot.ready_at
            assert bot.writer_connected_at_identify
            assert len(bot.refresher_cache) >= 2 and all(verdict.endswith("CACHE_HIT") for verdict in bot.refresher_cache), bot.refresher_cache
            warming = [r for r in world.sandbox.requests if r.method == "GET" and r.path == "/gateway" and r.ok]
            assert len(warming) == settings.runtime.warm_http_connections == 32  # keep-alive connections for the first answers to clicks
            assert all(request.time <= bot.identified_at for request in warming)
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Vote)) == 0
