"""Sentence boundaries (pysbd, German and English) and the spans of a text that are quoted or bracketed.

pysbd knows abbreviations ("z. B.", "bzw.", "e.g.") and ordinals ("1. März"); on top of it we split after
an ellipsis that is followed by a capital letter ("… nicht perfekt sein… Was passiert bis dahin?"),
which pysbd leaves joined, at a period glued to a following question ("… too.What do you think?"), and after a
number before a question ("Mit 53. Wer hätte das gedacht?"), which pysbd reads as an ordinal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd


@dataclass(frozen=True)
class Sentence:
    text: str  # stripped
    start: int  # offset of `text` in the block text
    end: int


_ELLIPSIS_BREAK = re.compile(r"(?:…|\.\.\.)\s+(?=[\"'„“‚‘»«(]?[A-ZÄÖÜ])")
# A period glued to the next sentence, a typo of the page ("… capturing those, too.What do you think?"): cut when a
# lower-case word of two letters or more stands before it and a question opener after it, and that sentence asks.
_QUESTION_OPENERS = (
    "What|How|Why|Where|When|Who|Which|Do|Does|Did|Is|Are|Have|Has|Can|Could|Would|Will|Should|"
    "Was|Wie|Warum|Wieso|Weshalb|Wo|Wann|Wer|Welche[mnrs]?|Habt|Hast|Hattet|Seid|Bist|Kennt|Kennst|Könnt|Kannst|Würdet|"
    "Würdest|Wollt|Willst|Macht|Machst"
)
_GLUED_QUESTION = re.compile(r"(?<=[a-zäöüß]{2}\.)(?=(?:" + _QUESTION_OPENERS + r")\s[^.!?]{0,200}\?)")
# A number that ends a sentence, before a question ("Mit 53. Wer hätte das gedacht?"): pysbd takes "53." for an
# ordinal ("1. März"); no ordinal stands before a question word or a verb that opens a question.
_NUMBER_BEFORE_QUESTION = re.compile(r"(?<![\d.])\d{1,4}\.(\s+)(?=(?:" + _QUESTION_OPENERS + r")\s[^.!?]{0,200}\?)")


@lru_cache(maxsize=4)
def _segmenter(language: str) -> pysbd.Segmenter:
    # one segmenter per language, reused: building one compiles many regular expressions
    return pysbd.Segmenter(language=language, clean=False, char_span=False)


def _segment(text: str, language: str) -> list[str]:
    code = "de" if (language or "").lower().startswith("de") else "en"
    try:
        return _segmenter(code).segment(text)
    except Exception:  # pysbd has crashed on odd input before; one sentence is a safe fallback
        return [text]


# A sentence end followed by the start of a new sentence (capital, digit or opening mark).
# After "?" or "!" any word may follow ("Was? nein …"), as in pysbd, unless a closing quote came
# between ("„Halt!“ und ging"); after "." or "…" a capital, a digit or an opening mark must follow.
_BOUNDARY = re.compile(
    r"(?:([?!])+\s+(?=\S)"
    r"|([.!?…])[\"'“”»«’)\]]+\s+(?=[\"'„“‚‘»«(\[\-–]?[A-ZÄÖÜ0-9])"
    r"|([.…])\s+(?=[\"'„“‚‘»«(\[\-–]?[A-ZÄÖÜ0-9]))"
)
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def _is_certain(text: str, match: re.Match[str]) -> bool:
    """An unambiguous boundary: "?", "!", "…", or a period after a plain word of five or more letters.
    A period after a short token ("z. B.", "Dr.", "bzw.", "Ja."), a number ("1. März") or an inner
    period ("e.g.") needs pysbd's abbreviation and ordinal rules."""
    mark = match.group(1) or match.group(2) or match.group(3)
    if mark != ".":
        return True
    period = match.start(2) if match.group(2) else match.start(3)
    token = _TOKEN_BEFORE.search(text[max(0, period - 40) : period])
    word = token.group(1).lstrip("\"'„“‚‘»«([") if token else ""
    return len(word) >= 5 and word.isalpha()


def _is_clear(text: str) -> bool:
    return all(_is_certain(text, match) for match in _BOUNDARY.finditer(text))


_MAX_PYSBD_RUN = 1500


def _segments(text: str, language: str) -> list[str]:
    """Cut at certain boundaries; only pieces holding an ambiguous period go to pysbd (it is slow, and
    slower than linear on long text: it compiles a regular expression per abbreviation it meets)."""
    segments: list[str] = []
    last = 0
    ambiguous = False
    for match in _BOUNDARY.finditer(text):
        # a run without any certain boundary is cut anyway after _MAX_PYSBD_RUN characters, so that
        # odd input (a page of abbreviations) cannot stall the finder in pysbd
        if _is_certain(text, match) or match.end() - last > _MAX_PYSBD_RUN:
            piece = text[last : match.end()]
            segments.extend(_segment(piece, language) if ambiguous else [piece])
            last = match.end()
            ambiguous = False
        else:
            ambiguous = True
    piece = text[last:]
    segments.extend(_segment(piece, language) if ambiguous else [piece])
    return segments


def split_sentences(text: str, language: str) -> list[Sentence]:
    """Sentences of `text` with their offsets, so callers can look up quote and bracket masks.

    Gives pysbd's sentences (tests/questions/test_sentences.py compares both on the corpus) while
    asking pysbd only about the stretches between certain boundaries that hold an ambiguous period."""
    return _sentences_from(text, _segments(text, language))


def split_sentences_with_pysbd(text: str, language: str) -> list[Sentence]:
    """pysbd on the whole text, always: the reference the fast path is checked against."""
    return _sentences_from(text, _segment(text, language))


def _sentences_from(text: str, segments: list[str]) -> list[Sentence]:
    sentences: list[Sentence] = []
    cursor = 0
    for segment in segments:
        for piece in _split_after_ellipsis(segment):
            stripped = piece.strip()
            if not stripped:
                continue
            start = text.find(stripped, cursor)
            if start < 0:  # pysbd changed the text; fall back to the running cursor
                start = min(cursor, len(text))
            end = start + len(stripped)
            sentences.append(Sentence(stripped, start, end))
            cursor = end
    return sentences


def _split_after_ellipsis(segment: str) -> list[str]:
    """Cut after an ellipsis before a capital, at a period glued to a question (_GLUED_QUESTION), and after a number
    that ends a sentence before a question (_NUMBER_BEFORE_QUESTION)."""
    pieces: list[str] = []
    last = 0
    breaks = [match.end() for match in _ELLIPSIS_BREAK.finditer(segment)]
    if "?" in segment:
        breaks = sorted(set(breaks) | {match.end() for match in _GLUED_QUESTION.finditer(segment)}
                        | {match.start(1) for match in _NUMBER_BEFORE_QUESTION.finditer(segment)})
    for cut in breaks:
        pieces.append(segment[last:cut])
        last = cut
    pieces.append(segment[last:])
    return pieces


def first_sentence(text: str, language: str) -> str:
    """Only the opening of a block is needed to tell whether it answers a question: segment a prefix."""
    head = text[:300]
    sentences = split_sentences(head, language)
    return sentences[0].text if sentences else ""


# Opening marks and the marks that may close them. Ambiguous marks (“ is an opener in English and a
# closer in German) are resolved by position: an opener stands before a word, a closer after one.
_CLOSERS: dict[str, str] = {
    "„": "“”\"",
    "“": "”“\"",
    "”": "”",
    "»": "«",
    "«": "»",
    '"': '"“”',
    "‚": "‘’'",
    "‘": "’‘'",
    "'": "'’",
}
_OPEN_BEFORE = set(" \t\n([{—–-:/") | {""}


def enclosed_mask(text: str) -> tuple[list[bool], list[bool]]:
    """For every character: is it inside quotation marks, and is it inside parentheses?

    An opening mark counts only at the start of a word and a closing one only after a word, so
    apostrophes ("Martin's", "Stell‘ dir vor") are not mistaken for quotes. A quote that never
    closes is ignored rather than swallowing the rest of the block.
    """
    length = len(text)
    quote_spans: list[tuple[int, int]] = []
    bracket_spans: list[tuple[int, int]] = []
    open_at = -1
    closers = ""
    paren_start: list[int] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index > 0 else ""
        after = text[index + 1] if index + 1 < length else ""
        if open_at < 0:
            if char in _CLOSERS and (before in _OPEN_BEFORE or before.isspace()) and after and not after.isspace():
                open_at = index
                closers = _CLOSERS[char]
        elif char in closers and before and not before.isspace() and not after.isalnum():
            quote_spans.append((open_at, index))
            open_at = -1
        if char == "(":
            paren_start.append(index)
        elif char == ")" and paren_start:
            bracket_spans.append((paren_start.pop(), index))
    return _fill(quote_spans, length), _fill(bracket_spans, length)


def _fill(spans: list[tuple[int, int]], length: int) -> list[bool]:
    """Spans (inclusive) to a per-character mask in linear time, however deeply they nest."""
    depth = [0] * (length + 1)
    for start, end in spans:
        depth[start] += 1
        depth[end + 1] -= 1
    mask: list[bool] = []
    running = 0
    for index in range(length):
        running += depth[index]
        mask.append(running > 0)
    return mask


def terminal_question_mark(sentence: Sentence) -> int | None:
    """Offset of the question mark that ends the sentence (closing quotes/brackets may follow)."""
    text = sentence.text.rstrip()
    index = len(text) - 1
    while index >= 0 and text[index] in " \"'“”„»«’‘)]!…":
        index -= 1
    if index >= 0 and text[index] == "?":
        return index
    return None
