"""Sentence boundaries (pysbd, German and English) and the spans of a text that are quoted or bracketed.

pysbd knows abbreviations ("z. B.", "bzw.", "e.g.") and ordinals ("1. März"); on top of it we split after
an ellipsis that is followed by a capital letter ("… nicht perfekt sein… Was passiert bis dahin?"),
which pysbd leaves joined.
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


def split_sentences(text: str, language: str) -> list[Sentence]:
    """Sentences of `text` with their offsets, so callers can look up quote and bracket masks."""
    sentences: list[Sentence] = []
    cursor = 0
    for segment in _segment(text, language):
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
    pieces: list[str] = []
    last = 0
    for match in _ELLIPSIS_BREAK.finditer(segment):
        pieces.append(segment[last : match.end()])
        last = match.end()
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
    quoted = [False] * length
    bracketed = [False] * length
    open_at = -1
    closers = ""
    depth = 0
    paren_start: list[int] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index > 0 else ""
        after = text[index + 1] if index + 1 < length else ""
        if open_at < 0:
            if char in _CLOSERS and (before in _OPEN_BEFORE or before.isspace()) and after and not after.isspace():
                open_at = index
                closers = _CLOSERS[char]
        elif char in closers and before and not before.isspace() and not (after.isalnum()):
            for position in range(open_at, index + 1):
                quoted[position] = True
            open_at = -1
        if char == "(":
            paren_start.append(index)
            depth += 1
        elif char == ")" and paren_start:
            start = paren_start.pop()
            for position in range(start, index + 1):
                bracketed[position] = True
    return quoted, bracketed
