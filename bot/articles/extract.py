"""From a feed entry to an Article: the body as typed blocks, plus title, author, date, image, language.

The question finder reads blocks, so what reaches it must be the author's text only: no cookie
banner ("Möchtest du alle Cookies akzeptieren?"), no related-post teasers, no footer ("Hast du
Fragen?"), and headings kept apart from paragraphs. Full content from the feed is used as is;
otherwise the article page is fetched and its main text extracted with trafilatura.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura
import trafilatura.external
from justext import get_stoplist
from trafilatura.settings import set_date_params

from bot.articles.language import choose_language
from bot.articles.model import Article, Block
from bot.feeds.errors import FeedError, NotAWebPage
from bot.feeds.fetch import PAGE_ACCEPT, FeedFetcher
from bot.feeds.identity import canonical_url
from bot.feeds.parse import FeedEntry, ParsedFeed, parse_iso_datetime

log = logging.getLogger(__name__)

EXCERPT_LENGTH = 300
# Feed content shorter than this is usually a teaser in content:encoded; the page has the real text.
FULL_CONTENT_MIN_CHARACTERS = 400

_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Page furniture that is never the article. Matched against the words of an element's id and class
# ("cookie-notice" -> cookie, notice), so "entry-content" or "shared" are not hit by accident.
_BOILERPLATE_WORDS = frozenset(
    {
        "cookie", "cookies", "cookiebar", "consent", "gdpr", "cmp", "cookienotice", "related", "relatedposts",
        "newsletter", "share", "sharing", "sharedaddy", "social", "comments", "comment", "respond", "sidebar",
        "breadcrumb", "breadcrumbs", "subscribe", "subscription", "popup", "modal", "promo", "advert",
        "advertisement", "widget", "teaser", "teasers", "recommended", "recommendations", "jp", "yarpp",
    }
)
_BOILERPLATE_TAGS = frozenset(
    {"aside", "nav", "footer", "form", "script", "style", "noscript", "iframe", "dialog", "button", "template", "svg"}
)
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
_CLASS_WORD = re.compile(r"[\s\-_]+")


def _justext_stop_words_of_our_languages() -> None:
    """trafilatura's second opinion on a page (justext) counts stop words. Without a language it counts those
    of all 100 languages justext knows: 154,000 words, about 35 MB held for the life of the process, and a
    tuple that justext hashes anew on every page. The bot reads German and English only (bot/articles/language),
    so it gives trafilatura the stop words of those two, once, in the cache trafilatura fills on first use."""
    if getattr(trafilatura.external, "JT_STOPLIST", None) is None:
        trafilatura.external.JT_STOPLIST = frozenset(get_stoplist("German") | get_stoplist("English"))


_justext_stop_words_of_our_languages()

# ------------------------------------------------------------------------------------------ loading


async def load_article(
    entry: FeedEntry,
    feed: ParsedFeed,
    fetcher: FeedFetcher,
    *,
    on_fallback: Callable[[FeedError], None] | None = None,
) -> Article:
    """The article behind `entry`. Never loses the entry: when the page cannot be fetched or read,
    the article is built from what the feed says (full content, else summary) and `on_fallback`
    hears why (it is also logged)."""
    if not entry.url or (entry.content_html and len(_html_text(entry.content_html)) >= FULL_CONTENT_MIN_CHARACTERS):
        return article_from_feed(entry, feed)
    try:
        result = await fetcher.fetch(entry.url, accept=PAGE_ACCEPT)
        body = result.body or b""
        if not _looks_like_html(body, result.content_type):
            kind = (result.content_type or "unknown type").split(";")[0]
            raise NotAWebPage(f"the article page is not a web page ({kind})", url=entry.url)
        return await asyncio.to_thread(
            extract_article, body, entry.url, entry=entry, feed_language=feed.language, content_type=result.content_type
        )
    except FeedError as error:
        log.info("article %s: using the feed's text instead of the page: %s", entry.url, error.reason)
        if on_fallback is not None:
            on_fallback(error)
        return article_from_feed(entry, feed)


def article_from_feed(entry: FeedEntry, feed: ParsedFeed) -> Article:
    """An Article from the feed alone: its full content when it has one, else its summary."""
    blocks = _fallback_blocks(entry)
    text = " ".join(block.text for block in blocks)
    return Article(
        url=_article_url(entry, feed),
        entry_id=entry.entry_id,
        title=entry.title or _first_words(text) or feed.title,
        author=entry.author,
        published=entry.published,
        language=choose_language(feed.language, text=f"{entry.title}\n{text}"),
        image=entry.image,
        blocks=blocks,
        excerpt=make_excerpt(blocks),
    )


def _fallback_blocks(entry: FeedEntry) -> list[Block]:
    if entry.content_html:
        blocks = html_to_blocks(entry.content_html)
        if blocks:
            return _without_title_heading(blocks, entry.title)
    summary = _clean(entry.summary)
    return [Block("paragraph", summary)] if summary else []


def _article_url(entry: FeedEntry, feed: ParsedFeed) -> str:
    if entry.url:
        return entry.url
    if entry.entry_id.startswith(("http://", "https://")):
        return canonical_url(entry.entry_id)
    return f"{feed.link or feed.url}#entry-{entry.key[:16]}"  # unique per entry even without a link


# --------------------------------------------------------------------------------------- extraction


def extract_article(
    html: str | bytes,
    url: str,
    *,
    entry: FeedEntry | None = None,
    feed_language: str | None = None,
    content_type: str | None = None,
) -> Article:
    """Extract an Article from a page's HTML. Pure: no network. Metadata from the feed entry wins
    over the page's; the body comes from the page, else from the entry (content, then summary)."""
    text = _decode(html, content_type) if isinstance(html, bytes | bytearray) else str(html)
    tree = _load_tree(text)
    meta = _page_metadata(tree, url) if tree is not None else {}
    blocks: list[Block] = []
    extracted_title = extracted_author = extracted_date = None
    if tree is not None:
        _prune_boilerplate(tree)
        blocks, extracted_title, extracted_author, extracted_date = _main_text(tree, url)
    title = (entry.title if entry else "") or meta.get("title") or extracted_title or meta.get("page_title") or ""
    if not blocks and entry is not None:
        blocks = _fallback_blocks(entry)
    blocks = _without_title_heading(blocks, title)
    body_text = " ".join(block.text for block in blocks)
    if not title:
        title = _first_words(body_text) or url
    published = (entry.published if entry else None) or parse_iso_datetime(meta.get("published")) or parse_iso_datetime(extracted_date)
    image = meta.get("image") or (entry.image if entry else None)
    return Article(
        url=entry.url if entry and entry.url else canonical_url(url),
        entry_id=entry.entry_id if entry else canonical_url(url),
        title=title,
        author=(entry.author if entry else None) or meta.get("author") or extracted_author,
        published=published,
        language=choose_language(meta.get("lang"), meta.get("locale"), feed_language, text=f"{title}\n{body_text}"),
        image=image,
        blocks=blocks,
        excerpt=make_excerpt(blocks),
    )


def _main_text(tree: lxml.html.HtmlElement, url: str) -> tuple[list[Block], str | None, str | None, str | None]:
    """trafilatura's main text as blocks, plus the title, author and date it found."""
    try:
        document = trafilatura.extract(
            tree,
            url=url,
            output_format="xml",
            include_formatting=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=True,
            deduplicate=False,
            # No dateparser: it can take many seconds on a crafted page, and the date comes from
            # the feed or the page's meta tags anyway.
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception as error:  # noqa: BLE001 - a library bug on odd HTML must not lose the entry
        log.warning("article %s: text extraction failed: %s", url, error)
        return [], None, None, None
    if not document:
        return [], None, None, None
    try:
        root = lxml.etree.fromstring(document.encode("utf-8"), parser=lxml.etree.XMLParser(recover=True, resolve_entities=False))
    except lxml.etree.XMLSyntaxError:
        return [], None, None, None
    if root is None:
        return [], None, None, None
    blocks: list[Block] = []
    for main in root.iter("main"):
        blocks.extend(_xml_blocks(main))
    return blocks, _clean(root.get("title")) or None, _clean(root.get("author")) or None, root.get("date")


def _xml_blocks(element: lxml.etree._Element) -> Iterable[Block]:
    """Blocks from trafilatura's XML: head(rend=hN), p, quote, list/item; tables and code are left out."""
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "head":
            text = _text(child)
            if text:
                level = _HEADING_TAGS.get(str(child.get("rend", "h2")).lower(), 2)
                yield Block("heading", text, level)
        elif tag == "p":
            text = _text(child)
            if text:
                yield Block("paragraph", text, emphasis=_emphasis(child, text, _is_xml_bold))
        elif tag == "quote":
            paragraphs = [_text(p) for p in child if p.tag == "p"]
            if not paragraphs:
                paragraphs = [_text(child)]
            for text in paragraphs:
                if text:
                    yield Block("quote", text)
        elif tag == "list":
            yield from _xml_list(child)
        elif tag in ("table", "code", "graphic", "lb"):
            continue
        else:
            nested = list(_xml_blocks(child))
            if nested:
                yield from nested
            else:
                text = _text(child)
                if text:
                    yield Block("paragraph", text)


def _xml_list(element: lxml.etree._Element) -> Iterable[Block]:
    for item in element:
        if item.tag != "item":
            continue
        nested = [sub for sub in item if sub.tag == "list"]
        own = _text(item, skip=set(nested))
        if own:
            yield Block("list_item", own, emphasis=_emphasis(item, own, _is_xml_bold))
        for sub in nested:
            yield from _xml_list(sub)


def _is_xml_bold(element: lxml.etree._Element) -> bool:
    return element.tag == "hi" and "#b" in str(element.get("rend", ""))


def _is_html_bold(element: lxml.etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() in ("b", "strong")


def _emphasis(element: lxml.etree._Element, text: str, is_bold: Callable[[lxml.etree._Element], bool]) -> str:
    """ "whole" when all of the block's text is bold, "lead" when it opens with a bold run of two or more
    words (an interview question before its answer), else "". Headings made of <strong> and interview
    questions are told from body text this way."""
    bold = [_text(node) for node in element.iter() if node is not element and is_bold(node)]
    if not bold:
        return ""
    if _clean(" ".join(bold)).replace(" ", "") == text.replace(" ", ""):
        return "whole"
    first = next((node for node in element if isinstance(node.tag, str)), None)
    if first is not None and is_bold(first) and not (element.text or "").strip():
        if len(_clean(_text(first)).split()) >= 2:
            return "lead"
    return ""


# ------------------------------------------------------------------------------- feed content (HTML)


def html_to_blocks(fragment: str) -> list[Block]:
    """Blocks from an HTML fragment that is already the article body (content:encoded, Atom content)."""
    tree = _load_tree(f"<html><body>{fragment}</body></html>")
    if tree is None:
        return []
    body = tree.find("body")
    blocks: list[Block] = []
    _walk_html(body if body is not None else tree, blocks)
    return blocks


_INLINE_SKIP = frozenset({"script", "style", "noscript", "template", "figcaption", "table", "pre", "iframe", "svg", "form", "button"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "header", "blockquote", "ul", "ol", "li", "figure", "table", "pre",
     "hr", "dl", "details", "center", "address", *_HEADING_TAGS}
)


def _walk_html(element: lxml.html.HtmlElement, out: list[Block]) -> None:
    pending: list[str] = [element.text or ""]

    def flush() -> None:
        text = _clean(" ".join(pending))
        if text:
            out.append(Block("paragraph", text))
        pending.clear()

    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag or tag in _INLINE_SKIP:
            pending.append(child.tail or "")
            continue
        if tag in _BLOCK_TAGS or _has_block_descendant(child):
            flush()
            _html_block(child, tag, out)
        else:
            pending.append(_html_text_of(child))
        pending.append(child.tail or "")
    flush()


def _html_block(element: lxml.html.HtmlElement, tag: str, out: list[Block]) -> None:
    if tag in _HEADING_TAGS:
        text = _html_text_of(element)
        if text:
            out.append(Block("heading", text, _HEADING_TAGS[tag]))
    elif tag == "p" and not _has_block_descendant(element):
        text = _html_text_of(element)
        if text:
            out.append(Block("paragraph", text, emphasis=_emphasis(element, text, _is_html_bold)))
    elif tag == "blockquote":
        inner: list[Block] = []
        _walk_html(element, inner)
        out.extend(Block("quote", block.text) for block in inner if block.kind in ("paragraph", "quote", "list_item"))
    elif tag in ("ul", "ol"):
        for item in element:
            if isinstance(item.tag, str) and item.tag.lower() == "li":
                _html_block(item, "li", out)
            elif isinstance(item.tag, str):
                _walk_html(item, out)
    elif tag == "li":
        nested = [sub for sub in element if isinstance(sub.tag, str) and sub.tag.lower() in ("ul", "ol")]
        text = _html_text_of(element, skip=set(nested))
        if text:
            out.append(Block("list_item", text, emphasis=_emphasis(element, text, _is_html_bold)))
        for sub in nested:
            _html_block(sub, sub.tag.lower(), out)
    elif tag in ("table", "pre", "hr"):
        return
    else:
        _walk_html(element, out)


def _has_block_descendant(element: lxml.html.HtmlElement) -> bool:
    return any(isinstance(node.tag, str) and node.tag.lower() in _BLOCK_TAGS for node in element.iterdescendants())


def _html_text_of(element: lxml.html.HtmlElement, skip: set[lxml.html.HtmlElement] | None = None) -> str:
    return _text(element, skip=skip, ignore=_INLINE_SKIP)


# ------------------------------------------------------------------------------------------ helpers


def _text(
    element: lxml.etree._Element, *, skip: set[lxml.etree._Element] | None = None, ignore: frozenset[str] = frozenset()
) -> str:
    """Whitespace-normalised text of `element`, leaving out `skip` subtrees and `ignore` tags."""
    parts: list[str] = []

    def visit(node: lxml.etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if (skip and child in skip) or (tag and tag in ignore) or not tag:
                pass
            elif tag in ("br", "lb"):
                parts.append(" ")
            else:
                visit(child)
            parts.append(child.tail or "")

    visit(element)
    return _clean("".join(parts))


def _clean(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text or "").strip()


def _html_text(fragment: str) -> str:
    return _clean(re.sub(r"<[^>]*>", " ", fragment))


def _first_words(text: str, limit: int = 80) -> str:
    return make_excerpt([Block("paragraph", text)], limit) if text else ""


def make_excerpt(blocks: list[Block], limit: int = EXCERPT_LENGTH) -> str:
    """The start of the article's prose, at most `limit` characters, cut at a word boundary."""
    prose = [block.text for block in blocks if block.kind == "paragraph"] or [block.text for block in blocks]
    text = _clean(" ".join(prose))
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def _without_title_heading(blocks: list[Block], title: str) -> list[Block]:
    """Drop the page's own title when it opens the body: it is the article's title, not a heading in it."""
    wanted = _clean(title).casefold()
    if not wanted or not blocks or blocks[0].kind != "heading":
        return blocks
    heading = blocks[0].text.casefold()
    # "Passkeys explained" opening a page titled "Passkeys explained | Security Blog" is the title too.
    similar = (heading in wanted or wanted in heading) and min(len(heading), len(wanted)) >= max(len(heading), len(wanted)) / 2
    if heading == wanted or (blocks[0].level == 1 and similar):
        return blocks[1:]
    return blocks


def _decode(data: bytes | bytearray, content_type: str | None) -> str:
    """Page bytes to text: the HTTP charset, else <meta charset>, else UTF-8, else Windows-1252."""
    candidates: list[str] = []
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", content_type, re.IGNORECASE)
        if match:
            candidates.append(match.group(1))
    match = _META_CHARSET.search(bytes(data[:4096]))
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for encoding in [*candidates, "utf-8"]:
        try:
            return bytes(data).decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return bytes(data).decode("cp1252", errors="replace")


def _load_tree(text: str) -> lxml.html.HtmlElement | None:
    cleaned = _CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1))
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot go to lxml
    if not cleaned.strip():
        return None
    try:
        return lxml.html.document_fromstring(cleaned)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None


def _looks_like_html(body: bytes, content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    if kind and not kind.startswith("text/") and "xml" not in kind:
        return False
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head or b"<body" in head or b"<p" in head


def _page_metadata(tree: lxml.html.HtmlElement, url: str) -> dict[str, str]:
    """What the page declares about itself: <html lang>, og:*, author and publication time."""
    meta: dict[str, str] = {}
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        meta["lang"] = lang
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = _clean(element.get("content"))
        if not key or not value:
            continue
        if key in ("og:title", "twitter:title") and "title" not in meta:
            meta["title"] = value
        elif key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image") and "image" not in meta:
            absolute = urljoin(url, value)
            if absolute.startswith(("http://", "https://")):
                meta["image"] = absolute
        elif key == "og:locale" and "locale" not in meta:
            meta["locale"] = value
        elif key in ("author", "article:author", "dc.creator", "parsely-author") and "author" not in meta:
            if not value.startswith(("http://", "https://")):
                meta["author"] = value
        elif key in ("article:published_time", "datepublished", "dc.date", "date", "parsely-pub-date") and "published" not in meta:
            meta["published"] = value
    title = tree.find(".//title")
    if title is not None and _clean(title.text_content()):
        meta["page_title"] = _clean(title.text_content())  # often "Post – Site", so the last resort
    return meta


def _prune_boilerplate(tree: lxml.html.HtmlElement) -> None:
    """Remove cookie banners, navigation, sidebars, related posts, sharing and footers before
    trafilatura sees the page (trafilatura alone keeps some of them on small pages)."""
    paragraphs = sum(1 for _ in tree.iter("p"))
    doomed = []
    for element in tree.iter():
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag or tag in _PROTECTED_TAGS:
            continue
        if (tag in _BOILERPLATE_TAGS or _is_boilerplate(element)) and not _holds_article(element, paragraphs):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text in place


def _is_boilerplate(element: lxml.html.HtmlElement) -> bool:
    if element.get("role", "").strip().lower() in ("dialog", "alertdialog", "navigation", "complementary", "contentinfo"):
        return True
    names = f"{element.get('id', '')} {element.get('class', '')}".lower()
    if not names.strip():
        return False
    words = set(_CLASS_WORD.split(names))
    return bool(words & _BOILERPLATE_WORDS) or any("cookie" in word or "consent" in word for word in words)


def _holds_article(element: lxml.html.HtmlElement, page_paragraphs: int) -> bool:
    """Whether removing `element` would remove the article itself (some sites wrap the whole page
    in a <form> or a "widget" container)."""
    inside = 0
    for node in element.iterdescendants():
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in ("article", "main", "h1"):
            return True
        inside += tag == "p"
    return page_paragraphs >= 3 and inside * 2 > page_paragraphs
