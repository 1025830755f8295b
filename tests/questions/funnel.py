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
    lines: list[str] = field(default_factory=list)  # one per lost or wrong poll: printed for the tuning split only


def funnel(pages: list[RealPage]) -> Funnel:
    """Counts of the labelled polls by stage, of the wrong polls by admitting rule, place and signals, and of the
    signals, places and confidences of the polls lost at low confidence."""
    result = Funnel()
    seen_pages: dict[str, set[str]] = {}
    seen_sites: dict[str, set[str]] = {}

    def seen(name: str, page: RealPage) -> None:
        seen_pages.setdefault(name, set()).add(page.id)
        seen_sites.setdefault(name, set()).add(page.site)

    for page in pages:
        verdicts = explain_questions(page.article, max_per_article=DEFAULT_CAP)
        polls = [v for v in verdicts if v.is_poll and v.kind is not None]
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
                result.lines.append(f"{page.id}: {stage}: {poll['text']!r}")
        for verdict in polls:
            if not any(same_question(verdict.question, poll["text"]) for poll in page.polls):
                result.wrong_rules[verdict.rule] += 1
                result.wrong_places[place(page, verdict)] += 1
                result.wrong_signals.update(verdict.signals or ("(none)",))
                seen("wrong", page)
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
    for name in ("stages", "wrong_rules", "wrong_places", "wrong_signals", "low_places", "low_confidences", "low_signals", "spread"):
        print(f"{name}:", dict(sorted(getattr(result, name).items())))
    if args.split == "tune":
        print("\n".join(result.lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
