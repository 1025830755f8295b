"""Lead-ins, hooks and conditions: questions to the reader that hand the turn to something else (fifth round).

A question can address the reader and stand in the closing and still not be left for the readers to answer:
it may only hand them the turn that the next question fills ("Wie sieht es bei euch aus? Habt ihr …?"), be the
condition of a call to contact the writer ("Habt ihr Ideen? Dann schreibt mir."), or ask whether the reader knows
a thing the writer then introduces ("Kennt ihr diese Briefe, die …? Sie liegen …"). The reverse happens too: a
short question to the readers right after an impersonal one hands that one to them ("Was gibt es sonst noch?
Habt ihr Tipps?"). A title can be a bare noun phrase with a question mark, a headline, not a question.

The weights of these signals are in `signals.SIGNALS`; every function takes plain strings and a `Lexicon`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.articles.model import Block
from bot.questions import audience, grammar
from bot.questions.lexicon import Lexicon
from bot.questions.signals import contains_phrase

_TRAILING = "\"'“”»«) "

_GENERIC_TURN = re.compile(
    r"\s*(?:(?:und|and|so|also|na|well)\s*,?\s+)?(?:"
    # "Wie sieht es bei euch aus?", "Und wie ist das bei dir so?", "Wie steht es mit Ihnen?"
    r"(?:wie|was)\s+(?:sieht|ist|steht)(?:'s|\s+(?:es|das))\s+(?:denn\s+)?(?:so\s+)?(?:bei|mit|in)\s+"
    r"(?:euch|dir|ihnen|(?:eure[mnr]?|deine[mnr]?|ihre[mnr]?)\s+\w+)"  # "… in Ihrem Unternehmen aus"
    r"(?:\s+(?:denn|so))*(?:\s+aus)?"
    # "What about you?", "How about you guys?", "And how is it for you?", "What about yours?"
    r"|(?:what|how)\s+about\s+(?:you|yours|yourself|yourselves|y'all)(?:\s+(?:guys|all|folks))?"
    # a vocative after the turn: "What about you, dear reader?", "How about you, my friends?"
    r"(?:\s*,?\s+(?:dear|my)\s+(?:readers?|friends?))?"
    r"|(?:how|what)\s+is\s+(?:it|that)\s+(?:like\s+)?(?:for|with)\s+you(?:\s+all)?"
    r")\s*[?!.]*\s*",
    re.IGNORECASE,
)


def is_generic_turn(text: str) -> bool:
    """A question to the reader that names no topic of its own ("Wie sieht es bei euch aus?", "What about you?"):
    it only says that it is now the readers' turn."""
    return _GENERIC_TURN.fullmatch(text.replace("’", "'").strip(_TRAILING)) is not None


_TURN_THEN_QUESTION = re.compile(r"(?P<turn>[^?:–—]{3,80}?)\s*(?::|\s[–—-])\s+(?P<question>\S.*)", re.DOTALL)


def without_generic_turn(text: str) -> str:
    """ "Wie sieht es in Ihrem Unternehmen aus – gilt bei Ihnen eine Präsenzpflicht?", "What about you: do you …?": a
    generic turn to the reader before a dash or colon hands the question over to what follows it, whose kind counts."""
    stripped = text.strip()
    lead, colon, rest = stripped.partition(": ")
    for candidate in (stripped, rest) if colon else (stripped,):  # "Ihre Meinung ist gefragt: Wie sieht es … aus – …?"
        match = _TURN_THEN_QUESTION.fullmatch(candidate)
        if match and is_generic_turn(match.group("turn")):
            return match.group("question")
    return text


def hands_over(text: str, next_in_paragraph: str, lexicon: Lexicon) -> bool:
    """hands_over: a generic turn to the reader that the next question in the same paragraph fills ("Und wie sieht es
    mit euch aus? Habt ihr gute Vorsätze?", "What about you? Do you keep a journal?"): the lead-in asks nothing a
    poll could offer, the question after it does. (Alone at the end, "Wie sieht es bei euch aus?" stays a question.)"""
    following = next_in_paragraph.strip().rstrip(_TRAILING)
    return (
        is_generic_turn(text)
        and following.endswith("?")
        and grammar.addresses_reader(following, lexicon)
    )


_IF_SO = re.compile(
    r"\s*(?:then|if so|if yes|if you do|in that case|dann|wenn ja|falls ja|in diesem fall)(?!\w)", re.IGNORECASE
)
# verbs and nouns of getting in touch with the writer (not of telling: "Dann verratet es mir", "Then let me know" ask
# for the answer itself)
_CONTACT = re.compile(
    r"(?<!\w)(?:schreib\w*|meld\w*|kontakt\w*|e-?mail\w*|mail\w*|schick\w*|twitter|"
    r"write|email|e-mail|mail|contact|get in touch|reach out|drop (?:me|us) a line|message|dm|send)(?!\w)",
    re.IGNORECASE,
)


def is_conditional_contact(next_sentence: str, lexicon: Lexicon) -> bool:
    """conditional_contact: the sentence after the question turns a yes into a call to get in touch with the writer
    ("Habt ihr Ideen? Dann schreibt mir.", "Soll ich darüber berichten? Dann meldet euch!", "Got ideas? Then email
    us."): the question is the condition of that call, answered in private, not left open for the readers to discuss.
    A call to a public place ("Dann schreibt es in die Kommentare"), to bring it on ("Dann her damit!") or to tell
    ("Then let me know!") still asks the question."""
    stripped = next_sentence.strip()
    if _IF_SO.match(stripped) is None:
        return False
    lowered = stripped.lower().replace("’", "'")
    if any(phrase in lowered for phrase in lexicon.reply_places) or any(
        channel in lowered for channel in lexicon.reply_channels
    ):
        return False  # "Dann schreib mir einen Kommentar": the public answer is asked for
    return _CONTACT.search(lowered) is not None


# a channel other than the comments that a reply goes through: e-mail, a form, a forum, a submission, an issue
_PRIVATE_CHANNEL = re.compile(
    r"(?<!\w)(?:e-?mails?|e-?mailing|by mail|per mail|forums?|submit\w*|einreich\w*|issue tracker|(?:open|file) an issue|"
    r"pull requests?|mailing list|(?:the|this|our) form|formular\w*)(?!\w)",
    re.IGNORECASE,
)


def routes_reply_offsite(following: list[str], lexicon: Lexicon) -> bool:
    """conditional_contact, without "then": the sentences right after a yes/no question send the reply somewhere other
    than the comments ("Have an idea for an article? Let me know (in the forums or by email)!", "Do you love to write?
    … We would love to hear about it. Please consider submitting it to our website."): the question is the condition
    of a contribution sent in private, not put to the readers to discuss."""
    window = " ".join(following[:2]).lower()
    if not window or any(place in window for place in lexicon.reply_places):
        return False
    if any(channel in window for channel in lexicon.reply_channels):
        return False  # "… by email or in the comments": the public answer is asked for too
    return _PRIVATE_CHANNEL.search(window) is not None


_FAMILIARITY = re.compile(
    r"\s*(?:(?:und|and|so|also|na)\s*,?\s+)?(?:kennst\s+du|kennt\s+ihr|kennen\s+sie|do\s+you\s+know|you\s+know|"
    r"know|are\s+you\s+familiar\s+with|have\s+you\s+heard\s+of)\s+(?:(?:schon|auch|noch|etwa|eigentlich)\s+)*"
    r"(?:das|diese|dieses|diesen|dieser|solche|solches|solchen|jene|jenes|den|die|the|that|those|these|this|such)(?!\w)",
    re.IGNORECASE,
)


# "Habt ihr schon mal von der Vier-Tage-Woche gehört?", "Have you ever heard of Zettelkasten?": whether the reader
# has heard of the thing the text then introduces
_HEARD_OF = re.compile(
    r"\s*(?:(?:und|and|so|also|na)\s*,?\s+)?(?:(?:have|did)\s+you\s+(?:ever\s+|already\s+)?heard\s+(?:of|about)|"
    r"ever\s+heard\s+(?:of|about)|(?:habt\s+ihr|hast\s+du|haben\s+sie)\s+(?:\w+\s+){0,2}?"
    r"(?:schon|jemals|schon\s+mal|schon\s+einmal)\s+(?:\w+\s+){0,2}?von\b[^?]*\bgehört)(?!\w)",
    re.IGNORECASE,
)


def familiarity_hook(text: str, next_sentence: str, lexicon: Lexicon) -> bool:
    """familiarity_hook: the question asks only whether the reader knows a thing it points at ("Kennt ihr diese Briefe,
    die …?", "Kennst du schon den Begriff …?", "Do you know that feeling when …?") and the writer goes straight on
    to introduce or describe it: a hook into her own text, whose yes or no nobody needs. Not when a call to reply or
    another question follows ("Kennt ihr diese Briefe? Habt ihr auch welche bekommen?")."""
    following = next_sentence.strip()
    if not following or grammar.ends_asking(following) or grammar.is_invitation(following, lexicon):
        return False
    text = text.replace("’", "'")
    return _FAMILIARITY.match(text) is not None or _HEARD_OF.match(text) is not None


def precedes_reader_prompt(next_in_paragraph: str, lexicon: Lexicon) -> bool:
    """reader_address of an impersonal question right before a short question to the readers in the same paragraph
    ("Was gibt es sonst noch für Möglichkeiten? Habt ihr Tipps?", "What other tools are there? Any you use?"): the
    prompt hands the question before it to them (the reverse of `signals.follows_reader_prompt`) when it asks for tips
    or instances of what that one asked about. Used for W-questions
    only: after a yes/no question the prompt is as often the writer's next thought ("Läuft es noch? Hört ihr es?")."""
    following = next_in_paragraph.strip()
    return (
        grammar.ends_asking(following)
        and grammar.word_count(following) <= 5
        and grammar.addresses_reader(following, lexicon)
        # a question of its own ("Habt ihr Tipps?"), not the first one's continuation ("Or your favourite blog?")
        and (grammar.is_verb_first(following, lexicon) or grammar.is_wh_question(following, lexicon))
        # that asks for instances of what the first one asked about ("Kennt ihr welche?", "Do you know any?"), not
        # a question of its own ("What's next for the team? Do you think they'll win?")
        and bool({token.lower() for token in grammar.words(following)} & (_INPUT_NOUNS | _INSTANCES))
    )


_INSTANCES = frozenset(
    "welche welches welchen eine einen eins weitere mehr andere beispiele "
    "any some one ones more others other examples".split()
)


_FUNCTION_WORDS = frozenset(
    "und oder ohne mit für von vor nach aus bei zu gegen statt kein keine keinen nur auch noch "
    "and or without with for of from to by vs no not only".split()
)


def is_noun_phrase_title(text: str, lexicon: Lexicon) -> bool:
    """headline_style of a title: a short noun phrase with a question mark and no verb ("Echter Pelz ohne Mord?",
    "Pizza ohne Käse?", "Real Fur Without Murder?"): a headline that names the article's topic, not a question put to
    anyone. Told by its words: after the first, only capitalised words (German nouns, English title case) and
    function words, none of them a finite auxiliary. Not a choice ("Tee oder Kaffee?"), not to the reader."""
    body = grammar.question_body(text).strip(_TRAILING + "?!")
    tokens = grammar.words(body)
    if not 2 <= len(tokens) <= 6 or grammar.addresses_reader(body, lexicon) or ":" in body or "," in body:
        return False
    lowered = [token.lower() for token in tokens]
    if lexicon.alternative_conjunction in lowered or lowered[0] in lexicon.wh_words:
        return False
    if any(
        token in lexicon.finite_auxiliaries or (token in lexicon.subject_pronouns and token not in lexicon.articles)
        for token in lowered
    ):
        return False  # "Ist das …?", "Is it …?": a verb
    function_words = _FUNCTION_WORDS | lexicon.articles | lexicon.prepositions | lexicon.numerals
    return all(token[:1].isupper() or token.lower() in function_words for token in tokens[1:])


_ANY = frozenset({"any", "irgendwelche", "weitere"})
_INPUT_NOUNS = frozenset(
    "tipps tipp ideen idee vorschläge vorschlag empfehlungen empfehlung anregungen ratschläge feedback "
    "tips tip ideas idea suggestions suggestion recommendations recommendation advice thoughts "
    "techniques tricks strategies inspiration inspirationen "
    "erfahrungen erfahrung wünsche experiences experience".split()
)
_HAVE_DE = frozenset("habt hast haben hättet hättest hätten".split())


def asks_for_input(clause: str, lexicon: Lexicon) -> bool:
    """asks_for_input (kind): a yes/no question whether the reader has tips, ideas or suggestions ("Habt ihr Tipps?",
    "Hast du noch Ideen für mich?", "Do you have any suggestions?", "Have any tricks?"): the yes is worthless, the tips
    are what is asked for, so the poll is open. Also the requests of `audience.requests_input` ("Did I miss
    anything?", "Kennt ihr dafür Möglichkeiten?", "Do you have any remarks?")."""
    if audience.requests_input(clause, lexicon) or elliptic_request_for_input(clause):
        return True
    tokens = [token.lower() for token in grammar.words(clause)]
    if tokens[:2] in (["got", "any"], ["have", "any"]) and len(tokens) > 2 and tokens[2] in _MORE_OR_BETTER:
        return True  # "Got any better commands …?": "Do you" left out
    if len(tokens) < 3 or not grammar.is_verb_first(clause, lexicon):
        return False
    if tokens[0] in _HAVE_DE or (tokens[0] == "have" and tokens[2] == "got"):
        start = 2
    elif tokens[0] in ("do", "did") and tokens[2] in ("have", "got"):
        start = 3  # "Do you have any tips?", not "Do you love beef tips?"
    elif tokens[0] in ("have", "got") and tokens[1] in ("any", "some"):
        start = 1  # "Have any tips?", "Have some tricks that worked for you?": "Do you" left out
    elif tokens[0] in ("have", "got") and tokens[1] not in lexicon.subject_pronouns | lexicon.reader_pronouns:
        start = 1  # "Have critical thoughts on these?": "Do you" left out, an adjective before the input
    else:
        return False
    if tokens[start : start + 1] == ["any"] and tokens[start + 1 : start + 2] and tokens[start + 1] in _MORE_OR_BETTER:
        return True  # "Do you have any other recipes?", "Have any good books?": name them
    return any(token in _INPUT_NOUNS for token in tokens[start : start + 4])


def input_named_before(clause: str, first_alternative: str) -> bool:
    """The input asked for stands before the alternatives, which name its topic ("Habt ihr Tipps für Anfänger oder
    Profis?", "Have thoughts on these or my analysis?"): the tips are asked for, not a pick between the topics."""
    lowered = clause.lower()
    at = lowered.find(first_alternative.lower())
    return at > 0 and any(token in _INPUT_NOUNS for token in grammar.words(lowered[:at]))


_MORE_OR_BETTER = frozenset("better other others more good favourite favorite".split())


def elliptic_request_for_input(clause: str) -> bool:
    """"Any suggestions to make it better?", "Any tips for passing on unwanted gifts?", "Irgendwelche Tipps?", "Any
    favourite trails you would add?": the verb and the reader left out, as in speech to the one asked; it asks the
    readers for their tips (reader_address)."""
    tokens = [token.lower() for token in grammar.words(clause)]
    return len(tokens) >= 2 and tokens[0] in _ANY and (tokens[1] in _INPUT_NOUNS or tokens[1] in _MORE_OR_BETTER)


def alternatives_are_input(alternatives: tuple[str, ...] | list[str]) -> bool:
    """Each named alternative is a kind of input ("Do you have any inspiration or specific ideas for me?", "Habt ihr
    Tipps oder Tricks?"): the reader is asked for the input, not to pick one of the two words, so the poll is open."""
    return bool(alternatives) and all(
        any(token.lower() in _INPUT_NOUNS for token in grammar.words(alternative)) for alternative in alternatives
    )


def alternative_after(next_sentence: str, lexicon: Lexicon) -> str | None:
    """For alternative_question (kind): the alternative a question in the next sentence offers ("Oder sind wir auf dem
    richtigen Weg?" -> "sind wir auf dem richtigen Weg", "Or does it have to be bridal?"); None unless it opens with
    the disjunction, ends with a question mark and says something of its own (three words or more)."""
    stripped = next_sentence.strip().rstrip(_TRAILING)
    match = re.match(r"(\w+)\s*,?\s+(.+?)\s*\?+$", stripped)
    if match is None or match.group(1).lower() != lexicon.alternative_conjunction:
        return None
    alternative = match.group(2).strip()
    if grammar.word_count(alternative) < 3 or "?" in alternative:
        return None
    return alternative


LIST_LEAD_IN_CHARS = 300  # the end of the paragraph before a list, where a call to reply introduces it
MAX_LIST_ITEMS = 12  # a feedback list is short; a longer one is a checklist or an FAQ


def calls_for_replies(lead_in: str, lexicon: Lexicon) -> bool:
    """A paragraph that introduces a list with a call to reply ("If you have tried it, please share your experiences
    with us:", "Erzählt uns:"): it ends with a colon and holds an inviting phrase in its last sentence."""
    tail = lead_in.rstrip()[-LIST_LEAD_IN_CHARS:]
    if not tail.endswith(":"):
        return False
    last = re.split(r"(?<=[.!?])\s+", tail[:-1])[-1].lower().replace("’", "'")
    return contains_phrase(last, lexicon.invitation_phrases)


def in_feedback_list(blocks: Sequence[Block], index: int, lexicon: Lexicon) -> bool:
    """The question is an item of a short list right after a call for the readers' replies ("Please share your
    experiences with us: · What went well? · Were there pain points?"): the exception to list_item, whose lists are
    checklists and FAQs — these items are the questions the writer puts to the readers."""
    if not 0 <= index < len(blocks) or blocks[index].kind != "list_item":
        return False
    start = index
    while start > 0 and blocks[start - 1].kind == "list_item":
        start -= 1
        if index - start >= MAX_LIST_ITEMS:
            return False
    end = index
    while end + 1 < len(blocks) and blocks[end + 1].kind == "list_item":
        end += 1
        if end - start >= MAX_LIST_ITEMS:
            return False
    lead_in = blocks[start - 1] if start > 0 else None
    return lead_in is not None and lead_in.kind == "paragraph" and calls_for_replies(lead_in.text or "", lexicon)


# A title labelled as an episode or a column's item: "142: Is It Time to Raise Your Rates?", "Folge 12 – Wie …?",
# "Ask the Garden Guy: Is It Too Late …?", "Leserfrage: …?" — the question is the episode's or the letter's topic,
# which the text answers, not a question put to the readers
_COLUMN_TITLE = re.compile(
    r"\s*(?:(?:#|no\.?\s*|nr\.?\s*|ep(?:isode)?\.?\s*|folge\s*|part\s*|teil\s*)?\d{1,4}"
    r"|ask (?:the|a|an) [^:?]{1,40}|dear [^:?]{1,30}|leserfrage|leserbrief|reader question|reader mailbag|mailbag"
    r"|q\s*&\s*a|frag (?:den|die|das) [^:?]{1,40}|fragen sie [^:?]{1,40})\s*[:–—-]\s+\S",
    re.IGNORECASE,
)


def is_column_title(title: str) -> bool:
    """expository_title: the title is an episode's number or a column's name, then its question."""
    return _COLUMN_TITLE.match(title) is not None
