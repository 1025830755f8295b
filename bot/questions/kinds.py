"""What kind of poll a question makes: yes/no, a choice between the alternatives it names, or open (the reader's own
words), with the options to show.
"""

from __future__ import annotations

from bot.questions import alternatives, grammar, leadins, options
from bot.questions.fit import fit_options
from bot.questions.lexicon import Lexicon
from bot.questions.model import PollKind

_YES_NO_WORDS = frozenset({"yes", "no", "ja", "nein", "not sure", "maybe", "vielleicht"})


def classify(text: str, lexicon: Lexicon) -> tuple[PollKind, tuple[str, ...], str]:
    """The kind of poll a question makes, its options, and the rule that decided (named in `finder.RULES`)."""
    text = leadins.without_generic_turn(text)
    body = grammar.question_body(text)
    if grammar.strip_confirmation_tag(body, lexicon) is not None:
        return PollKind.YES_NO, lexicon.yes_no_options, "confirmation_tag"
    named = alternatives.named_alternatives(text, lexicon)
    clause = grammar.core_clause(text, lexicon)
    if not named and clause != body and not grammar.asks_to_name(clause, lexicon):
        # "For the April walk, would you rather we repeat X or try Y?": the clause names them
        named = alternatives.named_alternatives(clause + "?", lexicon)
    if named and {option.casefold() for option in named[-2:]} <= _YES_NO_WORDS:
        # "Off-the-rack dresses: Yes or no?", "So settle it: beans in chili, yes or no?" (the thing voted on first)
        return PollKind.YES_NO, lexicon.yes_no_options, "verb_first"
    if named and leadins.alternatives_are_input(named) and leadins.asks_for_input(clause, lexicon):
        return PollKind.OPEN, (), "asks_for_input"  # "Do you have any inspiration or ideas for me?": the ideas
    if named and leadins.asks_for_input(clause, lexicon) and leadins.input_named_before(clause, named[0]):
        return PollKind.OPEN, (), "asks_for_input"  # "Have thoughts on these or my analysis?": the thoughts
    if named and alternatives.asks_for_kinds_owned(clause, named, lexicon):
        return PollKind.YES_NO, lexicon.yes_no_options, "verb_first"  # "Habt ihr Vorsätze oder Ziele?"
    if named and alternatives.asks_about_experience(clause, named, lexicon):
        return PollKind.YES_NO, lexicon.yes_no_options, "verb_first"  # "Have you ever built a PC or …?"
    if (
        named
        and not alternatives.alternatives_only_in_topic(body, clause, lexicon)
        and not alternatives.alternatives_only_in_condition(body, clause, lexicon)
        and not alternatives.alternatives_only_in_exception(body, lexicon)
    ):
        if named == alternatives.two_clauses(text, lexicon):  # "packt … ein" / "lasst … einpacken": verbs kept
            return PollKind.CHOICE, tuple(named), "named_alternatives"
        named = [*named[:-1], options.without_closing_infinitive(text, named[-1], lexicon)]
        return PollKind.CHOICE, options.short_labels(named, lexicon), "named_alternatives"
    if grammar.is_wh_question(clause, lexicon):
        return PollKind.OPEN, (), "wh_question"
    if grammar.asks_to_name(clause, lexicon):
        return PollKind.OPEN, (), "naming_question"  # "Can you think of …?": answered by naming it
    if grammar.is_verb_first(clause, lexicon):
        if leadins.asks_for_input(clause, lexicon):
            return PollKind.OPEN, (), "asks_for_input"  # "Habt ihr Tipps?": the tips are asked for
        return PollKind.YES_NO, lexicon.yes_no_options, "verb_first"
    if leadins.asks_for_input(clause, lexicon):
        return PollKind.OPEN, (), "asks_for_input"  # "Any suggestions to make it better?"
    return PollKind.YES_NO, lexicon.yes_no_options, "declarative_question"


def alternative_after(question: str, next_sentence: str, lexicon: Lexicon) -> tuple[str, ...] | None:
    """alternative_question: the next sentence offers the other answer as a question of its own ("Geht das zu
    langsam? Oder sind wir auf dem richtigen Weg?", "Would you wear a gown? Or does it have to be bridal?"): the
    pair is a choice between the two, not a yes or no. None (a yes/no poll stays) when the options do not fit Discord."""
    alternative = leadins.alternative_after(next_sentence, lexicon)
    if not alternative or lexicon.alternative_conjunction in grammar.words(question.lower()):
        return None  # "Habt ihr Vorsätze oder Ziele? Oder …?": a third way after a pair, no one other side
    labels = fit_options(options.pair_labels(question, alternative, lexicon))
    return labels if len(labels) >= 2 else None


def options_listed_after(next_sentence: str, lexicon: Lexicon) -> tuple[str, ...] | None:
    """listed_options: the next sentence lists the answers to pick from as a question of its own, with no frame
    ("What would make you switch brands? Price, sound, or something else?", "Welche Plattform nutzt ihr? Android,
    iOS oder etwas anderes?"): the W-question before it is one choice poll with those options."""
    following = next_sentence.strip()
    lead, colon, _ = following.partition(": ")
    if colon and grammar.word_count(lead) > 3:
        return None  # "…, die Gretchenfrage zum Schluss: A oder B?": a question of its own, not this one's options
    if (not following.endswith("?") or grammar.is_wh_question(following, lexicon)
            or grammar.is_verb_first(following, lexicon) or grammar.addresses_reader(following, lexicon)):
        return None
    named = alternatives.named_alternatives(following, lexicon)
    labels = fit_options(options.short_labels(named, lexicon)) if named else ()
    return labels if len(labels) >= 2 else None
