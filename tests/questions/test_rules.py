"""Each named rule of the finder, in German and English, on sentences written for the test."""

from __future__ import annotations

import pytest

from bot.articles.model import Block
from bot.questions import alternatives, answers, grammar, leadins, signals
from bot.questions.finder import RULES, explain_questions, find_questions
from bot.questions.lexicon import lexicon_for
from bot.questions.model import TITLE_POSITION, PollKind

from tests.questions.corpus import load_corpus
from tests.questions.helpers import article, heading, verdicts

DE = lexicon_for("de")
EN = lexicon_for("en")
LEAD_EN = "An opening paragraph that asks nothing at all."
LEAD_DE = "Ein erster Absatz, der nichts fragt."


def only(found: dict, question: str):
    assert question in found, f"{question!r} not among {list(found)}"
    return found[question]


# --- kinds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "options"),
    [
        ("de", "Nimmst du lieber den Zug oder das Auto?", ("den Zug", "das Auto")),
        ("de", "Kaffee, Tee oder Mate – was trinkt ihr morgens?", ("Kaffee", "Tee", "Mate")),
        ("de", "Was ist dir wichtiger, Preis oder Qualität?", ("Preis", "Qualität")),
        ("de", "Welche Sprache lernt ihr gerade: Spanisch, Französisch, Italienisch oder eine andere?",
         ("Spanisch", "Französisch", "Italienisch", "eine andere")),
        ("de", "Entweder Berge oder Meer?", ("Berge", "Meer")),
        ("en", "Would you choose a laptop or a tablet for school?", ("a laptop", "a tablet")),
        ("en", "Is Python or JavaScript the better first language?", ("Python", "JavaScript")),
        ("de", "Fährst du lieber mit dem Zug oder mit dem Auto zur Arbeit?", ("mit dem Zug", "mit dem Auto")),
        ("en", "Which do you read more: novels, comics, or non-fiction?", ("novels", "comics", "non-fiction")),
        ("en", "Cats or dogs?", ("Cats", "dogs")),
        ("en", "Do you prefer working mornings or evenings?", ("mornings", "evenings")),  # "working" belongs to both
        ("en", "Should we publish the report in March or wait until summer?",
         ("publish the report in March", "wait until summer")),
        # the first of a list at the end of the lead, as long as the next and ending in the same word
        ("en", "Are you going to upgrade this year, next year, or not at all?", ("this year", "next year", "not at all")),
        ("de", "Wollt ihr dieses Jahr umsteigen, nächstes Jahr oder gar nicht?", ("dieses Jahr", "nächstes Jahr", "gar nicht")),
        ("en", "Would you rather keep it, give it away or send it back?", ("keep it", "give it away", "send it back")),
        # a short lead that asks no one is itself the first alternative
        ("en", "Keep it, give it away or send it back?", ("Keep it", "give it away", "send it back")),
        ("en", "Is it red, blue or green?", ("red", "blue", "green")),
        # the verb after "Do you" is shared by named alternatives, not part of the first
        ("en", "Do you use Linux, Windows or macOS?", ("Linux", "Windows", "macOS")),
        ("en", "Do you use Vim or Emacs?", ("Vim", "Emacs")),
        ("en", "Are you using Firefox, Chrome or Safari?", ("Firefox", "Chrome", "Safari")),
        ("en", "Do you watch Netflix, Disney+ or something else?", ("Netflix", "Disney+", "something else")),
        ("en", "Do you buy a new phone or repair the old one?", ("buy a new phone", "repair the old one")),
        ("en", "Do you work from home, from the office, or both?", ("from home", "from the office", "both")),
        # a first alternative too long for the question frame is found by its article
        ("en", "Do you read on a Kindle, a Kobo or paper books?", ("a Kindle", "a Kobo", "paper books")),
    ],
)
def test_named_alternatives_make_a_choice(language: str, text: str, options: tuple[str, ...]) -> None:
    found = verdicts(text, language=language)
    verdict = only(found, text)
    assert verdict.is_poll and verdict.kind is PollKind.CHOICE and verdict.rule == "named_alternatives"
    assert verdict.options == options


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Das ist doch übertrieben, oder?"),
        ("de", "Sollte man Plastiktüten ganz verbieten oder nicht?"),
        ("en", "That was the best season so far, right?"),
        ("en", "Should cities ban cars from the centre or not?"),
    ],
)
def test_confirmation_tag_is_not_an_alternative(language: str, text: str) -> None:
    """The kind: "oder?", "or not?" make a yes or no, never a choice with "nicht" as its second option. A claim with
    its tag ("Das ist doch übertrieben, oder?") is a tag, no poll (the question to decide, "… or not?", is one)."""
    verdict = only(verdicts(text, language=language), text)
    assert verdict.kind is PollKind.YES_NO
    assert verdict.options == lexicon_for(language).yes_no_options
    claim_with_tag = text.endswith((", oder?", ", right?"))
    assert verdict.is_poll is not claim_with_tag
    assert verdict.rule == ("low_confidence" if claim_with_tag else "confirmation_tag")
    assert ("tag_question" in verdict.signals) is claim_with_tag


@pytest.mark.parametrize(
    ("language", "text", "rule"),
    [
        ("de", "Würdest du für ein Jahr ins Ausland ziehen?", "verb_first"),
        ("de", "Nutzt ihr schon Passkeys?", "verb_first"),
        ("de", "Kennst du jemanden, der noch Faxe verschickt?", "verb_first"),
        ("en", "Have you ever been to a silent disco?", "verb_first"),
        ("en", "Will you upgrade to the new model?", "verb_first"),
        ("de", "Zwei Wochen Urlaub ohne Laptop, für euch machbar?", "declarative_question"),  # to no one: speculation
        ("en", "You still pay for cable TV in 2024?", "declarative_question"),
    ],
)
def test_polar_questions_are_yes_no(language: str, text: str, rule: str) -> None:
    verdict = only(verdicts(text, language=language), text)
    assert verdict.is_poll and verdict.kind is PollKind.YES_NO and verdict.rule == rule
    assert verdict.options == lexicon_for(language).yes_no_options


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Was glaubst du, wie Arbeit in zehn Jahren aussieht?"),
        ("de", "Mit welchem Werkzeug habt ihr die besten Erfahrungen gemacht?"),
        ("de", "Wie würden Sie das Problem lösen?"),
        ("en", "What would you change first?"),
        ("en", "If not, why are you still waiting?"),
    ],
)
def test_wh_question_to_the_reader_is_open(language: str, text: str) -> None:
    verdict = only(verdicts(text, language=language), text)
    assert verdict.is_poll and verdict.kind is PollKind.OPEN and verdict.rule == "wh_question"
    assert verdict.options == ()


def test_leading_conjunction_is_dropped_from_the_question() -> None:
    found = verdicts("Hast du es versucht? Und welche Methode nutzt ihr: A, B oder C?")
    assert only(found, "Welche Methode nutzt ihr: A, B oder C?").options == ("A", "B", "C")
    found = verdicts("So, do you cycle to work?", language="en")
    assert only(found, "Do you cycle to work?").is_poll


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("en", "Which topic should I cover next? Let me know in the comments!", "Which topic should I cover next?"),
        ("en", "What should we write about next? Tell us below.", "What should we write about next?"),
        ("de", "Welche Funktion sollen wir als Nächstes bauen? Schreibt es uns in die Kommentare!",
         "Welche Funktion sollen wir als Nächstes bauen?"),
    ],
)
def test_a_call_to_reply_after_the_writers_own_question_hands_it_to_the_readers(language: str, closing: str, question: str) -> None:
    """Asking the readers to advise the writer: the call right after it makes the W-question theirs (open)."""
    body = ("Wir haben die neue Version einen Monat lang in drei Projekten ausprobiert." if language == "de"
            else "We spent the last month testing the new release on three projects.")
    verdict = only(verdicts(body, closing, language=language), question)
    assert verdict.is_poll and verdict.kind is PollKind.OPEN


def test_a_question_after_the_writers_own_question_does_not_hand_it_over() -> None:
    """Another question is no call to reply, even when it names the reader's favourite: the run argues on."""
    found = verdicts("Big studios can afford it, but what about the small ones? Or your favourite indie studio? "
                     "We were built on the open web.", language="en")
    assert only(found, "Big studios can afford it, but what about the small ones?").rule == "author_question"


# --- not polls -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "blocks", "question", "rule"),
    [
        ("de", ["Warum ist das wichtig? Weil sonst Daten fehlen."], "Warum ist das wichtig?", "author_question"),
        ("de", ["Ist das teuer? Nein, eigentlich nicht."], "Ist das teuer?", "answer_marker"),
        ("de", ["Lohnt sich das für dich? Die Antwort hängt vom Verbrauch ab."], "Lohnt sich das für dich?", "answer_marker"),
        ("de", ["Klappt das immer? Kaum."], "Klappt das immer?", "answer_marker"),
        ("en", ["Is it worth it? Probably, if you travel a lot."], "Is it worth it?", "answer_marker"),
        ("en", ["Do you need a VPN? It depends on where you work."], "Do you need a VPN?", "answer_marker"),
        ("en", ["Does it hurt? A bit."], "Does it hurt?", "short_reply"),
        ("de", ["Android oder iOS? iOS, ganz klar."], "Android oder iOS?", "answer_names_alternative"),
        ("de", ["Und der Preis?"], "Der Preis?", "fragment"),
        ("en", ["Did you know that honey never spoils? Jars from Egyptian tombs were still edible."],
         "Did you know that honey never spoils?", "factive_prompt"),
        ("de", ["Wusstest du, dass Bienen tanzen? Sie zeigen so den Weg zur Futterquelle."],
         "Wusstest du, dass Bienen tanzen?", "factive_prompt"),
        ("de", ["Hast du schon gewusst, dass Tomaten Beeren sind? Botanisch jedenfalls."],
         "Hast du schon gewusst, dass Tomaten Beeren sind?", "factive_prompt"),
        ("de", ["Habt ihr eigentlich schon gewusst, dass Eulen nicht kauen? Sie schlucken die Beute ganz."],
         "Habt ihr eigentlich schon gewusst, dass Eulen nicht kauen?", "factive_prompt"),
        ("de", ["Wie viel solltest du investieren? Zehn Prozent des Einkommens sind ein guter Start."],
         "Wie viel solltest du investieren?", "expository_question"),
        ("en", ["How often should you back up your phone? Once a week is enough for most people."],
         "How often should you back up your phone?", "expository_question"),
        ("en", ["How do I reset my password? Open the settings and choose Security."],
         "How do I reset my password?", "author_question"),
        ("de", ["Sie sagte: „Kommst du morgen?“ Ich nickte."], "Sie sagte: „Kommst du morgen?“", "quoted_speech"),
        ("en", ["Every trip starts the same way. 'Are we there yet?'"], "'Are we there yet?'", "quoted_speech"),
        ("en", ["'Are we there yet?' is every parent's least favourite sentence."], None, None),
        ("de", ["Der Chef fragte: Wer hat das genehmigt? Niemand meldete sich."], "Der Chef fragte: Wer hat das genehmigt?",
         "reported_speech"),
        ("en", ["It rained all week (who would have guessed?) and we stayed in."], None, None),
        ("de", ["Wir bleiben zu Hause. (Wer hätte das gedacht?)"], "(Wer hätte das gedacht?)", "parenthetical_aside"),
        ("de", [Block("quote", "Ist das noch Kunst?"), "So fragte der Kritiker damals."], "Ist das noch Kunst?", "quote_block"),
        ("de", [heading("Was kostet das?"), "Rund 50 Euro im Monat."], "Was kostet das?", "heading_answered_by_section"),
        ("en", [heading("Is it safe?"), "Yes, as long as you update it."], "Is it safe?", "heading_answered_by_section"),
    ],
)
def test_not_polls(language: str, blocks: list, question: str | None, rule: str | None) -> None:
    found = verdicts(*blocks, language=language)
    assert not [verdict for verdict in found.values() if verdict.is_poll]
    if question is not None:
        assert only(found, question).rule == rule


def test_assertive_question_followed_by_more_text_is_a_hook() -> None:
    found = verdicts("Ever waited an hour for a bus? Then you know why people buy cars.", language="en")
    assert only(found, "Ever waited an hour for a bus?").rule == "assertive_question"
    found = verdicts("Du willst mitmachen? Hier steht, wie es geht.")
    assert only(found, "Du willst mitmachen?").rule == "assertive_question"
    # the same question ending its paragraph is left to the readers
    assert only(verdicts("Du willst mitmachen?"), "Du willst mitmachen?").is_poll


def test_next_sentence_naming_the_answer_answers() -> None:
    found = verdicts("Brauche ich ein neues Handy? Für mich lautet die Antwort nein.")
    assert only(found, "Brauche ich ein neues Handy?").rule == "answer_marker"
    found = verdicts("Is it worth the price? For most people the answer is yes.", language="en")
    assert only(found, "Is it worth the price?").rule == "answer_marker"


def test_negated_second_clause_makes_a_yes_no_question() -> None:
    text = "Nutzt ihr Linux, oder kommt das für euch nicht in Frage?"
    assert only(verdicts(text), text).kind is PollKind.YES_NO
    text = "Do you still commute, or have you never gone back to the office?"
    assert only(verdicts(text, language="en"), text).kind is PollKind.YES_NO
    text = "Do you still commute, or have you moved to working from home?"
    assert only(verdicts(text, language="en"), text).options == ("still commute", "moved to working from home")


def test_article_after_a_number_is_no_numeric_range() -> None:
    assert alternatives.named_alternatives("Tram 28 or a tuk-tuk?", EN) == ["Tram 28", "a tuk-tuk"]
    assert alternatives.named_alternatives("Gehst du zwei oder drei Mal?", DE) is None


def test_question_to_the_reader_stays_a_poll_when_a_remark_follows() -> None:
    found = verdicts("Have you tried it yourself? I have, and I loved it.", language="en")
    assert only(found, "Have you tried it yourself?").is_poll


def test_question_the_paragraph_argues_through_is_no_poll() -> None:
    """Issue 10: a question the author carries on arguing (no reader addressed) is rhetorical; before issue 10
    this one was a poll."""
    found = verdicts("Wird KI Übersetzer ersetzen? Die Meinungen gehen auseinander, und die Forschung ist jung.")
    verdict = only(found, "Wird KI Übersetzer ersetzen?")
    assert not verdict.is_poll and verdict.rule == "low_confidence" and "argued_through" in verdict.signals


def test_invitation_without_question_mark_is_no_poll() -> None:
    assert find_questions(article("Ich bin sehr neugierig auf deine Meinung!", "Schreib es in die Kommentare.")) == []
    assert find_questions(article("Let us know in the comments.", language="en")) == []


def test_invitation_after_a_question_is_no_answer() -> None:
    found = verdicts("Würdest du wechseln? Schreib uns!")
    assert only(found, "Würdest du wechseln?").is_poll


def test_interview_with_speaker_labels() -> None:
    blocks = [
        "Redaktion: Wie fing alles an?",
        "Anna Berg: Mit einem Zufall. Ich suchte einen Job.",
        "Redaktion: Würden Sie es wieder tun?",
        "Anna Berg: Jederzeit.",
        "Was hättet ihr an Annas Stelle getan?",
    ]
    found = verdicts(*blocks)
    assert only(found, "Redaktion: Würden Sie es wieder tun?").rule == "interview_question"
    assert only(found, "Redaktion: Wie fing alles an?").rule == "interview_question"
    assert only(found, "Was hättet ihr an Annas Stelle getan?").is_poll


def test_unlabelled_question_and_answer_paragraphs() -> None:
    blocks = [
        "Why did you start?",
        "Because nobody else would.",
        "Do you regret it?",
        "Not for a second.",
        "Would you do the same?",
    ]
    found = verdicts(*blocks, language="en")
    assert only(found, "Why did you start?").rule == "qa_prompt"
    assert only(found, "Do you regret it?").rule == "qa_prompt"
    assert only(found, "Would you do the same?").is_poll


def test_heading_without_an_answering_section_is_judged_like_body_text() -> None:
    found = verdicts(heading("Was meint ihr?"), heading("Quellen"), "Studie A, Studie B.")
    assert only(found, "Was meint ihr?").is_poll


def test_titles() -> None:
    assert only(verdicts("Ein Text.", title="Was ist ein Passkey?"), "Was ist ein Passkey?").rule == "expository_title"
    found = verdicts("Kurz gesagt: ja.", title="Darf man im Zug telefonieren?")
    assert only(found, "Darf man im Zug telefonieren?").rule == "expository_title"
    # issue 10: a title question is a poll when the article is a debate (its closing asks the readers);
    # on its own it is most often a headline the article answers
    drafts = find_questions(
        article("Die Debatte läuft seit Jahren.", "Schreibt uns eure Meinung in die Kommentare.",
                title="Ist das Homeoffice gescheitert?")
    )
    assert [(d.question, d.kind, d.position) for d in drafts] == [
        ("Ist das Homeoffice gescheitert?", PollKind.YES_NO, TITLE_POSITION)
    ]
    found = verdicts("Die Debatte läuft seit Jahren.", title="Ist das Homeoffice gescheitert?")
    assert only(found, "Ist das Homeoffice gescheitert?").rule == "low_confidence"


def test_title_repeated_in_the_body_is_one_poll() -> None:
    drafts = find_questions(
        article("Viele Gründe sprechen dafür.", "Also, ist die Vier-Tage-Woche die Zukunft?",
                title="Ist die Vier-Tage-Woche die Zukunft?")
    )
    assert [d.position for d in drafts] == [TITLE_POSITION]
    found = explain_questions(
        article("So, is the open office dead?", title="Is the open office dead?", language="en")
    )
    assert [v.rule for v in found] == ["verb_first", "duplicate"]


def test_options_follow_the_article_language() -> None:
    (german,) = find_questions(article("Fährst du Rad?"))
    (english,) = find_questions(article("Do you cycle?", language="en"))
    assert german.options == ("Ja", "Nein", "Weiß nicht")
    assert english.options == ("Yes", "No", "Not sure")


# --- grammar helpers -------------------------------------------------------------------------------


def test_reader_address() -> None:
    assert grammar.addresses_reader("Wie findet ihr das?", DE)
    assert grammar.addresses_reader("Wie sehen Sie das?", DE)
    assert not grammar.addresses_reader("Warum dürfen die Lehrer ihr Handy benutzen?", DE)
    assert not grammar.addresses_reader("Sie kommen morgen.", DE)  # sentence-initial "Sie" is ambiguous
    assert grammar.addresses_reader("What would your team do?", EN)
    assert not grammar.addresses_reader("What would the team do?", EN)


def test_german_ihr_before_an_article_is_the_readers() -> None:
    """Plural "ihr" after the verb of a W-question: an article or adverb follows, never after the possessive."""
    assert grammar.addresses_reader("Wie viele Tomatensorten baut ihr dieses Jahr an?", DE)
    assert grammar.addresses_reader("Welche Distribution würdet ihr einem Umsteiger empfehlen?", DE)
    assert not grammar.addresses_reader("Hat sie ihr letztes Spiel gewonnen?", DE)
    assert not grammar.addresses_reader("Wie hat die Firma ihr Geld verdient?", DE)


def test_numeric_ranges_and_binomials_name_no_alternatives() -> None:
    assert alternatives.named_alternatives("Trainierst du zwei oder drei Mal pro Woche?", DE) is None
    assert alternatives.named_alternatives("Is the plan more or less finished?", EN) is None
    assert alternatives.named_alternatives("Wie oft trainierst du pro Woche oder im Monat?", DE) is None


def test_every_named_rule_is_exercised_by_tests_or_corpus() -> None:
    """Keeps RULES honest: a rule nobody can trigger is dead weight or a typo."""
    used = set()
    for item in load_corpus():
        used |= {verdict.rule for verdict in explain_questions(item.article)}
    probes = [
        article("Android oder iOS? iOS, ganz klar."),
        article("Does it hurt? A bit.", language="en"),
        article("Did you know owls cannot move their eyes?", "Maybe you saw one at the zoo?", language="en"),
        article("Can you think of a song that always cheers you up?", language="en"),
        article("Wie viel solltest du investieren? Zehn Prozent sind ein Start."),
        article("Der Chef fragte: Wer hat das genehmigt? Niemand."),
        article("Nimmst du " + "a" * 60 + " oder " + "b" * 60 + "?"),
        article("Wusstest du, dass Bienen tanzen? Sie zeigen so den Weg."),
        article("Die Debatte läuft.", "Schreibt uns in die Kommentare!", title="Vier Tage arbeiten, fünf bezahlt?"),
        article("Could it be your pillows? It could also be the air conditioner.", language="en"),
        article("We ran our first marathon last spring.", "Do you have any tips for a first marathon?", language="en"),
        article("Ein Absatz ohne Frage.", "Reicht euch ein Rad? Oder braucht ihr doch ein Auto?"),
        article("Ein Absatz ohne Frage.", "Welche Plattform nutzt ihr? Android, iOS oder etwas anderes?"),
        article("Ein Absatz ohne Frage.", "Habt ihr es gemerkt? Diesen Text hat eine Maschine geschrieben."),
    ]
    for probe in probes:
        used |= {verdict.rule for verdict in explain_questions(probe)}
    capped = article("Hast du schon einen Passkey?", "Welchen Passwortmanager nutzt du?")
    used |= {verdict.rule for verdict in explain_questions(capped, max_per_article=1)}
    assert set(RULES) - used == set()


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Could it be your pillows? It could also be the air conditioner.", "echo_answer"),
        ("de", "Ist das sinnvoll? Das ist eine gute Frage, die viele stellen.", "echo_answer"),
        ("en", "Could you live without it? You could, but why would you?", None),  # the reader is the subject
        ("en", "Is it worth it? Most people think so.", None),
        ("en", "Why would you do this? You wouldn’t.", "echo_answer"),  # subject and auxiliary alone: answered
        ("en", "Do you really need a second one? You don't.", "echo_answer"),
        ("en", "Would you do it again? You would not believe how hard it was.", None),  # goes on: not a bare reply
    ],
)
def test_an_answer_in_the_questions_own_words_is_no_poll(language: str, text: str, expected: str | None) -> None:
    question = text.split("?")[0] + "?"
    verdict = verdicts(text, language=language)[question]
    assert (verdict.rule == "echo_answer") is (expected == "echo_answer")


def test_a_preposition_before_the_first_alternative_belongs_to_both() -> None:
    verdict = only(verdicts("Would you buy one for yourself or a family member?", language="en"),
                   "Would you buy one for yourself or a family member?")
    assert verdict.kind is PollKind.CHOICE
    assert verdict.options == ("for yourself", "for a family member")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Habt ihr Vorsätze oder spezielle Ziele für das neue Jahr?", PollKind.YES_NO),  # having either: yes or no
        ("Hast du das Buch gelesen oder nur die Serie gesehen?", PollKind.CHOICE),
        ("Hast du einen Hund oder eine Katze?", PollKind.CHOICE),
    ],
)
def test_owning_kinds_of_things_named_by_bare_nouns_is_one_yes_or_no(text: str, kind: PollKind) -> None:
    assert only(verdicts(text), text).kind is kind


# --- English: teases, guesses and questions that ask the reader to name something (issue 10, fifth round) ------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Did you know owls cannot move their eyes?", True),
        ("Did you also know the tower grows in summer?", True),
        ("Did you know him?", False),  # too short for a fact: a real question
        ("Did you know about the new recycling rules?", False),  # asks whether the reader knew
        ("Do you know a good bakery in town?", False),  # present tense asks
    ],
)
def test_fact_teaser(text: str, expected: bool) -> None:
    assert grammar.is_fact_teaser(text, EN) is expected


def test_a_did_you_know_tease_without_that_is_no_poll() -> None:
    found = verdicts(LEAD_EN, "Did you know owls cannot move their eyes? Tell us your favourite bird below!", language="en")
    assert only(found, "Did you know owls cannot move their eyes?").rule == "fact_teaser"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maybe you keep a spare key under the mat?", True),
        ("Perhaps it runs on a server of your own?", True),
        ("Maybe?", False),
        ("Do you maybe keep a spare key?", False),  # a question that hedges, not a guess
    ],
)
def test_hedged_guess(text: str, expected: bool) -> None:
    assert grammar.is_hedged_guess(text, EN) is expected


def test_a_guess_after_the_closing_question_is_no_poll() -> None:
    """"Where do you keep your notes? Maybe you still use paper?": the second is the writer's guess at the answer."""
    found = verdicts(LEAD_EN, "Where do you keep your notes? Maybe you still use paper? Tell us below!", language="en")
    assert only(found, "Where do you keep your notes?").is_poll
    assert only(found, "Maybe you still use paper?").rule == "hedged_guess"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Can you think of a song that always cheers you up?", True),
        ("en", "Are there other board games you would recommend?", True),
        ("en", "So, are there particular topics you'd like us to cover?", True),
        ("en", "Above all, can you name a teacher who shaped you?", True),  # a short lead-in before the frame
        ("en", "Are there enough parking spaces in your town?", False),
        ("en", "Can you ride a bike?", False),
        ("en", "Can you recommend a good book about gardening?", True),  # the answer is the book
        ("en", "Could you suggest any other tools for this?", True),
        ("en", "Can you recommend it to a friend?", False),
        ("en", "Is there a topic you'd like us to cover?", True),  # a thing the reader would like: name it
        ("en", "Any pair you would recommend for running?", True),
        ("en", "Are there any features missing in the API you used?", False),
        ("de", "Könnt ihr mir ein gutes Buch über Gartenarbeit empfehlen?", True),  # the verb comes last in German
        ("de", "Kannst du uns weitere Blogs zum Thema nennen?", True),
        ("de", "Gibt es noch andere Tools, die ihr nutzt?", True),
        ("de", "Gibt es etwas, das ich übersehen habe?", True),  # the frame before the comma, not only after it
        ("de", "Fällt euch noch etwas ein?", True),
        ("de", "Gibt es ein Thema, das ihr euch wünscht?", True),
        ("de", "Gibt es ein Modell, das ihr empfehlen würdet?", True),
        ("de", "Könnt ihr das empfehlen?", False),  # one thing: yes or no
        ("de", "Gibt es eine Lösung?", False),
    ],
)
def test_naming_question_is_open(language: str, text: str, expected: bool) -> None:
    """A yes/no frame whose answer is the thing the reader names ("Can you think of …?"); German puts the verb last
    ("Könnt ihr mir ein gutes Buch empfehlen?")."""
    lexicon = lexicon_for(language)
    question = grammar.strip_opener(text, lexicon)
    lead, invitation = (LEAD_DE, " Schreibt es in die Kommentare!") if language == "de" else (LEAD_EN, " Tell us in the comments!")
    verdict = only(verdicts(lead, text + invitation, language=language), question)
    assert (verdict.kind is PollKind.OPEN and verdict.rule == "naming_question") is expected
    assert grammar.asks_to_name(question, lexicon) is expected


def test_alternatives_in_a_conditional_lead_in_are_no_choice() -> None:
    """"If you bake or fry it, do you salt it first?" asks yes or no; the alternatives set the condition."""
    body = "If you bake or fry it, do you salt it first"
    assert alternatives.alternatives_only_in_condition(body, grammar.core_clause(body, EN), EN)
    question = "If you bake or fry fish, do you salt it first?"
    verdict = only(verdicts(LEAD_EN, LEAD_EN, question + " Tell us below!", language="en"), question)
    assert verdict.kind is PollKind.YES_NO
    choice = "If you had a free day, would you read or hike?"  # the alternatives are in the question proper
    assert only(verdicts(LEAD_EN, choice, language="en"), choice).kind is PollKind.CHOICE


def test_a_lead_in_that_announces_questions_is_no_part_of_the_poll() -> None:
    assert grammar.strip_question_announcement("A few questions for you: Do you cook on weekdays?", EN) == (
        "Do you cook on weekdays?"
    )
    assert grammar.strip_question_announcement("Our team: Do you know them?", EN) == "Our team: Do you know them?"
    assert grammar.strip_question_announcement("Question: should we stop?", DE) == "Question: should we stop?"
    found = verdicts(LEAD_EN, "We'd love your input. Our questions for you: Do you cook on weekdays? Tell us below!",
                     language="en")
    assert only(found, "Do you cook on weekdays?").is_poll


def test_invitations_to_send_feedback_or_reply_in_the_replies() -> None:
    """"We'd really appreciate your feedback" and "… in the replies" ask for replies as "let us know" does."""
    assert signals.invites_reply("We'd really appreciate your feedback on the forum.", EN)
    assert signals.invites_reply("We welcome comments from everyone.", EN)
    assert signals.invites_reply("Post your answer in the replies to our announcement.", EN)
    assert not signals.invites_reply("We appreciate the work of our volunteers.", EN)


def test_asking_for_the_readers_answers_is_no_answer() -> None:
    """ "I'm curious to read your answers." names answers, but asks for them: the question stays the readers'."""
    assert answers.answer_rule("I'm curious to read your answers.", (), EN) is None
    assert answers.answer_rule("Ich bin gespannt auf eure Antworten.", (), DE) is None
    assert answers.answer_rule("The answer is simple: more sleep.", (), EN) == "answer_marker"
    found = verdicts("We moved the team to a four-day week and tracked it for six months.",
                     "How would your team use a free Friday? I'm curious to read your answers.", language="en")
    verdict = only(found, "How would your team use a free Friday?")
    assert verdict.is_poll and verdict.kind is PollKind.OPEN


def test_an_elliptic_request_for_tips_is_put_to_the_readers() -> None:
    """ "Any tips for …?" leaves out the verb and the reader, as one does when speaking to them."""
    found = verdicts("We cleared out the spare room and found a box of gifts we never used.",
                     "Any tips for passing on unwanted gifts?", language="en")
    verdict = only(found, "Any tips for passing on unwanted gifts?")
    assert verdict.is_poll and verdict.kind is PollKind.OPEN and "reader_address" in verdict.signals


def test_asking_for_better_or_other_things_of_a_kind_is_open() -> None:
    """ "Got any better commands …? Leave them in the comments!": the reader is asked to name them."""
    found = verdicts("I wrapped the whole pipeline in a single shell function.",
                     "Got any better commands for this? Leave them in the comments!", language="en")
    assert only(found, "Got any better commands for this?").kind is PollKind.OPEN
    assert leadins.asks_for_input("Do you have any other recipes?", EN)
    assert not leadins.asks_for_input("Do you have any kids?", EN)


def test_a_label_with_a_colon_after_a_question_is_no_short_reply() -> None:
    """ "Quellen:", "Sources:" over a list are no reply of one or two words, unlike "A bit."."""
    assert answers.answer_rule("Quellen:", (), DE) is None
    assert answers.answer_rule("Further reading:", (), EN) is None
    assert answers.answer_rule("Ein bisschen.", (), DE) == "short_reply"
    found = verdicts("Ein Absatz ohne Frage.", "Würdet ihr so einen Schal tragen?",
                     Block("paragraph", "Quellen:", emphasis="whole"), Block("list_item", "Ein Buch, 2020"))
    assert only(found, "Würdet ihr so einen Schal tragen?").is_poll


@pytest.mark.parametrize(
    ("language", "text"),
    [("de", "Habt ihr Tipps für den ersten Marathon?"), ("en", "Do you have any tips for a first marathon?")],
)
def test_a_yes_no_question_for_tips_is_an_open_poll(language: str, text: str) -> None:
    found = verdicts("Ein Absatz ohne Frage." if language == "de" else "A paragraph without a question.", text,
                     language=language)
    verdict = only(found, text)
    assert verdict.is_poll and verdict.kind is PollKind.OPEN and verdict.rule == "asks_for_input" and verdict.options == ()


@pytest.mark.parametrize(
    ("language", "paragraph", "question", "options"),
    [
        ("de", "Reicht euch ein Lastenrad? Oder braucht ihr doch ein Auto?", "Reicht euch ein Lastenrad?",
         ("ein Lastenrad", "ein Auto")),  # eighth round: short labels, the clauses' frame dropped (bot/questions/options.py)
        ("en", "Would you move to the coast? Or would you rather stay in the city?", "Would you move to the coast?",
         ("move to the coast", "stay in the city")),
    ],
)
def test_a_yes_no_question_and_its_alternative_in_the_next_sentence_are_a_choice(
    language: str, paragraph: str, question: str, options: tuple[str, ...]
) -> None:
    lead = "Ein Absatz ohne Frage." if language == "de" else "A paragraph without a question."
    verdict = only(verdicts(lead, paragraph, language=language), question)
    assert verdict.is_poll and verdict.kind is PollKind.CHOICE and verdict.rule == "alternative_question"
    assert verdict.options == options


@pytest.mark.parametrize(
    ("language", "paragraph", "question"),
    [
        ("de", "Reicht euch ein Lastenrad? Oder ein Auto?", "Reicht euch ein Lastenrad?"),  # too short to be a side
        ("de", "Habt ihr ein Rad oder ein Auto? Oder geht ihr alles zu Fuß?", "Habt ihr ein Rad oder ein Auto?"),
        ("en", "Would you move to the coast? I would.", "Would you move to the coast?"),
    ],
)
def test_no_alternative_question_without_a_full_other_side(language: str, paragraph: str, question: str) -> None:
    lead = "Ein Absatz ohne Frage." if language == "de" else "A paragraph without a question."
    verdict = only(verdicts(lead, paragraph, language=language), question)
    assert verdict.rule != "alternative_question"


def test_alternative_after() -> None:
    assert leadins.alternative_after("Oder sind wir schon zu spät dran?", DE) == "sind wir schon zu spät dran"
    assert leadins.alternative_after("Or, does it have to be new?", EN) == "does it have to be new"
    assert leadins.alternative_after("Oder nicht?", DE) is None
    assert leadins.alternative_after("Und sind wir zu spät?", DE) is None
    assert leadins.alternative_after("Oder sind wir zu spät.", DE) is None
