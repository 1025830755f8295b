"""The round-10 scorer study (tests/questions/train_scorer.py) counts as the finder is scored and never sees a test page.

Its figures in BASELINE.md are only worth something if the counting respects the cap and the matching, the folds keep
a site's pages together, the fit is deterministic, and the loader never extracts a page of the test split.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from tests.questions import train_scorer
from tests.questions.train_scorer import Sample, count, features, fit, site_folds, vocabulary


def _sample(page: int, question: str, label: bool, site: str = "a.example", **changes: object) -> Sample:
    base = Sample(
        page=page, site=site, language="en", question=question, judge_rule="verb_first", kind="yes_no",
        signals=("reader_address",), hand=0.0, previous="", following="", block_kind="paragraph", emphasised=False,
        same_block_next=False, run_length=1, sentences_in_block=1, relative_position=0.5, label=label, kind_right=label,
    )
    return replace(base, **changes)


def test_count_keeps_at_most_three_per_page_by_score_and_counts_every_labelled_poll() -> None:
    data = [_sample(0, f"Do you like number {n}?", label=n < 4) for n in range(5)]
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.95])  # the fifth, a wrong one, is the most confident
    counted = count(data, scores, 0.5, {0: 4, 1: 2})  # page 1: two polls no candidate found
    assert (counted.tp, counted.fp, counted.fn) == (2, 1, 4)


def test_count_takes_a_question_once_and_ignores_pages_not_asked_for() -> None:
    data = [_sample(0, "Do you agree?", True), _sample(0, "Do you agree", True), _sample(1, "Really, you?", False)]
    counted = count(data, np.array([0.9, 0.8, 0.9]), 0.5, {0: 1})
    assert (counted.tp, counted.fp, counted.fn) == (1, 0, 0)


def test_site_folds_are_deterministic_and_balanced() -> None:
    sites = [f"site{n}.example" for n in range(23)] * 3  # several pages per site
    folds = site_folds(sites, 5, seed=10)
    assert folds == site_folds(list(reversed(sites)), 5, seed=10)
    assert sorted(Counter(folds.values()).values()) == [4, 4, 5, 5, 5]
    assert folds != site_folds(sites, 5, seed=11)


def test_a_word_of_one_site_is_no_feature() -> None:
    rows = [["w:chai", "w:you"], ["w:you"], ["w:chai"]]
    assert set(vocabulary(rows, ["a", "b", "a"], min_sites=2)) == {"w:you"}


def test_fit_is_deterministic_and_learns_the_feature_that_marks_the_polls() -> None:
    x = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]] * 5)
    y = np.array([1.0, 1.0, 0.0, 0.0] * 5)
    first = fit(x, y, np.full(2, 0.1), np.ones(len(y)))
    second = fit(x, y, np.full(2, 0.1), np.ones(len(y)))
    assert np.array_equal(first[0], second[0])
    assert first[0][0] > 1.0 and abs(first[0][1]) < 0.5


def test_features_of_the_groups_asked_for_only() -> None:
    sample = _sample(0, "What do you think?", True, following="Let me know in the comments.")
    assert features(sample, frozenset({"signals"})) == ["s:reader_address"]
    lexicon = features(sample, frozenset({"lexicon"}))
    assert "lq:reader" in lexicon and "lq:wh_first" in lexicon and "ln:invites" in lexicon


def test_the_loader_extracts_no_page_of_the_test_split(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []

    def fake_load(path):  # what load_page would return, without extracting
        label = json.loads(path.read_text(encoding="utf-8"))
        loaded.append(label["split"])
        return SimpleNamespace(split=label["split"])

    monkeypatch.setattr(train_scorer, "load_page", fake_load)
    pages = train_scorer.load_tune_pages()
    assert len(pages) >= 400
    assert set(loaded) == {"tune"}
