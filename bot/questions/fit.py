"""Make a poll fit Discord: question <= 300 characters, <= 10 options of <= 55 characters each."""

from __future__ import annotations

import re

MAX_QUESTION_CHARS = 300
MAX_OPTIONS = 10
MAX_OPTION_CHARS = 55
ELLIPSIS = "…"


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def trim_at_word(text: str, limit: int) -> str | None:
    """`text` shortened to at most `limit` characters at a word boundary, with "…" when shortened.

    Returns None when even the first word does not fit: we never cut inside a word."""
    text = normalise_space(text)
    if len(text) <= limit:
        return text or None
    kept = ""
    for word in text.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) + len(ELLIPSIS) > limit:
            break
        kept = candidate
    kept = kept.rstrip(" ,;:–—-")
    return kept + ELLIPSIS if kept else None


def fit_options(options: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Trimmed, de-duplicated (case-insensitively), at most ten."""
    fitted: list[str] = []
    seen: set[str] = set()
    for option in options:
        trimmed = trim_at_word(option, MAX_OPTION_CHARS)
        if not trimmed or trimmed.casefold() in seen:
            continue
        seen.add(trimmed.casefold())
        fitted.append(trimmed)
        if len(fitted) == MAX_OPTIONS:
            break
    return tuple(fitted)


def dedupe_key(question: str) -> str:
    """Two questions are the same poll when they differ only in case, punctuation or spacing."""
    return " ".join(re.findall(r"\w+", question.casefold()))
