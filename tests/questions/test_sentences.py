"""Sentence boundaries and quote/bracket masks."""

from __future__ import annotations

from bot.questions import grammar
from bot.questions.sentences import enclosed_mask, first_sentence, split_sentences


def texts(text: str, language: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text, language)]


def test_german_abbreviations_and_ordinals_do_not_split() -> None:
    text = "Wir starten am 1. März, z. B. mit Tomaten bzw. Paprika. Hast du schon Saatgut gekauft?"
    assert texts(text, "de") == [
        "Wir starten am 1. März, z. B. mit Tomaten bzw. Paprika.",
        "Hast du schon Saatgut gekauft?",
    ]


def test_english_abbreviations_do_not_split() -> None:
    text = "Dr. Smith e.g. prefers tea. Do you?"
    assert texts(text, "en") == ["Dr. Smith e.g. prefers tea.", "Do you?"]


def test_ellipsis_before_a_capital_starts_a_new_sentence() -> None:
    text = "Sie werden nicht perfekt sein… Was passiert bis dahin? Wir warten ab."
    assert texts(text, "de")[1] == "Was passiert bis dahin?"


def test_offsets_point_into_the_text() -> None:
    text = "Eins.   Zwei?  Drei!"
    for sentence in split_sentences(text, "de"):
        assert text[sentence.start : sentence.end] == sentence.text


def test_first_sentence_reads_only_the_opening() -> None:
    assert first_sentence("Ja. " + "Noch ein Satz. " * 200, "de") == "Ja."
    assert first_sentence("", "en") == ""


def _marked(text: str) -> str:
    quoted, bracketed = enclosed_mask(text)
    return "".join("q" if q else "b" if b else "." for q, b in zip(quoted, bracketed))


def test_quote_styles_are_masked() -> None:
    for text in ("Er fragte: „Kommst du?“", "Er fragte: »Kommst du?«", 'He asked: "Coming?"', "He asked: 'Coming?'",
                 "He asked: “Coming?”"):
        mask = _marked(text)
        assert mask[text.index("?")] == "q", text


def test_apostrophes_are_not_quotes() -> None:
    text = "Martin's dog doesn't bark. Stell‘ dir vor, was passiert?"
    assert "q" not in _marked(text)


def test_unclosed_quote_masks_nothing() -> None:
    assert "q" not in _marked("Er sagte „Hallo und ging. Kommst du?")


def test_brackets_are_masked() -> None:
    text = "Wir blieben (wer hätte das gedacht?) zu Hause."
    assert _marked(text)[text.index("?")] == "b"


def test_fast_path_agrees_with_pysbd_on_the_corpus() -> None:
    """Clear boundaries are split without pysbd; on every corpus block both must agree, except where
    pysbd itself cuts a closing quotation mark off its sentence (»…?« Eine …)."""
    from bot.questions.sentences import split_sentences_with_pysbd

    from tests.questions.corpus import load_corpus

    compared = 0
    for item in load_corpus():
        for text in [item.article.title] + [block.text for block in item.article.blocks]:
            fast = [s.text for s in split_sentences(text, item.article.language)]
            reference = [s.text for s in split_sentences_with_pysbd(text, item.article.language)]
            compared += 1
            if fast != reference:
                assert any(sentence[:1] in "«»“”\"'" for sentence in reference), (fast, reference)
    assert compared > 250


def test_ambiguous_periods_go_to_pysbd() -> None:
    from bot.questions.sentences import _is_clear

    assert _is_clear("Das Wetter war schlecht. Hast du Regenschirme? Wir hatten keine!")
    for ambiguous in ("Am 1. März geht es los.", "Das gilt z. B. für Tomaten.", "Dr. Smith agrees.", "Ja. Sicher."):
        assert not _is_clear(ambiguous)


def test_a_sentence_ends_asking_also_before_a_closing_quote_or_bracket() -> None:
    assert grammar.ends_with_question_mark("Was meint ihr?  ")
    assert not grammar.ends_with_question_mark("„Was meint ihr?“")
    assert grammar.ends_asking("„Was meint ihr?“") and grammar.ends_asking("(What do you think?) ")
    assert not grammar.ends_asking("Tell us (in the comments).")
