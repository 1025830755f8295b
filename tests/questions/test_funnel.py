"""The funnel of the real-page corpus (tests/questions/funnel.py) puts each labelled poll in the stage that lost it."""

from __future__ import annotations

from bot.articles.model import Article, Block
from bot.questions.finder import explain_questions

from tests.questions.funnel import funnel, poll_stage
from tests.questions.realpages import RealPage


def _page(blocks: list[Block], polls: list[dict], title: str = "Ein Abend mit Freunden") -> RealPage:
    article = Article(url="https://blog.example/abend/", entry_id="1", title=title, language="de", blocks=blocks)
    return RealPage("de-example-abend", "de", "blog.example", "tune", "lifestyle", article, polls, [])


BODY = [
    Block("paragraph", "Gestern haben wir zum ersten Mal einen Spieleabend veranstaltet, mit sechs Gästen und viel zu viel Essen."),
    Block("paragraph", "Die Brettspiele kamen gut an, die Quizrunde weniger, und um Mitternacht war niemand mehr wach."),
    Block("paragraph", "Was spielt ihr am liebsten, wenn Freunde zu Besuch sind? Schreibt es mir in die Kommentare!"),
]


def test_a_found_poll_a_missing_sentence_and_an_excluded_one_fall_in_their_stages() -> None:
    quoted = Block("quote", "Wer hat eigentlich das letzte Stück Kuchen gegessen?")
    page = _page(BODY[:2] + [quoted] + BODY[2:], [])
    verdicts = explain_questions(page.article, max_per_article=3)
    assert poll_stage(page, verdicts, {"text": "Was spielt ihr am liebsten, wenn Freunde zu Besuch sind?"}) == "found"
    assert poll_stage(page, verdicts, {"text": "Habt ihr auch einen Lieblingskuchen?"}) == "lost_in_extraction"
    assert poll_stage(page, verdicts, {"text": "Wer hat eigentlich das letzte Stück Kuchen gegessen?"}) == "rule:quote_block"


def test_a_sentence_in_the_text_that_no_judgement_matches_is_never_judged() -> None:
    page = _page(BODY, [])
    verdicts = explain_questions(page.article, max_per_article=3)
    # the words stand in the text, but not as a question-like sentence of their own
    assert poll_stage(page, verdicts, {"text": "Die Brettspiele kamen gut an"}) == "not_judged"


def test_wrong_polls_are_counted_by_rule_place_and_site() -> None:
    unlabelled = _page(BODY, [])
    labelled = _page(BODY, [{"text": "Was spielt ihr am liebsten, wenn Freunde zu Besuch sind?", "kind": "open"}])
    wrong = funnel([unlabelled])
    assert sum(wrong.wrong_rules.values()) == 1 and wrong.wrong_places == {"closing": 1}
    assert wrong.spread["wrong: pages"] == 1 and wrong.stages == {}
    right = funnel([labelled])
    assert right.stages["found"] == 1 and right.stages["de/found"] == 1 and not right.wrong_rules


def test_the_context_of_a_wrong_poll_tells_a_stock_closing_and_a_sibling_of_a_labelled_poll() -> None:
    closing = Block("paragraph", "Was haltet ihr davon? Und was spielt ihr am liebsten, wenn Freunde zu Besuch sind?")
    labelled = {"text": "Was spielt ihr am liebsten, wenn Freunde zu Besuch sind?", "kind": "open"}
    first = _page(BODY[:2] + [closing], [labelled])
    second = RealPage("de-example-zweiter", "de", "blog.example", "tune", "lifestyle",
                      Article(url="https://blog.example/zwei/", entry_id="2", title="Noch ein Abend", language="de",
                              blocks=BODY[:2] + [Block("paragraph", "Was haltet ihr davon? Schreibt es mir!")]), [], [])
    result = funnel([first, second])
    assert result.wrong_context["labelled poll in the same or next block"] >= 1, result.wrong_context
    assert result.wrong_context["repeated on another page of the site"] >= 1
    assert sorted(result.wrong_per_site.values(), reverse=True)[0] == sum(result.wrong_rules.values())
    alone = funnel([first])
    assert alone.wrong_context["repeated on another page of the site"] == 0


def test_a_page_without_a_poll_but_with_a_run_of_questions_to_the_reader_is_counted_with_its_label() -> None:
    checklist = Block(
        "paragraph",
        "Frag dich ehrlich: Gibt dir die Arbeit Kraft? Macht sie dich neugierig? Würdest du sie auch ohne Geld tun?"
        " Kannst du dir vorstellen, das noch zehn Jahre zu machen?",
    )
    after = [Block("paragraph", f"Teil {n}: Wie es mit der Arbeit weitergeht, erzähle ich ein anderes Mal ausführlich.") for n in range(5)]
    blocks = BODY[:2] + [checklist] + after  # a checklist in the body, no call to reply after it
    unlabelled = funnel([_page(blocks, [])])
    assert unlabelled.quiet_runs["pages"] == 1, unlabelled.quiet_runs
    assert unlabelled.quiet_runs["a question of the run is a labelled poll"] == 0
    labelled = funnel([_page(blocks, [{"text": "Macht sie dich neugierig?", "kind": "yes_no"}])])
    assert labelled.quiet_runs["a question of the run is a labelled poll"] == 1
