"""What the sentences after a question say about it: a door to a form or a message, an offer, a consequence, the
writer's own answer, an argument going on, or the question left open on purpose.

A question is a poll only if the article leaves it to its readers; most of what tells is in the next sentence or
two. These predicates read those sentences; `bot.questions.evidence` turns them into the named signals whose
weights stand in `bot.questions.signals.SIGNALS`.
"""

from __future__ import annotations

import re

from bot.questions import grammar
from bot.questions.lexicon import Lexicon
from bot.questions.signals import OWN_WORDS, contains_phrase, invites_reply

ARGUMENT_CHARS = 200  # statements this long after a question to the reader carry an argument on


_IF_SO = re.compile(r"\s*(?:dann|then|if so|wenn ja|falls ja|if you do|if yes)\b", re.IGNORECASE)


_SEND = re.compile(r"\s*(?:send|e-?mail|schick|schickt|sende|sendet)\b", re.IGNORECASE)


def asks_to_write(next_sentence: str, lexicon: Lexicon) -> bool:
    """kind: "Fallen dir weitere Vorteile ein? Dann schreib mir einen Kommentar." / "Got a joke you'd like to
    add? Send it to …" — the yes/no question is a door to a written answer, so the poll is open."""
    if not invites_reply(next_sentence, lexicon):
        return False
    return _IF_SO.match(next_sentence) is not None or _SEND.match(next_sentence) is not None


_CALL_LEAD = re.compile(r"\s*(?:(?:please|then|so|if so|if you are|if you do|just)\s*,?\s+)*", re.IGNORECASE)


def calls_to_contribute(next_sentence: str, lexicon: Lexicon) -> bool:
    """contribution_call: "Got a tip to share? Please use this form …", "Curious about the project? Drop by our chat
    and say hello!": the sentence after the question opens by sending the reader elsewhere to take part. The question
    recruits contributors or members; the answer does not go back to the article. (A call to reply in the comments
    is an invitation instead.)"""
    stripped = next_sentence.strip()
    if not stripped or not lexicon.contribution_calls or invites_reply(stripped, lexicon):
        return False
    rest = stripped[_CALL_LEAD.match(stripped).end() :].lower()
    return any(rest.startswith(call) and not rest[len(call) : len(call) + 1].isalnum() for call in lexicon.contribution_calls)


def goes_on_arguing(after: list[str], question: str, lexicon: Lexicon, *, to_reader: bool | None = None) -> bool:
    """argued_through: statements follow in the same paragraph and none invites a reply — one will do
    after a question that does not address the reader; after one that does, two or more of some length
    ("Have you tried it? I have." is a remark, and so are closing wishes; "Have you ever …? Like … . Or …
    . Nobody …" is an argument). `to_reader`: the question was found to address the reader by what stands around it."""
    if not after or any(invites_reply(sentence, lexicon) for sentence in after) or leaves_open(after[0], lexicon):
        return False
    statements = [sentence for sentence in after if not grammar.ends_with_question_mark(sentence)]
    if not (grammar.addresses_reader(question, lexicon) if to_reader is None else to_reader):
        return bool(statements)
    if statements and grammar.ends_with_question_mark(after[-1]) and sum(len(sentence) for sentence in statements) >= ARGUMENT_CHARS / 2:
        return True  # "Do you …? If so, why? Doing so would be like … . Who suffers more?": the writer argues on
    return len(statements) >= 2 and sum(len(sentence) for sentence in after) >= ARGUMENT_CHARS


_LINK = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\b\d{3,4}[ /-]?\d{3}[ /-]?\d{3,4}\b|\.(?:ch|de|at|com|org|net)\b")


def offers_service(next_sentence: str, lexicon: Lexicon) -> bool:
    """service_offer: the sentence after a question to the reader offers something — a help line, a sign-up,
    a job, a product, a link ("Brauchst du Hilfe? Die Helpline steht dir … zur Verfügung", "Do you want to be
    informed? Sign up here") — rather than asking for a reply."""
    stripped = next_sentence.strip()
    if not stripped or invites_reply(stripped, lexicon) or grammar.ends_with_question_mark(stripped):
        return False  # a question after it asks on ("…? Und ganz wichtig für meine Familie: Esst ihr …?"), it offers nothing
    lowered = stripped.lower()
    if contains_phrase(lowered, lexicon.offer_phrases) or _LINK.search(lowered) is not None:
        return True
    # "In unserem Vergleich findest du die besten.", "In our guide you'll find …": a pointer to the writer's own pages
    tokens = {token.lower() for token in grammar.words(stripped)}
    return bool(tokens & OWN_WORDS) and grammar.addresses_reader(stripped, lexicon)


def opens_with_offer(next_sentence: str, lexicon: Lexicon) -> bool:
    """service_offer even after an opinion question: the next sentence opens with the offer itself ("Would you
    like to be part of the team? Join our programme …", "Lust auf mehr? Jetzt anmelden …"), a call to act, not to reply."""
    stripped = next_sentence.strip()
    if not stripped or invites_reply(stripped, lexicon):
        return False
    return _CALL_TO_ACT.match(stripped) is not None


_CALL_TO_ACT = re.compile(
    r"\s*(?:(?:then|so|dann|also)\s+)?(?:join|sign up|subscribe|register|apply|download|book|order|shop|click|call|"
    r"contact|jetzt (?:anmelden|bewerben|bestellen|buchen|abonnieren)|melde dich|meldet euch|melden sie sich|"
    r"bewirb dich|bewerbt euch|bewerben sie sich|abonnier|klick|ruf uns|rufen sie uns|kontaktier)(?!\w)",
    re.IGNORECASE,
)


_CONSEQUENCE = re.compile(
    r"\s*(?:then|if so|if yes|if you do|if not|if you don't|in that case|dann|wenn ja|falls ja|wenn nicht|falls nicht|"
    r"in diesem fall|you're not alone|you are not alone|du bist nicht allein|ihr seid nicht allein|"
    r"sie sind nicht allein)(?!\w)",
    re.IGNORECASE,
)


def states_consequence(next_sentence: str, lexicon: Lexicon) -> bool:
    """conditional_teaser: "Bist du ein Kaffeeliebhaber? Dann ist diese Maschine für dich." / "Do you want to save
    money? Then use a press." / "Have you read part one? If not, start there." / "Do you struggle with it? You're not
    alone." — the next sentence goes on from the answer: the question is an if-clause, not asked.
    ("Fallen dir weitere ein? Dann schreib mir!" invites the answer instead.)"""
    return (
        _CONSEQUENCE.match(next_sentence) is not None
        and not invites_reply(next_sentence, lexicon)
        and not grammar.ends_asking(next_sentence)  # "If not, what is holding you back?" asks on
    )


def leaves_open(sentence: str, lexicon: Lexicon) -> bool:
    """left_open: "Die Frage bleibt offen.", "Man darf gespannt sein." right after the question. (Not "Time will
    tell" or "bleibt abzuwarten": news says that after its own speculation.)"""
    return bool(sentence.strip()) and contains_phrase(sentence.lower(), lexicon.left_open_phrases)


def recruits(question: str, next_sentence: str, lexicon: Lexicon) -> bool:
    """recruiting: "Are you looking for a new challenge? We're hiring." / "Sie möchten Teil unseres Teams werden?
    Wir freuen uns auf Ihre Bewerbung." — a job advert dressed as a question to the reader."""
    text = f"{question} {next_sentence}".lower().replace("’", "'")
    if _READERS_ORGANISATION.search(question.lower().replace("’", "'")):
        return False  # "Have you found hiring juniors worth it at your agency?": the reader hires, nobody is recruited
    return contains_phrase(text, lexicon.recruiting_words)


# The reader's own employer: a question about "your agency" / "eure Firma" asks the reader as the one who hires.
_READERS_ORGANISATION = re.compile(
    r"(?<!\w)(?:your|deine[mnrs]?|eure[mnrs]?|ihre[mnrs]?) (?:own )?(?:agency|company|organi[sz]ation|business|firm|"
    r"department|team|startup|office|firma|unternehmen|behörde|abteilung|betrieb|agentur)(?!\w)"
)


_MODALS = frozenset(
    "can could would will shall should may might must kann kannst könnt können würde würdest würdet würden "
    "wirst werdet werden sollst sollt sollen solltest solltet sollten musst müsst müssen darfst dürft dürfen".split()
)


_READER_SUBJECTS = frozenset("you y'all du ihr".split())


def asks_reader_about_themself(text: str, lexicon: Lexicon, *, wh: bool = False) -> bool:
    """For writer_answers_too: a yes/no question whose subject is the reader and whose verb is not a modal ("Do you
    like Mondays?", "Have you ever had fondue?", "Bist du auch im Team Spargel?", "Zocken Sie …?"): it asks about the
    reader's own life, taste or habits. ("Can you really ever have too many …?" and "Would you …?" weigh a
    possibility instead.) A short vocative before it is skipped ("Friends, have you …?")."""
    clause = grammar.core_clause(text, lexicon)
    if "," in clause and grammar.word_count(clause.split(",", 1)[0]) <= 2:
        clause = clause.split(",", 1)[1]
    tokens = grammar.words(clause)
    if len(tokens) < 3 or tokens[0].lower() in _MODALS:
        return False
    if grammar.is_wh_question(clause, lexicon):
        return wh and _asks_reader_habit(tokens, lexicon)
    if not grammar.is_verb_first(clause, lexicon):
        return False
    subject = tokens[1]
    lowered = [token.lower() for token in tokens]
    if (len(lowered) > 3 and lowered[2] in _JUDGING_VERBS and lowered[3] in _BACK_REFERENCES) or (
            lowered[0] in _JUDGING_VERBS and lowered[2] in _BACK_REFERENCES):
        return False  # "Do you find that strange?", "Findest du das seltsam?": a judgement of what was just said
    return subject.lower() in _READER_SUBJECTS or subject in lexicon.polite_pronouns


_JUDGING_VERBS = frozenset("find consider finde findest findet finden haltet hältst halten".split())
_BACK_REFERENCES = frozenset("that this it das dies es".split())


def _asks_reader_habit(tokens: list[str], lexicon: Lexicon) -> bool:
    """A W-question about the reader's own habits or taste ("Welche Apps nutzt ihr …?", "Which apps do you use?",
    "What's your favourite meal …?", "Wie viele Kilometer schafft ihr?"): the reader (or the reader's own thing) is
    the subject within its first words, and no modal weighs a possibility ("Was würdet ihr tun?")."""
    opening = [token.lower() for token in tokens[:WH_SUBJECT_WORDS]]
    if any(token in _MODALS for token in opening):
        return False
    return any(token in _READER_SUBJECTS or token in _READER_POSSESSIVES for token in opening[1:])


WH_SUBJECT_WORDS = 5
_READER_POSSESSIVES = frozenset("your euer eure dein deine".split())


_WRITER_WORDS = {
    "en": frozenset("i i'm i've i'd i'll me my mine myself we we're we've we'd we'll us our ours".split()),
    "de": frozenset(
        "ich mich mir mein meins meine meinen meinem meiner meines wir uns unser unsere unseren unserem unserer".split()
    ),
}


WRITER_WORDS_AT_START = 4
_PERSONAL_TASTE = re.compile(r"(?<!\w)(?:to me|for me|für mich|in my (?:opinion|book)|meiner meinung nach)(?!\w)", re.IGNORECASE)


def writer_answers_too(question: str, following: list[str], lexicon: Lexicon, *, wh: bool = False) -> bool:
    """writer_answers_too: after a question about the reader's own life or taste, one of the next two sentences
    brings in the writer and not the reader ("Do you like Mondays? I know I don't.", "Have you ever had fondue
    before? Gah! It's my favorite.", "Bist du auch im Team Spargel? Für uns ist Spargel …"): the writer gives
    her own answer and leaves the readers theirs — a conversation, not a hook ("Do you …? Then you'll love
    this" turns to the reader again)."""
    if not asks_reader_about_themself(question, lexicon, wh=wh) or not following or grammar.ends_with_question_mark(following[0]):
        return False  # "Do you make jam in a pot? A pressure canner? I don't know.": a run, the beginner's voice
    writer = _WRITER_WORDS["de" if lexicon.language == "de" else "en"]
    for sentence in following[:2]:
        if grammar.addresses_reader(sentence, lexicon):
            return False
        # the writer comes in at the sentence's start ("I know I don't.", "Für uns ist …", "It's my favorite."), not as
        # a later clause of an argument ("That's another thing I would like to focus on …")
        tokens = [token.lower() for token in grammar.words(sentence)]
        if any(token in writer for token in tokens[:WRITER_WORDS_AT_START]) or _PERSONAL_TASTE.search(sentence):
            return True
    return False


def opens_with_reader(question: str, next_sentence: str, lexicon: Lexicon) -> bool:
    """opens_with_reader: the first sentence of one of the article's first two paragraphs asks about the reader's own
    taste or experience ("Do you love tender beef tips and gravy?", "Have you ever tried Yaki Onigiri?") and the
    article goes on with a statement: blogs open a conversation so. (Not when another question follows — "Zocken
    Sie auch Fifa? Oder Ihre Kinder? Wenn ja, …" sets up a condition — nor when the next sentence draws a
    consequence: conditional_teaser.)"""
    stripped = next_sentence.strip()
    if not stripped or grammar.ends_asking(stripped):
        return False
    return asks_reader_about_themself(question, lexicon) and not states_consequence(stripped, lexicon)
