"""The alternatives a question names ("A, B oder C?"), which make it a choice, and the shapes in which named
alternatives do not (a range, a condition, an exception, kinds of things owned).

Like `grammar`, every public function is one named rule from the finder's rule list (`finder.RULES`), taking plain
strings and a `Lexicon`.
"""

from __future__ import annotations

import re

from bot.questions.grammar import (
    CLAUSE_OPENERS,
    MODALS_DE,
    PREFERENCE_ADVERBS,
    addresses_reader,
    is_verb_first,
    is_wh_question,
    question_body,
    strip_confirmation_tag,
    word_count,
    words,
)
from bot.questions.lexicon import Lexicon
from bot.questions.sentences import enclosed_mask

_SEPARATORS = re.compile(r":\s|\s[–—-]\s")  # "Lead: A or B", "A or B – which …"


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
    return tokens[0].lower() not in CLAUSE_OPENERS and tokens[0].lower() not in lexicon.wh_words


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


def _object_of_question_frame(lead: str, lexicon: Lexicon) -> str | None:
    """ "Would you rather keep it" -> "keep it", "Trinkt ihr lieber Tee" -> "Tee": the first alternative
    of a list that a verb-first question opens; None unless a short remainder is left."""
    tokens = lead.split()
    if len(tokens) < 3 or tokens[1].lower() not in (lexicon.subject_pronouns | lexicon.reader_pronouns):
        return None
    rest = tokens[2:]
    while rest and rest[0].lower() in PREFERENCE_ADVERBS:
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


_POSSESSIVES_EN = frozenset("my your our their his her its".split())
_CATCH_ALL_EN = frozenset({"something else", "anything else", "neither", "both", "none", "none of them", "other",
                           "another", "none of the above", "all of them", "something different"})


def _names_a_thing(option: str, lexicon: Lexicon) -> bool:
    """A proper name ("Linux", "macOS", "Disney+") or a noun phrase opened by an article, a numeral or a
    possessive ("a Kindle", "my own"): what a shared verb takes as its object, never a verb phrase of its own."""
    tokens = option.split()
    if not tokens or len(tokens) > 3:
        return False
    first = tokens[0]
    return (any(character.isupper() for character in first) or first.lower() in lexicon.articles
            or first.lower() in lexicon.numerals or first.lower() in _POSSESSIVES_EN or first[0].isdigit())


def _without_shared_verb(first: str, others: list[str], lead: str, lexicon: Lexicon) -> str:
    """ "Do you use Linux, Windows or macOS?" -> "Linux", not "use Linux": in an English question that opens with
    an auxiliary and the reader ("Do you", "Would you", "Are you"), the main verb after the reader is shared by
    every alternative when the alternatives are names or noun phrases. A verb that opens each alternative stays
    ("Would you rather keep it, give it away or send it back?"). German puts the verb before the reader, where
    the first alternative never includes it."""
    first_tokens = first.split()
    if not _opens_with_shared_verb(first, lead, lexicon):
        return first
    rest = " ".join(first_tokens[1:])
    others = [other for other in others if other]
    if others and others[0].split()[0].lower() == first_tokens[1].lower():
        return rest  # "Do you work from home, from the office, or both?": the same opening word after the verb
    closing = others[-1] if others else ""
    named = others[:-1] + ([] if closing.casefold() in _CATCH_ALL_EN else [closing])
    if not named:
        return first
    if all(_names_a_thing(other, lexicon) for other in named) and _names_a_thing(rest, lexicon):
        return rest
    prepositions = lexicon.prepositions
    opens_with_preposition = [other.split()[0].lower() in prepositions for other in named]
    if first_tokens[1].lower() in prepositions:
        if all(opens_with_preposition):
            return rest  # "Do you prefer working from home or in the office?" -> "from home"
        if len(first_tokens) > 2 and not any(opens_with_preposition):
            return " ".join(first_tokens[2:])  # "Do you cook on gas, induction or …?" -> "gas": "on" governs all
    if all(len(other.split()) == len(first_tokens) - 1 for other in named):
        return rest  # "Do you eat meat or fish?" -> "meat": as long as the others once the verb is gone
    return first


def _opens_with_shared_verb(first: str, lead: str, lexicon: Lexicon) -> bool:
    """An English first alternative that opens with the main verb after "Do you" / "Would you" …, which every
    alternative shares ("use screws or nails")."""
    lead_tokens, first_tokens = lead.split(), first.split()
    return (
        lexicon.language == "en"
        and len(lead_tokens) >= 4
        and lead_tokens[0].lower() in lexicon.finite_auxiliaries
        and lead_tokens[1].lower() in lexicon.reader_pronouns
        and len(first_tokens) >= 2
        and first_tokens[0] == lead_tokens[2]
        and first_tokens[0].isalpha()
        and first_tokens[0].islower()
        and first_tokens[0] not in lexicon.articles | lexicon.prepositions | lexicon.numerals | _POSSESSIVES_EN
    )  # "are you a leisure rider or …": an article, no verb


def _first_in_lead(lead: str, second: str, lexicon: Lexicon) -> str | None:
    """The first alternative of a list at the end of a question's lead, when the frames above found none (the list
    would otherwise lose it: "Schaut ihr die EM lieber zu Hause, in der Kneipe oder …?"): from the word that opens the
    next alternative too ("in ETFs, in Einzelaktien"), after a preference adverb ("lieber zu Hause"), the last word
    after a preposition the next alternative leaves out ("über Booking, Airbnb"), as many words as the next one
    ("monthly, weekly"), or all that follows the verb and its subject ("scrap homework, cut it back"). At most four
    words, and never the question's opening verb or its subject."""
    tokens = lead.split()
    if not is_verb_first(lead, lexicon) or len(tokens) < 3:
        return None
    frame = 2  # the verb and its subject
    second_tokens = second.split()
    found = _same_opening(tokens[frame:], second, lexicon)
    if found is None:
        adverb = max((index for index, token in enumerate(tokens) if token.lower() in PREFERENCE_ADVERBS), default=-1)
        if adverb >= frame and len(tokens) - adverb - 1 >= 1:
            found = " ".join(tokens[adverb + 1 :])
        elif len(tokens) - frame >= 2 and tokens[-2].lower() in lexicon.prepositions and _names_a_thing(second, lexicon) and (
            second_tokens[0].lower() not in lexicon.prepositions
        ):
            found = tokens[-1]
        elif second_tokens and len(tokens) - frame > len(second_tokens):
            found = " ".join(tokens[-len(second_tokens) :])
        else:  # "Sollten Hausaufgaben abgeschafft, reduziert oder …", "Should schools scrap homework, cut it back …"
            found = " ".join(tokens[frame:])
    if not found or word_count(found) > 4:
        return None
    return _clean_option(found, lexicon)


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
        return _listed_before_question(body, lexicon)
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
        items = [_before_relative_clause(item) if lexicon.language == "en" else item for item in items]
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
                    or _bare_first_item(lead, lexicon)
                    or _first_by_article(lead, rest[0], lexicon)
                    or _first_in_lead(lead, rest[0], lexicon))
                if first:  # "Would you rather keep it, give it away or send it back?"
                    items = [_without_shared_verb(first, items, lead, lexicon)] + items
                return items if _valid_list(items, 5, lexicon) else None
            if is_wh_question(lead, lexicon):
                return None
            if _writer_doubts_after_reader(lead, right_option, lexicon):
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
    if _writer_doubts_after_reader(left, right_option, lexicon):
        return None
    left_tokens = left.split()
    if clauses := two_clauses(question, lexicon):  # it asks for a verb-first question itself
        return clauses
    if is_verb_first(body, lexicon):
        first_option = _parallel_or_scanned(left_tokens, right_option, lexicon)
        if not first_option and len(left_tokens) >= 2 and left_tokens[-2].lower() in lexicon.prepositions:
            # "Would you buy one for yourself or a family member": the preposition belongs to both
            first_option = " ".join(left_tokens[-2:])
            if right_option and right_option.split()[0].lower() not in lexicon.prepositions:
                right_option = f"{left_tokens[-2]} {right_option}"
        shared_verb = _opens_with_shared_verb(first_option, left, lexicon)  # "use screws or nails to build …"
        right_option = _without_shared_complement(first_option, right_option, lexicon, shared_verb)
        first_option = _without_shared_verb(first_option, [right_option], left, lexicon)
    else:
        first_option = " ".join(left_tokens)
    items = [_clean_option(first_option, lexicon), right_option]
    return items if _valid(items, 12, lexicon) else None


_PERFECT_AUXILIARIES_DE = frozenset("habt hast seid bist".split())  # framing when a participle ends the clause


def two_clauses(question: str, lexicon: Lexicon) -> list[str] | None:
    """two_clauses: a verb-first question whose one "oder"/"or" joins two clauses, each side an alternative as a whole
    (`_two_clauses`). Its labels are final: they keep their verbs, which `options.short_label` would drop."""
    body = question_body(question)
    disjunctions = _disjunctions(body, lexicon)
    if len(disjunctions) != 1 or not is_verb_first(body, lexicon) or strip_confirmation_tag(body, lexicon) is not None:
        return None
    conjunction = disjunctions[0]
    left, right = body[: conjunction.start()], _trim_trailing_clause(body[conjunction.end() :], lexicon)
    if "," in left or any(_top_level(body)[m.start()] for m in _SEPARATORS.finditer(body)):
        return None
    right_option = _clean_option(right, lexicon)
    if _is_negated(right_option, lexicon) or _writer_doubts_after_reader(left, right_option, lexicon):
        return None
    clauses = _two_clauses(left.split(), right_option.split(), lexicon)
    return clauses if clauses and _valid(clauses, _CLAUSE_WORDS, lexicon) else None


_CLAUSE_WORDS = 6  # longer sides are read by parallelism instead: a button names an alternative, it does not retell it


def _two_clauses(left: list[str], right: list[str], lexicon: Lexicon) -> list[str] | None:
    """"Packt ihr Geschenke selbst ein oder lasst ihr sie im Laden einpacken?", "Do you wrap gifts yourself
    or have them wrapped in the shop?": after the reader's question the other side opens a clause of its own (its own
    verb, and in German the same subject again), so each side is an alternative as a whole, without the reader:
    "packt Geschenke selbst ein" / "lasst sie im Laden einpacken", "wrap gifts yourself" / "have them wrapped in the
    shop". An auxiliary or modal that only frames the clause goes with its subject ("Würdet ihr umsteigen" ->
    "umsteigen"). None for other shapes, which the parallelism of `_parallel_or_scanned` reads."""
    if len(left) < 3 or len(right) < 2:
        return None
    subject = left[1].lower()
    if subject not in lexicon.subject_pronouns | lexicon.reader_pronouns:
        return None
    verb = right[0].lower()
    if not right[0].isalpha() or not right[0].islower() or verb in lexicon.articles or verb in lexicon.prepositions:
        return None
    if right[1].lower() == subject:
        other = _without_subject(right, lexicon)
    elif lexicon.language == "en" and verb in lexicon.finite_auxiliaries and right[1].lower() not in lexicon.subject_pronouns:
        other = " ".join(right)  # "have them wrapped in the shop": the reader left out after "or"
    else:
        return None
    return [_without_subject(left, lexicon), _clean_option(other, lexicon)]


def _without_subject(clause: list[str], lexicon: Lexicon) -> str:
    """A verb-first clause without its subject; the verb goes too when it only frames (English auxiliaries, German
    modals and auxiliaries)."""
    verb = clause[0].lower()
    if lexicon.language == "en":
        framing = verb in lexicon.finite_auxiliaries
    else:  # "habt ihr … gelebt" frames, "habt ihr eine andere Meinung" names
        framing = verb in MODALS_DE or (verb in _PERFECT_AUXILIARIES_DE and clause[-1].isalpha() and clause[-1].islower())
    kept = clause[2:] if framing else [verb, *clause[2:]]
    return _clean_option(" ".join(kept), lexicon)


def _listed_before_question(body: str, lexicon: Lexicon) -> list[str] | None:
    """ "Vim, Emacs, VS Code – which one is your daily driver?": three or more short names listed without "or" before a
    dash or colon, then the question that asks which; the names are the alternatives."""
    top = _top_level(body)
    separator = next((m for m in _SEPARATORS.finditer(body) if top[m.start()]), None)
    if separator is None or not is_wh_question(body[separator.end() :].strip(), lexicon):
        return None
    items = [_clean_option(part, lexicon) for part in body[: separator.start()].split(",")]
    return items if len(items) >= 3 and _valid(items, 3, lexicon) else None


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


def _without_shared_complement(first: str, last: str, lexicon: Lexicon, shared_verb: bool = False) -> str:
    """shared_complement: "Is Python or JavaScript the better first language?" names "Python" and
    "JavaScript"; what follows the last alternative, from a new article or preposition on, belongs
    to both. Only when the last alternative is longer than the first."""
    first_tokens, last_tokens = first.split(), last.split()
    for index in range(max(1, len(first_tokens) - shared_verb), len(last_tokens)):
        token = last_tokens[index].lower()
        if index < len(first_tokens) and len(last_tokens) - index < 2:
            continue  # "go out or stay in": a particle, not a complement both share
        if token in lexicon.articles or token in lexicon.prepositions:
            return " ".join(last_tokens[:index])
    return last


def _subject_after_verb(clause: str, lexicon: Lexicon) -> str | None:
    """The pronoun after the opening verb of a verb-first clause ("Seht ihr …" -> "ihr", "am I …" -> "i")."""
    tokens = [token.lower() for token in words(clause)]
    if len(tokens) < 2 or not is_verb_first(clause.strip(), lexicon):
        return None
    return tokens[1]


def _writer_doubts_after_reader(left: str, right: str, lexicon: Lexicon) -> bool:
    """ "Do you agree, or am I missing something?", "Seht ihr das auch so, oder irre ich mich?": the reader is asked,
    then the writer doubts themself; that is one yes or no, not two alternatives to pick from."""
    asked = _subject_after_verb(left, lexicon)
    doubting = _subject_after_verb(right, lexicon)
    readers = lexicon.reader_pronouns | {pronoun.lower() for pronoun in lexicon.polite_pronouns} | {"ihr"}  # "Sind Sie …"
    return asked in readers and doubting in lexicon.first_person_singular


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
        if len(tokens) > 1 and tokens[0].lower() == "ever":
            tokens = tokens[1:]  # "have you ever fixed it" -> "fixed it"
    return _clean_option(" ".join(tokens), lexicon)


def _same_opening(left_tokens: list[str], right: str, lexicon: Lexicon) -> str | None:
    """The first alternative found by parallelism: from the last word of the lead that also opens the next
    alternative ("mit dem Zug oder mit dem Auto"), or from an article answering its article ("ein Navi oder eine
    Papierkarte", "on a Kindle, a Kobo or …")."""
    right_tokens = right.split()
    if not right_tokens:
        return None
    lead_word = right_tokens[0].lower()
    for index in range(len(left_tokens) - 1, 0, -1):
        if left_tokens[index].lower() == lead_word:
            return " ".join(left_tokens[index:])
    if lead_word in lexicon.articles:
        for index in range(len(left_tokens) - 1, 0, -1):
            if left_tokens[index].lower() in lexicon.articles:
                return " ".join(left_tokens[index:])
    return None


def _first_by_article(lead: str, second: str, lexicon: Lexicon) -> str | None:
    """"Do you read on a Kindle, a Kobo or paper books?": a first alternative too long for the question frame,
    found where its article answers the next one's (English; without it the list would lose its first
    alternative)."""
    if lexicon.language != "en" or not is_verb_first(lead, lexicon) or not second.split():
        return None
    if second.split()[0].lower() not in lexicon.articles:
        return None
    first = _same_opening(lead.split(), second, lexicon)
    return first if first and word_count(first) <= 4 else None


def _parallel_or_scanned(left_tokens: list[str], right: str, lexicon: Lexicon) -> str:
    same = _same_opening(left_tokens, right, lexicon)
    if same:
        return same
    right_tokens = right.split()
    stops = lexicon.alternative_stops | lexicon.reader_pronouns
    adjective = lexicon.language == "de" and len(right_tokens) == 1 and right_tokens[0].islower()
    if right_tokens and not {token.lower() for token in right_tokens} & lexicon.prepositions and not adjective:
        # "ride with clipless pedals or flat pedals": "with" governs both (not "in March or wait until summer"; and
        # not "Kaffee mit Milch oder schwarz", where the other side is no noun)
        stops = stops | lexicon.prepositions
    index = len(left_tokens)
    while index > 1 and left_tokens[index - 1].lower().strip(",") not in stops:
        index -= 1
    return " ".join(left_tokens[index:])


_EVER = frozenset("ever jemals je".split())
_EVER_PHRASES = ("schon mal", "schon einmal", "überhaupt schon")


def asks_about_experience(clause: str, alternatives: list[str], lexicon: Lexicon) -> bool:
    """ "Have you ever built a PC or upgraded a graphics card yourself?", "Habt ihr schon mal Sushi oder Ramen selbst
    gemacht?": whether the reader has ever done either; the alternatives are examples of one experience, so the poll
    is yes or no. Only when "ever"/"schon mal" stands before the first alternative, in a question to the reader, and
    the other side is no question of its own."""
    lowered = clause.lower()
    at = lowered.find(alternatives[0].lower()) if alternatives else -1
    if at <= 0 or not addresses_reader(clause, lexicon) or not is_verb_first(clause, lexicon):
        return False
    conjunction = f" {lexicon.alternative_conjunction} "
    after = lowered.rsplit(conjunction, 1)[1] if conjunction in lowered else ""
    if _subject_after_verb(after, lexicon) is not None:
        return False  # "Have you ever fixed it yourself, or did you call in a pro?": the other side asks again
    before = lowered[:at] + " " + (words(alternatives[0].lower()) or [""])[0]  # "ever built a PC" starts with it
    return bool(set(words(before)) & _EVER) or any(phrase in before for phrase in _EVER_PHRASES)


_POSSESSION = frozenset("habt hast haben have got".split())


def asks_for_kinds_owned(clause: str, alternatives: list[str], lexicon: Lexicon) -> bool:
    """ "Habt ihr Vorsätze oder spezielle Ziele für das neue Jahr?": having either kind of thing, named by bare
    nouns, is one yes or no ("Do you have kids or grandkids who …?" too); "Hast du das Buch gelesen oder nur die Serie
    gesehen?" names two things to choose."""
    tokens = [token.lower() for token in words(clause)]
    if len(tokens) > 3 and tokens[0] in ("do", "did") and tokens[2] in ("have", "got"):
        tokens = [tokens[2], tokens[1], *tokens[3:]]  # "do you have" -> "have you"
    if len(tokens) < 3 or tokens[0] not in _POSSESSION or tokens[1] not in lexicon.reader_pronouns | {"ihr"}:
        return False
    determiners = lexicon.articles | lexicon.numerals
    return all(
        not ({token.lower() for token in words(head)} & determiners) and word_count(head) <= 3
        for head in (_before_relative_clause(option) for option in alternatives)
    )


_RELATIVES = frozenset("who which that where die der das welche".split())


def _before_relative_clause(option: str) -> str:
    """"grandkids who already own a smartphone" -> "grandkids", "the short solo episodes where we focus on one tip" ->
    "the short solo episodes": what is named, without what is said of it."""
    tokens = option.split()
    cut = next((index for index, token in enumerate(tokens) if index and token.lower() in _RELATIVES), len(tokens))
    if tokens[cut - 1].lower() in ("one", "ones"):
        return option  # "the one that ships with your OS": the clause is all that names it
    return " ".join(tokens[:cut])
