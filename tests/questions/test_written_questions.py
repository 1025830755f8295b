"""Questions written for the purpose (not from any page), each in a small article, with what a careful editor would
run (tests/fixtures/written_questions.json): a regression net for the finder's kinds, options and verdicts on shapes
the real-page corpus has few of. The real-page figures (tests/questions/realpages.py) stay the measure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.articles.model import Article, Block
from bot.questions.finder import find_questions

from tests.questions.helpers import article, heading

CASES = json.loads((Path(__file__).parent.parent / "fixtures" / "written_questions.json").read_text(encoding="utf-8"))


def _article(language: str, blocks: list) -> Article:
    built = [heading(block["heading"]) if isinstance(block, dict) else block for block in blocks]
    return article(*built, title="A test" if language == "en" else "Ein Test", language=language)


def _name(case: dict) -> str:
    return (case.get("question") or next(block for block in reversed(case["blocks"]) if isinstance(block, str)))[:60]


@pytest.mark.parametrize("case", CASES["kinds"], ids=_name)
def test_reader_questions_get_their_kind_and_options(case: dict) -> None:
    language, question = case["language"], case["question"]
    closing = question + (" " + CASES["invitation"][language] if case["topic"] == "tech" else "")
    drafts = find_questions(_article(language, [*CASES["bodies"][f"{language}/{case['topic']}"], closing]), max_per_article=3)
    assert drafts, f"no poll for {question!r}"
    assert drafts[0].kind.value == case["kind"]
    options = case["options"]
    if isinstance(options, list):
        assert [option.casefold() for option in drafts[0].options] == [option.casefold() for option in options]
    elif isinstance(options, int):
        assert len(drafts[0].options) == options


@pytest.mark.parametrize("case", CASES["polls"], ids=_name)
def test_questions_put_to_the_readers_become_polls(case: dict) -> None:
    language = case["language"]
    drafts = find_questions(_article(language, [*CASES["bodies"][f"{language}/week"], case["closing"]]), max_per_article=3)
    assert [(draft.question, draft.kind.value) for draft in drafts] == [(case["question"], case["kind"])]


@pytest.mark.parametrize("case", CASES["not_polls"], ids=_name)
def test_questions_not_put_to_the_readers_make_no_poll(case: dict) -> None:
    assert find_questions(_article(case["language"], case["blocks"]), max_per_article=3) == []


def _block(block: str | dict) -> Block:
    if isinstance(block, str):
        return Block("paragraph", block)
    if "heading" in block:
        return heading(block["heading"])
    if "item" in block:
        return Block("list_item", block["item"])
    return Block("paragraph", block["bold"], emphasis="whole")  # an interviewer's question set in bold


@pytest.mark.parametrize("case", CASES["articles"], ids=lambda case: case["title"])
def test_structure_decides_interviews_faqs_lists_and_debate_titles(case: dict) -> None:
    """Bold questions answered below (an interview), FAQ headings, questions inside list items: no poll; a debate
    title asked again at the end: one poll, not two."""
    found = Article(url="http://example.test/a/", entry_id="a", title=case["title"], language=case["language"],
                    blocks=[_block(block) for block in case["blocks"]])
    assert sorted(draft.question for draft in find_questions(found, max_per_article=3)) == case["polls"]
