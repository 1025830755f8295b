"""Themes of written answers, found offline in German and English.

Keyword extraction in the spirit of RAKE: each answer is cut at punctuation and stopwords into runs of content
words; the words and short phrases of those runs are counted by how many answers mention them (document
frequency), with words of the question itself left out (every answer to "Was haltet ihr von Radwegen?" says
"Radwege"; that is the topic, not a theme). A light suffix stemmer merges "Preis/Preise/Preisen" and
"price/prices". Pure Python, no model, no download, cheap on two cores: thousands of answers take milliseconds.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_PHRASE_WORDS = 3
PHRASE_BONUS = 0.5  # a phrase beats its own words when most answers that use the word use the phrase
IDEAL_SAMPLE_LENGTH = 140  # representative answers: neither one word nor a wall of text

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”„«»…/\n\r\t–—•|]+")

_ENGLISH_STOPWORDS = """
a about above after again against all almost also although always am among an and another any anybody anyone
anything anyway are aren't around as at away back be became because become been before being below best better
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't done down during each
either else enough especially even ever every everyone everything few find first for from further get gets getting
give go goes going gone good got great had hadn't has hasn't have haven't having he he'd he'll he's her here here's
hers herself him himself his how how's however i i'd i'll i'm i've if in instead into is isn't it it's its itself
just keep kind know last least less let let's like likely little lot lots made make makes making many may maybe me
might mine more most mostly much must mustn't my myself need needs never new next no nobody none nor not nothing now
of off often oh ok okay on once one ones only or other others otherwise ought our ours ourselves out over own per
perhaps please pretty probably quite rather re really right said same say says see seem seems shall shan't she
she'd she'll she's should shouldn't since so some somebody someone something sometimes somewhat still such sure
take than that that's the their theirs them themselves then there there's these they they'd they'll they're
they've thing things think this those though through thus till to too toward towards truly under until up upon us
use used using usually very via want wants was wasn't way we we'd we'll we're we've well were weren't what what's
when when's where where's whether which while who who's whom whose why why's will with within without won't
would wouldn't yeah yes yet you you'd you'll you're you've your yours yourself yourselves actually already
definitely especially generally honestly just maybe simply totally basically bit does etc e.g i.e via
"""

_GERMAN_STOPWORDS = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anders auch auf aus
bei beim bereits besonders bin bis bisschen bist bitte da dabei dadurch dafür dagegen daher dahin damals damit
danach daneben dann daran darauf daraus darf darfst darin darum darunter das dass davon davor dazu dein deine
deinem deinen deiner dem demnach den denen denn dennoch der deren des deshalb dessen dich die dies diese dieselbe
dieselben diesem diesen dieser dieses dir doch dort du durch eben ebenso ehrlich eigentlich ein eine einem einen
einer eines einfach einig einige einigem einigen einiger einiges einmal einzig er es etwa etwas euch euer eure
eurem euren eurer finde finden findet gab gibt ganz gar gegen gehabt geht gemacht genau genug gerade gern gerne
gewesen gibt gleich gut gute guten habe haben habt hast hat hatte hätte hätten hatten her heute hier hin hinter
ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in indem ins irgendwie ist ja je jede jedem jeden
jeder jedes jedoch jemand jetzt kann kannst kaum kein keine keinem keinen keiner keines klar können könnt könnte
könnten lassen lässt leider lieber mache machen macht mal man manche manchem manchen mancher manches mehr mein
meine meinem meinen meiner meines meist meiste meisten mich mir mit möchte möchten muss müssen musst müsste
nach nachdem natürlich neben nein nicht nichts noch nun nur ob oben oder ohne oft schon sehr sei seid sein seine
seinem seinen seiner seines seit selbst sich sicher sie sind so sogar solche solchem solchen solcher solches soll
sollen sollte sollten sondern sonst sowie statt tun über überhaupt um und uns unser unsere unserem unseren
unserer unter viel viele vielem vielen vieler vielleicht vom von vor wann war waren warst warum was weil weiter
weitere welche welchem welchen welcher welches wem wen wenig wenige weniger wenn wer werde werden werdet weshalb
wie wieder will wir wird wirklich wirst wo wohl wollen wollt würde würden zu zum zur zwar zwischen ok okay eher
finde fände meiner meinung sagen sage sagt sehe sieht echt total eigentlich halt eben quasi bzw usw etc z.b
denke glaube dafür davon wäre wären geben gehen kommt kommen sein mehr besser beste ganz
"""

STOPWORDS: frozenset[str] = frozenset(
    word.casefold() for word in (_ENGLISH_STOPWORDS + _GERMAN_STOPWORDS).split()
)

# Longest first; a suffix is only removed when at least four letters remain.
_SUFFIXES = ("ungen", "ern", "ies", "es", "en", "er", "em", "e", "n", "s")


@dataclass(frozen=True)
class Theme:
    """A word or short phrase that several answers mention."""

    label: str  # the spelling readers used most often
    answers: int  # how many answers mention it
    share: float  # answers / all answers, 0..1


def _stem(word: str) -> str:
    folded = word.casefold().replace("’", "'")
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 4:
            stem = folded[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return folded


def _is_content_word(word: str) -> bool:
    folded = word.casefold().replace("’", "'")
    if folded in STOPWORDS:
        return False
    if len(folded) >= 3:
        return True
    return len(word) == 2 and word.isupper()  # acronyms such as "KI", "AI", "UX"


def _runs(text: str) -> Iterable[list[str]]:
    """Runs of content words between punctuation and stopwords."""
    for clause in _CLAUSE_BREAK.split(text):
        run: list[str] = []
        for match in _WORD.finditer(clause):
            word = match.group(0)
            if _is_content_word(word):
                run.append(word)
            elif run:
                yield run
                run = []
        if run:
            yield run


def _grams(run: list[str]) -> Iterable[tuple[tuple[str, ...], str]]:
    for size in range(1, MAX_PHRASE_WORDS + 1):
        for start in range(len(run) - size + 1):
            words = run[start : start + size]
            yield tuple(_stem(word) for word in words), " ".join(words)


def _question_stems(question: str | None) -> frozenset[str]:
    if not question:
        return frozenset()
    return frozenset(_stem(word) for run in _runs(question) for word in run)


def _analyse(answers: Sequence[str], question: str | None) -> tuple[list[set[tuple[str, ...]]], dict[tuple[str, ...], Counter[str]]]:
    excluded = _question_stems(question)
    grams_per_answer: list[set[tuple[str, ...]]] = []
    spellings: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for answer in answers:
        seen: set[tuple[str, ...]] = set()
        for run in _runs(answer):
            for key, surface in _grams(run):
                if any(stem in excluded for stem in key):
                    continue
                seen.add(key)
                spellings[key][surface] += 1
        grams_per_answer.append(seen)
    return grams_per_answer, spellings


def find_themes(answers: Sequence[str], *, question: str | None = None, limit: int = 5) -> list[Theme]:
    """The main themes of `answers`, most mentioned first; words of `question` are not themes."""
    if not answers or limit <= 0:
        return []
    grams_per_answer, spellings = _analyse(answers, question)
    frequency: Counter[tuple[str, ...]] = Counter()
    for grams in grams_per_answer:
        frequency.update(grams)
    minimum = 2 if len(answers) >= 3 else 1
    candidates = [key for key, count in frequency.items() if count >= minimum]
    candidates.sort(key=lambda key: (-frequency[key] * (1 + PHRASE_BONUS * (len(key) - 1)), -frequency[key], -len(key), key))
    chosen: list[tuple[str, ...]] = []
    used_stems: set[str] = set()
    for key in candidates:
        if used_stems.intersection(key):
            continue  # "Preise" after "hohe Preise": one theme, not two
        chosen.append(key)
        used_stems.update(key)
        if len(chosen) == limit:
            break
    total = len(answers)
    return [
        Theme(label=spellings[key].most_common(1)[0][0], answers=frequency[key], share=round(frequency[key] / total, 4))
        for key in chosen
    ]


def representative_answers(
    answers: Sequence[str], themes: Sequence[Theme], *, question: str | None = None, limit: int = 3
) -> list[str]:
    """A few answers that stand for the themes: for each theme in turn, the answer that mentions the most themes
    and is of a readable length. Without themes, the answers of the most readable length."""
    if not answers or limit <= 0:
        return []
    grams_per_answer, _ = _analyse(answers, question)
    theme_keys = [tuple(_stem(word) for word in _WORD.findall(theme.label)) for theme in themes]
    mentions = [[index for index, key in enumerate(theme_keys) if key in grams] for grams in grams_per_answer]

    def readability(position: int) -> float:
        return abs(len(answers[position].strip()) - IDEAL_SAMPLE_LENGTH)

    chosen: list[int] = []
    seen_texts: set[str] = set()

    def take(position: int) -> None:
        normalised = " ".join(answers[position].casefold().split())
        if normalised and normalised not in seen_texts and len(chosen) < limit:
            seen_texts.add(normalised)
            chosen.append(position)

    for theme_index in range(len(theme_keys)):
        pool = [position for position, found in enumerate(mentions) if theme_index in found and position not in chosen]
        if pool:
            take(min(pool, key=lambda position: (-len(mentions[position]), readability(position), position)))
    if len(chosen) < limit:
        for position in sorted(range(len(answers)), key=lambda position: (readability(position), position)):
            if position not in chosen:
                take(position)
    return [answers[position].strip() for position in chosen]
