"""Small builders for finder tests."""

from __future__ import annotations

from bot.articles.model import Article, Block
from bot.questions.finder import QuestionVerdict, explain_questions


def article(*blocks: Block | str, title: str = "Ein Artikel", language: str = "de") -> Article:
    """Strings become paragraphs; ("h2", text) style is spelled with Block directly."""
    built = [block if isinstance(block, Block) else Block("paragraph", block) for block in blocks]
    return Article(url="http://example.test/a/", entry_id="a", title=title, language=language, blocks=built)


def verdicts(*blocks: Block | str, title: str = "Ein Artikel", language: str = "de") -> dict[str, QuestionVerdict]:
    return {verdict.question: verdict for verdict in explain_questions(article(*blocks, title=title, language=language))}


def heading(text: str, level: int = 2) -> Block:
    return Block("heading", text, level)
