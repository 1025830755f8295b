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
    print(
        f"question finder: {count} articles ({len(articles)} distinct x {args.rounds}) in {elapsed:.2f} s, "
        f"{polls // args.rounds} polls per pass"
    )
    print(f"{rate:.0f} articles/s on one core (target >= {TARGET_ARTICLES_PER_SECOND:.0f}): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
