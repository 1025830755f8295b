"""Canonical URLs and entry identity: the same entry must get the same key on every poll."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.feeds.identity import canonical_url, entry_identity, entry_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Blog.Example/post/?utm_source=rss&utm_medium=feed", "https://blog.example/post/"),
        ("https://blog.example/post/?UTM_Campaign=x&id=5", "https://blog.example/post/?id=5"),
        ("https://blog.example/post/?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&ref=hn", "https://blog.example/post/"),
        ("https://blog.example/post/?page=2&utm_term=x&sort=new", "https://blog.example/post/?page=2&sort=new"),
        ("https://blog.example/post/#comments", "https://blog.example/post/"),
        ("HTTP://BLOG.EXAMPLE:80/a", "http://blog.example/a"),
        ("https://blog.example:443/a", "https://blog.example/a"),
        ("https://blog.example:8443/a", "https://blog.example:8443/a"),
        ("https://blog.example", "https://blog.example/"),
        ("  https://blog.example/a  ", "https://blog.example/a"),
        ("https://blog.example/Case/Sensitive/Path", "https://blog.example/Case/Sensitive/Path"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
        ("https://blog.example/?q=a%20b&msclkid=9", "https://blog.example/?q=a%20b"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("https://Blog.Example:443/p/?utm_source=x&a=1#top")
    assert canonical_url(once) == once


def test_identity_prefers_guid_then_link_then_title_and_date() -> None:
    date = datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert entry_identity(" guid-1 ", "https://b.example/a/", "T", date) == "guid-1"
    assert entry_identity(None, "https://B.example/a/?utm_source=x#c", "T", date) == "https://b.example/a/"
    assert entry_identity("", "https://b.example/a/") == "https://b.example/a/"
    hashed = entry_identity(None, None, "Title", date)
    assert hashed.startswith("sha256:")
    assert hashed == entry_identity(None, "", "Title", date)
    assert hashed != entry_identity(None, None, "Title", datetime(2024, 5, 2, tzinfo=UTC))
    assert hashed != entry_identity(None, None, "Other title", date)
    # neither title nor date: the text tells entries apart
    assert entry_identity(None, None, text="one") != entry_identity(None, None, text="two")


def test_same_entry_with_different_tracking_gets_the_same_key() -> None:
    first = entry_key(entry_identity(None, "https://b.example/a/?utm_source=twitter"))
    second = entry_key(entry_identity(None, "https://B.EXAMPLE/a/?utm_source=rss#x"))
    assert first == second


def test_entry_key_is_sha256_hex() -> None:
    key = entry_key("tag:example.com,2024:1")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key != entry_key("tag:example.com,2024:2")
    assert len(entry_key("\udcff odd surrogate")) == 64
