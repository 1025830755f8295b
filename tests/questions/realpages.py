"""Score the question finder on real blog pages (tests/fixtures/realpages, issue 10).

Each page is the gzipped HTML a public repository's test suite stores, labelled by hand with the polls a
careful community editor would run (`polls`) and every other question-like sentence (`not_polls`); see
tests/fixtures/realpages/labels/*.json and the corpus format in the README there.

Run as a script to see the figures per split and language and the mistakes page by page — for the
tuning split only, so that nobody tunes on the test split by reading its mistakes:

    python -m tests.questions.realpages            # figures, tune-split mistakes
    python -m tests.questions.realpages --figures  # figures only
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from bot.articles.extract import extract_article
from bot.articles.model import Article
from bot.questions.model import PollDraft

from tests.questions.corpus import Score, match_key

REALPAGES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "realpages"
SPLITS = ("tune", "test")
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class RealPage:
    id: str
    language: str
    site: str
    split: str
    genre: str
    article: Article
    polls: list[dict]
    not_polls: list[dict]


def label_paths(directory: Path = REALPAGES_DIR) -> list[Path]:
    return sorted((directory / "labels").glob("*.json"))


@lru_cache(maxsize=None)
def extract_stored_page(page: Path, url: str | None) -> Article:
    """The article a stored page extracts to, once per test run: the scorer and both corpus checks read all pages."""
    return extract_article(gzip.decompress(page.read_bytes()), url or "https://example.org/")


def load_page(label_path: Path, directory: Path = REALPAGES_DIR) -> RealPage:
    label = json.loads(label_path.read_text(encoding="utf-8"))
    article = extract_stored_page(directory / "pages" / f"{label['id']}.html.gz", label.get("url"))
    return RealPage(
        id=label["id"],
        language=label["language"],
        site=label["site"],
        split=label["split"],
        genre=label.get("genre", "other"),
        article=article,
        polls=list(label.get("polls", [])),
        not_polls=list(label.get("not_polls", [])),
    )


def load_realpages(directory: Path = REALPAGES_DIR) -> list[RealPage]:
    return [load_page(path, directory) for path in label_paths(directory)]


def _after_colon(text: str) -> str | None:
    """The question after a lead-in that ends in a colon, as a match key (None without one)."""
    _, colon, rest = text.partition(": ")
    key = match_key(rest)
    return key if colon and len(key.split()) >= 3 else None


def same_question(found: str, labelled: str) -> bool:
    """A found question matches a label when their keys agree (case, punctuation, a leading conjunction), or
    when one is the other without a short lead-in the finder strips ("Na, hast du …" / "Hast du …"), or the
    finder trimmed a long question to Discord's 300 characters ("…")."""
    a, b = match_key(found), match_key(labelled)
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter.split()) < 3:
        return False
    extra = len(longer.split()) - len(shorter.split())
    if longer.endswith(" " + shorter) and extra <= 2:
        return True
    if _after_colon(labelled) == a or _after_colon(found) == b:  # "…, it begs the question: what …?" / "what …?"
        return True
    return found.rstrip().endswith("…") and b.startswith(a)


@dataclass
class PageResult:
    page: RealPage
    drafts: list[PollDraft]
    matched: list[tuple[dict, PollDraft]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    wrong: list[PollDraft] = field(default_factory=list)  # found, not a labelled poll
    trap_hits: list[tuple[PollDraft, str]] = field(default_factory=list)  # wrong and labelled not_poll (why)


def judge_page(page: RealPage, find: Callable[[Article], list[PollDraft]]) -> PageResult:
    drafts = find(page.article)
    result = PageResult(page, drafts)
    unused = list(drafts)
    for poll in page.polls:
        draft = next((draft for draft in unused if same_question(draft.question, poll["text"])), None)
        if draft is None:
            result.missed.append(poll)
        else:
            unused.remove(draft)
            result.matched.append((poll, draft))
    for draft in unused:
        result.wrong.append(draft)
        trap = next((item for item in page.not_polls if same_question(draft.question, item["text"])), None)
        if trap is not None:
            result.trap_hits.append((draft, trap.get("why", "")))
    return result


def add_to_score(score: Score, result: PageResult) -> None:
    name = result.page.id
    for poll, draft in result.matched:
        score.true_positives += 1
        if draft.kind.value == poll["kind"]:
            score.kinds_right += 1
        else:
            score.errors.append(f"{name}: {poll['text']!r} is {poll['kind']}, found {draft.kind.value}")
        if poll["kind"] == "choice":
            score.choice_polls += 1
            if [option.casefold() for option in draft.options] == [option.casefold() for option in poll.get("options", [])]:
                score.options_right += 1
            else:
                score.errors.append(f"{name}: options {list(draft.options)} != {poll.get('options')}")
    score.beyond_cap += min(len(result.missed), max(0, len(result.page.polls) - DEFAULT_CAP))
    for poll in result.missed:
        score.false_negatives += 1
        score.errors.append(f"{name}: missed {poll['kind']} {poll['text']!r}")
    for draft in result.wrong:
        score.false_positives += 1
        score.errors.append(f"{name}: not a poll {draft.kind.value} {draft.question!r}")
    for draft, why in result.trap_hits:
        score.trap_hits.append(f"{name}: {draft.question!r} ({why})")


def f1(score: Score) -> float:
    p, r = score.precision, score.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def score_results(results: Iterable[PageResult]) -> Score:
    score = Score()
    for result in results:
        add_to_score(score, result)
    return score


def breakdown(results: list[PageResult]) -> dict[str, Score]:
    """Scores keyed "tune", "test", "tune/de", …, and "all"."""
    table: dict[str, Score] = {"all": score_results(results)}
    for split in SPLITS:
        table[split] = score_results(r for r in results if r.page.split == split)
        for language in LANGUAGES:
            table[f"{split}/{language}"] = score_results(
                r for r in results if r.page.split == split and r.page.language == language
            )
    return table


def describe(name: str, score: Score, pages: int) -> str:
    return (f"{name:8s} {pages:3d} pages  F1 {f1(score):.3f}  {score.summary()}  not_polls hit {len(score.trap_hits)}"
            f"  recall within the cap {score.recall_within_cap:.3f} ({score.beyond_cap} misses beyond it)")


def report(results: list[PageResult]) -> list[str]:
    lines = []
    for name, score in breakdown(results).items():
        split, _, language = name.partition("/")
        pages = sum(
            1 for r in results if name == "all" or (r.page.split == split and (not language or r.page.language == language))
        )
        lines.append(describe(name, score, pages))
    return lines


DEFAULT_CAP = 3  # [polls] max_per_article's default: what a guild sees


def default_finder() -> Callable[[Article], list[PollDraft]]:
    """The finder with the default cap (a finder without the cap parameter, such as main's before issue 10,
    is used as it is)."""
    import inspect

    from bot.questions.finder import find_questions

    if "max_per_article" in inspect.signature(find_questions).parameters:
        return lambda article: find_questions(article, max_per_article=DEFAULT_CAP)
    return find_questions


def main(argv: list[str] | None = None) -> int:
    find_questions = default_finder()

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", action="store_true", help="figures only, no per-page mistakes")
    parser.add_argument("--split", choices=SPLITS, help="score only this split")
    parser.add_argument("--dir", type=Path, default=REALPAGES_DIR)
    args = parser.parse_args(argv)
    pages = load_realpages(args.dir)
    if args.split:
        pages = [page for page in pages if page.split == args.split]
    results = [judge_page(page, find_questions) for page in pages]
    for line in report(results):
        print(line)
    if not args.figures:
        print("\nmistakes on the TUNING split (the test split's are not shown):")
        for result in results:
            if result.page.split != "tune":
                continue
            score = Score()
            add_to_score(score, result)
            for error in score.errors:
                print("  " + error)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
