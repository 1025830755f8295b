"""How sure the finder is that a question is put to the article's readers: named signals and their weights.

A question that passed the finder's rules (not quoted, not answered right away, …) still need not be a
question to the readers: real pages ask themselves questions, run checklists, interview guests, and
write headline-style sub-headings. Each signal below is one observable property of the question or of
where it stands; its weight says how much it speaks for (+) or against (−) a poll. The confidence is
the logistic of the bias plus the weights of the signals present; below `MIN_CONFIDENCE` no poll.

The weights were set by hand on the tuning split of the real-page corpus (tests/fixtures/realpages)
and the project's own corpus; `tests/questions/realpages.py` scores them.
Every function here takes plain strings and a `Lexicon` so that each signal is tested on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.questions import audience, grammar
from bot.questions.lexicon import Lexicon


@dataclass(frozen=True)
class Signal:
    weight: float
    description: str


BIAS = -2.0
MIN_CONFIDENCE = 0.6

SIGNALS: dict[str, Signal] = {
    # for a poll
    "reader_address": Signal(2.0, "the question addresses the reader (du/ihr/Sie/euch, you/your)"),
    "invitation": Signal(2.5, "a call to reply stands next to it (schreibt es in die Kommentare, let me know)"),
    "audience_address": Signal(1.5, "it names the readers as its audience (those of you reading this / Lieber Leser, … / For Blender users: …)"),
    "interjection_lead": Signal(0.5, "an interjection opens it, as closing questions do (Na, hast du …? / So, …?)"),
    "closing": Signal(1.5, "it stands in the closing paragraphs, where calls to action stand"),
    "title": Signal(1.0, "it is the article's title (and the body does not answer it at once)"),
    "whole_title": Signal(0.5, "the question is the whole title, not a part of a longer one"),
    "debate_article": Signal(1.5, "a title question in an article whose closing asks the readers or invites replies"),
    "question_title": Signal(0.5, "the title itself asks the readers: the article is a debate"),
    "names_alternatives": Signal(1.0, "it names alternatives to choose from (choice)"),
    "stands_alone": Signal(0.5, "a question to the reader that is a paragraph of its own (not bold): put, not argued"),
    "ends_paragraph": Signal(0.5, "it ends its paragraph and the next one does not answer it: left open"),
    "asks_opinion": Signal(1.0, "it asks the reader's taste, opinion or wish (Was haltet ihr von …? / Do you like …?)"),
    "ends_section": Signal(1.0, "an opinion question to the reader that closes a section (the next block is a heading)"),
    "left_open": Signal(1.5, "the next sentence leaves it open on purpose (Die Frage bleibt offen. / That remains an open question.)"),
    "opens_with_reader": Signal(1.5, "the article opens a paragraph of its lead by asking about the reader's own taste or experience (Do you love …? Have you ever tried …?)"),
    "writer_answers_too": Signal(1.5, "a question about the reader's own life or taste, then the writer's own answer (Do you like Mondays? I know I don't.)"),
    # against a poll
    "lead": Signal(-0.5, "it stands in the lead (first paragraph), where questions hook rather than ask"),
    "body_middle": Signal(-1.0, "it stands in the middle of the body, neither lead nor closing"),
    "first_person": Signal(-2.0, "the writer is the subject (ich/wir, I/we): the author's own question"),
    "self_ask": Signal(-3.0, "announced as the writer's own question (wir fragen uns, I wonder)"),
    "question_run": Signal(-2.5, "one of a run of questions (a checklist to ask oneself)"),
    "continues_previous": Signal(-3.0, "it continues the question before it (Oder …? / Or …?)"),
    "interview_structure": Signal(-3.5, "question paragraphs alternating with longer answers (an interview)"),
    "heading": Signal(-3.0, "a heading: sub-headings structure the text (none of the 163 labelled polls of the tuning split and the own corpus is one)"),
    "list_item": Signal(-2.5, "an item of a list: checklists, sources, exercises, FAQ and link lists (no real-page poll stood in one)"),
    "emphasised": Signal(-0.5, "a bold paragraph or a bold run opening a paragraph"),
    "headline_style": Signal(-1.5, "a headline: a topic, a colon and a short question (Self-Checkout: Besser für alle?), or a title that is a bare noun phrase (Pizza ohne Käse?)"),
    "answered_below": Signal(-3.0, "a paragraph of questions to 'you' that the next, longer paragraph answers (a guest's reply)"),
    "question_section": Signal(-1.0, "it stands in the paragraph right under a question heading, which argues that one"),
    "argued_through": Signal(-1.5, "the paragraph goes on arguing after it"),
    "conditional_teaser": Signal(-2.0, "a statement or if-clause to the reader said as a question (Du kämpfst mit …? Hier … / Bist du …? Dann …)"),
    "own_promotion": Signal(-3.0, "asks the reader about the writer's own thing (Kennt ihr schon unseren …?)"),
    "stock_phrase": Signal(-9.0, "a stock formula of the site, not a question about the article (Fandest du den Artikel hilfreich? / Any questions?)"),
    "widget_prompt": Signal(-7.0, "a recipe card's or post's own prompt (Did you make this? / Want to save this recipe? / Did you enjoy this recipe?)"),
    "contribution_call": Signal(-4.5, "the next sentence sends the reader to a form, a chat or a meeting place (Please use this form / Drop by our chat), or the question recruits helpers (Would you like to help translate …?)"),
    "reflection_prompt": Signal(-4.0, "it opens a run of questions after a call to reflect (Think about your own … / Ask yourself …)"),
    "follow_up": Signal(-4.0, "a yes/no question about 'that' right after a question: it hangs on that one's answer (Did that help?)"),
    "named_addressee": Signal(-3.0, "it names whom it asks, and that is not the reader (…, Herr Müller? / …, Kevin Kühnert?)"),
    "service_offer": Signal(-3.0, "an offer, sign-up or link follows (Brauchst du Hilfe? Die Helpline … / Sign up here)"),
    "recruiting": Signal(-3.5, "a job advert: the question or the sentence after it recruits (neue Herausforderung? / We're hiring)"),
    "signed_letter": Signal(-4.0, "it stands in a reader's signed letter to a columnist (… -- NAME, then DEAR NAME:)"),
    "suggestion": Signal(-3.0, "a proposal said as a question, not a question (how about …? / why not …? / wie wäre es …?)"),
    "checklist_title": Signal(-3.0, "a yes/no title that yes/no question headings answer one by one: a self-check (Is your site slow? 1. Do …?)"),
    "title_goes_on": Signal(-2.5, "the title goes on after its question with a teaser to the reader (… You Will Never Guess)"),
    "rhetorical_formula": Signal(-2.5, "a formula that expects no answer (Who knows …? / Wer weiß …? / What could go wrong?)"),
    "tag_question": Signal(-3.5, "a tag or short check after a claim (Oder etwa nicht? / Did it pay off?)"),
    "thought_experiment": Signal(-3.0, "it asks inside a scenario the writer sets up (What if you … / Imagine … / Stell dir vor …) and no call to reply stands by"),
    "hands_over": Signal(-4.0, "a generic turn to the reader that the next question fills (Wie sieht es bei euch aus? Habt ihr …? / What about you? Do you …?)"),
    "acts_on_yes": Signal(-3.5, "a call to act elsewhere follows: the question is its condition or lead-in (Would you like to contribute? Check the repo … / Got a story? Contact our newsroom)"),
    "teases_content": Signal(-3.0, "asks whether the reader wants to know what the text goes on to tell (Do you want to know what it takes …? This article presents …)"),
    "conditional_contact": Signal(-2.5, "the condition of a call to contact the writer, not left open (Habt ihr Ideen? Dann schreibt mir. / Then email us.)"),
    "familiarity_hook": Signal(-3.0, "asks whether the reader knows a thing the writer then introduces (Kennt ihr diese …? / Do you know that feeling …?)"),
    "doubting": Signal(-2.5, "outside the closing, it doubts with really / wirklich (Do you really need …? / Muss das wirklich sein?): on the tuning split 56 such questions, no poll"),
    "negative_question": Signal(-4.0, "a negated question that expects agreement (Isn't this the cutest idea? / Ist das nicht süß?)"),
    "survey_item": Signal(-5.0, "a questionnaire's item quoted in a report: labelled as one (Question: …) or naming options not given (Which of the following …? with no list after it)"),
}


def confidence(active: Iterable[str]) -> float:
    """The logistic of the bias plus the weights of the `active` signals."""
    total = BIAS + sum(SIGNALS[name].weight for name in active)
    return 1.0 / (1.0 + math.exp(-total))


# --- signals on the question itself -------------------------------------------------------------


def addresses_reader(text: str, lexicon: Lexicon) -> bool:
    """reader_address: second person singular, plural or polite."""
    return grammar.addresses_reader(text, lexicon)


def follows_reader_prompt(previous: str, lexicon: Lexicon) -> bool:
    """reader_address of a question right after a short question to the readers in the same paragraph ("What's
    your take? Is a premium machine worth it?", "Und ihr? Wie …?"): the prompt hands the next question to them."""
    previous = previous.strip()
    return previous.endswith("?") and grammar.word_count(previous) <= 5 and grammar.addresses_reader(previous, lexicon)


@lru_cache(maxsize=32)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    if not phrases:
        return re.compile(r"(?!)")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(phrase) for phrase in phrases) + ")")


def contains_phrase(lowered: str, phrases: Iterable[str]) -> bool:
    """One of `phrases` starts at a word boundary in `lowered` (one compiled pattern per word class)."""
    return _phrase_pattern(tuple(phrases)).search(lowered) is not None


_SUPPORT_IMPERATIVES = frozenset(
    "unterstützt unterstütze unterstützen spendet spende spenden kauft kauf kaufen support donate buy sponsor".split()
)


_KEPT_PRIVATE = re.compile(
    r"only you (?:will |can |'ll )?see|for your eyes only|just for yourself|for yourself only|keep (?:them|it) to yourself"
    r"|nur für dich|nur für euch|ganz für dich|für dich allein|nur du (?:siehst|liest)|für dich selbst"
)


def invites_reply(text: str, lexicon: Lexicon) -> bool:
    """invitation: a sentence that asks for a reply ("Schreibt es in die Kommentare!", "Let me know below"):
    an inviting phrase among its first words, a place to reply anywhere, or an imperative to the writer."""
    stripped = text.strip()
    if not stripped:
        return False
    lowered = stripped.lower()
    if _KEPT_PRIVATE.search(lowered.replace("’", "'")):
        return False  # "Write your answers down somewhere only you will see them.": a call to reflect, not to reply
    if contains_phrase(lowered, lexicon.reply_places):
        return True
    condition = _CONDITION_FIRST.match(lowered)
    if condition:  # "If you tried it too, let me know what you think": the call after its condition
        lowered = lowered[condition.end() :]
    tokens = grammar.words(lowered[:160])  # the opening is what counts
    if contains_phrase(" ".join(tokens[:6]), lexicon.invitation_phrases):
        return True
    # an imperative with the writer as object: "Schreib uns …", "Tell me …" (not "Help!": an exclamation alone is no
    # invitation, nor a preposition with the writer: "Bei uns lernst du …", "With us you …" is an offer)
    return (
        len(tokens) > 1
        and tokens[0] not in _SUPPORT_IMPERATIVES  # "Unterstützt uns mit einer Spende": money, not a reply
        and (
            tokens[1] in lexicon.speaker_objects
            or (tokens[1] in ("es", "it") and len(tokens) > 2 and tokens[2] in lexicon.speaker_objects)
        )
        and tokens[0] not in lexicon.subject_pronouns
        and tokens[0] not in lexicon.finite_auxiliaries
        and tokens[0] not in lexicon.wh_words
        and tokens[0] not in lexicon.prepositions
        and not (set(tokens) & lexicon.first_person_subjects)
    )


_CONDITION_FIRST = re.compile(r"\s*(?:if|when|wenn|falls|sollte)\s+[^,.;:!?]{3,100},\s+")


def call_to_reply_follows(next_sentence: str, same_block: bool, lexicon: Lexicon) -> bool:
    """A call to reply (not another question) right after the question in its paragraph ("Which topic should I cover
    next? Let me know in the comments!"): it hands the writer's own question to the readers."""
    return same_block and not next_sentence.rstrip(" )»“\"'").endswith("?") and invites_reply(next_sentence, lexicon)


def invites_reply_in_question(text: str, lexicon: Lexicon) -> bool:
    """invitation inside the question itself ("Was meint ihr – schreibt es in die Kommentare?")."""
    return contains_phrase(text.lower(), lexicon.invitation_phrases)


_VOTE_FORMULA = re.compile(r"(?<!\w)(?:yes or no|ja oder nein|yay or nay|top oder flop|hot or not)\W*$", re.IGNORECASE)


def asks_for_a_vote(text: str) -> bool:
    """invitation: "Off-the-rack wedding dresses: Yes or no?" — the question is a call to vote."""
    return _VOTE_FORMULA.search(text) is not None


def has_interjection_lead(text: str, lexicon: Lexicon) -> bool:
    """interjection_lead: "Na, hast du …?", "Und, wie …?", "So, have you …?"."""
    match = re.match(r"\s*([^\W\d_]+)\s*[,!]\s+\S", text)
    return bool(match) and match.group(1).lower() in lexicon.interjections


_DELIBERATIVE = frozenset({"should", "shall", "sollen", "sollten"})


def is_first_person(text: str, lexicon: Lexicon) -> bool:
    """first_person: "ich"/"wir", "I"/"we" in the question and no second person: the writer asks about
    themself ("Würde ich es noch einmal machen?", "Was I being naive?")."""
    if ":" in text:  # "Ich finde: … , oder?": the lead-in is the writer's, the question after the colon
        text = text.rsplit(":", 1)[1]
    if grammar.addresses_reader(text, lexicon):
        return False
    tokens = grammar.words(text)
    lowered = [token.lower() for token in tokens]
    if len(lowered) > 2 and lowered[0] in ("have", "got", "any") and lowered[1] in ("a", "an", "any", "some"):
        return False  # "Have a favourite pair we missed?": "Do you" left out; the reader is asked
    for index, lower in enumerate(lowered):
        if lower in ("we", "wir") and _DELIBERATIVE & set(lowered[max(0, index - 1) : index + 2]):
            return False  # "Should we …?", "Sollen wir …?": the writer asks the readers for advice
        if lower == "wir" and _DELIBERATIVE & set(lowered[-1:]):
            return False  # "Gibt es ein Modell, das wir als Nächstes testen sollen?": the modal ends the clause
    for lower in lowered:
        if lower in lexicon.first_person_subjects:
            return True
        if lexicon.language == "en" and lower in ("my", "me", "myself", "our", "us", "ourselves"):
            return True
        if lexicon.language == "de" and lower in ("mich", "mir", "mein", "meine", "meinen", "meinem", "meiner"):
            return True
    return False


def is_self_ask(text: str, before: str, lexicon: Lexicon) -> bool:
    """self_ask: "… und wir fragen uns: Ist …?", "I wonder whether …?", or the sentence before announces
    it ("Ich habe mich gefragt:")."""
    head = text.split("?", 1)[0].lower()
    if contains_phrase(head.split(":", 1)[0] if ":" in head else head, lexicon.self_ask_phrases):
        return True
    lead = before.strip().lower()
    return lead.endswith(":") and contains_phrase(lead, lexicon.self_ask_phrases)


def is_headline_style(text: str, lexicon: Lexicon) -> bool:
    """headline_style: "Self-Checkout: Wirklich besser für alle?" — a topic of a few words, a colon and a
    question that does not address the reader (in a heading, a bold or a one-sentence paragraph)."""
    body = grammar.question_body(text)
    if grammar.addresses_reader(body, lexicon):
        return False
    match = re.match(r"([^:?]{1,60}):\s+(\S.*)$", body)
    if not match or lexicon.alternative_conjunction in grammar.words(match.group(2).lower()):
        return False  # "Off-the-rack dresses: Yes or no?" offers the choice itself
    return grammar.word_count(match.group(1)) <= 6 and grammar.word_count(match.group(2)) <= 8


@lru_cache(maxsize=8)
def _bare_tag_pattern(tags: tuple[str, ...]) -> re.Pattern[str]:
    """A question that is only a tag: "Oder etwa nicht", "Right", "Or not"."""
    return re.compile(r"(?:(?:oder|or)\s+)?(?:" + "|".join(re.escape(tag) for tag in tags) + ")")


def is_tag_question(text: str, previous: str, lexicon: Lexicon) -> bool:
    """tag_question: a tag that checks a claim just made ("Oder etwa nicht?", "Klingt kompliziert, oder?",
    "Right?", "Nothing beats buttons on a device you hold for hours, right?") or a short check of one's own claim
    right after it ("Did it pay off?"), unless it opens with the reader ("Du kennst das, oder?") or addresses the
    readers as a group ("Anyone else tried this?")."""
    body = grammar.question_body(text)
    lowered = body.lower()
    if audience.addresses_audience(body, lexicon):
        return False
    if _bare_tag_pattern(lexicon.confirmation_tags).fullmatch(lowered):
        return True
    statement = grammar.strip_confirmation_tag(body, lexicon)
    opening = " ".join(grammar.words(body)[:2])  # "Du kennst das, oder?" asks the reader; "a device you hold …, right?" not
    if grammar.addresses_reader(opening if statement is not None else body, lexicon):
        return False
    if statement is not None and (
        grammar.word_count(statement) <= 3
        # "Forty hours for thirty dollars is a bargain, right?": a claim with its tag, however long the claim; not
        # "Should we do it, or not?", which asks for a verdict
        or not (grammar.is_verb_first(statement, lexicon) or grammar.is_wh_question(statement, lexicon))
    ):
        return True
    previous = previous.strip()
    follows_claim = bool(previous) and not previous.endswith("?") and not previous.endswith(":")
    # "Sollten Innenstädte autofrei sein?" asks for a verdict: short, but no check of a claim
    return follows_claim and grammar.word_count(body) <= 4 and not asks_for_a_verdict(body, lexicon)


_GREETING_OPENINGS = ("wie geht", "how are", "how's it")


def is_stock_phrase(text: str, lexicon: Lexicon) -> bool:
    """stock_phrase: the site's formulas around an article — feedback widgets ("War dieser Artikel hilfreich?"),
    "any questions?", "have something to add?", labelled promotions ("Tipp: …", "Anzeige: …"), and a related-posts list
    (`end_markers`) run into one sentence with a teaser's question."""
    lowered = text.lower().replace("’", "'")
    opening = lowered.lstrip(" *_#")
    if any(opening.startswith(marker) and not opening[len(marker) : len(marker) + 1].isalpha() for marker in lexicon.end_markers):
        return True  # "Ähnliche Beiträge: … – was passt zu uns?": a teaser of the site's list run into the question
    if contains_phrase(lowered, lexicon.stock_phrases):
        # a greeting ("Wie geht es euch?") is a formula only on its own, not in "Wie geht es euch mit X?"
        return not (lowered.lstrip().startswith(_GREETING_OPENINGS) and grammar.word_count(lowered) > 5)
    if _SIGN_UP_NUDGE.search(lowered) or _QUESTION_OFFER.search(lowered):
        return True
    label = re.match(r"\s*([^\W\d_]+)\s*:", lowered)
    return bool(label) and label.group(1) in lexicon.promotion_labels


# "Ihr habt selbst eine Frage rund um den Schlaf, die wir … beantworten sollen?": the readers' own questions are asked for
_QUESTION_OFFER = re.compile(
    r"^\W*(?:du hast|ihr habt|sie haben|hast du|habt ihr|haben sie|you have|have you got|do you have|got)"
    r"(?: (?:selbst|noch|auch|selber|also|yourself|yourselves))* (?:eine frage|fragen|a question|questions)(?!\w)"
)
# "Have you registered for the meetup yet?", "Habt ihr euch schon für den Lauf angemeldet?": a nudge to sign up
_SIGN_UP_NUDGE = re.compile(
    r"^\W*(?:have|did) you (?:already )?(?:registered|signed up|subscribed|register|sign up|subscribe)\b.*\b(?:yet|already)\W*$"
    r"|^\W*(?:hast du|habt ihr|haben sie)\b.*\b(?:schon|bereits)\b.*\b(?:angemeldet|registriert|abonniert)\W*$"
)


@lru_cache(maxsize=8)
def _widget_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """The whole question is one of `phrases`, with an optional noun for the page's own thing."""
    if not phrases:
        return re.compile(r"(?!)")
    alternatives = "|".join(re.escape(phrase) for phrase in phrases)
    return re.compile(r"\s*(?:" + alternatives + r")(?:\s+(?:recipe|post|article|guide|dish))?\W*")


_FEEDBACK_PROMPT = re.compile(
    r"\s*did you (?:enjoy|like|love)\b.*\b(?:this|these|the|our)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:post|article|recipe|dish|ride|read|guide|tutorial|list|story|roundup|tour)s?\b",
    re.IGNORECASE,
)


def is_widget_prompt(text: str, lexicon: Lexicon) -> bool:
    """widget_prompt: recipe cards and post footers ask "Did you make this?", "Want to save this recipe?", "Did you
    enjoy this recipe?": the site's buttons and feedback, not a question about the article's subject. (The whole
    question must be the formula: "Did you make this mistake too?" asks.)"""
    lowered = grammar.question_body(text).lower().replace("’", "'")
    return _widget_pattern(lexicon.widget_prompts).fullmatch(lowered) is not None or (
        lexicon.language == "en" and _FEEDBACK_PROMPT.match(lowered) is not None
    )


def opens_reflection(previous: str, following: list[str], lexicon: Lexicon) -> bool:
    """reflection_prompt: "Think about your first job. What did you learn there? Would you …?": the sentence before
    tells the reader to reflect and more questions follow — a run for the readers to ask themselves (the labelling
    guide: at most the closing question after such a run is a poll)."""
    if not lexicon.reflection_openers:
        return False
    lowered = previous.strip().lower().replace("’", "'")
    if not lowered or not following or not grammar.ends_with_question_mark(following[0]):
        return False
    lowered = re.sub(r"^(?:now|so|first|and|but)\s*,?\s+", "", lowered)
    if invites_reply(previous, lexicon):  # "Take a moment to tell us: …?" asks for the replies
        return False
    return any(lowered.startswith(opener) for opener in lexicon.reflection_openers)


def leads_into_reflection(text: str, lexicon: Lexicon) -> bool:
    """reflection_prompt, inside the question: "Ask yourself honestly: Does the work give you energy?", "Frag dich
    ehrlich: Gibt dir die Arbeit Kraft?", "The next time you publish one, ask yourself one question: How can you …?" —
    the call to reflect stands before a colon in the question's own sentence."""
    lead, colon, _ = text.partition(":")
    if not colon or not lexicon.reflection_openers:
        return False
    return contains_phrase(lead.strip().lower().replace("’", "'"), lexicon.reflection_openers)


_DOUBTING = re.compile(r"(?<!\w)(?:really|wirklich|tatsächlich)(?!\w)", re.IGNORECASE)


def doubts(text: str) -> bool:
    """doubting: "Do you really need physical page-turn buttons?", "Is that really the impression you want to give?",
    "Muss das wirklich sein?" — the question doubts what it asks about: rhetoric in an argument more than a poll."""
    return _DOUBTING.search(text) is not None


# A heading that puts its section's questions to the readers: "Two questions for members", "A question for you",
# "Fragen an euch", "Eure Meinung ist gefragt", "Your turn", "Over to you", "Have your say", "Jetzt seid ihr dran"
_CALL_HEADING = re.compile(
    r"(?:questions? (?:for|to) (?:you|our (?:readers|members|community)|members|readers|the community)"
    r"|(?:fragen?|umfrage) an (?:euch|sie|dich|unsere (?:leser|mitglieder))|(?:eure|ihre|deine) meinung ist gefragt"
    r"|your turn|over to you|have your say|jetzt seid ihr dran|jetzt sind sie dran|jetzt bist du dran)(?!\w)"
)


def is_call_heading(heading: str) -> bool:
    return _CALL_HEADING.search(heading.lower().replace("’", "'")) is not None


_ANAPHORIC_SUBJECTS = frozenset({"that"})


def follows_up(text: str, previous: str, lexicon: Lexicon) -> bool:
    """follow_up: "Have you tried the new editor? Did that help you?" — a yes/no question whose subject is "that"
    right after a question: it asks about the answer to the question before and means nothing as a poll on its own.
    ("Has this ever happened to you?" points into the article and stands alone; English only: German "das" stands
    first in statements too.)"""
    if lexicon.language != "en" or not grammar.ends_asking(previous):
        return False
    tokens = [token.lower() for token in grammar.words(grammar.strip_opener(text, lexicon))[:2]]
    return len(tokens) == 2 and tokens[0] in lexicon.finite_auxiliaries and tokens[1] in _ANAPHORIC_SUBJECTS


_VOCATIVE_READERS = frozenset(
    "leser leserin leserinnen lesende leute freunde freundinnen ihr alle community readers reader folks friends "
    "everyone everybody guys all you".split()
)


def named_addressee(text: str, lexicon: Lexicon) -> bool:
    """named_addressee: "Was heißt Sozialismus für Sie, Kevin Kühnert?" — a trailing vocative of one to three
    capitalised words that name someone other than the readers: the question is put to that person."""
    body = grammar.question_body(text)
    if "," not in body:
        return False
    tail = body.rsplit(",", 1)[1].strip()
    tokens = grammar.words(tail)
    if not 1 <= len(tokens) <= 3 or not all(token[:1].isupper() for token in tokens):
        return False
    lowered = {token.lower() for token in tokens}
    if lowered & _VOCATIVE_READERS or lowered & lexicon.reader_pronouns or lowered & lexicon.subject_pronouns:
        return False
    return not any(token in lexicon.polite_pronouns for token in tokens)


OWN_WORDS = frozenset("unser unsere unseren unserem unserer unseres mein meine meinen meinem meiner meines our my".split())


_DISCOVERY_VERBS = frozenset(
    "kennt kennst kennen gesehen gelesen gehört probiert ausprobiert abonniert entdeckt besucht "
    "know knew seen read heard tried checked subscribed discovered visited".split()
)


def promotes_own(text: str, lexicon: Lexicon) -> bool:
    """own_promotion: a yes/no question about the writer's own product, post or tool ("Kennt ihr schon
    unseren Brandfinder?", "Have you seen our new app?"), or a suggestion of the writer's own pages
    ("… how about our other bread recipes?")."""
    tokens = [token.lower() for token in grammar.words(text)]
    if not any(token in OWN_WORDS for token in tokens):
        return False
    if is_suggestion(text):
        return True  # "If you enjoyed this, how about our other recipes?": a pointer to the writer's own pages
    return grammar.is_verb_first(text, lexicon) and any(token in _DISCOVERY_VERBS for token in tokens)


_SUGGESTION = re.compile(r"(?<!\w)(?:how about(?! you\s*[–—,:-])|why not|wie wäre es|wie wär's|warum nicht)(?!\w)")


def is_suggestion(text: str) -> bool:
    """suggestion: "How about our other recipes?", "Why not grab it?", "Wie wäre es mit …?" propose, not ask.
    ("How about you – …?" turns to the reader; it proposes nothing.)"""
    return _SUGGESTION.search(text.lower().replace("’", "'")) is not None


def continues_previous(text: str, previous: str, lexicon: Lexicon) -> bool:
    """continues_previous: "Oder …?" / "Or …?" right after a question adds to it; it is no question of its own."""
    first = re.match(r"\s*([^\W\d_]+)", text)
    return (
        first is not None
        and first.group(1).lower() == lexicon.alternative_conjunction
        and grammar.ends_asking(previous)
    )


def asks_opinion(text: str, lexicon: Lexicon) -> bool:
    """asks_opinion: the question asks what the reader likes, thinks or would do — what a poll is for."""
    return grammar.addresses_reader(text, lexicon) and contains_phrase(
        text.lower().replace("’", "'"), lexicon.opinion_phrases
    )


SIGNATURE_CHARS = 200
_SIGNATURE = re.compile(r"(?:--|—|–)\s*[A-Z][A-Z .,'’&-]{2,}$")
_SALUTATION = re.compile(r"\s*DEAR [A-Z][A-Z .,'’&-]*:")


def is_signed_letter(paragraph: str, next_paragraph: str) -> bool:
    """signed_letter: advice columns print readers' letters signed in capitals ("… -- CONCERNED SISTER") and
    answer them ("DEAR CONCERNED SISTER: …"): the letter's questions are put to the columnist."""
    tail = paragraph.rstrip()[-SIGNATURE_CHARS:]  # a signature ends the letter; searching all of a long paragraph
    return _SIGNATURE.search(tail) is not None or _SALUTATION.match(next_paragraph) is not None  # per question was slow


def title_goes_on(title: str, question_end: int, lexicon: Lexicon) -> bool:
    """title_goes_on: after its question the title carries on with a teaser to the reader ("What Do You Think
    This Guy Is Doing? You Will Never Guess…"): clickbait that the page answers. ("Time or money? What our
    survey found" goes on too, but announces the article.)"""
    rest = title[question_end:].strip(" ?!\"'“”»«")
    return grammar.word_count(rest) >= 2 and "?" not in rest and grammar.addresses_reader(rest, lexicon)


_VERDICT_MODALS = frozenset("should shall sollte sollten soll sollen".split())


def asks_for_a_verdict(text: str, lexicon: Lexicon) -> bool:
    """For stands_alone: "Sollten Schulen Handys verbieten?", "Should VAR be scrapped?" ask what ought to be:
    a debate, not the writer's speculation about what will be."""
    clause = grammar.core_clause(text, lexicon)
    first = grammar.words(clause)[:1]
    return bool(first) and first[0].lower() in _VERDICT_MODALS


_INTERVIEW_TITLE = re.compile(
    r"(?<!\w)(?:interview|interviews|interviewt|im gespräch|gespräch mit|nachgefragt|q ?& ?a|talks to|talks with|"
    r"in conversation|sits down with|fragen an|questions for|steckbrief)(?!\w)",
    re.IGNORECASE,
)


def announces_interview(title: str) -> bool:
    """interview_structure: a title that announces an interview ("Im Gespräch mit …", "Q&A: …", "… talks to …"):
    "du"/"Sie"/"you" in the body's questions is the guest."""
    return _INTERVIEW_TITLE.search(title) is not None


_READER_VOCATIVE = re.compile(
    r"\s*(?:(?:liebe|lieber|dear|hey|hallo|hi)\s+)?(?:leser|leserin|leserinnen|lesende|readers?|leute|folks|friends|"
    r"freunde|community|ihr lieben|alle)\s*[,!:]",
    re.IGNORECASE,
)


def calls_the_readers(text: str) -> bool:
    """A vocative to the readers opens it ("Lieber Leser, …?", "Dear readers, …?", "Leute, …?"): put to them."""
    return _READER_VOCATIVE.match(text) is not None


_RHETORICAL_FORMULA = re.compile(
    r"\s*(?:(?:and|but|und|aber|doch)\s+)?(?:who knows|who would have thought|who doesn't love|who does not love|"
    r"what's not to love|what could possibly go wrong|what could go wrong|how cool is that|how great is that|"
    r"(?:so )?what are you waiting for|can you believe it|why wouldn't you|worauf wartest du|worauf wartet ihr|"
    r"(?:does this |did that )?sound familiar|kennst du das|kennt ihr das|kennen sie das|"
    r"(?:hättest du|hättet ihr|hätten sie) (?:das|es) (?:gedacht|gewusst)|would you have (?:thought|guessed)|"
    r"worauf warten sie|(?:so )?(?:have you )?ever wondered|have you (?:ever )?wondered|"
    r"(?:hast du dich|habt ihr euch|haben sie sich) (?:auch )?(?:schon )?(?:mal |einmal |jemals )?gefragt|"
    r"wer weiß|wer weiss|wer hätte das gedacht|wer hätte gedacht|was soll's|was will man mehr|was kann da schon "
    r"schiefgehen|wie cool ist das|what more (?:could|can|do|would) (?:you|one|anyone) (?:want|ask for|need)|"
    r"(?:könnt ihr euch|kannst du dir|können sie sich) das vorstellen\s*\?|(?:könnt ihr|kannst du|können sie) das glauben\s*\?|"
    r"was braucht man mehr)(?!\w)",
    re.IGNORECASE,
)


def is_rhetorical_formula(text: str) -> bool:
    """rhetorical_formula: "Who knows what might be out there in your shed?", "Was will man mehr?", and the readers'
    question voiced by the writer, who answers it ("What's up with the 12.0, you ask?", "Was das kostet, fragt ihr?")."""
    text = text.replace("’", "'")
    return _RHETORICAL_FORMULA.match(text) is not None or _VOICED_READER_QUESTION.search(text.lower()) is not None


_VOICED_READER_QUESTION = re.compile(
    # not "What would you ask?", where the readers are asked
    r"(?<!\w)(?<!would )(?<!should )(?<!do )(?<!did )(?<!can )(?<!could )(?<!will )(?<!might )"
    r"(?:(?:you|y'all) (?:might |may |will |could )?ask|i hear you ask|you (?:might|may) (?:be )?wonder(?:ing)?"
    r"|fragt ihr(?: euch)?(?: jetzt)?|fragst du(?: dich)?(?: jetzt)?|fragen sie(?: sich)?(?: jetzt)?"
    r"|werdet ihr(?: jetzt)? fragen|wirst du(?: jetzt)? fragen|höre ich (?:euch|dich|sie) fragen)\W*$"
)


_NEGATED_OPENING = re.compile(
    r"\s*(?:(?:and|but|so|oh|well|und|aber|also|na)\s*,?\s+)?"
    r"(?:(?:isn't|aren't|wasn't|weren't|doesn't|don't|didn't|won't|wouldn't|can't|couldn't|shouldn't|haven't|hasn't|"
    r"hadn't|ain't)(?!\w)|(?:ist|sind|war|wäre|wären|klingt|klingen|sieht|sehen|schmeckt|schmecken)\s+"
    r"(?:das|es|dies|der|die|sie)\s+(?:\w+\s+)?nicht(?!\w))",
    re.IGNORECASE,
)


def is_negative_question(text: str) -> bool:
    """negative_question: "Isn't this the cutest idea for your holiday spread?", "Doesn't that sound amazing?",
    "Ist das nicht süß?" — the writer states her view and asks the readers to agree; no poll asks that."""
    return _NEGATED_OPENING.match(text.replace("’", "'")) is not None


_THOUGHT_EXPERIMENT = re.compile(
    r"(?<!\w)(?:what if|imagine|suppose|picture this|stell dir vor|stellt euch vor|stellen sie sich vor|angenommen|"
    r"was wäre,? wenn)(?!\w)",
    re.IGNORECASE,
)


_SCENARIO_QUESTION = re.compile(
    r"\s*(?:(?:and|but|so|und|aber|also)\s*,?\s+)?(?:what if|was wäre,? wenn|was ist,? wenn|was,? wenn)(?!\w)",
    re.IGNORECASE,
)


_SCORES_ANSWERS = re.compile(
    r"\b(?:if|when) (?:you|you've|you have) (?:answered|said|replied|nodded|ticked|checked)\b"
    r"|\bif (?:most|any|all|some|one|two|three|several) of (?:your answers|these|the questions|them)\b"
    r"|\bif you (?:recogni[sz]e|see|found) yourself\b"
    r"|\b(?:wenn|falls) (?:du|ihr|sie)\b[^.?!]{0,60}?\b(?:mit ja|ja gesagt|ja geantwortet|beantwortet|angekreuzt|"
    r"wiedererkennst|wiedererkennt|wiedererkennen)\b",
    re.IGNORECASE,
)


_KEPT_FOR_SELF = re.compile(
    r"\b(?:these|those|that|das|dies)\s+(?:are|is|sind|ist)\s+(?:(?:the|die)\s+)?(?:things|questions|issues|fragen|dinge)\b"
    r"[^.?!]{0,30}?\b(?:i|we|ich|wir)\b[^.?!]{0,25}?\b(?:reflect|think|ponder|consider|answer|figure out|nachdenken|"
    r"beantworten|überlegen|klären)"
    r"|\b(?:i|we)(?:'ll| will)? (?:need|have|must) to (?:reflect|think|ponder) (?:more|further|on (?:this|that|them))\b"
    r"|\b(?:darüber|über diese fragen) (?:muss|müssen|werde|werden) (?:ich|wir) (?:noch )?nachdenken",
    re.IGNORECASE,
)


def keeps_for_self(statement: str) -> bool:
    """self_ask, said after a row of questions: "These are things I must reflect on.", "Darüber muss ich noch
    nachdenken.": the writer keeps the questions for herself, whoever they named."""
    return _KEPT_FOR_SELF.search(statement) is not None


def scores_answers(statement: str) -> bool:
    """The statement after a row of questions tells the reader what their own answers mean ("If you answered yes to
    two or more, …", "Wenn du mehr als zwei Fragen mit Ja beantwortet hast, …"): the row is a self-test, a
    checklist to ask oneself, however it is addressed and wherever it stands."""
    return _SCORES_ANSWERS.search(statement) is not None


def asks_a_scenario(question: str) -> bool:
    """thought_experiment, in the question itself: "What if you lose one earbud?", "Und was, wenn doch?" puts a
    scenario that the text goes on to answer or argue (all twelve on the tuning pages are no polls)."""
    return _SCENARIO_QUESTION.match(question) is not None


def in_thought_experiment(before: str) -> bool:
    """thought_experiment: the paragraph sets up a scenario before the question ("What if you needed to build it from
    scratch? What choices would you make?", "Imagine … Would you tell her …?"): the writer's frame for what she did or
    argues next, not a question to answer. (On the real pages and the own corpus no poll stands in one.)"""
    return _THOUGHT_EXPERIMENT.search(before) is not None


