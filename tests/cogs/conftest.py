"""The bot in-process (same event loop as the sandbox): fast tests of the cogs through the real gateway and REST."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.cogs.client import ReaderBot, configure_endpoints
from bot.config import DiscordSettings, FeedSettings, PollSettings, RuntimeSettings, Settings
from bot.feeds.fetch import FeedFetcher
from bot.storage.database import Database
from e2e.fixtures import blog, sandbox, world  # noqa: F401
from e2e.harness import SandboxWorld, wait_until


def bot_settings(world: SandboxWorld, database_url: str, poll_interval: float = 0.2) -> Settings:
    return Settings(
        discord=DiscordSettings(token=world.token, api_base=world.sandbox.api_base, gateway_url=world.sandbox.gateway_url),
        feeds=FeedSettings(poll_interval=poll_interval, timeout=5.0, allow_private_addresses=True),
        polls=PollSettings(duration=3600.0, anonymous=True),
        runtime=RuntimeSettings(background_start_spread=0.0),  # rounds at once: tests wait for them
    )


@asynccontextmanager
async def started(bot: ReaderBot, token: str) -> AsyncIterator[ReaderBot]:
    """The bot running on this loop until the block ends; a start that fails raises here."""
    task = asyncio.create_task(bot.start(token))
    try:
        await wait_until(lambda: bot.started.is_set() or task.done(), 15, "bot start")
        if task.done():
            task.result()
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def running_bot(world: SandboxWorld, sqlite_database: Database) -> AsyncIterator[ReaderBot]:
    settings = bot_settings(world, sqlite_database.url)
    configure_endpoints(settings.discord)
    async with FeedFetcher(settings.feeds) as fetcher:
        async with started(ReaderBot(settings, sqlite_database, fetcher, guild_ready_timeout=0.1), world.token) as bot:
            await world.wait_connected()
            yield bot
