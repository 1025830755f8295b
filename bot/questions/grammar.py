"""Grammar of a single question sentence, and of the sentence that follows it.

Every function here is one named rule from the finder's rule list (see `finder.RULES`). They take plain
strings and a `Lexicon`, so each can be tested on its own, in German and in English.
"""

from __future__ import annotations

import re

from bot.questions.lexicon import Lexicon
from bot.questions.sentences import enclosed_mask

_WORD = re.compile(r"[^\W_][\w'’&%+.-]*", re.UNICODE)
TRAILING = " \t\n\"'“”„»«’‘)]!?.…,;:"
_SEPARATORS = re.compile(r":\s|\s[–—-]\s")
_CLAUSE_OPENERS = frozenset("dass ob that whether wie how".split())


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
    return bool(rest) and (rest[0] in _CLAUSE_OPENERS or rest[0] in lexicon.wh_words or rest[0] in {"dass", "that"})


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
    lead, comma, rest = clause.partition(",")
    if comma and word_count(lead) <= 3 and rest.strip():  # "In particular, can you think of …?"
        clause = rest
    lowered = " ".join(token.lower() for token in words(clause))
    return any(lowered.startswith(frame + " ") for frame in lexicon.naming_frames)


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
    return any(token in lexicon.speech_verbs for token in tokens)


# --- named alternatives ---------------------------------------------------------------------------


def _top_level(text: str) -> list[bool]:
    quoted, bracketed = enclosed_mask(text)
    return [not (q or b) for q, b in zip(quoted, bracketed)]


def _disjunctions(body: str, lexicon: Lexicon) -> list[re.Match[str]]:
    # match on the original text (case-insensitively): lowercasing can change lengths ("İ") and offsets
    conjunction = lexicon.alternative_conjunction
    blanked = body
    for binomial in lexicon.binomials:
        pattern = r"(?<![\w-])" + re.escape(binomial) + r"(?![\w-])"
        blanked = re.sub(pattern, lambda m: "_" * len(m.group(0)), blanked, flags=re.IGNORECASE)
    top = _top_level(body)
    found = []
    for match in re.finditer(r"(?<![\w-])" + conjunction + r"(?![\w-])", blanked, flags=re.IGNORECASE):
        if not top[match.start()]:
            continue
        before = words(body[max(0, match.start() - 60) : match.start()])  # the neighbouring words only
        after = words(body[match.end() : match.end() + 60])
        if not before or not after:
            continue
        if body[max(0, match.start() - 8) : match.start()].rstrip().endswith("-"):  # "zwei- oder dreimal"
            continue
        if _is_numeral(before[-1], lexicon) and _is_numeral(after[0], lexicon):
            continue  # numeric_range: "two or three times", not a choice
        found.append(match)
    return found


def _is_numeral(token: str, lexicon: Lexicon) -> bool:
    return token.lower() in lexicon.numerals or bool(re.fullmatch(r"\d+([.,]\d+)?%?", token))


def _clean_option(text: str, lexicon: Lexicon) -> str:
    option = text.strip().strip(",;").strip()
    option = re.sub(r"^" + lexicon.correlative + r"\s+", "", option, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", option).strip(" ,;")


def _split_list(text: str, conjunction_end: int, conjunction_start: int, lexicon: Lexicon) -> list[str]:
    left = text[:conjunction_start]
    right = text[conjunction_end:]
    items = [_clean_option(part, lexicon) for part in left.split(",")]
    return [item for item in items if item] + [_clean_option(right, lexicon)]  # "A, B, or C"


def _valid_item(item: str, max_words: int, lexicon: Lexicon) -> bool:
    tokens = words(item)
    if not tokens or len(tokens) > max_words:
        return False
    return tokens[0].lower() not in _CLAUSE_OPENERS and tokens[0].lower() not in lexicon.wh_words


def _valid(items: list[str], max_words: int, lexicon: Lexicon) -> bool:
    if len(items) < 2 or any(not _valid_item(item, max_words, lexicon) for item in items):
        return False
    return len({item.casefold() for item in items}) == len(items)


def _valid_list(items: list[str], max_words: int, lexicon: Lexicon) -> bool:
    """A list of three or more may end in a longer alternative ("Behalten, verschenken oder zurückschicken
    und nie wieder daran denken?")."""
    if len(items) < 3:
        return _valid(items, max_words, lexicon)
    limits = [max_words] * (len(items) - 1) + [max_words + 4]
    if not all(_valid_item(item, limit, lexicon) for item, limit in zip(items, limits, strict=True)):
        return False
    return len({item.casefold() for item in items}) == len(items)


_PREFERENCE_ADVERBS = frozenset("lieber eher rather".split())


def _object_of_question_frame(lead: str, lexicon: Lexicon) -> str | None:
    """ "Would you rather keep it" -> "keep it", "Trinkt ihr lieber Tee" -> "Tee": the first alternative
    of a list that a verb-first question opens; None unless a short remainder is left."""
    tokens = lead.split()
    if len(tokens) < 3 or tokens[1].lower() not in (lexicon.subject_pronouns | lexicon.reader_pronouns):
        return None
    rest = tokens[2:]
    while rest and rest[0].lower() in _PREFERENCE_ADVERBS:
        rest = rest[1:]
    if not 1 <= len(rest) <= 3:
        return None
    return _clean_option(" ".join(rest), lexicon)


def _parallel_tail(lead_tokens: list[str], item: str, lexicon: Lexicon) -> str | None:
    """The first alternative at the end of a question's lead, as long as the next one and ending in the same word:
    "Are you going to upgrade this year, next year, or not at all" -> "this year"; in German the clause's verb may
    follow it and belongs to all of them ("Wollt ihr dieses Jahr umsteigen, nächstes Jahr …" -> "dieses Jahr")."""
    item_tokens = item.split()
    if not 1 <= len(item_tokens) <= 3:
        return None
    head = item_tokens[-1].lower()
    ends = [len(lead_tokens)]
    if lexicon.language == "de" and lead_tokens and lead_tokens[-1].isalpha() and lead_tokens[-1].islower():
        ends.append(len(lead_tokens) - 1)
    for end in ends:
        if end - len(item_tokens) >= 2 and lead_tokens[end - 1].lower() == head:
            return " ".join(lead_tokens[end - len(item_tokens): end])
    return None


def _bare_first_item(lead: str, lexicon: Lexicon) -> str | None:
    """"Keep it, give it away or send it back?": a short lead with no one asked is itself the first alternative."""
    tokens = lead.split()
    if not tokens or len(tokens) > 3 or tokens[0].lower() in lexicon.finite_auxiliaries or (
        {token.lower() for token in tokens} & lexicon.reader_pronouns
    ):
        return None  # "Do you, …", "Habt ihr, …": a question that asks someone
    return _clean_option(lead, lexicon) or None


def _is_question_clause(text: str, lexicon: Lexicon) -> bool:
    return is_wh_question(text, lexicon) or is_verb_first(text, lexicon) or addresses_reader(text, lexicon)


def _trim_trailing_clause(right: str, lexicon: Lexicon) -> str:
    """"Tee oder Kaffee, was trinkt ihr lieber?": the clause after the last alternative is not part of it."""
    if "," in right:
        head, tail = right.split(",", 1)
        if _is_question_clause(tail.strip(), lexicon):
            return head
    return right


def named_alternatives(question: str, lexicon: Lexicon) -> list[str] | None:
    """named_alternatives: the alternatives a question names around "oder"/"or", as worded.

    Shapes: "Lead: A, B oder C", "A oder B – was …", "Lead, A oder B", "A oder B" (a fragment), and a
    verb-first clause whose disjuncts are found by parallelism ("mit dem Zug oder mit dem Auto") or
    by scanning back to the subject ("Hast du das Buch gelesen oder nur die Serie gesehen").
    """
    body = question_body(question)
    if strip_confirmation_tag(body, lexicon) is not None:
        return None
    disjunctions = _disjunctions(body, lexicon)
    if not disjunctions:
        return None
    conjunction = disjunctions[-1]
    top = _top_level(body)
    separators = [m for m in _SEPARATORS.finditer(body) if top[m.start()]]
    before = [m for m in separators if m.end() <= conjunction.start()]
    after = [m for m in separators if m.start() >= conjunction.end()]

    if before:  # "Welche Plattform nutzt ihr: A, B oder C"
        start = before[-1].end()
        end = after[0].start() if after else len(body)
        segment = body[start:end]
        if "," not in segment and is_verb_first(segment.strip(), lexicon):
            # "We want to hear from you: do you use a GPS or a paper map?": the lead-in asks nothing; the question
            # after it names the alternatives as a clause of its own
            inner = named_alternatives(segment.strip() + "?", lexicon)
            if inner:
                return inner
        items = _split_list(
            segment, conjunction.end() - start, conjunction.start() - start, lexicon
        )
        items[-1] = _clean_option(_trim_trailing_clause(items[-1], lexicon), lexicon)
        if _valid(items, 10, lexicon):
            return items
    if after:  # "Pizza, Pasta oder Curry – was kochst du am liebsten"
        segment = body[: after[0].start()]
        items = _split_list(segment, conjunction.end(), conjunction.start(), lexicon)
        if _valid(items, 6, lexicon):
            return items
        return None
    if before:
        return None

    left = body[: conjunction.start()]
    right = _trim_trailing_clause(body[conjunction.end() :], lexicon)
    right_option = _clean_option(right, lexicon)
    if "," in left:
        pieces = left.split(",")
        lead, rest = pieces[0].strip(), [_clean_option(piece, lexicon) for piece in pieces[1:]]
        rest = [piece for piece in rest if piece]
        if _is_question_clause(lead, lexicon):
            if rest:
                items = rest + [right_option]
                first = None if is_wh_question(lead, lexicon) else (
                    _parallel_tail(lead.split(), rest[0], lexicon) or _object_of_question_frame(lead, lexicon)
                    or _bare_first_item(lead, lexicon))
                if first:  # "Would you rather keep it, give it away or send it back?"
                    items = [first] + items
                return items if _valid_list(items, 5, lexicon) else None
            if is_wh_question(lead, lexicon):
                return None
            if _is_negated(right_option, lexicon):
                return None  # "Nutzt ihr Linux, oder ist das keine Option?": yes or no, not two alternatives
            # "Does it still meet every day, or have you moved …": drop the shared question frame
            items = [_drop_question_frame(lead, lexicon), _drop_question_frame(right_option, lexicon)]
            return items if _valid(items, 12, lexicon) else None
        items = [_clean_option(lead, lexicon)] + rest + [right_option]
        return items if _valid_list(items, 5, lexicon) else None

    if is_wh_question(body, lexicon):
        return None  # "Wie oft trainierst du pro Woche oder im Monat?": no named alternatives
    left_tokens = left.split()
    if is_verb_first(body, lexicon):
        first_option = _parallel_or_scanned(left_tokens, right_option, lexicon)
        if not first_option and len(left_tokens) >= 2 and left_tokens[-2].lower() in lexicon.prepositions:
            # "Would you buy one for yourself or a family member": the preposition belongs to both
            first_option = " ".join(left_tokens[-2:])
            if right_option and right_option.split()[0].lower() not in lexicon.prepositions:
                right_option = f"{left_tokens[-2]} {right_option}"
        right_option = _without_shared_complement(first_option, right_option, lexicon)
    else:
        first_option = " ".join(left_tokens)
    items = [_clean_option(first_option, lexicon), right_option]
    return items if _valid(items, 12, lexicon) else None


def alternatives_only_in_condition(body: str, clause: str, lexicon: Lexicon) -> bool:
    """ "If you bake or fry it, do you salt it first?": the alternatives stand in the conditional lead-in; the
    question proper (after the comma) names none, so the reader is not asked to choose between them."""
    tokens = words(body)
    return (
        clause != body
        and bool(tokens)
        and tokens[0].lower() in lexicon.subordinators
        and lexicon.alternative_conjunction not in words(clause.lower())
    )


def alternatives_only_in_topic(body: str, clause: str, lexicon: Lexicon) -> bool:
    """ "3G, 2G oder 2G Plus: Was gilt jetzt?": the alternatives name the topic; the question is the
    W-question after the colon, and it does not ask the reader to choose."""
    return (
        clause != body
        and ":" in body
        and is_wh_question(clause, lexicon)
        and not addresses_reader(clause, lexicon)
        and lexicon.alternative_conjunction not in words(clause.lower())
    )


_EXCEPTION_PHRASE = re.compile(
    r"(?<!\w)(?:besides|apart from|aside from|other than|except(?: for)?|instead of|außer|ausser|abgesehen von|"
    r"(?:an)?statt|anstelle von)(?!\w)[^,;:]*",
    re.IGNORECASE,
)


def alternatives_only_in_exception(body: str, lexicon: Lexicon) -> bool:
    """ "Have you tried anything else, besides changing the time or the subject line?": the alternatives stand in a
    phrase that sets them aside (besides, other than, außer, statt …); the question asks about something else."""
    conjunction = lexicon.alternative_conjunction
    if conjunction not in words(body.lower()) or not _EXCEPTION_PHRASE.search(body):
        return False
    return conjunction not in words(_EXCEPTION_PHRASE.sub(" ", body).lower())


def _without_shared_complement(first: str, last: str, lexicon: Lexicon) -> str:
    """shared_complement: "Is Python or JavaScript the better first language?" names "Python" and
    "JavaScript"; what follows the last alternative, from a new article or preposition on, belongs
    to both. Only when the last alternative is longer than the first."""
    first_tokens, last_tokens = first.split(), last.split()
    for index in range(max(1, len(first_tokens)), len(last_tokens)):
        token = last_tokens[index].lower()
        if token in lexicon.articles or token in lexicon.prepositions:
            return " ".join(last_tokens[:index])
    return last


def _is_negated(clause: str, lexicon: Lexicon) -> bool:
    lowered = clause.lower()
    return any(token.lower() in lexicon.negations for token in words(clause)) or "n't" in lowered


def _drop_question_frame(clause: str, lexicon: Lexicon) -> str:
    """"have you moved to written updates" -> "moved to written updates" (auxiliary + subject dropped)."""
    tokens = clause.split()
    if (
        len(tokens) > 2
        and tokens[0].lower() in lexicon.finite_auxiliaries
        and tokens[1].lower() in (lexicon.subject_pronouns | lexicon.reader_pronouns)
    ):
        tokens = tokens[2:]
    return _clean_option(" ".join(tokens), lexicon)


def _parallel_or_scanned(left_tokens: list[str], right: str, lexicon: Lexicon) -> str:
    right_tokens = right.split()
    if right_tokens:
        lead_word = right_tokens[0].lower()
        for index in range(len(left_tokens) - 1, 0, -1):
            if left_tokens[index].lower() == lead_word:
                return " ".join(left_tokens[index:])
        if lead_word in lexicon.articles:  # "ein Navi oder eine Papierkarte": an article answers an article
            for index in range(len(left_tokens) - 1, 0, -1):
                if left_tokens[index].lower() in lexicon.articles:
                    return " ".join(left_tokens[index:])
    stops = lexicon.alternative_stops | lexicon.reader_pronouns
    if right_tokens and not {token.lower() for token in right_tokens} & lexicon.prepositions:
        # "ride with clipless pedals or flat pedals": "with" governs both (not "in March or wait until summer")
        stops = stops | lexicon.prepositions
    index = len(left_tokens)
    while index > 1 and left_tokens[index - 1].lower().strip(",") not in stops:
        index -= 1
    return " ".join(left_tokens[index:])


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


_POSSESSION = frozenset("habt hast haben have got".split())


def asks_for_kinds_owned(clause: str, alternatives: list[str], lexicon: Lexicon) -> bool:
    """ "Habt ihr Vorsätze oder spezielle Ziele für das neue Jahr?": having either kind of thing, named by bare
    nouns, is one yes or no; "Hast du das Buch gelesen oder nur die Serie gesehen?" names two things to choose."""
    tokens = [token.lower() for token in words(clause)]
    if len(tokens) < 3 or tokens[0] not in _POSSESSION or tokens[1] not in lexicon.reader_pronouns | {"ihr"}:
        return False
    determiners = lexicon.articles | lexicon.numerals
    return all(
        not ({token.lower() for token in words(option)} & determiners) and word_count(option) <= 3
        for option in alternatives
    )
