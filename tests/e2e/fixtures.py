"""Fixtures shared by the end-to-end tests and the in-process cog tests (imported by their conftest.py).

- `sandbox`: a started `bot.sandbox.Sandbox` on a free loopback port.
- `blog`: a started `BlogServer` (empty; add posts with `blog.add_post(...)`).
- `world`: `SandboxWorld` (bot account, guild "Readers", #articles, admin "ada" with Manage Server, member "bob").
- `bot_database_url`: a SQLite file URL in tmp_path for the bot process.
- `bot_process`: a `BotProcess` running `reader-bot run` against `world` and `blog` (poll interval 0.5 s),
  connected and with its commands synced; killed at teardown. Its config is `bot_process.config_path`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
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


@pytest.fixture
async def bot_process(world: SandboxWorld, blog: BlogServer, bot_database_url: str, tmp_path: Path) -> AsyncIterator[BotProcess]:
    config = write_bot_config(tmp_path, world, database_url=bot_database_url, poll_interval="0.5s")
    process = BotProcess(config, tmp_path / "bot.log")
    process.start()
    try:
        await world.wait_connected()
        yield process
    except BaseException:
        print(process.log_text()[-5000:])
        raise
    finally:
        process.kill()
