"""Rules the real-page rounds added (issue 10), in German and English, on sentences written for the test.

The first rules of the finder and its grammar helpers are in test_rules.py."""

from __future__ import annotations

import pytest

from bot.questions import alternatives, answers, calls, followups, grammar, kinds, leadins, signals
from bot.questions.lexicon import lexicon_for
from bot.questions.model import PollKind

from tests.questions.helpers import verdicts
from tests.questions.test_rules import DE, EN, LEAD_DE, LEAD_EN, only

# --- sixth round on ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "body", "expected"),
    [
        (EN, "Have you tried anything else, besides baking or frying it?", True),
        (EN, "Other than tea or coffee, what do you drink in the morning?", True),
        (DE, "Habt ihr außer Rad oder Bahn noch etwas ausprobiert?", True),
        (EN, "Besides the price, do you care more about the battery or the screen?", False),  # the choice is after it
        (EN, "Do you prefer tea or coffee?", False),
    ],
)
def test_alternatives_set_aside_are_no_choice(lexicon, body: str, expected: bool) -> None:
    """Alternatives after "besides", "other than", "außer", "statt" are set aside: the question asks about something
    else, so it is no choice between them."""
    assert alternatives.alternatives_only_in_exception(body, lexicon) is expected


def test_a_question_beside_its_alternatives_is_yes_no() -> None:
    found = verdicts("An opening paragraph without questions.", "A middle paragraph.", "Another one.",
                     "Have you tried anything else, besides baking or frying it?", language="en")
    verdict = only(found, "Have you tried anything else, besides baking or frying it?")
    assert verdict.kind is PollKind.YES_NO and verdict.rule != "named_alternatives"


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("Have some tricks that worked in your kitchen?", True),  # "Do you" left out
        ("Have any tips for a first marathon?", True),
        ("Have some fun with it?", False),  # no input asked for
    ],
)
def test_an_elliptic_have_question_asks_for_input(clause: str, expected: bool) -> None:
    assert leadins.asks_for_input(clause, EN) is expected


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("We tried that, too.What do you think? I agree.", ["We tried that, too.", "What do you think?", "I agree."]),
        ("Das probieren wir aus.Wie findet ihr das?", ["Das probieren wir aus.", "Wie findet ihr das?"]),
        ("We use Node.js. Is it fast?", ["We use Node.js.", "Is it fast?"]),  # no capital after the inner period
        ("Visit example.com.What a site.", ["Visit example.com.What a site."]),  # no question follows
    ],
)
def test_a_period_glued_to_a_question_splits(text: str, sentences: list[str]) -> None:
    """A page's typo "too.What do you think?" would hide the question inside the sentence before it."""
    from bot.questions.sentences import split_sentences

    assert [sentence.text for sentence in split_sentences(text, "en")] == sentences


def test_a_request_for_input_named_in_two_words_is_open_not_a_choice() -> None:
    """Round 11: "Do you have any inspiration or ideas for me?" asks for the input; the two words are no options."""
    assert leadins.alternatives_are_input(("any inspiration", "specific ideas"))
    assert not leadins.alternatives_are_input(("tips", "the finished cake"))
    lead = "Winter is coming, and I am planning what to build and paint with the kids on the dark afternoons."
    question = "Do you have any inspiration or specific ideas for me?"
    verdict = only(verdicts(lead, lead, question, language="en"), question)
    assert verdict.is_poll and verdict.kind is PollKind.OPEN and verdict.rule == "asks_for_input"
    choice = "Do you bake with butter or with margarine?"
    assert only(verdicts(lead, lead, choice, language="en"), choice).kind is PollKind.CHOICE
    german = "Habt ihr Tipps oder Ideen für uns?"
    assert only(verdicts("Wir planen den Winter mit den Kindern.", german), german).kind is PollKind.OPEN


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Do you agree, or am I missing something?"),
        ("en", "Do you agree or am I wrong?"),
        ("de", "Seht ihr das auch so, oder bin ich da allein?"),
        ("de", "Seht ihr das auch so oder irre ich mich?"),
    ],
)
def test_the_writer_doubting_after_asking_the_reader_is_one_yes_or_no(language: str, text: str) -> None:
    """The second clause turns from the reader to the writer: no second alternative to pick."""
    lexicon = lexicon_for(language)
    assert alternatives.named_alternatives(text, lexicon) is None
    lead = LEAD_DE if language == "de" else LEAD_EN
    invitation = " Schreibt es in die Kommentare!" if language == "de" else " Tell us in the comments!"
    verdict = only(verdicts(lead, text + invitation, language=language), text)
    assert verdict.kind is PollKind.YES_NO


def test_two_alternatives_of_the_writer_stay_a_choice() -> None:
    """"Should I buy the red one, or should I wait?" asks the readers to pick for the writer: both clauses are the writer's."""
    assert alternatives.named_alternatives("Should I buy the red one, or should I wait?", EN) == ["buy the red one", "wait"]


def test_an_imperative_that_names_the_comments_before_a_colon_is_no_reported_speech() -> None:
    """"Schreibt es in die Kommentare: Würdet ihr …?" asks the readers (as "Let me know in the comments: would you …?");
    "Ein Leser schrieb in den Kommentaren: Warum …?" quotes someone else."""
    asked = "Schreibt es in die Kommentare: Würdet ihr für eine Vier-Tage-Woche auf Gehalt verzichten?"
    assert not grammar.reported_speech_lead(asked, DE)
    assert only(verdicts(LEAD_DE, asked, language="de"), asked).is_poll
    assert grammar.reported_speech_lead("Ein Leser schrieb in den Kommentaren: Warum macht ihr das?", DE)


def test_a_short_question_to_the_readers_as_a_group_is_no_tag() -> None:
    """"Anyone else tried this?" after a claim asks the readers, as "Hat das noch jemand ausprobiert?" does; a short
    check of the writer's own claim ("Did it pay off?") stays a tag."""
    claim = "After three months, the numbers look good."
    assert not signals.is_tag_question("Anyone else tried this?", claim, EN)
    assert signals.is_tag_question("Did it pay off?", claim, EN)
    found = verdicts(LEAD_EN, claim, "Anyone else tried this?", language="en")
    assert only(found, "Anyone else tried this?").is_poll


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Forty hours of battery for thirty dollars is a bargain, right?", True),  # a claim with its tag
        ("de", "Vierzig Stunden Akku für dreißig Euro sind ein Schnäppchen, oder?", True),
        ("en", "Should we ship it this week, or not?", False),  # asks for a verdict
        ("de", "Sollen wir das noch diese Woche machen oder nicht?", False),
    ],
)
def test_a_claim_of_any_length_with_a_confirmation_tag_is_a_tag(language: str, text: str, expected: bool) -> None:
    lexicon = lexicon_for(language)
    claim = "Wir haben fünf Kopfhörer getestet." if language == "de" else "We tested five headphones."
    assert signals.is_tag_question(text, claim, lexicon) is expected
    if expected:
        lead = LEAD_DE if language == "de" else LEAD_EN
        assert not only(verdicts(lead, claim, text, language=language), text).is_poll


def test_a_job_advert_after_a_question_is_not_the_writers_own_answer() -> None:
    """"Do you love testing gadgets? We're hiring …": the advert recruits; it does not tell the writer's own taste."""
    question = "Do you love testing gadgets?"
    found = verdicts(LEAD_EN, "We tested five headphones for a month.",
                     f"{question} We're hiring a reviewer, apply on our careers page.", language="en")
    verdict = only(found, question)
    assert "recruiting" in verdict.signals and "writer_answers_too" not in verdict.signals
    assert not verdict.is_poll


BODIES = {
    "en": ("We tested five budget headphones for a month, on trains, in offices and at the gym.",
           "Battery life ranged from 18 to 40 hours, and only two models kept their seal during runs."),
    "de": ("Wir haben fünf günstige Kopfhörer einen Monat lang getestet.",
           "Die Akkulaufzeit lag zwischen 18 und 40 Stunden."),
}


@pytest.mark.parametrize(
    ("language", "closing", "question", "marker"),
    [
        # the writer answers for the reader after a condition
        ("en", "Do you need noise cancelling? If you commute by train every day, yes; otherwise save the money.",
         "Do you need noise cancelling?", "answer_marker"),
        ("de", "Braucht ihr Geräuschunterdrückung? Wenn ihr jeden Tag Zug fahrt, ja; sonst spart euch das Geld.",
         "Braucht ihr Geräuschunterdrückung?", "answer_marker"),
        # a scenario the text answers (all twelve "What if …?" of the tuning pages are no polls)
        ("en", "What if you lose one earbud? Most brands sell single replacements for about twenty dollars.",
         "What if you lose one earbud?", "thought_experiment"),
        ("de", "Und was, wenn ein Ohrhörer verloren geht? Die meisten Hersteller verkaufen einzelne Ersatzteile.",
         "Und was, wenn ein Ohrhörer verloren geht?", "thought_experiment"),
        # an offer for those who answer yes
        ("en", "Are you a student? You get 10% off with the code STUDENT10.", "Are you a student?", "service_offer"),
        ("de", "Du studierst? Mit dem Code STUDI10 bekommst du 10 % Rabatt.", "Du studierst?", "service_offer"),
        # the site's feedback prompt
        ("en", "Did you find this review useful? Share it with a friend!", "Did you find this review useful?",
         "stock_phrase"),
    ],
)
def test_questions_the_text_answers_or_sells_with_are_no_polls(language: str, closing: str, question: str,
                                                              marker: str) -> None:
    lexicon = lexicon_for(language)
    verdict = only(verdicts(*BODIES[language], closing, language=language), grammar.strip_opener(question, lexicon))
    assert not verdict.is_poll
    assert marker in (verdict.rule, *verdict.signals)


def test_a_reply_word_that_starts_a_noun_phrase_after_a_condition_is_no_answer() -> None:
    assert answers.answer_rule("If you ask me, no one should pay that much.", (), EN) is None
    assert answers.answer_rule("If you commute every day, yes.", (), EN) == "answer_marker"


@pytest.mark.parametrize(
    ("language", "question", "listed", "options"),
    [
        ("en", "What would make you switch brands?", "Price, sound, or something else?", ("Price", "sound", "something else")),
        ("en", "Which do you prefer?", "The red one or the blue one?", ("The red one", "the blue one")),
        ("de", "Welche Plattform nutzt ihr?", "Android, iOS oder etwas anderes?", ("Android", "iOS", "etwas anderes")),
    ],
)
def test_a_w_question_followed_by_its_alternatives_is_one_choice_poll(language, question, listed, options) -> None:
    lead = LEAD_DE if language == "de" else LEAD_EN
    found = verdicts(lead, f"{question} {listed}", language=language)
    poll = only(found, question)
    assert poll.is_poll and poll.kind is PollKind.CHOICE and poll.rule == "listed_options" and poll.options == options
    assert only(found, listed).rule == "options_of_question" and not only(found, listed).is_poll


def test_a_question_of_its_own_after_a_w_question_is_no_list_of_options() -> None:
    found = verdicts(LEAD_EN, "What do you think? Is it worth it?", language="en")
    assert only(found, "What do you think?").kind is PollKind.OPEN
    assert only(found, "Is it worth it?").rule != "options_of_question"


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("en", "Have a favourite pair we missed? We'd love to know.", "Have a favourite pair we missed?"),
        ("de", "Gibt es ein Modell, das wir als Nächstes testen sollen? Sagt Bescheid!",
         "Gibt es ein Modell, das wir als Nächstes testen sollen?"),
    ],
)
def test_the_writers_we_inside_a_question_to_the_readers_is_no_self_question(language, closing, question) -> None:
    """"we" in a relative clause about the writers' own work ("a pair we missed", "das wir testen sollen") does not make
    the question the writer's own; "We'd love to know" and "Sagt Bescheid" invite the answer."""
    lexicon = lexicon_for(language)
    assert not signals.is_first_person(question, lexicon)
    lead = LEAD_DE if language == "de" else LEAD_EN
    verdict = only(verdicts(lead, closing, language=language), question)
    assert verdict.is_poll and "invitation" in verdict.signals
    assert signals.is_first_person("Was I wrong to trust the reviews?", EN)


@pytest.mark.parametrize(
    ("language", "blocks", "checklist", "closing"),
    [
        ("en", ("Burnout creeps up slowly. These questions can help you notice it early.",
                "Do you dread Monday mornings? Do you feel tired even after a weekend off? Have you stopped enjoying things?",
                "If you answered yes to two or more, it may be time to talk to someone.",
                "Have you ever been close to burnout? Tell us in the comments."),
         ("Do you dread Monday mornings?", "Do you feel tired even after a weekend off?", "Have you stopped enjoying things?"),
         "Have you ever been close to burnout?"),
        ("de", ("Burnout kommt schleichend. Diese Fragen helfen, es früh zu bemerken.",
                "Graut dir vor dem Montag? Bist du nach dem Wochenende noch müde? Hast du die Freude verloren?",
                "Wenn du mehr als zwei Fragen mit Ja beantwortet hast, sprich mit jemandem darüber.",
                "Warst du schon einmal kurz vor einem Burnout? Schreib es in die Kommentare."),
         ("Graut dir vor dem Montag?", "Bist du nach dem Wochenende noch müde?", "Hast du die Freude verloren?"),
         "Warst du schon einmal kurz vor einem Burnout?"),
    ],
)
def test_a_self_test_is_no_poll_even_in_a_short_closing(language, blocks, checklist, closing) -> None:
    """"If you answered yes to two or more, …" scores the reader's own answers: the row before it is a self-test."""
    found = verdicts(*blocks, language=language)
    for question in checklist:
        verdict = only(found, question)
        assert not verdict.is_poll and "question_run" in verdict.signals
    assert only(found, closing).is_poll


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        ("en", "Would you like to help translate the editor?", True),
        ("en", "Want to help aspiring speakers craft their abstracts?", True),
        ("de", "Möchtest du uns beim Übersetzen helfen?", True),
        ("de", "Habt ihr Lust, mitzumachen?", True),
        ("en", "Are you interested in partnering with us on the next release?", True),
        ("en", "Would you like to see more posts like this?", False),  # a wish, not a sign-up
        ("de", "Möchtet ihr mehr solche Beiträge lesen?", False),
    ],
)
def test_a_question_that_recruits_helpers_is_a_contribution_call(language: str, question: str, expected: bool) -> None:
    assert calls.asks_to_volunteer(question) is expected
    if expected:
        lead = LEAD_DE if language == "de" else LEAD_EN
        statement = "Die Plattform steht allen offen." if language == "de" else "The platform is open to everyone."
        verdict = only(verdicts(lead, f"{question} {statement}", language=language), question)
        assert "contribution_call" in verdict.signals and not verdict.is_poll


@pytest.mark.parametrize(
    ("language", "lead", "question", "is_poll"),
    [
        # whether the reader has heard of the thing the text then introduces: a hook
        ("de", "Habt ihr schon mal von der Vier-Tage-Woche gehört? Immer mehr Firmen probieren sie aus.",
         "Habt ihr schon mal von der Vier-Tage-Woche gehört?", False),
        ("en", "Have you ever heard of the four-day week? More and more firms are trying it.",
         "Have you ever heard of the four-day week?", False),
        # a question the writer wants the readers' answers to, announced as such
        ("de", "Heute will ich von euch wissen: Würdet ihr für einen freien Freitag auf Gehalt verzichten?",
         "Heute will ich von euch wissen: Würdet ihr für einen freien Freitag auf Gehalt verzichten?", True),
    ],
)
def test_questions_in_the_lead(language: str, lead: str, question: str, is_poll: bool) -> None:
    body = (("Die Ergebnisse der ersten Versuche sind gemischt.", "Im Herbst soll eine große Studie folgen.")
            if language == "de" else ("The first results are mixed.", "A large study is due in the autumn."))
    verdict = only(verdicts(lead, *body, language=language), question)
    assert verdict.is_poll is is_poll
    if not is_poll:
        assert "familiarity_hook" in verdict.signals


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Habt ihr Erfahrungen mit Bambusrädern?"),  # the experiences are asked for, as tips are
        ("en", "Do you have any experience with bamboo bikes?"),
        ("de", "Habt ihr Anregungen oder Wünsche?"),  # two kinds of input, not two options
        ("en", "Do you use a password manager, and if so, which one?"),  # the yes leads on to the thing to name
        ("de", "Nutzt ihr einen Passwortmanager und wenn ja, welchen?"),
        ("en", "Have critical thoughts on these or my analysis?"),  # the thoughts, not a pick between the topics
        ("de", "Habt ihr Tipps für Anfänger oder Profis?"),
        ("en", "Have another article you love that I missed?"),  # a thing the reader loves: name it
    ],
)
def test_yes_no_frames_that_ask_for_the_readers_words_are_open(language: str, text: str) -> None:
    kind, options, _rule = kinds.classify(text, lexicon_for(language))
    assert kind is PollKind.OPEN and options == ()


def test_more_rhetorical_formulas() -> None:
    assert signals.is_rhetorical_formula("What more could you want?")
    assert signals.is_rhetorical_formula("Könnt ihr euch das vorstellen?")
    assert not signals.is_rhetorical_formula("Könnt ihr euch vorstellen, in einem Tiny House zu leben?")  # a real question
    body = ("Wir haben fünf günstige Kopfhörer getestet.", "Der Anker war die Überraschung des Tests.")
    assert not only(verdicts(*body, "Könnt ihr euch das vorstellen?", language="de"), "Könnt ihr euch das vorstellen?").is_poll


def test_a_title_question_that_asks_no_one_is_the_articles_own() -> None:
    """"Which role has priority: Department Chair or Tutorial Advisor?" over an essay that argues it, with a closing
    that asks the readers nothing: the article's topic. A title that asks the readers stays a poll."""
    body = ("Both roles take time, and both matter to students.", "In the end, advising wins: students come first.")
    title = "Which role has priority: Department Chair or Tutorial Advisor?"
    assert only(verdicts(*body, title=title, language="en"), title).rule == "expository_title"
    asking = "What's in your bag?"
    body = ("Photographers carry more than cameras.", "Here is what we carry.", "Tell us below!")
    assert only(verdicts(*body, title=asking, language="en"), asking).is_poll


def test_a_row_the_writer_keeps_for_herself_is_self_asked() -> None:
    """"Do some of you read …? Will I pick up other readers …? These are things I must reflect on.": the statement
    after the row claims the questions, even the one that names the readers."""
    assert signals.keeps_for_self("These are things I must reflect on.")
    assert signals.keeps_for_self("Darüber muss ich noch nachdenken.")
    assert not signals.keeps_for_self("These are things you should try.")
    text = ("Do some of you read because you like the predictability? Will I pick up other readers if I vary my style? "
            "These are things I must reflect on.")
    verdict = only(verdicts(LEAD_EN, "A middle paragraph.", text, "Another paragraph.", "A closing paragraph.",
                            language="en"), "Do some of you read because you like the predictability?")
    assert "self_ask" in verdict.signals and not verdict.is_poll


def test_the_readers_judgement_of_what_was_just_said_is_not_about_their_life() -> None:
    """writer_answers_too is for the reader's own life or taste ("Do you like Mondays? I know I don't."); "Do you find
    that strange? As with everything I am not the only one …" asks the reader to judge the writer's claim, and the
    writer's next sentence is no answer of his own to it."""
    assert not followups.asks_reader_about_themself("Do you find that strange?", EN)
    assert not followups.asks_reader_about_themself("Findet ihr das seltsam?", DE)
    assert followups.asks_reader_about_themself("Do you find time to read?", EN)
    assert followups.asks_reader_about_themself("Do you like Mondays?", EN)


# --- nineteenth round: shapes from blogs that ask their readers --------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "closing", "turn", "question"),
    [
        ("en", "What about you, dear reader? Have you ever lost a save file for good? Please tell me your stories!",
         "What about you, dear reader?", "Have you ever lost a save file for good?"),
        ("de", "Und du, liebe Leserin? Hast du schon einmal einen Spielstand verloren? Erzähl es mir in den Kommentaren!",
         None, "Hast du schon einmal einen Spielstand verloren?"),
    ],
)
def test_a_generic_turn_with_a_vocative_hands_over_to_the_question_after_it(language, closing, turn, question) -> None:
    lead = LEAD_DE if language == "de" else LEAD_EN
    found = verdicts(lead, lead, closing, language=language)
    assert only(found, question).is_poll
    if turn is not None:
        assert not only(found, turn).is_poll and "hands_over" in only(found, turn).signals


@pytest.mark.parametrize(
    ("language", "closing", "question", "kind"),
    [
        ("en", "This is it for now, what glasses have you had in the past? Let me know your thoughts!",
         "What glasses have you had in the past?", PollKind.OPEN),
        ("en", "That's all for today, which camera do you carry? Tell me below!", "Which camera do you carry?", PollKind.OPEN),
        ("de", "Das war's für heute, welche Brille habt ihr früher getragen? Schreibt es in die Kommentare!",
         "Welche Brille habt ihr früher getragen?", PollKind.OPEN),
    ],
)
def test_a_sign_off_before_the_closing_question_is_no_part_of_it(language, closing, question, kind) -> None:
    lead = LEAD_DE if language == "de" else LEAD_EN
    verdict = only(verdicts(lead, lead, closing, language=language), question)
    assert verdict.is_poll and verdict.kind is kind


def test_a_call_to_reply_before_a_row_hands_its_impersonal_question_to_the_readers() -> None:
    closing = ("If you also tried the phone without Google, let me know what you think of it. Which apps did not work "
               "that well? Did you run into trouble with the move? Toot me!")
    found = verdicts(LEAD_EN, LEAD_EN, closing, language="en")
    assert only(found, "Which apps did not work that well?").is_poll
    assert only(found, "Which apps did not work that well?").kind is PollKind.OPEN
    # the same row with no call beside it stays the writer's own question
    alone = verdicts(LEAD_EN, LEAD_EN, "We tried the phone without Google. Which apps did not work that well? It is hard to say.",
                     language="en")
    assert only(alone, "Which apps did not work that well?").rule == "author_question"


def test_a_condition_before_a_call_to_reply_keeps_it_a_call() -> None:
    assert signals.invites_reply("If you tried it too, let me know what you think of it.", EN)
    assert signals.invites_reply("Wenn ihr es auch probiert habt, verratet mir, wie es lief.", DE)
    assert not signals.invites_reply("If it rains tomorrow, we stay at home.", EN)


def test_the_other_side_of_a_yes_no_question_is_no_poll_of_its_own() -> None:
    closing = ("Have you ever lost a save file? Were you the one who kept overwriting memory cards? Or did you lose the "
               "password of a game with no save slots? Tell me your stories!")
    found = verdicts(LEAD_EN, LEAD_EN, closing, language="en")
    choice = only(found, "Were you the one who kept overwriting memory cards?")
    assert choice.kind is PollKind.CHOICE
    assert only(found, "Or did you lose the password of a game with no save slots?").rule == "options_of_question"


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("en", "Did you notice it? I didn't write a single word of this post until now!", "Did you notice it?"),
        ("en", "Have you spotted it? Every photo in this post was taken with a phone.", "Have you spotted it?"),
        ("de", "Habt ihr es gemerkt? Diesen Text hat eine Maschine geschrieben.", "Habt ihr es gemerkt?"),
        ("de", "Ist es euch aufgefallen? Kein Satz hier hat mehr als zehn Wörter.", "Ist es euch aufgefallen?"),
    ],
)
def test_asking_whether_the_reader_caught_what_the_text_did_is_a_reveal(language, closing, question) -> None:
    lead = LEAD_DE if language == "de" else LEAD_EN
    assert only(verdicts(lead, lead, closing, language=language), question).rule == "reveal"


def test_noticing_something_of_their_own_is_still_asked() -> None:
    closing = "Did you notice any difference in battery life after the update? Let me know below!"
    verdict = only(verdicts(LEAD_EN, LEAD_EN, closing, language="en"), "Did you notice any difference in battery life after the update?")
    assert verdict.is_poll and verdict.kind is PollKind.YES_NO
