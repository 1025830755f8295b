"""Would a small learned scorer that also reads the TEXT generalise to unseen sites better than the signals? (issue 10, round 10)

`learn_weights.py` re-weights the named signals and finds that they do not transfer across sites. This script asks
whether words do: every question-like sentence the finder considers (`explain_questions`, rule-excluded ones too) is a
candidate; its label is whether it matches a labelled poll (`same_question`). A logistic model (numpy, L2, a fixed
seed, no randomness in the fit) is cross-validated on the TUNING split only, grouped by site: all pages of a site are
held out together, 5 folds, repeated with 5 site shuffles. The decision threshold is chosen inside the training folds
(by an inner 4-fold site-grouped CV on them), never on the held-out fold. Counting is page by page as the finder's
scorer does: questions over the threshold, duplicates dropped, at most `DEFAULT_CAP` (3) per page by score, each
labelled poll matched once; every labelled poll of a page counts towards recall, found by a candidate or not.

    python -m tests.questions.train_scorer            # the comparison table (about a minute)
    python -m tests.questions.train_scorer --weights  # also the heaviest text weights, fit on all of tune

The test split is never loaded: label files are filtered by their split before any page is extracted.
The report and the decision are in tests/fixtures/realpages/BASELINE.md ("Round 10").
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.questions.finder import QuestionVerdict, _Finder
from bot.questions.evidence import Candidate
from bot.questions.fit import dedupe_key
from bot.questions.lexicon import lexicon_for
from bot.questions.signals import MIN_CONFIDENCE, contains_phrase

from tests.questions.realpages import DEFAULT_CAP, RealPage, label_paths, load_page, same_question

SEED = 10
FOLDS = 5
INNER_FOLDS = 4
SHUFFLES = tuple(range(SEED, SEED + 5))
THRESHOLDS = tuple(round(0.05 + 0.025 * step, 3) for step in range(37))  # 0.05 … 0.95
# the rules' kinds: a candidate the rules let through (before the confidence decides); the others were excluded by a rule
PASSING_RULES = frozenset(
    "verb_first wh_question asks_for_input named_alternatives naming_question declarative_question "
    "alternative_question confirmation_tag".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


# --- candidates -----------------------------------------------------------------------------------


class _Recording(_Finder):
    """The finder, keeping each candidate and the rule `judge` gave it (before the confidence can turn a pass into
    low_confidence: that rule would hand the hand weights, fit on all of tune, to the model)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.judged: list[tuple[Candidate, str]] = []

    def judge(self, candidate: Candidate) -> QuestionVerdict:
        verdict = super().judge(candidate)
        self.judged.append((candidate, verdict.rule))
        return verdict


@dataclass(frozen=True)
class Sample:
    """One candidate question of one page, with what a model may see and its label."""

    page: int  # index into the pages
    site: str
    language: str
    question: str
    judge_rule: str
    kind: str | None
    signals: tuple[str, ...]
    hand: float  # the hand-weight confidence, 0 when a rule excluded the question
    previous: str
    following: str
    block_kind: str
    emphasised: bool
    same_block_next: bool
    run_length: int
    sentences_in_block: int
    relative_position: float  # block index / blocks (-1 for the title)
    label: bool
    kind_right: bool  # its kind is the labelled poll's (when it is one)


def load_tune_pages() -> list[RealPage]:
    """The tuning split only; a test page is never extracted."""
    paths = [path for path in label_paths() if json.loads(path.read_text(encoding="utf-8"))["split"] == "tune"]
    pages = [load_page(path) for path in paths]
    assert all(page.split == "tune" for page in pages)
    return pages


def samples(pages: Sequence[RealPage]) -> list[Sample]:
    rows: list[Sample] = []
    for number, page in enumerate(pages):
        finder = _Recording(page.article, explain_all=True)
        verdicts = finder.run()
        assert len(verdicts) == len(finder.judged), page.id
        blocks = max(len(finder.blocks), 1)
        for verdict, (candidate, judge_rule) in zip(verdicts, finder.judged, strict=True):
            poll = next((poll for poll in page.polls if same_question(verdict.question, poll["text"])), None)
            block = candidate.block
            rows.append(
                Sample(
                    page=number,
                    site=page.site,
                    language=page.language,
                    question=verdict.question,
                    judge_rule=judge_rule,
                    kind=verdict.kind.value if verdict.kind else None,
                    signals=verdict.signals,
                    hand=verdict.confidence if verdict.is_poll or verdict.rule == "low_confidence" else 0.0,
                    previous=candidate.previous_sentence,
                    following=candidate.next_sentence,
                    block_kind=block.kind if block is not None else "title",
                    emphasised=bool(block is not None and block.emphasis),
                    same_block_next=candidate.same_block_next,
                    run_length=candidate.run_length,
                    sentences_in_block=len(finder.sentences(candidate.position)) if block is not None else 0,
                    relative_position=candidate.position / blocks if block is not None else -1.0,
                    label=poll is not None,
                    kind_right=poll is not None and verdict.kind is not None and verdict.kind.value == poll["kind"],
                )
            )
    return rows


# --- features -------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _word_classes(prefix: str, text: str, language: str) -> list[str]:
    """Cross-site word classes from the finder's lexicon: whom a sentence addresses, how it opens, whether it invites."""
    lexicon = lexicon_for(language)
    words = tokens(text)
    if not words:
        return [prefix + "empty"]
    present = set(words)
    found = [
        prefix + name
        for name, members in (
            ("reader", lexicon.reader_pronouns),
            ("polite", lexicon.polite_pronouns),
            ("first", lexicon.first_person_subjects | lexicon.first_person_singular),
            ("speaker_object", lexicon.speaker_objects),
        )
        if present & members
    ]
    if words[0] in lexicon.wh_words:
        found.append(prefix + "wh_first")
    if words[0] in lexicon.finite_auxiliaries:
        found.append(prefix + "verb_first")
    lowered = " ".join(words)
    if contains_phrase(lowered, lexicon.invitation_phrases) or contains_phrase(lowered, lexicon.reply_places):
        found.append(prefix + "invites")
    if text.strip().endswith(("?", "!")):
        found.append(prefix + ("asks" if text.strip().endswith("?") else "exclaims"))
    return found


def features(sample: Sample, groups: frozenset[str]) -> list[str]:
    """Named binary features of `groups`: signals, rule (the finder's), words (the question's uni- and bigrams and
    first/last words), context (words of the sentences around), lexicon (word classes), shape (where and how it stands)."""
    found: list[str] = []
    if "signals" in groups:
        found += ["s:" + name for name in sample.signals]
    if "rule" in groups:
        found += ["r:" + sample.judge_rule, "k:" + str(sample.kind)]
    if "words" in groups:
        words = tokens(sample.question)
        found += ["w:" + word for word in set(words)]
        found += ["w2:" + a + "_" + b for a, b in set(zip(words, words[1:]))]
        if words:
            found += ["w0:" + words[0], "w01:" + "_".join(words[:2]), "wz:" + words[-1]]
    if "context" in groups:
        found += ["p:" + word for word in set(tokens(sample.previous)[-8:])]
        following = tokens(sample.following)
        found += ["n:" + word for word in set(following[:8])]
        if following:
            found.append("n0:" + following[0])
    if "lexicon" in groups:
        for prefix, text in (("lq:", sample.question), ("ln:", sample.following), ("lp:", sample.previous)):
            found += _word_classes(prefix, text, sample.language)
    if "shape" in groups:
        found += [
            "bk:" + sample.block_kind,
            "em:" + str(sample.emphasised),
            "same_block_next:" + str(sample.same_block_next),
            "run:" + str(min(sample.run_length, 4)),
            "sentences:" + str(min(sample.sentences_in_block, 4)),
            "length:" + str(min(len(tokens(sample.question)) // 5, 5)),
            "where:" + ("title" if sample.relative_position < 0 else str(int(5 * sample.relative_position))),
        ]
    return found


# --- model ----------------------------------------------------------------------------------------

SIGNAL_PREFIXES = ("s:", "r:", "k:")


def vocabulary(rows: Sequence[list[str]], sites: Sequence[str], min_sites: int) -> dict[str, int]:
    """Features seen on at least `min_sites` training sites: a word of one site cannot speak for the next one."""
    seen: dict[str, set[str]] = defaultdict(set)
    for row, site in zip(rows, sites, strict=True):
        for feature in row:
            seen[feature].add(site)
    return {feature: index for index, feature in enumerate(sorted(f for f, s in seen.items() if len(s) >= min_sites))}


def matrix(rows: Sequence[list[str]], vocab: dict[str, int]) -> np.ndarray:
    x = np.zeros((len(rows), len(vocab)), dtype=np.float64)
    for number, row in enumerate(rows):
        for feature in row:
            if (index := vocab.get(feature)) is not None:
                x[number, index] = 1.0
    return x


def fit(x: np.ndarray, y: np.ndarray, l2: np.ndarray, weights: np.ndarray, steps: int = 400, rate: float = 0.1) -> tuple[np.ndarray, float]:
    """L2 logistic regression by full-batch Adam from zero: deterministic. `l2` per feature (signals and text are
    regularised apart), `weights` per sample (a site with many polls must not decide alone)."""
    n, d = x.shape
    weights = weights * n / weights.sum()
    w, bias = np.zeros(d), float(np.log((y.mean() + 1e-3) / (1 - y.mean() + 1e-3)))
    m, v = np.zeros(d + 1), np.zeros(d + 1)
    for step in range(1, steps + 1):
        error = weights * (1 / (1 + np.exp(-(x @ w + bias))) - y)
        grad = np.append(x.T @ error / n + l2 * w / n, error.mean())
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        move = rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        w -= move[:d]
        bias -= move[d]
    return w, bias


@dataclass(frozen=True)
class Spec:
    """A model to compare: which feature groups, which candidates, how much regularisation."""

    name: str
    groups: frozenset[str]
    l2_signals: float = 0.1
    l2_text: float = 30.0
    min_sites: int = 3
    site_weight: float = 0.5  # a sample weighs sites' candidate count ** -site_weight
    past_rules_only: bool = True  # only candidates the rules let through (as learn_weights.py)

    def keeps(self, sample: Sample) -> bool:
        return not self.past_rules_only or sample.judge_rule in PASSING_RULES


def train(spec: Spec, rows: Sequence[list[str]], data: Sequence[Sample], y: np.ndarray) -> Callable[[Sequence[list[str]]], np.ndarray]:
    sites = [sample.site for sample in data]
    vocab = vocabulary(rows, sites, spec.min_sites)
    l2 = np.array([spec.l2_signals if f.startswith(SIGNAL_PREFIXES) else spec.l2_text for f in vocab])
    per_site = Counter(sites)
    w, bias = fit(matrix(rows, vocab), y, l2, np.array([per_site[site] ** -spec.site_weight for site in sites]))
    return lambda new: 1 / (1 + np.exp(-(matrix(new, vocab) @ w + bias)))


# --- counting -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    tp: int
    fp: int
    fn: int
    kinds_right: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.tp if self.tp else 1.0


def count(data: Sequence[Sample], scores: np.ndarray, threshold: float, polls_per_page: dict[int, int], cap: int = DEFAULT_CAP) -> Count:
    """Page by page, as the finder is scored: candidates at or over `threshold`, a question once, at most `cap` by
    score (the earlier on a tie); every labelled poll of the pages in `polls_per_page` counts towards recall."""
    by_page: dict[int, list[int]] = defaultdict(list)
    for index, sample in enumerate(data):
        if sample.page in polls_per_page and scores[index] >= threshold:
            by_page[sample.page].append(index)
    tp = fp = kinds = 0
    for indices in by_page.values():
        seen: set[str] = set()
        picked: list[int] = []
        for index in sorted(indices, key=lambda i: (-scores[i], i)):
            key = dedupe_key(data[index].question)
            if key not in seen:
                seen.add(key)
                picked.append(index)
        for index in picked[:cap]:
            if data[index].label:
                tp, kinds = tp + 1, kinds + data[index].kind_right
            else:
                fp += 1
    return Count(tp, fp, sum(polls_per_page.values()) - tp, kinds)


def site_folds(sites: Sequence[str], folds: int, seed: int) -> dict[str, int]:
    """Each site's fold: all pages of a site are held out together."""
    order = sorted(set(sites))
    np.random.RandomState(seed).shuffle(order)
    return {site: number % folds for number, site in enumerate(order)}


def best_threshold(data: Sequence[Sample], scores: np.ndarray, polls_per_page: dict[int, int]) -> float:
    """The threshold of the highest F1 (the higher threshold on a tie: precision comes first)."""
    return max(THRESHOLDS, key=lambda t: (round(count(data, scores, t, polls_per_page).f1, 9), t))


def cross_validate(spec: Spec, data: Sequence[Sample], pages: Sequence[RealPage], seed: int) -> np.ndarray:
    """Held-out scores, each fold's shifted so that its own threshold (chosen on the training sites) sits at 0.5."""
    rows = [features(sample, spec.groups) for sample in data]
    page_sites = [page.site for page in pages]
    polls = polls_by_page(pages)
    y = np.array([float(sample.label) for sample in data])
    fold_of = site_folds(page_sites, FOLDS, seed)
    held_scores = np.zeros(len(data))
    for fold in range(FOLDS):
        train_idx = [i for i, s in enumerate(data) if fold_of[s.site] != fold and spec.keeps(s)]
        held_idx = [i for i, s in enumerate(data) if fold_of[s.site] == fold and spec.keeps(s)]
        inner_of = site_folds([data[i].site for i in train_idx], INNER_FOLDS, seed + 100)
        inner = np.zeros(len(data))
        for inner_fold in range(INNER_FOLDS):
            fit_idx = [i for i in train_idx if inner_of[data[i].site] != inner_fold]
            out_idx = [i for i in train_idx if inner_of[data[i].site] == inner_fold]
            model = train(spec, [rows[i] for i in fit_idx], [data[i] for i in fit_idx], y[fit_idx])
            inner[out_idx] = model([rows[i] for i in out_idx])
        train_pages = {page: n for page, n in polls.items() if fold_of[page_sites[page]] != fold}
        mask = np.full(len(data), -1.0)
        mask[train_idx] = inner[train_idx]
        threshold = best_threshold(data, mask, train_pages)
        model = train(spec, [rows[i] for i in train_idx], [data[i] for i in train_idx], y[train_idx])
        held_scores[held_idx] = model([rows[i] for i in held_idx]) - threshold + 0.5
    return held_scores


# --- report ---------------------------------------------------------------------------------------

SPECS = (
    Spec("(b) signals only", frozenset({"signals"})),
    Spec("(c) signals + rule + words", frozenset({"signals", "rule", "words"})),
    Spec("(c) ... + context + shape", frozenset({"signals", "rule", "words", "context", "shape"})),
    Spec("(c) ... + context + shape, weaker L2 on text", frozenset({"signals", "rule", "words", "context", "shape"}), l2_text=3.0),
    Spec("(c) signals + lexicon classes + shape", frozenset({"signals", "lexicon", "shape"}), l2_text=10.0, min_sites=1),
    Spec("(c') words + context + shape + rule, no signals", frozenset({"words", "context", "shape", "rule"}), l2_text=1.0),
)


def polls_by_page(pages: Sequence[RealPage], language: str | None = None) -> dict[int, int]:
    return {number: len(page.polls) for number, page in enumerate(pages) if language in (None, page.language)}


def line(name: str, counts: list[Count]) -> str:
    figures = np.array([(c.precision, c.recall, c.f1, c.kind_accuracy) for c in counts])
    mean, spread = figures.mean(axis=0), figures.std(axis=0)
    tp, fp, fn = (np.mean([getattr(c, a) for c in counts]) for a in ("tp", "fp", "fn"))
    return (
        f"| {name} | {mean[0]:.3f} ± {spread[0]:.3f} | {mean[1]:.3f} ± {spread[1]:.3f} | {mean[2]:.3f} ± {spread[2]:.3f} "
        f"| {mean[3]:.3f} | {tp:.0f} / {fp:.0f} / {fn:.0f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", action="store_true", help="print the heaviest text weights, fit on all of tune")
    args = parser.parse_args(argv)
    pages = load_tune_pages()
    data = samples(pages)
    languages = (None, "de", "en")
    print(f"tune split: {len(pages)} pages, {len({p.site for p in pages})} sites, {len(data)} candidates, "
          f"{sum(s.label for s in data)} match a labelled poll, {sum(len(p.polls) for p in pages)} labelled polls")
    print("| model | precision | recall | F1 | kind | TP / FP / FN |\n|---|---|---|---|---|---|")
    hand = np.array([sample.hand for sample in data])
    for language in languages:
        name = "(a) hand weights, fit on all of tune" + (f", {language}" if language else "")
        print(line(name, [count(data, hand, MIN_CONFIDENCE, polls_by_page(pages, language))]))
    for spec in SPECS:
        held = [cross_validate(spec, data, pages, seed) for seed in SHUFFLES]
        for language in languages:
            name = spec.name + (f", {language}" if language else "")
            print(line(name, [count(data, scores, 0.5, polls_by_page(pages, language)) for scores in held]), flush=True)
    if args.weights:
        spec = SPECS[2]
        keep = [s for s in data if spec.keeps(s)]
        rows = [features(s, spec.groups) for s in keep]
        vocab = vocabulary(rows, [s.site for s in keep], spec.min_sites)
        l2 = np.array([spec.l2_signals if f.startswith(SIGNAL_PREFIXES) else spec.l2_text for f in vocab])
        per_site = Counter(s.site for s in keep)
        w, _ = fit(matrix(rows, vocab), np.array([float(s.label) for s in keep]), l2,
                   np.array([per_site[s.site] ** -spec.site_weight for s in keep]))
        text = sorted((f for f in vocab if not f.startswith(SIGNAL_PREFIXES)), key=lambda f: -abs(w[vocab[f]]))
        print("heaviest text weights (all of tune): " + ", ".join(f"{f} {w[vocab[f]]:+.2f}" for f in text[:30]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
