"""German or English: declared tags are normalised, detection is restricted to the two."""

from __future__ import annotations

import pytest

from bot.articles.language import choose_language, detect_language, normalise_language


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("de", "de"), ("de-DE", "de"), ("de_AT", "de"), ("DE-ch", "de"), ("deu", "de"), ("en", "en"), ("en-US", "en"),
     ("en_GB", "en"), ("eng", "en"), ("fr", None), ("fr-FR", None), ("", None), (None, None), ("  ", None),
     ("x", None), ("deutsch", None)],
)
def test_normalise_language(tag: str | None, expected: str | None) -> None:
    assert normalise_language(tag) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was glaubst du, wie sich die KI der Video-Generation auf deinen Teil der Welt auswirken wird?", "de"),
        ("Do you plan to increase your performance marketing budget this year?", "en"),
        ("Hast du den Consent Mode V2 auf deiner Website schon umgesetzt?", "de"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_no_text_gives_the_default() -> None:
    assert detect_language("") == "en"
    assert detect_language("1234 — !!") == "en"


def test_first_supported_declaration_wins() -> None:
    german = "Die Bahn fährt heute später ab, weil das Wetter schlecht ist."
    assert choose_language("fr", None, "en-US", text=german) == "en"
    assert choose_language(None, "", "it", text=german) == "de"
