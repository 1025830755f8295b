"""Grammar of a single question sentence, and of the sentence that follows it.

Every function here is one named rule from the finder's rule list (see `finder.RULES`). They take plain
strings and a `Lexicon`, so each can be tested on its own, in German and in English.
"""

from __future__ import annotations

import re

from bot.questions.lexicon import Lexicon

_WORD = re.compile(r"[^\W_][\w'’&%+.-]*", re.UNICODE)
TRAILING = " \t\n\"'“”„»«’‘)]!?.…,;:"
CLAUSE_OPENERS = frozenset("dass ob that whether wie how".split())  # words that open a subordinate clause
_CLOSERS = " \t\n\"'“”»«)"  # what may follow a question mark at the end of a sentence: quotes, a bracket, space


def ends_with_question_mark(text: str) -> bool:
    """The text ends with a question mark (trailing space aside): a question sentence, or a block that ends asking."""
    return text.rstrip().endswith("?")


def ends_asking(text: str) -> bool:
    """Like `ends_with_question_mark`, also when a closing quote or bracket follows the mark ("… ?“", "(… ?)")."""
    return text.rstrip(_CLOSERS).endswith("?")


def words(text: str) -> list[str]:
    """Word tokens; a typographic apostrophe is read as a plain one ("What’s" is "What's")."""
    if "’" in text:
        text = text.replace("’", "'")
    return [match.group(0).rstrip(".") or match.group(0) for match in _WORD.finditer(text)]


def word_count(text: str) -> int:
    return len(words(text))


def strip_opener(text: str, lexicon: Lexicon) -> str:
    """discourse_opener: "Und welche …?" asks "Welche …?"; "So, is X dead?" asks "Is X dead?". An aside's
    parentheses go too when it turns to the reader: "(Und ihr, habt ihr …?)" asks "Und ihr, habt ihr …?"."""
    stripped = text.strip()
    if stripped.startswith("(") and stripped.endswith(")") and stripped.count("(") == 1 and addresses_reader(stripped, lexicon):
        stripped = stripped[1:-1].strip()  # an aside to the reader, put to them (audience.aside_to_reader)
    sign_off = _SIGN_OFF.match(stripped)
    if sign_off and word_count(stripped[sign_off.end() :]) >= 3:
        stripped = stripped[sign_off.end() :]  # "This is it for now, what glasses have you had?"
    while True:
        match = re.match(r"([^\W\d_]+)(,?)\s+", stripped)
        if not match or match.group(1).lower() not in lexicon.discourse_openers:
            break
        rest = stripped[match.end() :]
        named = re.match(r"([^\W\d_]+)[,:]", rest)
        if word_count(rest) < 2 or named and named.group(1).lower() in lexicon.reader_pronouns | {"ihr", "you", "y'all"}:
            break  # "Und ihr, habt ihr …?", "Und ihr: Würde …?" keep "Und ihr": the reader named, not an opener
        stripped = rest
    return _capitalise(stripped)


# a sign-off before the closing question: "That's it for now, …", "Das war's für heute, …"
_SIGN_OFF = re.compile(
    r"\s*(?:(?:that|this)(?:'s|’s|\s+is)\s+(?:it|all)(?:\s+for\s+(?:now|today|this\s+(?:week|time|post)))?"
    r"|das\s+war(?:'s|’s|\s+es)(?:\s+(?:für\s+heute|erst\s*mal|von\s+mir))?|so\s*viel\s+für\s+heute)\s*[,;–—-]\s+",
    re.IGNORECASE,
)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def question_body(text: str) -> str:
    """The question without its closing punctuation."""
    return text.strip().rstrip(TRAILING).strip()


def core_clause(text: str, lexicon: Lexicon) -> str:
    """The clause that carries the question: drop a topic lead-in ("Consent Mode V2: Was ist …") and a
    conditional lead-in ("If not, what …", "Wenn ja, welche …")."""
    core = question_body(text)
    match = re.match(r"[^:?]{1,80}:\s+(?=\S)", core) or re.match(r"[^:?–—]{1,80}\s[–—-]\s+(?=\S)", core)
    if match:
        rest = core[match.end() :]
        short_label = word_count(core[: match.end()]) <= 2  # "PS:", "Tipp:", "Update:"
        if is_wh_question(rest, lexicon) or is_verb_first(rest, lexicon) or (short_label and ":" in match.group(0)):
            core = rest
    contrast = re.search(r"(?:,|\s[–—-])\s+(?:doch|aber|und|but|and|so|yet)\s+(?=\S)", core, flags=re.IGNORECASE)
    if contrast and is_wh_question(core[contrast.end() :], lexicon):  # "X ist bekannt, doch was kann Y?"
        core = core[contrast.end() :]
    if "," in core:  # a vocative or short lead-in: "Lieber Leser, welche Dinge nehmt ihr mit?"
        lead, rest = core.split(",", 1)
        rest = rest.strip()
        if (
            word_count(lead) <= 3
            and rest
            and (is_wh_question(rest, lexicon) or (
                is_verb_first(rest, lexicon)
                and addresses_reader(lead[:1].lower() + lead[1:], lexicon)
                and not is_verb_first(lead, lexicon)  # "Wusstet ihr, dass …?" is one clause
            ))
            and not is_wh_question(lead, lexicon)
        ):  # … or "Und ihr, habt ihr …?" / "And you, have you …?": the reader named, then asked
            core = rest
    tokens = words(core)
    if tokens and tokens[0].lower() in lexicon.subordinators and "," in core:
        rest = core.split(",", 1)[1].strip()
        if rest:
            core = rest
    elif tokens and tokens[0].lower() in lexicon.prepositions and "," in core:
        # "For the April full-day walk, would you rather we …?": a phrase that sets the scene, then the question
        rest = core.split(",", 1)[1].strip()
        if rest and is_verb_first(rest, lexicon) and addresses_reader(rest, lexicon):
            core = rest
    return core


def is_wh_question(text: str, lexicon: Lexicon) -> bool:
    """wh_question: an interrogative first, or second after a preposition ("Mit welchem Tool …")."""
    tokens = [token.lower() for token in words(text)[:2]]
    if not tokens:
        return False
    if tokens[0] in lexicon.wh_words:
        return True
    return len(tokens) == 2 and tokens[0] in lexicon.prepositions and tokens[1] in lexicon.wh_words


def is_verb_first(text: str, lexicon: Lexicon) -> bool:
    """verb_first: a finite auxiliary/modal first ("Sind …", "Do you …"), or a word followed by a
    subject pronoun ("Nutzt ihr …", "Lohnt sich …"), or a German second-person verb ("Besparst …")."""
    tokens = words(text)
    if not tokens:
        return False
    first = tokens[0].lower()
    if first in lexicon.finite_auxiliaries:
        return True
    if len(tokens) > 1 and tokens[1].lower() in lexicon.subject_pronouns and first not in lexicon.wh_words:
        return first not in lexicon.prepositions and first not in lexicon.subordinators
    return lexicon.language == "de" and len(first) > 3 and first.endswith("st")


# adverbs of preference that frame a choice, not name an alternative ("Trinkt ihr lieber Tee …", "would you rather …")
PREFERENCE_ADVERBS = frozenset("lieber eher rather".split())
# German modals (and "werden"): a clause they open frames what is chosen, and the infinitive at its end belongs to all
# the alternatives ("Würdet ihr umsteigen …", "Sollten Kinder ihr Taschengeld wöchentlich oder monatlich bekommen?")
MODALS_DE = frozenset(
    "soll sollst sollt sollte sollten solltest solltet würde würden würdest würdet willst wollt wollen werdet "
    "wirst werden kannst könnt können könnte könntet mögt magst möchtet möchtest müsst musst dürft darfst".split()
)


# An article or determiner after German "ihr" shows a pronoun: the possessive "ihr" takes none after it
# ("Wie viele Sorten baut ihr dieses Jahr an?", "Was würdet ihr einem Umsteiger empfehlen?").
_DE_DETERMINERS = frozenset(
    "der die das dem den des ein eine einen einem einer eines kein keine keinen keinem keiner keines "
    "dies diese dieser dieses diesen diesem jede jeder jedes jeden jedem alle allen welche welchen manche so "
    "auch noch schon denn eigentlich gerade gern gerne selbst".split()
)


def addresses_reader(text: str, lexicon: Lexicon) -> bool:
    """reader_address: second person (du/ihr/Sie, you). German "ihr" before a noun is a possessive
    ("ihr Handy"), polite "Sie" counts only capitalised and not first."""
    if lexicon.language == "de" and re.search(r"\bihr\s*[,:;.!?–—]", text):
        return True  # "Welche Sprache lernt ihr: …": a pronoun before punctuation
    lead, colon, rest = text.rpartition(": ")
    if colon and lead and rest and addresses_reader(rest, lexicon):
        return True  # "Und ganz wichtig für meine Familie: Esst ihr …?": the question after the lead-in, verb first
    tokens = words(text)
    # the verb's slot: second word, third after an interjection ("Na, habt ihr Lust bekommen?")
    led = tokens and tokens[0].lower() in lexicon.interjections and re.match(r"\s*[^\W\d_]+\s*[,!]", text)
    verb_slot = 2 if led else 1
    for index, token in enumerate(tokens):
        lower = token.lower()
        if lower in lexicon.reader_pronouns:
            return True
        if lexicon.language == "de":
            if token == "ihr" or (index == verb_slot and lower == "ihr"):
                if index == verb_slot:  # "Habt ihr Vorsätze?": right after the verb, a pronoun
                    return True
                following = tokens[index + 1] if index + 1 < len(tokens) else ""
                after = tokens[index + 2] if index + 2 < len(tokens) else ""
                possessive = following.lower() not in _DE_DETERMINERS and (  # "baut ihr dieses Jahr …": a pronoun
                    following[:1].isupper()  # "ihr Handy"
                    or (  # "ihr universalistisches Erbe": an inflected adjective, then the noun
                        following[:1].islower()
                        and following.lower() not in lexicon.alternative_stops
                        and len(following) > 4
                        and following.endswith(("es", "en", "er", "em"))
                        and after[:1].isupper()
                    )
                    or tokens[index - 1].lower() in lexicon.prepositions  # "auf ihr …"
                )
                if not possessive:
                    return True
            if index > 0 and token in lexicon.polite_pronouns:
                return True
    return False


def strip_confirmation_tag(body: str, lexicon: Lexicon) -> str | None:
    """confirmation_tag: "…, oder?", "…, right?", "… oder nicht?" ask for agreement with a statement.
    Returns the statement, or None when there is no tag."""
    body = body.rstrip()
    for tag in sorted(lexicon.confirmation_tags, key=len, reverse=True):
        for joiner in (", ", " "):
            if joiner == " " and " " not in tag:
                continue  # single-word tags only after a comma: "A oder B" must stay a choice
            ending = joiner + tag
            if len(body) > len(ending) and body[-len(ending) :].lower() == ending:
                return body[: -len(ending)].rstrip(" ,")
    return None


def is_factive_prompt(text: str, lexicon: Lexicon) -> bool:
    """factive_prompt: "Did you know that …?", "Wusstest du, dass …?" present a fact, they do not ask."""
    tokens = [token.lower() for token in words(text)]
    head = tokens[:5]  # "Hast du eigentlich schon gewusst, dass …?": the perfect puts the participle fourth or fifth
    if not any(token in lexicon.knowledge_verbs for token in head):
        return False
    if not any(token in lexicon.reader_pronouns or token == "ihr" or token == "sie" for token in head):
        return False
    verb_index = next(index for index, token in enumerate(tokens) if token in lexicon.knowledge_verbs)
    rest = tokens[verb_index + 1 :]
    rest = [token for token in rest if token not in lexicon.reader_pronouns and token not in {"ihr", "sie"}]
    return bool(rest) and (rest[0] in CLAUSE_OPENERS or rest[0] in lexicon.wh_words or rest[0] in {"dass", "that"})


# "Did you notice it?", "Have you spotted it?", "Hast du es gemerkt?", "Ist es euch aufgefallen?": whether the reader
# caught what the text just did; the writer's next sentence says what it was
_REVEAL = re.compile(
    r"\s*(?:(?:so|and|well|und|na|also)\s*,?\s+)?(?:"
    r"(?:did|have|had)\s+(?:you|y'all)\s+(?:\w+\s+)?(?:notice|noticed|spot|spotted|catch|caught|realise|realised|realize|realized|guess|guessed)"
    r"(?:\s+(?:it|that|this|anything|something))?"
    r"|(?:hast|habt|haben)\s+(?:du|ihr|sie)(?:'s|\s+es|\s+das)?\s+(?:\w+\s+)?(?:gemerkt|bemerkt|erkannt|erraten|entdeckt)"
    r"|(?:ist|war)\s+(?:es|das)\s+(?:dir|euch|ihnen)\s+(?:\w+\s+)?aufgefallen"
    r")\s*\W*$",
    re.IGNORECASE,
)


def is_reveal_question(text: str) -> bool:
    """reveal: "Did you notice it? I didn't write a word of this." asks whether the reader caught the text's trick,
    which the writer then reveals: no question left to the readers."""
    return _REVEAL.match(text.replace("’", "'")) is not None


def is_fact_teaser(text: str, lexicon: Lexicon) -> bool:
    """fact_teaser: "Did you know honey never spoils?" tells a fact without "that" (factive_prompt needs the
    clause opener); a past "did you know" with a clause after it is a tease, not a question ("Do you know Rust?" asks)."""
    if not lexicon.fact_teasers:
        return False
    tokens = [token.lower() for token in words(text)]
    lowered = " ".join(tokens)
    for teaser in lexicon.fact_teasers:
        rest = tokens[len(teaser.split()) :]
        # "Did you know about the new rules?" asks whether the reader knew; a clause after it tells a fact
        if lowered.startswith(teaser + " ") and len(rest) >= 3 and rest[0] not in lexicon.prepositions:
            return True
    return False


def is_hedged_guess(text: str, lexicon: Lexicon) -> bool:
    """hedged_guess: "Maybe you keep a spare key somewhere?", "Perhaps it runs on a server of your own?" open with a
    hedge and a subject: the writer guesses at the reader's situation (often the answer to the question before), a
    statement said with a question mark, not a question of its own."""
    if not lexicon.hedges:
        return False
    tokens = [token.lower() for token in words(text[:80])[:2]]
    return (
        len(tokens) == 2
        and tokens[0] in lexicon.hedges
        and (tokens[1] in lexicon.subject_pronouns or tokens[1] in lexicon.reader_pronouns)
    )


def asks_to_name(clause: str, lexicon: Lexicon) -> bool:
    """naming_question: "Can you think of a book that changed your mind?", "Are there other tools you'd like to see?":
    a yes/no frame whose real answer is the thing the reader names, so the poll is open."""
    if not lexicon.naming_frames:
        return False
    clauses = [clause]
    lead, comma, rest = clause.partition(",")
    if comma and word_count(lead) <= 3 and rest.strip():  # "In particular, can you think of …?"
        clauses.append(rest)  # (and "Gibt es etwas, das ich übersehen habe?" whole)
    for text in clauses:
        lowered = " ".join(token.lower() for token in words(text))
        if any(lowered.startswith(frame + " ") for frame in lexicon.naming_frames):
            return True
        wished = _WISHED_THING_DE if lexicon.language == "de" else _WISHED_THING_EN
        if wished.match(lowered) is not None or (lexicon.language == "de" and _RECOMMEND_DE.match(lowered) is not None):
            return True
    return _IF_SO_WHICH.search(" ".join(token.lower() for token in words(clause))) is not None


# "Do you use a password manager, and if so, which one?", "Nutzt ihr einen und wenn ja, welchen?": the yes leads on to
# the thing to name
_IF_SO_WHICH = re.compile(r"\bif so (?:which|what|how|where|who|why)\b|\b(?:wenn|falls) ja (?:welche\w*|was|wie|wo|wer|warum)\b")


# "Is there a topic you'd like us to cover?", "Any pair you'd recommend?", "Gibt es ein Thema, das ihr euch wünscht?":
# whether there is a thing the reader would like or recommend; the answer is to name it
_WISHED_THING_EN = re.compile(
    r"(?:is there|are there|got|have you got|do you have|any|have (?:a|an|another|any|some))\b.*"
    r"\byou(?:'d| would)? (?:like|love|recommend|suggest|swear by|wish)\b"
)
_WISHED_THING_DE = re.compile(
    r"(?:gibt es|habt ihr|hast du|haben sie|kennt ihr|kennst du|kennen sie)\b.*\b(?:ihr|du|sie)\b.*"
    r"\b(?:empfehlen|empfehlt|empfiehlst|wünscht|wünschst|wünschen|gern(?:e)? (?:sehen|lesen|hören) (?:würdet|würdest|würden))\b"
)


# "Könnt ihr mir ein gutes Buch empfehlen?", "Kannst du uns weitere Blogs nennen?": the verb comes last in German, and an
# indefinite object says that the reader is to name something ("Könnt ihr das empfehlen?" stays a yes or no)
_RECOMMEND_DE = re.compile(
    r"(?:kannst|könnt|können|könntest|könntet|könnten) (?:du|ihr|sie)(?: (?:mir|uns))?(?: noch)?"
    r" (?:ein|eine|einen|einige|welche|weitere|andere|gute|ein paar)\b.* (?:empfehlen|vorschlagen|nennen)$"
)


def strip_question_announcement(text: str, lexicon: Lexicon) -> str:
    """A short lead-in that announces questions ("A few questions for you: Do you …?") is no part of the question:
    the poll asks what follows the colon (when that is a question clause of its own)."""
    if not lexicon.question_nouns:
        return text
    lead, colon, rest = text.partition(": ")
    rest = rest.strip()
    if not colon or not rest or word_count(lead) > 8:
        return text
    if not {token.lower() for token in words(lead)} & lexicon.question_nouns:
        return text
    return rest if is_wh_question(rest, lexicon) or is_verb_first(rest, lexicon) else text


def asks_advice(text: str, lexicon: Lexicon) -> bool:
    """A modal of advice ("should I", "sollen wir", "Wie viel solltest du sparen?")."""
    return any(token.lower() in lexicon.advice_modals for token in words(text))


_NEXT = re.compile(r"(?<!\w)(?:als nächste[sn]?|next)(?!\w)", re.IGNORECASE)


def asks_writers_next_step(text: str, lexicon: Lexicon) -> bool:
    """ "Welches Spiel soll ich als Nächstes ausprobieren?", "What topic should we tackle next?": the writers ask the
    readers what they should do next, a request for the readers' wishes, not the writers' own question."""
    tokens = [token.lower() for token in words(text)]
    first_person = lexicon.first_person_singular | lexicon.first_person_subjects
    return (is_wh_question(text, lexicon) and asks_advice(text, lexicon) and bool(set(tokens) & first_person)
            and _NEXT.search(text) is not None)


def asks_for_advice_or_self(text: str, lexicon: Lexicon) -> bool:
    """A W-question with a modal of advice or about the writer ("How do I …?") announces the author's own
    explanation when a statement follows."""
    return asks_advice(text, lexicon) or any(token.lower() in lexicon.first_person_singular for token in words(text))


def reported_speech_lead(text: str, lexicon: Lexicon) -> bool:
    """reported_speech: "Eine Schülerin fragte: Warum …?" is someone else's question, not the author's.
    "Ich frage mich: …" (reflexive) stays the author's own."""
    if ":" not in text:
        return False
    lead = text.split(":", 1)[0]
    tokens = [token.lower() for token in words(lead)]
    if not tokens or len(tokens) > 14:
        return False
    if any(token in lexicon.reflexive_objects for token in tokens):
        return False
    if tokens[0] in lexicon.speech_verbs and not (set(tokens[1:]) - lexicon.speaker_objects) & (lexicon.subject_pronouns | lexicon.articles):
        return False  # "Schreibt mir gern: Welche …?", "Ask me: …?": an imperative to the reader, no one else's question
    if tokens[0] in lexicon.speech_verbs and any(channel in " ".join(tokens) for channel in lexicon.reply_channels):
        return False  # "Schreibt es in die Kommentare: Würdet ihr …?": the imperative names where to reply
    readers = lexicon.reader_pronouns | {"ihr", "euch"} | {pronoun.lower() for pronoun in lexicon.polite_pronouns}
    if any(token in lexicon.speech_verbs and tokens[index + 1 : index + 3] and set(tokens[index + 1 : index + 3]) & readers
           for index, token in enumerate(tokens)):
        return False  # "… deshalb fragen wir euch: Sollen wir …?", "so I'm asking you: …": the question is put to the readers
    if _WRITERS_ASK.search(lead.lower().replace("’", "'")):
        return False  # "Deshalb fragen wir hier noch einmal: Sollen wir …?": the writers ask now, no one is reported
    return any(token in lexicon.speech_verbs for token in tokens)


# the writers asking, now or next ("fragen wir", "I'll ask"; reflexive leads are ruled out before): their question,
# not one reported
_WRITERS_ASK = re.compile(
    r"(?<!\w)(?:fragen wir|wir fragen|frage ich|ich frage|we ask|i ask|we're asking|i'm asking"
    r"|(?:i'll|we'll|i will|we will|let me|i want to|we want to|i'd like to|we'd like to|i would like to) ask"
    r"|(?:möchte ich|möchten wir|will ich|wollen wir|lasst mich|lass mich) (?:euch |dich |sie )?(?:\w+ )?fragen)(?!\w)"
)


# --- the sentence after a question ----------------------------------------------------------------


def is_invitation(text: str, lexicon: Lexicon) -> bool:
    """invitation: a call to reply ("Schreib uns …", "Tell us in the comments", "… !") is no answer."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith("!"):
        return True
    lowered = stripped.lower()
    if any(channel in lowered for channel in lexicon.reply_channels):
        return True
    tokens = [token.lower() for token in words(stripped)[:3]]
    return (
        bool(tokens)
        and tokens[0] not in lexicon.subject_pronouns
        and any(token in lexicon.speaker_objects for token in tokens[1:])
    )
