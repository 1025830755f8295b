"""How far two careful labellers agree on the real-page corpus, and what that means for the finder's figures.

A second labeller labelled a sample of TUNING-split pages blind (tests/fixtures/realpages/second_labels: the
extracted text only, the guide in the corpus README, no first label and no finder output seen), and later every
TEST-split page the same way (second_labels_test). Scored with the same matching as the finder
(tests/questions/realpages.py), this prints:

- the second labeller against the first: the ceiling that one editor's labels put on any finder's figures;
- the finder against the first labeller (whose labels it was tuned on) and against the second (who it never saw)
  on the same pages: how much of the tuning split's figure is fitted to one editor's taste;
- everyone against the adjudicated labels (the polls both labellers have, and the disputed ones a third reader
  judged polls: tests/fixtures/realpages/adjudication.json).

    python -m tests.questions.agreement [--mistakes]     # the tuning sample
    python -m tests.questions.agreement --split test     # the test split: figures only, never its disagreements

Each directory holds the pages of one split only (the loader refuses others), and the test split's disagreements
are never printed, so that nobody tunes on them.
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
    same_question,
)

SECOND_LABELS_DIR = REALPAGES_DIR / "second_labels"
SECOND_TEST_LABELS_DIR = REALPAGES_DIR / "second_labels_test"
SECOND_LABELS = {"tune": SECOND_LABELS_DIR, "test": SECOND_TEST_LABELS_DIR}
# A third reader's decision on every question one labeller listed as a poll and the other did not (the whole
# article, the guide, and neither labeller's name; no finder output)
ADJUDICATION = REALPAGES_DIR / "adjudication.json"


def second_label_paths(directory: Path = SECOND_LABELS_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def load_second_labels(directory: Path = SECOND_LABELS_DIR, split: str = "tune") -> list[tuple[RealPage, list[dict]]]:
    """(the page with its first labels, the second labeller's polls) for every second-labelled page of `split`."""
    pairs = []
    for path in second_label_paths(directory):
        second = json.loads(path.read_text(encoding="utf-8"))
        page = load_page(REALPAGES_DIR / "labels" / f"{second['id']}.json")
        if page.split != split:
            raise ValueError(f"{page.id} is a {page.split}-split page: this directory holds {split}-split pages only")
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


def _among(poll: dict, polls: list[dict]) -> bool:
    return any(same_question(other["text"], poll["text"]) for other in polls)


def agreed_polls(page: RealPage, second: list[dict]) -> list[dict]:
    """The polls both labellers have (as the first labeller wrote them)."""
    return [poll for poll in page.polls if _among(poll, second)]


def disputed(page: RealPage, second: list[dict]) -> list[dict]:
    """The polls one labeller has and the other has not."""
    return [poll for poll in page.polls if not _among(poll, second)] + [poll for poll in second if not _among(poll, page.polls)]


def load_adjudication(path: Path = ADJUDICATION) -> dict[tuple[str, str], dict]:
    return {(entry["page"], entry["text"]): entry for entry in json.loads(path.read_text(encoding="utf-8"))}


def adjudicated_polls(page: RealPage, second: list[dict], decisions: dict[tuple[str, str], dict]) -> list[dict]:
    """The polls both labellers have, and the disputed ones the third reader judged polls (with its kind)."""
    settled = [decisions[(page.id, poll["text"])] for poll in disputed(page, second)]
    return agreed_polls(page, second) + [
        {"text": entry["text"], "kind": entry["kind"], **({"options": entry["options"]} if entry["kind"] == "choice" else {})}
        for entry in settled if entry["poll"]
    ]


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

    decisions = load_adjudication()
    for page, second in pairs:
        drafts = find(page.article)  # once per page, judged against each set of labels

        def found(_article: Article, drafts: list[PollDraft] = drafts) -> list[PollDraft]:
            return drafts

        add("second vs first", page.language, page, lambda _article, polls=second: as_drafts(polls))
        add("finder vs first", page.language, page, found)
        add("finder vs second", page.language, with_polls(page, second), found)
        settled = with_polls(page, adjudicated_polls(page, second, decisions))
        add("finder vs adjudicated", page.language, settled, found)
        add("first vs adjudicated", page.language, settled, lambda _article, polls=page.polls: as_drafts(polls))
        add("second vs adjudicated", page.language, settled, lambda _article, polls=second: as_drafts(polls))
    return dict(sorted(comparisons.items()))


def lenient_and_strict(
    pairs: list[tuple[RealPage, list[dict]]], find: Callable[[Article], list[PollDraft]]
) -> tuple[float, float, int, int]:
    """The finder judged against both labellers without an adjudication: a poll it makes counts as right when either
    labeller has it (precision against the union), and its recall is over the polls both labellers have (the
    intersection). Returns (precision, recall, polls found, polls both have)."""
    found = right = agreed = agreed_found = 0
    for page, second in pairs:
        drafts = find(page.article)
        either = page.polls + [poll for poll in second if not _among(poll, page.polls)]
        both = agreed_polls(page, second)
        found += len(drafts)
        right += sum(1 for draft in drafts if any(same_question(draft.question, poll["text"]) for poll in either))
        agreed += len(both)
        agreed_found += sum(1 for poll in both if any(same_question(draft.question, poll["text"]) for draft in drafts))
    return right / found if found else 1.0, agreed_found / agreed if agreed else 1.0, found, agreed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SECOND_LABELS), default="tune")
    parser.add_argument("--mistakes", action="store_true", help="also the disagreements, page by page (tuning only)")
    args = parser.parse_args(argv)
    if args.mistakes and args.split != "tune":
        parser.error("the test split's disagreements are not shown: nobody tunes on them")
    pairs = load_second_labels(SECOND_LABELS[args.split], args.split)
    finder, found = default_finder(), {}  # each page's drafts, for both figures

    def find(article: Article) -> list[PollDraft]:
        return found[id(article)] if id(article) in found else found.setdefault(id(article), finder(article))

    for name, (score, pages) in agreement(pairs, find).items():
        print(describe(name[:24].ljust(24), score, pages))
        if args.mistakes and "/" not in name:
            for error in score.errors:
                print("    " + error)
    precision, recall, made, agreed = lenient_and_strict(pairs, find)
    print(f"finder vs both labellers: precision {precision:.3f} counting a poll either labeller has ({made} found), "
          f"recall {recall:.3f} of the {agreed} polls both labellers have")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
