"""load_article against a real local server: feed content used as is, pages fetched and extracted,
and the feed's own text used when the page fails (the entry is never lost)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from bot.articles.extract import load_article
from bot.articles.model import Block
from bot.config import FeedSettings
from bot.feeds.errors import AddressRefused, FeedError, FetchFailed, NotAWebPage
from bot.feeds.fetch import FeedFetcher
from bot.feeds.parse import FeedEntry, ParsedFeed, parse_feed

BLOG = Path(__file__).resolve().parent.parent / "fixtures" / "blog"
LOCAL = FeedSettings(timeout=3.0, allow_private_addresses=True)
LONG_CONTENT = (
    "<h2>Warum Sauerteig?</h2>"
    + "<p>" + "Sauerteig braucht Zeit, Wärme und ein wenig Aufmerksamkeit, aber kaum Arbeit. " * 6 + "</p>"
    + "<blockquote><p>Geduld ist die wichtigste Zutat.</p></blockquote><ul><li>Mehl</li><li>Wasser</li></ul>"
    + "<p>Backst du selbst Brot?</p>"
)


def counting_app(hits: list[str], pages: dict[str, web.Response]) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        hits.append(request.path)
        return pages.get(request.path) or web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    return app


def feed(language: str | None = "de") -> ParsedFeed:
    return ParsedFeed(url="https://kochen.example/feed/", title="Küchenblog", link="https://kochen.example/", language=language)


async def test_full_content_from_the_feed_is_used_without_fetching(serve) -> None:
    hits: list[str] = []
    base = await serve(counting_app(hits, {}))
    entry = FeedEntry(entry_id="p17", url=f"{base}/sauerteig/", title="Sauerteig ohne Stress", author="Jana Brot",
                      published=datetime(2024, 3, 4, tzinfo=UTC), content_html=LONG_CONTENT, summary="Teaser",
                      image="https://kochen.example/img.jpg")
    async with FeedFetcher(LOCAL) as fetcher:
        article = await load_article(entry, feed(), fetcher)
    assert hits == []
    assert article.blocks[0] == Block("heading", "Warum Sauerteig?", 2)
    assert Block("quote", "Geduld ist die wichtigste Zutat.") in article.blocks
    assert [block.text for block in article.blocks if block.kind == "list_item"] == ["Mehl", "Wasser"]
    assert article.blocks[-1] == Block("paragraph", "Backst du selbst Brot?")
    assert (article.title, article.author, article.image, article.language) == (
        "Sauerteig ohne Stress", "Jana Brot", "https://kochen.example/img.jpg", "de")
    assert article.entry_id == "p17" and article.url == f"{base}/sauerteig/"


async def test_a_teaser_in_the_content_field_means_the_page_is_fetched(serve, blog_page) -> None:
    hits: list[str] = []
    html = blog_page("trends-performance-marketing-2023")
    base = await serve(counting_app(hits, {"/trends/": web.Response(body=html, content_type="text/html")}))
    entry = FeedEntry(entry_id="t", url=f"{base}/trends/", title="Trends in Performance Marketing for 2023",
                      content_html="<p>Let's discover together […]</p>")
    async with FeedFetcher(LOCAL) as fetcher:
        article = await load_article(entry, feed(language=None), fetcher)
    assert hits == ["/trends/"]
    assert article.language == "en"
    assert [block.text for block in article.blocks if block.kind == "heading"][-1] == "Your turn"


async def test_page_that_fails_falls_back_to_the_feed_summary(serve) -> None:
    hits: list[str] = []
    base = await serve(counting_app(hits, {}))
    entry = FeedEntry(entry_id="gone", url=f"{base}/gone/", title="Verschwunden", author="Jana Brot",
                      published=datetime(2024, 3, 4, tzinfo=UTC), summary="Was bleibt, ist die Zusammenfassung.")
    problems: list[FeedError] = []
    async with FeedFetcher(LOCAL) as fetcher:
        article = await load_article(entry, feed(), fetcher, on_fallback=problems.append)
    assert hits == ["/gone/"]
    assert isinstance(problems[0], FetchFailed) and problems[0].status == 404
    assert article.blocks == [Block("paragraph", "Was bleibt, ist die Zusammenfassung.")]
    assert (article.title, article.author, article.url, article.language) == ("Verschwunden", "Jana Brot", f"{base}/gone/", "de")
    assert article.excerpt == "Was bleibt, ist die Zusammenfassung."


async def test_page_that_is_not_html_falls_back(serve) -> None:
    hits: list[str] = []
    png = web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png")
    base = await serve(counting_app(hits, {"/image/": png}))
    entry = FeedEntry(entry_id="img", url=f"{base}/image/", title="Ein Bild", summary="Nur ein Bild.")
    problems: list[FeedError] = []
    async with FeedFetcher(LOCAL) as fetcher:
        article = await load_article(entry, feed(), fetcher, on_fallback=problems.append)
    assert isinstance(problems[0], NotAWebPage) and "image/png" in problems[0].reason
    assert article.text == "Nur ein Bild."


async def test_refused_page_address_falls_back_and_is_never_requested(serve) -> None:
    hits: list[str] = []
    base = await serve(counting_app(hits, {}))
    entry = FeedEntry(entry_id="x", url=f"{base}/internal/", title="Intern", summary="Zusammenfassung.")
    problems: list[FeedError] = []
    async with FeedFetcher(FeedSettings(timeout=3.0)) as fetcher:  # private addresses refused
        article = await load_article(entry, feed(), fetcher, on_fallback=problems.append)
    assert isinstance(problems[0], AddressRefused)
    assert hits == []
    assert article.text == "Zusammenfassung."


async def test_entry_without_url_uses_the_feed_alone() -> None:
    entry = FeedEntry(entry_id="sha256:abc", url=None, title="", summary="Ein Eintrag ohne Link und ohne Titel, nur mit Text.")
    async with FeedFetcher(LOCAL) as fetcher:
        article = await load_article(entry, feed(), fetcher)
    assert article.title.startswith("Ein Eintrag ohne Link")
    assert article.url.startswith("https://kochen.example/#entry-")
    assert article.text == entry.summary


async def test_fixture_blog_feed_to_articles(serve) -> None:
    """The whole chain on the fixture blog: a feed with descriptions only -> pages -> articles."""
    hits: list[str] = []
    pages: dict[str, web.Response] = {}
    base_holder: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(request.path)
        base = base_holder[0].encode()
        if request.path == "/feed/":
            body = (BLOG / "feed.xml").read_bytes().replace(b"http://blog.example", base)
            return web.Response(body=body, content_type="application/rss+xml", charset="utf-8")
        page = BLOG / f"{request.path.strip('/')}.html"
        if request.path.count("/") == 2 and page.is_file():
            return web.Response(body=page.read_bytes().replace(b"http://blog.example", base), content_type="text/html")
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    base_holder.append(await serve(app))
    async with FeedFetcher(LOCAL) as fetcher:
        result = await fetcher.fetch(f"{base_holder[0]}/feed/")
        parsed = parse_feed(result.body or b"", result.url, result.content_type)
        articles = [await load_article(entry, parsed, fetcher) for entry in parsed.entries]
    assert [(article.author, article.language) for article in articles] == [
        ("Alex Beispiel", "de"), ("Sam Muster", "de"), ("Alex Example", "en")]
    assert all(len(article.blocks) > 5 for article in articles)  # the pages' text, not the feed's teaser
    assert "Hast du den Consent Mode V2 auf deiner Website schon umgesetzt?" in articles[1].text
    for article in articles:
        assert "Cookies" not in article.text and "cookies?" not in article.text
        assert "Hast du Fragen?" not in article.text
    assert hits == ["/feed/", "/lumiere-sora-kreativitaet/", "/google-consent-mode-v2/", "/trends-performance-marketing-2023/"]
