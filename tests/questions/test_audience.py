"""Who a question is put to and what it asks for (issue 10, eighth round; bot/questions/audience.py), and the
small corrections made with it: a paragraph ending in a colon is no answer, a bare "No?!" is the writer's reply,
the writer's own answer comes in at the start of a sentence. Written sentences only."""

from __future__ import annotations

import pytest

from bot.questions import answers, audience, followups, grammar, leadins, options
from bot.questions.finder import explain_questions, find_questions
from bot.questions.lexicon import lexicon_for
from bot.questions.model import PollKind

from tests.questions.helpers import article, verdicts

DE = lexicon_for("de")
EN = lexicon_for("en")
LEAD_EN = "The team shipped a new release this week, with a long list of fixes and a new plugin system."
LEAD_DE = "Wir haben diese Woche eine neue Version veröffentlicht, mit vielen Korrekturen und einem Pluginsystem."
MIDDLE_EN = "The plugin system took most of the year, and it changed how the editor loads its extensions at start."
MIDDLE_DE = "Das Pluginsystem hat fast das ganze Jahr gekostet und ändert, wie der Editor seine Erweiterungen lädt."


def judged(*blocks, language: str = "en"):
    return {v.question: v for v in explain_questions(article(*blocks, title="A post", language=language))}


# --- addresses_audience: the readers named as the audience ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (EN, "What types of content would those of you reading this be interested in?", True),
        (EN, "Have any of you tried the new build?", True),
        (EN, "Do y'all have this recipe?", True),
        (EN, "Dear readers, which camera do you carry?", True),
        (EN, "For Blender users: did I miss anything?", True),
        (EN, "To all the gardeners out there: when do you sow tomatoes?", True),
        (DE, "Lieber Leser, welche Dinge nehmt ihr aus dem Jahrzehnt mit?", True),
        (DE, "Wer von euch fährt im Winter Rad?", True),
        (DE, "Wie, liebe Mitleser, verbringt ihr eure Sonntage ohne Internet?", True),  # a vocative inside the question
        (DE, "Und ihr, liebe Hörerinnen und Hörer, welche Folge soll als Nächstes kommen?", True),
        (EN, "So, dear listeners, which episode should we redo?", True),
        (DE, "Die Mitleser im Forum fragten, ob das Update kommt?", False),  # readers named, not addressed
        (DE, "An alle Eltern: Wie macht ihr das mit der Bildschirmzeit?", True),
        (EN, "What do you call a sleeping bull?", False),  # the generic "you" of a joke
        (EN, "How do you stop a bull from charging?", False),
        (EN, "Where are all my Texas readers?", False),  # about the readers, not a question put to them
        (EN, "Self-checkout: better for everyone?", False),  # a headline topic
        (DE, "Kennt ihr diese Tage, an denen nichts klappt?", False),
        (DE, "Remote Support: Die Zukunft des Kundendienstes?", False),
    ],
)
def test_a_question_that_names_its_readers_addresses_its_audience(lexicon, text: str, expected: bool) -> None:
    assert audience.addresses_audience(text, lexicon) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("For Blender users: did I miss anything?", True),
        ("For all the photographers: which lens do you use most?", True),
        ("An alle Eltern: Wie macht ihr das?", True),
        ("Für alle, die gerne backen: Welches Mehl nehmt ihr?", True),
        ("Self-Checkout: Wirklich besser für alle?", False),
        ("Consent Mode V2: Was ist das?", False),
        ("Update: Is the bug fixed?", False),
    ],
)
def test_a_lead_in_naming_the_readers_is_no_headline_topic(text: str, expected: bool) -> None:
    assert audience.group_lead_in(text) is expected


# --- requests for input: what the writer missed, things to name, remarks ---------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "clause", "expected"),
    [
        (EN, "did I miss anything?", True),
        (EN, "Have I forgotten something?", True),
        (EN, "Is there anything I missed?", True),
        (EN, "Is anything missing?", True),
        (DE, "Habe ich etwas vergessen?", True),
        (DE, "Hab ich noch was übersehen?", True),
        (DE, "Fehlt euch noch etwas?", True),
        (DE, "Gibt es etwas, das ich übersehen habe?", True),  # as "Is there anything I missed?"
        (DE, "Gibt es noch was, was wir vergessen haben?", True),
        (DE, "Gibt es etwas, das ich tun kann?", False),
        (EN, "Did I mention the price?", False),
        (EN, "Did I miss the train?", False),
        (DE, "Habe ich das richtig verstanden?", False),
    ],
)
def test_a_question_what_the_writer_missed_asks_for_input(lexicon, clause: str, expected: bool) -> None:
    assert audience.asks_what_writer_missed(clause, lexicon) is expected


@pytest.mark.parametrize(
    ("lexicon", "clause", "expected"),
    [
        (DE, "Kennt ihr dafür Möglichkeiten?", True),
        (DE, "Kennst du gute Alternativen zu Google Maps?", True),
        (DE, "Wisst ihr Lösungen für das Problem?", True),
        (EN, "Do you know any good tools for this?", True),
        (EN, "Know any alternatives?", True),
        (DE, "Kennt ihr noch andere Blogs zum Thema?", True),  # more of a kind, whatever the kind
        (DE, "Kennst du weitere gute Podcasts?", True),
        (EN, "Do you know any other good podcasts on this topic?", True),
        (EN, "Do you know more people who work this way?", True),
        (DE, "Kennt ihr das Gefühl?", False),
        (DE, "Kennt ihr das?", False),
        (EN, "Do you know the feeling?", False),
        (DE, "Kennst du die Lösung?", False),  # one thing, named: yes or no
        (DE, "Kennt ihr diese Tage, an denen nichts klappt?", False),
        (EN, "Do you know the way to the station?", False),
        (EN, "Do you know what a monoid is?", False),
    ],
)
def test_a_question_whether_the_reader_knows_nameable_things_asks_for_them(lexicon, clause: str, expected: bool) -> None:
    assert audience.asks_for_known(clause, lexicon) is expected


@pytest.mark.parametrize(
    ("lexicon", "clause", "expected"),
    [
        (EN, "Do you have any remarks?", True),
        (EN, "Any comments?", True),
        (DE, "Habt ihr Anmerkungen?", True),
        (DE, "Noch Ergänzungen?", True),
        (EN, "Do you have any pets?", False),
        (DE, "Habt ihr Kinder?", False),
    ],
)
def test_a_question_whether_the_reader_has_remarks_asks_for_them(lexicon, clause: str, expected: bool) -> None:
    assert audience.asks_for_remarks(clause, lexicon) is expected
    if expected:
        assert leadins.asks_for_input(clause, lexicon)


def test_closing_questions_that_ask_for_input_are_open_polls() -> None:
    for language, closing in (
        ("en", "For Blender users: did I miss anything?"),
        ("en", "So, that's it from me. Do you have any remarks?"),
        ("de", "Ich möchte das gern ausgleichen. Kennt ihr dafür Möglichkeiten?"),
    ):
        lead, middle = (LEAD_DE, MIDDLE_DE) if language == "de" else (LEAD_EN, MIDDLE_EN)
        drafts = find_questions(article(lead, middle, closing, title="A post", language=language))
        assert [draft.kind for draft in drafts] == [PollKind.OPEN], closing


def test_what_the_writer_missed_is_not_the_writers_own_question() -> None:
    verdict = judged(LEAD_EN, MIDDLE_EN, "For Blender users: did I miss anything?")["For Blender users: did I miss anything?"]
    assert "first_person" not in verdict.signals and "headline_style" not in verdict.signals
    assert {"reader_address", "audience_address"} <= set(verdict.signals)
    own = judged(LEAD_EN, MIDDLE_EN, "Did I make the right call? I still wonder.")["Did I make the right call?"]
    assert "first_person" in own.signals and not own.is_poll


def test_a_question_to_those_reading_before_the_writers_list_of_ideas_is_a_poll() -> None:
    verdicts = judged(
        LEAD_EN,
        "What types of content would those of you reading this be interested in?",
        "At the moment I'm thinking of three main types of articles, with a possible fourth one:",
        "Tutorials, workflows and a showcase of work by photographers who use free software.",
        "Another paragraph about the forum software we are trying out, and how it may host comments.",
        "Anyone with any thoughts on this, feel free to drop me a line and tell me what you think!",
    )
    verdict = verdicts["What types of content would those of you reading this be interested in?"]
    assert verdict.is_poll and "answered_below" not in verdict.signals


def test_a_paragraph_of_statements_still_answers_a_question_paragraph() -> None:
    verdicts = judged(
        LEAD_EN,
        MIDDLE_EN,
        "Our release process has changed a lot over the last two years, and most of it for the better.",
        "What do you do when the build breaks on a Friday?",
        "I stop, I write down what changed, and I roll back before I look for the cause, every single time.",
    )
    assert "answered_below" in verdicts["What do you do when the build breaks on a Friday?"].signals


# --- a bare reply word, even with "?!", answers the question ------------------------------------------------------------


@pytest.mark.parametrize("reply", ["No?!", "No?", "Nope.", "Yes!", "Nein?!", "Ja."])
def test_a_bare_reply_word_answers_the_question(reply: str) -> None:
    lexicon = DE if reply.startswith(("Nein", "Ja")) else EN
    assert answers.answer_rule(reply, (), lexicon) == "short_reply"


def test_a_rhetorical_question_answered_for_the_reader_is_no_poll() -> None:
    drafts = find_questions(
        article(LEAD_EN, MIDDLE_EN, "Do you ever notice outages? No?! Me either, and that is due to his diligence.",
                title="A post", language="en")
    )
    assert drafts == []


# --- writer_answers_too: the writer's answer comes in at the start of a sentence ------------------------------------------


@pytest.mark.parametrize(
    ("question", "following", "expected"),
    [
        ("Do you like Mondays?", ["I know I don't."], True),
        ("Have you ever had fondue before?", ["Gah!", "It's my favorite."], True),
        ("Did you have trouble reaching five?", ["That's another of the things that I would like to focus on here."], False),
        ("Bist du auch im Team Spargel?", ["Für uns ist Spargel das Beste am Frühling."], True),
        ("Magst du Regen?", ["Das ist eine Frage, die ich mir selbst oft stelle."], False),
    ],
)
def test_the_writer_answers_too_at_the_start_of_a_sentence(question: str, following: list[str], expected: bool) -> None:
    lexicon = DE if question.startswith(("Bist", "Magst")) else EN
    assert followups.writer_answers_too(question, following, lexicon) is expected


# --- an aside in parentheses that turns to the reader, and a reader named before the question --------------------------


@pytest.mark.parametrize(
    ("language", "closing", "question"),
    [
        ("de", "Das war meine Tour. (Und ihr, habt ihr so eine Tour schon mal gemacht?)", "Und ihr, habt ihr so eine Tour schon mal gemacht?"),
        ("en", "That's the whole story. (And you, have you ever done a trip like this?)", "And you, have you ever done a trip like this?"),
        ("de", "Das war meine Tour. Und ihr, habt ihr so eine Tour schon mal gemacht?", "Und ihr, habt ihr so eine Tour schon mal gemacht?"),
    ],
)
def test_an_aside_or_a_named_reader_before_a_question_is_put_to_the_readers(language: str, closing: str, question: str) -> None:
    lead, middle = (LEAD_DE, MIDDLE_DE) if language == "de" else (LEAD_EN, MIDDLE_EN)
    drafts = find_questions(article(lead, middle, closing, title="A post", language=language))
    assert [(draft.question, draft.kind) for draft in drafts] == [(question, PollKind.YES_NO)]


def test_an_aside_that_does_not_turn_to_the_reader_stays_an_aside() -> None:
    verdicts = judged(LEAD_EN, MIDDLE_EN, "The forum is a year old now. (Where does the time go?)")
    assert [verdict.rule for verdict in verdicts.values()] == ["parenthetical_aside"]


def test_haben_sie_gewusst_dass_is_a_factive_prompt() -> None:
    """The perfect tense tells a fact just as "Wussten Sie, dass …?" does; knowing a thing is still asked."""
    verdicts = judged(LEAD_DE, MIDDLE_DE, "Haben Sie beispielsweise gewusst, dass jeder zehnte Mann Farben verwechselt?",
                      language="de")
    assert [verdict.rule for verdict in verdicts.values()] == ["factive_prompt"]
    assert not grammar.is_factive_prompt("Habt ihr das gewusst?", DE)


def test_wusstet_ihr_dass_stays_a_factive_prompt() -> None:
    verdicts = judged(LEAD_DE, MIDDLE_DE, "Wusstet ihr, dass ihr mit der richtigen Ernährung viel erreichen könnt?", language="de")
    assert [verdict.rule for verdict in verdicts.values()] == ["factive_prompt"]


# --- an imperative to the reader before a colon is no reported speech -----------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (DE, "Schreibt mir gern: Welche Etappe würdet ihr weglassen?", False),
        (DE, "Sagt uns: Was fehlt euch noch?", False),
        (EN, "Tell me: which stage would you skip?", False),
        (DE, "Eine Schülerin fragte: Warum ist das so?", True),
        (DE, "Schreibt er: Wie soll das gehen?", True),
        (EN, "She asked: why does it matter?", True),
        # the writers asking now, in the present: their question to the readers, not someone else's reported
        (DE, "Deshalb fragen wir hier noch einmal: Sollen wir den Lauf verlegen?", False),
        (EN, "So I ask again: should we move the meeting?", False),
        (DE, "Wir fragten damals: Warum so spät?", True),  # the past: a report
    ],
)
def test_an_imperative_to_the_reader_before_a_colon_is_no_reported_speech(lexicon, text: str, expected: bool) -> None:
    from bot.questions import grammar

    assert grammar.reported_speech_lead(text, lexicon) is expected


# --- choice options: the question after a colon or dash names the alternatives itself ------------------------------------


@pytest.mark.parametrize(
    ("language", "question", "options"),
    [
        ("en", "We want to hear from you: do you use a GPS or a paper map on tours like this?", ("a GPS", "a paper map")),
        ("de", "Wir wollen von euch wissen: Nutzt ihr für solche Touren ein Navi oder eine Papierkarte?", ("ein Navi", "eine Papierkarte")),
        ("de", "Wie sieht es bei euch aus – seid ihr eher Genussradler oder Kilometerfresser?", ("Genussradler", "Kilometerfresser")),
        ("en", "How about you – are you a leisure rider or a mile-muncher?", ("a leisure rider", "a mile-muncher")),
        ("de", "Wie würdet ihr entscheiden: Dänemark oder Schweden?", ("Dänemark", "Schweden")),
    ],
)
def test_the_options_of_a_question_after_a_lead_in_are_the_named_alternatives(language: str, question: str, options) -> None:
    lead, middle = (LEAD_DE, MIDDLE_DE) if language == "de" else (LEAD_EN, MIDDLE_EN)
    drafts = find_questions(article(lead, middle, question, title="A post", language=language))
    assert [(draft.kind, draft.options) for draft in drafts] == [(PollKind.CHOICE, options)]


def test_a_bare_how_about_you_is_still_no_poll() -> None:
    assert find_questions(article(LEAD_EN, MIDDLE_EN, "That was my trip. How about you?", title="A post", language="en")) == []


# --- the writer's own answer after a question about the reader's habits or taste -------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "question", "following", "wh", "expected"),
    [
        (DE, "Was ist euer Lieblingsgericht nach einer langen Tour?", ["Meins ist ganz klar eine große Portion Pommes."], True, True),
        (DE, "Welche Apps nutzt ihr zum Planen von Radtouren?", ["Ich habe in diesem Sommer fünf davon ausprobiert."], True, True),
        (EN, "Which apps do you use to plan bike tours?", ["I tried five of them this summer."], True, True),
        (EN, "Which apps do you use to plan bike tours?", ["I tried five of them this summer."], False, False),  # not in the opening
        (EN, "What would you do in a situation like that?", ["I decided to take the detour."], True, False),  # a modal weighs
        (EN, "Do you love apple desserts?", ["The smell of apples is comforting, and to me, anything with apples is a treat."], False, True),
        (EN, "What is clipping?", ["I will explain it below."], True, False),  # not about the reader
    ],
)
def test_the_writer_answers_a_question_about_the_readers_habits_too(lexicon, question, following, wh, expected) -> None:
    assert followups.writer_answers_too(question, following, lexicon, wh=wh) is expected


def test_an_opening_question_about_the_readers_taste_then_the_writers_is_a_poll() -> None:
    body = ["Welche Apps nutzt ihr zum Planen von Radtouren? Ich habe in diesem Sommer fünf davon ausprobiert.", LEAD_DE, MIDDLE_DE,
            "Am Ende war ich müde, aber glücklich, und das Rad hat die ganze Strecke durchgehalten."]
    drafts = find_questions(article(*body, title="Eine Radtour", language="de"))
    assert [(draft.question, draft.kind) for draft in drafts] == [("Welche Apps nutzt ihr zum Planen von Radtouren?", PollKind.OPEN)]


def test_the_writers_own_case_after_has_that_happened_to_you_is_no_echo_answer() -> None:
    assert not answers.echoes_question("Has that ever happened to you?", "It happened to me on the second stage.", EN)
    assert answers.echoes_question("What does this mean for you?", "It means that the price goes up.", EN)


@pytest.mark.parametrize(
    ("lexicon", "question", "next_sentence"),
    [
        (DE, "Habt ihr schon mal von der Ostseeküstenroute gehört?", "Heute stelle ich euch die schönsten Etappen vor."),
        (EN, "Have you heard of the coastal route?", "Today I'll show you its most beautiful stages."),
    ],
)
def test_a_question_before_the_writer_announces_what_she_presents_teases_the_content(lexicon, question, next_sentence) -> None:
    from bot.questions import calls

    assert calls.teases_content(question, next_sentence, lexicon)


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (EN, "Anyone else done this route?", True),
        (EN, "Has anybody else tried the new firmware?", True),
        (EN, "If you're happy with it, why would you try anyone else?", False),
        (DE, "Geht es noch jemandem so?", True),
    ],
)
def test_anyone_else_asks_the_readers_as_a_group(lexicon, text: str, expected: bool) -> None:
    assert audience.addresses_audience(text, lexicon) is expected


def test_a_call_to_share_after_a_declarative_question_leaves_it_open() -> None:
    drafts = find_questions(
        article(LEAD_EN, MIDDLE_EN, "Anyone else done this route? Share your stories below.", title="A post", language="en")
    )
    assert [draft.question for draft in drafts] == ["Anyone else done this route?"]


def test_a_preposition_that_governs_both_alternatives_is_left_out_of_the_options() -> None:
    drafts = find_questions(article(LEAD_EN, MIDDLE_EN, "Do you ride with clipless pedals or flat pedals?", title="A post", language="en"))
    assert [draft.options for draft in drafts] == [("clipless pedals", "flat pedals")]
    drafts = find_questions(article(LEAD_DE, MIDDLE_DE, "Fahrt ihr lieber mit dem Zug oder mit dem Auto?", title="A post", language="de"))
    assert [draft.options for draft in drafts] == [("mit dem Zug", "mit dem Auto")]


# --- short labels for the options of a choice poll (bot/questions/options.py) -------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "option", "label"),
    [
        (DE, "Geht diese Entwicklung eindeutig zu langsam voran", "zu langsam"),
        (DE, "sind wir auf dem richtigen Weg", "auf dem richtigen Weg"),
        (DE, "braucht ihr doch ein Auto", "ein Auto"),
        (DE, "ein Navi", "ein Navi"),  # no clause: left as it is
        (DE, "Dänemark", "Dänemark"),
        (EN, "Is today's hidden gem just for fun", "just for fun"),
        (EN, "are you a leisure rider", "a leisure rider"),
        (EN, "do you use a GPS", "a GPS"),
        (EN, "would you rather stay in the city", "stay in the city"),
        (EN, "give it away", "give it away"),  # no auxiliary: not a clause of its own
        (EN, "keep it", "keep it"),
    ],
)
def test_an_option_that_is_a_clause_is_shortened_to_the_named_alternative(lexicon, option: str, label: str) -> None:
    from bot.questions import options

    assert options.short_label(option, lexicon) == label


def test_a_question_and_its_alternative_in_the_next_sentence_get_short_labels() -> None:
    verdicts = judged(
        LEAD_DE, MIDDLE_DE, "Was meint ihr: Geht diese Entwicklung eindeutig zu langsam voran? Oder sind wir auf dem richtigen Weg?",
        language="de",
    )
    verdict = verdicts["Was meint ihr: Geht diese Entwicklung eindeutig zu langsam voran?"]
    assert verdict.kind is PollKind.CHOICE and verdict.options == ("zu langsam", "auf dem richtigen Weg")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("mehr Urlaub", "mehr Gehalt nehmen", "mehr Gehalt"),
        ("am Meer", "in den Bergen wohnen", "in den Bergen"),
        ("ein E-Auto", "einen Verbrenner entschieden", "einen Verbrenner"),
        ("per Newsletter", "per Messenger bekommen", "per Messenger"),
        ("mild", "richtig kalt", "richtig kalt"),  # an adjective after an adverb: no verb
        ("das Buch gelesen", "den Film gesehen", "den Film gesehen"),  # each side has its own verb
        ("mit dem Auto", "mit der Bahn zur Arbeit", "mit der Bahn zur Arbeit"),
        ("Kaffee", "Tee", "Tee"),
    ],
)
def test_the_verb_at_the_end_of_a_german_question_is_no_part_of_its_last_option(first: str, last: str, expected: str) -> None:
    assert options.without_closing_verb(first, last) == expected


def test_a_german_choice_question_names_its_options_without_the_closing_verb() -> None:
    from bot.questions.kinds import classify

    assert classify("Würdest du lieber am Meer oder in den Bergen wohnen?", DE)[:2] == (
        PollKind.CHOICE, ("am Meer", "in den Bergen"))
    assert classify("Soll die Stadt mehr Radwege oder mehr Parkplätze bauen?", DE)[1] == ("mehr Radwege", "mehr Parkplätze")


def test_a_request_to_whoever_knows_among_the_readers() -> None:
    """Round 11: "Can someone hint at …?" asks the readers as a group to tell: put to them, and open."""
    en, de = lexicon_for("en"), lexicon_for("de")
    assert audience.asks_anyone_to_tell("Can someone explain why the bread collapses after an hour?", en)
    assert audience.asks_anyone_to_tell("So, could anybody recommend a sturdy tent for two?", en)
    assert audience.asks_anyone_to_tell("Kann mir jemand erklären, warum der Teig nicht aufgeht?", de)
    assert not audience.asks_anyone_to_tell("Can someone be a good gardener without a garden?", en)
    assert not audience.asks_anyone_to_tell("Can you explain it to your kids?", en)
    assert audience.addresses_audience("Could somebody point me to a good map of the valley?", en)
    lead = "Our cat has started to carry her toys into the kitchen every night and drops them next to the fridge."
    found = verdicts(lead, lead, "Can someone explain what she is trying to tell us?", language="en")
    verdict = found["Can someone explain what she is trying to tell us?"]
    assert verdict.is_poll and verdict.kind is PollKind.OPEN
