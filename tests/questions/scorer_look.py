"""One look at the test split for the learned scorers of `train_scorer.py` beside the hand weights (issue 10).

The issue welcomes a small learned scorer "if it beats the rules on the test split". Round 10 compared scorers on the
tuning split only (cross-validated by site) and never scored one on the test split. This script does that once, with
everything fixed before the look (the commit that adds this file says so; BASELINE.md has the figures):

- the models: `train_scorer.SPECS[0]` (logistic over the signals) and `SPECS[4]` (signals + lexicon word classes +
  shape, the best cross-validated F1 on the tuning split), each fit on the whole tuning split;
- each model's threshold: the one of the best F1 over its held-out scores of a 5-fold site-grouped cross-validation on
  the tuning split (seed 10), never chosen on a test page;
- the reference: the hand weights at `MIN_CONFIDENCE`, counted the same way (`train_scorer.count`: per page, a question
  once, at most 3 by score; kinds from the rules);
- the labels: the first labels (official) and the adjudicated ones (`agreement.py`);
- the decision: a model would replace the hand weights only if, against the first labels, its F1 is at least 0.05
  above theirs and its precision not below theirs, and against the adjudicated labels its F1 is higher too; shipping
  it would further need the tuning split's asserted targets (precision >= 0.95, recall >= 0.85) with the model fit on
  all of it.

Only figures are printed: no question, page or site of the test split.

    python -m tests.questions.scorer_look
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from bot.questions.signals import MIN_CONFIDENCE

from tests.questions import train_scorer as scorer
from tests.questions.agreement import SECOND_TEST_LABELS_DIR, adjudicated_polls, load_adjudication, load_second_labels, with_polls
from tests.questions.realpages import RealPage, label_paths, load_page

MODELS = (scorer.SPECS[0], scorer.SPECS[4])
CV_SEED = scorer.SEED


def cv_threshold(spec: scorer.Spec, data: Sequence[scorer.Sample], pages: Sequence[RealPage]) -> float:
    """The threshold of the best F1 over held-out scores (5 folds by site on the tuning split)."""
    rows = [scorer.features(sample, spec.groups) for sample in data]
    y = np.array([float(sample.label) for sample in data])
    fold_of = scorer.site_folds([page.site for page in pages], scorer.FOLDS, CV_SEED)
    held = np.full(len(data), -1.0)
    for fold in range(scorer.FOLDS):
        train_idx = [i for i, s in enumerate(data) if fold_of[s.site] != fold and spec.keeps(s)]
        held_idx = [i for i, s in enumerate(data) if fold_of[s.site] == fold and spec.keeps(s)]
        model = scorer.train(spec, [rows[i] for i in train_idx], [data[i] for i in train_idx], y[train_idx])
        held[held_idx] = model([rows[i] for i in held_idx])
    return scorer.best_threshold(data, held, scorer.polls_by_page(pages))


def fitted(spec: scorer.Spec, data: Sequence[scorer.Sample]):
    keep = [s for s in data if spec.keeps(s)]
    model = scorer.train(spec, [scorer.features(s, spec.groups) for s in keep], keep, np.array([float(s.label) for s in keep]))

    def score(new: Sequence[scorer.Sample]) -> np.ndarray:
        scores = np.full(len(new), -1.0)
        idx = [i for i, s in enumerate(new) if spec.keeps(s)]
        if idx:
            scores[idx] = model([scorer.features(new[i], spec.groups) for i in idx])
        return scores

    return score


def test_pages() -> tuple[list[RealPage], list[RealPage]]:
    """The test split with its first labels, and the second-labelled test pages with the adjudicated polls."""
    paths = [path for path in label_paths() if json.loads(path.read_text(encoding="utf-8"))["split"] == "test"]
    first = [load_page(path) for path in paths]
    decisions = load_adjudication()
    adjudicated = [with_polls(page, adjudicated_polls(page, second, decisions))
                   for page, second in load_second_labels(SECOND_TEST_LABELS_DIR, "test")]
    return first, adjudicated


def figures(name: str, counted: scorer.Count) -> str:
    return (f"| {name} | {counted.precision:.3f} | {counted.recall:.3f} | {counted.f1:.3f} | {counted.kind_accuracy:.3f} "
            f"| {counted.tp} / {counted.fp} / {counted.fn} |")


def main() -> int:
    tune = scorer.load_tune_pages()
    tune_data = scorer.samples(tune)
    first, adjudicated = test_pages()
    labelled = {"first labels": first, "adjudicated": adjudicated}
    test_data = {name: scorer.samples(pages) for name, pages in labelled.items()}
    print("| scorer (threshold) | labels | precision | recall | F1 | kind | TP / FP / FN |\n|---|---|---|---|---|---|---|")
    rows: list[tuple[str, np.ndarray | None, float]] = [("hand weights", None, MIN_CONFIDENCE)]
    for spec in MODELS:
        rows.append((spec.name, None, cv_threshold(spec, tune_data, tune)))
    for index, (name, _, threshold) in enumerate(rows):
        score = (lambda data: np.array([s.hand for s in data])) if index == 0 else fitted(MODELS[index - 1], tune_data)
        in_sample = scorer.count(tune_data, score(tune_data), threshold, scorer.polls_by_page(tune))
        print(figures(f"{name} ({threshold:.3f}) | tune, fit on it", in_sample))
        for labels, pages in labelled.items():
            data = test_data[labels]
            for language in (None, "de", "en"):
                counted = scorer.count(data, score(data), threshold, scorer.polls_by_page(pages, language))
                print(figures(f"{name} ({threshold:.3f}) | test, {labels}" + (f", {language}" if language else ""), counted))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
