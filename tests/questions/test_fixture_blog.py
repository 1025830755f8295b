"""The fixture blog end to end: extraction + finder give exactly the polls of expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.articles.extract import extract_article
from bot.questions.finder import explain_questions, find_questions
from bot.questions.model import TITLE_POSITION, PollKind

BLOG = Path(__file__).resolve().parent.parent / "fixtures" / "blog"
EXPECTED = json.loads((BLOG / "expected.json").read_text(encoding="utf-8"))["articles"]
YES_NO = {"de": ("Ja", "Nein", "Weiß nicht"), "en": ("Yes", "No", "Not sure")}


def _article(slug: str):
    html = (BLOG / f"{slug}.html").read_text(encoding="utf-8")
    return extract_article(html, f"http://blog.example/{slug}/")


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_fixture_page_gives_exactly_the_expected_polls(slug: str) -> None:
    expected = EXPECTED[slug]
    article = _article(slug)
    drafts = find_questions(article)

    got = [(draft.question, draft.kind.value, draft.options) for draft in drafts]
    want = [
        (
            poll["text"],
            poll["kind"],
            tuple(poll["options"]) if poll["kind"] == "choice" else YES_NO[expected["language"]] if poll["kind"] == "yes_no" else (),
        )
        for poll in expected["polls"]
    ]
    assert got == want
    positions = [draft.position for draft in drafts]
    assert positions == sorted(positions)
    excluded = {item["text"] for item in expected["excluded"]}
    assert not excluded & {draft.question for draft in drafts}


def test_title_question_carries_the_title_position() -> None:
    drafts = find_questions(_article("lumiere-sora-kreativitaet"))
    assert drafts[0].position == TITLE_POSITION
    assert drafts[0].kind is PollKind.CHOICE
    assert all(draft.position >= 0 for draft in drafts[1:])


@pytest.mark.parametrize(
    ("slug", "question", "rule"),
    [
        ("lumiere-sora-kreativitaet", "Was passiert bis dahin?", "author_question"),
        ("google-consent-mode-v2", "Was ist der Google Consent Mode V2?", "heading_answered_by_section"),
        ("google-consent-mode-v2", "Basic oder Advanced: Welche Variante ist die richtige?", "heading_answered_by_section"),
        ("google-consent-mode-v2", "Warum ist das so wichtig?", "author_question"),
        (
            "google-consent-mode-v2",
            "Google Consent Mode V2: Was ist das und welche Auswirkungen hat es auf den Online-Datenschutz?",
            "expository_title",
        ),
        ("trends-performance-marketing-2023", "Will third-party cookies still exist at the end of 2023?", "answer_marker"),
        ("trends-performance-marketing-2023", "Why does this matter for performance marketers?", "author_question"),
    ],
)
def test_excluded_questions_are_excluded_by_the_named_rule(slug: str, question: str, rule: str) -> None:
    verdicts = {verdict.question: verdict for verdict in explain_questions(_article(slug))}
    assert verdicts[question].is_poll is False
    assert verdicts[question].rule == rule


def test_page_chrome_never_reaches_the_finder() -> None:
    """Cookie banner, related posts and footer questions are outside the body the finder sees."""
    questions = {verdict.question for slug in EXPECTED for verdict in explain_questions(_article(slug))}
    for chrome in ("Möchtest du alle Cookies akzeptieren?", "Hast du Fragen?", "Do you accept all cookies?"):
        assert chrome not in questions
