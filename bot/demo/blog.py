"""The sample blog the offline demo reads: an aiohttp server on loopback over the shipped files in bot/demo_blog/.

The blog "publishes" its articles one at a time (`publish_next`), so the bot sees new entries appear in the feed
as it would on a real blog. It answers conditional GETs the way well-behaved blogs do (ETag and Last-Modified,
304 when nothing changed), because the bot's fetcher relies on them to poll cheaply.

Files: `articles.json` lists the articles in publishing order (slug, title, author, RFC 822 date, language,
guid); `feed.xml` is the RSS document with an `<!-- ITEMS -->` placeholder; `<slug>.html` is each article's
page. "http://blog.example" in any file becomes the server's own base URL.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from aiohttp import web

DEFAULT_BLOG_DIR = Path(__file__).resolve().parent.parent / "demo_blog"
PLACEHOLDER_HOST = "http://blog.example"
ITEMS_PLACEHOLDER = "<!-- ITEMS -->"
FEED_PATH = "/feed/"
RSS_TYPE = "application/rss+xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
_FIRST_PARAGRAPH = re.compile(r'<div class="entry-content">\s*<p>(.*?)</p>', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


class BlogContentError(Exception):
    """The shipped blog files are missing or malformed (a packaging problem, worth one clear line)."""


@dataclass(frozen=True)
class BlogArticle:
    slug: str
    title: str
    author: str
    date: str  # RFC 822, as RSS wants it
    language: str
    guid: str
    page: str  # the HTML page, still with the placeholder host

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    def excerpt(self) -> str:
        """The article's first paragraph as plain text: what the feed item carries (the page has the rest)."""
        match = _FIRST_PARAGRAPH.search(self.page)
        text = _TAGS.sub("", match.group(1)) if match else ""
        return " ".join(html.unescape(text).split())


def load_articles(content_dir: Path = DEFAULT_BLOG_DIR) -> tuple[str, list[BlogArticle]]:
    """The feed template and the articles in publishing order (oldest first), checked for completeness."""
    try:
        template = (content_dir / "feed.xml").read_text(encoding="utf-8")
        listing = json.loads((content_dir / "articles.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BlogContentError(f"cannot read the sample blog in {content_dir}: {error}") from None
    if ITEMS_PLACEHOLDER not in template:
        raise BlogContentError(f"{content_dir / 'feed.xml'} has no {ITEMS_PLACEHOLDER} placeholder")
    articles = []
    for entry in listing:
        try:
            slug = entry["slug"]
            page = (content_dir / f"{slug}.html").read_text(encoding="utf-8")
            parsedate_to_datetime(entry["date"])
            articles.append(BlogArticle(slug, entry["title"], entry["author"], entry["date"], entry["lang"],
                                        entry["guid"], page))
        except (KeyError, TypeError, OSError, ValueError) as error:
            raise BlogContentError(f"sample blog article {entry!r} is incomplete: {error}") from None
    duplicates = [slug for slug, count in Counter(a.slug for a in articles).items() if count > 1]
    if duplicates or not articles:
        raise BlogContentError(f"the sample blog needs distinct articles (duplicates: {duplicates})")
    return template, articles


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison: W/ prefixes are ignored, "*" matches anything."""
    candidates = [part.strip() for part in if_none_match.split(",")]
    return any(c == "*" or c.removeprefix("W/") == etag for c in candidates)


class DemoBlog:
    """The sample blog, served on loopback. Nothing is published until `publish_next` (or `published=`)."""

    def __init__(self, content_dir: Path = DEFAULT_BLOG_DIR, *, published: int = 0,
                 clock: Callable[[], float] = time.time) -> None:
        self.template, self.articles = load_articles(content_dir)
        self._clock = clock
        self._published: list[BlogArticle] = []
        self._feed_changed_at = clock()
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self.requests: Counter[tuple[str, int]] = Counter()  # (path, status) -> count
        for _ in range(published):
            self.publish_next()

    # -- publishing --------------------------------------------------------------------------------------------

    @property
    def published(self) -> list[BlogArticle]:
        return list(self._published)

    @property
    def unpublished(self) -> list[BlogArticle]:
        return [a for a in self.articles if a not in self._published]

    def publish_next(self) -> BlogArticle | None:
        """Put the next article into the feed; None when all are out."""
        remaining = self.unpublished
        if not remaining:
            return None
        article = remaining[0]
        self._published.append(article)
        # HTTP dates have one-second resolution: never let a change share the second of the previous version,
        # or a client holding that Last-Modified would be told "not modified".
        self._feed_changed_at = max(self._clock(), self._feed_changed_at + 1.0)
        return article

    # -- addresses ---------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the demo blog is not started; await blog.start() first")
        return self._base_url

    @property
    def feed_url(self) -> str:
        return self.base_url + FEED_PATH

    def article_url(self, article: BlogArticle) -> str:
        return self.base_url + article.path

    def _localise(self, text: str) -> str:
        return text.replace(PLACEHOLDER_HOST, self.base_url)

    # -- documents ---------------------------------------------------------------------------------------------

    def feed_document(self) -> bytes:
        """The RSS feed of what is published so far, newest first."""
        items = []
        for article in reversed(self._published):
            items.append(
                "\t<item>\n"
                f"\t\t<title>{html.escape(article.title, quote=False)}</title>\n"
                f"\t\t<link>{PLACEHOLDER_HOST}{article.path}</link>\n"
                f"\t\t<dc:creator><![CDATA[{article.author}]]></dc:creator>\n"
                f"\t\t<pubDate>{article.date}</pubDate>\n"
                f'\t\t<guid isPermaLink="false">{html.escape(article.guid)}</guid>\n'
                f"\t\t<description>{html.escape(article.excerpt(), quote=False)}</description>\n"
                "\t</item>"
            )
        return self._localise(self.template.replace(ITEMS_PLACEHOLDER, "\n".join(items).lstrip("\t"))).encode()

    def page_document(self, article: BlogArticle) -> bytes:
        return self._localise(article.page).encode()

    # -- serving -----------------------------------------------------------------------------------------------

    def _conditional(self, request: web.Request, body: bytes, content_type: str, modified_at: float) -> web.Response:
        etag = _etag(body)
        last_modified = formatdate(modified_at, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "no-cache"}
        if_none_match = request.headers.get("If-None-Match")
        if_modified_since = request.headers.get("If-Modified-Since")
        not_modified = False
        if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            not_modified = _matches(if_none_match, etag)
        elif if_modified_since is not None:
            try:
                not_modified = int(modified_at) <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=dict(headers, **{"Content-Type": content_type}))

    async def _feed(self, request: web.Request) -> web.Response:
        response = self._conditional(request, self.feed_document(), RSS_TYPE, self._feed_changed_at)
        self.requests[(FEED_PATH, response.status)] += 1
        return response

    async def _page(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        article = next((a for a in self._published if a.slug == slug), None)
        if article is None:  # unpublished articles are not on the blog yet
            self.requests[(f"/{slug}/", 404)] += 1
            raise web.HTTPNotFound(text="Not found\n")
        written = parsedate_to_datetime(article.date).timestamp()
        response = self._conditional(request, self.page_document(article), HTML_TYPE, written)
        self.requests[(article.path, response.status)] += 1
        return response

    async def _home(self, request: web.Request) -> web.Response:
        links = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in reversed(self._published))
        body = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Werkbank Blog</title>'
                f'<link rel="alternate" type="application/rss+xml" href="{FEED_PATH}"></head>'
                f"<body><h1>Werkbank Blog</h1><ul>{links}</ul></body></html>").encode()
        return self._conditional(request, body, HTML_TYPE, self._feed_changed_at)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._home)
        app.router.add_get(FEED_PATH, self._feed)
        app.router.add_get("/{slug}/", self._page)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on loopback (0: a free port); returns the base URL."""
        self._runner = web.AppRunner(self.app(), access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self._base_url = f"http://{host}:{server.sockets[0].getsockname()[1]}"
        return self._base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DemoBlog:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
