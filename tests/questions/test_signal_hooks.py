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
