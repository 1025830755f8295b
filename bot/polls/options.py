"""What an editor types for a poll, turned into a question, a kind and option labels, or refused with a reason.

Options are one per line or "A | B | C"; nothing means yes/no (in the poll's language); the single word `open`
(or `offen`) means written answers. The limits are the bot's own poll limits, which are also Discord's native
poll limits so either drawing fits: a question of at most 300 characters, 2 to 10 options of at most 55
characters (a button label allows 80), no two options alike. Mentions are refused (a poll must never ping
anyone; the labels are also shown without escaping on buttons). Markdown is allowed and kept: wherever a poll is
drawn its text is escaped (bot/cogs/poll_views.py), so `**x**` shows as typed and never breaks the layout.

Every refusal is an `InvalidPollInput` whose `message_key`/`values` name the sentence (bot/cogs/editor_texts.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.errors import InvalidInput
from bot.questions.model import PollKind
from bot.questions.rules_de import LEXICON as LEXICON_DE
from bot.questions.rules_en import LEXICON as LEXICON_EN

QUESTION_MAX_LENGTH = 300  # Poll.question, and Discord's native poll question
OPTION_MAX_LENGTH = 55  # PollOption.label, and Discord's native poll answer
MIN_OPTIONS = 2
MAX_OPTIONS = 10  # Discord's native poll; the button layout would allow 20
OPEN_WORDS = {"open", "offen"}
OPTIONS_INPUT_MAX_LENGTH = 1000  # the modal's options field

_MENTION = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>|<#\d+>|<id:\w+>|</[^>]+:\d+>", re.IGNORECASE)


class InvalidPollInput(InvalidInput):
    """A question or options an editor typed that cannot become a poll; nothing was changed."""

    def __init__(self, message_key: str, **values: object) -> None:
        super().__init__(message_key, message_key=message_key, values=values)


@dataclass(frozen=True)
class PollSpec:
    """A valid poll as an editor wrote it."""

    question: str
    kind: PollKind
    options: tuple[str, ...]


def yes_no_labels(language: str) -> tuple[str, ...]:
    return tuple((LEXICON_DE if language == "de" else LEXICON_EN).yes_no_options)


def _clean(text: str) -> str:
    """Whitespace collapsed, control and format characters (zero-width and the like) removed."""
    kept = "".join(" " if ch in "\t\r\n" else ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\r\n")
    return " ".join(kept.split())


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_question(raw: str | None) -> str:
    question = _clean(raw or "")
    if not question:
        raise InvalidPollInput("editor.question_empty")
    if len(question) > QUESTION_MAX_LENGTH:
        raise InvalidPollInput("editor.question_too_long", length=len(question), limit=QUESTION_MAX_LENGTH)
    if _MENTION.search(question):
        raise InvalidPollInput("editor.question_mention")
    return question


def split_options(raw: str | None) -> list[str]:
    """The options as typed: one per line, or separated by `|` when written on one line; blanks are skipped."""
    text = raw or ""
    pieces = text.splitlines() if "\n" in text.strip() else text.split("|")
    return [_clean(piece) for piece in pieces if _clean(piece)]


def parse_options(raw: str | None, language: str) -> tuple[PollKind, tuple[str, ...]]:
    """The kind and labels an options text means (see the module docstring), or InvalidPollInput."""
    if raw is not None and len(raw) > OPTIONS_INPUT_MAX_LENGTH:
        raise InvalidPollInput("editor.options_input_too_long", limit=OPTIONS_INPUT_MAX_LENGTH)
    labels = split_options(raw)
    if not labels:
        return PollKind.YES_NO, yes_no_labels(language)
    if len(labels) == 1 and labels[0].lower() in OPEN_WORDS:
        return PollKind.OPEN, ()
    if len(labels) < MIN_OPTIONS:
        raise InvalidPollInput("editor.options_too_few", option=_short(labels[0]))
    if len(labels) > MAX_OPTIONS:
        raise InvalidPollInput("editor.options_too_many", count=len(labels), limit=MAX_OPTIONS)
    seen: dict[str, int] = {}
    for number, label in enumerate(labels, start=1):
        if len(label) > OPTION_MAX_LENGTH:
            raise InvalidPollInput(
                "editor.option_too_long", number=number, option=_short(label), length=len(label), limit=OPTION_MAX_LENGTH
            )
        if _MENTION.search(label):
            raise InvalidPollInput("editor.option_mention", number=number)
        key = label.casefold()
        if key in seen:
            raise InvalidPollInput("editor.option_duplicate", option=_short(label), first=seen[key], number=number)
        seen[key] = number
    return PollKind.CHOICE, tuple(labels)


def parse_poll(question: str | None, options: str | None, language: str) -> PollSpec:
    """Question and options together; the question is checked first (the order the form shows them)."""
    cleaned = clean_question(question)
    kind, labels = parse_options(options, language)
    return PollSpec(cleaned, kind, labels)


def options_text(kind: PollKind, labels: tuple[str, ...] | list[str], language: str) -> str:
    """What the edit form shows for a poll's options: the inverse of `parse_options`."""
    if kind == PollKind.OPEN:
        return "open"
    if kind == PollKind.YES_NO and tuple(labels) == yes_no_labels(language):
        return ""
    return "\n".join(labels)
