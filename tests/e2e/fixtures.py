"""Fixtures shared by the end-to-end tests and the in-process cog tests (imported by their conftest.py).

- `sandbox`: a started `bot.sandbox.Sandbox` on a free loopback port.
- `blog`: a started `BlogServer` (empty; add posts with `blog.add_post(...)`).
- `world`: `SandboxWorld` (bot account, guild "Readers", #articles, admin "ada" with Manage Server, member "bob").
- `bot_database_url`: a SQLite file URL in tmp_path for the bot process.
- `start_bot`: an async factory `await start_bot(poll_interval="0.5s", poll_duration="7d", extra="", feeds_extra="")` that writes
  a config for `world`, `blog` and `bot_database_url`, starts `reader-bot run` as a `BotProcess`, and returns it
  once it is connected with its commands synced. Every process it started is SIGKILLed at teardown.
- `bot_process`: `start_bot()` with the defaults. Its config is `bot_process.config_path`, its log
  `bot_process.log_text()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from e2e.harness import BlogServer, BotProcess, SandboxWorld, write_bot_config


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox()
    await sandbox.start()
    try:
        yield sandbox
    finally:
        await sandbox.stop()


@pytest.fixture
async def blog() -> AsyncIterator[BlogServer]:
    server = BlogServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def world(sandbox: Sandbox) -> SandboxWorld:
    return SandboxWorld.create(sandbox)


@pytest.fixture
def bot_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


StartBot = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def start_bot(world: SandboxWorld, blog: BlogServer, bot_database_url: str, tmp_path: Path) -> AsyncIterator[StartBot]:
    started: list[BotProcess] = []

    async def start(poll_interval: str = "0.5s", poll_duration: str = "7d", extra: str = "", feeds_extra: str = "") -> BotProcess:
        config = write_bot_config(
            tmp_path, world, database_url=bot_database_url, poll_interval=poll_interval, poll_duration=poll_duration,
            extra=extra, feeds_extra=feeds_extra,
        )
        process = BotProcess(config, tmp_path / "bot.log")
        started.append(process)
        process.start()
        try:
            await world.wait_connected()
        except BaseException:
            print(process.log_text()[-5000:])
            raise
        return process

    try:
        yield start
    finally:
        for process in started:
            process.kill()


@pytest.fixture
async def bot_process(start_bot: StartBot) -> BotProcess:
    return await start_bot()
