"""Closings and lead-ins from the thirteenth session's independent sets and real-page rounds (issue 10): checklists a
call to reflect opens, stock offers and sign-up nudges, calls to vote, call headings, doubting questions, column titles,
readers' questions voiced by the writer. Each sentence was written here after the shape failed on posts or pages nobody
here wrote (tests/fixtures/realpages/BASELINE.md).
"""

from __future__ import annotations

import pytest

from bot.questions import leadins, signals
from bot.questions.finder import explain_questions, find_questions

from tests.questions.helpers import article, heading
from tests.questions.test_signal_hooks import DE, EN, LEAD, judged


@pytest.mark.parametrize(
    ("language", "closing", "question", "signal"),
    [
        ("en", "Have you registered for the meetup yet? Registration closes on Friday, so hurry.",
         "Have you registered for the meetup yet?", "stock_phrase"),
        ("en", "Did you sign up for the beta yet? It closes soon.", "Did you sign up for the beta yet?", "stock_phrase"),
        ("de", "Habt ihr euch schon für den Stadtlauf angemeldet? Die Anmeldung endet am Freitag.",
         "Habt ihr euch schon für den Stadtlauf angemeldet?", "stock_phrase"),
        ("de", "Was bedeutet das für Sie? Hier die wichtigsten Antworten.", "Was bedeutet das für Sie?", "teases_content"),
        ("de", "Was bedeutet das für Sie? Hier ist, was wir bisher wissen.", "Was bedeutet das für Sie?", "teases_content"),
        ("de", "Planen Sie ein Projekt? Sprechen Sie uns an.", "Planen Sie ein Projekt?", "acts_on_yes"),
    ],
)
def test_a_nudge_to_sign_up_a_question_the_text_answers_and_a_lead_to_contact_are_no_polls(
    language: str, closing: str, question: str, signal: str
) -> None:
    verdict = judged(LEAD, LEAD, LEAD, closing, language=language)[question]
    assert signal in verdict.signals and not verdict.is_poll, verdict


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("en", "Have you booked your summer holiday yet? Let me know where you are going!",
         "Have you booked your summer holiday yet?"),
        ("de", "Habt ihr das Rezept schon ausprobiert? Ich freue mich über eure Kommentare.",
         "Habt ihr das Rezept schon ausprobiert?"),
        ("de", "Habt ihr schon eure Pläne für den Sommer? Hier ist meine Liste. Jetzt seid ihr dran!",
         "Habt ihr schon eure Pläne für den Sommer?"),  # "jetzt seid ihr dran" hands over: no offer, an invitation
        ("en", "What is on your summer list? Here is mine. Now it's your turn!", "What is on your summer list?"),
        # "Drop …" opens calls to act elsewhere ("Drop by our chat"); dropping the answer in the comments is a reply
        ("en", "Do you know any good podcasts about history? Drop your recommendations below.",
         "Do you know any good podcasts about history?"),
    ],
)
def test_questions_about_the_readers_own_plans_stay_polls(language: str, closing: str, question: str) -> None:
    assert judged(LEAD, LEAD, LEAD, closing, language=language)[question].is_poll


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("de", "Hast du Fragen? Schreib sie mir in die Kommentare, ich helfe gerne.", "Hast du Fragen?"),
        ("de", "Sie haben einen Hinweis für unsere Redaktion? Schreiben Sie uns.", "Sie haben einen Hinweis für unsere Redaktion?"),
        ("de", "Haben Sie eine Frage zu Ihrer Steuer? Unser Experte antwortet in der nächsten Ausgabe.", "Haben Sie eine Frage zu Ihrer Steuer?"),
        ("en", "Have a question about your money? Send it to our columnist and she may answer it in a future column.",
         "Have a question about your money?"),
        ("en", "Got a question for a future episode? Let us know in the comments.", "Got a question for a future episode?"),
        ("en", "Do you have a news tip? Tell us in the comments or by mail.", "Do you have a news tip?"),
    ],
)
def test_an_offer_to_take_the_readers_questions_or_tips_is_no_poll_even_with_a_call_to_reply(
    language: str, closing: str, question: str
) -> None:
    """"Hast du Fragen? Schreib sie mir …": the readers are offered to send their own questions or tips, which a
    yes/no poll cannot take; a stock formula stays no poll whatever invitation stands beside it."""
    verdict = judged(LEAD, LEAD, LEAD, closing, language=language)[question]
    assert "stock_phrase" in verdict.signals and not verdict.is_poll, verdict


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (EN, "Ask yourself honestly: Does the work give you energy?", True),
        (EN, "So, be honest with yourself: would you do it for free?", True),
        (DE, "Frag dich ehrlich: Gibt dir die Arbeit Kraft?", True),
        (DE, "Und stellt euch die Frage: Braucht ihr das wirklich?", True),
        (DE, "Überlegen Sie sich vorher: Wie viel Zeit haben Sie?", True),
        (EN, "Ask yourself whether it gives you energy?", False),  # no colon: the call and the question are one clause
        (DE, "Meine Frage an euch: Braucht ihr das wirklich?", False),  # put to the readers, not to themselves
        (DE, "Stell dir vor: Du gewinnst im Lotto. Was machst du?", False),  # a scenario (thought_experiment)
    ],
)
def test_a_call_to_reflect_before_the_colon_leads_into_reflection(lexicon, text: str, expected: bool) -> None:
    assert signals.leads_into_reflection(text, lexicon) is expected


@pytest.mark.parametrize(
    ("language", "blocks", "questions"),
    [
        (
            "de",
            [
                "Frag dich ehrlich: Gibt dir die Arbeit Kraft? Macht sie dich neugierig? Würdest du sie auch ohne Geld"
                " tun? Kannst du dir vorstellen, das noch zehn Jahre zu machen?",
                "Am Ende zählt, dass du dir die Fragen überhaupt stellst.",
            ],
            ["Macht sie dich neugierig?", "Würdest du sie auch ohne Geld tun?"],
        ),
        (
            "en",
            [
                "Ask yourself honestly.",
                "Does the work give you energy? Does it make you curious? Would you do it without the money?",
                "In the end, what counts is that you ask yourself the questions at all.",
            ],
            ["Does it make you curious?", "Would you do it without the money?"],
        ),
    ],
)
def test_a_checklist_a_call_to_reflect_opens_is_no_poll_in_the_closing_either(
    language: str, blocks: list[str], questions: list[str]
) -> None:
    """The issue's self-reflection checklist ("Gibt mir das Kraft? Macht es mich neugierig? Würde ich es auch ohne Geld
    tun?"), put to "du" after "Frag dich ehrlich:" and standing in the closing: every question of the run is for the
    readers to ask themselves, not only the first after the call (which was all `reflection_prompt` caught)."""
    found = judged(LEAD, LEAD, LEAD, *blocks, language=language)
    for question in questions:
        assert "reflection_prompt" in found[question].signals and not found[question].is_poll, found[question]
    assert not any(verdict.is_poll for verdict in found.values())


def test_the_closing_question_after_a_checklist_is_still_asked() -> None:
    """The labelling guide: after a checklist, at most the closing question is a poll ("Und, hast du deinen Weg schon
    gefunden?")."""
    found = judged(
        LEAD, LEAD, LEAD,
        "Frag dich ehrlich: Gibt dir die Arbeit Kraft? Macht sie dich neugierig? Würdest du sie auch ohne Geld tun?",
        "Wer diese Fragen mit Ja beantwortet, ist auf einem guten Weg.",
        "Und, hast du deinen Weg schon gefunden? Schreib es mir in die Kommentare!",
    )
    assert [question for question, verdict in found.items() if verdict.is_poll] == ["Hast du deinen Weg schon gefunden?"]


def test_a_row_after_a_call_to_reflect_that_a_call_to_reply_closes_is_the_readers_discussion() -> None:
    """"Think about your own habits: Do you …? How often …? Let me know below!" asks for the answers: not a checklist."""
    found = judged(
        LEAD, LEAD, LEAD,
        "Think about your own week. How many evenings do you spend at home? Which of them would you give up for a"
        " club? Let me know in the comments!",
        language="en",
    )
    assert found["Which of them would you give up for a club?"].is_poll
    assert "reflection_prompt" not in found["Which of them would you give up for a club?"].signals


def test_a_heading_that_puts_its_questions_to_the_members_invites_the_answers() -> None:
    """"## Two questions for members" over "… Would you prefer to move club night from Thursday to Wednesday?": the
    heading is the call to reply (a fourth independent set's club newsletter)."""
    question = "Would you prefer to move club night from Thursday to Wednesday?"
    body = f"The hall has offered us Wednesday evenings at a lower rate, and the choir next door is loud. {question}"
    called = judged(LEAD, LEAD, heading("Two questions for members"), body, LEAD, LEAD, LEAD, LEAD, language="en")[question]
    plain = judged(LEAD, LEAD, heading("The church hall"), body, LEAD, LEAD, LEAD, LEAD, language="en")[question]
    assert "invitation" in called.signals and called.is_poll
    assert "invitation" not in plain.signals
    assert signals.is_call_heading("Fragen an euch") and signals.is_call_heading("Your turn!")
    assert not signals.is_call_heading("Frequently asked questions")


def test_a_call_to_vote_in_german_invites() -> None:
    closing = (
        "Was meinen Sie: Soll die Lange Straße dauerhaft autofrei bleiben? Stimmen Sie in unserer Umfrage ab oder"
        " schreiben Sie uns einen Leserbrief an leserbriefe@zeitung.example."
    )
    verdict = judged(LEAD, LEAD, LEAD, closing)["Was meinen Sie: Soll die Lange Straße dauerhaft autofrei bleiben?"]
    assert "invitation" in verdict.signals and verdict.is_poll, verdict


def test_a_thing_put_to_the_vote_with_yes_or_no_is_a_yes_no_poll() -> None:
    found = find_questions(article(LEAD, LEAD, "So settle it for me: beans in chili, yes or no? Tell me below.", language="en"))
    assert [(draft.kind.value, draft.options) for draft in found] == [("yes_no", ("Yes", "No", "Not sure"))]


def test_a_question_after_a_subordinate_lead_is_asked_by_its_main_clause() -> None:
    """"And while you're down there in the comments, what's your go-to chili topping? Ours is …": the W-question after
    "while …," is open and asked of the readers, not a statement said as a question."""
    question = "And while you're down there in the comments, what's your go-to chili topping?"
    verdict = judged(LEAD, LEAD, LEAD, f"{question} Ours is a toss-up between jalapeños and tortilla chips.", language="en")
    found = next(v for text, v in verdict.items() if text.endswith("go-to chili topping?"))
    assert found.is_poll and found.kind is not None and found.kind.value == "open", found
    german = judged(LEAD, LEAD, LEAD, "Und während ihr kocht, welches Gewürz darf bei euch nie fehlen? Bei uns ist es Kreuzkümmel.")
    found = next(v for text, v in german.items() if text.endswith("nie fehlen?"))
    assert found.is_poll and found.kind.value == "open", found


def test_answers_kept_private_are_a_call_to_reflect_not_to_reply() -> None:
    assert not signals.invites_reply("Write your answers down somewhere only you will see them.", EN)
    assert not signals.invites_reply("Schreib deine Antworten auf, nur für dich.", DE)
    assert signals.invites_reply("Write your answers in the comments.", EN)
    found = judged(
        LEAD, LEAD, LEAD,
        "Is this still mine, or am I keeping it because I started it?",
        "If I were offered this commitment fresh today, would I say yes?",
        "Write your answers down somewhere only you will see them. They don't need an audience.",
        language="en",
    )
    assert not any(verdict.is_poll for verdict in found.values()), found


def test_a_doubting_question_in_the_body_is_rhetoric_but_in_the_closing_it_asks() -> None:
    """"Do you really need physical page-turn buttons? I thought I did. …" argues; "Ersetzt der bei euch wirklich das
    Saugen von Hand?" at the end asks the readers' experience."""
    body = "Do you really need physical page-turn buttons? I thought I did. After six months I don't miss them."
    found = judged(LEAD, LEAD, body, LEAD, LEAD, LEAD, LEAD, LEAD, language="en")["Do you really need physical page-turn buttons?"]
    assert "doubting" in found.signals and not found.is_poll, found
    closing = judged(LEAD, LEAD, LEAD, "Ersetzt der Saugroboter bei euch wirklich das Saugen von Hand? Schreibt es mir!")
    verdict = closing["Ersetzt der Saugroboter bei euch wirklich das Saugen von Hand?"]
    assert "doubting" not in verdict.signals and verdict.is_poll, verdict
    assert signals.doubts("Muss das wirklich sein?") and not signals.doubts("Wirkt das?")


def test_a_call_to_reflect_anywhere_before_the_colon_makes_the_question_the_readers_own() -> None:
    """"The next time you publish a data source, ask yourself one simple question: How can you …?" and "Here's the
    test: could your manager write your review from the trail alone?" are for the reader to ask themself."""
    for closing in (
        "The next time you publish a data source, ask yourself one simple question: How can you optimize it for the consumer?",
        "Here's the test, on the work you're doing right now: could your manager write your review from the trail alone?",
    ):
        verdicts = judged(LEAD, LEAD, LEAD, closing, language="en")
        assert verdicts and not any(verdict.is_poll for verdict in verdicts.values()), verdicts
        assert all("reflection_prompt" in verdict.signals for verdict in verdicts.values())


@pytest.mark.parametrize(
    "title",
    [
        "142: Is It Time to Raise Your Rates?",
        "Ask the Garden Guy: Is It Too Late to Plant Garlic in November?",
        "Folge 12 – Wie viel Schlaf braucht ihr wirklich?",
        "Leserfrage: Darf ich meinen Balkon bepflanzen?",
    ],
)
def test_a_title_labelled_as_an_episode_or_a_column_is_the_topic_the_text_answers(title: str) -> None:
    language = "de" if title.startswith(("Folge", "Leserfrage")) else "en"
    closing = "Schreibt mir eure Erfahrungen in die Kommentare!" if language == "de" else "Tell us in the comments!"
    verdicts = explain_questions(article(LEAD, LEAD, closing, title=title, language=language))
    title_verdict = next(verdict for verdict in verdicts if verdict.position == -1)
    assert not title_verdict.is_poll, title_verdict  # (by this rule, or before it by another)
    assert leadins.is_column_title(title)
    assert not leadins.is_column_title("What's In Your Bag?") and not leadins.is_column_title("Tabs or spaces: which do you use?")


def test_the_writer_announcing_the_question_in_the_future_is_no_reported_speech() -> None:
    from bot.questions import grammar

    assert not grammar.reported_speech_lead("So I'll ask it openly, because we all learn from this: how often do you test?", EN)
    assert not grammar.reported_speech_lead("Deshalb möchte ich euch fragen: Wie oft testet ihr?", DE)
    assert grammar.reported_speech_lead("My manager asked: how often do you test?", EN)


def test_asking_for_the_readers_own_questions_is_a_stock_formula() -> None:
    text = "Ihr habt selbst eine Frage rund um den Schlaf, die wir in einer der nächsten Folgen beantworten sollen?"
    assert signals.is_stock_phrase(text, DE)
    assert signals.is_stock_phrase("Do you have a question for our next guest?", EN)
    assert not signals.is_stock_phrase("Habt ihr eine Lieblingsfrage im Quiz?", DE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What's up with the 12.0 you ask?", True),
        ("So why does this matter, you might ask?", True),
        ("Und was kostet das alles, fragt ihr euch?", True),
        ("Was hat das mit Kaffee zu tun, werdet ihr jetzt fragen?", True),
        ("What would you ask?", False),  # the readers are asked what they would ask
        ("Was fragt ihr euch beim Einkaufen als Erstes?", False),
    ],
)
def test_the_readers_question_voiced_by_the_writer_is_rhetorical(text: str, expected: bool) -> None:
    """"What's up with the 12.0, you ask?" voices the readers' question for the writer to answer."""
    assert signals.is_rhetorical_formula(text) is expected


def test_a_question_after_a_lead_in_addresses_the_reader_by_its_own_verb_and_pronoun() -> None:
    """"Und ganz wichtig für den Frieden in meiner Familie: Esst ihr Linsensuppe mit Essig oder ohne?": "ihr" right after
    the verb of the question after the colon is the readers, whatever the lead-in says."""
    from bot.questions import grammar

    text = "Und ganz wichtig für den Frieden in meiner Familie: Esst ihr Linsensuppe mit einem Schuss Essig oder ohne?"
    assert grammar.addresses_reader(text, DE)
    assert not grammar.addresses_reader("Ganz wichtig für ihr Geschäft: Ist das Angebot gut?", DE)


def test_a_question_right_after_a_question_is_no_offer() -> None:
    """"Was war bei euch das typische Oma-Essen? Und ganz wichtig für meine Familie: Esst ihr …?": the writer asks on."""
    closing = (
        "Deshalb würde mich das wirklich interessieren: Was war bei euch das typische Oma-Essen, an das ihr heute noch"
        " denkt? Und ganz wichtig für den Frieden in meiner Familie: Esst ihr Linsensuppe mit einem Schuss Essig oder"
        " ohne? Mein Bruder findet Essig in der Suppe nämlich barbarisch."
    )
    polls = [verdict for verdict in judged(LEAD, LEAD, LEAD, closing).values() if verdict.is_poll]
    assert len(polls) == 2 and not any("service_offer" in verdict.signals for verdict in polls), polls


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("en", "Before then, we want to hear from readers. Should Millbrook install parking meters on Main Street? Vote in"
         " our online poll at the top of the page.", "Should Millbrook install parking meters on Main Street?"),
    ],
)
def test_a_call_to_vote_after_a_debate_question_invites(language: str, closing: str, question: str) -> None:
    verdict = judged(LEAD, LEAD, LEAD, closing, language=language)[question]
    assert "invitation" in verdict.signals, verdict
