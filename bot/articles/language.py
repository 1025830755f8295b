"""Is an article German or English? What the page or feed declares wins; detection is the fallback.

The bot only speaks German and English, so anything else is answered with the closer of the two.
"""

from __future__ import annotations

import functools
import re
import threading

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SUPPORTED_LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "en"
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_].*)?$")
_classify_lock = threading.Lock()
# Function words of one language only (no "in", "was", "so", "an", "also", "will" that both share).
_GERMAN_WORDS = frozenset(
    "und der die das ist sind nicht ich du wir ihr sie ein eine einen mit auf für von zu den dem des im es auch sich "
    "wie aber oder wenn noch nach bei aus dass man hat haben wird werden kann mehr über nur schon".split())
_ENGLISH_WORDS = frozenset(
    "the and is are of to that it you we with for on this not be have has was were or but what by from they at can "
    "your my our which would there their been more about only".split())
_WORD = re.compile(r"[^\W\d_]+")
MIN_FUNCTION_WORDS = 3
FUNCTION_WORD_MARGIN = 3


def normalise_language(tag: str | None) -> str | None:
    """"de-DE", "de_AT", "DE" -> "de"; "en-US" -> "en"; anything else (or nothing) -> None."""
    if not tag:
        return None
    match = _TAG.match(tag)
    if not match:
        return None
    code = match.group(1).lower()
    code = {"deu": "de", "ger": "de", "eng": "en"}.get(code, code)
    return code if code in SUPPORTED_LANGUAGES else None


@functools.cache
def _identifier() -> LanguageIdentifier:
    """The py3langid model restricted to German and English (loading takes about a second, once).

    Rebuilt from the restricted tables, so that the full one (all 97 languages, 28 MB) is not kept for
    `set_languages` to go back to: the model held for the process's life is 50 MB instead of 74."""
    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    full.set_languages(list(SUPPORTED_LANGUAGES))
    return LanguageIdentifier(
        full.nb_ptc, full.nb_pc, full.nb_classes, full.tk_nextmove, full.tk_output, norm_probs=True, tk_row=full.tk_row
    )


def function_word_vote(text: str) -> str | None:
    """"de" or "en" when one language's function words clearly outnumber the other's; None when unsure.

    Settles almost every German or English article at once, so the n-gram model (50 MB for the process's life)
    is loaded only for the rare text this cannot tell: short, mixed, or in a third language."""
    german = english = 0
    for word in _WORD.findall(text):
        lowered = word.lower()
        german += lowered in _GERMAN_WORDS
        english += lowered in _ENGLISH_WORDS
    if german + english < MIN_FUNCTION_WORDS:
        return None
    if german >= FUNCTION_WORD_MARGIN * max(english, 1):
        return "de"
    if english >= FUNCTION_WORD_MARGIN * max(german, 1):
        return "en"
    return None


def detect_language(text: str) -> str:
    """"de" or "en" for `text`: by its function words, else by character n-gram statistics; DEFAULT_LANGUAGE for
    no text."""
    sample = text.strip()[:5000]
    if not any(character.isalpha() for character in sample):
        return DEFAULT_LANGUAGE
    voted = function_word_vote(sample)
    if voted is not None:
        return voted
    with _classify_lock:  # the identifier keeps no state per call, but be safe across worker threads
        language, _confidence = _identifier().classify(sample)
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def choose_language(*declared: str | None, text: str = "") -> str:
    """The first declared language that is German or English, else the detected one."""
    for tag in declared:
        language = normalise_language(tag)
        if language is not None:
            return language
    return detect_language(text)
