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
import time
from collections import Counter
from pathlib import Path
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
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path) of every request
        self.slow: dict[str, float] = {}  # path -> seconds to wait before answering (a slow blog)
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

    async def _count(self, request: web.Request) -> None:
        self.hits[request.path] += 1
        self.requests.append((time.monotonic(), request.path))
        delay = self.slow.get(request.path)
        if delay:
            await asyncio.sleep(delay)

    async def _feed(self, request: web.Request) -> web.Response:
        await self._count(request)
        feed = int(request.match_info["feed"])
        if not 0 <= feed < len(self.posts):
            raise web.HTTPNotFound()
        etag, body = self._document(feed)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", charset="utf-8", headers={"ETag": etag})

    async def _page(self, request: web.Request) -> web.Response:
        await self._count(request)
        feed, slug = int(request.match_info["feed"]), request.match_info["slug"]
        title = f"Blog {feed}: post {slug}"
        body = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="author" content="Ada Lovelace"></head><body><article><h1>{html.escape(title)}</h1>'
            f"<p>We tried a shorter week at our company for a whole year, and this post tells how it went for the team.</p>"
            f"<p>Most people liked it, some found the long days hard. {QUESTION}</p></article></body></html>"
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")


def feed_path(feed: int) -> str:
    return f"/feeds/{feed}.xml"


async def seed_subscriptions(
    url: str, farm_url: str, feeds: int, pairs: list[tuple[int, int]], guild_channels: list[tuple[int, int]]
) -> None:
    """Straight into a migrated-to-head database: the farm's feeds with its current ETag (so the first conditional
    request is a 304), the (guild index, feed index) subscriptions, and each one's baseline, the posts every farm
    feed starts with. Much faster than thousands of /feed add commands, which tests/cogs covers."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from bot.feeds.identity import entry_identity, entry_key
    from bot.storage.database import Database
    from bot.storage.migrate import upgrade_to_head_async
    from bot.storage.models import EntryState, Feed, FeedSubscription, SeenEntry

    await upgrade_to_head_async(url)
    database = Database(url)
    now = datetime.now(UTC)
    later = now + timedelta(days=1)
    try:
        async with database.session() as session:
            await session.execute(insert(Feed), [
                {"id": feed + 1, "url": f"{farm_url}/feeds/{feed}.xml", "title": f"Blog {feed}", "etag": f'"{feed}-3"',
                 "consecutive_failures": 0, "next_due_at": later, "created_at": now, "last_fetch_at": now, "last_success_at": now}
                for feed in range(feeds)
            ])
            await session.execute(insert(FeedSubscription), [
                {"id": index + 1, "guild_id": guild_channels[guild][0], "channel_id": guild_channels[guild][1],
                 "feed_url": f"{farm_url}/feeds/{feed}.xml", "feed_id": feed + 1, "title": f"Blog {feed}", "created_at": now,
                 "delivery_attempts": 0, "delivery_notified": False, "paused": False}
                for index, (guild, feed) in enumerate(pairs)
            ])
            rows = []
            for index, (_guild, feed) in enumerate(pairs):
                for post in range(3):
                    link = f"{farm_url}/posts/{feed}/p{post}/"
                    rows.append({"subscription_id": index + 1, "entry_key": entry_key(entry_identity(link, link, None, None)),
                                 "entry_id": link, "url": link, "title": "old", "state": EntryState.BASELINE, "attempts": 0,
                                 "seen_at": now})
            for start in range(0, len(rows), 5000):
                await session.execute(insert(SeenEntry), rows[start:start + 5000])
    finally:
        await database.dispose()


def write_farm_bot_config(directory: Path, name: str, *, token: str, api_base: str, gateway_url: str, database_url: str,
                          poll_interval: str, lease: str, extra: str = "") -> Path:
    """A `reader-bot run` config for many guilds on PostgreSQL (shards come from the command line or environment)."""
    path = directory / f"{name}.toml"
    path.write_text(
        "[discord]\n"
        f'token = "{token}"\napi_base = "{api_base}"\ngateway_url = "{gateway_url}"\n'
        'guild_ready_timeout = "0.5s"\nidentify_delay = "0.1s"\n'
        f'[database]\nurl = "{database_url}"\n'
        f'[feeds]\npoll_interval = "{poll_interval}"\ntimeout = "10s"\nallow_private_addresses = true\nlease_seconds = "{lease}"\n'
        '[runtime]\nbackground_start_spread = "1ms"\n'
        f"{extra}",
        encoding="utf-8",
    )
    return path


async def create_postgres_database(admin_url: str, prefix: str) -> tuple[str, str]:
    """A fresh database next to `admin_url`'s (processes started by a test cannot be handed a schema search path);
    returns (name, url)."""
    import uuid

    from sqlalchemy import text

    from bot.storage.database import Database

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = Database(admin_url)
    try:
        async with admin.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_database(admin_url: str, name: str) -> None:
    from sqlalchemy import text

    from bot.storage.database import Database

    admin = Database(admin_url)
    try:
        async with admin.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


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
