"""The demo's sample blog: publishing over time, its own addresses, and conditional GET as the bot's fetcher uses it."""

from __future__ import annotations

import json
from email.utils import formatdate
from pathlib import Path

import aiohttp
import pytest
from multidict import CIMultiDict

from bot.config import FeedSettings
from bot.demo.blog import DEFAULT_BLOG_DIR, BlogContentError, DemoBlog, load_articles
from bot.feeds.fetch import FeedFetcher
from bot.feeds.parse import parse_feed


class FakeClock:
    def __init__(self, now: float = 1_727_683_200.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def blog():
    clock = FakeClock()
    async with DemoBlog(clock=clock) as running:
        running.clock = clock  # type: ignore[attr-defined]
        yield running


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, CIMultiDict[str], bytes]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers or {}) as response:
        return response.status, CIMultiDict(response.headers), await response.read()


def test_shipped_articles_are_complete_and_bilingual() -> None:
    template, articles = load_articles()
    listing = json.loads((DEFAULT_BLOG_DIR / "articles.json").read_text(encoding="utf-8"))
    assert [a.slug for a in articles] == [entry["slug"] for entry in listing]
    assert {a.language for a in articles} == {"de", "en"}
    assert "<!-- ITEMS -->" in template
    for article in articles:
        assert article.excerpt(), article.slug
        assert "<" not in article.excerpt()


async def test_feed_starts_empty_and_publishes_newest_first(blog: DemoBlog) -> None:
    status, _, body = await get(blog.feed_url)
    assert status == 200
    assert parse_feed(body, blog.feed_url).entries == []

    first = blog.publish_next()
    second = blog.publish_next()
    assert first is not None and second is not None
    status, headers, body = await get(blog.feed_url)
    feed = parse_feed(body, blog.feed_url, headers["Content-Type"])
    assert [entry.title for entry in feed.entries] == [second.title, first.title]
    assert [entry.entry_id for entry in feed.entries] == [second.guid, first.guid]
    assert [entry.url for entry in feed.entries] == [blog.article_url(second), blog.article_url(first)]
    assert feed.entries[0].author == second.author
    assert feed.entries[0].summary and feed.entries[0].summary.startswith(second.excerpt()[:40])


async def test_all_articles_publish_then_nothing_more(blog: DemoBlog) -> None:
    published = [blog.publish_next() for _ in blog.articles]
    assert [a.slug for a in published if a] == [a.slug for a in blog.articles]
    assert blog.publish_next() is None
    assert blog.unpublished == []


async def test_placeholder_host_becomes_the_servers_own_address(blog: DemoBlog) -> None:
    article = blog.publish_next()
    assert article is not None
    _, _, feed = await get(blog.feed_url)
    status, headers, page = await get(blog.article_url(article))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    for document in (feed, page):
        text = document.decode()
        assert "blog.example" not in text
        assert blog.base_url in text
    assert f'<meta property="og:url" content="{blog.article_url(article)}">' in page.decode()


async def test_unpublished_article_is_not_found_yet(blog: DemoBlog) -> None:
    upcoming = blog.articles[0]
    status, _, _ = await get(blog.article_url(upcoming))
    assert status == 404
    blog.publish_next()
    status, _, _ = await get(blog.article_url(upcoming))
    assert status == 200


async def test_etag_gives_304_until_an_article_is_published(blog: DemoBlog) -> None:
    blog.publish_next()
    status, headers, _ = await get(blog.feed_url)
    assert status == 200
    etag = headers["ETag"]
    status, again, body = await get(blog.feed_url, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert again["ETag"] == etag
    status, _, _ = await get(blog.feed_url, {"If-None-Match": f"W/{etag}"})
    assert status == 304, "weak comparison ignores W/"

    blog.publish_next()
    status, headers, _ = await get(blog.feed_url, {"If-None-Match": etag})
    assert status == 200
    assert headers["ETag"] != etag


async def test_last_modified_gives_304_and_moves_on_publish(blog: DemoBlog) -> None:
    blog.publish_next()
    status, headers, _ = await get(blog.feed_url)
    last_modified = headers["Last-Modified"]
    status, _, _ = await get(blog.feed_url, {"If-Modified-Since": last_modified})
    assert status == 304
    # A second article in the same second still moves Last-Modified forward: the client must see it.
    blog.publish_next()
    status, headers, _ = await get(blog.feed_url, {"If-Modified-Since": last_modified})
    assert status == 200
    assert headers["Last-Modified"] != last_modified
    older = formatdate(blog.clock.now - 3600, usegmt=True)  # type: ignore[attr-defined]
    status, _, _ = await get(blog.feed_url, {"If-Modified-Since": older})
    assert status == 200
    status, _, _ = await get(blog.feed_url, {"If-Modified-Since": "not a date"})
    assert status == 200


async def test_the_bots_fetcher_polls_it_conditionally(blog: DemoBlog) -> None:
    blog.publish_next()
    settings = FeedSettings(allow_private_addresses=True, timeout=5.0)
    async with FeedFetcher(settings) as fetcher:
        first = await fetcher.fetch(blog.feed_url)
        assert first.status == 200 and first.etag
        unchanged = await fetcher.fetch(blog.feed_url, etag=first.etag, last_modified=first.last_modified)
        assert unchanged.not_modified
        blog.publish_next()
        changed = await fetcher.fetch(blog.feed_url, etag=first.etag, last_modified=first.last_modified)
        assert changed.status == 200
        assert len(parse_feed(changed.body or b"", blog.feed_url).entries) == 2
    assert blog.requests[("/feed/", 304)] == 1
    assert blog.requests[("/feed/", 200)] == 2


async def test_stop_closes_the_port() -> None:
    blog = DemoBlog()
    await blog.start()
    url = blog.feed_url
    await blog.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(url)


def test_broken_content_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text("<rss></rss>", encoding="utf-8")
    (tmp_path / "articles.json").write_text("[]", encoding="utf-8")
    with pytest.raises(BlogContentError, match="placeholder"):
        load_articles(tmp_path)
    (tmp_path / "feed.xml").write_text("<rss><!-- ITEMS --></rss>", encoding="utf-8")
    (tmp_path / "articles.json").write_text(
        json.dumps([{"slug": "gone", "title": "T", "author": "A", "date": "Mon, 02 Sep 2024 07:00:00 +0000",
                     "lang": "de", "guid": "g"}]), encoding="utf-8")
    with pytest.raises(BlogContentError, match="gone"):
        load_articles(tmp_path)
