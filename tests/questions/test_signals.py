"""Each confidence signal of the finder (bot/questions/signals.py) on its own, and the issue-10 cases end to end."""

from __future__ import annotations

import pytest

from bot.articles.model import Block
from bot.questions import followups, leadins, signals
from bot.questions.finder import explain_questions, find_questions
from bot.questions.lexicon import lexicon_for
from bot.questions.model import PollDraft, PollKind, best_drafts

from tests.questions.helpers import article, heading, verdicts

DE = lexicon_for("de")
EN = lexicon_for("en")
LEAD = "Ein einleitender Absatz, der nichts fragt."


def judged(*blocks, title: str = "Ein Artikel", language: str = "de"):
    return {v.question: v for v in explain_questions(article(*blocks, title=title, language=language))}


# --- the confidence ------------------------------------------------------------------------------


def test_confidence_is_the_logistic_of_bias_plus_weights() -> None:
    assert signals.confidence([]) == pytest.approx(1 / (1 + 2.718281828459045 ** -signals.BIAS))
    assert signals.confidence(["reader_address", "closing"]) > signals.MIN_CONFIDENCE
    assert signals.confidence(["reader_address", "closing", "question_run"]) < signals.MIN_CONFIDENCE
    for name, signal in signals.SIGNALS.items():
        assert signal.weight != 0 and signal.description, name


def test_every_signal_is_seen_on_real_or_written_text() -> None:
    """Keeps SIGNALS honest, like RULES: a signal nobody can trigger is dead weight."""
    probes = [
        article(LEAD, "Das ist so. Wie seht ihr das? Schreibt es in die Kommentare!", "Na, hast du es probiert?"),
        article("Hast du das schon gelesen?", LEAD, LEAD, LEAD, LEAD, LEAD),
        article(LEAD, "Wird das klappen? Wir wissen es nicht, und keiner weiß es.", LEAD, LEAD, LEAD, LEAD, LEAD),
        article(LEAD, "Gibt mir das Kraft? Macht es mich neugierig? Würde ich es tun? Oder doch nicht?"),
        article(LEAD, "Und wir fragen uns: Ist der Akku geladen?", "Klingt kompliziert, oder?"),
        article(LEAD, heading("Self-Checkout: Wirklich besser für alle?"), "Kennt ihr schon unseren Newsletter?",
                "Du willst mehr wissen?", "Hast du noch Fragen?"),
        article(LEAD, "Tee oder Kaffee?", "Schreibt es uns in die Kommentare.", title="Tee oder Kaffee?"),
        article("Ein Satz.", title="Was heißt Freiheit für Sie, Anna Berg?"),
        article(
            Block("paragraph", "Was gefällt dir an deiner Arbeit?", emphasis="whole"),
            "Die Leute, ganz klar, und das jeden Tag aufs Neue, wirklich und ehrlich.",
            Block("paragraph", "Und was nervt dich?", emphasis="whole"),
            "Die Bürokratie, ganz klar. Formulare über Formulare, das ist anstrengend.",
        ),
        article(LEAD, "Brauchst du Hilfe? Die Helpline steht dir unter 0800 133 133 zur Verfügung."),
        article(LEAD, "Ob das gut geht? Die Frage bleibt offen."),
        article(LEAD, "Was haltet ihr von diesem Eierkocher?", heading("Platz 8: Ein Solarlader")),
        article(LEAD, "Am I wrong? I have kids too. -- CONCERNED SISTER", "DEAR CONCERNED SISTER: No.", language="en"),
        article(LEAD, "Why not grab it while it lasts?", "Who knows what is out there?", language="en"),
        article(LEAD, "Are you looking for a new challenge? We are hiring.", language="en"),
        article(LEAD, "Was würden Sie jungen Gründern raten?", ANSWER),
        article(LEAD, title="What Do You Think This Guy Is Doing? You Will Never Guess", language="en"),
        article(LEAD, Block("list_item", "Was ist der Stoffwechsel?"), Block("list_item", "Cheat Days als Abhilfe?")),
        article(LEAD, "Isn't this the cutest idea for your table?", language="en"),
        article(LEAD, "Did you make this? Tag us on social media!", language="en"),
        article(LEAD, "Have you got a favourite shortcut? Please use this form to send it in.", language="en"),
        article(LEAD, "Think about your first job. What did you learn there? Did that help you later?", language="en"),
        article(LEAD, "What if you had to start over? What would you keep?", language="en"),
        article(LEAD, "Und wie ist das bei euch? Fahrt ihr im Winter Rad?"),
        article(LEAD, "Habt ihr Ideen für neue Touren? Dann schreibt mir."),
        article(LEAD, "Kennt ihr diese Tage, an denen nichts klappt? Gestern war so einer."),
        article(LEAD, heading("1. Ist der Test nur lokal?"), "Das ist ein Zeichen.", heading("2. Gibt es kein Review?"),
                "Auch das.", title="Ist euer Projekt wirklich agil?"),
        article(LEAD, "Would you like to become a contributor? Check the repo to learn how.", language="en"),
        article("Do you want to know what it takes to run a panel? This article presents tips.", LEAD, language="en"),
        article(LEAD, "For Blender users: did I miss anything?", language="en"),
        article(LEAD, "Question: Which group would you identify yourself with the most?", LEAD, language="en"),
    ]
    seen = {name for probe in probes for verdict in explain_questions(probe) for name in verdict.signals}
    assert set(signals.SIGNALS) - seen == set()


# --- signals on their own --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (DE, "Was sind eure liebsten Rezepte für den Winter?", True),
        (DE, "Habt ihr Vorsätze für das neue Jahr?", True),
        (DE, "Wann besinnt sich die Linke auf ihr universalistisches Erbe?", False),
        (DE, "Haben Sie schon einmal gekündigt?", True),
        (EN, "What does your team use?", True),
        (EN, "What does the team use?", False),
    ],
)
def test_reader_address(lexicon, text: str, expected: bool) -> None:
    assert signals.addresses_reader(text, lexicon) is expected


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (DE, "Schreibt es gerne in die Kommentare!", True),
        (DE, "Schreib mir, wie es bei dir war.", True),
        (DE, "Ich bin gespannt auf eure Antworten.", True),
        (DE, "Stellen wir uns folgendes Szenario vor: Ein Mechaniker ist ratlos.", False),
        (DE, "Dieser Kommentar hat mich geärgert.", False),
        (EN, "Let me know in the comments.", True),
        (EN, "Tell us what you think.", True),
        (EN, "Backhanded comments say more about you than about others.", False),
        (EN, "Help!", False),
    ],
)
def test_invitation(lexicon, text: str, expected: bool) -> None:
    assert signals.invites_reply(text, lexicon) is expected


def test_a_yes_or_no_formula_is_a_call_to_vote() -> None:
    assert signals.asks_for_a_vote("Off-the-rack wedding dresses: Yes or no?")
    assert signals.asks_for_a_vote("Kleider von der Stange: Ja oder nein?")
    assert not signals.asks_for_a_vote("Is it yes or no for you, and why?")
    verdict = judged(LEAD, "Kleider von der Stange: Ja oder nein?")["Kleider von der Stange: Ja oder nein?"]
    assert verdict.is_poll and verdict.kind is PollKind.YES_NO and verdict.options == ("Ja", "Nein", "Weiß nicht")


def test_a_yes_no_door_to_a_written_answer_is_open() -> None:
    found = judged(LEAD, "Fallen dir weitere Vorteile ein? Dann schreib mir gern einen Kommentar.")
    verdict = found["Fallen dir weitere Vorteile ein?"]
    assert verdict.is_poll and verdict.kind is PollKind.OPEN and verdict.options == ()
    found = judged(LEAD, "Have you got a favourite recipe? Let me know in the comments.", language="en")
    assert found["Have you got a favourite recipe?"].kind is PollKind.YES_NO  # no "then": the yes/no still stands


def test_interjection_lead() -> None:
    assert signals.has_interjection_lead("Na, hast du es schon ausprobiert?", DE)
    assert signals.has_interjection_lead("So, have you tried it?", EN)
    assert not signals.has_interjection_lead("Hast du es schon ausprobiert?", DE)


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (DE, "Würde ich es noch einmal machen?", True),
        (DE, "Können wir das schaffen?", True),
        (DE, "Sollen wir nach Porto oder nach Sevilla?", False),  # asks the readers' advice
        (DE, "Ich finde: Das ist überfällig, oder?", False),  # the lead-in is the writer's, not the question
        (DE, "Würdest du es noch einmal machen?", False),
        (EN, "Was I being naive?", True),
        (EN, "Where should we go next?", False),
    ],
)
def test_first_person(lexicon, text: str, expected: bool) -> None:
    assert signals.is_first_person(text, lexicon) is expected


def test_self_ask() -> None:
    assert signals.is_self_ask("Und wir fragen uns: Ist der Akku geladen?", "", DE)
    assert signals.is_self_ask("Ist der Akku geladen?", "Ich habe mich gefragt:", DE)
    assert signals.is_self_ask("I wonder whether it was worth it?", "", EN)
    assert not signals.is_self_ask("Ist der Akku geladen?", "Er sagte das.", DE)


def test_headline_style() -> None:
    assert signals.is_headline_style("Self-Checkout: Wirklich besser für alle?", DE)
    assert not signals.is_headline_style("Welche Sprache lernt ihr: Spanisch oder Französisch?", DE)
    assert not signals.is_headline_style("Ist das gut?", DE)


@pytest.mark.parametrize(
    ("lexicon", "text", "previous", "expected"),
    [
        (DE, "Oder etwa nicht?", "Das ist die Lösung.", True),
        (DE, "Klingt kompliziert, oder?", "", True),
        (EN, "Did it pay off?", "It cost us a year.", True),
        (EN, "Right?", "That was great.", True),
        (DE, "Habt ihr Lust?", "Das ist die Lösung.", False),  # addresses the reader
        (EN, "Did the new process pay off for the team?", "It cost us a year.", False),  # not short
    ],
)
def test_tag_question(lexicon, text: str, previous: str, expected: bool) -> None:
    assert signals.is_tag_question(text, previous, lexicon) is expected


def test_argued_through_needs_more_after_a_question_to_the_reader() -> None:
    assert followups.goes_on_arguing(["Die Meinungen gehen auseinander."], "Wird KI Übersetzer ersetzen?", DE)
    assert not followups.goes_on_arguing(["I have, and I loved it."], "Have you tried it yourself?", EN)
    long_argument = ["Like, they say things about everyone and everything all the time, really." * 3, "Nobody owes anyone."]
    assert followups.goes_on_arguing(long_argument, "Have you ever overheard someone?", EN)
    assert not followups.goes_on_arguing(["Schreibt es in die Kommentare."], "Wird das klappen?", DE)


def test_continuation_stock_phrase_named_addressee_and_own_promotion() -> None:
    assert signals.continues_previous("Oder geht ihr alles gelassen an?", "Habt ihr Vorsätze?", DE)
    assert not signals.continues_previous("Oder geht ihr alles gelassen an?", "Das ist so.", DE)
    assert signals.is_stock_phrase("War dieser Artikel hilfreich?", DE)
    assert signals.is_stock_phrase("Have something to add to this story?", EN)
    assert signals.is_stock_phrase("Tipp: Sind Sie ein Facebook-Experte?", DE)
    assert not signals.is_stock_phrase("Welche Tipps habt ihr für Anfänger?", DE)
    assert signals.is_stock_phrase("Und wie geht es euch?", DE)
    assert not signals.is_stock_phrase("Wie geht es euch mit dem neuen Update nach drei Wochen?", DE)
    assert signals.named_addressee("Was heißt Sozialismus für Sie, Kevin Kühnert?", DE)
    assert not signals.named_addressee("Was meint ihr, liebe Leser?", DE)
    assert not signals.named_addressee("Tee oder Kaffee, was trinkt ihr?", DE)
    assert signals.promotes_own("Kennt ihr schon unseren Brandfinder?", DE)
    assert not signals.promotes_own("Kennt ihr schon den Brandfinder?", DE)
    assert not signals.promotes_own("Seid ihr mit unserer Stadtpolitik zufrieden?", DE)
    assert signals.promotes_own("Have you seen our new app?", EN)


# --- the cases, end to end ---------------------------------------------------------------


def test_closing_question_led_by_an_interjection_and_plural_w_question_are_polls() -> None:
    found = judged(LEAD, "So war das bei mir.", "Na, hast du es schon ausprobiert?")
    assert found["Hast du es schon ausprobiert?"].is_poll
    found = judged(LEAD, "Das waren meine Favoriten.", "Was sind eure liebsten Rezepte für den Winter?")
    verdict = found["Was sind eure liebsten Rezepte für den Winter?"]
    assert verdict.is_poll and verdict.kind is PollKind.OPEN


def test_three_named_alternatives_are_a_choice_without_a_verb() -> None:
    found = judged(LEAD, "Behalten, verschenken oder zurückschicken und nie wieder daran denken?")
    verdict = found["Behalten, verschenken oder zurückschicken und nie wieder daran denken?"]
    assert verdict.kind is PollKind.CHOICE
    assert verdict.options == ("Behalten", "verschenken", "zurückschicken und nie wieder daran denken")
    found = verdicts(LEAD, "Would you rather keep it, give it away or send it back?", language="en")
    assert found["Would you rather keep it, give it away or send it back?"].options == ("keep it", "give it away", "send it back")


def test_alternatives_inside_a_longer_clause() -> None:
    text = "Würdet ihr eher mit dem Zug oder mit dem Auto in den Urlaub fahren, wenn es billiger wäre?"
    verdict = judged(LEAD, text)[text]
    assert verdict.is_poll and verdict.options == ("mit dem Zug", "mit dem Auto")
    text = "Für mich ist das klar, aber was trinkt ihr lieber: Tee oder Kaffee?"
    verdict = judged(LEAD, text)[text]
    assert verdict.is_poll and verdict.options == ("Tee", "Kaffee")


def test_topic_alternatives_before_an_expository_question_are_no_choice() -> None:
    title = "3G, 2G oder 2G Plus: Was gilt jetzt beim Friseur?"
    verdict = judged("Hier steht, was gilt.", title=title)[title]
    assert not verdict.is_poll and verdict.kind is PollKind.OPEN


@pytest.mark.parametrize(
    ("blocks", "question", "signal"),
    [
        ((LEAD, "Gibt mir das Kraft? Macht es mich neugierig? Würde ich es auch ohne Geld tun?"), "Macht es mich neugierig?", "question_run"),
        ((LEAD, "Dann kam die Rechnung, und wir fragen uns: Ist der Akku geladen?"), "Dann kam die Rechnung, und wir fragen uns: Ist der Akku geladen?", "self_ask"),
        ((LEAD, "Würde ich es noch einmal machen? Vermutlich schon."), "Würde ich es noch einmal machen?", None),
        ((LEAD, "Das ist die beste Lösung. Oder etwa nicht?"), "Oder etwa nicht?", "tag_question"),
        ((LEAD, "Klingt kompliziert, oder? Ist es aber nicht."), "Klingt kompliziert, oder?", None),
        ((LEAD, heading("Self-Checkout: Wirklich besser für alle?"), "Hier geht es weiter."), "Self-Checkout: Wirklich besser für alle?", None),
        ((LEAD, heading("Self-Checkout: Wirklich besser für alle?"), heading("Quellen")), "Self-Checkout: Wirklich besser für alle?", "headline_style"),
        ((LEAD, "Verstehen die Nutzer überhaupt, wer dafür bezahlt? Die Antwort der Anbieter ist dünn, die Zahlen sind es auch."),
         "Verstehen die Nutzer überhaupt, wer dafür bezahlt?", None),
        ((LEAD, "Kennt ihr schon unseren Newsletter?"), "Kennt ihr schon unseren Newsletter?", "own_promotion"),
        ((LEAD, "Hast du noch Fragen zum Thema?"), "Hast du noch Fragen zum Thema?", "stock_phrase"),
        ((LEAD, "Du willst mehr wissen? Hier entlang."), "Du willst mehr wissen?", None),
    ],
)
def test_questions_that_are_not_put_to_the_readers_get_no_poll(blocks, question: str, signal: str | None) -> None:
    verdict = judged(*blocks)[question]
    assert not verdict.is_poll, verdict
    if signal:
        assert signal in verdict.signals


def test_a_run_of_questions_to_the_readers_before_a_call_to_reply_is_invited() -> None:
    closing = ("Wie ist das bei euch? Habt ihr feste Rituale? Macht ihr Listen? Plant ihr den Urlaub früh? "
               "Oder lasst ihr alles auf euch zukommen? Schreibt es mir in die Kommentare!")
    found = judged(LEAD, "So mache ich das.", closing)
    assert all("invitation" in found[q].signals for q in ("Habt ihr feste Rituale?", "Macht ihr Listen?"))
    assert len(find_questions(article(LEAD, "So mache ich das.", closing), max_per_article=3)) == 3
    checklist = "Gibt mir das Kraft? Macht es mich neugierig? Würde ich es auch ohne Geld tun? Das frage ich mich oft."
    assert find_questions(article(LEAD, checklist, LEAD, LEAD, LEAD, LEAD)) == []


def test_english_first_person_and_tags_get_no_poll() -> None:
    found = judged("We had shipped it in a rush.", "Was I being naive?", "It cost us a year. Did it pay off?", language="en")
    assert not found["Was I being naive?"].is_poll and "first_person" in found["Was I being naive?"].signals
    assert not found["Did it pay off?"].is_poll and "tag_question" in found["Did it pay off?"].signals


def test_interview_without_speaker_labels_gets_no_poll() -> None:
    blocks = [LEAD]
    for question, answer in [
        ("Was gefällt dir an deiner Arbeit am meisten?", "Die Leute. Ich mag es, mit Menschen zu arbeiten, jeden Tag aufs Neue."),
        ("Und was nervt dich?", "Die Bürokratie, ganz klar. Formulare über Formulare, das ist schon echt anstrengend."),
        ("Was würdest du Einsteigern raten?", "Geduld haben. Der Anfang ist schwer, aber es lohnt sich, dranzubleiben."),
    ]:
        blocks += [Block("paragraph", question, emphasis="whole"), answer]
    assert find_questions(article(*blocks)) == []
    verdict = judged(*blocks)["Was würdest du Einsteigern raten?"]
    assert "interview_structure" in verdict.signals


def test_cap_keeps_the_most_confident_in_article_order() -> None:
    drafts = [
        PollDraft("A?", PollKind.OPEN, (), 1, confidence=0.7),
        PollDraft("B?", PollKind.OPEN, (), 3, confidence=0.9),
        PollDraft("C?", PollKind.OPEN, (), 5, confidence=0.8),
        PollDraft("D?", PollKind.OPEN, (), 7, confidence=0.9),
    ]
    assert [d.question for d in best_drafts(drafts, 2)] == ["B?", "D?"]
    assert [d.question for d in best_drafts(drafts, 3)] == ["B?", "C?", "D?"]
    assert best_drafts(drafts, 0) == []
    text = article(LEAD, "Hast du schon einen Passkey? Schreib es uns!", "Welchen Passwortmanager nutzt du?")
    assert len(find_questions(text)) == 2
    assert [d.question for d in find_questions(text, max_per_article=1)] == ["Hast du schon einen Passkey?"]


# --- the signals of issue 10's second round ------------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "following", "expected"),
    [
        (DE, "Die Schweizer LGBT+ Helpline steht Dir unter der Nummer 0800 133 133 kostenlos zur Verfügung.", True),
        (EN, "Sign up here", True),
        (EN, "Send it to kate@example.com and we'll put it in the story!", False),  # an invitation, not an offer
        (EN, "Let us know in the comments.", False),
        (DE, "Ich habe es lange versucht.", False),
    ],
)
def test_service_offer(lexicon, following: str, expected: bool) -> None:
    assert followups.offers_service(following, lexicon) is expected


def test_a_question_that_leads_to_an_offer_is_no_poll() -> None:
    found = judged(LEAD, LEAD, "Brauchst du Hilfe? Die Helpline steht dir unter 0800 133 133 zur Verfügung.")
    assert "service_offer" in found["Brauchst du Hilfe?"].signals
    assert not found["Brauchst du Hilfe?"].is_poll


@pytest.mark.parametrize(
    ("lexicon", "sentence", "expected"),
    [
        (DE, "Die Frage bleibt offen.", True),
        (DE, "Man darf gespannt bleiben…", True),
        (EN, "That remains an open question.", True),
        (EN, "Only time will tell.", False),  # news says so after its own speculation
        (DE, "Das bleibt abzuwarten.", False),
        (EN, "It will be fine.", False),
    ],
)
def test_left_open(lexicon, sentence: str, expected: bool) -> None:
    assert followups.leaves_open(sentence, lexicon) is expected


def test_a_closing_question_left_open_on_purpose_is_a_poll() -> None:
    found = judged(LEAD, LEAD, LEAD, "Die Technik wird besser. Ob die Räder damit langweilig werden? Die Frage bleibt offen.")
    verdict = found["Ob die Räder damit langweilig werden?"]
    assert "left_open" in verdict.signals and "argued_through" not in verdict.signals
    assert verdict.is_poll


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (EN, "What do you think of this egg cooker?", True),
        (EN, "Would you buy one for yourself?", True),
        (DE, "Was haltet ihr von dem neuen Modell?", True),
        (EN, "What do we think of this egg cooker?", False),  # not to the reader
        (EN, "Did you know that bees dance?", False),
    ],
)
def test_asks_opinion(lexicon, text: str, expected: bool) -> None:
    assert signals.asks_opinion(text, lexicon) is expected


def test_a_listicle_item_closing_with_an_opinion_question_is_a_poll_but_not_an_argument() -> None:
    middle = "Ein langer Absatz über das Produkt, der viel erklärt und nichts fragt, aber gut zu lesen ist."
    found = judged(LEAD, heading("9. Ein Eierkocher"), middle, "Was haltet ihr von diesem Eierkocher?",
                   heading("8. Ein Solarlader"), middle, "Findet ihr, dass Solarlader teuer sind? Sie kosten 20 Euro.",
                   middle, LEAD, LEAD, LEAD)
    item = found["Was haltet ihr von diesem Eierkocher?"]
    assert {"ends_section", "asks_opinion", "body_middle"} <= set(item.signals) and item.is_poll
    argued = found["Findet ihr, dass Solarlader teuer sind?"]
    assert "asks_opinion" not in argued.signals and not argued.is_poll  # mid-body "do you think" is often rhetorical


def test_signed_letters_to_a_columnist() -> None:
    assert signals.is_signed_letter("Do you think I was wrong for asking? -- CONCERNED SISTER", "")
    assert signals.is_signed_letter("Do you think I was wrong?", "DEAR CONCERNED SISTER: If you and she are close …")
    assert not signals.is_signed_letter("Do you think I was wrong? Let me know in the comments.", "Thanks for reading.")
    long_letter = "My sister never calls me back. " * 400 + "Should I stop trying? -- TIRED OF WAITING"
    assert signals.is_signed_letter(long_letter, "")  # only the paragraph's end is searched (long paragraphs)
    assert not signals.is_signed_letter("-- NOT A SIGNATURE HERE " + "and a long letter goes on. " * 40, "")


def test_suggestions_and_pointers_to_the_writers_own_pages() -> None:
    assert signals.is_suggestion("If you enjoyed this, how about our other bread recipes?")
    assert signals.is_suggestion("Wie wäre es mit einem Spaziergang?")
    assert not signals.is_suggestion("How do you bake it?")
    assert signals.promotes_own("If you enjoyed this, how about our other bread recipes?", EN)


def test_a_clickbait_title_that_goes_on_with_a_teaser_is_no_poll() -> None:
    title = "What Do You Think This Guy Is Doing? You Will Never Guess"
    assert signals.title_goes_on(title, title.index("?") + 1, EN)
    survey = "Time or money? What our salary survey found"
    assert not signals.title_goes_on(survey, survey.index("?") + 1, EN)  # announces the article, not a teaser
    found = judged(LEAD, title=title, language="en")
    assert not found["What Do You Think This Guy Is Doing?"].is_poll


def test_an_invitation_to_send_something_makes_the_poll_open() -> None:
    assert followups.asks_to_write("Send it to kate@example.com and we'll put it in the story!", EN)
    assert not followups.asks_to_write("Sign up here", EN)


def test_a_closing_run_of_questions_to_the_readers_with_an_invitation_keeps_its_best_three() -> None:
    """Not a checklist: five questions to the readers in the closing, then a call to reply (the cap keeps three)."""
    run = ("Which editor do you use? How long have you used it? Would you switch to another one? "
           "What do you miss in yours? Do you use plugins? Let us know in the comments below!")
    body = [Block("paragraph", "A paragraph that explains the editors and asks nothing at all.")] * 3
    drafts = find_questions(article(*body, run, language="en"), max_per_article=3)
    assert 1 <= len(drafts) <= 3
    assert all("question_run" not in verdict.signals for verdict in explain_questions(article(*body, run, language="en")))
    checklist = "Which editor do you use? How long have you used it? Would you switch? What do you miss? Do you use plugins?"
    in_body = find_questions(article(*body, checklist, *body, language="en"), max_per_article=3)
    assert in_body == []  # the same run in the middle of the body, without an invitation, is a checklist


def test_a_question_in_a_section_under_a_question_heading_argues_that_heading() -> None:
    found = judged(LEAD, heading("Warum sagen alle wörtlich?"),
                   "Sagt ihr es, um andere zu ärgern? Das wäre, als ginge man im Winter in kurzen Hosen hinaus.",
                   LEAD, title="Wörtlich")
    assert "question_section" in found["Sagt ihr es, um andere zu ärgern?"].signals
    found = judged(LEAD, heading("Fazit"), "Sagt ihr es auch so?", title="Wörtlich")
    assert "question_section" not in found["Sagt ihr es auch so?"].signals
    found = judged(LEAD, heading("Wann geht bei euch die Saison los?"), "Habt ihr schon Karten?", title="Wörtlich")
    assert "question_section" not in found["Habt ihr schon Karten?"].signals  # the heading asks the readers too
    found = judged(LEAD, heading("Solltest du jetzt wechseln?"), "Hast du einen alten Vertrag? Das lohnt sich.",
                   title="Wörtlich")
    assert "question_section" in found["Hast du einen alten Vertrag?"].signals  # advice: the section answers it
    later = judged(LEAD, heading("Was kostet das?"), "Zwanzig Euro im Monat.", "Sagt ihr es auch so?", title="Wörtlich")
    assert "question_section" not in later["Sagt ihr es auch so?"].signals  # later in the section: its own question


def test_the_closing_ends_before_the_sites_link_lists() -> None:
    """After "Related stories" come teasers, not the article's closing paragraphs."""
    body = [Block("paragraph", "A paragraph that explains things and asks nothing at all.")] * 6
    teasers = [Block("paragraph", f"Ten more jokes for kids, part {n}", emphasis="whole") for n in range(5)]
    found = judged(*body, "Got a joke you'd like to add? Send it to kate@example.com!",
                   Block("paragraph", "RELATED STORIES", emphasis="whole"), *teasers, language="en")
    verdict = found["Got a joke you'd like to add?"]
    assert "closing" in verdict.signals and verdict.is_poll and verdict.kind is PollKind.OPEN


@pytest.mark.parametrize(
    ("question", "following", "expected"),
    [
        ("Are you looking for a new challenge?", "We are hiring developers in Berlin.", True),
        ("Sie möchten Teil unseres Teams werden?", "Wir freuen uns auf Ihre Bewerbung.", True),
        ("Are you looking for a new laptop?", "Here are five we tested.", False),
        # the reader as the one who hires: a question about their own organisation recruits nobody
        ("Has hiring interns paid off for your company, or do you prefer graduates?", "Tell us below.", False),
        ("Sucht eure Firma gerade neue Azubis?", "Wir sammeln eure Erfahrungen mit der Bewerbung.", False),
    ],
)
def test_recruiting(question: str, following: str, expected: bool) -> None:
    lexicon = DE if " Sie " in f" {question} " else EN
    assert followups.recruits(question, following, lexicon) is expected


def test_a_job_advert_is_no_poll() -> None:
    found = judged(LEAD, LEAD, LEAD, "Sie möchten Teil unseres Teams werden?", "Wir freuen uns auf Ihre Bewerbung.")
    assert "recruiting" in found["Sie möchten Teil unseres Teams werden?"].signals
    assert not found["Sie möchten Teil unseres Teams werden?"].is_poll


def test_a_word_of_voting_inside_a_news_question_is_no_invitation() -> None:
    """"vote" in "Will the government survive the vote?" is news, not a call to vote."""
    assert not signals.invites_reply_in_question("Will the government survive the vote next week?", EN)
    assert signals.invites_reply("Vote below!", EN)


def test_a_lone_closing_question_that_asks_no_one_is_speculation_unless_it_asks_for_a_verdict() -> None:
    speculation = judged(LEAD, LEAD, LEAD, "Die Koalition streitet seit Wochen.", "Wird die Regierung das überstehen?")
    assert "stands_alone" not in speculation["Wird die Regierung das überstehen?"].signals
    assert not speculation["Wird die Regierung das überstehen?"].is_poll
    debate = judged(LEAD, LEAD, LEAD, "Die Koalition streitet seit Wochen.", "Sollten Schulen Handys verbieten?")
    assert "stands_alone" in debate["Sollten Schulen Handys verbieten?"].signals


def test_an_opinion_question_followed_by_a_link_is_no_offer() -> None:
    found = judged(LEAD, LEAD, LEAD, "Wie gefallen euch die neuen Modelle?", "Mehr Infos auf newbalance.de")
    assert "service_offer" not in found["Wie gefallen euch die neuen Modelle?"].signals
    assert found["Wie gefallen euch die neuen Modelle?"].is_poll


def test_an_opinion_question_that_opens_onto_a_call_to_act_is_an_offer() -> None:
    question = "Would you like to be part of the team?"
    found = judged("An opening paragraph.", question, "Join our contributor programme and share your voice!", language="en")
    assert "service_offer" in found[question].signals
    assert not found[question].is_poll
    assert followups.opens_with_offer("Jetzt anmelden und mitmachen.", DE)
    assert not followups.opens_with_offer("Mehr Infos auf newbalance.de", DE)


ANSWER = "Eine lange Antwort des Gastes, die erklärt, wie es dazu kam und was daraus wurde, mit vielen Details."


def test_a_question_to_you_answered_by_the_next_paragraph_is_an_interviewers() -> None:
    found = judged(LEAD, LEAD, "Was würden Sie jungen Gründern raten?", ANSWER)
    assert "answered_below" in found["Was würden Sie jungen Gründern raten?"].signals
    assert not found["Was würden Sie jungen Gründern raten?"].is_poll
    to_readers = judged(LEAD, LEAD, "Lieber Leser, was nehmt ihr aus dem Jahr mit?", ANSWER)
    assert "answered_below" not in to_readers["Lieber Leser, was nehmt ihr aus dem Jahr mit?"].signals


def test_a_title_that_announces_an_interview_makes_you_the_guest() -> None:
    assert signals.announces_interview("Im Gespräch mit der Imkerin Anna Berg")
    assert signals.announces_interview("Q&A: a climate scientist on heat waves")
    assert not signals.announces_interview("Warum Bienen tanzen")
    found = judged(LEAD, "Was gefällt dir an deiner Arbeit am meisten?", ANSWER, title="Im Gespräch mit Anna Berg")
    assert "interview_structure" in found["Was gefällt dir an deiner Arbeit am meisten?"].signals
    closing = judged(LEAD, ANSWER, "Was würdet ihr Anna fragen?", title="Im Gespräch mit Anna Berg")
    assert "interview_structure" not in closing["Was würdet ihr Anna fragen?"].signals  # nothing answers it


def test_a_vocative_to_the_readers() -> None:
    assert signals.calls_the_readers("Lieber Leser, welche Dinge nehmt ihr mit?")
    assert signals.calls_the_readers("Dear readers: what do you think?")
    assert not signals.calls_the_readers("Frau Müller, wie sind Sie zur Imkerei gekommen?")


def test_rhetorical_formulas() -> None:
    assert signals.is_rhetorical_formula("Who knows what might be out there in your shed or barn?")
    assert signals.is_rhetorical_formula("Und wer weiß, was noch kommt?")
    assert not signals.is_rhetorical_formula("Who knew about it before?")


def test_a_closing_list_counts_as_one_paragraph_of_the_closing() -> None:
    """Sources or links listed at the end do not push the article's last paragraphs out of the closing."""
    question = "Welche Pflanzen habt ihr auf dem Balkon?"
    sources = [Block("list_item", f"Quelle {number}: Ein Buch über Gärten, Seite {number}.") for number in range(1, 7)]
    found = judged(LEAD, LEAD, LEAD, question, "Ein letzter Absatz ohne Frage.", *sources)
    assert "closing" in found[question].signals and found[question].is_poll
    body = judged(LEAD, question, LEAD, LEAD, LEAD, LEAD)
    assert "body_middle" in body[question].signals and not body[question].is_poll


def test_a_question_after_a_short_prompt_to_the_readers_is_put_to_them() -> None:
    """"What's your take? Is …?": the prompt hands the next question to the readers; an interjection before
    the verb ("Na, habt ihr …?") does not hide the plural "ihr"."""
    found = judged(LEAD, LEAD, "So, what's your take? Is a premium machine worth the money?", language="en")
    assert "reader_address" in found["Is a premium machine worth the money?"].signals
    assert found["Is a premium machine worth the money?"].is_poll
    (verdict,) = judged(LEAD, LEAD, "Na, habt ihr Lust bekommen?").values()
    assert "reader_address" in verdict.signals and verdict.is_poll
    assert not signals.follows_reader_prompt("Was hat die Regierung daraus gelernt?", DE)


@pytest.mark.parametrize(
    ("closing", "language"),
    [
        ("So what are you waiting for?", "en"),  # a formula that expects no answer
        ("Worauf wartest du noch?", "de"),
        ("Have you ever wondered why cats purr? Scientists believe it calms them.", "en"),  # a hook the text answers
        ("Bist du ein Kaffeeliebhaber? Dann ist diese Maschine genau richtig für dich.", "de"),  # an if-clause
        ("Are you a coffee lover? Then this machine is for you.", "en"),
        ("What does this mean for you? It means lower bills.", "en"),  # answered in its own words
        ("Suchst du eine neue Maschine? In unserem Vergleich findest du die besten.", "de"),  # a pointer to own pages
        ("Du hast Fragen? Ruf uns an.", "de"),  # the site's formula
        ("Kennen Sie das? Man steht morgens auf und der Bus ist schon weg.", "de"),  # a hook
        ("Hätten Sie das gedacht?", "de"),
    ],
)
def test_closing_questions_to_the_reader_that_ask_nothing_are_no_polls(closing: str, language: str) -> None:
    assert not find_questions(article(LEAD, LEAD, LEAD, closing, language=language))


@pytest.mark.parametrize(
    ("closing", "language"),
    [
        ("Kennt ihr noch weitere Tricks? Dann her damit!", "de"),  # "then" with a call to reply still asks
        ("Fallen dir weitere Vorteile ein? Dann schreib mir einen Kommentar.", "de"),
        ("Have you been to Italy? What did you think of the espresso there?", "en"),
        ("Sollten Innenstädte autofrei sein?", "de"),  # short, but a verdict asked for, not a tag after a claim
    ],
)
def test_closing_questions_that_ask_the_readers_stay_polls(closing: str, language: str) -> None:
    assert find_questions(article(LEAD, LEAD, LEAD, closing, language=language))


def test_a_closing_row_asking_the_readers_opinions_is_a_discussion_and_a_row_of_self_checks_a_checklist() -> None:
    body = ["We tested every machine in our kitchen for a week.", "Price mattered less than the grinder.", "Cleaning differed most."]
    discussion = ("What do you think of these machines? Which one would you buy? Do you prefer espresso? "
                  "Would you pay more for a grinder? What is your favourite brand?")
    assert len(find_questions(article(*body, discussion, language="en"), max_per_article=3)) == 3
    checklist = ("Do you clean your machine weekly? Are you using filtered water? Have you descaled it this year? "
                 "Do you store beans in the fridge? Is your grinder set right?")
    assert find_questions(article(*body, checklist, language="en"), max_per_article=3) == []


def test_a_question_in_a_list_is_a_poll_only_with_more_to_show_for_it() -> None:
    """No real page put a poll in a list item (checklists, sources, link lists): a lone question to the reader there
    is no poll, one with a call to reply still is."""
    teaser = [Block("list_item", "Sollten Sie jetzt Gold kaufen?"), Block("list_item", "Die besten Fonds 2024")]
    found = judged(LEAD, LEAD, LEAD, *teaser)
    assert "list_item" in found["Sollten Sie jetzt Gold kaufen?"].signals
    assert not found["Sollten Sie jetzt Gold kaufen?"].is_poll
    invited = judged(LEAD, LEAD, LEAD, Block("list_item", "Welche Fonds habt ihr? Schreibt es in die Kommentare!"))
    assert invited["Welche Fonds habt ihr?"].is_poll


def test_an_interview_question_answered_in_its_own_paragraph_is_the_guests() -> None:
    """Round 11: a bold question and its answer rendered as one paragraph ("**What are your favourite books?** I …")
    under a title that announces an interview is asked of the guest."""
    lead = "We talked to a cartographer who has worked for thirty years on the maps of the alpine clubs."
    question = "What are your favourite books, blogs and podcasts?"
    qa = [
        "How did you start drawing maps? My father took me to the survey office every summer, and after school I "
        "simply stayed there for good.",
        "What do you find hardest about your work? Keeping the old names of places alive while the glaciers and the "
        "paths change every single year.",
        question + " I read a lot of history, and the podcast I never miss is a weekly one about maps and the people "
        "who draw them.",
    ]
    tail = ["The club's new maps appear in the spring, printed and as files for the phone.",
            "The next interview of the series will be with a mountain guide from the valley."]
    found = verdicts(lead, *qa, *tail, title="Interview with a mapmaker", language="en")
    assert "interview_structure" in found[question].signals
    assert not any(verdict.is_poll for verdict in found.values())
    plain = verdicts(lead, *qa, *tail, title="Maps of the Alps", language="en")
    assert "interview_structure" not in plain[question].signals
    closing = verdicts(lead, lead + " " + question, title="Interview with a mapmaker", language="en")
    assert "interview_structure" not in closing[question].signals  # nothing answers it in its paragraph


def test_a_yes_no_question_whose_reply_goes_by_mail_or_form_is_a_contact_condition() -> None:
    """Round 11: "Have an idea for a guest post? Let me know by email!" is the condition of a contribution sent in
    private (e-mail, a form, a forum, a submission), not a question for the readers to discuss."""
    en = lexicon_for("en")
    assert leadins.routes_reply_offsite(["Let me know (in the forums or by email)!"], en)
    assert leadins.routes_reply_offsite(["We would love to hear about it.", "Please consider submitting it to our site."], en)
    assert not leadins.routes_reply_offsite(["Let me know in the comments or by email!"], en)  # public too
    assert not leadins.routes_reply_offsite(["Let me know below!"], en)
    lead = "Our little magazine is written by its readers, and every issue has a few pages for guest authors."
    run = "Do you love to write? Do you have a story from your garden to share?"
    found = verdicts(lead, lead, run, "We would love to hear about it. Please submit your text through the form on our site.",
                     language="en")
    assert not any(verdict.is_poll for verdict in found.values())
    assert "conditional_contact" in found["Do you love to write?"].signals
    public = verdicts(lead, lead, run, "We would love to hear about it in the comments below.", language="en")
    assert "conditional_contact" not in public["Do you love to write?"].signals
    wh = "What do you grow in your garden?"
    asked = verdicts(lead, lead, wh + " Tell us by email, we read every message.", language="en")
    assert "conditional_contact" not in asked[wh].signals  # a W-question still asks for the answer itself


def test_a_report_of_a_submission_is_no_call_to_send_the_reply_elsewhere() -> None:
    """Round 11: the channel must come with a call ("Let me know by email"), not in the writer's own report."""
    lead = "The new release of the editor came out on Monday, with a rewritten plugin system and many small fixes."
    question = "Have you tried the new release yet?"
    found = verdicts(lead, lead, question + " I submitted two patches for it last week and both went in by email.",
                     language="en")
    assert "conditional_contact" not in found[question].signals
