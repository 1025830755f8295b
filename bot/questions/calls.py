"""Calls around a question: what the article asks the reader to DO with it (seventh round).

Two shapes that real pages of new sites showed and that earlier signals missed, both read from the sentence
next to the question rather than from the question itself:

- A yes/no question whether the reader wants, has or is interested in something, followed by what to do then
  ("Would you like to become a contributor? Check the repo …", "Do you have feedback for us? Please email …",
  "Habt ihr Lust mitzumachen? Meldet euch bei …"): the question is the unspoken condition ("if so, …") of a call
  to act elsewhere. The call, not the question, is what the article asks; nobody would run its yes or no as a
  poll (`acts_on_yes`).
- A question, or a row of them, introduced by a call for the readers' replies in the same sentence or the one
  before it ("At this point we would like to hear from you: Does the manual help you? Did we cover …?"): the row
  is put to the readers wherever it stands, not a checklist (`opens_with_call`).

Every function takes plain strings and a `Lexicon`, so each is tested on written sentences.
"""

from __future__ import annotations

import re

from bot.questions import grammar
from bot.questions.lexicon import Lexicon
from bot.questions.signals import contains_phrase

# "Would you like to …?", "Do you have feedback …?", "Are you interested in …?", "Habt ihr Lust …?", "Möchtest du …?"
_WANTS_OR_HAS = re.compile(
    r"\s*(?:(?:so|and|now|und|also|na)\s*,?\s+)?(?:"
    r"(?:do|did)\s+you\s+(?:(?:still|also)\s+)?(?:have|want|need)"
    r"|(?:have|got)\s+(?:you\s+)?(?:got\s+)?(?:any|some|an?)\s"
    r"|would\s+you\s+(?:like|love|want|be\s+(?:interested|keen|willing|up\s+for|happy))"
    r"|are\s+you\s+(?:\w+\s+)?(?:interested|keen|willing|looking\s+(?:to|for))"
    r"|(?:want|wanna|keen|interested|fancy)\s"
    r"|any\s+(?:ideas|suggestions|feedback|questions|thoughts|tips)"
    r"|(?:habt|hast|haben|hättet|hättest|hätten)\s+(?:ihr|du|sie)\s+(?:\w+\s+){0,3}?"
    r"(?:lust|interesse|ideen|idee|tipps|vorschläge|anregungen|feedback|fragen|wünsche|zeit)(?!\w)"
    r"|(?:wollt|willst|möchtet|möchtest|möchten|würdet|würdest|würden)\s+(?:ihr|du|sie)\s"
    r"|(?:seid|bist|sind)\s+(?:ihr|du|sie)\s+(?:\w+\s+)?interessiert"
    r")",
    re.IGNORECASE,
)

# What may open the call before its verb: "Please email …", "Then just check …", "Feel free to reach out", "Bitte meldet …"
_CALL_OPENER = re.compile(
    r"\s*(?:(?:please|then|so|just|simply|do|feel free to|don't hesitate to|do not hesitate to|"
    r"bitte|dann|einfach|gerne|gern|doch)\s*,?\s+)*",
    re.IGNORECASE,
)

# Imperatives that send the reader elsewhere to act: get in touch in private, contribute, join, apply, go and look.
# Not the verbs of replying ("tell", "let us know", "share", "write", "schreibt", "erzählt", "verratet", "send"):
# "Do you have tips? Tell us!" asks for the answer itself, which is what a poll collects.
_ACTION_VERBS = frozenset(
    """
    email e-mail mail ping message dm contact reach get drop open file submit join apply sign register check visit
    head go come stop connect talk chat fill use find learn click subscribe follow see take download grab book order
    watch listen read buy become donate support sponsor spread
    meldet melde melden kontaktiert kontaktiere kontaktieren mailt maile mailen schaut schau schauen besucht besuche
    besuchen kommt komm kommen macht mach bewerbt bewirb bewerben tragt trag registriert registriere folgt folge
    klickt klicke nutzt nutze nutzen füllt fülle wendet wende wenden ruft ruf rufen nehmt nimm ladet lade holt hol
    bestellt bestelle lest lies hört hör werdet werde unterstützt unterstütze spendet spende kauft kauf
    sprechen sprecht sprich vereinbaren vereinbart vereinbare
    """.split()
)


_SEND_A_MESSAGE = re.compile(
    r"(?:send|drop|shoot|write|schreibt|schreib|schreiben|schickt|schick|schicken)\s+(?:(?:sie|ihr)\s+)?(?:(?:us|me|uns|mir)\s+)?"
    r"(?:(?:sie|ihr)\s+)?(?:an?|eine|einen|ein)\s+(?:short\s+|quick\s+|kurze\s+)?"
    r"(?:e-?mail|mail|message|note|dm|pm|line|nachricht|mail|e-mail)(?!\w)",
    re.IGNORECASE,
)


_DISCUSSION = re.compile(r"(?<!\w)(?:discussion|discuss|conversation|debate|diskussion|diskutier\w*|debatte)")


def wants_or_has(question: str) -> bool:
    """The question asks whether the reader wants, has or is interested in something ("Would you like to …?", "Do you
    have ideas …?", "Habt ihr Lust …?"): a yes here is a condition, the answer that matters comes after it."""
    return _WANTS_OR_HAS.match(question.replace("’", "'")) is not None


def is_call_to_act(statement: str, lexicon: Lexicon) -> bool:
    """The sentence opens with an imperative that sends the reader elsewhere ("Please email …", "Check the repo …",
    "Stop on by and open an issue", "Meldet euch bei …", "Besuchen Sie …"), not to a public reply ("… in the comments")."""
    stripped = statement.strip()
    if not stripped or grammar.ends_asking(stripped):
        return False
    lowered = stripped.lower().replace("’", "'")
    if contains_phrase(lowered, lexicon.reply_places) or any(channel in lowered for channel in lexicon.reply_channels):
        return False  # "Then tell us in the comments", "Schreibt es in die Kommentare": the public answer is asked for
    if _DISCUSSION.search(lowered):
        return False  # "Join the discussion on our forum", "Diskutiert mit": a place to answer it in public
    rest = stripped[_CALL_OPENER.match(stripped).end() :]
    tokens = grammar.words(rest)
    if not tokens:
        return False
    if tokens[0].lower() in _REPLY_VERBS and _PRIVATE_CHANNEL.search(lowered) and not _PUBLIC_PLACE.search(lowered):
        return True  # "Lass es mich durch eine kurze Mail wissen", "Let me know by email": the answer goes to the writer
    # "Send us an email at …", "Schreibt uns eine Mail": a channel to get in touch, not the answer itself ("Send it to …")
    return tokens[0].lower() in _ACTION_VERBS or _SEND_A_MESSAGE.match(rest) is not None


# A call to reply ("let me know", "sagt mir Bescheid") that names only a private channel: the answer is sent to the
# writer, not given where the readers can see it (a public place named anywhere keeps it a reply, see above)
_PUBLIC_PLACE = re.compile(r"forum|comment|kommentar|thread|community")
_REPLY_VERBS = frozenset("let lass lasst lassen tell sag sagt sagen gib gebt give write schreib schreibt reply".split())
_PRIVATE_CHANNEL = re.compile(
    r"(?<!\w)(?:per|via|durch|mit|by|through|in|über)\s+(?:(?:an?|eine|einer|einen|ein|the)\s+)?"
    r"(?:kurze[rn]?\s+|short\s+|quick\s+|private[rn]?\s+|persönliche[rn]?\s+)?"
    r"(?:e-?mail|mail|dm|pm|pn|direktnachricht|private\s+message|nachricht|message)(?!\w)"
)


def acts_on_yes(question: str, statement_after: str, lexicon: Lexicon, *, asks_opinion: bool = False) -> bool:
    """acts_on_yes: "Would you like to become a contributor? Check the repo to learn how!", "Do you have feedback for us?
    Please email …", "Habt ihr Lust mitzumachen? Meldet euch bei …", "Got a story? Contact our newsroom": the question
    is the condition of a call to act elsewhere, or the lead-in to it. `statement_after` is the first statement after
    the question (after the rest of its row of questions). A question of the reader's opinion or taste ("What do you
    think of the new design? Check the changelog …") stays a question, unless it asks what the reader wants to do
    ("Would you like to …?"): on the tuning split and the own corpus no labelled poll is followed by such a call."""
    return (wants_or_has(question) or not asks_opinion or asks_for_support(statement_after)) and is_call_to_act(
        statement_after, lexicon)


_SUPPORT_CALL = re.compile(
    r"\s*(?:(?:bitte|please|dann|then|so)\s+)?(?:unterstützt|unterstütze|unterstützen sie|spendet|spende|support|"
    r"donate|become a (?:patron|member|supporter|sponsor)|werdet (?:mitglied|unterstützer)|buy me a coffee)(?!\w)",
    re.IGNORECASE,
)


def asks_for_support(statement: str) -> bool:
    """A call for money or membership ("Gefällt euch unsere Arbeit? Unterstützt uns mit einer Spende.", "Like what we
    do? Become a patron."): even after a question of the reader's taste, that question only leads up to the appeal."""
    return _SUPPORT_CALL.match(statement) is not None


LEAD_IN_WORDS = 14  # a lead-in before a colon longer than this is a sentence of its own, not a lead-in


def opens_with_call(question: str, previous_statement: str, lexicon: Lexicon) -> bool:
    """A question, or the first of a row, introduced by a call for replies: in its own sentence before a colon ("We'd
    like to hear from you: Does the manual help you?") or as the statement right before it that ends with a colon
    ("Tell us in the comments:"). Announcements of questions to ask oneself ("Ask yourself:") are no call."""
    lead, colon, rest = question.partition(": ")
    if colon and rest.strip() and grammar.word_count(lead) <= LEAD_IN_WORDS and _calls(lead, lexicon):
        return True
    previous = previous_statement.strip()
    return previous.endswith(":") and _calls(previous[:-1], lexicon)


def _calls(text: str, lexicon: Lexicon) -> bool:
    lowered = text.lower().replace("’", "'")
    if any(opener in lowered for opener in lexicon.reflection_openers):
        return False
    return contains_phrase(lowered, lexicon.invitation_phrases) or contains_phrase(lowered, lexicon.reply_places)


# "Do you want to know what it takes …?", "Want to learn how …?", "Möchtest du wissen, wie …?": the reader's wish to know
# what the article is about to tell
_WANTS_TO_KNOW = re.compile(
    r"\s*(?:(?:so|and|now|und|also|na)\s*,?\s+)?(?:"
    r"(?:do\s+you\s+|would\s+you\s+like\s+to\s+|ever\s+)?(?:want|wanted|wish)\s+to\s+(?:know|learn|find\s+out|understand|see)"
    r"|would\s+you\s+like\s+to\s+(?:know|learn|find\s+out|understand)"
    r"|(?:are\s+you\s+)?(?:curious|wondering)\s+(?:about|how|what|why|whether|if|which)"
    r"|(?:möchtest|willst|möchtet|wollt|möchten|wollen)\s+(?:du|ihr|sie)\s+(?:\w+\s+){0,5}?(?:wissen|erfahren|lernen|verstehen)"
    # the same as a statement with a question mark: "Du willst wissen, wie …?", "You want to know how …?"
    r"|(?:du|ihr|sie)\s+(?:möchtest|willst|möchtet|wollt|möchten|wollen)\s+(?:\w+\s+){0,5}?(?:wissen|erfahren|lernen|verstehen)"
    r"|you\s+(?:want|wanted|wish)\s+to\s+(?:know|learn|find\s+out|understand|see)"
    r"|(?:seid|bist|sind)\s+(?:ihr|du|sie)\s+neugierig"
    r")(?!\w)",
    re.IGNORECASE,
)


# A statement that announces what the text (or the next part of it) brings: "This article presents …", "Here's how …",
# "In this post …", "Read on", "Hier zeigen wir …", "In diesem Beitrag …", "Heute stelle ich euch … vor" — not the writer's
# own answer ("Here's mine")
_ANNOUNCES_TEXT = re.compile(
    r"\s*(?:(?:so|and|then|well|dann|also|und)\s*,?\s+)?(?:"
    r"(?:this|the following|our|today's)\s+(?:article|post|guide|piece|tutorial|video|blog post|overview|list)"
    r"|in\s+(?:this|today's|the following)\s+(?:article|post|guide|piece|tutorial|video|blog post)"
    r"|here(?:'s| is| are)(?!\s+(?:mine|my|ours|our)\b)|read on|keep reading"
    r"|(?:dieser|unser|der folgende)\s+(?:artikel|beitrag|ratgeber|leitfaden|text|blogbeitrag)"
    r"|(?:diese|unsere|die folgende)\s+(?:anleitung|übersicht|liste)"
    r"|in\s+(?:diesem|unserem|dem folgenden)\s+(?:artikel|beitrag|ratgeber|text|blogbeitrag|video)"
    r"|in\s+(?:dieser|unserer|der folgenden)\s+(?:anleitung|übersicht|liste)"
    r"|hier\s+(?:zeigen|erklären|erfährst|erfahrt|erfahren|findest|findet|finden|gibt es|stellen)"
    # "Hier die wichtigsten Antworten.", "Hier ist, was wir wissen." (not "Hier ist meine Antwort": the writer's own)
    r"|hier(?:\s+(?:ist|sind))?,?\s+(?:die|der|das|ein|eine|einige|ein paar|alle|was|unsere|unser)(?!\w)"
    r"|lies weiter|lest weiter"
    # the writer announcing what she is about to present: "Heute stelle ich euch … vor", "Today I'll show you …"
    r"|(?:heute|hier|im folgenden|jetzt|nun)\s+(?:stelle|zeige|erkläre)\s+ich\s+(?:euch|dir|ihnen)"
    r"|(?:today|below|in what follows),?\s+i(?:'ll| will| am going to|'m going to)\s+(?:show|walk|take|introduce|explain)"
    r")(?!\w)",
    re.IGNORECASE,
)


def teases_content(question: str, next_sentence: str, lexicon: Lexicon, *, asks_opinion: bool = False) -> bool:
    """teases_content: "Do you want to know what it takes to run online panels? This article presents …", "Möchtest du
    wissen, wie das geht? Hier zeigen wir …": the question asks whether the reader wants to know what the text goes on
    to tell, or any question is followed by a statement announcing the text ("Got a flat tyre? Here's how to fix it.",
    "In this post we …"): the article is the answer. Not when a call to reply or a question follows; a question of the
    reader's opinion or taste only in the first form (on the tuning split and the own corpus the broad form hits 14
    questions, none labelled a poll)."""
    following = next_sentence.strip()
    if not following or grammar.ends_asking(following) or grammar.is_invitation(following, lexicon):
        return False
    if is_disclosure(following):
        return False  # "Dieser Beitrag enthält Affiliate-Links": the site's notice, not the text announcing itself
    if _WANTS_TO_KNOW.match(question.replace("’", "'")) is not None:
        return True
    return not asks_opinion and _ANNOUNCES_TEXT.match(following.replace("’", "'")) is not None


# A paragraph that opens with a numbered label in bold ("Tip #5: …", "Step 3: …", "Fehler 2: …"): an item of a list the
# page set as paragraphs
_NUMBERED_LABEL = re.compile(
    r"\s*(?:(?:tip|tipp|step|schritt|rule|regel|lesson|lektion|mistake|fehler|reason|grund|idea|idee|no\.?|nr\.?)\s*)?"
    r"#?\s*\d{1,2}\s*[:.)]\s+\S",
    re.IGNORECASE,
)


def is_numbered_item(text: str, emphasis: str) -> bool:
    """list_item: a paragraph that opens with a bold numbered label ("**Tip #5:** Recordings …") is an item of a list of
    tips or steps, whatever its markup; its questions are for the reader to consider, as in a list."""
    return emphasis == "lead" and _NUMBERED_LABEL.match(text) is not None


_DISCLOSURE = re.compile(
    r"\s*\*?\s*(?:(?:dieser|der|this|the)\s+(?:beitrag|artikel|blogbeitrag|post|article|blog post)\s+(?:enthält|contains"
    r"|may contain|kann\s+\S+\s+enthalten)|(?:werbung|anzeige|disclosure|transparenzhinweis|affiliate[- ]links?)\s*[:*])",
    re.IGNORECASE,
)


def is_disclosure(text: str) -> bool:
    """The site's notice after the text ("Dieser Beitrag enthält Affiliate-Links …", "Disclosure: …", "Werbung:"): no
    answer to the question before it, and no announcement of the text."""
    return _DISCLOSURE.match(text) is not None


_SURVEY_LABEL = re.compile(r"\s*(?:survey\s+|umfrage)?(?:question|frage)\s*(?:\d+\s*)?:", re.IGNORECASE)
_THE_FOLLOWING = re.compile(r"(?<!\w)(?:of the following|der folgenden|die folgenden|folgende[nr]?)(?!\w)", re.IGNORECASE)


def quotes_survey_item(raw_question: str, *, followed_by_list: bool) -> bool:
    """survey_item: a report on a survey quotes its questions ("Question: Which group would you identify yourself with
    the most?", "Which of the following would you prefer …?" with the chart of answers left out): asked of the survey's
    respondents back then, not of the readers now. A question "of the following" that a list or more text follows
    names its options and stays a question."""
    if _SURVEY_LABEL.match(raw_question):
        return True
    return not followed_by_list and _THE_FOLLOWING.search(raw_question) is not None


_VOLUNTEER_CALL = re.compile(
    r"\s*(?:(?:so|and|und|also)\s*,?\s+)?(?:would you like to|do you want to|want to|are you interested in|interested in|"
    r"möchtest du|möchtet ihr|möchten sie|wollt ihr|willst du|hast du lust|habt ihr lust|haben sie lust)\b"
    r"[^?]{0,40}?\b(?:help(?:ing)?|contribut\w*|volunteer\w*|get involved|getting involved|join(?:ing)? (?:us|the team|our)|"
    r"partner\w*|collaborat\w*|"
    r"mithelfen|mitzuhelfen|helfen|mitmachen|mitzumachen|unterstützen|zu unterstützen|beitragen|beizutragen|engagieren)\b",
    re.IGNORECASE,
)


def asks_to_volunteer(question: str) -> bool:
    """contribution_call, in the question itself: "Would you like to help translate the editor?", "Want to help
    aspiring speakers …?", "Möchtest du uns beim Übersetzen helfen?" recruit helpers; the yes is a sign-up, not an
    answer for a poll (both such questions on the tuning pages are labelled no poll)."""
    return _VOLUNTEER_CALL.match(question.replace("’", "'")) is not None
