"""The question finder on real blog pages nobody here wrote (tests/fixtures/realpages, issue 10).

Prints precision, recall, F1 and kind accuracy per split and language; asserts the issue's targets:
on the test split (nothing was tuned on it) precision >= 0.9, recall >= 0.75, kind accuracy >= 0.95;
on the tuning split precision >= 0.95, recall >= 0.85. The figures before tuning are in
tests/fixtures/realpages/BASELINE.md.
"""

from __future__ import annotations

import pytest

from bot.questions.finder import explain_questions

from tests.questions.realpages import (
    DEFAULT_CAP,
    breakdown,
    default_finder,
    describe,
    f1,
    judge_page,
    load_realpages,
    same_question,
)

PAGES = load_realpages()
RESULTS = [judge_page(page, default_finder()) for page in PAGES]
SCORES = breakdown(RESULTS)


def _pages(name: str) -> int:
    split, _, language = name.partition("/")
    return sum(1 for r in RESULTS if name == "all" or (r.page.split == split and (not language or r.page.language == language)))


def test_print_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nquestion finder on {len(PAGES)} real pages (cap {DEFAULT_CAP}):")
        for name, score in SCORES.items():
            print("  " + describe(name, score, _pages(name)))
    assert len(PAGES) >= 150
    assert sum(1 for page in PAGES if page.language == "de") >= 60
    assert sum(1 for page in PAGES if page.language == "en") >= 60
    assert all(0.0 <= f1(score) <= 1.0 for score in SCORES.values())


# Issue 10 stays open while the finder misses the test split's targets (figures printed by test_print_the_figures
# and kept in tests/fixtures/realpages/BASELINE.md). strict=True: the day they are met, the test fails until the
# mark is removed. The tuning split's targets are met and asserted.
MISSES_ISSUE_10_TARGETS = pytest.mark.xfail(
    strict=True, reason="issue 10 open: the question finder does not yet meet the real-page targets")


def test_tuning_split_meets_the_targets() -> None:
    summary = SCORES["tune"].summary()
    precision, recall = SCORES["tune"].precision, SCORES["tune"].recall
    assert precision >= 0.95, summary
    assert recall >= 0.85, summary


@MISSES_ISSUE_10_TARGETS
def test_test_split_meets_the_targets() -> None:
    """Only the figures: the test split's mistakes are not printed, so that nobody tunes on them."""
    summary = SCORES["test"].summary()
    precision, recall, kinds = SCORES["test"].precision, SCORES["test"].recall, SCORES["test"].kind_accuracy
    assert precision >= 0.9, summary
    assert recall >= 0.75, summary
    assert kinds >= 0.95, summary


def _question_count(page) -> int:
    return len(explain_questions(page.article))


def test_pages_with_many_questions_yield_at_most_the_cap_and_usually_none(capsys: pytest.CaptureFixture[str]) -> None:
    """Interviews, FAQs and checklists: many questions, few or none put to the readers."""
    many = [r for r in RESULTS if r.page.genre in ("interview", "faq") or _question_count(r.page) >= 8]
    assert len(many) >= 10
    assert all(len(r.drafts) <= DEFAULT_CAP for r in many)
    without_polls = [r for r in many if not r.drafts]
    with capsys.disabled():
        print(f"\npages with many questions (interview, FAQ or >= 8 question-like sentences): {len(many)}, "
              f"{len(without_polls)} without any poll, {sum(len(r.drafts) for r in many)} polls in all, "
              f"{sum(len(r.page.polls) for r in many)} labelled")
    assert len(without_polls) >= 0.75 * len(many)


def test_recall_within_the_cap_forgives_only_the_polls_beyond_it() -> None:
    """A page labelled with five polls can give at most three under the default cap: two of its misses are beyond
    any finder's reach, the others count."""
    from types import SimpleNamespace

    from bot.questions.model import PollDraft, PollKind
    from tests.questions.realpages import PageResult, score_results

    polls = [{"text": f"Question {n}?", "kind": "open"} for n in range(5)]
    page = SimpleNamespace(id="en-example", polls=polls, not_polls=[])

    def found(count: int) -> PageResult:
        matched = [(poll, PollDraft(poll["text"], PollKind.OPEN, (), n)) for n, poll in enumerate(polls[:count])]
        return PageResult(page, drafts=[draft for _, draft in matched], matched=matched, missed=polls[count:])  # type: ignore[arg-type]

    all_three = score_results([found(3)])
    assert all_three.beyond_cap == 2 and all_three.recall_within_cap == 1.0 and all_three.recall == pytest.approx(3 / 5)
    only_one = score_results([found(1)])
    assert only_one.beyond_cap == 2 and only_one.recall_within_cap == pytest.approx(1 / 3)


def test_a_found_question_matches_a_label_that_keeps_a_lead_in_before_a_colon() -> None:
    """The finder asks "What does your organization optimize for?" where the label keeps the sentence whole ("Laptop
    stickers or not, it begs the question: what does your organization optimize for?"): the same poll."""
    labelled = "Laptop stickers or not, it begs the question: what does your organization optimize for?"
    assert same_question("What does your organization optimize for?", labelled)
    assert same_question(labelled, "What does your organization optimize for?")
    assert not same_question("What do you optimize for?", labelled)
    assert not same_question("Why?", "One question: why?")  # too short to say it is the same question
