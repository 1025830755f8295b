from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.posting.content import EXCERPT_LIMIT, THREAD_NAME_LIMIT, article_card, shorten
from bot.storage.settings import InvalidSetting, parse_digest, parse_poll_duration


def _card(title: str = "T", excerpt: str = "", image: str | None = None):
    return article_card(
        article_id=1, url="https://blog.example/a/", title=title, author=None, excerpt=excerpt, image=image,
        published=None, language="en", feed_title=None,
    )


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=2000), limit=st.integers(min_value=2, max_value=400))
def test_shorten_never_exceeds_the_limit_and_keeps_short_text(text: str, limit: int) -> None:
    result = shorten(text, limit)
    assert len(result) <= limit
    flat = " ".join(text.split())
    if len(flat) <= limit:
        assert result == flat


def test_excerpt_and_thread_name_are_cut_at_a_word() -> None:
    card = _card(title="word " * 40, excerpt="Lorem ipsum dolor sit amet. " * 30)
    assert len(card.excerpt) <= EXCERPT_LIMIT and card.excerpt.endswith("…")
    assert not card.excerpt[:-1].endswith(" ")
    assert len(card.thread_name) <= THREAD_NAME_LIMIT and card.thread_name.endswith("word…")


def test_only_web_images_are_used() -> None:
    assert _card(image="javascript:alert(1)").image is None
    assert _card(image="https://blog.example/a.png").image == "https://blog.example/a.png"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("mon 09", "mon 09"), ("Montag 9", "mon 09"), ("fri 17:00", "fri 17"), ("So 0", "sun 00"), ("off", None), ("aus", None)],
)
def test_digest_spellings(raw: str, expected: str | None) -> None:
    assert parse_digest(raw) == expected


@pytest.mark.parametrize("raw", ["someday 9", "mon 24", "mon", "9 mon", ""])
def test_bad_digests_name_the_problem(raw: str) -> None:
    with pytest.raises(InvalidSetting) as caught:
        parse_digest(raw)
    assert caught.value.message_key == "config.bad_digest"


def test_poll_durations() -> None:
    assert parse_poll_duration("3d") == 3 * 86400
    assert parse_poll_duration(" 90m ") == 5400
    with pytest.raises(InvalidSetting) as caught:
        parse_poll_duration("2s")
    assert caught.value.message_key == "config.duration_range"
    with pytest.raises(InvalidSetting) as caught:
        parse_poll_duration("bald")
    assert caught.value.message_key == "config.bad_duration" and caught.value.values == {"value": "bald"}
