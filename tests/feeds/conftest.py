"""Local HTTP servers (real aiohttp servers on loopback addresses, a blog among them), the real fetcher, and a
scriptable DNS for fetch tests."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import FeedSettings
from bot.feeds.fetch import FeedFetcher
from e2e.harness import BlogServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"

Serve = Callable[..., Awaitable[str]]


@pytest.fixture
async def blog() -> AsyncIterator[BlogServer]:
    server = BlogServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[FeedFetcher]:
    async with FeedFetcher(FeedSettings(timeout=5.0, allow_private_addresses=True)) as fetcher:
        yield fetcher


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """`await serve(app, host="127.0.0.1", port=0)` starts `app` and returns its base URL."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> str:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        runners.append(runner)
        bound_port = runner.addresses[0][1]
        return f"http://{host}:{bound_port}"

    yield start
    for runner in reversed(runners):
        await runner.cleanup()


class ScriptedDns:
    """Answers host lookups from a script, one answer list per call (the last one repeats)."""

    def __init__(self, answers: dict[str, Sequence[Sequence[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        script = self.answers.get(host)
        if script is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        index = min(self.calls.count(host), len(script)) - 1
        return list(script[index])


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def scripted_dns() -> type[ScriptedDns]:
    return ScriptedDns


@pytest.fixture
def feed_file() -> Callable[[str], bytes]:
    """Bytes of a file in tests/fixtures/feeds/."""
    return fixture_bytes
