"""The English half of the real-page corpus (issue 10) is well-formed: labels a scorer can trust.

Each label file must name a stored page that extracts to English, follow the split rule by site, and
quote every question as it stands in the extracted title or body, so that scores on real pages
measure the finder and not typos in the labels.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.questions.realpages import extract_stored_page

REALPAGES = Path(__file__).resolve().parents[1] / "fixtures" / "realpages"
LABEL_FILES = sorted((REALPAGES / "labels").glob("en-*.json"))
GENRES = {"opinion", "how-to", "lifestyle", "review", "interview", "listicle", "faq", "post-mortem", "news", "product", "other"}
KINDS = {"yes_no", "choice", "open"}
TOP_KEYS = {"id", "language", "site", "split", "genre", "url", "source", "polls", "not_polls"}
_LEADING_WORD = re.compile(r"^(?:und|and|so|also|aber|but|well|now|nun) ")


def _normalised(text: str) -> str:
    """Case, punctuation and a leading connective do not count when a label is matched to the text."""
    text = re.sub(r"[^\w\s]", " ", text.lower())
    text = re.sub(r"\s+", " ", text).strip()
    return _LEADING_WORD.sub("", text)


def _split_for(site: str) -> str:
    return "test" if int(hashlib.sha256(site.encode()).hexdigest(), 16) % 5 < 2 else "tune"


def test_the_english_half_is_large_enough() -> None:
    labels = [json.loads(path.read_text(encoding="utf-8")) for path in LABEL_FILES]
    assert len(labels) >= 60
    splits = Counter(label["split"] for label in labels)
    assert splits["test"] >= 15 and splits["tune"] >= 15
    assert len({label["site"] for label in labels}) >= 40
    pages = {path.name.removesuffix(".html.gz") for path in (REALPAGES / "pages").glob("en-*.html.gz")}
    assert pages == {label["id"] for label in labels}, "every English page has a label and every label a page"


@pytest.mark.parametrize("label_file", LABEL_FILES, ids=lambda path: path.stem)
def test_label_is_well_formed_and_matches_its_page(label_file: Path) -> None:
    label = json.loads(label_file.read_text(encoding="utf-8"))
    assert TOP_KEYS <= set(label) <= TOP_KEYS | {"note"}
    assert label["id"] == label_file.stem and label["id"].startswith("en-")
    assert re.fullmatch(r"[a-z0-9-]+", label["id"])
    assert label["language"] == "en"
    assert label["genre"] in GENRES
    assert label["split"] == _split_for(label["site"])
    assert label["url"] is None or label["url"].startswith(("http://", "https://"))
    source = label["source"]
    assert set(source) == {"repository", "path", "commit", "license"}
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and "/" in source["repository"] and source["license"]
    assert "trafilatura" not in source["repository"].lower()

    for poll in label["polls"]:
        assert set(poll) <= {"text", "kind", "options", "why"} and poll["kind"] in KINDS
        if poll["kind"] == "choice":
            assert len(poll["options"]) >= 2 and all(option.strip() for option in poll["options"])
        else:
            assert "options" not in poll
    for entry in label["not_polls"]:
        assert set(entry) == {"text", "why"} and entry["why"].strip()

    page = REALPAGES / "pages" / f"{label['id']}.html.gz"
    article = extract_stored_page(page, label["url"])
    assert article.language == "en"
    text = _normalised(" \n ".join([article.title, *(block.text for block in article.blocks)]))
    entries = label["polls"] + label["not_polls"]
    keys = [_normalised(entry["text"]) for entry in entries]
    assert len(keys) == len(set(keys)), "one entry per sentence"
    for entry, key in zip(entries, keys):
        assert "?" in entry["text"], entry["text"]
        assert key and key in text, f"not in the extracted text: {entry['text']!r}"
