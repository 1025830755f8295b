"""What an editor can type for a poll's options and question: every case gets a poll or a clear refusal."""

from __future__ import annotations

import pytest

from bot.cogs.errors import error_text
from bot.polls.options import (
    InvalidPollInput,
    clean_question,
    options_text,
    parse_options,
    parse_poll,
)
from bot.questions.model import PollKind


@pytest.mark.parametrize(("raw", "language", "expected"), [
    ("", "en", (PollKind.YES_NO, ("Yes", "No", "Not sure"))),
    ("   \n  ", "de", (PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht"))),
    (None, "en", (PollKind.YES_NO, ("Yes", "No", "Not sure"))),
    ("open", "en", (PollKind.OPEN, ())),
    (" Offen ", "de", (PollKind.OPEN, ())),
    ("A | B | C", "en", (PollKind.CHOICE, ("A", "B", "C"))),
    ("Tea\nCoffee\n\n", "en", (PollKind.CHOICE, ("Tea", "Coffee"))),
    ("a | b |", "en", (PollKind.CHOICE, ("a", "b"))),
    ("**bold** | _it_ | `code`", "en", (PollKind.CHOICE, ("**bold**", "_it_", "`code`"))),  # kept; escaped when drawn
    ("Open | Closed", "en", (PollKind.CHOICE, ("Open", "Closed"))),
    ("x\u200b | y", "en", (PollKind.CHOICE, ("x", "y"))),  # zero-width characters removed
    ("A|B|C|D|E|F|G|H|I|J", "en", (PollKind.CHOICE, tuple("ABCDEFGHIJ"))),
    ("\n".join(["x" * 55, "y"]), "en", (PollKind.CHOICE, ("x" * 55, "y"))),
    ("Tea / Coffee\nWater | Juice", "en", (PollKind.CHOICE, ("Tea / Coffee", "Water | Juice"))),  # lines win over pipes
])
def test_valid_option_strings(raw: str | None, language: str, expected: tuple[PollKind, tuple[str, ...]]) -> None:
    assert parse_options(raw, language) == expected


@pytest.mark.parametrize(("raw", "key", "fragment_en", "fragment_de"), [
    ("|".join(f"o{n}" for n in range(11)), "editor.options_too_many", "11 options; a poll can have at most 10", "11 Optionen"),
    ("short | " + "x" * 56, "editor.option_too_long", "Option 2", "56 Zeichen"),
    ("Yes | no | YES", "editor.option_duplicate", "Options 1 and 3 are the same", "Optionen 1 und 3"),
    ("Tea | Tea", "editor.option_duplicate", "the same", "gleich"),
    ("a | @everyone", "editor.option_mention", "Option 2 contains a mention", "Option 2 enthält"),
    ("<@123456789012345678> | b", "editor.option_mention", "mention", "Erwähnung"),
    ("a | <@&123456789012345678>", "editor.option_mention", "mention", "Erwähnung"),
    ("<#123456789012345678> | b", "editor.option_mention", "mention", "Erwähnung"),
    ("@here | b", "editor.option_mention", "mention", "Erwähnung"),
    ("only one", "editor.options_too_few", "at least two", "mindestens zwei"),
    ("x" * 1001, "editor.options_input_too_long", "1000", "1000"),
])
def test_invalid_option_strings_get_a_clear_message(raw: str, key: str, fragment_en: str, fragment_de: str) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        parse_options(raw, "en")
    assert caught.value.message_key == key
    assert fragment_en in error_text(caught.value, "en-US")
    assert fragment_de in error_text(caught.value, "de")
    assert "Nothing was changed" in error_text(caught.value, "en-US") or key == "editor.options_too_few"


def test_markdown_in_a_refused_label_is_escaped_in_the_message() -> None:
    with pytest.raises(InvalidPollInput) as caught:
        parse_options("**a** | **a**", "en")
    assert "\\*\\*a\\*\\*" in error_text(caught.value, "en-US")


@pytest.mark.parametrize(("raw", "key"), [
    ("", "editor.question_empty"),
    ("   ", "editor.question_empty"),
    ("q" * 301, "editor.question_too_long"),
    ("Ping @everyone?", "editor.question_mention"),
    ("Ask <@1234567890123>?", "editor.question_mention"),
])
def test_invalid_questions(raw: str, key: str) -> None:
    with pytest.raises(InvalidPollInput) as caught:
        clean_question(raw)
    assert caught.value.message_key == key


def test_question_whitespace_collapsed_and_limits() -> None:
    assert clean_question("  What   do\nyou think? ") == "What do you think?"
    assert len(clean_question("q" * 300)) == 300
    spec = parse_poll("Better?", "", "de")
    assert spec.kind == PollKind.YES_NO and spec.options == ("Ja", "Nein", "Weiß nicht")


@pytest.mark.parametrize(("kind", "labels", "language"), [
    (PollKind.YES_NO, ("Yes", "No", "Not sure"), "en"),
    (PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht"), "de"),
    (PollKind.OPEN, (), "en"),
    (PollKind.CHOICE, ("Tea", "Coffee", "A | B"), "en"),
])
def test_options_text_round_trips(kind: PollKind, labels: tuple[str, ...], language: str) -> None:
    assert parse_options(options_text(kind, labels, language), language) == (kind, labels)
