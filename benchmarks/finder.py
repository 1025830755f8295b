"""Articles per second for the question finder alone (no extraction, no I/O), on one core.

Runs `find_questions` over the labelled corpus (tests/fixtures/corpus) and the three fixture-blog
articles (built from tests/fixtures/blog when the extractor is importable), repeated, and prints the
rate against the target of 200 articles/s. Usage: .venv/bin/python benchmarks/finder.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.articles.model import Article, Block  # noqa: E402
from bot.questions.finder import find_questions  # noqa: E402

TARGET_ARTICLES_PER_SECOND = 200.0
TARGET_LARGE_SECONDS = 2.0  # one 60 kB paragraph dense with abbreviations and questions


def large_article() -> Article:
    """Odd input must not stall the bot: pysbd is superlinear, the finder must not be."""
    text = "Das gilt z. B. am 1. März bzw. für Dr. Meier. Kommst du mit? " * 1000
    return Article(url="large", entry_id="large", title="Groß", language="de", blocks=[Block("paragraph", text)])


def load_articles() -> list[Article]:
    articles = []
    for path in sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        blocks = [Block(b["kind"], b["text"], b.get("level", 0)) for b in data["blocks"]]
        articles.append(Article(url=path.stem, entry_id=path.stem, title=data["title"], language=data["language"], blocks=blocks))
    try:
        from bot.articles.extract import extract_article
    except ImportError:
        return articles
    for page in sorted((ROOT / "tests" / "fixtures" / "blog").glob("*.html")):
        articles.append(extract_article(page.read_text(encoding="utf-8"), f"http://blog.example/{page.stem}/"))
    return articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the articles (default 20)")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    articles = load_articles()
    find_questions(articles[0])  # warm-up: build the pysbd segmenters once
    polls = 0
    started = time.perf_counter()
    for _ in range(args.rounds):
        for article in articles:
            polls += len(find_questions(article))
    elapsed = time.perf_counter() - started
    count = len(articles) * args.rounds
    rate = count / elapsed
    verdict = "PASS" if rate >= TARGET_ARTICLES_PER_SECOND else "FAIL"
    large = large_article()
    started = time.perf_counter()
    find_questions(large)
    large_seconds = time.perf_counter() - started
    large_verdict = "PASS" if large_seconds <= TARGET_LARGE_SECONDS else "FAIL"
    print(
        f"question finder: {count} articles ({len(articles)} distinct x {args.rounds}) in {elapsed:.2f} s, "
        f"{polls // args.rounds} polls per pass"
    )
    print(f"{rate:.0f} articles/s on one core (target >= {TARGET_ARTICLES_PER_SECOND:.0f}): {verdict}")
    size = len(large.blocks[0].text) // 1000
    print(f"one {size} kB paragraph: {large_seconds:.2f} s (target <= {TARGET_LARGE_SECONDS:.0f} s): {large_verdict}")
    return 0 if verdict == large_verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
