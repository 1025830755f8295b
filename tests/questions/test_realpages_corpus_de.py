"""The German half of the real-page corpus (tests/fixtures/realpages, issue 10) is well-formed.

Labels were written by reading each page as the project extracts it; these checks keep them honest:
every field in its place, the split decided by the fixed site rule, and every labelled question
really standing in the extracted title or body (so a label cannot drift away from its page).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.questions.realpages import extract_stored_page

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "realpages"
GERMAN_LABELS = sorted((CORPUS / "labels").glob("de-*.json"))
GENRES = {"opinion", "how-to", "lifestyle", "review", "interview", "listicle", "faq", "post-mortem", "news", "product", "other"}
KINDS = {"yes_no", "choice", "open"}
_LEADING_WORD = re.compile(r"^(und|and|so|also|aber|but|well|now|nun)\s+")
_NOT_WORD = re.compile(r"[^\w]+")


def _normalized(text: str) -> str:
    """Case, punctuation and a leading connective do not count when matching a label to the page."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def _label_key(text: str) -> str:
    return _LEADING_WORD.sub("", _normalized(text))


def expected_split(site: str) -> str:
    return "test" if int(hashlib.sha256(site.encode()).hexdigest(), 16) % 5 < 2 else "tune"


def test_german_half_is_big_enough() -> None:
    assert len(GERMAN_LABELS) >= 60
    splits = [json.loads(path.read_text(encoding="utf-8"))["split"] for path in GERMAN_LABELS]
    assert splits.count("test") >= 15 and splits.count("tune") >= 15


@pytest.mark.parametrize("label_path", GERMAN_LABELS, ids=lambda path: path.stem)
def test_german_label_is_well_formed(label_path: Path) -> None:
    label = json.loads(label_path.read_text(encoding="utf-8"))
    assert label["id"] == label_path.stem and label["id"].startswith("de-")
    assert label["language"] == "de"
    assert label["split"] == expected_split(label["site"])
    assert label["genre"] in GENRES
    assert label["url"] is None or label["url"].startswith(("http://", "https://"))
    source = label["source"]
    assert set(source) == {"repository", "path", "commit", "license"}
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert "/" in source["repository"] and source["license"]
    assert "trafilatura" not in source["repository"].lower()
    for poll in label["polls"]:
        assert poll["kind"] in KINDS and poll["text"].strip()
        if poll["kind"] == "choice":
            assert len(poll["options"]) >= 2 and all(option.strip() for option in poll["options"])
        else:
            assert "options" not in poll
    for entry in label["not_polls"]:
        assert entry["text"].strip() and entry["why"].strip()
    keys = [_label_key(entry["text"]) for entry in label["polls"] + label["not_polls"]]
    assert len(keys) == len(set(keys)), "one entry per sentence"


@pytest.mark.parametrize("label_path", GERMAN_LABELS, ids=lambda path: path.stem)
def test_german_page_extracts_and_holds_its_questions(label_path: Path) -> None:
    label = json.loads(label_path.read_text(encoding="utf-8"))
    page = CORPUS / "pages" / f"{label['id']}.html.gz"
    article = extract_stored_page(page, label["url"])
    assert article.language == "de"
    text = _normalized(" ".join([article.title, *(block.text for block in article.blocks)]))
    assert len(text) > 300
    for entry in label["polls"] + label["not_polls"]:
        assert _label_key(entry["text"]) in text, entry["text"]
