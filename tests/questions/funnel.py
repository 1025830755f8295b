"""Where the finder loses the polls of the real-page corpus, stage by stage (issue 10).

The recall of the test split is about one in two, the tuning split's about nine in ten; this tells which stage of
the finder the lost polls die in, so that work goes where the polls are lost:

- ``lost_in_extraction``: the labelled question's words are not in the extracted article at all;
- ``not_judged``: they are in the text, but no question-like sentence the finder judged matches it (the sentence
  split or the question-mark test missed it);
- ``rule:<name>``: a rule excluded it (answered at once, an interview line, the author's own question, …);
- ``low_confidence`` / ``over_cap``: the signals scored it too low, or three surer polls took the cap;
- ``found``: a poll that matches.

Wrong polls are counted by the rule that admitted them and by where they stand (title, lead, body, closing).
For the tuning split the questions are printed; for the test split only counts, so that nobody tunes on it.

    python -m tests.questions.funnel --split tune
    python -m tests.questions.funnel --split test   # counts only
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.questions.finder import QuestionVerdict, explain_questions
from bot.questions.model import TITLE_POSITION

from tests.questions.corpus import match_key
from tests.questions.realpages import DEFAULT_CAP, REALPAGES_DIR, RealPage, load_realpages, same_question


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def poll_stage(page: RealPage, verdicts: list[QuestionVerdict], poll: dict) -> str:
    """The stage at which one labelled poll is kept or lost."""
    verdict = next((v for v in verdicts if same_question(v.question, poll["text"])), None)
    if verdict is None:
        article_words = _words(f"{page.article.title}\n{page.article.text}")
        return "not_judged" if match_key(poll["text"]) in article_words else "lost_in_extraction"
    if verdict.is_poll:
        return "found"
    if verdict.rule in ("low_confidence", "over_cap"):
        return verdict.rule
    return f"rule:{verdict.rule}"


def place(page: RealPage, verdict: QuestionVerdict) -> str:
    """Where a question stands: the title, the first two blocks, the last four, or between."""
    if verdict.position == TITLE_POSITION:
        return "title"
    blocks = len(page.article.blocks)
    if verdict.position < 2:
        return "lead"
    if verdict.position >= blocks - 4:
        return "closing"
    return "body"


@dataclass
class Funnel:
    stages: Counter = field(default_factory=Counter)  # labelled polls by stage (and "de/…", "en/…")
    wrong_rules: Counter = field(default_factory=Counter)  # wrong polls by the rule that admitted them
    wrong_places: Counter = field(default_factory=Counter)  # wrong polls by place
    low_signals: Counter = field(default_factory=Counter)  # signals of the polls lost at low confidence
    low_places: Counter = field(default_factory=Counter)
    low_confidences: Counter = field(default_factory=Counter)  # their confidence, in steps of 0.1
    wrong_signals: Counter = field(default_factory=Counter)  # signals of the wrong polls
    spread: Counter = field(default_factory=Counter)  # how many pages and sites the misses and wrong polls fall on
    wrong_context: Counter = field(default_factory=Counter)  # what stands around the wrong polls (see `context`)
    missed_context: Counter = field(default_factory=Counter)  # the same for the polls the finder misses
    quiet_runs: Counter = field(default_factory=Counter)  # pages with no poll but a run of questions to the reader
    wrong_per_site: Counter = field(default_factory=Counter)  # site -> wrong polls: how concentrated they are
    missed_per_site: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)  # one per lost or wrong poll: printed for the tuning split only


def _near(position: int, positions: list[int]) -> bool:
    return any(abs(position - other) <= 1 for other in positions)


def _repeated_on_site(question: str, page: RealPage, site_questions: dict[str, dict[str, list[str]]]) -> bool:
    """Whether a question-like sentence of the same wording stands on another page of the same site (a stock closing)."""
    return any(
        same_question(question, other)
        for page_id, questions in site_questions.get(page.site, {}).items()
        if page_id != page.id
        for other in questions
    )


def context(
    page: RealPage,
    question: str,
    position: int,
    labelled_positions: list[int],  # the other labelled polls' blocks (this one's left out)
    poll_positions: list[int],  # the blocks of the finder's other polls
    site_questions: dict[str, dict[str, list[str]]],
) -> list[str]:
    """What stands around one wrong or missed poll, as counts can say it without the question: whether the page has
    a labelled poll, whether a labelled poll or a poll of the finder stands in the same or the next block, whether
    the labeller listed the question as not a poll, and whether the same question stands on another page of the site."""
    return [
        "page has a labelled poll" if page.polls else "page has no labelled poll",
        "labelled poll in the same or next block" if _near(position, labelled_positions) else "no labelled poll beside",
        "finder's poll in the same or next block" if _near(position, poll_positions) else "no finder's poll beside",
        "finder made no poll on the page" if not poll_positions else "finder made a poll on the page",
        "listed as not a poll" if any(same_question(question, item["text"]) for item in page.not_polls) else "not listed",
        "repeated on another page of the site" if _repeated_on_site(question, page, site_questions) else "only on this page",
    ]


def funnel(pages: list[RealPage]) -> Funnel:
    """Counts of the labelled polls by stage, of the wrong polls by admitting rule, place and signals, and of the
    signals, places and confidences of the polls lost at low confidence."""
    result = Funnel()
    seen_pages: dict[str, set[str]] = {}
    seen_sites: dict[str, set[str]] = {}

    def seen(name: str, page: RealPage) -> None:
        seen_pages.setdefault(name, set()).add(page.id)
        seen_sites.setdefault(name, set()).add(page.site)

    judged = {page.id: explain_questions(page.article, max_per_article=DEFAULT_CAP) for page in pages}
    site_questions: dict[str, dict[str, list[str]]] = {}
    for page in pages:
        site_questions.setdefault(page.site, {})[page.id] = [v.question for v in judged[page.id]]
    for page in pages:
        verdicts = judged[page.id]
        polls = [v for v in verdicts if v.is_poll and v.kind is not None]
        poll_positions = [v.position for v in polls]
        if not polls:
            run = [v for v in verdicts if v.rule == "low_confidence" and {"question_run", "reader_address"} <= set(v.signals)]
            if run:
                result.quiet_runs["pages"] += 1
                if any(same_question(v.question, poll["text"]) for v in run for poll in page.polls):
                    result.quiet_runs["a question of the run is a labelled poll"] += 1
        labelled_positions = [
            verdict.position
            for poll in page.polls
            for verdict in verdicts
            if same_question(verdict.question, poll["text"])
        ]
        for poll in page.polls:
            stage = poll_stage(page, verdicts, poll)
            result.stages[stage] += 1
            result.stages[f"{page.language}/{stage}"] += 1
            if stage == "low_confidence":
                verdict = next(v for v in verdicts if same_question(v.question, poll["text"]))
                result.low_signals.update(verdict.signals or ("(none)",))
                result.low_places[place(page, verdict)] += 1
                result.low_confidences[f"{int(verdict.confidence * 10) / 10:.1f}"] += 1
                if "question_run" in verdict.signals:
                    seen("missed in a run", page)
            if stage != "found":
                seen("missed", page)
                result.missed_per_site[page.site] += 1
                verdict = next((v for v in verdicts if same_question(v.question, poll["text"])), None)
                if verdict is not None:
                    others = list(labelled_positions)
                    if verdict.position in others:
                        others.remove(verdict.position)
                    result.missed_context.update(
                        context(page, poll["text"], verdict.position, others, poll_positions, site_questions)
                    )
                result.missed_context[f"kind {poll['kind']}"] += 1
                result.lines.append(f"{page.id}: {stage}: {poll['text']!r}")
        for verdict in polls:
            if not any(same_question(verdict.question, poll["text"]) for poll in page.polls):
                result.wrong_rules[verdict.rule] += 1
                result.wrong_places[place(page, verdict)] += 1
                result.wrong_signals.update(verdict.signals or ("(none)",))
                seen("wrong", page)
                result.wrong_per_site[page.site] += 1
                others = list(poll_positions)
                others.remove(verdict.position)
                result.wrong_context.update(
                    context(page, verdict.question, verdict.position, labelled_positions, others, site_questions)
                )
                result.wrong_context[f"kind {verdict.kind.value}"] += 1
                result.wrong_context[f"confidence {int(verdict.confidence * 10) / 10:.1f}"] += 1
                result.lines.append(f"{page.id}: wrong ({verdict.rule}, {place(page, verdict)}): {verdict.question!r}")
    for name, ids in seen_pages.items():
        result.spread[f"{name}: pages"] = len(ids)
        result.spread[f"{name}: sites"] = len(seen_sites[name])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "test"), required=True)
    parser.add_argument("--dir", type=Path, default=REALPAGES_DIR)
    args = parser.parse_args(argv)
    pages = [page for page in load_realpages(args.dir) if page.split == args.split]
    result = funnel(pages)
    print(f"{args.split}: {len(pages)} pages, {sum(len(p.polls) for p in pages)} labelled polls")
    for name in (
        "stages", "wrong_rules", "wrong_places", "wrong_signals", "low_places", "low_confidences", "low_signals",
        "spread", "wrong_context", "missed_context", "quiet_runs",
    ):
        print(f"{name}:", dict(sorted(getattr(result, name).items())))
    for name in ("wrong_per_site", "missed_per_site"):  # the counts only, largest first: no site is named
        print(f"{name}:", sorted(getattr(result, name).values(), reverse=True))
    if args.split == "tune":
        print("\n".join(result.lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
