"""Many blogs on one loopback server (issue 14): `feeds` distinct feeds at /feeds/<n>.xml, each answering 304 to a
conditional request until it gets a new article, and one page per article. Counts every request per path.

In a test: `farm = BlogFarm(20); await farm.start()`. As its own process (benchmarks/feeds.py), so that the blogs'
CPU is not the bot's: `python tests/e2e/blogfarm.py --feeds 2000` prints its base URL, then takes commands on
stdin ("new <fraction>", "hits", "reset") and answers each with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from aiohttp import web

QUESTION = "Would you work four days a week for the same pay?"


class BlogFarm:
    def __init__(self, feeds: int, *, posts_per_feed: int = 3) -> None:
        self.start_time = datetime(2026, 5, 1, tzinfo=UTC)
        self.posts: list[list[tuple[str, datetime]]] = [
            [(f"p{k}", self.start_time + timedelta(hours=k)) for k in range(posts_per_feed)] for _ in range(feeds)
        ]
        self.hits: Counter[str] = Counter()
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._bodies: dict[int, tuple[str, bytes]] = {}  # feed -> (etag, body), rebuilt when the feed changes

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/feeds/{feed}.xml", self._feed)
        app.router.add_get("/posts/{feed}/{slug}/", self._page)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def feed_url(self, feed: int) -> str:
        return f"{self.base_url}/feeds/{feed}.xml"

    def post_url(self, feed: int, slug: str) -> str:
        return f"{self.base_url}/posts/{feed}/{slug}/"

    def add_post(self, feed: int) -> str:
        """A new article in `feed`; returns its URL."""
        posts = self.posts[feed]
        slug = f"p{len(posts)}"
        posts.append((slug, self.start_time + timedelta(hours=len(posts))))
        self._bodies.pop(feed, None)
        return self.post_url(feed, slug)

    def new_articles(self, fraction: float, rng: random.Random) -> list[str]:
        count = max(1, round(len(self.posts) * fraction))
        return [self.add_post(feed) for feed in rng.sample(range(len(self.posts)), count)]

    def feed_hits(self) -> Counter[int]:
        return Counter({int(path.split("/")[2].split(".")[0]): n for path, n in self.hits.items() if path.startswith("/feeds/")})

    def page_hits(self) -> Counter[str]:
        return Counter({path: n for path, n in self.hits.items() if path.startswith("/posts/")})

    def _document(self, feed: int) -> tuple[str, bytes]:
        cached = self._bodies.get(feed)
        if cached is not None:
            return cached
        items = "".join(
            f"<item><title>Blog {feed}: post {slug}</title><link>{self.post_url(feed, slug)}</link>"
            f'<guid isPermaLink="true">{self.post_url(feed, slug)}</guid>'
            f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate><description>Post {slug}.</description></item>"
            for slug, published in reversed(self.posts[feed])
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Blog {feed}</title><link>{self.base_url}/</link><description>Blog {feed}</description>{items}"
            "</channel></rss>"
        ).encode()
        cached = (f'"{feed}-{len(self.posts[feed])}"', body)
        self._bodies[feed] = cached
        return cached

    async def _feed(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        feed = int(request.match_info["feed"])
        if not 0 <= feed < len(self.posts):
            raise web.HTTPNotFound()
        etag, body = self._document(feed)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", charset="utf-8", headers={"ETag": etag})

    async def _page(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        feed, slug = int(request.match_info["feed"]), request.match_info["slug"]
        title = f"Blog {feed}: post {slug}"
        body = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="author" content="Ada Lovelace"></head><body><article><h1>{html.escape(title)}</h1>'
            f"<p>We tried a shorter week at our company for a whole year, and this post tells how it went for the team.</p>"
            f"<p>Most people liked it, some found the long days hard. {QUESTION}</p></article></body></html>"
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")


async def _serve(feeds: int, seed: int) -> None:
    farm = BlogFarm(feeds)
    print(await farm.start(), flush=True)
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().strip():
        command, _, argument = line.partition(" ")
        if command == "new":
            answer: object = farm.new_articles(float(argument), rng)
        elif command == "hits":
            answer = {"feeds": {str(k): v for k, v in farm.feed_hits().items()}, "pages": dict(farm.page_hits())}
        elif command == "reset":
            farm.hits.clear()
            answer = "ok"
        else:
            answer = {"error": f"unknown command {command!r}"}
        print(json.dumps(answer), flush=True)
    await farm.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    asyncio.run(_serve(options.feeds, options.seed))
