"""Fixtures for the fault tests: the sandbox and `reader-bot run` as a separate process on a SQLite file.

- `sandbox`, `world`: as in tests/e2e (a guild "Readers" with #articles, admin "ada", member "bob").
- `outage_blog`: a started `OutageBlog` (tests/reliability/support.py). Ask for it before `launch`, so the bot is
  killed before the blog stops (no request of the bot cut off by the server's shutdown).
- `bot_database_url`: the bot's SQLite file in tmp_path.
- `launch`: `await launch(poll_interval=..., feed_timeout=...)` writes a config (support.write_config) and starts
  `reader-bot run` as a `BotProcess`, returning once it has a gateway session and its commands are synced. Every
  process it started is SIGKILLed at teardown; a failing test prints the end of the bot's log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from e2e.fixtures import sandbox, world  # noqa: F401
from e2e.harness import BotProcess, SandboxWorld, wait_until
from reliability.support import OutageBlog, write_config

Launch = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def outage_blog() -> AsyncIterator[OutageBlog]:
    blog = OutageBlog()
    await blog.start()
    try:
        yield blog
    finally:
        blog.stall = False
        await blog.stop()


@pytest.fixture
def bot_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


async def wait_for_new_session(sandbox: Sandbox, world: SandboxWorld, identifies_before: int, timeout: float = 20.0) -> None:
    """Until the bot identified again (a new process or a new session) and is connected."""
    await wait_until(
        lambda: len(sandbox.hub.identifies) > identifies_before and sandbox.is_connected(world.bot),
        timeout,
        "a new gateway session",
    )


@pytest.fixture
async def launch(world: SandboxWorld, bot_database_url: str, tmp_path: Path) -> AsyncIterator[Launch]:
    started: list[BotProcess] = []

    async def start(**options: object) -> BotProcess:
        config = write_config(tmp_path, world.sandbox, token=world.token, database_url=bot_database_url, **options)  # type: ignore[arg-type]
        process = BotProcess(config, tmp_path / "bot.log")
        started.append(process)
        before = len(world.sandbox.hub.identifies)
        process.start()
        try:
            await wait_for_new_session(world.sandbox, world, before)
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
        if started:  # pytest shows captured output only when the test failed
            print("---- end of the bot's log ----")
            print(started[-1].log_text()[-6000:])
