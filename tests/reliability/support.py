"""Pieces the fault tests share: a config for `reader-bot run` with every knob they turn, a blog that can be down in
the three ways blogs go down, and small readers of the bot's SQLite file.

    blog = OutageBlog(); await blog.start()
    await blog.refuse_connections()    # the port is closed: connection refused
    await blog.come_back()             # the same port serves again
    blog.stall = True                  # accepts and never answers: timeouts
    blog.fail_with(500)                # answers 500 (inherited from BlogServer)
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox import Sandbox
from e2e.harness import BlogServer


def write_config(
    directory: Path,
    sandbox: Sandbox,
    *,
    token: str,
    database_url: str,
    poll_interval: str = "0.5s",
    feed_timeout: str = "5s",
    poll_duration: str = "7d",
    allow_private_addresses: bool = True,
    api_base: str | None = None,
) -> Path:
    """A config file pointing `reader-bot run` at the sandbox (and, with private addresses allowed, a loopback blog);
    `api_base` sends REST elsewhere (e.g. through a proxy in front of the sandbox)."""
    path = directory / "reader-bot.toml"
    path.write_text(
        "[discord]\n"
        f'token = "{token}"\n'
        f'api_base = "{api_base or sandbox.api_base}"\n'
        f'gateway_url = "{sandbox.gateway_url}"\n'
        'guild_ready_timeout = "0.1s"\n'
        "[database]\n"
        f'url = "{database_url}"\n'
        "[feeds]\n"
        f'poll_interval = "{poll_interval}"\n'
        f'timeout = "{feed_timeout}"\n'
        f"allow_private_addresses = {'true' if allow_private_addresses else 'false'}\n"
        "[polls]\n"
        f'duration = "{poll_duration}"\n',
        encoding="utf-8",
    )
    return path


class OutageBlog(BlogServer):
    """BlogServer that can also refuse connections (its port closed) and stall (accept, never answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.stall = False
        self.port = 0
        self.feed_hits: list[float] = []  # loop time of every feed request that reached the server

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_get("/posts/{slug}/", self._page)
        app.router.add_get("/images/{slug}.png", self._image)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{self.port}"
        return self.base_url

    async def refuse_connections(self) -> None:
        await self.stop()

    async def come_back(self) -> None:
        await self.start()

    async def _feed(self, request: web.Request) -> web.Response:
        self.feed_hits.append(asyncio.get_running_loop().time())
        if self.stall:
            await asyncio.sleep(60)  # the fetcher gives up long before
        return await super()._feed(request)


def sqlite_rows(database_url: str, query: str, *parameters: Any) -> list[tuple[Any, ...]]:
    """Rows from the bot's SQLite file, read-only (the bot keeps writing meanwhile)."""
    path = database_url.split("///", 1)[1]
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(query, parameters).fetchall()
    finally:
        connection.close()
