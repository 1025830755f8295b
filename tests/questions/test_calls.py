"""Calls around a question (issue 10, seventh round; bot/questions/calls.py): a yes/no question that is the condition of
a call to act elsewhere, and a row of questions opened by a call for the readers' replies. Written sentences only."""

from __future__ import annotations

import pytest

from bot.questions import calls, leadins
from bot.questions.finder import explain_questions, find_questions
from bot.questions.lexicon import lexicon_for

from tests.questions.helpers import article

DE = lexicon_for("de")
EN = lexicon_for("en")
LEAD_EN = "The team shipped a new release this week, with a long list of fixes and a new plugin system."
LEAD_DE = "Wir haben diese Woche eine neue Version veröffentlicht, mit vielen Korrekturen und einem Pluginsystem."


def judged(*blocks, language: str = "en"):
    return {v.question: v for v in explain_questions(article(*blocks, title="A post", language=language))}


# --- acts_on_yes: the question is the condition of a call to act elsewhere -----------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Would you like to become a contributor?", True),
        ("Do you have feedback for us?", True),
        ("Do you want to help with the translations?", True),
        ("Are you interested in joining the working group?", True),
        ("Have any ideas for the next meetup?", True),
        ("Any ideas for the next release?", True),
        ("Habt ihr Lust, beim nächsten Treffen mitzumachen?", True),
        ("Möchtest du das Projekt unterstützen?", True),
        ("Hast du noch Ideen für den Workshop?", True),
        ("Do you like the new design?", False),  # asks the reader's taste
        ("What do you think of the new release?", False),
        ("Have you ever tried fondue?", False),  # the reader's experience
        ("Kennt ihr das auch?", False),
        ("Wie gefällt euch das neue Design?", False),
    ],
)
def test_questions_whether_the_reader_wants_or_has_something(question: str, expected: bool) -> None:
    assert calls.wants_or_has(question) is expected


@pytest.mark.parametrize(
    ("lexicon", "statement", "expected"),
    [
        (EN, "Check the GitHub repo to learn how to become one!", True),
        (EN, "Please email us, or connect with Paz on Slack.", True),
        (EN, "Stop on by and open an issue, we'd be glad to see you!", True),
        (EN, "Ping us or message us on Slack.", True),
        (EN, "Feel free to reach out to the organisers.", True),
        (DE, "Meldet euch einfach bei uns im Forum.", True),
        (DE, "Dann besucht uns beim nächsten Treffen!", True),
        (DE, "Bitte kontaktieren Sie unser Büro.", True),
        (EN, "Take our quiz.", True),  # "Think you know the city? Take our quiz.": a quiz elsewhere, not a reply
        (EN, "Download the checklist and read the full guide.", True),
        (DE, "Lest dazu unseren Ratgeber.", True),
        (DE, "Holt euch das Hörbuch in der Bibliothek.", True),
        (EN, "Take a moment to tell us in the comments.", False),  # the reply place wins
        (EN, "Let us know in the comments!", False),  # a public reply is the answer
        (EN, "Tell us what you think.", False),  # a call to tell, which asks for the answer itself
        (EN, "Share them below.", False),
        (EN, "Check them out in the comments below.", False),  # the reply place wins
        (DE, "Schreibt es in die Kommentare!", False),
        (DE, "Verratet es mir!", False),
        (EN, "I would love to hear about it.", False),  # a statement, no imperative
        (EN, "Join the discussion on our forum.", False),  # a public place to answer it
        (DE, "Diskutiert mit uns im Forum!", False),
        (EN, "Do you want to know more?", False),  # a question, no call
    ],
)
def test_calls_to_act_elsewhere(lexicon, statement: str, expected: bool) -> None:
    assert calls.is_call_to_act(statement, lexicon) is expected


def test_a_question_that_is_the_condition_of_a_call_to_act_is_no_poll() -> None:
    found = judged(
        LEAD_EN,
        "Thanks to everyone who helped with the mind map this year.",
        "Would you like to become a contributor? Check the GitHub repo to learn how to become one!",
    )
    verdict = found["Would you like to become a contributor?"]
    assert "acts_on_yes" in verdict.signals and not verdict.is_poll


def test_every_question_of_a_row_before_a_call_to_act_is_its_condition() -> None:
    """The call comes after the row: each question of it is a condition, not only the last one."""
    found = judged(
        LEAD_EN,
        "Everyone is welcome to use the stories, and contributions are welcome.",
        "Do you have new story suggestions? Do you want to suggest edits to the existing work? "
        "Stop on by and open an issue, we'd be glad to see you!",
    )
    assert not found["Do you have new story suggestions?"].is_poll
    assert not found["Do you want to suggest edits to the existing work?"].is_poll


def test_a_german_offer_to_take_part_is_no_poll() -> None:
    found = judged(
        LEAD_DE,
        "Im Herbst geht es mit dem nächsten Workshop weiter.",
        "Habt ihr Lust, beim nächsten Treffen mitzumachen? Meldet euch einfach bei uns im Forum.",
        language="de",
    )
    assert not found["Habt ihr Lust, beim nächsten Treffen mitzumachen?"].is_poll


def test_the_same_questions_followed_by_a_call_to_reply_stay_polls() -> None:
    """Only a call to act elsewhere makes them conditions: a call to reply asks them."""
    polls = {
        draft.question
        for draft in find_questions(
            article(
                LEAD_EN,
                "Thanks to everyone who helped with the mind map this year.",
                "Do you have ideas for the next version? Let us know in the comments!",
                title="A post",
                language="en",
            )
        )
    }
    assert "Do you have ideas for the next version?" in polls


def test_an_opinion_question_before_a_link_stays_a_poll() -> None:
    """The taste of the reader is asked, whatever follows: acts_on_yes needs a question of wanting or having."""
    found = judged(
        LEAD_EN,
        "The new theme went live on Monday after a month of testing.",
        "What do you think of the new design? Check the changelog for the details.",
    )
    assert "acts_on_yes" not in found["What do you think of the new design?"].signals


# --- opens_with_call: a row of questions opened by a call for replies ---------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "question", "previous", "expected"),
    [
        (EN, "At this point we would like to hear from you: Does this manual help you?", "", True),
        (EN, "Does this manual help you?", "We'd love to hear from you:", True),
        (EN, "Does this manual help you?", "Tell us in the comments:", True),
        (DE, "Erzählt uns: Wie nutzt ihr das Handbuch?", "", True),
        (DE, "Wie nutzt ihr das Handbuch?", "Wir würden gern von euch hören:", True),
        (EN, "Does this manual help you?", "We'd love to hear from you.", False),  # no colon: a sentence of its own
        (EN, "Is the project on track?", "Ask yourself:", False),  # a reflection prompt
        (EN, "Some questions we have: Do you use it?", "", False),  # an announcement, no call
        (EN, "Does it help?", "Here is what we changed:", False),
    ],
)
def test_a_call_for_replies_opens_a_row_of_questions(lexicon, question: str, previous: str, expected: bool) -> None:
    assert calls.opens_with_call(question, previous, lexicon) is expected


def test_a_row_opened_by_a_call_for_replies_is_put_to_the_readers_anywhere() -> None:
    """In the second paragraph, not the closing, three questions after "we would like to hear from you:" are the
    readers' to answer, the elliptic one too; not a checklist."""
    found = judged(
        "The team is delighted to share our new user manual!",
        "At this point we would like to hear from you: Does this new manual help you? Did we cover everything "
        "you'd expect? Any suggestions to make it better?",
        "We recommend that you start by following along with the manual to install the latest version.",
        "Then try out some tasks alongside the relevant sections of the manual.",
        "Don't try to read the whole thing at once.",
        "The manual is written in Markdown and lives in the main repository.",
    )
    first = found["At this point we would like to hear from you: Does this new manual help you?"]
    assert first.is_poll and "question_run" not in first.signals
    assert found["Did we cover everything you'd expect?"].is_poll
    elliptic = found["Any suggestions to make it better?"]
    assert elliptic.is_poll and elliptic.kind.value == "open"


def test_a_row_after_a_reflection_prompt_is_not_called_for() -> None:
    found = judged(
        "Planning is a habit that takes time to build.",
        "Think about your own week and ask yourself:",
        "Are your meetings useful? Do you need all of them? Could some of them be an email?",
        "Write the answers down and look at them again next month.",
        "Over time the notes show where the time goes.",
        "That is the whole method.",
    )
    assert not any("invitation" in verdict.signals for verdict in found.values())  # the prompt calls for no replies
    assert not found["Are your meetings useful?"].is_poll


# --- kinds --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "clause", "expected"),
    [
        (EN, "Any suggestions to make it better", True),
        (EN, "Any thoughts on the new release", True),
        (DE, "Irgendwelche Tipps für Anfänger", True),
        (EN, "Any chance of rain today", False),
        (EN, "Do you have any feedback", True),
    ],
)
def test_an_elliptic_request_for_input_is_open(lexicon, clause: str, expected: bool) -> None:
    assert leadins.asks_for_input(clause, lexicon) is expected


@pytest.mark.parametrize(
    ("lexicon", "statement", "expected"),
    [
        (EN, "Send us an email at team@example.org.", True),
        (EN, "Drop me a line on the mailing list.", True),
        (DE, "Schreibt uns eine Mail an team@example.org.", True),
        (DE, "Schickt mir eine kurze Nachricht.", True),
        (EN, "Send it to the editors and we'll print the best ones.", False),  # the answer itself is sent
        (EN, "Send us your favourite photos!", False),
    ],
)
def test_a_message_to_send_is_a_call_to_get_in_touch(lexicon, statement: str, expected: bool) -> None:
    assert calls.is_call_to_act(statement, lexicon) is expected


def test_questions_before_send_us_an_email_are_its_condition() -> None:
    found = judged(
        LEAD_EN,
        "You can contribute too, and there is plenty of room for good material.",
        "Do you have a topic to suggest for a future webinar? Do you want to give a webinar? "
        "Send us an email at team@example.org.",
    )
    assert not found["Do you have a topic to suggest for a future webinar?"].is_poll
    assert not found["Do you want to give a webinar?"].is_poll


# --- teases_content: "Do you want to know …? This article presents …" ------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "question", "following", "expected"),
    [
        (EN, "Do you want to know what it takes to run online panels?", "This article presents useful tips.", True),
        (EN, "Want to learn how the compiler works?", "Here is a tour of its passes.", True),
        (EN, "Curious how we built it?", "We started with a prototype in 2019.", True),
        (DE, "Möchtest du wissen, wie das geht?", "Hier zeigen wir es Schritt für Schritt.", True),
        (DE, "Wollt ihr mehr über das Projekt erfahren?", "Im Folgenden stellen wir es vor.", True),
        # the statement order with a question mark, and a guide announced as such
        (DE, "Du willst wissen, wie man Sauerteig ansetzt?", "In dieser Anleitung zeigen wir dir jeden Schritt.", True),
        (EN, "You want to know how to fix it?", "Here is what worked for us.", True),
        (DE, "Habt ihr schon einen Sauerteig angesetzt?", "Diese Anleitung hilft beim ersten Mal.", True),
        (DE, "Ihr wollt wissen, wie es weitergeht?", "Schreibt uns in die Kommentare!", False),  # a call to reply
        (EN, "Do you want to know more?", "Let us know in the comments!", False),  # a call to reply follows
        (EN, "Do you want to know what we found?", "What would you guess?", False),  # another question follows
        (EN, "Do you want to try it?", "It takes five minutes.", False),  # wanting to do, not to know
        (EN, "Do you know what it takes?", "It takes time.", False),  # knowing, not a wish; no announcement of the text
        (EN, "Do you know what it takes?", "This article presents tips.", True),  # the announcement makes it a teaser
    ],
)
def test_questions_that_tease_what_the_text_tells(lexicon, question: str, following: str, expected: bool) -> None:
    assert calls.teases_content(question, following, lexicon) is expected


def assert_stopped_by(signal: str, question: str, *paragraphs: str) -> None:
    """`question`, in an English article of `paragraphs`, carries `signal` and is no poll."""
    verdict = judged(*paragraphs)[question]
    assert signal in verdict.signals and not verdict.is_poll


def test_a_teaser_opening_is_no_poll() -> None:
    assert_stopped_by(
        "teases_content", "Do you want to know what it takes to put on a series of online panels?",
        "Do you want to know what it takes to put on a series of online panels? This article presents useful tips.",
        "Panels are a good way to keep a community talking when people cannot meet.",
        "The first tip is about the technology: choose what your audience already uses.",
    )


# --- numbered tip paragraphs are list items -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "emphasis", "expected"),
    [
        ("Tip #5: Recordings are persistent. Will you be proud of them?", "lead", True),
        ("Step 3: Open the settings. Do you see the menu?", "lead", True),
        ("Fehler 2: Zu viel Zucker. Kennt ihr das?", "lead", True),
        ("3. Keep it short. Is your post too long?", "lead", True),
        ("Tip #5: Recordings are persistent.", "", False),  # no bold label: a sentence that happens to start so
        ("Recordings are persistent. Will you be proud of them?", "lead", False),
    ],
)
def test_a_paragraph_with_a_bold_numbered_label_is_a_list_item(text: str, emphasis: str, expected: bool) -> None:
    assert calls.is_numbered_item(text, emphasis) is expected


def test_questions_in_a_numbered_tip_are_a_checklist_not_polls() -> None:
    from bot.articles.model import Block

    found = judged(
        "Producing an online panel takes more than a video call.",
        Block("paragraph", "Tip #1: Know your platform. Choose what your audience already uses.", emphasis="lead"),
        Block("paragraph", "Tip #2: Make it memorable. Recordings are persistent. Will you and your panelists be "
              "proud of your contribution over time? Did you do your best to serve your community?", emphasis="lead"),
        "In conclusion, a panel is about responding to the audience.",
    )
    assert "list_item" in found["Did you do your best to serve your community?"].signals
    assert not found["Did you do your best to serve your community?"].is_poll


@pytest.mark.parametrize(
    ("question", "statement", "opinion", "expected"),
    [
        ("Got a story?", "Contact our newsroom at tips@example.org.", False, True),
        ("Have you tried the new editor?", "Check it out on the download page.", False, True),
        ("Es fehlt noch ein Ort?", "Meldet euch bei uns.", False, True),
        ("Would you like to become a contributor?", "Check the repo to learn how.", True, True),  # a wish to act
        ("What do you think of the new design?", "Check the changelog for the details.", True, False),  # opinion
        ("Got a story?", "Tell us in the comments.", False, False),  # a call to reply
    ],
)
def test_any_question_before_a_call_to_act_elsewhere_is_its_lead_in(question, statement, opinion, expected) -> None:
    """Broadened after the second look: on the 410 tuning pages and the own corpus, every question followed by such a
    call (49 of them) is labelled no poll; only questions of opinion or taste are left alone."""
    lexicon = DE if question.startswith("Es ") else EN
    assert calls.acts_on_yes(question, statement, lexicon, asks_opinion=opinion) is expected


def test_a_tip_off_call_is_no_poll() -> None:
    found = judged(
        LEAD_EN,
        "The council will decide on the plan next week.",
        "Got a story? Contact our newsroom at tips@example.org.",
    )
    assert "acts_on_yes" in found["Got a story?"].signals and not found["Got a story?"].is_poll


@pytest.mark.parametrize(
    ("lexicon", "question", "following", "opinion", "expected"),
    [
        (EN, "Got a flat tyre on the trail?", "Here's how to fix it in five minutes.", False, True),
        (EN, "Why does the build take so long?", "In this post we look at three causes.", False, True),
        (DE, "Du hast einen Defekt am Reifen?", "Hier zeigen wir, wie du ihn flickst.", False, True),
        (DE, "Welche Variante ist die bessere?", "In diesem Beitrag vergleichen wir beide.", False, True),
        (EN, "What's your favourite pasta shape?", "Here's mine: rigatoni, always.", True, False),  # the writer's answer
        (EN, "Which one do you prefer?", "Here are the two side by side.", True, False),  # opinion: left alone
        (EN, "Got a flat tyre?", "Here's how to fix it, and tell us in the comments how it went!", False, False),
    ],
)
def test_a_question_before_an_announcement_of_the_text_is_a_teaser(lexicon, question, following, opinion, expected) -> None:
    """Broadened after the second look: on the tuning split and the own corpus, the 14 questions followed by a statement
    that announces the text ("Here's how …", "In this post …", "Hier zeigen wir …") are all labelled no poll."""
    assert calls.teases_content(question, following, lexicon, asks_opinion=opinion) is expected


# --- headings (seventh round: weight -1.5 -> -3.0) -----------------------------------------------------------------


def test_a_closing_heading_that_asks_the_readers_is_no_poll() -> None:
    """No labelled poll of the tuning split or the own corpus (163) is a heading, against 323 question headings that are
    not; a sub-heading structures the text even when it turns to the readers and nothing answers it."""
    from tests.questions.helpers import heading

    found = {
        v.question: v
        for v in explain_questions(
            article(LEAD_DE, "Die neue Regel gilt ab Montag für alle Mitglieder des Vereins.",
                    heading("Und was haltet ihr von der neuen Regel?"), title="Ein Artikel", language="de")
        )
    }
    verdict = found["Was haltet ihr von der neuen Regel?"]  # the opener "Und" is stripped
    assert "heading" in verdict.signals and not verdict.is_poll


# --- eighth round: a reply call by a private channel is a call to get in touch -----------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "statement", "expected"),
    [
        (DE, "Lass es mich bitte durch eine kurze Mail wissen, dann aktualisiere ich gerne die Liste!", True),
        (DE, "Sagt mir per Mail Bescheid.", True),
        (EN, "Let me know by email and I'll add it.", True),
        (EN, "Tell me in a private message.", True),
        (EN, "Let me know (in the forums or by email)!", False),  # a public place named: the answer may be public
        (DE, "Lasst es mich in den Kommentaren wissen!", False),
        (EN, "Let me know!", False),
        (EN, "I got an email from a reader about it.", False),  # a statement, no call
    ],
)
def test_a_reply_call_by_a_private_channel_is_a_call_to_act(lexicon, statement: str, expected: bool) -> None:
    assert calls.is_call_to_act(statement, lexicon) is expected


def test_a_row_of_question_items_before_a_call_to_mail_is_its_condition() -> None:
    from bot.articles.model import Block

    verdicts = judged(
        LEAD_DE,
        "Diese mit viel Liebe kuratierte Liste der Treffen in der Stadt ist wahrscheinlich nicht komplett.",
        Block("list_item", "Kennst du noch weitere regelmäßig stattfindende Treffen in der Stadt?"),
        Block("list_item", "Hast du ein Treffen gefunden, das schon länger nicht mehr stattfindet?"),
        "Lass es mich bitte durch eine kurze Mail wissen, dann aktualisiere ich gerne die Liste!",
        language="de",
    )
    assert all(not verdict.is_poll for verdict in verdicts.values())
    assert all("acts_on_yes" in verdict.signals for verdict in verdicts.values())


@pytest.mark.parametrize(
    "statement",
    ["Schreiben Sie uns eine E-Mail an redaktion@example.org.", "Schreibt uns eine Mail an redaktion@example.org."],
)
def test_a_call_to_send_a_mail_in_the_polite_form_is_a_call_to_act(statement: str) -> None:
    assert calls.is_call_to_act(statement, DE)


# --- survey_item: a questionnaire's items quoted in a report on it ----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "followed_by_list", "expected"),
    [
        ("Question: Which group would you identify yourself with the most?", False, True),
        ("Frage 3: Wie oft nutzt ihr das Rad?", False, True),
        ("Which of the following would you prefer for use on a laptop?", False, True),  # the chart left out
        ("Welche der folgenden Funktionen nutzt ihr am meisten?", False, True),
        ("Which of the following would you pick?", True, False),  # the options follow: a question of its own
        ("Which of these trends will matter most for your team: AI, platforms or green software?", False, False),
    ],
)
def test_survey_items_quoted_in_a_report(question: str, followed_by_list: bool, expected: bool) -> None:
    assert calls.quotes_survey_item(question, followed_by_list=followed_by_list) is expected


def test_a_report_on_a_survey_makes_no_poll_of_its_items() -> None:
    assert_stopped_by(
        "survey_item", "Which of the following would you prefer for use on a laptop or desktop machine?",
        "We asked 600 members of our community about the next release, and here is what they told us.",
        "Which of the following would you prefer for use on a laptop or desktop machine?",
        "A rolling release came out on top, with a fixed release close behind.",
    )


def test_spreading_the_word_is_a_call_to_act_elsewhere() -> None:
    assert calls.is_call_to_act("Spread the news and feel free to join the team in our chat.", EN)


@pytest.mark.parametrize(
    ("lexicon", "following", "expected"),
    [
        (EN, "Then use a press.", True),
        (EN, "If not, start there.", True),  # goes on from the answer, whichever it is
        (EN, "You're not alone.", True),
        (DE, "Wenn nicht, fangt dort an.", True),
        (DE, "Du bist nicht allein.", True),
        (EN, "If not, what is holding you back?", False),  # asks the reader on: the question stays theirs
        (DE, "Dann schreib mir!", False),  # invites the answer
    ],
)
def test_a_sentence_that_goes_on_from_the_answer(lexicon, following: str, expected: bool) -> None:
    from bot.questions import followups

    assert followups.states_consequence(following, lexicon) is expected
