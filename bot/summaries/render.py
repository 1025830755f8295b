"""A `Summary` as text, markdown, CSV, JSON and Discord embed data (plain dicts: the core never imports discord).

Nothing rendered here names a member: a `Summary` holds no member ids to begin with. Text that readers or the
blog wrote (titles, questions, labels, answers) is escaped where it is shown as markdown, and mentions in it are
defused, so an answer cannot ping @everyone or format the author's report. JSON and CSV carry the text as stored
(CSV cells that a spreadsheet would run as a formula get a leading apostrophe).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from bot.questions.model import PollKind
from bot.summaries.report import PollResult, Summary

BAR_WIDTH = 10
SAMPLE_CHARS = 300
LABEL_COLUMN = 24

EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FOOTER_LIMIT = 2048
MESSAGE_EMBEDS_LIMIT = 10
MESSAGE_EMBED_CHARS_LIMIT = 6000
EMBED_COLOUR = 0x4F7CAC

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary",
        "voters": "{count} voters",
        "voters_one": "1 voter",
        "polls_closed": "polls closed",
        "polls_open": "polls still open",
        "no_polls": "This article has no polls.",
        "thread": "Thread: {messages} messages from {participants} members",
        "thread_none": "Thread: no messages yet",
        "votes": "{count} votes",
        "votes_one": "1 vote",
        "answers": "{count} answers",
        "answers_one": "1 answer",
        "turnout": "turnout {percent} ({count} of {voters} voters)",
        "multiple": "several answers each: shares are of the voters",
        "themes": "Themes",
        "no_themes": "no recurring themes yet",
        "samples": "Answers",
        "no_votes": "No votes yet.",
        "no_answers": "No answers yet.",
        "kind.yes_no": "yes/no",
        "kind.choice": "choice",
        "kind.open": "open question",
        "state.open": "open",
        "state.closed": "closed",
        "state.draft": "draft",
        "option": "Option",
        "share": "Share",
        "tie": "tie",
        "digest": "This week's articles",
        "digest_none": "No new articles this week.",
    },
    "de": {
        "summary": "Auswertung",
        "voters": "{count} Teilnehmende",
        "voters_one": "1 Teilnehmende·r",
        "polls_closed": "Umfragen beendet",
        "polls_open": "Umfragen laufen noch",
        "no_polls": "Dieser Artikel hat keine Umfragen.",
        "thread": "Thread: {messages} Nachrichten von {participants} Mitgliedern",
        "thread_none": "Thread: noch keine Nachrichten",
        "votes": "{count} Stimmen",
        "votes_one": "1 Stimme",
        "answers": "{count} Antworten",
        "answers_one": "1 Antwort",
        "turnout": "Beteiligung {percent} ({count} von {voters})",
        "multiple": "Mehrfachauswahl: Anteile bezogen auf die Abstimmenden",
        "themes": "Themen",
        "no_themes": "noch keine wiederkehrenden Themen",
        "samples": "Antworten",
        "no_votes": "Noch keine Stimmen.",
        "no_answers": "Noch keine Antworten.",
        "kind.yes_no": "Ja/Nein",
        "kind.choice": "Auswahl",
        "kind.open": "offene Frage",
        "state.open": "läuft",
        "state.closed": "beendet",
        "state.draft": "Entwurf",
        "option": "Option",
        "share": "Anteil",
        "tie": "Gleichstand",
        "digest": "Die Artikel dieser Woche",
        "digest_none": "Diese Woche gab es keine neuen Artikel.",
    },
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_SPECIAL = re.compile(r"([\\*_~`|>#\[\]])")
_LINE_START = re.compile(r"^([-+]|\d+[.)])", re.MULTILINE)
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>", re.IGNORECASE)
_ZERO_WIDTH_SPACE = "\u200b"
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _language(language: str | None) -> str:
    return "de" if str(language or "").lower().startswith("de") else "en"


def label(key: str, language: str, /, **values: Any) -> str:
    template = LABELS[_language(language)][key]
    return template.format(**values) if values else template


def _count(key: str, count: int, language: str) -> str:
    return label(f"{key}_one", language) if count == 1 else label(key, language, count=count)


def percent(share: float, language: str) -> str:
    value = round(share * 100)
    return f"{value} %" if _language(language) == "de" else f"{value}%"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A readable bar: ██████░░░░ for 60 %."""
    filled = max(0, min(width, round(share * width)))
    return "█" * filled + "░" * (width - filled)


def clean_text(text: str) -> str:
    """Text as a terminal may show it: no control characters or direction overrides."""
    return _CONTROL.sub("", text)


def one_line(text: str, limit: int | None = None) -> str:
    flat = " ".join(clean_text(text).split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)].rstrip() + "…"
    return flat


def defuse_mentions(text: str) -> str:
    """@everyone, @here, <@id>, <@&id>, <#id> shown as text, never as a ping."""
    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            return "@" + _ZERO_WIDTH_SPACE + match.group(1)
        return "<" + _ZERO_WIDTH_SPACE + match.group(2) + match.group(3) + ">"

    return _MENTION.sub(repl, text)


def escape_markdown(text: str) -> str:
    """Reader or blog text, safe to embed in markdown (Discord's and CommonMark's)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", defuse_mentions(clean_text(text)))
    return _LINE_START.sub(r"\\\1", escaped)


def _code_safe(text: str) -> str:
    return clean_text(text).replace("`", "ˋ")


def _headline(poll: PollResult, language: str) -> str:
    if poll.kind == PollKind.OPEN:
        head = _count("answers", len(poll.answers), language)
        if poll.themes:
            head += f" · {label('themes', language)}: " + ", ".join(one_line(theme.label) for theme in poll.themes[:3])
        return head
    leaders = poll.leaders
    if not leaders:
        return label("no_votes", language).rstrip(".")
    names = " / ".join(one_line(option.label) for option in leaders)
    suffix = f" ({label('tie', language)})" if len(leaders) > 1 else ""
    return f"{names} {percent(leaders[0].share, language)}{suffix} · {_count('votes', poll.votes, language)}"


def headline(poll: PollResult, language: str) -> str:
    """One line for a poll's result: the leading option and its share, or the answers' main themes."""
    return _headline(poll, language)


def _status_line(summary: Summary, language: str) -> str:
    state = label("polls_closed", language) if summary.closed else label("polls_open", language)
    return f"{_count('voters', summary.voters, language)} · {state}"


def _thread_line(summary: Summary, language: str) -> str:
    if summary.thread.messages == 0:
        return label("thread_none", language)
    return label("thread", language, messages=summary.thread.messages, participants=summary.thread.participants)


def _poll_heading(poll: PollResult, language: str) -> str:
    return f"{label('kind.' + poll.kind.value, language)}, {label('state.' + poll.state.value, language)}"


def _participation_line(poll: PollResult, summary: Summary, language: str) -> str:
    counted = _count("answers", poll.participants, language) if poll.kind == PollKind.OPEN else _count("votes", poll.votes, language)
    turnout = label("turnout", language, percent=percent(poll.turnout, language), count=poll.participants, voters=summary.voters)
    several = f" · {label('multiple', language)}" if poll.multiple else ""
    return f"{counted} · {turnout}{several}"


def _option_lines(poll: PollResult, language: str, *, code_safe: bool = False) -> list[str]:
    if not poll.options:
        return []
    width = min(LABEL_COLUMN, max(len(one_line(option.label)) for option in poll.options))
    lines = []
    for option in poll.options:
        name = one_line(option.label, width)
        if code_safe:
            name = _code_safe(name)
        lines.append(f"{name.ljust(width)}  {bar(option.share)}  {percent(option.share, language):>5}  ({option.votes})")
    return lines


def _theme_list(poll: PollResult) -> str:
    return ", ".join(f"{one_line(theme.label)} ({theme.answers})" for theme in poll.themes)


def render_text(summary: Summary, language: str | None = None) -> str:
    """Plain text for a terminal or a log: bars, turnout, themes, representative answers, thread activity."""
    language = _language(language or summary.article.language)
    out = [
        f"{label('summary', language)}: {one_line(summary.article.title)}",
        one_line(summary.article.url),
        _status_line(summary, language),
        _thread_line(summary, language),
    ]
    if not summary.polls:
        out += ["", label("no_polls", language)]
    for number, poll in enumerate(summary.polls, start=1):
        out += ["", f"{number}. {one_line(poll.question)} ({_poll_heading(poll, language)})"]
        out.append("   " + _participation_line(poll, summary, language))
        if poll.kind == PollKind.OPEN:
            if not poll.answers:
                out.append("   " + label("no_answers", language))
                continue
            themes = _theme_list(poll) or label("no_themes", language)
            out.append(f"   {label('themes', language)}: {themes}")
            out.append(f"   {label('samples', language)}:")
            out += [f'   > {one_line(sample, SAMPLE_CHARS)}' for sample in poll.samples]
        else:
            out += ["   " + line for line in _option_lines(poll, language)]
    return "\n".join(out) + "\n"


def render_markdown(summary: Summary, language: str | None = None) -> str:
    """Markdown for a wiki or a file: a table per poll with bars in code spans; all reader text escaped."""
    language = _language(language or summary.article.language)
    title = escape_markdown(one_line(summary.article.title))
    url = one_line(summary.article.url).replace(")", "%29").replace(" ", "%20")
    out = [
        f"# {label('summary', language)}: [{title}]({url})",
        "",
        f"{_status_line(summary, language)}  ",
        _thread_line(summary, language),
    ]
    if not summary.polls:
        out += ["", label("no_polls", language)]
    for number, poll in enumerate(summary.polls, start=1):
        out += ["", f"## {number}. {escape_markdown(one_line(poll.question))}", ""]
        out.append(f"*{_poll_heading(poll, language)}* · {_participation_line(poll, summary, language)}")
        out.append("")
        if poll.kind == PollKind.OPEN:
            if not poll.answers:
                out.append(label("no_answers", language))
                continue
            themes = ", ".join(f"{escape_markdown(one_line(t.label))} ({t.answers})" for t in poll.themes)
            out.append(f"**{label('themes', language)}:** {themes or label('no_themes', language)}")
            out.append("")
            out += [f"> {escape_markdown(one_line(sample, SAMPLE_CHARS))}\n" for sample in poll.samples]
        else:
            out.append(f"| {label('option', language)} | {label('share', language)} | % | # |")
            out.append("|---|---|---:|---:|")
            for option in poll.options:
                out.append(
                    f"| {escape_markdown(one_line(option.label))} | `{bar(option.share)}` | "
                    f"{percent(option.share, language)} | {option.votes} |"
                )
    return "\n".join(out).rstrip() + "\n"


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


CSV_COLUMNS = ("section", "poll", "question", "kind", "state", "label", "votes", "share", "text")


def render_csv(summary: Summary) -> str:
    """One table: rows for the article, the thread, each poll, each option, theme and answer (see CSV_COLUMNS).

    `votes` holds votes, answers or members depending on the row; `share` the option's share, the poll's
    turnout or the share of answers that mention a theme.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    article = summary.article
    writer.writerow(["article", "", _csv_cell(article.title), "", "closed" if summary.closed else "open", "voters", summary.voters, "", _csv_cell(article.url)])
    writer.writerow(["thread", "", "", "", "", "messages", summary.thread.messages, "", ""])
    writer.writerow(["thread", "", "", "", "", "participants", summary.thread.participants, "", ""])
    for number, poll in enumerate(summary.polls, start=1):
        common = [number, _csv_cell(poll.question), poll.kind.value, poll.state.value]
        writer.writerow(["poll", *common, "participants", poll.participants, poll.turnout, ""])
        for option in poll.options:
            writer.writerow(["option", *common, _csv_cell(option.label), option.votes, option.share, ""])
        for theme in poll.themes:
            writer.writerow(["theme", *common, _csv_cell(theme.label), theme.answers, theme.share, ""])
        for answer in poll.answers:
            writer.writerow(["answer", *common, "", "", "", _csv_cell(answer)])
    return buffer.getvalue()


def summary_json(summary: Summary) -> dict[str, Any]:
    """The record's JSON shape (issue 5), unchanged: no member ids, ever."""
    return {
        "article": {"url": summary.article.url, "title": summary.article.title},
        "voters": summary.voters,
        "polls": [
            {
                "question": poll.question,
                "kind": poll.kind.value,
                "closed": poll.closed,
                "votes": poll.votes,
                "options": [{"label": option.label, "votes": option.votes, "share": option.share} for option in poll.options],
                "answers": [{"text": text} for text in poll.answers],
            }
            for poll in summary.polls
        ],
    }


def render_json(summary: Summary) -> str:
    return json.dumps(summary_json(summary), ensure_ascii=False, indent=2) + "\n"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", []):
        size += len(item.get("name", "")) + len(item.get("value", ""))
    return size


def _poll_embed(number: int, poll: PollResult, summary: Summary, language: str) -> dict[str, Any]:
    lines = [f"*{_poll_heading(poll, language)}* · {_participation_line(poll, summary, language)}", ""]
    if poll.kind == PollKind.OPEN:
        if not poll.answers:
            lines.append(label("no_answers", language))
        else:
            themes = ", ".join(f"{escape_markdown(one_line(t.label))} ({t.answers})" for t in poll.themes)
            lines.append(f"**{label('themes', language)}:** {themes or label('no_themes', language)}")
            lines += [f"> {escape_markdown(one_line(sample, SAMPLE_CHARS))}" for sample in poll.samples]
    elif poll.options:
        lines += ["```", *_option_lines(poll, language, code_safe=True), "```"]
    return {
        "title": _truncate(f"{number}. {escape_markdown(one_line(poll.question))}", EMBED_TITLE_LIMIT),
        "description": _truncate("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        "color": EMBED_COLOUR,
    }


def render_embeds(summary: Summary, language: str | None = None) -> list[dict[str, Any]]:
    """Discord embed dicts (`discord.Embed.from_dict`): one for the article, one per poll, each within limits."""
    language = _language(language or summary.article.language)
    header = {
        "title": _truncate(f"{label('summary', language)}: {escape_markdown(one_line(summary.article.title))}", EMBED_TITLE_LIMIT),
        "url": summary.article.url if summary.article.url.startswith(("http://", "https://")) else None,
        "description": "\n".join(
            [_status_line(summary, language), _thread_line(summary, language)]
            + ([label("no_polls", language)] if not summary.polls else [])
        ),
        "color": EMBED_COLOUR,
    }
    if header["url"] is None:
        del header["url"]
    return [header] + [_poll_embed(number, poll, summary, language) for number, poll in enumerate(summary.polls, start=1)]


def group_embeds(embeds: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Embeds split into messages of at most 10 embeds and 6,000 characters each."""
    messages: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = 0
    for embed in embeds:
        length = embed_size(embed)
        if current and (len(current) == MESSAGE_EMBEDS_LIMIT or size + length > MESSAGE_EMBED_CHARS_LIMIT):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        messages.append(current)
    return messages


def render_digest_lines(summaries: list[Summary], language: str) -> list[str]:
    """A digest entry per article: title, voters and each poll's headline (markdown-escaped, mention-safe)."""
    language = _language(language)
    if not summaries:
        return [label("digest_none", language)]
    lines: list[str] = []
    for summary in summaries:
        title = escape_markdown(one_line(summary.article.title, 200))
        lines.append(f"**{title}** · {_count('voters', summary.voters, language)}")
        for poll in summary.polls:
            lines.append(f"• {escape_markdown(one_line(poll.question, 120))}: {escape_markdown(_headline(poll, language))}")
    return lines
