"""A poll the question finder proposes, before it is stored or posted."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class PollKind(enum.StrEnum):
    YES_NO = "yes_no"  # Ja / Nein / Weiß nicht
    CHOICE = "choice"  # the alternatives the question names
    OPEN = "open"  # answered in words

TITLE_POSITION = -1  # `position` of a question taken from the article's title


@dataclass(frozen=True)
class PollDraft:
    question: str  # at most 300 characters
    kind: PollKind
    options: tuple[str, ...]  # answer labels (empty for open questions); at most 10 of at most 55 characters
    position: int  # index of the block it stood in, TITLE_POSITION for the title
    confidence: float = 1.0  # how sure the finder is that the article puts it to its readers (0..1)


def best_drafts(drafts: Sequence[PollDraft], limit: int) -> list[PollDraft]:
    """At most `limit` drafts: the most confident (the earlier on a tie), shown in article order."""
    ranked = sorted(range(len(drafts)), key=lambda index: (-drafts[index].confidence, index))
    kept = sorted(ranked[: max(limit, 0)])
    return sorted((drafts[index] for index in kept), key=lambda draft: draft.position)
