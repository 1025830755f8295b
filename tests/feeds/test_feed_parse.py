"""parse_feed over RSS 0.91/1.0/2.0, Atom, JSON Feed, and the ways real feeds are broken."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.feeds.errors import FeedError, FeedParseError, NotAFeed
from bot.feeds.identity import entry_key
from bot.feeds.parse import MAX_TITLE_LENGTH, FeedEntry, parse_feed


def test_rss2_with_full_content(feed_file) -> None:
    feed = parse_feed(feed_file("rss2-full-content.xml"), "https://kochen.example/feed/", "application/rss+xml")
    assert feed.title == "Küchenblog"
    assert feed.link == "https://kochen.example/"
    assert feed.language == "de"
    # newest first, although the feed lists the 4 March entry first
    assert [entry.title for entry in feed.entries] == ["Neue Pfannen im Test", "Sauerteig ohne Stress", "Ältester Beitrag"]
    pans, sourdough, oldest = feed.entries
    assert sourdough.entry_id == "https://kochen.example/?p=17"
    assert sourdough.url == "https://kochen.example/sauerteig/"  # utm_* and fragment dropped
    assert sourdough.author == "Jana Brot"
    assert sourdough.published == datetime(2024, 3, 4, 5, 30, tzinfo=UTC)
    assert sourdough.published.tzinfo is not None
    assert sourdough.content_html is not None and "<h2>Warum Sauerteig?</h2>" in sourdough.content_html
    assert "<script" not in sourdough.content_html  # feedparser sanitises
    assert sourdough.summary == "Ein Teaser über Sauerteig […]"
    assert sourdough.image == "https://kochen.example/img/sauerteig.jpg"
    assert pans.content_html is None  # description only: the page must be fetched
    assert pans.summary == "Sechs Pfannen, ein Sieger."
    assert pans.image == "https://kochen.example/img/pfannen.png"  # image enclosure
    assert oldest.author is None and oldest.image is None
    assert sourdough.key == entry_key(sourdough.entry_id) and len(sourdough.key) == 64


def test_atom(feed_file) -> None:
    feed = parse_feed(feed_file("atom.xml"), "https://code.example/blog/atom.xml", "application/atom+xml")
    assert feed.title == "Tabs & Spaces"
    assert feed.language == "en-GB"
    tabs, updated, summary_only = feed.entries
    assert tabs.entry_id == "tag:code.example,2024:tabs"
    assert tabs.url == "https://code.example/blog/posts/tabs-or-spaces/?page=2"  # relative, fbclid dropped
    assert tabs.author == "Kim Code"
    assert tabs.published == datetime(2024, 4, 1, 7, 0, tzinfo=UTC)  # published wins over updated
    assert tabs.content_html == "<p>Which do you use, tabs or spaces?</p><h3>History</h3><p>A long story.</p>"
    assert tabs.summary == "Short summary."
    assert updated.published == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # only <updated>
    assert updated.author == "Feed Author"  # inherited from the feed
    assert updated.content_html is not None and "XHTML body." in updated.content_html
    assert summary_only.content_html is None
    assert summary_only.summary == "Just a teaser."


def test_rss1_rdf(feed_file) -> None:
    feed = parse_feed(feed_file("rss1.rdf"), "https://rdf.example/index.rdf")
    assert feed.title == "RDF Site" and feed.language == "en"
    assert [entry.title for entry in feed.entries] == ["Second RDF item", "First RDF item"]
    first = feed.entries[1]
    assert first.author == "Rita RDF"
    assert first.published == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert first.entry_id == "https://rdf.example/a"


def test_rss091_without_guid_or_date_keeps_feed_order(feed_file) -> None:
    feed = parse_feed(feed_file("rss091.xml"), "http://old.example/rss.xml", "text/xml")
    assert feed.title == "Old School"
    assert [entry.title for entry in feed.entries] == ["Ancient post", "Older post"]
    assert feed.entries[0].entry_id == "http://old.example/ancient.html"  # identity from the link
    assert all(entry.published is None for entry in feed.entries)


def test_json_feed(feed_file) -> None:
    feed = parse_feed(feed_file("feed.json"), "https://json.example/feed.json", "application/feed+json")
    assert feed.title == "JSON Blog"
    assert feed.link == "https://json.example/"
    assert feed.language == "de-AT"
    assert [entry.entry_id for entry in feed.entries] == ["3", "2", "1"]  # duplicate "2" and non-object dropped
    link_post, two, one = feed.entries
    assert link_post.url == "https://elsewhere.example/story"  # external_url
    assert link_post.published == datetime(2024, 6, 3, 10, 0, tzinfo=UTC)  # naive date_modified taken as UTC
    assert link_post.author == "Feed Person"
    assert two.url == "https://json.example/zwei/"
    assert two.author == "Eva Json"
    assert two.published == datetime(2024, 6, 2, 8, 0, tzinfo=UTC)
    assert two.content_html == "<p>Was meinst du dazu?</p>"
    assert two.summary == "Kurz."
    assert two.image == "https://json.example/zwei.jpg"
    assert one.content_html == "<p>Absatz eins.</p><p>Absatz zwei?</p>"  # content_text as paragraphs


def test_json_feed_detected_without_content_type() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1", "title": "J", "items": [{"id": "a", "title": "A"}]}'
    feed = parse_feed(body, "https://j.example/feed")
    assert [entry.title for entry in feed.entries] == ["A"]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("latin1.xml", "application/rss+xml"), ("latin1.xml", "text/xml"), ("latin1.xml", "application/rss+xml; charset=utf-8")],
)
def test_iso_8859_1_feed_is_decoded_by_its_declaration(feed_file, name: str, content_type: str) -> None:
    feed = parse_feed(feed_file(name), "https://koeln.example/feed/", content_type)
    assert feed.title == "Grüße aus Köln"
    entry = feed.entries[0]
    assert entry.title == "Über Straßenbahnen und Größe"
    assert entry.summary == "Schöne Äpfel für 5 EUR?"
    assert entry.entry_id == "k1"  # an opaque guid stays opaque


def test_windows_1252_and_utf16_feeds(feed_file) -> None:
    cp1252 = parse_feed(feed_file("windows-1252.xml"), "https://cp.example/feed", "text/xml")
    assert cp1252.title == "“Smart” quotes – dashes"
    assert cp1252.entries[0].title == "Naïve café costs 5 €"
    utf16 = parse_feed(feed_file("utf-16.xml"), "https://u16.example/feed")
    assert utf16.entries[0].title == "Fünf"


def test_html_page_instead_of_a_feed_names_the_feeds_it_advertises(feed_file) -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(feed_file("not-a-feed.html"), "https://blog.example/", "text/html")
    assert "web page (HTML), not an RSS, Atom or JSON feed" in caught.value.reason
    assert caught.value.feed_links == ("https://blog.example/feed/", "https://blog.example/atom.xml")
    assert "https://blog.example/feed/" in caught.value.reason


def test_malformed_xml_is_a_clear_error(feed_file) -> None:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(feed_file("malformed.xml"), "https://broken.example/feed")
    assert caught.value.reason.startswith("the feed is not well-formed XML")
    assert caught.value.url == "https://broken.example/feed"


def test_slightly_broken_xml_still_gives_its_entries() -> None:
    body = b'<rss version="2.0"><channel><title>x</title><item><title>A &amp; B</title><link>http://a.example/</link></item>'
    feed = parse_feed(body, "https://x.example/feed")
    assert [entry.title for entry in feed.entries] == ["A & B"]


@pytest.mark.parametrize(
    ("body", "error", "words"),
    [
        (b"", FeedParseError, "empty"),
        (b"   \n\t ", FeedParseError, "empty"),
        (b"plain words, no markup", FeedParseError, "not well-formed"),
        (b"{not json", FeedParseError, "not valid JSON"),
        (b'{"title": "some API"}', NotAFeed, "not a JSON Feed"),
        (b"[1, 2, 3]", NotAFeed, "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}', FeedParseError, "no list of items"),
        (b"<html><body><p>Hi</p></body></html>", NotAFeed, "web page"),
        (b"<?xml version='1.0'?><note><to>x</to></note>", NotAFeed, "not an RSS, Atom or JSON feed"),
    ],
)
def test_bad_documents_give_clear_errors(body: bytes, error: type[FeedError], words: str) -> None:
    with pytest.raises(error) as caught:
        parse_feed(body, "https://x.example/feed")
    assert words in caught.value.reason


def test_valid_empty_feed_has_no_entries() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "https://q.example/feed")
    assert feed.title == "Quiet" and feed.entries == []


def test_entries_without_guid_link_or_date(feed_file) -> None:
    feed = parse_feed(feed_file("missing-identity.xml"), "https://sloppy.example/feed")
    by_title = {entry.title: entry for entry in feed.entries}
    assert len(feed.entries) == 5
    assert by_title["No guid, has link"].entry_id == "https://sloppy.example/a/"  # canonical link
    no_link = by_title["No guid, no link"]
    assert no_link.url is None and no_link.entry_id.startswith("sha256:")
    assert by_title["Nothing but a title"].published is None
    assert by_title["Permalink guid"].url == "https://sloppy.example/permalink/"
    assert by_title["Permalink guid"].published is None  # unparsable date
    untitled = by_title[""]
    assert untitled.summary == "No title, no link, no date, no guid."
    assert len({entry.entry_id for entry in feed.entries}) == 5
    # parsing again gives the same identities (the next poll must recognise them)
    again = parse_feed(feed_file("missing-identity.xml"), "https://sloppy.example/feed")
    assert [entry.entry_id for entry in again.entries] == [entry.entry_id for entry in feed.entries]


def test_entries_without_title_or_date_are_told_apart_by_their_text() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><description>First note.</description></item>"
        b"<item><description>Second note.</description></item></channel></rss>"
    )
    feed = parse_feed(body, "https://notes.example/feed")
    assert len(feed.entries) == 2
    assert feed.entries[0].entry_id != feed.entries[1].entry_id


def test_duplicate_entries_are_kept_once(feed_file) -> None:
    feed = parse_feed(feed_file("duplicates.xml"), "https://repeat.example/feed")
    assert [entry.title for entry in feed.entries] == ["Same guid", "Tracked link", "Distinct"]
    assert feed.entries[1].url == "https://repeat.example/2/"


def test_undated_entries_keep_their_place_among_dated_ones() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><guid>new</guid><title>new</title><pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate></item>"
        b"<item><guid>undated</guid><title>undated</title></item>"
        b"<item><guid>oldest</guid><title>oldest</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>"
        b"<item><guid>middle</guid><title>middle</title><pubDate>Thu, 02 May 2024 10:00:00 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, "https://order.example/feed")
    assert [entry.title for entry in feed.entries] == ["new", "undated", "middle", "oldest"]


def test_titles_with_markup_are_plain_text_and_overlong_titles_are_cut() -> None:
    long_title = "Wort " * 200
    body = (
        '<rss version="2.0"><channel><title>t</title>'
        "<item><guid>1</guid><title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; plain</title></item>"
        f"<item><guid>2</guid><title>{long_title}</title></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, "https://t.example/feed")
    titles = {entry.entry_id: entry.title for entry in feed.entries}
    assert titles["1"] == "Bold & plain"
    assert len(titles["2"]) <= MAX_TITLE_LENGTH and titles["2"].endswith("…")


def test_links_to_other_schemes_are_not_article_urls() -> None:
    body = b'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>x</title><link>javascript:alert(1)</link></item></channel></rss>'
    feed = parse_feed(body, "https://t.example/feed")
    assert feed.entries[0].url is None


def test_a_document_that_looks_like_a_file_name_is_not_opened(tmp_path) -> None:
    """feedparser opens a bytes/str argument as a path or URL; parse_feed must only ever parse."""
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>SECRET</title></channel></rss>')
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode(), "https://t.example/feed")


def test_parse_feed_rejects_text_instead_of_bytes() -> None:
    with pytest.raises(TypeError):
        parse_feed("<rss/>", "https://t.example/feed")  # type: ignore[arg-type]


def test_feed_entry_is_hashable_value() -> None:
    entry = FeedEntry(entry_id="a", url=None, title="t")
    assert entry == FeedEntry(entry_id="a", url=None, title="t")
