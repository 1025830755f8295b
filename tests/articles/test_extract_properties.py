"""Hostile input: whatever an article page contains, extract_article returns an Article (it never
raises, because a broken page must not lose the entry)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.articles.extract import EXCERPT_LENGTH, extract_article, html_to_blocks
from bot.articles.model import Article
from bot.feeds.parse import FeedEntry

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = ["html", "head", "body", "main", "article", "div", "p", "h1", "h2", "h6", "blockquote", "ul", "ol", "li",
        "table", "tr", "td", "pre", "code", "aside", "nav", "footer", "script", "style", "span", "b", "br", "figure"]
ATTRIBUTES = ['', ' class="cookie-notice"', ' id="comments"', ' class="entry-content"', ' lang="de"', ' lang="xx-YY"',
              ' class="related-posts"', ' role="dialog"', ' class=""', " class='a\x00b'"]
HEAD_PIECES = ['<meta property="og:image" content="/i.png">', '<meta property="og:image" content="javascript:x">',
               '<meta property="og:locale" content="de_DE">', '<meta name="author" content="">',
               '<meta property="article:published_time" content="2024-99-99T99:99:99">',
               '<meta property="article:published_time" content="2024-02-16T09:00:00+01:00">',
               '<meta charset="no-such-charset">', '<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE html>",
               "<title></title>", "<title>Titel?</title>", "<!-- comment -->", "<![CDATA[x]]>", "&nbsp;", "&#0;", "&bogus;"]


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(0, 40))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            pieces.append(f"<{draw(st.sampled_from(TAGS))}{draw(st.sampled_from(ATTRIBUTES))}>")
        elif choice == 1:
            pieces.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif choice == 2:
            pieces.append(draw(st.sampled_from(HEAD_PIECES)))
        else:
            pieces.append(draw(st.text(max_size=60)))
    return "".join(pieces)


entries = st.none() | st.builds(
    FeedEntry,
    entry_id=st.text(min_size=1, max_size=20),
    url=st.none() | st.just("https://blog.example/a/"),
    title=st.text(max_size=40),
    summary=st.none() | st.text(max_size=80),
    content_html=st.none() | st.text(max_size=80),
)


def check(article: Article) -> None:
    assert isinstance(article, Article)
    assert article.language in ("de", "en")
    assert isinstance(article.title, str) and article.title
    assert len(article.excerpt) <= EXCERPT_LENGTH
    for block in article.blocks:
        assert block.kind in ("heading", "paragraph", "quote", "list_item")
        assert block.text == block.text.strip() and block.text
        assert (block.kind == "heading") == (1 <= block.level <= 6)
    assert article.image is None or article.image.startswith(("http://", "https://"))


@PROPERTY_SETTINGS
@given(st.binary(max_size=3000), entries)
def test_arbitrary_bytes(page: bytes, entry: FeedEntry | None) -> None:
    check(extract_article(page, "https://blog.example/a/", entry=entry))


@PROPERTY_SETTINGS
@given(html_documents(), entries, st.sampled_from([None, "de", "en-US", "fr", ""]))
def test_arbitrary_html(page: str, entry: FeedEntry | None, feed_language: str | None) -> None:
    check(extract_article(page, "https://blog.example/a/", entry=entry, feed_language=feed_language))


@PROPERTY_SETTINGS
@given(html_documents())
def test_arbitrary_feed_content(fragment: str) -> None:
    for block in html_to_blocks(fragment):
        assert block.text and block.kind in ("heading", "paragraph", "quote", "list_item")
