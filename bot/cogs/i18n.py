"""The bot's own words, in German and English. One table; every cog asks here.

`language_for(locale)` picks German for Discord locale "de", English for everything else.
"""

from __future__ import annotations

from typing import Any

Language = str  # "de" | "en"

MESSAGES: dict[str, dict[Language, str]] = {
    "error.generic": {
        "en": "Something went wrong on our side. Nothing was changed; please try again in a moment.",
        "de": "Bei uns ist etwas schiefgegangen. Es wurde nichts geändert; bitte versuch es gleich noch einmal.",
    },
    "error.not_allowed": {
        "en": "Sorry, you need the Manage Server permission to do that.",
        "de": "Dafür brauchst du leider die Berechtigung „Server verwalten“.",
    },
}


def language_for(locale: object) -> Language:
    """German for a German Discord locale, English otherwise."""
    return "de" if str(locale or "").lower().startswith("de") else "en"


def t(key: str, language: Language, /, **values: Any) -> str:
    """The text for `key` in `language` (English when no German exists), formatted with `values`."""
    texts = MESSAGES[key]
    template = texts.get(language) or texts["en"]
    return template.format(**values) if values else template
