"""What the simulated community writes: answers to open questions and messages in article threads (de/en).

Answers are built from a few themes per question, each worded many ways, so the summary's keyword themes have
something real to find (several answers share "Ausschlafen" or "agenda") while no two answers read the same.
A question the pools do not know gets the generic pool of its language.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    weight: float  # how popular the theme is among the community
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class AnswerPool:
    language: str
    keywords: tuple[str, ...]  # any of these in the question (case-insensitive) selects the pool
    themes: tuple[Theme, ...]
    extras: tuple[str, ...]  # second sentences that fit any theme

    def matches(self, question: str) -> bool:
        folded = question.casefold()
        return any(keyword.casefold() in folded for keyword in self.keywords)


FRIDAY = AnswerPool(
    language="de",
    keywords=("freien Freitag",),
    themes=(
        Theme("Ausschlafen", 0.30, (
            "Ausschlafen, ganz klar. Ohne Wecker aufzuwachen ist für mich der größte Luxus.",
            "Erstmal richtig ausschlafen und dann in Ruhe frühstücken.",
            "Ausschlafen! Montags bis donnerstags komme ich nie vor Mitternacht ins Bett.",
            "Zuerst ausschlafen, alles andere kann warten.",
            "Ausschlafen und danach ein langes Frühstück auf dem Balkon.",
            "Ganz ehrlich: ausschlafen. Danach sehe ich weiter.",
            "Einmal ausschlafen, ohne dass das Handy klingelt.",
        )),
        Theme("Sport", 0.22, (
            "Sport am Vormittag, wenn das Fitnessstudio noch leer ist.",
            "Morgens laufen gehen. Sport kommt bei mir sonst viel zu kurz.",
            "Eine lange Radtour, Sport an der frischen Luft fehlt mir total.",
            "Schwimmen gehen. Mehr Sport war mein Vorsatz für dieses Jahr.",
            "Sport, und zwar ohne auf die Uhr zu schauen.",
            "Endlich wieder zum Klettern, Sport in der Gruppe macht mehr Spaß.",
        )),
        Theme("Kinder", 0.20, (
            "Zeit mit den Kindern verbringen, die kommen im Alltag zu kurz.",
            "Die Kinder früher von der Kita abholen und mit ihnen in den Zoo.",
            "Mit den Kindern frühstücken, ohne Hektik vor der Schule.",
            "Ein Ausflug mit den Kindern an den See.",
            "Ich würde den Tag den Kindern schenken. Die freuen sich jetzt schon.",
        )),
        Theme("Erledigungen", 0.13, (
            "Erledigungen: Arzttermine, Bürgeramt, Werkstatt. Dafür nehme ich sonst Urlaub.",
            "Alle Erledigungen, die sich ansammeln, damit Samstag und Sonntag frei bleiben.",
            "Erledigungen und Einkäufe, dann habe ich Samstag wirklich frei.",
            "Langweilig, aber ehrlich: Erledigungen und Papierkram.",
        )),
        Theme("Ehrenamt", 0.08, (
            "Ehrenamt. Ich helfe gern bei der Tafel, dafür fehlt mir sonst die Zeit.",
            "Mehr Ehrenamt im Sportverein, die suchen dringend Trainer.",
            "Ehrenamt in der Stadtbibliothek, das habe ich mir schon lange vorgenommen.",
            "Freitags Hausaufgabenhilfe geben, Ehrenamt ist mir wichtig.",
            "Ehrenamt bei der Freiwilligen Feuerwehr, dafür bleibt sonst nichts übrig.",
        )),
        Theme("Garten", 0.07, (
            "Im Garten arbeiten, Tomaten pflanzen, Hände in die Erde.",
            "Garten! Da wartet seit Wochen ein Beet auf mich.",
            "Den Garten auf Vordermann bringen und abends grillen.",
            "Ab in den Garten, Hecke schneiden, Rasen mähen.",
        )),
    ),
    extras=(
        "Danach vielleicht ein Buch.",
        "Freitags ist es überall so schön leer.",
        "Und abends mit Freunden essen gehen.",
        "Das Wochenende wäre dann wirklich Erholung.",
        "Hauptsache kein Laptop.",
        "Klingt nach einem Traum.",
        "Mein Chef liest hier hoffentlich mit.",
        "So stelle ich mir das jedenfalls vor.",
        "Das wäre schon viel wert.",
        "Alles ohne schlechtes Gewissen.",
        "Wahrscheinlich würde ich trotzdem Mails checken.",
        "Und dann ab in die Sauna.",
    ),
)

MEETING_HABITS = AnswerPool(
    language="en",
    keywords=("meeting habit",),
    themes=(
        Theme("agenda", 0.28, (
            "Meetings without an agenda. Nobody knows why we are there, so we talk for an hour.",
            "No agenda, and the organiser says 'let's just see where it goes'.",
            "Calling a meeting with no agenda and then going round the room for opinions.",
            "An agenda that is just the meeting title repeated.",
            "Recurring meetings whose agenda nobody has updated in a year.",
            "Sending the agenda five minutes before the call.",
        )),
        Theme("slides", 0.22, (
            "Someone reading their slides aloud, word for word.",
            "Forty slides for a ten minute update.",
            "Sharing slides nobody can read because the font is tiny.",
            "Reading slides aloud while everyone reads them faster on their own.",
            "Slides with a wall of text, and a presenter who recites the wall.",
        )),
        Theme("emails", 0.18, (
            "People answering emails during the call and then needing the question repeated.",
            "Everyone with cameras off, clearly doing their emails.",
            "Typing emails loudly while unmuted.",
            "Half the attendees on their laptops doing emails instead of listening.",
        )),
        Theme("running late", 0.17, (
            "Starting late because we wait for the one person who is always running late.",
            "Running late every single time, then running over at the end too.",
            "The boss running late and nobody daring to start without them.",
            "Meetings that start late and still end late.",
        )),
        Theme("muted", 0.15, (
            "Talking for two minutes while muted, then getting annoyed that nobody answered.",
            "Staying muted when asked a direct question, as if nobody would notice.",
            "Forgetting they are not muted and narrating their lunch.",
            "'Sorry, I was muted' at least five times per call.",
        )),
    ),
    extras=(
        "It drives me mad.",
        "Every week, without fail.",
        "Honestly a daily occurrence at my last job.",
        "We banned it and meetings got shorter.",
        "I have been guilty of it too.",
        "It wastes everyone's time.",
        "Please stop.",
        "My manager does this.",
        "Nobody ever says anything about it.",
        "Happens in every company I worked for.",
        "I still remember the worst one.",
        "Small thing, huge cost.",
    ),
)

LOCAL_MODEL_TASKS = AnswerPool(
    language="de",
    keywords=("lokalen Modell", "anvertrauen"),
    themes=(
        Theme("Protokolle", 0.27, (
            "Protokolle von Besprechungen zusammenfassen. Das frisst bei uns jede Woche Stunden.",
            "Protokolle schreiben lassen, die liest ohnehin niemand ganz.",
            "Aus meinen Stichpunkten ordentliche Protokolle machen.",
            "Protokolle der Teamrunden zusammenfassen, mit Aufgabenliste am Ende.",
            "Protokolle, weil da viele interne Namen drinstehen, die nicht in die Cloud sollen.",
        )),
        Theme("E-Mails", 0.24, (
            "Entwürfe für E-Mails an Kunden, die ich dann nur noch anpasse.",
            "E-Mails sortieren und auf die wichtigsten hinweisen.",
            "Antworten auf Standard-E-Mails vorformulieren.",
            "Lange E-Mails zusammenfassen, bevor ich sie lese.",
            "Freundliche Absagen per E-Mails formulieren, das fällt mir schwer.",
        )),
        Theme("Übersetzungen", 0.19, (
            "Übersetzungen ins Englische, vor allem für Angebote.",
            "Erste Übersetzungen von Handbüchern, die dann jemand korrigiert.",
            "Übersetzungen von Support-Anfragen aus dem Ausland.",
            "Übersetzungen für unsere Kunden in Frankreich.",
            "Schnelle Übersetzungen von Dokumenten mit vertraulichem Inhalt.",
        )),
        Theme("Verträge", 0.16, (
            "Verträge gegenlesen und auf ungewöhnliche Klauseln hinweisen.",
            "Verträge durchsuchen: Wo stehen die Kündigungsfristen?",
            "Verträge mit Kundendaten, die gehören genau nicht in die Cloud.",
            "Alte Verträge nach Laufzeiten durchforsten lassen.",
            "Verträge vergleichen: Was hat sich zur letzten Version geändert?",
        )),
        Theme("Code", 0.14, (
            "Code-Reviews für unsere internen Skripte.",
            "Code dokumentieren, das macht bei uns keiner gern.",
            "Tests für alten Code schreiben lassen.",
            "Fehlermeldungen im Code erklären lassen.",
            "Code von einer Sprache in die andere übertragen.",
        )),
    ),
    extras=(
        "Aber nur mit Kontrolle durch einen Menschen.",
        "Datenschutz ist für uns der entscheidende Punkt.",
        "Das spart sicher Zeit.",
        "Mal sehen, ob die Qualität reicht.",
        "Wir probieren das gerade aus.",
        "Unsere IT wäre begeistert.",
        "Fehler passieren trotzdem.",
        "Der Rest bleibt Handarbeit.",
        "Alles andere ist mir zu riskant.",
        "Bin gespannt auf eure Erfahrungen.",
        "Vorher würde ich einen Test machen.",
    ),
)

NEWSLETTER_LONGEST = AnswerPool(
    language="en",
    keywords=("longest",),
    themes=(
        Theme("local news", 0.26, (
            "A local news letter from my town. It is the only place I learn what the council decided.",
            "My city's weekly local news digest, because nobody else covers that.",
            "A small local news project run by a pair of journalists. Every euro well spent.",
            "Local news from my old neighbourhood, it keeps me connected.",
        )),
        Theme("recipes", 0.22, (
            "A cooking one with three recipes every Friday. I actually cook them.",
            "Weekly recipes with a short story about where they come from.",
            "The recipes newsletter from a tiny bakery, simple and seasonal.",
            "Recipes plus a shopping list, that is what keeps me subscribed.",
        )),
        Theme("personal writing", 0.2, (
            "One with very personal writing, it feels like a letter from a friend.",
            "A writer who shares personal essays once a month. No links, just writing.",
            "Personal writing about slow living; I save every issue.",
            "Honest, personal writing about running a small business.",
        )),
        Theme("short", 0.18, (
            "It is short: five bullet points, done over coffee.",
            "A tech digest that stays short and never pads.",
            "Short, no ads, and it arrives only when there is something to say.",
            "Short summaries of research papers, one per issue.",
        )),
        Theme("no ads", 0.14, (
            "A design newsletter with no ads and no tracking pixels.",
            "Paid, so no ads. I am happy to pay.",
            "No ads, no sponsored sections, just the content.",
            "A history newsletter without ads or pop-ups.",
        )),
    ),
    extras=(
        "Eight years and counting.",
        "I unsubscribe from everything else.",
        "I forward it to friends.",
        "It is the one I open first.",
        "I would pay double.",
        "Never missed an issue.",
        "My partner reads it too.",
        "Found it through a podcast.",
        "Still a joy.",
        "It survived three inbox clean-ups.",
    ),
)

GENERIC = {
    "de": AnswerPool(
        language="de",
        keywords=(),
        themes=(
            Theme("Erfahrung", 0.35, (
                "Aus eigener Erfahrung: Es kommt sehr auf das Team an.",
                "Meine Erfahrung ist eher gemischt.",
                "Erfahrung zeigt, dass kleine Schritte am besten funktionieren.",
            )),
            Theme("Zeit", 0.35, (
                "Am Ende ist es eine Frage der Zeit.",
                "Mir fehlt vor allem die Zeit dafür.",
                "Mit mehr Zeit würde ich es ausprobieren.",
            )),
            Theme("Kosten", 0.3, (
                "Die Kosten sind für uns das Hauptproblem.",
                "Wenn die Kosten stimmen, gern.",
                "Bei den Kosten bin ich skeptisch.",
            )),
        ),
        extras=("Spannendes Thema.", "Danke für den Artikel!"),
    ),
    "en": AnswerPool(
        language="en",
        keywords=(),
        themes=(
            Theme("experience", 0.35, (
                "From experience, it depends on the team.",
                "My experience has been mixed.",
                "Experience says small steps work best.",
            )),
            Theme("time", 0.35, (
                "In the end it is a question of time.",
                "I mostly lack the time for it.",
                "With more time I would try it.",
            )),
            Theme("cost", 0.3, (
                "The cost is our main problem.",
                "If the cost is right, sure.",
                "I am sceptical about the cost.",
            )),
        ),
        extras=("Interesting topic.", "Thanks for the article!"),
    ),
}

ANSWER_POOLS = (FRIDAY, MEETING_HABITS, LOCAL_MODEL_TASKS, NEWSLETTER_LONGEST)


def answer_pool(question: str, language: str) -> AnswerPool:
    """The pool written for this question, else the generic one of its language."""
    for pool in ANSWER_POOLS:
        if pool.matches(question):
            return pool
    return GENERIC["de" if language.startswith("de") else "en"]


class AnswerWriter:
    """Writes one question's answers: a theme by popularity, its least used wording, sometimes a second sentence.

    Wordings are spread evenly and answers never repeat verbatim: a sentence that many answers share would
    itself become a "theme" of the summary, which real readers would not produce.
    """

    def __init__(self, pool: AnswerPool, rng: random.Random) -> None:
        self.pool = pool
        self.rng = rng
        self.used: Counter[str] = Counter()
        self.answers: set[str] = set()

    def _least_used(self, sentences: Sequence[str]) -> str:
        fewest = min(self.used[s] for s in sentences)
        return self.rng.choice([s for s in sentences if self.used[s] == fewest])

    def write(self) -> tuple[str, str]:
        """(theme name, answer text)."""
        weights = [theme.weight for theme in self.pool.themes]
        theme = self.rng.choices(self.pool.themes, weights)[0]
        text = self._least_used(theme.sentences)
        reused = self.used[text] > 0
        self.used[text] += 1
        if reused or self.rng.random() < 0.3:
            extra = self._least_used(self.pool.extras)
            self.used[extra] += 1
            text = f"{text} {extra}"
        while text in self.answers:
            extra = self._least_used(self.pool.extras)
            self.used[extra] += 1
            text = f"{text} {extra}"
        self.answers.add(text)
        return theme.name, text


@dataclass(frozen=True)
class ChatPool:
    keywords: tuple[str, ...]  # matched against the article's title
    lines: tuple[str, ...]


CHAT_POOLS = (
    ChatPool(("Vier-Tage-Woche",), (
        "Wir testen das seit März. Der Donnerstag ist wirklich hart, aber der Freitag ist es wert.",
        "Spannend, dass ihr die Meetings halbiert habt. Das allein wäre bei uns schon ein Gewinn.",
        "Bei uns im Schichtbetrieb ist das leider kaum umsetzbar.",
        "Gleiche Arbeit in weniger Zeit klingt gut, aber wer fängt die Kundenanrufe am Freitag ab?",
        "Habt ihr Zahlen dazu, ob die Produktivität gleich geblieben ist?",
        "Ich würde sofort tauschen, auch mit etwas weniger Gehalt.",
        "Our team in Leeds tried it too; same experience with the Thursday crunch.",
        "Mehr asynchron arbeiten ist eigentlich der spannendere Teil des Artikels.",
        "Die kurzen Videos statt Statusrunden übernehme ich direkt.",
        "Danke für den ehrlichen Bericht, klingt nicht nach Hochglanz-PR.",
        "Was sagen eure Kunden dazu?",
        "Vier lange Tage wären mir zu viel, ich bin eher für flexible Stunden.",
    )),
    ChatPool(("remote meetings",), (
        "Starting with the decision changed everything for us.",
        "Twenty-five minutes as the default is genius. Stealing that.",
        "Cameras optional is the only sane policy.",
        "We write first too, but half the team never reads the doc beforehand.",
        "Who keeps the notes when the note-taker is on holiday?",
        "Great list. I'd add: no meetings on Friday afternoons.",
        "Wir machen das genauso, vor allem das Protokoll im selben Kanal.",
        "Ending early is underrated. People are so much happier.",
        "How do you handle time zones with the 25 minute rule?",
        "Printed this out for my manager.",
    )),
    ChatPool(("KI-Modelle",), (
        "Welche Grafikkarte habt ihr genommen?",
        "15 Euro Strom im Monat ist weniger, als ich gedacht hätte.",
        "Datenschutz ist bei uns auch der Hauptgrund, warum wir keine Cloud-Dienste nutzen dürfen.",
        "Für Zusammenfassungen reicht das locker, da stimme ich zu.",
        "Wie aufwendig war die Einrichtung?",
        "Wir haben das auch probiert, aber bei langen Texten war es zu langsam.",
        "Nice write-up. Which model are you running?",
        "Die 1.800 Euro hat man schnell wieder raus, wenn man Abo-Kosten spart.",
        "Gibt es das auch für Macs?",
        "Spannend wäre ein Folgeartikel in einem halben Jahr.",
    )),
    ChatPool(("newsletter",), (
        "I unsubscribed from twelve last week. Felt great.",
        "Fewer issues with more substance, yes please.",
        "Link roundups are dead, agreed.",
        "Open rates are also broken by mail privacy features, so take them with a grain of salt.",
        "I still love a good weekly newsletter with a real voice.",
        "Ich lese Newsletter nur noch im RSS-Reader, das hält das Postfach sauber.",
        "Your editor is right about the link lists.",
        "The ones that survive are the personal ones.",
        "Monthly is my sweet spot.",
        "Anyone else using a separate email address just for newsletters?",
    )),
)

GENERIC_CHAT = {
    "de": ("Danke für den Artikel!", "Spannendes Thema.", "Sehe ich ähnlich.", "Gute Frage, ich muss darüber nachdenken."),
    "en": ("Thanks for the article!", "Interesting read.", "Same here.", "Good question, I need to think about it."),
}


def chat_lines(title: str, language: str) -> tuple[str, ...]:
    folded = title.casefold()
    for pool in CHAT_POOLS:
        if any(keyword.casefold() in folded for keyword in pool.keywords):
            return pool.lines
    return GENERIC_CHAT["de" if language.startswith("de") else "en"]


FIRST_NAMES_DE = ("anna", "jonas", "leonie", "lukas", "mia", "felix", "lea", "paul", "emma", "finn", "sophie",
                  "ben", "hannah", "moritz", "clara", "tim", "marie", "jan", "lena", "niklas", "ida", "mehmet",
                  "elif", "tobias", "greta", "kai", "nora", "erik")
FIRST_NAMES_EN = ("sam", "olivia", "james", "amara", "noah", "chloe", "liam", "priya", "ethan", "grace", "owen",
                  "zoe", "ryan", "maya", "leo", "isla", "dev", "ruby", "kofi", "hazel", "finley", "aisha")
NAME_STYLES = ("{name}", "{name}_{letter}", "{name}.{letter}", "{name}{number}", "the_{name}", "{name}_writes")


def member_names(count: int, rng: random.Random, german_share: float = 0.55) -> list[tuple[str, str]]:
    """(username, locale) for `count` distinct community members, roughly `german_share` of them German."""
    result: list[tuple[str, str]] = []
    used: set[str] = set()
    while len(result) < count:
        german = rng.random() < german_share
        first = rng.choice(FIRST_NAMES_DE if german else FIRST_NAMES_EN)
        style = rng.choice(NAME_STYLES)
        name = style.format(name=first, letter=rng.choice("abcdefghklmnprstwz"), number=rng.randint(7, 99))
        if name in used:
            continue
        used.add(name)
        locale = "de" if german else rng.choice(("en-US", "en-GB"))
        result.append((name, locale))
    return result
