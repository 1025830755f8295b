"""What the rest of the core knows about an article: metadata plus its body as typed blocks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

BlockKind = Literal["heading", "paragraph", "quote", "list_item"]
Emphasis = Literal["", "whole", "lead"]


@dataclass(frozen=True)
class Block:
    """One piece of the article body. Headings and quotes are kept apart because a question in a
    heading or in quoted speech means something else than one in the author's own paragraph."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level (1-6); 0 for other blocks
    # "whole": the block is all bold/strong (an interview's question, a heading made of bold text);
    # "lead": it opens with a bold run ("**Was machst du?** Ich …"); "" otherwise. Kept from the HTML
    # so that the question finder sees interviews as short bold questions alternating with answers.
    # Not part of equality: two blocks with the same kind, text and level are the same block.
    emphasis: Emphasis = field(default="", compare=False)


@dataclass
class Article:
    url: str  # canonical: tracking parameters and fragment removed
    entry_id: str
    title: str
    author: str | None = None
    published: datetime | None = None
    language: str = "en"  # "de" or "en"
    image: str | None = None
    blocks: list[Block] = field(default_factory=list)
    excerpt: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()
