"""The site spread (tests/questions/site_spread.py) resamples whole sites and sees one bad site move the figures."""

from __future__ import annotations

from tests.questions.site_spread import SiteCounts, bootstrap, figures, leave_one_site_out, without_worst

EVEN = {f"site{i}.example": SiteCounts(4, 1, 1) for i in range(10)}


def test_summed_counts_give_precision_recall_and_f1() -> None:
    precision, recall, f1 = figures([SiteCounts(4, 1, 1), SiteCounts(2, 1, 3)])
    assert (round(precision, 3), round(recall, 3)) == (0.75, 0.6)
    assert abs(f1 - 2 * 0.75 * 0.6 / 1.35) < 1e-9


def test_sites_alike_give_a_narrow_interval_and_one_bad_site_widens_it() -> None:
    even = bootstrap(EVEN, resamples=500)
    assert even["precision"] == (0.8, 0.8)
    skewed = dict(EVEN, **{"bad.example": SiteCounts(0, 20, 6)})
    low, high = bootstrap(skewed, resamples=500)["precision"]
    assert low < 0.6 < 0.8 == high


def test_leaving_the_worst_site_out_restores_the_others_figures() -> None:
    skewed = dict(EVEN, **{"bad.example": SiteCounts(0, 20, 6)})
    assert figures(list(skewed.values()))[0] < 0.6
    assert without_worst(skewed, "false_positives")[:2] == (0.8, 0.8)
    assert leave_one_site_out(skewed)["precision"][1] == 0.8
