"""Themes of written answers, offline, in German and English."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.summaries.themes import analyse, find_themes, representative_answers
from .summary_builders import ENGLISH_ANSWERS, GERMAN_ANSWERS


def test_german_answers_give_the_recurring_topics_with_their_counts() -> None:
    themes = find_themes(GERMAN_ANSWERS, question="Was sollte die Stadt für den Verkehr tun?")
    found = {theme.label: theme.answers for theme in themes}
    assert found["Preise"] == 3  # "Preise" and "Preisen" are one theme
    assert found["Radwege"] == 3 or found.get("sichere Radwege") == 2
    assert found["Busverbindungen"] == 2
    assert all(theme.label.casefold() not in {"die", "und", "sind", "für", "mehr"} for theme in themes)
    assert themes == sorted(themes, key=lambda theme: -theme.answers)


def test_english_answers_prefer_a_phrase_only_when_readers_use_it() -> None:
    themes = find_themes(ENGLISH_ANSWERS, question="How could remote meetings be better?")
    labels = [theme.label for theme in themes]
    assert labels[0] == "agenda" and themes[0].answers == 3 and themes[0].share == 0.5
    assert "Video fatigue" in labels  # two answers say exactly this phrase
    assert not {"meetings", "Meetings", "better"} & set(labels)  # words of the question are its topic, not themes


def test_plurals_and_case_merge_and_the_commonest_spelling_wins() -> None:
    answers = ["prices are too high", "the prices!", "Price of beer", "Nothing else"]
    themes = find_themes(answers)
    assert (themes[0].label, themes[0].answers) == ("prices", 3)


def test_representative_answers_cover_themes_and_skip_duplicates() -> None:
    answers = [*GERMAN_ANSWERS, GERMAN_ANSWERS[3].upper(), "ok"]
    themes = find_themes(answers, question="Was sollte die Stadt für den Verkehr tun?")
    samples = representative_answers(answers, themes, limit=3)
    assert len(samples) == 3 and len({sample.casefold() for sample in samples}) == 3
    assert any("Preise" in sample for sample in samples) and any("Radwege" in sample for sample in samples)
    assert "ok" not in samples  # too short to stand for anything while longer answers exist


def test_few_answers_still_get_themes_and_no_answers_get_none() -> None:
    assert [theme.label for theme in find_themes(["Mehr Bäume pflanzen"])] == ["Bäume pflanzen"]
    assert find_themes([]) == [] and representative_answers([], []) == []
    assert find_themes(["und die der", "the and of"]) == []  # stopwords only
    assert representative_answers(["a b c"], []) == ["a b c"]


def test_analysis_is_shared_between_themes_and_samples() -> None:
    analysis = analyse(ENGLISH_ANSWERS, "How could remote meetings be better?")
    themes = find_themes(ENGLISH_ANSWERS, analysis=analysis)
    assert themes == find_themes(ENGLISH_ANSWERS, question="How could remote meetings be better?")
    assert representative_answers(ENGLISH_ANSWERS, themes, analysis=analysis)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=20), st.one_of(st.none(), st.text(max_size=100)))
def test_any_text_gives_themes_that_occur_in_the_answers(answers: list[str], question: str | None) -> None:
    themes = find_themes(answers, question=question)
    assert len(themes) <= 5
    for theme in themes:
        assert 1 <= theme.answers <= len(answers) and 0 < theme.share <= 1
        assert any(word in " ".join(answers) for word in theme.label.split())
    samples = representative_answers(answers, themes, question=question)
    assert all(sample in [answer.strip() for answer in answers] for sample in samples)
