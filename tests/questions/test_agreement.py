"""The second labels (tests/fixtures/realpages/second_labels and second_labels_test, a blind second labelling of
tuning pages and of the test split) are well-formed, so that the agreement figures in BASELINE.md measure the
labellers and not typos in the labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.questions.agreement import (
    SECOND_LABELS, as_drafts, disputed, lenient_and_strict, load_adjudication, load_second_labels, second_label_paths,
)
from tests.questions.realpages import REALPAGES_DIR, load_page

KINDS = {"yes_no", "choice", "open"}


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def test_only_tuning_pages_are_second_labelled_and_a_test_page_is_refused(tmp_path: Path) -> None:
    pairs = load_second_labels()
    assert len(pairs) >= 60 and all(page.split == "tune" for page, _ in pairs)
    test_page = next(
        path.stem for path in sorted((REALPAGES_DIR / "labels").glob("*.json"))
        if json.loads(path.read_text(encoding="utf-8"))["split"] == "test"
    )
    (tmp_path / f"{test_page}.json").write_text(json.dumps({"id": test_page, "polls": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="test-split"):
        load_second_labels(tmp_path)


def test_the_second_labelling_of_the_test_split_covers_it_all() -> None:
    test_ids = {
        path.stem for path in (REALPAGES_DIR / "labels").glob("*.json")
        if json.loads(path.read_text(encoding="utf-8"))["split"] == "test"
    }
    assert {path.stem for path in second_label_paths(SECOND_LABELS["test"])} == test_ids
    assert all(page.split == "test" for page, _ in load_second_labels(SECOND_LABELS["test"], "test"))


@pytest.mark.parametrize(
    ("split", "path"),
    [(split, path) for split, directory in SECOND_LABELS.items() for path in second_label_paths(directory)],
    ids=lambda value: value if isinstance(value, str) else value.stem,
)
def test_second_label_quotes_its_page(split: str, path: Path) -> None:
    label = json.loads(path.read_text(encoding="utf-8"))
    assert label["id"] == path.stem and set(label) <= {"id", "polls", "borderline"}
    page = load_page(REALPAGES_DIR / "labels" / f"{label['id']}.json")
    polls = label["polls"]
    assert page.split == split
    text = _normalised(" \n ".join([page.article.title, *(block.text for block in page.article.blocks)]))
    for poll in polls:
        assert poll["kind"] in KINDS and poll["text"].rstrip().endswith("?")
        assert (len(poll.get("options", [])) >= 2) == (poll["kind"] == "choice")
        assert _normalised(poll["text"]) in text, f"not in the extracted text: {poll['text']!r}"
    assert [draft.question for draft in as_drafts(polls)] == [poll["text"] for poll in polls]


def test_lenient_precision_and_strict_recall_count_what_they_say() -> None:
    """Precision against either labeller, recall over what both have: a finder that makes every poll either labeller
    has is right on all of them but is only judged for recall on the agreed ones; one that finds nothing recalls none."""
    pairs = [pair for pair in load_second_labels() if pair[0].polls and pair[1]][:5]
    agreed = sum(1 for page, second in pairs for poll in page.polls if any(s["text"] == poll["text"] for s in second))

    def everything(article):  # the union of both labellers' polls on the page
        page, second = next(pair for pair in pairs if pair[0].article is article)
        return as_drafts(page.polls + second)

    precision, recall, found, both = lenient_and_strict(pairs, everything)
    assert precision == 1.0 and recall == 1.0 and found == sum(len(p.polls) + len(s) for p, s in pairs)
    assert both >= agreed > 0
    assert lenient_and_strict(pairs, lambda article: [])[1:] == (0.0, 0, both)


def test_every_disagreement_has_the_third_readers_decision() -> None:
    """The adjudicated labels are complete: each poll one labeller has and the other has not was decided, and a
    decision is only about such a poll (a changed label would otherwise leave a stale or a missing decision)."""
    decisions = load_adjudication()
    disputes = {
        (page.id, poll["text"])
        for split, directory in SECOND_LABELS.items()
        for page, second in load_second_labels(directory, split)
        for poll in disputed(page, second)
    }
    assert disputes == set(decisions)
    for entry in decisions.values():
        assert set(entry) <= {"page", "text", "poll", "kind", "options", "why"} and entry["why"].strip()
        if entry["poll"]:
            assert entry["kind"] in KINDS and (len(entry.get("options", [])) >= 2) == (entry["kind"] == "choice")
        else:
            assert "kind" not in entry
