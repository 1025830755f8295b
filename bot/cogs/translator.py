"""German names for what Discord's client shows of the slash commands: descriptions of commands, options and
choices (sent as `*_localizations` when the commands are synced). Command and option names stay English, so
the commands are the same in every server.

Add a line here for every new description; `missing_translations(tree)` lists the ones without German.
"""

from __future__ import annotations

from discord import Locale, app_commands

GERMAN: dict[str, str] = {
    # /feed
    "Blog feeds whose new articles this server gets": "Blog-Feeds, deren neue Artikel dieser Server bekommt",
    "Subscribe to a blog feed: new articles are posted in a channel": "Einen Blog-Feed abonnieren: Neue Artikel erscheinen in einem Kanal",
    "Address of the feed (RSS, Atom or JSON Feed), e.g. https://blog.example/feed.xml": "Adresse des Feeds (RSS, Atom oder JSON Feed), z. B. https://blog.example/feed.xml",
    "Text channel where new articles and their polls are posted": "Textkanal, in dem neue Artikel und ihre Umfragen erscheinen",
    "How many of the newest articles already in the feed to post now (0-10, default 0)": "Wie viele der neuesten Artikel im Feed jetzt gepostet werden (0-10, sonst 0)",
    "Stop posting a feed's new articles in this server": "Keine neuen Artikel eines Feeds mehr auf diesem Server posten",
    "The feed to remove: start typing to choose one of this server's feeds": "Der Feed, der entfernt wird: tippen, um einen Feed dieses Servers zu wählen",
    "This server's feeds: channel, last fetch, errors and next fetch": "Die Feeds dieses Servers: Kanal, letzter Abruf, Fehler, nächster Abruf",
    "Post a feed's articles in another channel from now on": "Die Artikel eines Feeds ab jetzt in einem anderen Kanal posten",
    "The feed to move: start typing to choose one of this server's feeds": "Der Feed, der umzieht: tippen, um einen Feed dieses Servers zu wählen",
    "Text channel where the feed's articles and polls go from now on": "Textkanal, in dem Artikel und Umfragen des Feeds ab jetzt erscheinen",
    "Try a paused or failing feed again now": "Einen pausierten oder gestörten Feed jetzt wieder versuchen",
    "The feed to try again: start typing to choose one of this server's feeds": "Der Feed, der wieder versucht wird: tippen, um einen Feed dieses Servers zu wählen",
    "Channel where the bot tells admins when it cannot post (default: the summary channel)": "Kanal, in dem der Bot Admins sagt, wenn er nicht posten kann (sonst der Kanal für Zusammenfassungen)",
    "When an article's thread is deleted: re-post the article with its open polls, or drop them": "Thread eines Artikels gelöscht: Artikel mit offenen Umfragen neu posten oder sie wegfallen lassen",
    "alerts channel": "Kanal für Hinweise",
    "re-post the article and its open polls": "Artikel und offene Umfragen neu posten",
    "drop the polls": "Umfragen wegfallen lassen",
    # /config
    "This server's settings for articles and polls": "Einstellungen dieses Servers für Artikel und Umfragen",
    "Show this server's settings": "Die Einstellungen dieses Servers anzeigen",
    "Change this server's settings (give only what you want to change)": "Einstellungen ändern (nur angeben, was sich ändern soll)",
    "How long polls stay open, e.g. 3d, 12h or 90m": "Wie lange Umfragen offen sind, z. B. 3d, 12h oder 90m",
    "Whether votes are anonymous (nobody, admins included, sees who voted what)": "Ob Stimmen anonym sind (niemand, auch kein Admin, sieht, wer was gewählt hat)",
    "When members see the counts: live while voting, or only when the poll closes": "Wann Mitglieder die Zahlen sehen: live oder erst, wenn die Umfrage endet",
    "Language of the polls: the article's own, or always German or English": "Sprache der Umfragen: die des Artikels oder immer Deutsch oder Englisch",
    "Channel where poll summaries for authors are posted": "Kanal, in dem Zusammenfassungen für Autoren erscheinen",
    "Role of the blog's authors (they get summaries)": "Rolle der Autoren des Blogs (sie bekommen Zusammenfassungen)",
    "Whether each article gets its own discussion thread": "Ob jeder Artikel einen eigenen Thread zur Diskussion bekommt",
    "Weekly digest: weekday and hour in UTC, e.g. “mon 09”, or “off”": "Wöchentliche Übersicht: Wochentag und Stunde (UTC), z. B. „mo 09“, oder „aus“",
    "Remove a setting: the summary channel or the author role": "Eine Einstellung entfernen: Kanal für Zusammenfassungen oder Autorenrolle",
    "At most this many polls per article (0-10): the questions surest to be put to readers": "Höchstens so viele Umfragen pro Artikel (0–10): die Fragen, die sicher an die Leser gehen",
    "live: counts shown while voting": "live: Zahlen schon während der Abstimmung",
    "on close: counts shown when the poll closes": "am Ende: Zahlen erst, wenn die Umfrage endet",
    "the article's language": "die Sprache des Artikels",
    "German (Deutsch)": "Deutsch",
    "English": "Englisch",
    "summary channel": "Kanal für Zusammenfassungen",
    "author role": "Autorenrolle",
    "Link an author name from the feed to a member of this server": "Einen Autorennamen aus dem Feed mit einem Mitglied verknüpfen",
    "The author's name exactly as the feed spells it": "Der Name des Autors genau so, wie der Feed ihn schreibt",
    "The member who is this author (gets the summaries of their articles)": "Das Mitglied, das dieser Autor ist (bekommt die Zusammenfassungen)",
    "Make an article's report link stop working and get a new one": "Den Link zur Auswertung eines Artikels ungültig machen und einen neuen bekommen",
    "The article (start typing its title)": "Der Artikel (Titel eintippen)",
    "Poll style: the bot's buttons, or Discord's own polls (voters visible to everyone)": "Umfragestil: Knöpfe des Bots oder Discords eigene Umfragen (für alle sichtbar, wer abstimmt)",
    "buttons: the bot's own poll message": "Knöpfe: die eigene Umfrage-Nachricht des Bots",
    "native: Discord's own polls (voters visible to everyone)": "Discord: Discords eigene Umfragen (für alle sichtbar, wer abstimmt)",
}

# Editors (issue 13): /poll add, edit, delete and the review settings; the table lives beside the feature.
from bot.cogs.editor_texts import EDITOR_GERMAN  # noqa: E402

GERMAN.update(EDITOR_GERMAN)

_TRANSLATED_CONTEXTS = (
    app_commands.TranslationContextLocation.command_description,
    app_commands.TranslationContextLocation.group_description,
    app_commands.TranslationContextLocation.parameter_description,
    app_commands.TranslationContextLocation.choice_name,
)


class CommandTranslator(app_commands.Translator):
    """German descriptions from `GERMAN`; everything else (and names) stays as written."""

    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if locale is not Locale.german or context.location not in _TRANSLATED_CONTEXTS:
            return None
        return GERMAN.get(string.message)


def missing_translations(tree: app_commands.CommandTree, names: tuple[str, ...] | None = None) -> list[str]:  # type: ignore[type-arg]
    """English descriptions in `tree` (or only its commands `names`) without a German entry (for tests)."""
    texts: list[str] = []

    def visit(command: app_commands.Command | app_commands.Group) -> None:  # type: ignore[type-arg]
        texts.append(str(command.description))
        if isinstance(command, app_commands.Group):
            for child in command.commands:
                visit(child)
            return
        for parameter in command.parameters:
            texts.append(str(parameter.description))
            texts.extend(str(choice.name) for choice in parameter.choices)

    for command in tree.get_commands():
        if isinstance(command, app_commands.Command | app_commands.Group) and (names is None or command.name in names):
            visit(command)
    return [text for text in texts if text not in GERMAN]
