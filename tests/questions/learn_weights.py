"""Would a learned scorer beat the hand-set signal weights? (issue 10, optional part)

Logistic regression (numpy, L2) over the same named signals as `bot/questions/signals.py`, trained on the
TUNING split of the real-page corpus and cross-validated by site (every site's pages are held out together).
Only questions the finder's rules let through are scored (the rest never reach the confidence). Prints the
cross-validated precision, recall and F1 of both; with --test also the test split (trained on all of tune).

    python -m tests.questions.learn_weights [--test]

The weights are not shipped unless they beat the rules; see the report in BASELINE.md.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

from bot.questions.finder import explain_questions
from bot.questions.signals import MIN_CONFIDENCE, SIGNALS

from tests.questions.realpages import load_realpages, same_question

NAMES = list(SIGNALS)


def samples(pages):
    """(site, features, label, hand confidence) for every question the rules let through."""
    rows = []
    for page in pages:
        for verdict in explain_questions(page.article):
            if not (verdict.is_poll or verdict.rule == "low_confidence"):
                continue
            label = any(same_question(verdict.question, poll["text"]) for poll in page.polls)
            features = [1.0 if name in verdict.signals else 0.0 for name in NAMES]
            rows.append((page.site, features, float(label), verdict.confidence))
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000, rate: float = 0.1) -> np.ndarray:
    x1 = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(x1.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x1 @ w))
        grad = x1.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]] / len(y)
        w -= rate * grad
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))


def prf(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also score the test split (train on all of tune)")
    args = parser.parse_args(argv)
    pages = load_realpages()
    tune = samples([page for page in pages if page.split == "tune"])
    sites = sorted({row[0] for row in tune})
    x = np.array([row[1] for row in tune])
    y = np.array([row[2] for row in tune])
    hand = np.array([row[3] for row in tune]) >= MIN_CONFIDENCE
    folds = defaultdict(list)
    for index, row in enumerate(tune):
        folds[sites.index(row[0]) % 5].append(index)
    learned = np.zeros(len(tune), dtype=bool)
    for held in folds.values():
        train = np.setdiff1d(np.arange(len(tune)), held)
        w = fit(x[train], y[train])
        learned[held] = predict(w, x[held]) >= 0.5
    print(f"tune split, {len(tune)} questions past the rules, {int(y.sum())} polls, 5 folds by site")
    print("  hand weights:   precision %.3f recall %.3f F1 %.3f" % prf(hand, y))
    print("  learned (CV):   precision %.3f recall %.3f F1 %.3f" % prf(learned, y))
    w = fit(x, y)
    print("  learned weights (all of tune): bias %.2f, " % w[0] + ", ".join(f"{n} {v:+.2f}" for n, v in zip(NAMES, w[1:], strict=True)))
    if args.test:
        test = samples([page for page in pages if page.split == "test"])
        xt = np.array([row[1] for row in test])
        yt = np.array([row[2] for row in test])
        print(f"test split, {len(test)} questions past the rules, {int(yt.sum())} polls")
        print("  hand weights:   precision %.3f recall %.3f F1 %.3f" % prf(np.array([row[3] for row in test]) >= MIN_CONFIDENCE, yt))
        print("  learned:        precision %.3f recall %.3f F1 %.3f" % prf(predict(w, xt) >= 0.5, yt))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
