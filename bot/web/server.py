"""`WebServer`: the aiohttp site in the bot's process, started with the bot and stopped before it disconnects."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.config import WebSettings
from bot.storage.database import Database
from bot.summaries.links import ReportLinks
from bot.web.app import REPORTS_KEY, BotStatus, create_app

log = logging.getLogger(__name__)


def split_listen(listen: str) -> tuple[str, int]:
    """"127.0.0.1:8080" -> ("127.0.0.1", 8080); "[::1]:0" -> ("::1", 0)."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


class WebServer:
    def __init__(self, settings: WebSettings, database: Database, status: BotStatus) -> None:
        if not settings.listen or not settings.secret:
            raise ValueError("the web server needs [web] listen and secret")
        self.settings = settings
        self.links = ReportLinks(database, settings.secret, settings.public_url or f"http://{settings.listen}")
        self.app = create_app(database, self.links, status)
        self._runner: web.AppRunner | None = None
        self.address: str | None = None  # http://host:port actually bound

    async def start(self) -> str:
        host, port = split_listen(self.settings.listen or "")
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        bound = site._server.sockets[0].getsockname()  # type: ignore[union-attr]
        shown_host = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        self.address = f"http://{shown_host}:{bound[1]}"
        if not self.settings.public_url:
            self.links.base_url = self.address
        log.info("web: serving report pages, /healthz and /metrics on %s (links start with %s)", self.address, self.links.base_url)
        return self.address

    def forget(self, article_id: int) -> None:
        """The article's figures changed for good (its polls closed): build its pages afresh on the next request."""
        self.app[REPORTS_KEY].forget(article_id)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
