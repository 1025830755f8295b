"""Signals of issue 10's fourth to sixth rounds on their own: the writer's own answer, negated questions, widget prompts, calls to take part, reflection
runs and follow-ups, lead-ins, hooks and conditions (bot/questions/leadins.py), feedback lists (the older ones are in
test_signals.py)."""

from __future__ import annotations

import pytest

from bot.articles.model import Block
from bot.questions import followups, leadins, signals
from bot.questions.finder import explain_questions, find_questions
from bot.questions.lexicon import lexicon_for

from tests.questions.helpers import article, heading

DE = lexicon_for("de")
EN = lexicon_for("en")
LEAD = "Ein einleitender Absatz, der nichts fragt."


def judged(*blocks, title: str = "Ein Artikel", language: str = "de"):
    return {v.question: v for v in explain_questions(article(*blocks, title=title, language=language))}



# --- issue 10, round 4: the writer's own answer, negated questions ----------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "question", "following", "expected"),
    [
        (EN, "Do you like Mondays?", ["I know I don't."], True),
        (EN, "Have you ever had fondue before?", ["Gah!", "It's my favorite."], True),
        (EN, "Friends, do you go all out for Back to School shopping?", ["My daughter starts kindergarten."], True),
        (DE, "Bist du ebenfalls im Team Spargel?", ["Für uns ist Spargel ein Lieblingsgemüse."], True),
        (DE, "Zocken Sie auch Fifa?", ["Ich spiele seit Jahren."], True),
        (EN, "Do you love apple desserts?", ["Then you'll love this crumble."], False),  # turns to the reader
        (EN, "Can you really ever have too many pumpkin recipes?", ["I definitely don't think so."], False),  # a modal
        (EN, "Do you make jam in a pot?", ["A pressure canner?", "I don't know."], False),  # a run of questions
        (EN, "What do you think of it?", ["I love it."], False),  # not yes/no about the reader
        (EN, "Do you like Mondays?", [], False),
    ],
)
def test_writer_answers_too(lexicon, question: str, following: list[str], expected: bool) -> None:
    assert followups.writer_answers_too(question, following, lexicon) is expected


def test_a_question_about_the_readers_life_then_the_writers_own_answer_is_a_poll() -> None:
    """Recipe and lifestyle blogs open a conversation so: "Have you ever had fondue? Gah! It's my favorite." — in the
    middle of the body, with no call to comment, the writer's own answer is what shows the question is put."""
    question = "Have you ever had fondue before?"
    verdict = judged(LEAD, LEAD, f"{question} Gah! It's my favorite. My kids love it too!", LEAD, LEAD, LEAD, LEAD,
                     LEAD, language="en")[question]
    assert "writer_answers_too" in verdict.signals and verdict.is_poll
    hook = "Have you ever had fondue at a party?"
    verdict = judged(LEAD, LEAD, f"{hook} Then you know this dip.", LEAD, LEAD, LEAD, LEAD, LEAD, language="en")[hook]
    assert not verdict.is_poll


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Isn’t this the cutest idea for your holiday spread?", True),
        ("Doesn't that sound amazing?", True),
        ("But don't you think so?", True),
        ("Ist das nicht süß?", True),
        ("Klingt das nicht lecker?", True),
        ("Is this the cutest idea for your table?", False),
        ("Sollten Schulen Handys verbieten oder nicht?", False),
        ("Ist das nur ein Trend?", False),
    ],
)
def test_negative_question(text: str, expected: bool) -> None:
    assert signals.is_negative_question(text) is expected


def test_a_negated_question_in_an_invited_closing_is_no_poll() -> None:
    """"Isn't this the cutest idea …? Will you make it this year? … I would love to know in the comments": the
    negated question asks for agreement with the writer; the others are put."""
    closing = ("Isn’t this the cutest idea for your holiday spread? Every time I make it, it is gone first. "
               "Will you make it this year? I would love to know more in the comments below.")
    found = [draft.question for draft in find_questions(article(LEAD, LEAD, closing, language="en"))]
    assert found == ["Will you make it this year?"]


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("What if you needed to build an R blog from scratch with nothing but knitr. ", True),
        ("Imagine your daughter comes home with a good grade. ", True),
        ("Stell dir vor, du hättest einen freien Tag. ", True),
        ("I made this soup last winter. ", False),
        ("Imaginative recipes are my thing. ", False),
    ],
)
def test_thought_experiment(before: str, expected: bool) -> None:
    assert signals.in_thought_experiment(before) is expected


def test_questions_inside_the_writers_thought_experiment_are_no_polls() -> None:
    """"What if you needed to create an R blog from scratch … What choices would you make?" frames what the writer then
    did; with a call to reply next to it, the same question is put to the readers."""
    scenario = ("What if you needed to create a blog from scratch and all you had was knitr. What choices would you "
                "make? Could you cobble together something like a quarto blog?")
    found = find_questions(article(LEAD, LEAD, LEAD, scenario, "But this is precisely what I did.", language="en"))
    assert found == []
    invited = scenario + " Tell me in the comments!"
    found = find_questions(article(LEAD, LEAD, LEAD, invited, language="en"))
    assert "What choices would you make?" in [draft.question for draft in found]


def test_the_writers_own_answer_in_the_next_paragraph_is_not_a_guests_reply() -> None:
    """"Do you love apple desserts?" as a paragraph of its own, then the writer's own love of them: not an interview
    question answered by a guest (answered_below), but a conversation opened with the readers."""
    question = "Do you love apple desserts?"
    own = ("There is something about the aroma of apples and cinnamon baking. To me, anything with apples in it is "
           "a treat, and I bake them all autumn long.")
    verdict = judged(LEAD, question, own, LEAD, LEAD, LEAD, LEAD, LEAD, language="en")[question]
    assert "answered_below" not in verdict.signals and verdict.is_poll
    guest = ("Yes, since I was a child. My grandmother baked them every Sunday, and that is how the bakery started "
             "when I opened it in 1999.")
    verdict = judged(LEAD, "Do you bake with apples at the bakery?", guest, LEAD, language="en")[
        "Do you bake with apples at the bakery?"
    ]
    assert not verdict.is_poll


@pytest.mark.parametrize(
    ("lexicon", "question", "next_sentence", "expected"),
    [
        (EN, "Have you ever tried Yaki Onigiri?", "These grilled rice balls are a beloved snack in Japan.", True),
        (EN, "Do you love tender beef tips and gravy?", "They are easy to make in a slow cooker.", True),
        (DE, "Hast du schon mal Rotkohl als Suppe gegessen?", "Ich habe es erst letzte Woche probiert.", True),
        (DE, "Zocken Sie auch Fifa?", "Oder Ihre Kinder?", False),  # another question: a condition is set up
        (EN, "Do you want to save money?", "Then use a French press.", False),  # a consequence: conditional_teaser
        (EN, "Can you really ever have too many pumpkin recipes?", "Fall is near.", False),  # a modal weighs a possibility
        (EN, "What do you cook on Sundays?", "I make soup.", False),  # not a yes/no question about the reader
    ],
)
def test_opens_with_reader(lexicon, question: str, next_sentence: str, expected: bool) -> None:
    assert followups.opens_with_reader(question, next_sentence, lexicon) is expected


def test_an_article_that_opens_by_asking_about_the_readers_taste_has_a_poll() -> None:
    """"Have you ever tried Yaki Onigiri? These grilled rice balls are …" opens the conversation in the lead; the same
    question deep in the body, or with a "then …", is no poll."""
    summary = "A favourite at izakaya restaurants, these rice balls are grilled and glazed in soy sauce."
    question = "Have you ever tried Yaki Onigiri?"
    opening = f"{question} These grilled rice balls are a beloved snack in Japan, grilled at parties and in bars."
    assert judged(summary, opening, LEAD, LEAD, LEAD, LEAD, LEAD, language="en")[question].is_poll
    assert not judged(summary, LEAD, LEAD, opening, LEAD, LEAD, LEAD, LEAD, language="en")[question].is_poll
    hook = f"{question} Then you will love this recipe."
    assert not judged(summary, hook, LEAD, LEAD, LEAD, LEAD, LEAD, language="en")[question].is_poll


# --- English: widgets, calls to take part, reflection runs and follow-ups (issue 10, fifth round) -------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Did you make this?", True),
        ("Made this recipe?", True),
        ("Want to save this recipe?", True),
        ("Would you like to save this?", True),
        ("Did you enjoy this little tour of Lisbon's bakeries?", True),  # feedback on the post itself
        ("Did you like the recipe?", True),
        ("Did you make this mistake too?", False),  # the formula is the whole question
        ("Did you enjoy the match last night?", False),
        ("Would you like to save money on groceries?", False),
    ],
)
def test_widget_prompt(text: str, expected: bool) -> None:
    assert signals.is_widget_prompt(text, EN) is expected
    assert not signals.is_widget_prompt("Hast du das nachgekocht?", DE)


def test_a_recipe_cards_prompts_are_no_polls() -> None:
    for text in ("Did you make this? Tag us on social media and leave a rating!", "Want to save this recipe?"):
        question = text.split("?")[0] + "?"
        verdict = judged(LEAD, LEAD, text, language="en")[question]
        assert "widget_prompt" in verdict.signals and not verdict.is_poll


@pytest.mark.parametrize(
    ("next_sentence", "expected"),
    [
        ("Please use this form to send it in.", True),
        ("Drop by our chat room and say hello!", True),
        ("Then come and say hi at the next meetup.", True),
        ("Come join our community chat this Friday.", True),
        ("Tell us in the comments!", False),  # a call to reply here: an invitation
        ("Submarines are a different story.", False),  # "submit" only as a word of its own
        ("Most people never do.", False),
    ],
)
def test_contribution_call(next_sentence: str, expected: bool) -> None:
    assert followups.calls_to_contribute(next_sentence, EN) is expected


def test_a_call_for_contributors_is_no_poll() -> None:
    """"Have you got a trick you'd like to tell us about? Please use this form …" recruits authors: even with "tell us"
    in it and "we" after it, the answer goes to a form, not to a poll."""
    text = "Have you got a trick you would like to tell us about? Please use this form and we will do the rest."
    verdict = judged(LEAD, LEAD, LEAD, text, language="en")["Have you got a trick you would like to tell us about?"]
    assert "contribution_call" in verdict.signals and "writer_answers_too" not in verdict.signals
    assert not verdict.is_poll


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
    ("previous", "following", "expected"),
    [
        ("Think about your first job.", ["Would you do it again?"], True),
        ("Now, take a moment to look back at last year.", ["Was it a good one?"], True),
        ("Ask yourself honestly.", ["Could you live without it?"], True),
        ("Think about your first job.", [], False),  # a single question after it: the closing question itself
        ("I think about my first job a lot.", ["Would you do it again?"], False),
        ("Take a moment to tell us about your first job.", ["Would you do it again?"], False),  # an invitation
    ],
)
def test_reflection_prompt(previous: str, following: list[str], expected: bool) -> None:
    assert signals.opens_reflection(previous, following, EN) is expected


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("Did that help you sleep?", "Have you tried a weighted blanket?", True),
        ("Would that change your mind?", "Did you read the report?", True),
        ("Has this ever happened to you?", "What do you make of it?", False),  # "this" points into the article
        ("Did that help you sleep?", "We tried a weighted blanket.", False),  # no question before it
        ("Do you sleep well?", "Have you tried a weighted blanket?", False),
    ],
)
def test_follow_up(text: str, previous: str, expected: bool) -> None:
    assert signals.follows_up(text, previous, EN) is expected


def test_a_reflection_run_keeps_only_its_closing_question() -> None:
    """"Think about your first job. What did you learn there? Can you name a mentor? Did that help? Share below!": the
    first question is for the reader to ask themself, "Did that help?" hangs on the one before."""
    text = (
        "Think about your first job. What did you learn there? Can you think of a colleague who helped you? "
        "Did that help you later? Share your stories below."
    )
    found = judged(LEAD, LEAD, LEAD, text, language="en")
    assert not found["What did you learn there?"].is_poll
    assert found["Can you think of a colleague who helped you?"].is_poll
    assert not found["Did that help you later?"].is_poll


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


def test_footnotes_after_the_closing_question_neither_answer_it_nor_push_it_out_of_the_closing() -> None:
    """Blog posts rendered from Markdown end in footnotes ("[^1]: …", "[2] …"): the question before them is the
    article's last word, not a prompt that a long paragraph answers."""
    from bot.questions.finder import _Finder

    question = "What do you use to keep your notes in order?"
    body = ["A paragraph of the article that explains the tools at length, one after another."] * 8
    notes = [
        "[^1]: As of last spring, there were more than seventy such tools, some of them with their own file formats.",
        "[2] Smith, J. (2019). A survey of note-taking habits among programmers. Journal of Notes, 4(2), 1-20.",
        "[^3]: This counts only the tools that are still maintained and have a public issue tracker of their own.",
    ]
    prompts = ["How would you use a spreadsheet for that?", "A long answer paragraph that says how one would do it, "
               "step by step, with a formula for every column and a chart at the end."]
    finder = _Finder(article(LEAD, *prompts, *body, question, *notes, language="en"))
    assert finder.is_footnote(len(finder.blocks) - 1) and not finder.is_footnote(0)
    verdict = judged(LEAD, *prompts, *body, question, *notes, language="en")[question]
    assert verdict.is_poll and "closing" in verdict.signals and "answered_below" not in verdict.signals
    assert not _Finder(article("[Ad] A word from our sponsor, who sells notebooks.", language="en")).is_footnote(0)


# --- fifth round: lead-ins, hooks and conditions (bot/questions/leadins.py) ---------------------------


@pytest.mark.parametrize(
    ("lexicon", "text", "following", "expected"),
    [
        (DE, "Und wie ist das bei euch so?", "Fahrt ihr im Winter mit dem Rad?", True),
        (DE, "Wie steht es mit dir?", "Hast du schon einen Plan für den Urlaub?", True),
        (DE, "Na, wie ist's bei euch?", "Habt ihr schon Schnee?", True),
        (EN, "What about you guys?", "Do you keep a garden journal?", True),
        (EN, "And how is it for you?", "Do you still buy paper books?", True),
        (DE, "Wie sieht es bei euch aus?", "", False),  # alone at the end it is the question
        (DE, "Wie sieht es bei euch aus?", "Ich bin gespannt.", False),
        (DE, "Wie sieht es bei euch mit dem Vorratsschrank aus?", "Habt ihr immer Nudeln da?", False),  # names a topic
        (EN, "What about the price?", "Would you pay it?", False),
    ],
)
def test_a_generic_turn_that_the_next_question_fills_hands_over(lexicon, text: str, following: str, expected: bool) -> None:
    assert leadins.hands_over(text, following, lexicon) is expected


def test_the_question_after_a_generic_turn_is_the_poll() -> None:
    found = judged(LEAD, LEAD, LEAD, "Und wie ist das bei euch so? Fahrt ihr im Winter mit dem Rad? Ich mache das seit Jahren.")
    assert "hands_over" in found["Wie ist das bei euch so?"].signals  # the finder drops the opening "Und"
    assert not found["Wie ist das bei euch so?"].is_poll
    assert found["Fahrt ihr im Winter mit dem Rad?"].is_poll
    alone = judged(LEAD, LEAD, LEAD, "Wie ist das bei euch so?")
    assert alone["Wie ist das bei euch so?"].is_poll


@pytest.mark.parametrize(
    ("lexicon", "following", "expected"),
    [
        (DE, "Dann schreibt mir.", True),
        (DE, "Dann meldet euch per Mail bei uns.", True),
        (EN, "Then drop me a line on Mastodon.", True),
        (EN, "If so, get in touch with the team.", True),
        (DE, "Dann schreib mir einen Kommentar.", False),  # the public answer is asked for
        (DE, "Dann her damit!", False),
        (EN, "Then tell us in the comments below.", False),
        (DE, "Schreibt mir.", False),  # no condition: a call to reply to the question
        (EN, "Then you will love this cake.", False),  # a consequence, not a contact call (conditional_teaser)
        (EN, "Then let me know!", False),  # asks for the answer itself
        (DE, "Dann verratet es mir!", False),
    ],
)
def test_a_call_to_contact_the_writer_after_then_makes_the_question_its_condition(lexicon, following: str, expected: bool) -> None:
    assert leadins.is_conditional_contact(following, lexicon) is expected


def test_a_conditional_contact_call_is_no_poll_and_a_public_one_stays() -> None:
    found = judged(LEAD, LEAD, LEAD, "Habt ihr Ideen für neue Touren? Dann schreibt mir. Ich bin per Mail erreichbar.")
    verdict = found["Habt ihr Ideen für neue Touren?"]
    assert "conditional_contact" in verdict.signals and "invitation" not in verdict.signals and not verdict.is_poll
    found = judged(LEAD, LEAD, LEAD, "Habt ihr Ideen für neue Touren? Dann schreibt sie mir in die Kommentare.")
    assert found["Habt ihr Ideen für neue Touren?"].is_poll
    english = judged(LEAD, LEAD, LEAD, "Want me to review your setup? Then email me.", language="en")
    assert not english["Want me to review your setup?"].is_poll


@pytest.mark.parametrize(
    ("lexicon", "text", "following", "expected"),
    [
        (DE, "Kennt ihr diese Tage, an denen nichts klappt?", "Gestern war so einer.", True),
        (DE, "Kennst du schon den Begriff Stadtimkerei?", "Gemeint sind Bienenvölker auf Dächern.", True),
        (EN, "Do you know that feeling when the alarm rings too early?", "I had it all week.", True),
        (EN, "You know those tiny jars of jam at hotels?", "I collect them.", True),
        (DE, "Kennt ihr diese Tage, an denen nichts klappt?", "Erzählt mir davon!", False),  # a call to reply
        (DE, "Kennt ihr diese Tage, an denen nichts klappt?", "Was macht ihr dann?", False),
        (DE, "Kennt ihr noch weitere Tricks?", "Ich bin gespannt.", False),  # points at nothing: asks for more
        (EN, "Do you know who your local councillor is?", "Most people do not.", False),
    ],
)
def test_familiarity_hook(lexicon, text: str, following: str, expected: bool) -> None:
    assert leadins.familiarity_hook(text, following, lexicon) is expected


def test_a_familiarity_hook_in_the_closing_is_no_poll() -> None:
    found = judged(LEAD, LEAD, LEAD, "Kennt ihr diese Tage, an denen nichts klappt? Gestern war so einer, von früh bis spät.")
    verdict = found["Kennt ihr diese Tage, an denen nichts klappt?"]
    assert "familiarity_hook" in verdict.signals and not verdict.is_poll


@pytest.mark.parametrize(
    ("lexicon", "title", "expected"),
    [
        (DE, "Pizza ohne Käse?", True),
        (DE, "Echte Butter aus dem Automaten?", True),
        (EN, "Real Bread Without Yeast?", True),
        (DE, "Vier Tage arbeiten, fünf Tage bezahlt?", False),  # verbs: a question said as a statement
        (DE, "Tee oder Kaffee?", False),  # a choice
        (DE, "Ist das Kunst?", False),
        (EN, "Bread without yeast?", False),  # sentence case: a noun cannot be told from a verb
        (DE, "Deine Meinung zum Tempolimit?", False),  # to the reader
    ],
)
def test_a_title_that_is_a_bare_noun_phrase_is_headline_style(lexicon, title: str, expected: bool) -> None:
    assert leadins.is_noun_phrase_title(title, lexicon) is expected


def test_a_noun_phrase_title_is_no_poll_even_in_a_debate_article() -> None:
    found = judged(LEAD, LEAD, LEAD, "Was haltet ihr davon?", title="Pizza ohne Käse?")
    assert "headline_style" in found["Pizza ohne Käse?"].signals and not found["Pizza ohne Käse?"].is_poll
    assert found["Was haltet ihr davon?"].is_poll


@pytest.mark.parametrize(
    ("lexicon", "following", "expected"),
    [
        (DE, "Habt ihr Tipps?", True),
        (EN, "Do you know any?", True),
        (DE, "Oder eure Nachbarn?", False),  # continues the question
        (DE, "Was meint ihr zu den neuen Regeln im Verein?", False),  # a question of its own, not a prompt
        (DE, "Ist das so?", False),  # not to the reader
        (EN, "Do you think they'll win?", False),  # a question of its own, asks for no instances
        (EN, "Have you got one?", True),
    ],
)
def test_a_short_prompt_to_the_readers_hands_them_the_question_before_it(lexicon, following: str, expected: bool) -> None:
    assert leadins.precedes_reader_prompt(following, lexicon) is expected


def test_an_impersonal_w_question_handed_to_the_readers_is_a_poll() -> None:
    found = judged(LEAD, LEAD, LEAD, "Welche Apps gibt es sonst noch für Radtouren? Kennt ihr welche?")
    verdict = found["Welche Apps gibt es sonst noch für Radtouren?"]
    assert verdict.is_poll and "reader_address" in verdict.signals
    alone = judged(LEAD, LEAD, LEAD, "Welche Apps gibt es sonst noch für Radtouren? Die Auswahl ist groß.")
    assert not alone["Welche Apps gibt es sonst noch für Radtouren?"].is_poll


@pytest.mark.parametrize(
    ("lexicon", "clause", "expected"),
    [
        (DE, "Habt ihr Tipps für Anfänger?", True),
        (DE, "Hast du noch Ideen für mich?", True),
        (EN, "Do you have any suggestions for the menu?", True),
        (EN, "Have you got any advice for beginners?", True),
        (EN, "Do you love beef tips in gravy?", False),  # tips, but not had
        (DE, "Habt ihr den Film gesehen?", False),
    ],
)
def test_a_yes_no_question_that_asks_for_tips_asks_for_input(lexicon, clause: str, expected: bool) -> None:
    assert leadins.asks_for_input(clause, lexicon) is expected


def test_a_run_under_a_heading_that_asks_the_readers_is_a_discussion() -> None:
    run = ("Wie seht ihr das? Sollte die Stadt mehr Radwege bauen? Reicht eine Tempo-30-Zone? "
           "Wer sollte das bezahlen? Würdet ihr dafür auf Parkplätze verzichten?")
    found = judged(LEAD, LEAD, heading("Was denkt ihr?"), run)
    verdict = found["Wie seht ihr das?"]
    assert verdict.is_poll and "question_run" not in verdict.signals and "question_section" not in verdict.signals
    checklist = judged(LEAD, LEAD, heading("Checkliste"), run, LEAD, LEAD, LEAD, LEAD)
    assert not checklist["Sollte die Stadt mehr Radwege bauen?"].is_poll


# --- sixth round ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (DE, "Bei uns lernst du, wie man Brot backt.", False),  # a preposition with "uns": an offer, no imperative
        (DE, "Mit uns entdeckst du die Stadt neu.", False),
        (EN, "With us you learn to bake bread.", False),
        (DE, "Schreib uns, wie du es machst.", True),  # the imperative with the writer as object still invites
        (EN, "Tell me how you do it.", True),
    ],
)
def test_a_preposition_before_the_writer_is_no_invitation(lexicon, text: str, expected: bool) -> None:
    """invitation: "Bei uns lernst du …" puts "uns" second like "Schreib uns …", but after a preposition it says where
    the offer is, not whom to write to."""
    assert signals.invites_reply(text, lexicon) is expected


def test_an_offer_after_a_hook_is_no_invitation() -> None:
    found = judged(LEAD, "Kurs am Samstag: Brot backen. Fehlt dir gutes Brot beim Bäcker? Bei uns lernst du, wie du "
                   "deinen eigenen Sauerteig ansetzt.", LEAD, LEAD, LEAD, LEAD, LEAD)
    verdict = found["Fehlt dir gutes Brot beim Bäcker?"]
    assert "invitation" not in verdict.signals and not verdict.is_poll


@pytest.mark.parametrize(
    ("lexicon", "lead_in", "expected"),
    [
        (EN, "If you have tried the new editor, please share your experiences with us:", True),
        (EN, "We would love to hear from you. Tell us:", True),
        (DE, "Ihr habt den Kurs besucht? Dann erzählt uns:", True),
        (EN, "Before you start, ask yourself:", False),  # a checklist to ask oneself
        (EN, "Please share your experiences with us.", False),  # no list introduced
        (DE, "Die häufigsten Fragen:", False),
    ],
)
def test_a_call_for_replies_introduces_a_list(lexicon, lead_in: str, expected: bool) -> None:
    assert leadins.calls_for_replies(lead_in, lexicon) is expected


def test_a_feedback_list_after_a_call_for_replies_is_put_to_the_readers() -> None:
    """list_item keeps checklists and FAQs out; a short list of questions right after "please share your experiences
    with us:" is the writer's questions to the readers (invited, not a checklist)."""
    items = [Block("list_item", "What did you like?"), Block("list_item", "Was anything hard to set up?"),
             Block("list_item", "Is a feature missing that you need?")]
    lead = "This is an opening paragraph that asks nothing."
    found = judged(lead, lead, lead, "If you have tried the beta, please share your experiences with us:", *items,
                   language="en")
    for question in ("What did you like?", "Was anything hard to set up?", "Is a feature missing that you need?"):
        verdict = found[question]
        assert "list_item" not in verdict.signals and "invitation" in verdict.signals and verdict.is_poll, question
    checklist = judged(lead, lead, lead, "Before you buy, ask yourself:", *items, language="en")
    assert not any(verdict.is_poll for verdict in checklist.values())
    faq = judged(lead, lead, lead, "Frequently asked questions:", *items, language="en")
    assert not any(verdict.is_poll for verdict in faq.values())


def test_a_long_list_after_a_call_for_replies_stays_a_checklist() -> None:
    items = [Block("list_item", f"Did step {number} work for you?") for number in range(leadins.MAX_LIST_ITEMS + 1)]
    blocks = [Block("paragraph", "Tell us:"), *items]
    assert not leadins.in_feedback_list(blocks, 1, EN)
    assert leadins.in_feedback_list(blocks[: leadins.MAX_LIST_ITEMS], 1, EN)


def test_a_yes_no_title_that_question_headings_answer_is_a_self_check() -> None:
    """checklist_title: "Is your website slow?" over "1. Do images load at full size?" and "2. Is caching off?", each
    answered by its section, is a self-check the article answers sign by sign; even with a call to reply in its
    closing it is no debate."""
    blocks = ["Many sites feel slow, and it is often easy to say why.", heading("1. Do images load at full size?"),
              "Then they weigh megabytes each. Scale them down.", heading("2. Is caching switched off?"),
              "Then every visit loads everything again.", "What else slows your site down? Tell us in the comments!"]
    title = "Is your website too slow?"
    verdict = judged(*blocks, title=title, language="en")[title]
    assert "checklist_title" in verdict.signals and not verdict.is_poll
    # a debate's sub-headings ask for the arguments, not signs: the title stays the readers' question
    debate = ["Many cities are debating it.", heading("What speaks for it?"), "Cleaner air, calmer streets.",
              heading("What speaks against it?"), "Shops fear fewer customers.", "What do you think? Tell us below!"]
    title = "Should city centres be car-free?"
    verdict = judged(*debate, title=title, language="en")[title]
    assert "checklist_title" not in verdict.signals and verdict.is_poll


def test_an_unlabelled_turn_in_a_labelled_dialogue_is_the_interviewer_s() -> None:
    """In a dialogue whose answers carry speaker labels ("Anna: …", "Ben: …"), an unlabelled paragraph that asks and
    is answered by a labelled turn right after it is the interviewer's question (set in italics the text lost)."""
    found = judged(
        "We talked to the team behind the new release.",
        "What was the hardest part?",
        "Anna: Testing on old phones. It took weeks.",
        "Ben: For me the translations, honestly.",
        "Have you thought about a version for tablets? I think it could work well there.",
        "Anna: We have, and it is on our list.",
        "Ben: Not before next year, though.",
        "Thanks for reading this conversation with the team.",
        language="en",
    )
    verdict = found["Have you thought about a version for tablets?"]
    assert verdict.rule == "interview_question" and not verdict.is_poll
    # after the dialogue, the writer's own closing question is no turn of it
    closing = judged(
        "We talked to the team behind the new release.",
        "Anna: Testing on old phones. It took weeks.",
        "Ben: For me the translations, honestly.",
        "Anna: We will ship it soon.",
        "Ben: Not before next year, though.",
        "Would you use a version for tablets? Tell us in the comments!",
        language="en",
    )
    assert closing["Would you use a version for tablets?"].is_poll


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
