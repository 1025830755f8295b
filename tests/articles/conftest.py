"""A local HTTP server (real aiohttp on 127.0.0.1) for article page tests, and the fixture blog."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

BLOG = Path(__file__).resolve().parent.parent / "fixtures" / "blog"


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[web.Application], Awaitable[str]]]:
    """`await serve(app)` starts `app` on 127.0.0.1 and returns its base URL."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield start
    for runner in reversed(runners):
        await runner.cleanup()


@pytest.fixture
def blog_page() -> Callable[[str], bytes]:
    """Bytes of one page of the fixture blog (tests/fixtures/blog/<slug>.html)."""
    return lambda slug: (BLOG / f"{slug}.html").read_bytes()
