"""Discord limits: question <= 300, options <= 10 of <= 55, trimmed at word boundaries."""

from __future__ import annotations

from bot.questions.finder import find_questions
from bot.questions.fit import MAX_OPTION_CHARS, MAX_OPTIONS, MAX_QUESTION_CHARS, fit_options, trim_at_word

from tests.questions.helpers import article


def test_trim_keeps_whole_words() -> None:
    text = "Katalysatoren für die Demokratisierung der Kreativität und noch viel mehr"
    trimmed = trim_at_word(text, 55)
    assert trimmed == "Katalysatoren für die Demokratisierung der Kreativität…"
    assert len(trimmed) <= 55
    assert text.startswith(trimmed[:-1])


def test_short_text_is_untouched_and_a_too_long_word_is_refused() -> None:
    assert trim_at_word("  kurz   und gut ", 55) == "kurz und gut"
    assert trim_at_word("x" * 60, 55) is None


def test_options_are_trimmed_deduplicated_and_capped() -> None:
    options = [f"Option {n}" for n in range(14)] + ["option 1"]
    fitted = fit_options(options)
    assert len(fitted) == MAX_OPTIONS
    assert len({o.casefold() for o in fitted}) == len(fitted)


def test_long_question_and_options_fit() -> None:
    lead = "Welche dieser Möglichkeiten " + "wirklich " * 40 + "nutzt ihr"
    alternatives = [
        "die allererste ausgesprochen lange und ausführlich beschriebene Möglichkeit",
        "die zweite",
        "die dritte",
    ]
    (draft,) = find_questions(article(f"{lead}: {alternatives[0]}, {alternatives[1]} oder {alternatives[2]}?"))
    assert len(draft.question) <= MAX_QUESTION_CHARS
    assert draft.question.endswith("…")
    assert all(len(option) <= MAX_OPTION_CHARS for option in draft.options)
    assert draft.options[0] == "die allererste ausgesprochen lange und ausführlich…"
    assert draft.options[1:] == ("die zweite", "die dritte")


def test_eleven_alternatives_become_ten_options() -> None:
    names = ", ".join(f"Tool{n}" for n in range(1, 11))
    (draft,) = find_questions(article(f"Welches Tool nutzt du: {names} oder Tool11?"))
    assert draft.options == tuple(f"Tool{n}" for n in range(1, 11))
