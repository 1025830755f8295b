"""`reader-bot preview SOURCE`: what the bot would post for a feed, without Discord or a database.

It runs the real pipeline (fetch, parse, extract, find questions), so a blog owner can check
what their readers would be asked before inviting the bot.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.articles.extract import load_article
from bot.articles.model import Article
from bot.config import Settings
from bot.feeds.errors import FeedError, TooLarge
from bot.feeds.fetch import FeedFetcher
from bot.feeds.parse import ParsedFeed, parse_feed
from bot.questions.finder import RULES, QuestionVerdict, explain_questions
from bot.questions.model import PollDraft
from bot.questions.signals import MIN_CONFIDENCE, SIGNALS

EXIT_OK = 0
EXIT_FEED_FAILED = 1
_PARALLEL_PAGES = 4  # article pages fetched at once: quick, yet gentle on a small blog


async def run_preview(
    source: str, settings: Settings, *, as_json: bool, limit: int | None, explain: bool = False
) -> int:
    """Print the articles of the feed at `source` (URL or local file) with the polls each would get
    (at most `[polls] max_per_article` each); with `explain`, every question-like sentence too, with its
    confidence, its signals and why it was kept or dropped.

    Returns the exit status: 0, or 1 when the feed itself cannot be fetched or parsed (one line
    on stderr says why). Article pages that fail are still listed, from the feed's own data.
    """
    async with FeedFetcher(settings.feeds) as fetcher:
        try:
            feed = await read_feed(source, fetcher, max_bytes=settings.feeds.max_bytes)
        except FeedError as error:
            print(f"reader-bot: cannot read the feed {source}: {error.reason}", file=sys.stderr)
            return EXIT_FEED_FAILED
        entries = feed.entries if limit is None else feed.entries[: max(limit, 0)]
        notes: list[str] = []
        gate = asyncio.Semaphore(_PARALLEL_PAGES)

        async def load(index: int) -> Article:
            entry = entries[index]

            def note(error: FeedError) -> None:
                notes.append(f"note: article {index + 1} ({entry.url}): the page could not be used "
                             f"({error.reason}); showing what the feed says instead")

            async with gate:
                return await load_article(entry, feed, fetcher, on_fallback=note)

        articles = await asyncio.gather(*(load(index) for index in range(len(entries))))
    judged = [explain_questions(article, settings.polls.max_per_article) for article in articles]
    polls = [drafts_of(verdicts) for verdicts in judged]
    for line in notes:
        print(line, file=sys.stderr)
    if as_json:
        document = preview_document(feed, articles, polls)
        if explain:
            for entry, verdicts in zip(document["articles"], judged, strict=True):
                entry["questions"] = [explanation(verdict) for verdict in verdicts]
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(preview_text(feed, articles, polls, judged if explain else None))
    return EXIT_OK


def drafts_of(verdicts: list[QuestionVerdict]) -> list[PollDraft]:
    return [
        PollDraft(verdict.question, verdict.kind, verdict.options, verdict.position, verdict.confidence)
        for verdict in verdicts
        if verdict.is_poll and verdict.kind is not None
    ]


def explanation(verdict: QuestionVerdict) -> dict[str, Any]:
    """One question-like sentence for --explain --json: kept or dropped, by which rule, and the signals."""
    return {
        "question": verdict.question,
        "position": verdict.position,
        "kept": verdict.is_poll,
        "rule": verdict.rule,
        "why": RULES.get(verdict.rule, ""),
        "kind": str(verdict.kind) if verdict.kind else None,
        "confidence": verdict.confidence,
        "signals": {name: SIGNALS[name].weight for name in verdict.signals},
    }


def _explanation_lines(verdicts: list[QuestionVerdict]) -> list[str]:
    if not verdicts:
        return ["   question-like sentences: none"]
    lines = [f"   question-like sentences ({len(verdicts)}; a poll needs confidence >= {MIN_CONFIDENCE:.2f}):"]
    for verdict in verdicts:
        verdict_word = "kept" if verdict.is_poll else f"dropped ({verdict.rule})"
        lines.append(f"   - {verdict.confidence:.2f} {verdict_word}: {verdict.question}")
        if not verdict.is_poll or verdict.rule not in RULES or verdict.rule in ("low_confidence", "over_cap"):
            lines.append(f"       why: {RULES.get(verdict.rule, verdict.rule)}")
        if verdict.signals:
            signed = ", ".join(f"{name} {SIGNALS[name].weight:+.1f}" for name in verdict.signals)
            lines.append(f"       signals: {signed}")
    return lines


async def read_feed(source: str, fetcher: FeedFetcher, *, max_bytes: int) -> ParsedFeed:
    """Fetch (http/https) or read (local path or file:// URL) and parse the feed at `source`."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        result = await fetcher.fetch(source)
        return parse_feed(result.body or b"", result.url, result.content_type)
    if scheme not in ("", "file") and len(scheme) > 1:  # one letter: a Windows drive such as C:
        raise FeedError(f"{scheme}:// addresses are not supported; use an http:// or https:// feed URL", url=source)
    path = Path(unquote(urlsplit(source).path)) if scheme == "file" else Path(source).expanduser()
    if not path.is_file():
        raise FeedError("there is no such file, and it is not an http:// or https:// address", url=source)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes (feeds.max_bytes)")
        body = path.read_bytes()
    except OSError as error:
        raise FeedError(f"the file cannot be read ({error.strerror or error})", url=source) from None
    return parse_feed(body, path.resolve().as_uri())


def preview_document(feed: ParsedFeed, articles: list[Article], polls: list[list[PollDraft]]) -> dict[str, Any]:
    """The --json document."""
    return {
        "feed": {"url": feed.url, "title": feed.title},
        "articles": [
            {
                "url": article.url,
                "title": article.title,
                "author": article.author,
                "published": article.published.isoformat() if article.published else None,
                "language": article.language,
                "image": article.image,
                "polls": [{"question": draft.question, "kind": str(draft.kind), "options": list(draft.options)} for draft in drafts],
            }
            for article, drafts in zip(articles, polls, strict=True)
        ],
    }


def preview_text(
    feed: ParsedFeed,
    articles: list[Article],
    polls: list[list[PollDraft]],
    judged: list[list[QuestionVerdict]] | None = None,
) -> str:
    """The readable report (with `judged`: every question-like sentence explained)."""
    count = len(articles)
    lines = [feed.title, feed.url, f"{count} article{'s' if count != 1 else ''}"]
    for number, (article, drafts) in enumerate(zip(articles, polls, strict=True), start=1):
        lines.append("")
        lines.append(f"{number}. {article.title}")
        lines.append(f"   {article.url}")
        facts = [f"by {article.author}" if article.author else "author unknown"]
        facts.append(article.published.strftime("%Y-%m-%d %H:%M UTC") if article.published else "date unknown")
        facts.append(f"language: {article.language}")
        lines.append("   " + " · ".join(facts))
        if article.image:
            lines.append(f"   image: {article.image}")
        if article.excerpt:
            lines.append(f"   {article.excerpt}")
        if not drafts:
            lines.append("   polls: none")
        else:
            lines.append(f"   polls ({len(drafts)}):")
            for draft in drafts:
                lines.append(f"   - [{draft.kind}] {draft.question}")
                if draft.options:
                    lines.append(f"       options: {' | '.join(draft.options)}")
        if judged is not None:
            lines.extend(_explanation_lines(judged[number - 1]))
    return "\n".join(lines)
