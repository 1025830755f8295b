"""Themes of written answers, found offline in German and English.

Keyword extraction in the spirit of RAKE: each answer is cut at punctuation and stopwords into runs of content
words; the words and short phrases of those runs are counted by how many answers mention them (document
frequency), with words of the question itself left out (every answer to "Was haltet ihr von Radwegen?" says
"Radwege"; that is the topic, not a theme). A light suffix stemmer merges "Preis/Preise/Preisen" and
"price/prices". Pure Python, no model, no download, cheap on two cores: thousands of answers take milliseconds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_PHRASE_WORDS = 3  # analyse() forms phrases of one to three content words
PHRASE_BONUS = 0.5  # a phrase beats its own words when most answers that use the word use the phrase
IDEAL_SAMPLE_LENGTH = 140  # representative answers: neither one word nor a wall of text

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)

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
day days today tonight tomorrow yesterday times
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
für fürs wegen während trotz ab sowas sodass damit somit jedenfalls trotzdem außerdem
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


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    folded = word.casefold().replace("’", "'")
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 4:
            stem = folded[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return folded


@lru_cache(maxsize=65_536)
def _content_stem(word: str) -> str | None:
    """The stem of a content word; None for stopwords and short words (acronyms such as "KI", "UX" count)."""
    folded = word.casefold().replace("’", "'")
    if folded in STOPWORDS:
        return None
    if len(folded) >= 3 or (len(word) == 2 and word.isupper()):
        return _stem(word)
    return None


_BREAK_CHARACTERS = ".,;:!?()[]{}\"“”„«»‚‘…/\\|–—•\u200b"
_BLANK_CHARACTERS = "#*+=&%@<>~^`$€£§°_"
_TOKENS = str.maketrans({**{c: " . " for c in _BREAK_CHARACTERS}, **{c: " " for c in _BLANK_CHARACTERS}})

Token = tuple[str, str] | None  # (word as written, stem), or None: a stopword, number or punctuation (a phrase break)


@lru_cache(maxsize=65_536)
def _token(raw: str) -> Token:
    word = raw.strip("'’-")
    if not word or not _WORD.fullmatch(word):
        return None
    stem = _content_stem(word)
    return None if stem is None else (word, stem)


def _tokens(text: str, excluded: frozenset[str]) -> list[Token]:
    """The text's words in order; breaks where a phrase cannot continue. Words of the question are breaks too."""
    tokens = [_token(raw) for raw in text.translate(_TOKENS).split()]
    if excluded:
        tokens = [None if token is None or token[1] in excluded else token for token in tokens]
    return tokens


def _question_stems(question: str | None) -> frozenset[str]:
    if not question:
        return frozenset()
    return frozenset(token[1] for token in _tokens(question, frozenset()) if token is not None)


SPELLING_SAMPLE = 50  # answers looked at to find how readers spell a theme


@dataclass(frozen=True)
class AnswerAnalysis:
    """Which words and phrases (as stem tuples) each answer mentions; computed once, used for themes and samples."""

    answers: tuple[str, ...]
    excluded: frozenset[str]
    grams: tuple[frozenset[tuple[str, ...]], ...]

    def spelling(self, key: tuple[str, ...]) -> str:
        """The way readers wrote this word or phrase most often (among the first answers that use it)."""
        seen: Counter[str] = Counter()
        size = len(key)
        looked = 0
        for answer, grams in zip(self.answers, self.grams, strict=True):
            if key not in grams:
                continue
            looked += 1
            tokens = _tokens(answer, self.excluded)
            for start in range(len(tokens) - size + 1):
                window = tokens[start : start + size]
                if all(token is not None for token in window) and tuple(t[1] for t in window) == key:  # type: ignore[index]
                    seen[" ".join(t[0] for t in window)] += 1  # type: ignore[index]
            if looked == SPELLING_SAMPLE:
                break
        return seen.most_common(1)[0][0] if seen else " ".join(key)


def analyse(answers: Sequence[str], question: str | None = None) -> AnswerAnalysis:
    """Words and phrases of up to three content words per answer (a tight loop: thousands of answers in ms)."""
    excluded = _question_stems(question)
    per_answer = []
    for answer in answers:
        stems = [token[1] if token is not None else None for token in _tokens(answer, excluded)]
        seen: set[tuple[str, ...]] = set()
        length = len(stems)
        for index, stem in enumerate(stems):
            if stem is None:
                continue
            seen.add((stem,))
            second = stems[index + 1] if index + 1 < length else None
            if second is not None:
                seen.add((stem, second))
                third = stems[index + 2] if index + 2 < length else None
                if third is not None:
                    seen.add((stem, second, third))
        per_answer.append(frozenset(seen))
    return AnswerAnalysis(answers=tuple(answers), excluded=excluded, grams=tuple(per_answer))


def find_themes(
    answers: Sequence[str], *, question: str | None = None, limit: int = 5, analysis: AnswerAnalysis | None = None
) -> list[Theme]:
    """The main themes of `answers`, most mentioned first; words of `question` are not themes."""
    if not answers or limit <= 0:
        return []
    analysis = analysis or analyse(answers, question)
    frequency: Counter[tuple[str, ...]] = Counter()
    for grams in analysis.grams:
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
        Theme(label=analysis.spelling(key), answers=frequency[key], share=round(frequency[key] / total, 4))
        for key in chosen
    ]


def representative_answers(
    answers: Sequence[str],
    themes: Sequence[Theme],
    *,
    question: str | None = None,
    limit: int = 3,
    analysis: AnswerAnalysis | None = None,
) -> list[str]:
    """A few answers that stand for the themes: for each theme in turn, the answer that mentions the most themes
    and is of a readable length. Without themes, the answers of the most readable length."""
    if not answers or limit <= 0:
        return []
    analysis = analysis or analyse(answers, question)
    theme_keys = [tuple(_stem(word) for word in _WORD.findall(theme.label)) for theme in themes]
    mentions = [[index for index, key in enumerate(theme_keys) if key in grams] for grams in analysis.grams]

    def readability(position: int) -> int:
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
            if len(chosen) == limit:
                break
    return [answers[position].strip() for position in chosen]
