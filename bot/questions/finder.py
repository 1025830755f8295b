"""Placeholder until the question finder lands (issue 3): no questions found."""

from __future__ import annotations

from bot.articles.model import Article
from bot.questions.model import PollDraft


def find_questions(article: Article) -> list[PollDraft]:
    return []
