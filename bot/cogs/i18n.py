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
    "poll.voters_total": {
        "en": "Voters: {count} (several answers each: shares are of the voters)",
        "de": "Abstimmende: {count} (Mehrfachauswahl: Anteile bezogen auf die Abstimmenden)",
    },
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
    # --- errors in general (bot/cogs/errors.py)
    "error.not_found": {
        "en": "That does not exist in this server. Nothing was changed.",
        "de": "Das gibt es auf diesem Server nicht. Es wurde nichts geändert.",
    },
    "error.already_exists": {"en": "That is already there. Nothing was changed.", "de": "Das gibt es schon. Es wurde nichts geändert."},
    "error.invalid_input": {
        "en": "That input cannot be used. Nothing was changed; please check it and try again.",
        "de": "Diese Eingabe kann ich nicht verwenden. Es wurde nichts geändert; bitte prüf sie und versuch es noch einmal.",
    },
    "error.poll_closed": {"en": "This poll is closed, so nothing was changed.", "de": "Diese Umfrage ist beendet, deshalb wurde nichts geändert."},
    "error.guild_only": {"en": "This command works only in a server.", "de": "Dieser Befehl funktioniert nur auf einem Server."},
    "error.bot_forbidden": {
        "en": "Discord did not let me do that: I am missing a permission there. Nothing was changed.",
        "de": "Discord hat mir das nicht erlaubt: Mir fehlt dort eine Berechtigung. Es wurde nichts geändert.",
    },
    # --- /feed (bot/cogs/feeds.py)
    "feed.added": {
        "en": "Subscribed to **{title}**: new articles will be posted in {channel}. What the feed holds now (entries: {count}) counts as already read.",
        "de": "**{title}** ist abonniert: Neue Artikel erscheinen in {channel}. Was jetzt im Feed steht (Einträge: {count}), gilt als schon gelesen.",
    },
    "feed.added_backfill": {
        "en": "Subscribed to **{title}** (entries in the feed: {count}). Posting the newest of them in {channel} now (backfill: {backfill}); new articles follow as they appear.",
        "de": "**{title}** ist abonniert (Einträge im Feed: {count}). Die neuesten davon erscheinen jetzt in {channel} (Anzahl: {backfill}); neue Artikel folgen, sobald sie erscheinen.",
    },
    "feed.removed": {
        "en": "Unsubscribed from **{title}**. Articles already posted stay where they are.",
        "de": "**{title}** ist abbestellt. Schon gepostete Artikel bleiben, wo sie sind.",
    },
    "feed.list_empty": {
        "en": "No feeds are subscribed in this server yet. Add one with `/feed add`.",
        "de": "Auf diesem Server ist noch kein Feed abonniert. Füg einen mit `/feed add` hinzu.",
    },
    "feed.list_heading": {"en": "Feeds in this server ({count}):", "de": "Feeds auf diesem Server ({count}):"},
    "feed.list_item": {
        "en": "Channel {channel} · last fetch {last_fetch} · next {next_run}",
        "de": "Kanal {channel} · zuletzt abgerufen {last_fetch} · nächster Abruf {next_run}",
    },
    "feed.list_ok": {"en": "working", "de": "funktioniert"},
    "feed.list_failing": {
        "en": "⚠️ failing ({failures} in a row, retrying less often until it works again): {error}",
        "de": "⚠️ gestört ({failures}-mal hintereinander, neue Versuche seltener, bis es wieder klappt): {error}",
    },
    "feed.never": {"en": "never", "de": "noch nie"},
    "feed.url_empty": {"en": "Please give the address of a feed.", "de": "Bitte gib die Adresse eines Feeds an."},
    "feed.url_too_long": {
        "en": "That address is longer than {limit} characters; no feed address is that long.",
        "de": "Diese Adresse ist länger als {limit} Zeichen; so lang ist keine Feed-Adresse.",
    },
    "feed.url_invalid": {
        "en": "That is not a web address I can fetch ({reason}).",
        "de": "Das ist keine Webadresse, die ich abrufen kann ({reason}).",
    },
    "feed.too_many": {
        "en": "This server already has {limit} feeds, the most I handle per server. Remove one first.",
        "de": "Dieser Server hat schon {limit} Feeds, mehr verwalte ich pro Server nicht. Entfern zuerst einen.",
    },
    "feed.already_subscribed": {
        "en": "This server is already subscribed to {url}. Nothing was changed.",
        "de": "Dieser Server hat {url} schon abonniert. Es wurde nichts geändert.",
    },
    "feed.not_subscribed": {
        "en": "This server is not subscribed to {url}. Pick one of the suggestions, or see `/feed list`.",
        "de": "Dieser Server hat {url} nicht abonniert. Wähl einen der Vorschläge, oder sieh in `/feed list` nach.",
    },
    "feed.not_a_feed": {
        "en": "That address is not a feed (RSS, Atom or JSON Feed): {reason}. Nothing was subscribed.",
        "de": "Diese Adresse ist kein Feed (RSS, Atom oder JSON Feed): {reason}. Es wurde nichts abonniert.",
    },
    "feed.not_a_feed_links": {
        "en": "That address is a web page, not a feed. The page names these feeds; try one of them: {links}",
        "de": "Diese Adresse ist eine Webseite, kein Feed. Die Seite nennt diese Feeds; versuch einen davon: {links}",
    },
    "feed.private_address": {
        "en": "That address points into a private or local network, which I do not fetch: {reason}. Nothing was subscribed.",
        "de": "Diese Adresse zeigt in ein privates oder lokales Netz, das rufe ich nicht ab: {reason}. Es wurde nichts abonniert.",
    },
    "feed.unreachable": {
        "en": "I could not reach the feed: {reason}. Nothing was subscribed; please check the address or try again later.",
        "de": "Ich konnte den Feed nicht erreichen: {reason}. Es wurde nichts abonniert; bitte prüf die Adresse oder versuch es später noch einmal.",
    },
    "feed.unreadable": {
        "en": "I could not read that feed: {reason}. Nothing was subscribed.",
        "de": "Ich konnte diesen Feed nicht lesen: {reason}. Es wurde nichts abonniert.",
    },
    "feed.channel_permissions": {
        "en": "I cannot post articles in {channel}: I am missing {permissions} there. Nothing was subscribed; please allow these and try again.",
        "de": "Ich kann in {channel} keine Artikel posten: Mir fehlt dort {permissions}. Es wurde nichts abonniert; bitte erlaub das und versuch es noch einmal.",
    },
    # --- /config (bot/cogs/settings.py)
    "config.heading": {"en": "Settings of this server", "de": "Einstellungen dieses Servers"},
    "config.poll_duration": {"en": "Poll duration", "de": "Umfragedauer"},
    "config.anonymous": {"en": "Anonymous votes", "de": "Anonyme Stimmen"},
    "config.results": {"en": "Results", "de": "Ergebnisse"},
    "config.language": {"en": "Language of polls", "de": "Sprache der Umfragen"},
    "config.summary_channel": {"en": "Summary channel", "de": "Kanal für Zusammenfassungen"},
    "config.author_role": {"en": "Author role", "de": "Autorenrolle"},
    "config.thread_per_article": {"en": "Thread per article", "de": "Thread pro Artikel"},
    "config.digest": {"en": "Weekly digest", "de": "Wöchentliche Übersicht"},
    "config.authors": {"en": "Authors linked to members", "de": "Mit Mitgliedern verknüpfte Autoren"},
    "config.max_per_article": {"en": "Polls per article (at most)", "de": "Umfragen pro Artikel (höchstens)"},
    "config.bad_max_per_article": {
        "en": "“{value}” is not a number of polls per article: please give 0 to {limit}.",
        "de": "„{value}“ ist keine Zahl von Umfragen pro Artikel: Bitte gib 0 bis {limit} an.",
    },
    "config.yes": {"en": "yes", "de": "ja"},
    "config.no": {"en": "no", "de": "nein"},
    "config.not_set": {"en": "not set", "de": "nicht gesetzt"},
    "config.off": {"en": "off", "de": "aus"},
    "config.none": {"en": "none", "de": "keine"},
    "config.results_live": {"en": "live (counts shown while voting)", "de": "live (Zahlen schon während der Abstimmung)"},
    "config.results_on_close": {"en": "when the poll closes", "de": "wenn die Umfrage endet"},
    "config.language_article": {"en": "the article's language", "de": "die Sprache des Artikels"},
    "config.language_de": {"en": "German", "de": "Deutsch"},
    "config.language_en": {"en": "English", "de": "Englisch"},
    "config.digest_value": {"en": "{weekday} at {hour}:00 UTC", "de": "{weekday} um {hour}:00 UTC"},
    "config.saved": {"en": "Saved. The settings now:", "de": "Gespeichert. Die Einstellungen jetzt:"},
    "config.unchanged": {
        "en": "Nothing changed: those are already the settings. Give at least one option to change one.",
        "de": "Nichts geändert: Das sind schon die Einstellungen. Gib mindestens eine Option an, um etwas zu ändern.",
    },
    "config.bad_duration": {
        "en": "“{value}” is not a duration. Please write it like 3d, 12h or 90m.",
        "de": "„{value}“ ist keine Dauer. Bitte schreib sie wie 3d, 12h oder 90m.",
    },
    "config.duration_range": {
        "en": "“{value}” is outside what I allow for polls: between 5 seconds and 365 days.",
        "de": "„{value}“ liegt außerhalb dessen, was ich für Umfragen erlaube: zwischen 5 Sekunden und 365 Tagen.",
    },
    "config.bad_digest": {
        "en": "“{value}” is not a weekday and hour. Please write it like “mon 09” (hour in UTC), or “off”.",
        "de": "„{value}“ ist kein Wochentag mit Uhrzeit. Bitte schreib es wie „mo 09“ (Stunde in UTC) oder „aus“.",
    },
    "config.bad_visibility": {"en": "“{value}” is not one of: {allowed}.", "de": "„{value}“ ist keiner der Werte: {allowed}."},
    "config.bad_language": {"en": "“{value}” is not one of: {allowed}.", "de": "„{value}“ ist keiner der Werte: {allowed}."},
    "config.author_empty": {"en": "Please give the author's name as the feed spells it.", "de": "Bitte gib den Namen des Autors so an, wie der Feed ihn schreibt."},
    "config.author_too_long": {
        "en": "That name is longer than {limit} characters.",
        "de": "Dieser Name ist länger als {limit} Zeichen.",
    },
    "config.author_linked": {
        "en": "Articles by **{name}** are now linked to {member}.",
        "de": "Artikel von **{name}** sind jetzt mit {member} verknüpft.",
    },
    "config.author_relinked": {
        "en": "Articles by **{name}** are now linked to {member} (instead of the member linked before).",
        "de": "Artikel von **{name}** sind jetzt mit {member} verknüpft (statt mit dem Mitglied davor).",
    },
    "config.author_not_member": {
        "en": "Please pick a member of this server.",
        "de": "Bitte wähl ein Mitglied dieses Servers.",
    },
    # summaries (bot/cogs/summaries.py)
    "summary.not_found": {
        "en": "No article “{reference}” in this server. Pick one from the list while you type.",
        "de": "Auf diesem Server gibt es keinen Artikel „{reference}“. Wähl beim Tippen einen aus der Liste.",
    },
    "summary.not_allowed": {
        "en": "Summaries are for the article's author, members with the author role and admins (Manage Server).",
        "de": "Auswertungen sehen nur die Autorin oder der Autor des Artikels, Mitglieder mit der Autorenrolle und Admins (Server verwalten).",
    },
    "summary.attached": {
        "en": "Chart and table (CSV) are attached. Nothing here shows who voted what.",
        "de": "Diagramm und Tabelle (CSV) hängen an. Nichts davon zeigt, wer wie abgestimmt hat.",
    },
    "summary.closed_post": {
        "en": "The polls of **{title}** have closed. Here is what readers said:",
        "de": "Die Umfragen zu **{title}** sind beendet. Das haben die Leser gesagt:",
    },
    "summary.closed_dm": {
        "en": "The polls of your article **{title}** have closed. Here is what readers said. (You can turn these messages off with /summary-dms in the server.)",
        "de": "Die Umfragen zu deinem Artikel **{title}** sind beendet. Das haben die Leser gesagt. (Mit /summary-dms auf dem Server kannst du diese Nachrichten abschalten.)",
    },
    "summary.dms_on": {
        "en": "You will get the summary by direct message when the polls of your articles in this server close.",
        "de": "Du bekommst die Auswertung per Direktnachricht, wenn die Umfragen zu deinen Artikeln auf diesem Server enden.",
    },
    "summary.dms_off": {
        "en": "Okay: no more summaries by direct message from this server. /summary-dms on turns them back on.",
        "de": "In Ordnung: keine Auswertungen mehr per Direktnachricht von diesem Server. Mit /summary-dms on bekommst du sie wieder.",
    },
    "summary.digest_title": {"en": "Weekly digest: {start} to {end}", "de": "Wochenübersicht: {start} bis {end}"},
    "summary.link": {
        "en": "Report on the web (works without Discord; share it only with whom should see it): <{url}>",
        "de": "Auswertung im Web (auch ohne Discord; nur mit denen teilen, die sie sehen sollen): <{url}>",
    },
    "summary.revoked": {
        "en": "The old link no longer works. New link: <{url}>",
        "de": "Der alte Link funktioniert nicht mehr. Neuer Link: <{url}>",
    },
    "summary.web_off": {
        "en": "This bot has no web pages configured ([web] in its configuration), so there is no link to revoke.",
        "de": "Dieser Bot hat keine Webseiten eingerichtet ([web] in seiner Konfiguration), es gibt also keinen Link zu widerrufen.",
    },
    "forget.confirm": {
        "en": "This deletes **all your votes, your written answers and the count of your messages in article threads** in this server. Summaries will no longer include them. It cannot be undone.",
        "de": "Damit werden **alle deine Stimmen, deine schriftlichen Antworten und die Zahl deiner Nachrichten in Artikel-Threads** auf diesem Server gelöscht. Auswertungen enthalten sie dann nicht mehr. Das lässt sich nicht rückgängig machen.",
    },
    "forget.button_confirm": {"en": "Delete my data", "de": "Meine Daten löschen"},
    "forget.button_cancel": {"en": "Cancel", "de": "Abbrechen"},
    "forget.done": {
        "en": "Done. Deleted: votes {votes}, written answers {answers}, thread message counts {threads}.",
        "de": "Erledigt. Gelöscht: Stimmen {votes}, schriftliche Antworten {answers}, Thread-Zähler {threads}.",
    },
    "forget.cancelled": {"en": "Nothing was deleted.", "de": "Es wurde nichts gelöscht."},
    "forget.not_yours": {"en": "This button is not for you.", "de": "Dieser Knopf ist nicht für dich."},
    # --- delivery problems (issue 12): notices to admins (bot/cogs/alerts.py) and /feed list, move, resume
    "delivery.missing_permissions": {
        "en": "⚠️ **{feed}**: I cannot post in {channel}. Give the bot {permissions} in {channel}; I try again as soon as a channel or role changes.",
        "de": "⚠️ **{feed}**: Ich kann in {channel} nicht posten. Gib dem Bot {permissions} in {channel}; sobald sich ein Kanal oder eine Rolle ändert, versuche ich es wieder.",
    },
    "delivery.channel_deleted": {
        "en": "⚠️ **{feed}**: its channel was deleted, so new articles wait. Move the feed with `/feed move` or remove it with `/feed remove`.",
        "de": "⚠️ **{feed}**: Sein Kanal wurde gelöscht, neue Artikel warten. Verschieb den Feed mit `/feed move` oder entfern ihn mit `/feed remove`.",
    },
    "delivery.feed_gone": {
        "en": "⚠️ **{feed}** could not be read since {since} ({error}), so I stopped fetching it. Check the address, then `/feed resume`, or `/feed remove`.",
        "de": "⚠️ **{feed}** ließ sich seit {since} nicht lesen ({error}), deshalb rufe ich ihn nicht mehr ab. Prüf die Adresse, dann `/feed resume`, oder `/feed remove`.",
    },
    "delivery.no_attach_files": {
        "en": "⚠️ The summary of **{feed}** went out as text without chart and CSV file: give the bot Attach Files in {channel}.",
        "de": "⚠️ Die Auswertung zu **{feed}** ging als Text ohne Diagramm und CSV-Datei raus: Gib dem Bot „Dateien anhängen“ in {channel}.",
    },
    "delivery.attach_fixed": {
        "en": "✅ Summaries of **{feed}** have their chart and CSV file again.",
        "de": "✅ Auswertungen zu **{feed}** haben wieder Diagramm und CSV-Datei.",
    },
    "summary.no_attach_note": {
        "en": "_(Without chart and CSV file: the bot may not attach files in this channel.)_",
        "de": "_(Ohne Diagramm und CSV-Datei: Der Bot darf in diesem Kanal keine Dateien anhängen.)_",
    },
    "delivery.other": {
        "en": "⚠️ **{feed}**: posting in {channel} fails ({problem}).",
        "de": "⚠️ **{feed}**: Posten in {channel} schlägt fehl ({problem}).",
    },
    "delivery.fixed": {
        "en": "✅ **{feed}** posts in {channel} again.",
        "de": "✅ **{feed}** postet wieder in {channel}.",
    },
    "delivery.polls_dropped": {
        "en": "The message or thread of **{title}** was deleted; its {count} open polls were dropped. (`/config set lost_thread:` chooses between re-posting and dropping.)",
        "de": "Die Nachricht oder der Thread zu **{title}** wurde gelöscht; die {count} offenen Umfragen fallen weg. (`/config set lost_thread:` wählt zwischen neu posten und wegfallen lassen.)",
    },
    "delivery.result_lost_gone": {
        "en": "⚠️ The result of the poll “{question}” could not be posted: its thread or channel {channel} is gone. The votes are kept; `/summary` shows them.",
        "de": "⚠️ Das Ergebnis der Umfrage „{question}“ ließ sich nicht posten: Ihr Thread oder Kanal {channel} ist weg. Die Stimmen bleiben gespeichert; `/summary` zeigt sie.",
    },
    "delivery.result_lost_permissions": {
        "en": "⚠️ The result of the poll “{question}” could not be posted: the bot may not send messages in {channel} (refused {attempts} times, so it stopped trying). The votes are kept; `/summary` shows them.",
        "de": "⚠️ Das Ergebnis der Umfrage „{question}“ ließ sich nicht posten: Der Bot darf in {channel} nicht schreiben ({attempts} Mal abgewiesen, darum versucht er es nicht mehr). Die Stimmen bleiben gespeichert; `/summary` zeigt sie.",
    },
    "delivery.since": {"en": "since {since}, {attempts} tries", "de": "seit {since}, {attempts} Versuche"},
    "delivery.paused": {"en": "⏸️ paused", "de": "⏸️ pausiert"},
    "feed.moved": {
        "en": "**{title}** now posts in {channel}; {count} waiting articles go there.",
        "de": "**{title}** postet jetzt in {channel}; {count} wartende Artikel erscheinen dort.",
    },
    "feed.resumed": {
        "en": "**{title}**: trying again now. `/feed list` shows how it goes.",
        "de": "**{title}**: Ich versuche es jetzt wieder. `/feed list` zeigt, wie es läuft.",
    },
    "config.alerts_channel": {"en": "Alerts channel", "de": "Kanal für Hinweise"},
    "config.lost_thread": {"en": "When an article's thread is deleted", "de": "Wenn der Thread eines Artikels gelöscht wird"},
    "config.lost_thread_repost": {"en": "re-post the article and its open polls", "de": "Artikel und offene Umfragen neu posten"},
    "config.lost_thread_drop": {"en": "drop its polls", "de": "Umfragen wegfallen lassen"},
    "config.summary_no_attach": {
        "en": "Note: I lack Attach Files in {channel}, so summaries there go out as text without chart and CSV file.",
        "de": "Hinweis: Mir fehlt „Dateien anhängen“ in {channel}, deshalb gehen Auswertungen dort als Text ohne Diagramm und CSV-Datei raus.",
    },
    # --- native polls (bot/cogs/native_polls.py, /config set style, /forget-me)
    "native.poll_intro": {
        "en": "Vote in Discord's poll below. Discord shows everyone who voted for what.",
        "de": "Stimm in der Discord-Umfrage unten ab. Discord zeigt allen, wer wofür gestimmt hat.",
    },
    "forget.native_note": {
        "en": "Discord itself still shows your vote on its poll messages until you remove it there (open the poll and choose “Remove vote”).",
        "de": "Discord selbst zeigt deine Stimme in seinen Umfragen weiter an, bis du sie dort entfernst (Umfrage öffnen, „Stimme entfernen“).",
    },
    "config.style": {"en": "Poll style", "de": "Umfragestil"},
    "config.style_buttons": {"en": "buttons (the bot's own message)", "de": "Knöpfe (die eigene Nachricht des Bots)"},
    "config.style_native": {"en": "Discord's own polls", "de": "Discords eigene Umfragen"},
    "config.bad_style": {
        "en": "“{value}” is not a poll style. Possible: {allowed}.",
        "de": "„{value}“ ist kein Umfragestil. Möglich: {allowed}.",
    },
    "config.native_confirm": {
        "en": "Votes are anonymous in this server, but **Discord's own polls show everyone who voted for what**. Native polls would make new yes/no and choice polls public. Switch to native polls anyway?",
        "de": "Auf diesem Server sind Stimmen anonym, aber **Discords eigene Umfragen zeigen allen, wer wofür gestimmt hat**. Neue Ja/Nein- und Auswahl-Umfragen wären damit öffentlich. Trotzdem auf Discord-Umfragen umstellen?",
    },
    "config.native_confirm_button": {"en": "Use native polls", "de": "Discord-Umfragen verwenden"},
    "config.native_cancel_button": {"en": "Keep buttons", "de": "Knöpfe behalten"},
    "config.native_confirmed": {
        "en": "Done: new yes/no and choice polls are Discord's own polls; their voters are visible to everyone.",
        "de": "Erledigt: Neue Ja/Nein- und Auswahl-Umfragen sind Discords eigene Umfragen; wer abstimmt, ist für alle sichtbar.",
    },
    "config.native_cancelled": {"en": "Polls keep their buttons.", "de": "Umfragen behalten ihre Knöpfe."},
    "config.native_send_polls": {
        "en": "⚠️ I may not send polls in {channels}: please give me the **Send Polls** permission there, or the polls of new articles wait.",
        "de": "⚠️ In {channels} darf ich keine Umfragen senden: Bitte gib mir dort die Berechtigung **Umfragen erstellen**, sonst warten die Umfragen neuer Artikel.",
    },
}


# Editors: review queue, polls by hand, fixing polls (issue 13); the sentences live beside their cogs.
from bot.cogs.editor_texts import EDITOR_MESSAGES  # noqa: E402

MESSAGES.update(EDITOR_MESSAGES)


def language_for(locale: object) -> Language:
    """German for a German Discord locale, English otherwise."""
    return "de" if str(locale or "").lower().startswith("de") else "en"


def t(key: str, language: Language, /, **values: Any) -> str:
    """The text for `key` in `language` (English when no German exists), formatted with `values`."""
    texts = MESSAGES[key]
    template = texts.get(language) or texts["en"]
    return template.format(**values) if values else template
