"""Who a question is put to, and what it asks for, read from its wording (issue 10, eighth round).

Three shapes that mark a question as put to the article's readers even where the grammar alone does not:

- `addresses_audience`: the writer names the readers as the audience ("those of you reading this", "any of you",
  "Lieber Leser, …", "Liebe Leserinnen und Leser", "For Blender users: …", "An alle Gärtner: …", "y'all"): a
  vocative or a lead-in naming a group of readers, not the generic "you" of a joke or a how-to.
- `asks_what_writer_missed`: "Did I miss anything?", "Have I forgotten something?", "Habe ich etwas vergessen?",
  "Fehlt noch etwas?": the writer asks the readers to complete the text; the first person is what the readers
  answer about, not the writer musing. The yes is worthless: an open request for input.
- `asks_for_known`: "Kennt ihr dafür Möglichkeiten?", "Do you know any good tools for this?", "Wisst ihr
  Alternativen?": whether the reader knows things of a kind that can be named; the answer is to name them (open).

Every function takes plain strings and a `Lexicon`, so that each is tested on written sentences
(tests/questions/test_audience.py).
"""

from __future__ import annotations

import re

from bot.questions import grammar
from bot.questions.lexicon import Lexicon
from bot.questions.sentences import Sentence

# the readers named as the audience (a vocative or a partitive of "you"): not the generic "you" of a joke or how-to
_AUDIENCE_EN = re.compile(
    r"\b(?:those|any|all|each|some|many|who|which) of you\b|\banyone (?:out there|reading)\b|\bdear (?:readers?|listeners?|viewers?|followers?)\b"
    r"|\bfellow \w+s\b|\by['’]all\b|\byou all\b",
    re.IGNORECASE,
)
_AUDIENCE_DE = re.compile(
    r"\b(?:wer|wie viele|welche|einige|manche|viele|jemand|einer|eine) (?:von|unter) (?:euch|ihnen|dir)\b"
    r"|\bliebe[rs]?\s+(?:(?:mit)?leser\w*|community|follower\w*|freunde|mitlesende\w*|zuhörer\w*|hörer\w*|zuschauer\w*)\b|\bihr da draußen\b|\bihr alle\b"
    r"|\bnoch jemand(?:em|en)?\b|\bsonst noch jemand\b",
    re.IGNORECASE,
)
# a lead-in that names the group of readers asked, before a colon: "For Blender users:", "An alle Eltern:",
# "To all the gardeners out there:", "Für alle, die gerne backen:", "Frage an die Leser:"
_GROUP_LEAD_IN = re.compile(
    r"(?:for|to) (?:all )?(?:(?:the|my|our|you) )?(?:\w+ ){0,2}(?:users|readers|fans|folks|people|parents|owners|"
    r"developers|photographers|gardeners|bakers|cooks|beginners|lovers|friends|listeners|viewers)(?: out there)?"
    r"|(?:für|an) (?:alle|die|unsere|meine)\b[^:]{0,40}|(?:eine )?frage an (?:die|alle|euch|unsere|meine)\b[^:]{0,30}",
    re.IGNORECASE,
)


def group_lead_in(text: str) -> bool:
    """A lead-in before a colon that names the group of readers the question is put to ("For Blender users: did I
    miss anything?", "An alle Eltern: Wie macht ihr das?"). Such a lead-in is no headline topic."""
    match = re.match(r"\s*([^:?]{3,60}):\s+\S", text)
    return bool(match and _GROUP_LEAD_IN.fullmatch(match.group(1).strip()))


# "Anyone else done this route?", "Has anybody else tried …?": the readers asked as a group, at the question's start
# (not "why would you try anyone else?")
_ANYONE_ELSE = re.compile(r"\s*(?:(?:has|have|is|does|did|was|can)\s+)?any(?:one|body) else\b", re.IGNORECASE)


# "Can someone hint at …?", "Could anybody recommend …?", "Kann mir jemand erklären, …?": a request for information put
# to whoever among the readers knows, at the question's start (not "Can someone be both?", which asks no one to tell)
_ANYONE_TELL_EN = re.compile(
    r"\s*(?:(?:so|and|now)\s*,?\s+)?(?:can|could|would|will)\s+(?:any(?:one|body)|some(?:one|body))(?:\s+(?:here|else|out there))?"
    r"\s+(?:please\s+)?(?:tell|explain|hint|report|recommend|suggest|share|point|shed|enlighten|clarify|name|advise)\b",
    re.IGNORECASE,
)
_ANYONE_TELL_DE = re.compile(
    r"\s*(?:(?:und|also|nun)\s*,?\s+)?(?:kann|könnte)\s+(?:mir\s+|uns\s+)?(?:jemand|irgendwer|einer)\b[^?]{0,80}?"
    r"\b(?:erklären|sagen|empfehlen|verraten|berichten|erzählen|nennen|raten)\b",
    re.IGNORECASE,
)


def asks_anyone_to_tell(text: str, lexicon: Lexicon) -> bool:
    """A request to whoever knows among the readers ("Can someone hint at the meaning of this habit?", "Could anybody
    recommend a good atlas?", "Kann mir jemand erklären, warum …?"): put to the readers as a group, and what it asks for
    is the telling, so the poll is open."""
    pattern = _ANYONE_TELL_DE if lexicon.language == "de" else _ANYONE_TELL_EN
    return bool(pattern.match(grammar.question_body(text)))


def addresses_audience(text: str, lexicon: Lexicon) -> bool:
    """audience_address: the question names the readers as its audience (see the module's docstring)."""
    pattern = _AUDIENCE_DE if lexicon.language == "de" else _AUDIENCE_EN
    return (
        bool(pattern.search(text))
        or group_lead_in(text)
        or bool(_ANYONE_ELSE.match(text))
        or asks_anyone_to_tell(text, lexicon)
    )


_MISSED_EN = re.compile(
    r"(?:did|have|has) (?:i|we) (?:\w+ )?(?:miss|missed|forget|forgotten|overlook|overlooked|leave out|left out|skip|skipped)"
    r" (?:anything|something|any|some|one|a few|yours|your (?:favou?rites?|own)\b)\b"
    r"|(?:is there |was there )?(?:anything|something) (?:else )?(?:i|we) (?:missed|forgot|overlooked|left out|should add)\b"
    r"|(?:is )?(?:anything|something) missing\b"
    r"|(?:which|what) (?:\w+ ){0,2}(?:is |'s )?missing (?:from|on|in) (?:my|our|this|the) list\b",
    re.IGNORECASE,
)
_MISSED_DE = re.compile(
    r"(?:habe|hab|haben) (?:ich|wir) (?:\w+ ){0,2}(?:etwas|was|irgendwas|irgendetwas|noch etwas|noch was|etwas wichtiges)"
    r" (?:\w+ )?(?:vergessen|übersehen|ausgelassen|verpasst)\b"
    r"|(?:habe|hab|haben) (?:ich|wir) (?:euer|eure|euren|dein|deine|deinen|ihr|ihre|ihren) (?:\w+ ){0,2}"
    r"(?:vergessen|übersehen|ausgelassen|verpasst)\b"
    r"|fehlt (?:euch |dir |ihnen )?(?:noch )?(?:etwas|was|irgendwas|irgendetwas)\b"
    r"|(?:welche|welcher|welches|was) (?:\w+ ){0,2}fehlt (?:euch |noch )*(?:auf|in) (?:meiner|unserer|dieser|der) liste\b"
    r"|gibt es (?:noch )?(?:etwas|was|irgendwas|irgendetwas),? (?:das|was) (?:ich|wir) (?:\w+ )?"
    r"(?:vergessen|übersehen|ausgelassen|verpasst) (?:habe|haben)\b",
    re.IGNORECASE,
)


def asks_what_writer_missed(clause: str, lexicon: Lexicon) -> bool:
    """The writer asks the readers what the text left out ("Did I miss anything?", "Habe ich etwas vergessen?",
    "Fehlt noch etwas?", "Did I miss your favourite tool?", "Habe ich euer Lieblingsspiel vergessen?", "Welche App fehlt
    auf meiner Liste?"): a request for input, put to the readers although its subject is the writer."""
    pattern = _MISSED_DE if lexicon.language == "de" else _MISSED_EN
    return bool(pattern.match(grammar.question_body(clause).strip().lstrip("¿¡\"'„“»«(")))


_KNOW_VERBS = frozenset("kennt kennst kennen wisst weißt wissen know".split())
_DEFINITE = frozenset("der die das den dem des the this that these those diese dieser dieses diesen".split())
# things one can name: the answer to "do you know any …?" is to name them
_NAMEABLE = frozenset(
    "möglichkeiten möglichkeit alternativen alternative wege lösungen lösung tools werkzeuge apps quellen bücher "
    "anlaufstellen beispiele rezepte orte adressen "
    "ways alternatives solutions tools apps resources sources books places examples recipes options".split()
)
# "Kennt ihr noch andere Blogs?", "Do you know any other podcasts?": asked for more of a kind, whatever the kind
_MORE_OF_A_KIND = frozenset("weitere weiteren andere anderen other more further".split())
# "Kennt ihr gute Podcasts über Geschichte?", "Know any good podcasts?": asked to recommend some, whatever the kind
_RECOMMENDED = frozenset("gute guten gutes empfehlenswerte good great".split())


def asks_for_known(clause: str, lexicon: Lexicon) -> bool:
    """Whether the reader knows things of a kind that can be named, with no definite article ("Kennt ihr dafür
    Möglichkeiten?", "Do you know any good tools for this?", "Know any alternatives?"): the answer is to name
    them, so the poll is open; so is asking whether the reader knows more of a kind ("Kennt ihr noch andere Blogs zum
    Thema?", "Do you know any other good podcasts?"). ("Kennst du die Lösung?" asks about one thing: yes or no.)"""
    tokens = [token.lower() for token in grammar.words(grammar.question_body(clause))]
    if not tokens:
        return False
    if tokens[0] in ("do", "did") and len(tokens) > 2 and tokens[2] == "know":
        start = 3
    elif tokens[0] in _KNOW_VERBS and (lexicon.language == "de" or (len(tokens) > 1 and tokens[1] in ("any", "some"))):
        start = 1
    else:
        return False
    for token in tokens[start : start + 5]:
        if token in _DEFINITE:
            return False
        if token in _NAMEABLE or token in _MORE_OF_A_KIND or token in _RECOMMENDED:
            return True
    return False


_INPUT_NOUNS_MORE = frozenset("remarks comments anmerkungen bemerkungen hinweise ergänzungen additions".split())


def asks_for_remarks(clause: str, lexicon: Lexicon) -> bool:
    """"Do you have any remarks?", "Habt ihr Anmerkungen?", "Any comments?": whether the reader has remarks, which
    are what is asked for (open), like the tips and ideas of `leadins.asks_for_input`."""
    tokens = [token.lower() for token in grammar.words(grammar.question_body(clause))]
    if len(tokens) < 2:
        return False
    if tokens[0] in ("any", "irgendwelche", "weitere", "noch"):
        return tokens[1] in _INPUT_NOUNS_MORE
    if tokens[0] in ("do", "did") and len(tokens) > 3 and tokens[2] in ("have", "got"):
        return any(token in _INPUT_NOUNS_MORE for token in tokens[3:7])
    if tokens[0] in ("habt", "hast", "haben", "hättet", "hättest", "have", "got"):
        return any(token in _INPUT_NOUNS_MORE for token in tokens[1:6])
    return False


def requests_input(clause: str, lexicon: Lexicon) -> bool:
    """Any of the open requests for input of this module: what the writer missed, things to name, remarks."""
    return (
        asks_what_writer_missed(clause, lexicon)
        or asks_for_known(clause, lexicon)
        or asks_for_remarks(clause, lexicon)
        or asks_anyone_to_tell(clause, lexicon)
    )


def aside_to_reader(sentence: Sentence, bracketed: list[bool], lexicon: Lexicon) -> bool:
    """A whole sentence in parentheses that turns to the reader ("(Und ihr, habt ihr so eine Tour schon gemacht?)",
    "(Where are all my Texas readers? Do y'all have this recipe?)"): an aside put to the readers, not a
    parenthetical phrase inside the writer's sentence ("… hosted (where else?) on GitHub"). The signals weigh it."""
    start = sentence.start + len(sentence.text) - len(sentence.text.lstrip())
    inside = sentence.text.lstrip().startswith("(") or (0 <= start < len(bracketed) and bracketed[start])
    return inside and (grammar.addresses_reader(sentence.text, lexicon) or addresses_audience(sentence.text, lexicon))
