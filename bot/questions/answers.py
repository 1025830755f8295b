"""Whether the sentence after a question answers it: then the article asked itself, and it is no poll.

"Lohnt sich das? Ja, …", "Was it worth it? Absolutely.", "Why would you …? You wouldn't.": an answer marker, a
short reply or an echo of the question's own verb right after it (the rule names are listed in
`bot.questions.finder.RULES`).
"""

from __future__ import annotations

import re

from bot.questions import grammar, signals
from bot.questions.lexicon import Lexicon

_ANSWER_PUNCTUATION = set(",.:;!–—-")
_BARE_REPLIES = frozenset("no nope nah yes yep yeah nein nö ja jein".split())  # a reply word alone, even "No?!"


def answer_rule(next_sentence: str, options: tuple[str, ...] | list[str], lexicon: Lexicon) -> str | None:
    """Does the next sentence answer the question? Returns the name of the rule that says so.

    answer_marker: it opens like an answer ("Weil …", "Because …", "Ja, …", "Nein", "Probably …",
    "Die Antwort …"); answer_names_alternative: it opens with one of the alternatives
    ("Android oder iOS? iOS, ganz klar."); short_reply: a reply of one or two words ("Kaum.").
    """
    sentence = next_sentence.strip().lstrip("\"'„“»«‚‘(")
    if sentence.rstrip("?!.").lower() in _BARE_REPLIES:
        return "short_reply"  # "Do you ever notice outages? No?! Me either": the writer answers for the reader
    if not sentence or sentence.rstrip(grammar.TRAILING.replace("?", "")).endswith("?"):
        return None
    if signals.invites_reply(sentence, lexicon):
        return None  # "I'm curious to read your answers.", "Ich bin gespannt auf eure Antworten.": asks for them
    lowered = sentence.lower()
    for phrase in lexicon.answer_phrases:
        if lowered.startswith(phrase) and not lowered[len(phrase) : len(phrase) + 1].isalnum():
            return "answer_marker"
    tokens = grammar.words(sentence)
    if not tokens:
        return None
    opening_words = " ".join(token.lower() for token in tokens[:6])
    if any(noun in opening_words for noun in lexicon.answer_nouns):
        return "answer_marker"
    first = tokens[0].lower()
    if first in lexicon.answer_openers:
        return "answer_marker"
    if first in lexicon.subordinators and _CONDITIONAL_REPLY.search(sentence):
        return "answer_marker"  # "If you commute every day, yes; otherwise …", "Wenn ihr viel pendelt, ja."
    if first in lexicon.answer_particles:
        following = sentence[len(tokens[0]) : len(tokens[0]) + 2].strip()
        if not following or following[0] in _ANSWER_PUNCTUATION:
            return "answer_marker"
    opening = " ".join(token.lower() for token in tokens[:4])
    for option in options:
        option_words = " ".join(token.lower() for token in grammar.words(option))
        if option_words and (opening + " ").startswith(option_words + " "):
            return "answer_names_alternative"
    if (
        len(tokens) <= 2
        and not sentence.rstrip().endswith(":")  # "Quellen:", "Sources:": a label over what follows, no reply
        and first not in lexicon.subject_pronouns
        and first not in lexicon.first_person_singular
        and not grammar.is_invitation(sentence, lexicon)
    ):
        return "short_reply"
    return None


# a reply word right after the condition's clause: "If you commute by train, yes;", "Wenn ihr viel pendelt: ja."
_CONDITIONAL_REPLY = re.compile(r"[,:;–—-]\s*(?:then\s+|dann\s+)?(?:yes|no|ja|nein|definitely|absolutely|unbedingt|auf jeden fall)\b"
                                r"(?!\s+(?:one|ones|way|more|longer|matter|problem))", re.IGNORECASE)

_ECHO_SUBJECTS = frozenset("it this that es das dies".split())
_WRITER_EXPERIENCER = frozenset("me i my mir mich ich mein meine".split())
ECHO_WINDOW = 6


def echoes_question(question: str, next_sentence: str, lexicon: Lexicon) -> bool:
    """echo_answer: the next sentence answers in the question's own words, subject and verb turned round
    ("Could it be your pillows? It could also be your hot tub …", "Ist das sinnvoll? Das ist …")."""
    if _bare_auxiliary_reply(question, next_sentence, lexicon):
        return True
    asked = [token.lower() for token in grammar.words(grammar.core_clause(question, lexicon))[:2]]
    said_all = [token.lower() for token in grammar.words(next_sentence)]
    said = said_all[:2]
    if len(asked) < 2 or len(said) < 2 or grammar.ends_with_question_mark(next_sentence):
        return False
    if set(said_all[:ECHO_WINDOW]) & _WRITER_EXPERIENCER:
        return False  # "Has that ever happened to you? It happened to me …": the writer's own case, the reader's left open
    if said[0] in _ECHO_SUBJECTS and said[1] not in lexicon.finite_auxiliaries and len(said[1]) >= 4:
        # "What does this mean for you? It means …", "Was bedeutet das für dich? Das bedeutet …": the question's verb again
        stems = {token.lower()[:4] for token in grammar.words(question) if len(token) >= 4}
        if said[1][:4] in stems:
            return True
    verb, subject = asked
    if verb not in lexicon.finite_auxiliaries or subject in lexicon.reader_pronouns:
        return False
    return said[0] == subject and said[1] in lexicon.finite_auxiliaries


_NEGATED_AUXILIARIES = {"won't": "will", "shan't": "shall", "ain't": "am"}


def _bare_auxiliary_reply(question: str, next_sentence: str, lexicon: Lexicon) -> bool:
    """echo_answer: the next sentence is the question's own subject and auxiliary and nothing more ("Why would you
    do this? You wouldn't.", "Do you need it? You don't."): the writer answers for the reader. ("You could, but
    why would you?" goes on, and is left to the reader.)"""
    said = [token.lower() for token in grammar.words(next_sentence)]
    if not 2 <= len(said) <= 3 or grammar.ends_with_question_mark(next_sentence):
        return False
    asked = [token.lower() for token in grammar.words(grammar.core_clause(question, lexicon))]
    if asked and asked[0] in lexicon.wh_words:
        asked = asked[1:]
    if len(asked) < 2 or asked[0] not in lexicon.finite_auxiliaries or said[1] not in lexicon.finite_auxiliaries:
        return False
    base = _NEGATED_AUXILIARIES.get(said[1], said[1].removesuffix("n't"))
    tail_ok = len(said) == 2 or said[2] in ("not", "nicht", "either", "too", "auch")
    return said[0] == asked[1] and base == asked[0].removesuffix("n't") and tail_ok
