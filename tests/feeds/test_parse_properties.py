"""Hostile input: whatever bytes a feed URL returns, parse_feed gives a result or a FeedError."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.feeds.errors import FeedError
from bot.feeds.parse import ParsedFeed, parse_feed

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

XML_PIECES = [
    '<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0' encoding='iso-8859-1'?>",
    '<?xml version="1.0" encoding="bogus-charset"?>', '<rss version="2.0">', "</rss>", "<channel>", "</channel>",
    '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>", "<item>", "</item>",
    "<title>", "</title>", "<link>", "</link>", '<link href="/x"/>', "<guid>", "</guid>", "<id>", "</id>",
    "<pubDate>", "</pubDate>", "Fri, 16 Feb 2024 08:00:00 +0000", "<updated>", "</updated>", "9999-99-99T99:99",
    "<description>", "</description>", "<content:encoded>", "</content:encoded>", '<content type="html">',
    "</content>", "<![CDATA[", "]]>", "&amp;", "&lt;p&gt;", "&bogus;", "&#0;", "&#x110000;", "<p>", "</p>",
    "<!DOCTYPE rss [<!ENTITY x 'y'>]>", "&x;", "<html>", "<body>", "http://a.example/p?utm_source=1",
    "javascript:alert(1)", "Grüße", "\u202e", "\x00", "\ufeff",
]

xml_documents = st.lists(st.one_of(st.sampled_from(XML_PIECES), st.text(max_size=20)), max_size=40).map("".join)
encodings = st.sampled_from(["utf-8", "latin-1", "utf-16", "cp1252"])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
json_item_keys = st.sampled_from(
    ["id", "url", "external_url", "title", "content_html", "content_text", "summary", "image", "date_published",
     "date_modified", "authors", "author", "language"]
)
json_items = st.dictionaries(json_item_keys, json_values | st.sampled_from(["2024-02-30T25:00:00", "2024-01-01T00:00:00Z", "/rel"]), max_size=8)
json_feeds = st.fixed_dictionaries(
    {"version": st.sampled_from(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1"])},
    optional={"title": json_values, "items": st.lists(json_items | json_values, max_size=6), "authors": json_values,
              "home_page_url": json_values, "language": json_values},
)


def check(body: bytes, content_type: str | None = None) -> None:
    try:
        feed = parse_feed(body, "https://hostile.example/feed", content_type)
    except FeedError as error:
        assert error.reason and "\n" not in error.reason
        return
    assert isinstance(feed, ParsedFeed)
    assert isinstance(feed.title, str)
    ids = [entry.entry_id for entry in feed.entries]
    assert len(ids) == len(set(ids)), "duplicates must be removed"
    for entry in feed.entries:
        assert isinstance(entry.entry_id, str) and entry.entry_id
        assert entry.published is None or entry.published.utcoffset() == timedelta(0)
        assert entry.url is None or entry.url.startswith(("http://", "https://", "file://"))
        assert len(entry.key) == 64


@PROPERTY_SETTINGS
@given(st.binary(max_size=4000), st.sampled_from([None, "application/rss+xml", "text/html", "application/json"]))
def test_arbitrary_bytes(body: bytes, content_type: str | None) -> None:
    check(body, content_type)


@PROPERTY_SETTINGS
@given(xml_documents, encodings)
def test_arbitrary_feed_like_xml(document: str, encoding: str) -> None:
    check(document.encode(encoding, errors="replace"))


@PROPERTY_SETTINGS
@given(json_feeds)
def test_arbitrary_json_feeds(document: dict) -> None:
    check(json.dumps(document).encode(), "application/feed+json")
