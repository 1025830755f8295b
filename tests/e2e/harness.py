"""Reusable pieces for end-to-end tests: a blog whose feed changes, the bot as a separate process, waiting.

    blog = BlogServer(); await blog.start()
    blog.add_post("four-day-week", "A four-day week", ["Would you work four days a week?"])
    world = SandboxWorld.create(sandbox)             # guild, #articles, an admin and a plain member
    config = write_bot_config(tmp_path, world, database_url=..., poll_interval="0.5s")
    bot = BotProcess(config, tmp_path / "bot.log"); bot.start()
    await world.wait_connected()
    ...; bot.kill(); bot.start()                      # SIGKILL and restart on the same database
    await wait_until(lambda: ..., timeout=10, what="...")

`kill_when(sandbox, predicate, bot)` SIGKILLs the bot from inside the sandbox the moment `predicate()` holds,
i.e. after the sandbox stored a message or thread but before the bot reads the answer.
"""

from __future__ import annotations

import asyncio
import html
import inspect
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox import Channel, Guild, Member, Message, Sandbox
from bot.sandbox.bot_accounts import BotAccount

REPOSITORY = Path(__file__).resolve().parents[2]
BOT_TOKEN = "e2e.bot-token.f00dfeedcafe"
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def wait_until(
    predicate: Callable[[], Any] | Callable[[], Awaitable[Any]],
    timeout: float = 10.0,
    what: str = "condition",
    interval: float = 0.02,
) -> Any:
    """Poll `predicate` (sync or async) until it returns something truthy; return that. TimeoutError names `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no {what} within {timeout:g} s")
        await asyncio.sleep(interval)


# ------------------------------------------------------------------------------------------------- the blog


@dataclass
class BlogPost:
    slug: str
    title: str
    paragraphs: list[str]
    author: str
    published: datetime
    language: str = "en"
    image: bool = True


@dataclass
class BlogServer:
    """A blog on loopback: an RSS feed (newest first) and one HTML page per post. Posts can be added and the
    whole blog can answer errors (`fail_with(500)`) to simulate an outage, or answer its feed slowly
    (`feed_delay`, seconds)."""

    posts: list[BlogPost] = field(default_factory=list)
    title: str = "The Reader Blog"
    failing_status: int | None = None
    feed_delay: float = 0.0
    hits: Counter[str] = field(default_factory=Counter)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_get("/posts/{slug}/", self._page)
        app.router.add_get("/images/{slug}.png", self._image)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def feed_url(self) -> str:
        return f"{self.base_url}/feed.xml"

    def post_url(self, slug: str) -> str:
        return f"{self.base_url}/posts/{slug}/"

    def add_post(
        self,
        slug: str,
        title: str,
        paragraphs: Sequence[str],
        *,
        author: str = "Ada Lovelace",
        language: str = "en",
        published: datetime | None = None,
        image: bool = True,
    ) -> BlogPost:
        if published is None:
            newest = max((post.published for post in self.posts), default=datetime.now(UTC) - timedelta(days=30))
            published = newest + timedelta(hours=1)
        post = BlogPost(slug, title, list(paragraphs), author, published, language, image)
        self.posts.append(post)
        return post

    def fail_with(self, status: int | None) -> None:
        """Answer every request with `status` (e.g. 500), or serve normally again with None."""
        self.failing_status = status

    def _failure(self) -> web.Response | None:
        if self.failing_status is None:
            return None
        return web.Response(status=self.failing_status, text="the blog is down")

    async def _feed(self, request: web.Request) -> web.Response:
        self.hits["feed"] += 1
        if self.feed_delay:
            await asyncio.sleep(self.feed_delay)
        failure = self._failure()
        if failure is not None:
            return failure
        items = []
        for post in sorted(self.posts, key=lambda p: p.published, reverse=True):
            items.append(
                "<item>"
                f"<title>{html.escape(post.title)}</title>"
                f"<link>{self.post_url(post.slug)}</link>"
                f"<guid isPermaLink=\"true\">{self.post_url(post.slug)}</guid>"
                f"<author>{html.escape(post.author)}</author>"
                f"<pubDate>{format_datetime(post.published, usegmt=True)}</pubDate>"
                f"<description>{html.escape(post.paragraphs[0] if post.paragraphs else '')}</description>"
                "</item>"
            )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0"><channel>'
            f"<title>{html.escape(self.title)}</title><link>{self.base_url}/</link>"
            f"<description>Test blog</description><language>en</language>{''.join(items)}"
            "</channel></rss>"
        )
        return web.Response(body=body.encode(), content_type="application/rss+xml", charset="utf-8")

    async def _page(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        self.hits[f"page:{slug}"] += 1
        failure = self._failure()
        if failure is not None:
            return failure
        post = next((p for p in self.posts if p.slug == slug), None)
        if post is None:
            raise web.HTTPNotFound()
        image = f'<meta property="og:image" content="{self.base_url}/images/{slug}.png">' if post.image else ""
        paragraphs = "".join(f"<p>{html.escape(text)}</p>" for text in post.paragraphs)
        body = (
            f'<!doctype html><html lang="{post.language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(post.title)} | {html.escape(self.title)}</title>{image}"
            f'<meta name="author" content="{html.escape(post.author)}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/about/">About</a></nav>'
            f"<article><h1>{html.escape(post.title)}</h1>{paragraphs}</article>"
            f"<footer>Would you like our newsletter? Subscribe now.</footer></body></html>"
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def _image(self, request: web.Request) -> web.Response:
        return web.Response(body=PNG_1X1, content_type="image/png")


# --------------------------------------------------------------------------------------------- the sandbox


@dataclass
class SandboxWorld:
    """A guild with an #articles channel, an admin (Manage Server) and a plain member, and the bot's account."""

    sandbox: Sandbox
    bot: BotAccount
    guild: Guild
    channel: Channel
    admin: Member
    member: Member
    token: str = BOT_TOKEN

    @classmethod
    def create(cls, sandbox: Sandbox, *, token: str = BOT_TOKEN, admin_locale: str = "en-US") -> SandboxWorld:
        bot = sandbox.add_bot_user(token)
        guild = sandbox.add_guild("Readers")
        channel = sandbox.add_channel(guild, "articles")
        admins = sandbox.add_role(guild, "admins", ["manage_guild"])
        admin = sandbox.add_member(guild, "ada", roles=[admins], locale=admin_locale)
        member = sandbox.add_member(guild, "bob", locale="de")
        return cls(sandbox, bot, guild, channel, admin, member, token)

    async def wait_connected(self, timeout: float = 20.0) -> None:
        """Until the bot is connected and its slash commands are registered."""
        await self.sandbox.wait_for_connection(self.bot, timeout=timeout)
        await wait_until(lambda: self.bot.find_command("feed", None) is not None, timeout, "slash commands synced")

    def channel_messages(self) -> list[Message]:
        """The bot's messages in the articles channel (no system messages)."""
        return [m for m in self.sandbox.messages(self.channel, include_system=False) if m.author.id == self.bot.id]

    def thread_messages(self, message: Message) -> list[Message]:
        thread = self.sandbox.thread_of(message)
        if thread is None:
            return []
        return [m for m in self.sandbox.messages(thread, include_system=False) if m.author.id == self.bot.id]

    def article_messages(self, url: str) -> list[Message]:
        return [m for m in self.channel_messages() if any(e.get("url") == url for e in m.embeds)]


def custom_ids(message: Message) -> list[str]:
    found: list[str] = []

    def walk(components: Any) -> None:
        for component in components or []:
            if component.get("custom_id"):
                found.append(component["custom_id"])
            walk(component.get("components"))

    walk(message.components)
    return found


def kill_when(sandbox: Sandbox, predicate: Callable[[], bool], bot: BotProcess, timeout: float = 20.0) -> asyncio.Task[Any]:
    """SIGKILL `bot` the moment `predicate()` holds, checked synchronously on every sandbox change: the bot
    never sees the answer to the request that made it true. Await the task to know it happened."""

    def check() -> bool:
        if predicate():
            bot.kill()
            return True
        return False

    return asyncio.ensure_future(sandbox.wait_until(check, timeout=timeout, what="kill condition"))


# ------------------------------------------------------------------------------------------------ the bot


def write_bot_config(
    directory: Path,
    world: SandboxWorld,
    *,
    database_url: str,
    poll_interval: str = "0.5s",
    poll_duration: str = "7d",
    extra: str = "",
    feeds_extra: str = "",
) -> Path:
    """A config file pointing `reader-bot run` at the sandbox, with private addresses allowed (the blog).
    `feeds_extra` adds lines to [feeds]; `extra` adds lines (or sections) after [polls]."""
    path = directory / "reader-bot.toml"
    path.write_text(
        "[discord]\n"
        f'token = "{world.token}"\n'
        f'api_base = "{world.sandbox.api_base}"\n'
        f'gateway_url = "{world.sandbox.gateway_url}"\n'
        'guild_ready_timeout = "0.1s"\n'
        "[database]\n"
        f'url = "{database_url}"\n'
        "[feeds]\n"
        f'poll_interval = "{poll_interval}"\n'
        'timeout = "5s"\n'
        "allow_private_addresses = true\n"
        f"{feeds_extra}"
        "[runtime]\n"
        'background_start_spread = "1ms"\n'  # the periodic rounds at once: tests wait for them
        "[polls]\n"
        f'duration = "{poll_duration}"\n'
        f"{extra}",
        encoding="utf-8",
    )
    return path


class BotProcess:
    """`reader-bot run --config PATH` as a child process; stderr and stdout go to `log_path` (appended)."""

    def __init__(self, config_path: Path, log_path: Path, *, env: dict[str, str] | None = None) -> None:
        self.config_path = config_path
        self.log_path = log_path
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.env.pop("DISCORD_TOKEN", None)
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        if self.running:
            raise RuntimeError("the bot is already running")
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"--- start {self.starts} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config_path)],
                cwd=REPOSITORY,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, exactly like a crash."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signum)

    async def wait_exit(self, timeout: float = 15.0) -> int:
        await wait_until(lambda: self.process is not None and self.process.poll() is not None, timeout, "bot exit")
        assert self.process is not None
        return self.process.returncode

    async def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait: the clean shutdown path."""
        self.signal(signal.SIGTERM)
        try:
            return await self.wait_exit(timeout)
        finally:
            self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
