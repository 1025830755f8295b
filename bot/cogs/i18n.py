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
    # --- polls: the poll message, votes, written answers, closing (bot/cogs/poll_views.py, bot/cogs/polls.py)
    "poll.heading": {"en": "Poll", "de": "Umfrage"},
    "poll.heading_open": {"en": "Your answer", "de": "Deine Antwort"},
    "poll.closes": {"en": "Closes {when}.", "de": "Endet {when}."},
    "poll.closed_at": {"en": "Closed {when}.", "de": "Beendet {when}."},
    "poll.closed": {"en": "This poll is closed.", "de": "Diese Umfrage ist beendet."},
    "poll.votes_total": {"en": "Votes: {count}", "de": "Stimmen: {count}"},
    "poll.answers_total": {"en": "Written answers: {count}", "de": "Schriftliche Antworten: {count}"},
    "poll.results_hidden": {
        "en": "Results are shown when the poll closes.",
        "de": "Die Ergebnisse erscheinen, wenn die Umfrage endet.",
    },
    "poll.anonymous": {
        "en": "Anonymous: nobody can see who voted what.",
        "de": "Anonym: Niemand kann sehen, wer wie abgestimmt hat.",
    },
    "poll.how_to_vote": {
        "en": "Click an option to vote. Click another option to change your vote, the same one again to withdraw it.",
        "de": "Klick auf eine Option, um abzustimmen. Eine andere Option ändert deine Stimme, dieselbe noch einmal zieht sie zurück.",
    },
    "poll.how_to_answer": {
        "en": "Click “Answer” to write your answer. A new answer replaces your previous one.",
        "de": "Klick auf „Antworten“, um deine Antwort zu schreiben. Eine neue Antwort ersetzt deine vorherige.",
    },
    "poll.answer_button": {"en": "Answer", "de": "Antworten"},
    "poll.modal_title": {"en": "Your answer", "de": "Deine Antwort"},
    "poll.modal_label": {"en": "Your answer (up to 1,000 characters)", "de": "Deine Antwort (bis 1.000 Zeichen)"},
    "poll.modal_placeholder": {
        "en": "The question is in the poll message above.",
        "de": "Die Frage steht in der Umfrage-Nachricht darüber.",
    },
    "poll.result_heading": {"en": "Poll closed: {question}", "de": "Umfrage beendet: {question}"},
    "poll.result_no_votes": {"en": "No votes.", "de": "Keine Stimmen."},
    "vote.recorded": {
        "en": "Your vote for **{option}** is recorded. Click another option to change it, or **{option}** again to withdraw it.",
        "de": "Deine Stimme für **{option}** ist gespeichert. Klick auf eine andere Option, um sie zu ändern, oder noch einmal auf **{option}**, um sie zurückzuziehen.",
    },
    "vote.changed": {
        "en": "Your vote is changed from **{previous}** to **{option}**. Click **{option}** again to withdraw it.",
        "de": "Deine Stimme ist von **{previous}** zu **{option}** geändert. Klick noch einmal auf **{option}**, um sie zurückzuziehen.",
    },
    "vote.withdrawn": {
        "en": "Your vote for **{option}** is withdrawn. Click an option to vote again.",
        "de": "Deine Stimme für **{option}** ist zurückgezogen. Klick auf eine Option, um wieder abzustimmen.",
    },
    "vote.busy": {
        "en": "Your vote could not be saved right now, so it does not count yet. Please click again in a moment.",
        "de": "Deine Stimme konnte gerade nicht gespeichert werden und zählt deshalb noch nicht. Bitte klick gleich noch einmal.",
    },
    "answer.stored": {
        "en": "Thank you, your answer is stored. You can replace it with a new one until the poll closes.",
        "de": "Danke, deine Antwort ist gespeichert. Bis die Umfrage endet, kannst du sie durch eine neue ersetzen.",
    },
    "answer.replaced": {
        "en": "Thank you, your new answer replaced your previous one.",
        "de": "Danke, deine neue Antwort hat deine vorherige ersetzt.",
    },
    "answer.empty": {
        "en": "Your answer was empty, so nothing was stored. Please write a few words and try again.",
        "de": "Deine Antwort war leer, deshalb wurde nichts gespeichert. Bitte schreib ein paar Worte und versuch es noch einmal.",
    },
    "answer.too_long": {
        "en": "Your answer is longer than {limit} characters, so nothing was stored. Please shorten it and try again.",
        "de": "Deine Antwort ist länger als {limit} Zeichen, deshalb wurde nichts gespeichert. Bitte kürze sie und versuch es noch einmal.",
    },
    "answer.not_open_poll": {
        "en": "This poll takes votes, not written answers. Nothing was changed.",
        "de": "Diese Umfrage nimmt Stimmen, keine schriftlichen Antworten. Es wurde nichts geändert.",
    },
    "poll.refused_closed": {
        "en": "This poll is closed, so nothing was changed.",
        "de": "Diese Umfrage ist beendet, deshalb wurde nichts geändert.",
    },
    "poll.refused_unknown": {
        "en": "This poll is unknown here, so nothing was changed.",
        "de": "Diese Umfrage gibt es hier nicht, deshalb wurde nichts geändert.",
    },
    "poll.close_done": {"en": "The poll “{question}” is closed.", "de": "Die Umfrage „{question}“ ist beendet."},
    "poll.close_already": {
        "en": "The poll “{question}” was already closed.",
        "de": "Die Umfrage „{question}“ war schon beendet.",
    },
    "poll.close_not_a_poll": {
        "en": "That message is not one of this server's polls.",
        "de": "Diese Nachricht ist keine Umfrage dieses Servers.",
    },
    "poll.close_command": {"en": "Close poll", "de": "Umfrage beenden"},
}


def language_for(locale: object) -> Language:
    """German for a German Discord locale, English otherwise."""
    return "de" if str(locale or "").lower().startswith("de") else "en"


def t(key: str, language: Language, /, **values: Any) -> str:
    """The text for `key` in `language` (English when no German exists), formatted with `values`."""
    texts = MESSAGES[key]
    template = texts.get(language) or texts["en"]
    return template.format(**values) if values else template
