"""How far two careful labellers agree on the real-page corpus, and what that means for the finder's figures.

A second labeller labelled a sample of TUNING-split pages blind (tests/fixtures/realpages/second_labels: the
extracted text only, the guide in the corpus README, no first label and no finder output seen). Scored with the
same matching as the finder (tests/questions/realpages.py), this prints:

- the second labeller against the first: the ceiling that one editor's labels put on any finder's figures;
- the finder against the first labeller (whose labels it was tuned on) and against the second (who it never saw)
  on the same pages: how much of the tuning split's figure is fitted to one editor's taste.

    python -m tests.questions.agreement [--mistakes]

Only tuning-split pages may be second-labelled (the loader refuses others), so nothing here reads the test split.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from bot.articles.model import Article
from bot.questions.model import PollDraft, PollKind

from tests.questions.corpus import Score
from tests.questions.realpages import (
    REALPAGES_DIR,
    RealPage,
    add_to_score,
    default_finder,
    describe,
    judge_page,
    load_page,
)

SECOND_LABELS_DIR = REALPAGES_DIR / "second_labels"


def second_label_paths(directory: Path = SECOND_LABELS_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def load_second_labels(directory: Path = SECOND_LABELS_DIR) -> list[tuple[RealPage, list[dict]]]:
    """(the page with its first labels, the second labeller's polls) for every second-labelled page."""
    pairs = []
    for path in second_label_paths(directory):
        second = json.loads(path.read_text(encoding="utf-8"))
        page = load_page(REALPAGES_DIR / "labels" / f"{second['id']}.json")
        if page.split != "tune":
            raise ValueError(f"{page.id} is a test-split page: only tuning pages may be second-labelled")
        pairs.append((page, list(second["polls"])))
    return pairs


def as_drafts(polls: list[dict]) -> list[PollDraft]:
    """A label's polls in the finder's shape, so that one labeller can be scored like a finder against another."""
    return [
        PollDraft(question=poll["text"], kind=PollKind(poll["kind"]), options=tuple(poll.get("options", ())), position=index)
        for index, poll in enumerate(polls)
    ]


def with_polls(page: RealPage, polls: list[dict]) -> RealPage:
    return RealPage(page.id, page.language, page.site, page.split, page.genre, page.article, polls, page.not_polls)


def agreement(
    pairs: list[tuple[RealPage, list[dict]]], find: Callable[[Article], list[PollDraft]]
) -> dict[str, tuple[Score, int]]:
    """Scores keyed by comparison ("second vs first", …, each also per language), with the page count."""
    comparisons: dict[str, tuple[Score, int]] = {}

    def add(name: str, language: str, page: RealPage, found: Callable[[Article], list[PollDraft]]) -> None:
        for key in (name, f"{name} /{language}"):
            score, pages = comparisons.get(key, (Score(), 0))
            add_to_score(score, judge_page(page, found))
            comparisons[key] = (score, pages + 1)

    for page, second in pairs:
        add("second vs first", page.language, page, lambda _article, polls=second: as_drafts(polls))
        add("finder vs first", page.language, page, find)
        add("finder vs second", page.language, with_polls(page, second), find)
    return dict(sorted(comparisons.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mistakes", action="store_true", help="also the disagreements, page by page")
    args = parser.parse_args(argv)
    pairs = load_second_labels()
    for name, (score, pages) in agreement(pairs, default_finder()).items():
        print(describe(name[:20].ljust(20), score, pages))
        if args.mistakes and "/" not in name:
            for error in score.errors:
                print("    " + error)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
