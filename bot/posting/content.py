"""What an article looks like when posted, as plain data: the Discord adapter only renders it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

EXCERPT_LIMIT = 300
THREAD_NAME_LIMIT = 100
EMBED_TITLE_LIMIT = 256
ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters, cut at a word boundary with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


@dataclass(frozen=True)
class ArticleCard:
    """The article message: title linked to the article, author, excerpt, lead image, date."""

    article_id: int
    url: str
    title: str
    author: str | None
    excerpt: str  # at most EXCERPT_LIMIT characters
    image: str | None
    published: datetime | None
    language: str
    feed_title: str | None

    @property
    def thread_name(self) -> str:
        return shorten(self.title, THREAD_NAME_LIMIT) or f"Article {self.article_id}"


def article_card(
    *,
    article_id: int,
    url: str,
    title: str,
    author: str | None,
    excerpt: str,
    image: str | None,
    published: datetime | None,
    language: str,
    feed_title: str | None,
) -> ArticleCard:
    image = image if image and image.startswith(("http://", "https://")) else None
    return ArticleCard(
        article_id=article_id,
        url=url,
        title=shorten(title, EMBED_TITLE_LIMIT) or url[:EMBED_TITLE_LIMIT],
        author=shorten(author, 256) if author else None,
        excerpt=shorten(excerpt or "", EXCERPT_LIMIT),
        image=image,
        published=published,
        language=language,
        feed_title=shorten(feed_title, 200) if feed_title else None,
    )
