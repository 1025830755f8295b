"""Short labels for the options of a choice poll (issue 10, eighth round).

A choice poll's options are what the reader picks from: "Zu langsam" / "Auf dem richtigen Weg", not the two whole
clauses "Geht diese Entwicklung eindeutig zu langsam voran" / "sind wir auf dem richtigen Weg". When an option is a
clause of its own — it opens with its finite verb — the clause's frame is dropped: the verb, its subject (a pronoun,
or a determiner and the words up to the noun), German sentence adverbs and modal particles, and a separable verb
particle left at its end. What remains is the named alternative. An option that is no clause ("ein Navi", "Dänemark")
is left as it is, and so is one whose frame is all there is.

`short_labels` takes the options and a `Lexicon` and returns the labels, each tested on written sentences
(tests/questions/test_audience.py).
"""

from __future__ import annotations

from bot.questions import grammar
from bot.questions.lexicon import Lexicon

_DETERMINERS = frozenset(
    "der die das den dem des ein eine einen einem einer eines diese dieser dieses diesen diesem unsere unser unseren "
    "unserem eure euer euren deine dein deinen meine mein meinen "
    "the a an this that these those our your my their his her its today's".split()
)
# sentence adverbs and modal particles that frame rather than name (English keeps "just for fun", drops "rather")
_FRAME_ADVERBS_DE = frozenset("eindeutig wirklich eher denn doch eigentlich etwa vielleicht tatsächlich auch schon noch".split())
_FRAME_ADVERBS_EN = frozenset("rather".split())  # "would you rather stay in the city"
_PARTICLES_DE = frozenset("voran an aus vor mit zu ab auf ein nach weg zurück fest hin her".split())


def short_label(option: str, lexicon: Lexicon) -> str:
    """The named alternative of one option (see the module's docstring)."""
    tokens = option.split()
    german = lexicon.language == "de"
    if len(tokens) < 3 or not grammar.is_verb_first(option, lexicon):
        return option
    if not german and tokens[0].lower() not in lexicon.finite_auxiliaries:
        return option  # "give it away": an English clause of its own opens with an auxiliary ("would you …")
    rest = tokens[1:]  # the finite verb
    lowered = [token.lower().strip(",") for token in rest]
    if lowered and (lowered[0] in lexicon.subject_pronouns or lowered[0] in lexicon.reader_pronouns):
        rest, lowered = rest[1:], lowered[1:]
        if tokens[0].lower() in ("do", "does", "did") and len(lowered) > 1 and lowered[1] in _DETERMINERS:
            rest, lowered = rest[1:], lowered[1:]  # "do you use a GPS": the main verb after do-support goes too
    elif lowered and lowered[0] in _DETERMINERS:
        # the subject: a determiner and the words up to its noun (German: the first capitalised word)
        end = next(
            (index for index, token in enumerate(rest[1:], start=1) if (token[:1].isupper() if german else _ends_noun(lowered, index))),
            None,
        )
        if end is None:
            return option
        rest, lowered = rest[end + 1 :], lowered[end + 1 :]
    else:
        return option
    while lowered and lowered[0] in (_FRAME_ADVERBS_DE if german else _FRAME_ADVERBS_EN):
        rest, lowered = rest[1:], lowered[1:]
    if german and len(rest) > 1 and lowered[-1] in _PARTICLES_DE and rest[-1].islower():  # "voran", not "Weg"
        rest = rest[:-1]
    label = " ".join(rest).strip(" ,")
    return label if label and grammar.word_count(label) >= 1 else option


def _ends_noun(lowered: list[str], index: int) -> bool:
    """English: the subject's noun is the last word before an adverb, a preposition or an article ("today's hidden
    gem | just for fun")."""
    following = lowered[index + 1] if index + 1 < len(lowered) else ""
    return following in _ADVERBS_EN or following in _PREPOSITIONS_EN or following in ("a", "an", "the")


_ADVERBS_EN = frozenset("just only really still simply more mostly mainly merely actually".split())
_PREPOSITIONS_EN = frozenset("for to in on at with about from by of".split())


def short_labels(options: tuple[str, ...] | list[str], lexicon: Lexicon) -> tuple[str, ...]:
    """`short_label` for every option, the shared verb left out of the last (`without_closing_verb`), and a first
    option cut to the one word that answers a one-word second (`parallel_to_one_word`)."""
    labels = [short_label(option, lexicon) for option in options]
    if lexicon.language == "de" and len(labels) >= 2:
        labels[-1] = without_closing_verb(labels[0], labels[-1])
    if len(labels) == 2:
        labels[0] = parallel_to_one_word(labels[0], labels[1])
    return tuple(harmonised(labels, lexicon))


_INFINITIVE_MARKERS = frozenset("to zu".split())
_CLAUSE_AFTER = frozenset("while when während wenn sobald falls if".split())


def harmonised(labels: list[str], lexicon: Lexicon) -> list[str]:
    """What the alternatives share, said once in the question and not on the buttons: a preference adverb ("eher
    ordentlich" -> "ordentlich"), an infinitive marker all of them open with ("to invest"), a clause or complement after
    the last one ("nothing at all while you work", "Go für das erste Backend"), a noun the first one leaves to the last
    ("kurze oder lange Haare" -> "kurze Haare"; "mit oder ohne Sahne" -> "mit Sahne"), and a noun that heads the first
    before the phrase the others answer with ("Urlaub am Meer oder in den Bergen" -> "am Meer")."""
    labels = [_without_leading(label, grammar.PREFERENCE_ADVERBS) for label in labels]
    if len(labels) >= 2 and all(label.split()[0].lower() in _INFINITIVE_MARKERS for label in labels if label.split()):
        labels = [_without_leading(label, _INFINITIVE_MARKERS) for label in labels]
    if len(labels) >= 2:
        labels[-1] = _without_trailing_share(labels[-1], labels[:-1], lexicon)
        labels[0] = _with_shared_noun(labels[0], labels[-1], lexicon)
        labels[0] = _without_leading_head(labels[0], labels[1:], lexicon)
    return labels


def _without_leading(label: str, words: frozenset[str]) -> str:
    tokens = label.split()
    return " ".join(tokens[1:]) if len(tokens) > 1 and tokens[0].lower() in words else label


def _without_trailing_share(last: str, others: list[str], lexicon: Lexicon) -> str:
    tokens = last.split()
    for index, token in enumerate(tokens[1:], start=1):
        if token.lower() in _CLAUSE_AFTER:
            return " ".join(tokens[:index])  # "nothing at all while you work"
    longest = max((len(other.split()) for other in others), default=0)
    if longest > 1 or len(tokens) <= longest + 2:
        return last  # only after one-word alternatives (names) is a long last one surely longer than what it names
    for index in range(max(1, longest), len(tokens)):
        if tokens[index].lower() in lexicon.prepositions:
            return " ".join(tokens[:index])  # "Go für das erste Backend", "something else entirely for your project"
    return last


def _with_shared_noun(first: str, last: str, lexicon: Lexicon) -> str:
    first_tokens, last_tokens = first.split(), last.split()
    if len(last_tokens) != 2:
        return first
    if first_tokens and first_tokens[-1].lower() in lexicon.prepositions and last_tokens[0].lower() in lexicon.prepositions:
        return f"{first_tokens[-1]} {last_tokens[1]}"  # "Apfelstrudel mit" / "ohne Sahne" -> "mit Sahne"
    noun = last_tokens[1]
    if (lexicon.language == "de" and len(first_tokens) == 1 and first.isalpha() and first.islower()
            and last_tokens[0].islower() and noun[:1].isupper()):
        return f"{first} {noun}"  # "kurze" / "lange Haare" -> "kurze Haare" (German: the capital marks the noun)
    return first


def _without_leading_head(first: str, others: list[str], lexicon: Lexicon) -> str:
    tokens = first.split()
    if len(tokens) < 3 or tokens[1].lower() not in lexicon.prepositions or tokens[0].lower() in lexicon.prepositions:
        return first  # "von zu Hause" keeps its "von"
    if all(other.split() and other.split()[0].lower() in lexicon.prepositions for other in others):
        return " ".join(tokens[1:])  # "Urlaub am Meer" / "in den Bergen" -> "am Meer"
    return first


def parallel_to_one_word(first: str, second: str) -> str:
    """ "Gießt ihr eure Beete morgens oder abends?" offers "morgens" and "abends", and "Do you water your plants daily
    or weekly?" "daily" and "weekly": when the second alternative is one word in lower case (no name, and in German no
    noun), the first is the one word at its end in lower case too; what comes before it is the object both share.
    "Kaffee mit Milch oder schwarz" keeps "Kaffee mit Milch", whose last word is a noun."""
    tokens = first.split()
    if len(tokens) < 2 or len(second.split()) != 1 or not second.isalpha() or not second.islower():
        return first
    last = tokens[-1]
    return last if last.isalpha() and last.islower() else first


def without_closing_verb(first: str, last: str) -> str:
    """German puts the verb at the end of the clause, after the last alternative, where it belongs to all of them:
    "Würdet ihr eher mehr Urlaub oder mehr Gehalt nehmen?" offers "mehr Urlaub" and "mehr Gehalt", and "am Meer oder
    in den Bergen wohnen" "am Meer" and "in den Bergen". Dropped when the other side ends in a noun, the last side in a
    noun and then a lower-case word with a verb's ending (-en, -n, -t); "mild oder richtig kalt" keeps its adjective."""
    first_tokens, tokens = first.split(), last.split()
    if len(tokens) < 2 or not first_tokens or not first_tokens[-1][:1].isupper() or not tokens[-2][:1].isupper():
        return last
    verb = tokens[-1]
    if verb.isalpha() and verb.islower() and verb.endswith(("en", "n", "t")):
        return " ".join(tokens[:-1])
    return last


def without_closing_infinitive(question: str, last: str, lexicon: Lexicon) -> str:
    """ "Sollten Kinder ihr Taschengeld wöchentlich oder monatlich bekommen?": after a modal that opens the question,
    the infinitive at the end belongs to every alternative ("monatlich", not "monatlich bekommen")."""
    opening = (grammar.words(question) or [""])[0].lower()
    tokens = last.split()
    if lexicon.language != "de" or opening not in grammar.MODALS_DE or len(tokens) != 2:
        return last
    verb = tokens[-1]
    return tokens[0] if verb.isalpha() and verb.islower() and verb.endswith("en") and not tokens[0][:1].isupper() else last


def pair_labels(question: str, alternative: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The two labels of an alternative_question: the question's own clause (its lead-in dropped: "Was meint ihr:
    Geht …?") and the other side the next sentence offers ("Oder sind wir …?"), each shortened."""
    return short_labels((grammar.core_clause(question, lexicon).rstrip(" ?!"), alternative), lexicon)
