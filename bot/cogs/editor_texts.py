"""The bot's words for editors (review queue, polls by hand, fixing polls), in English and German.

Merged into bot/cogs/i18n.py's MESSAGES; kept here so the review feature's sentences stay in one place.
"""

from __future__ import annotations

EDITOR_MESSAGES: dict[str, dict[str, str]] = {
    "poll.edited": {"en": "Edited by an editor.", "de": "Von der Redaktion bearbeitet."},
    "editor.role_too": {  # follows error.not_allowed: editors are Manage Server or the editor role
        "en": "Members with this server's editor role can do it too.",
        "de": "Mitglieder mit der Redaktionsrolle dieses Servers dürfen es auch.",
    },
    # --- what an editor typed (bot/polls/options.py)
    "editor.question_empty": {"en": "Please write the question.", "de": "Bitte schreib die Frage."},
    "editor.question_too_long": {
        "en": "The question has {length} characters; at most {limit} fit. Nothing was changed.",
        "de": "Die Frage hat {length} Zeichen; höchstens {limit} passen. Es wurde nichts geändert.",
    },
    "editor.question_mention": {
        "en": "The question contains a mention (@everyone, @here, a member, role or channel). Polls never ping anyone: please write it without. Nothing was changed.",
        "de": "Die Frage enthält eine Erwähnung (@everyone, @here, ein Mitglied, eine Rolle oder ein Kanal). Umfragen pingen niemanden: Bitte schreib sie ohne. Es wurde nichts geändert.",
    },
    "editor.options_input_too_long": {
        "en": "The options are longer than {limit} characters altogether. Nothing was changed.",
        "de": "Die Optionen sind zusammen länger als {limit} Zeichen. Es wurde nichts geändert.",
    },
    "editor.options_too_few": {
        "en": "A poll needs at least two options, but only “{option}” was given. Write one per line or “A | B | C”; leave it empty for yes/no, or write “open” for written answers. Nothing was changed.",
        "de": "Eine Umfrage braucht mindestens zwei Optionen, angegeben war nur „{option}“. Schreib eine pro Zeile oder „A | B | C“; leer lassen für Ja/Nein, oder „offen“ für schriftliche Antworten. Es wurde nichts geändert.",
    },
    "editor.options_too_many": {
        "en": "That is {count} options; a poll can have at most {limit}. Nothing was changed.",
        "de": "Das sind {count} Optionen; eine Umfrage kann höchstens {limit} haben. Es wurde nichts geändert.",
    },
    "editor.option_too_long": {
        "en": "Option {number} (“{option}”) has {length} characters; at most {limit} fit. Nothing was changed.",
        "de": "Option {number} („{option}“) hat {length} Zeichen; höchstens {limit} passen. Es wurde nichts geändert.",
    },
    "editor.option_mention": {
        "en": "Option {number} contains a mention (@everyone, @here, a member, role or channel). Polls never ping anyone: please write it without. Nothing was changed.",
        "de": "Option {number} enthält eine Erwähnung (@everyone, @here, ein Mitglied, eine Rolle oder ein Kanal). Umfragen pingen niemanden: Bitte schreib sie ohne. Es wurde nichts geändert.",
    },
    "editor.option_duplicate": {
        "en": "Options {first} and {number} are the same (“{option}”). Each option must be different. Nothing was changed.",
        "de": "Die Optionen {first} und {number} sind gleich („{option}“). Jede Option muss anders sein. Es wurde nichts geändert.",
    },
    # --- states (bot/polls/review.py)
    "state.proposed": {"en": "waiting for an editor", "de": "wartet auf die Redaktion"},
    "state.approved": {"en": "approved", "de": "freigegeben"},
    "state.dropped": {"en": "dropped", "de": "verworfen"},
    "state.posted": {"en": "posted", "de": "veröffentlicht"},
    "state.deleted": {"en": "deleted", "de": "gelöscht"},
    "review.already_approved": {
        "en": "This proposal was approved already. Nothing was changed.",
        "de": "Dieser Vorschlag ist schon freigegeben. Es wurde nichts geändert.",
    },
    "review.already_posted": {
        "en": "This proposal was approved and posted already. Nothing was changed.",
        "de": "Dieser Vorschlag ist schon freigegeben und veröffentlicht. Es wurde nichts geändert.",
    },
    "review.already_dropped": {
        "en": "This proposal was dropped already. Nothing was changed.",
        "de": "Dieser Vorschlag ist schon verworfen. Es wurde nichts geändert.",
    },
    "review.already_deleted": {
        "en": "This poll was deleted. Nothing was changed.",
        "de": "Diese Umfrage wurde gelöscht. Es wurde nichts geändert.",
    },
    "editor.not_editable_closed": {
        "en": "This poll is closed, so it stays as it is. Nothing was changed.",
        "de": "Diese Umfrage ist beendet und bleibt, wie sie ist. Es wurde nichts geändert.",
    },
    "editor.not_editable_dropped": {
        "en": "This proposal was dropped, so it cannot be changed. Nothing was changed.",
        "de": "Dieser Vorschlag wurde verworfen und lässt sich nicht ändern. Es wurde nichts geändert.",
    },
    "editor.not_editable_deleted": {
        "en": "This poll was deleted, so it cannot be changed. Nothing was changed.",
        "de": "Diese Umfrage wurde gelöscht und lässt sich nicht ändern. Es wurde nichts geändert.",
    },
    "editor.edit_has_votes": {
        "en": "This poll has votes or answers already, so its options stay as they are; only the question can still change. Nothing was changed.",
        "de": "Diese Umfrage hat schon Stimmen oder Antworten, deshalb bleiben ihre Optionen, wie sie sind; nur die Frage lässt sich noch ändern. Es wurde nichts geändert.",
    },
    "editor.article_not_posted": {
        "en": "That article is not posted yet. Try again once it is in its channel.",
        "de": "Dieser Artikel ist noch nicht veröffentlicht. Versuch es noch einmal, sobald er im Kanal steht.",
    },
    "editor.too_many_polls": {
        "en": "That article has {limit} polls already, which is the most it can have.",
        "de": "Dieser Artikel hat schon {limit} Umfragen, mehr gehen nicht.",
    },
    "editor.multiple_needs_native": {
        "en": "Multiple choice works with Discord's own polls only, for a poll with options. Switch this server to them with `/config set style:native`, or leave `multiple` off.",
        "de": "Mehrfachauswahl gibt es nur bei Discords eigenen Umfragen und nur mit Optionen. Stell den Server mit `/config set style:native` darauf um, oder lass `multiple` aus.",
    },
    "editor.bad_article": {"en": "Please pick an article from the list.", "de": "Bitte wähl einen Artikel aus der Liste."},
    "editor.bad_poll": {"en": "Please pick a poll from the list.", "de": "Bitte wähl eine Umfrage aus der Liste."},
    # --- replies
    "editor.added": {
        "en": "The poll “{question}” is posted in the article's thread.",
        "de": "Die Umfrage „{question}“ steht jetzt im Thread des Artikels.",
    },
    "editor.edited": {"en": "Saved: “{question}”.", "de": "Gespeichert: „{question}“."},
    "editor.unchanged": {"en": "Nothing changed: that is what the poll says already.", "de": "Nichts geändert: So steht es schon in der Umfrage."},
    "editor.delete_confirm": {
        "en": "Delete the poll “{question}”? Its message, its {votes} votes and {answers} written answers are removed, and summaries leave it out. This cannot be undone.",
        "de": "Die Umfrage „{question}“ löschen? Ihre Nachricht, ihre {votes} Stimmen und {answers} schriftlichen Antworten werden entfernt, und Auswertungen lassen sie weg. Das lässt sich nicht rückgängig machen.",
    },
    "editor.delete_button": {"en": "Delete poll", "de": "Umfrage löschen"},
    "editor.cancel_button": {"en": "Cancel", "de": "Abbrechen"},
    "editor.deleted": {
        "en": "The poll “{question}” is deleted ({votes} votes and {answers} answers removed).",
        "de": "Die Umfrage „{question}“ ist gelöscht ({votes} Stimmen und {answers} Antworten entfernt).",
    },
    "editor.delete_cancelled": {"en": "Nothing was deleted.", "de": "Es wurde nichts gelöscht."},
    "editor.not_a_poll": {"en": "That message is not one of this server's polls.", "de": "Diese Nachricht ist keine Umfrage dieses Servers."},
    "editor.modal_title": {"en": "Edit poll", "de": "Umfrage bearbeiten"},
    "editor.modal_question": {"en": "Question", "de": "Frage"},
    "editor.modal_options": {"en": "Options (one per line; empty: yes/no)", "de": "Optionen (je Zeile eine; leer: Ja/Nein)"},
    "editor.modal_options_locked": {"en": "Options (fixed: the poll has votes)", "de": "Optionen (fest: die Umfrage hat Stimmen)"},
    "editor.modal_options_hint": {
        "en": "One option per line. Empty: yes/no. “open”: written answers.",
        "de": "Eine Option pro Zeile. Leer: Ja/Nein. „offen“: schriftliche Antworten.",
    },
    "editor.options_locked": {
        "en": " The poll has votes, so only the question can change.",
        "de": " Die Umfrage hat Stimmen, deshalb lässt sich nur die Frage ändern.",
    },
    # --- the review channel (bot/cogs/review.py)
    "review.heading": {"en": "Proposed polls for “{title}”", "de": "Vorgeschlagene Umfragen zu „{title}“"},
    "review.intro": {
        "en": "Approve, edit or drop each proposal. Approved polls appear in the article's thread at once. Undecided ones are {default} {when}.",
        "de": "Gib jeden Vorschlag frei, bearbeite oder verwirf ihn. Freigegebene Umfragen erscheinen sofort im Thread des Artikels. Unentschiedene werden {when} {default}.",
    },
    "review.default_drop": {"en": "dropped", "de": "verworfen"},
    "review.default_publish": {"en": "published", "de": "veröffentlicht"},
    "review.all_decided": {"en": "Every proposal is decided.", "de": "Über alle Vorschläge ist entschieden."},
    "review.kind_yes_no": {"en": "yes/no", "de": "Ja/Nein"},
    "review.kind_open": {"en": "written answers", "de": "schriftliche Antworten"},
    "review.decided_by": {"en": "{state} by {member} {when}", "de": "{state} von {member} {when}"},
    "review.decided_by_timeout": {"en": "{state} after the review time ran out", "de": "{state}, weil die Prüfzeit abgelaufen ist"},
    "review.edited_by": {"en": "edited by {member}", "de": "bearbeitet von {member}"},
    "review.approve": {"en": "Approve {number}", "de": "{number} freigeben"},
    "review.edit": {"en": "Edit {number}", "de": "{number} bearbeiten"},
    "review.drop": {"en": "Drop {number}", "de": "{number} verwerfen"},
    "review.approve_all": {"en": "Approve all", "de": "Alle freigeben"},
    "review.approved": {"en": "Approved: “{question}” goes to the article's thread now.", "de": "Freigegeben: „{question}“ kommt jetzt in den Thread des Artikels."},
    "review.dropped": {"en": "Dropped: “{question}” will not be posted.", "de": "Verworfen: „{question}“ wird nicht veröffentlicht."},
    "review.approved_all": {"en": "Approved {count} proposals; they go to the article's thread now.", "de": "{count} Vorschläge freigegeben; sie kommen jetzt in den Thread des Artikels."},
    "review.nothing_waiting": {"en": "No proposal is waiting any more. Nothing was changed.", "de": "Es wartet kein Vorschlag mehr. Es wurde nichts geändert."},
    "review.unknown": {
        "en": "This button does not belong to a poll or proposal of this server. Nothing was changed.",
        "de": "Dieser Knopf gehört zu keiner Umfrage und keinem Vorschlag dieses Servers. Es wurde nichts geändert.",
    },
    # --- /config set review (bot/cogs/review.py)
    "config.review": {"en": "Review mode", "de": "Prüfmodus"},
    "config.review_on": {"en": "on: proposals wait in {channel}", "de": "an: Vorschläge warten in {channel}"},
    "config.editor_role": {"en": "Editor role", "de": "Redaktionsrolle"},
    "config.review_default": {"en": "Undecided after the review time", "de": "Unentschieden nach der Prüfzeit"},
    "config.review_needs_channel": {
        "en": "Review mode needs a review channel: add review_channel:#channel. Nothing was changed.",
        "de": "Der Prüfmodus braucht einen Prüfkanal: gib review_channel:#kanal an. Es wurde nichts geändert.",
    },
    "config.bad_review_default": {"en": "“{value}” is not one of: {allowed}.", "de": "„{value}“ ist keiner der Werte: {allowed}."},
}

# German for what Discord's client shows of the editors' commands (merged into bot/cogs/translator.py's GERMAN).
EDITOR_GERMAN: dict[str, str] = {
    "Post a poll you write in an article's thread (editors; no review)": "Eine eigene Umfrage im Thread eines Artikels posten (Redaktion; ohne Prüfung)",
    "The article (start typing its title)": "Der Artikel (tippen, um den Titel zu suchen)",
    "The question, up to 300 characters": "Die Frage, bis 300 Zeichen",
    "Options as “A | B | C” or one per line; empty: yes/no; “open”: written answers": "Optionen als „A | B | C“ oder je Zeile eine; leer: Ja/Nein; „offen“: schriftliche Antworten",
    "How long it stays open, e.g. 3d or 12h (default: this server's poll duration)": "Wie lange sie offen bleibt, z. B. 3d oder 12h (sonst die Umfragedauer des Servers)",
    "Change a poll's question or options (options only before its first vote)": "Frage oder Optionen einer Umfrage ändern (Optionen nur vor der ersten Stimme)",
    "The poll (start typing its question)": "Die Umfrage (tippen, um die Frage zu suchen)",
    "Delete a poll with its votes and answers (asks first)": "Eine Umfrage mit ihren Stimmen und Antworten löschen (fragt vorher)",
    "Review mode: proposed polls wait for an editor in the review channel": "Prüfmodus: Vorgeschlagene Umfragen warten im Prüfkanal auf die Redaktion",
    "Channel where editors approve, edit or drop proposed polls": "Kanal, in dem die Redaktion vorgeschlagene Umfragen freigibt, bearbeitet oder verwirft",
    "Role of editors (besides members with Manage Server)": "Rolle der Redaktion (neben Mitgliedern mit „Server verwalten“)",
    "What happens to proposals nobody decided in time": "Was mit Vorschlägen passiert, über die niemand rechtzeitig entschieden hat",
    "drop them": "verwerfen",
    "publish them": "veröffentlichen",
    "review channel": "Prüfkanal",
    "editor role": "Redaktionsrolle",
}
