"""Reading a feed document (RSS 0.9x/1.0/2.0, Atom, JSON Feed 1.x) into entries the core can use.

Feeds in the wild are broken in every way: wrong encodings, HTML served instead of XML, entries
without guid, link or date, the same entry twice. `parse_feed` either returns a sane ParsedFeed
or raises a FeedError whose `reason` says what is wrong; it never lets a parser exception escape.
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html

from bot.feeds.errors import FeedError, FeedParseError, NotAFeed
from bot.feeds.identity import canonical_url, entry_identity, entry_key

MAX_TITLE_LENGTH = 500  # matches the storage column; longer titles are cut with an ellipsis
_WHITESPACE = re.compile(r"\s+")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|hr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ENCODING_NOTICES = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str  # identity: guid/id, else canonical link, else hash of title and date
    url: str | None  # canonical link to the article page
    title: str
    author: str | None = None
    published: datetime | None = None  # tz-aware UTC
    content_html: str | None = None  # full article body when the feed carries it
    summary: str | None = None  # plain text teaser
    image: str | None = None

    @property
    def key(self) -> str:
        """SeenEntry.entry_key for this entry."""
        return entry_key(self.entry_id)


@dataclass
class ParsedFeed:
    url: str
    title: str
    link: str | None = None
    language: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a fetched feed document. `url` is where it came from (base for relative links).

    Entries come newest first (by date; undated entries keep their place in feed order) and each
    entry appears once. Raises NotAFeed (an HTML page, other JSON) or FeedParseError (broken).
    """
    if not isinstance(body, bytes | bytearray):
        raise TypeError("parse_feed expects the raw bytes of the document")
    body = bytes(body)
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start:
        raise FeedParseError("the feed is empty", url=url)
    try:
        if start[:1] in (b"{", b"[") or (content_type and "json" in content_type.lower() and start[:1] != b"<"):
            feed = _parse_json_feed(body, url)
        else:
            feed = _parse_xml_feed(body, url, content_type)
    except FeedError:
        raise
    except (RecursionError, MemoryError):
        raise FeedParseError("the feed is too deeply nested or too large to read", url=url) from None
    except Exception as error:  # a parser bug must not take the bot down; report it like broken input
        raise FeedParseError(f"the feed could not be read ({type(error).__name__})", url=url) from error
    feed.entries = _newest_first(_without_duplicates(feed.entries))
    return feed


# ---------------------------------------------------------------------------------------------- XML


def _parse_xml_feed(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    # No content-location: feedparser would then "resolve" opaque guids such as "k1" against the feed
    # URL, and an entry's identity would change whenever the feed moves. Links are resolved below.
    headers = {"content-type": content_type} if content_type else {}
    # A stream, never bytes or str: feedparser would treat those as a file name or URL to open.
    result = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    raw_entries = result.get("entries") or []
    if not result.get("version") and not raw_entries:
        head = body[:4096].lower()
        if b"<html" in head or b"<!doctype html" in head or b"<body" in head:
            links = _advertised_feeds(body, url)
            hint = f" The page names a feed at {links[0]}; subscribe to that instead." if links else ""
            raise NotAFeed(f"this is a web page (HTML), not an RSS, Atom or JSON feed.{hint}", url=url, feed_links=links)
        if result.get("bozo"):
            raise FeedParseError(f"the feed is not well-formed XML ({_bozo_reason(result)})", url=url)
        raise NotAFeed("the document is not an RSS, Atom or JSON feed", url=url)
    if not raw_entries and result.get("bozo") and not isinstance(result.get("bozo_exception"), _ENCODING_NOTICES):
        # Broken XML with nothing recoverable in it; a well-formed empty feed is fine, this is not.
        raise FeedParseError(f"the feed is not well-formed XML ({_bozo_reason(result)})", url=url)
    info = result.get("feed") or {}
    feed_author = _person(info.get("author_detail"), info.get("author"))
    base = _text_or_none(info.get("link")) or url
    entries = [_xml_entry(raw, url, feed_author) for raw in raw_entries]
    return ParsedFeed(
        url=url,
        title=_plain(info.get("title")) or _plain(info.get("subtitle")) or base,
        link=_absolute(info.get("link"), url),
        language=_text_or_none(info.get("language")),
        entries=entries,
    )


def _bozo_reason(result: Any) -> str:
    error = result.get("bozo_exception")
    message = getattr(error, "getMessage", None)
    text = message() if callable(message) else str(error or "")
    line = getattr(error, "getLineNumber", None)
    if callable(line) and text:
        return f"{text} at line {line()}"
    return text or "unreadable"


def _xml_entry(raw: Any, feed_url: str, feed_author: str | None) -> FeedEntry:
    link = _absolute(raw.get("link"), feed_url)
    if link is None:
        for candidate in raw.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = _absolute(candidate.get("href"), feed_url)
                break
    title = _clip(_plain(raw.get("title")))
    published = None
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        published = _from_struct_time(dict.get(raw, name))  # plain dict access: no feedparser key aliasing
        if published is not None:
            break
    content_html = None
    contents = [item for item in raw.get("content") or [] if _text_or_none(item.get("value"))]
    marked_up = [item for item in contents if "html" in str(item.get("type", "")).lower()]
    if marked_up:
        content_html = str(marked_up[0]["value"])
    elif contents:
        content_html = _text_to_html(str(contents[0]["value"]))
    summary = _plain(raw.get("summary")) or None
    identity = entry_identity(_text_or_none(raw.get("id")), link, title, published, text=content_html or summary)
    return FeedEntry(
        entry_id=identity,
        url=canonical_url(link) if link else None,
        title=title,
        author=_person(raw.get("author_detail"), raw.get("author")) or feed_author,
        published=published,
        content_html=content_html,
        summary=summary,
        image=_xml_image(raw, feed_url),
    )


def _xml_image(raw: Any, feed_url: str) -> str | None:
    for media in raw.get("media_content") or []:
        kind = f"{media.get('medium', '')} {media.get('type', '')}".lower()
        if "image" in kind and media.get("url"):
            return _absolute(media.get("url"), feed_url)
    for thumbnail in raw.get("media_thumbnail") or []:
        if thumbnail.get("url"):
            return _absolute(thumbnail.get("url"), feed_url)
    for enclosure in raw.get("enclosures") or []:
        if str(enclosure.get("type", "")).lower().startswith("image/") and enclosure.get("href"):
            return _absolute(enclosure.get("href"), feed_url)
    image = raw.get("image")
    if isinstance(image, dict) and image.get("href"):
        return _absolute(image.get("href"), feed_url)
    return None


def _person(detail: Any, fallback: Any) -> str | None:
    if isinstance(detail, dict):
        name = _plain(detail.get("name"))
        if name:
            return name
    return _plain(fallback) or None


def _from_struct_time(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _advertised_feeds(body: bytes, url: str) -> tuple[str, ...]:
    """Feed URLs an HTML page announces with <link rel="alternate" type="application/rss+xml">."""
    try:
        document = lxml.html.document_fromstring(body)
    except Exception:  # noqa: BLE001 - an unparsable page simply advertises nothing
        return ()
    found: list[str] = []
    for link in document.iter("link"):
        rel = str(link.get("rel", "")).lower().split()
        kind = str(link.get("type", "")).lower().split(";")[0].strip()
        href = link.get("href")
        if "alternate" in rel and kind in _FEED_LINK_TYPES and href:
            absolute = _absolute(href, url)
            if absolute and absolute not in found:
                found.append(absolute)
    return tuple(found)


# --------------------------------------------------------------------------------------------- JSON


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise FeedParseError(f"the feed is not valid JSON ({str(error).splitlines()[0][:120]})", url=url) from None
    if not isinstance(document, dict) or "jsonfeed.org/version/" not in str(document.get("version", "")):
        raise NotAFeed("the document is JSON but not a JSON Feed (https://jsonfeed.org)", url=url)
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedParseError("the JSON Feed has no list of items", url=url)
    feed_author = _json_author(document)
    home = _absolute(_string(document.get("home_page_url")), url)
    entries = [_json_entry(item, url, feed_author) for item in items if isinstance(item, dict)]
    return ParsedFeed(
        url=url,
        title=_clip(_plain(_string(document.get("title")))) or home or url,
        link=home,
        language=_string(document.get("language")),
        entries=entries,
    )


def _json_entry(item: dict[str, Any], feed_url: str, feed_author: str | None) -> FeedEntry:
    link = _absolute(_string(item.get("url")), feed_url) or _absolute(_string(item.get("external_url")), feed_url)
    title = _clip(_plain(_string(item.get("title"))))
    published = parse_iso_datetime(_string(item.get("date_published"))) or parse_iso_datetime(_string(item.get("date_modified")))
    raw_id = item.get("id")
    entry_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    content_html = _string(item.get("content_html"))
    if not content_html and _string(item.get("content_text")):
        content_html = _text_to_html(str(item["content_text"]))
    image = _string(item.get("image")) or _string(item.get("banner_image"))
    return FeedEntry(
        entry_id=entry_identity(entry_id, link, title, published, text=content_html or _string(item.get("summary"))),
        url=canonical_url(link) if link else None,
        title=title,
        author=_json_author(item) or feed_author,
        published=published,
        content_html=content_html or None,
        summary=_plain(_string(item.get("summary"))) or None,
        image=_absolute(image, feed_url),
    )


def _json_author(container: dict[str, Any]) -> str | None:
    authors = container.get("authors")
    candidates = authors if isinstance(authors, list) else []
    if isinstance(container.get("author"), dict):  # JSON Feed 1.0
        candidates = [*candidates, container["author"]]
    for author in candidates:
        if isinstance(author, dict):
            name = _plain(_string(author.get("name")))
            if name:
                return name
    return None


def parse_iso_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp (JSON Feed, page metadata) as UTC; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.endswith("z"):
        text = text[:-1] + "Z"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


# ------------------------------------------------------------------------------------------ helpers


def _without_duplicates(entries: list[FeedEntry]) -> list[FeedEntry]:
    """First occurrence of each identity; feeds repeat entries when a plugin or cache misbehaves."""
    seen: set[str] = set()
    unique: list[FeedEntry] = []
    for entry in entries:
        if entry.entry_id not in seen:
            seen.add(entry.entry_id)
            unique.append(entry)
    return unique


def _newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Sort by date, newest first. An undated entry keeps its place: it sorts with the nearest dated
    entry above it in the feed (or on top, as the feed shows it first)."""
    keys: list[float] = []
    borrowed = float("inf")
    for entry in entries:
        if entry.published is not None:
            borrowed = entry.published.timestamp()
        keys.append(borrowed)
    order = sorted(range(len(entries)), key=lambda index: -keys[index])  # stable: ties keep feed order
    return [entries[index] for index in order]


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _plain(value: Any) -> str:
    """Markup-free, whitespace-normalised text (titles and summaries may carry HTML)."""
    if not value:
        return ""
    text = str(value)
    if "<" in text:
        text = _TAG.sub("", _BLOCK_TAG.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return _WHITESPACE.sub(" ", text).strip()


def _clip(text: str, limit: int = MAX_TITLE_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip() + "…"


def _absolute(link: Any, base: str) -> str | None:
    """`link` resolved against `base`, or None unless that gives a web (or local file) address."""
    text = _text_or_none(link)
    if text is None:
        return None
    try:
        absolute = urljoin(base, text)
    except ValueError:
        return None
    return absolute if absolute.split(":", 1)[0].lower() in ("http", "https", "file") else None


def _text_to_html(text: str) -> str:
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs)
