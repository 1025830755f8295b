"""How much the real-page figures depend on which sites a split happens to hold (issue 10).

The test split's mistakes fall on few sites (the funnel: a third of its wrong polls on one site), so a figure from it
says as much about those sites as about the finder. This resamples whole sites (a bootstrap over sites, since a site's
pages share a writer, a template and a labeller) and leaves each site out once, and prints only figures:

    python -m tests.questions.site_spread --split tune
    python -m tests.questions.site_spread --split test   # figures only, no site named
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from tests.questions.realpages import (
    REALPAGES_DIR, PageResult, default_finder, f1, judge_page, load_realpages, score_results,
)


@dataclass(frozen=True)
class SiteCounts:
    true_positives: int
    false_positives: int
    false_negatives: int


def per_site(results: list[PageResult]) -> dict[str, SiteCounts]:
    sites: dict[str, list[PageResult]] = {}
    for result in results:
        sites.setdefault(result.page.site, []).append(result)
    counts = {}
    for site, site_results in sites.items():
        score = score_results(site_results)
        counts[site] = SiteCounts(score.true_positives, score.false_positives, score.false_negatives)
    return counts


def figures(counts: list[SiteCounts]) -> tuple[float, float, float]:
    """Precision, recall and F1 of summed counts (1.0 where nothing was found or expected, as `Score` has it)."""
    tp = sum(c.true_positives for c in counts)
    fp = sum(c.false_positives for c in counts)
    fn = sum(c.false_negatives for c in counts)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bootstrap(counts: dict[str, SiteCounts], resamples: int = 2000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """The 2.5th and 97.5th percentiles of precision, recall and F1 over splits drawn from the same sites with
    replacement."""
    rng = random.Random(seed)
    sites = list(counts.values())
    drawn = [figures([rng.choice(sites) for _ in sites]) for _ in range(resamples)]
    return {
        name: (percentile([d[i] for d in drawn], 0.025), percentile([d[i] for d in drawn], 0.975))
        for i, name in enumerate(("precision", "recall", "f1"))
    }


def leave_one_site_out(counts: dict[str, SiteCounts]) -> dict[str, tuple[float, float]]:
    """The lowest and highest precision, recall and F1 with one site left out."""
    left_out = [figures([c for other, c in counts.items() if other != site]) for site in counts]
    return {name: (min(f[i] for f in left_out), max(f[i] for f in left_out)) for i, name in enumerate(("precision", "recall", "f1"))}


def without_worst(counts: dict[str, SiteCounts], key: str) -> tuple[float, float, float]:
    """The figures without the one site with the most false polls (key "false_positives") or misses."""
    worst = max(counts, key=lambda site: getattr(counts[site], key))
    return figures([c for site, c in counts.items() if site != worst])


def report(results: list[PageResult]) -> list[str]:
    counts = per_site(results)
    lines = [
        "all sites: P {:.3f} R {:.3f} F1 {:.3f} ({} sites, {} pages)".format(
            *figures(list(counts.values())), len(counts), len(results)
        )
    ]
    for name, (low, high) in bootstrap(counts).items():
        lines.append(f"site bootstrap 95% {name}: {low:.3f} to {high:.3f}")
    for name, (low, high) in leave_one_site_out(counts).items():
        lines.append(f"one site left out, {name}: {low:.3f} to {high:.3f}")
    for key, label in (("false_positives", "most wrong polls"), ("false_negatives", "most misses")):
        lines.append("without the site with the {}: P {:.3f} R {:.3f} F1 {:.3f}".format(label, *without_worst(counts, key)))
    score = score_results(results)
    lines.append(f"(as scored: P {score.precision:.3f} R {score.recall:.3f} F1 {f1(score):.3f})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "test"), required=True)
    parser.add_argument("--dir", type=Path, default=REALPAGES_DIR)
    args = parser.parse_args(argv)
    find = default_finder()
    results = [judge_page(page, find) for page in load_realpages(args.dir) if page.split == args.split]
    print("\n".join(report(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
