"""The second labels (tests/fixtures/realpages/second_labels, a blind second labelling of tuning pages) are
well-formed, so that the agreement figures in BASELINE.md measure the labellers and not typos in the labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.questions.agreement import as_drafts, load_second_labels, second_label_paths
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


@pytest.mark.parametrize("path", second_label_paths(), ids=lambda path: path.stem)
def test_second_label_quotes_its_page(path: Path) -> None:
    label = json.loads(path.read_text(encoding="utf-8"))
    assert label["id"] == path.stem and set(label) <= {"id", "polls", "borderline"}
    page = load_page(REALPAGES_DIR / "labels" / f"{label['id']}.json")
    polls = label["polls"]
    assert page.split == "tune"
    text = _normalised(" \n ".join([page.article.title, *(block.text for block in page.article.blocks)]))
    for poll in polls:
        assert poll["kind"] in KINDS and poll["text"].rstrip().endswith("?")
        assert (len(poll.get("options", [])) >= 2) == (poll["kind"] == "choice")
        assert _normalised(poll["text"]) in text, f"not in the extracted text: {poll['text']!r}"
    assert [draft.question for draft in as_drafts(polls)] == [poll["text"] for poll in polls]
