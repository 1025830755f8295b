"""The report page and the blog widget as HTML: semantic, readable on a phone, no JavaScript, nothing from
elsewhere. The one stylesheet is inline and allowed by its hash in the Content-Security-Policy (`STYLE_HASH`), so
the pages also work as static files (the demo writes copies).

Every text from the blog or from readers goes through `html.escape`; mentions in answers (<@id>, <#id>) are
shown without their ids. A `Summary` holds no member to begin with: no page can name one.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC
from html import escape

from bot.questions.model import PollKind
from bot.summaries.render import SAMPLE_CHARS, label, percent
from bot.summaries.report import PollResult, Summary
from bot.web.svg import poll_svg, without_mentions

SAMPLE_FALLBACK = 3
EMBED_BARS = 5

WEB_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "report": "What readers said",
        "widget": "What readers said",
        "option": "Option",
        "theme": "Theme",
        "count_votes": "Votes",
        "count_answers": "Answers",
        "share": "Share",
        "samples": "Some answers",
        "downloads": "Download the figures",
        "embed": "Widget for the blog",
        "embed_hint": "To show the results under the article, embed the widget:",
        "privacy": "Counts only: nobody who voted or answered is named here.",
        "more": "All results",
        "article": "Read the article",
        "closes": "closes {when} UTC",
    },
    "de": {
        "report": "Was die Leserinnen und Leser sagen",
        "widget": "Was die Leser·innen sagen",
        "option": "Option",
        "theme": "Thema",
        "count_votes": "Stimmen",
        "count_answers": "Antworten",
        "share": "Anteil",
        "samples": "Einige Antworten",
        "downloads": "Zahlen herunterladen",
        "embed": "Widget für den Blog",
        "embed_hint": "Um die Ergebnisse unter dem Artikel zu zeigen, das Widget einbetten:",
        "privacy": "Nur Zahlen: Wer abgestimmt oder geantwortet hat, wird hier nicht genannt.",
        "more": "Alle Ergebnisse",
        "article": "Zum Artikel",
        "closes": "endet {when} UTC",
    },
}

STYLE = """
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5b6474;--bg:#fff;--line:#d9dde4;--accent:#4f7cac}
@media (prefers-color-scheme:dark){:root{--fg:#e8ebf0;--muted:#a3abb8;--bg:#15181e;--line:#343a45;--accent:#8fb3da}
svg text{fill:#e8ebf0}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:46rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--accent)}
h1{font-size:1.5rem;line-height:1.25;margin:.2rem 0 .5rem}
h2{font-size:1.15rem;line-height:1.3;margin:0 0 .3rem}
.kicker,.meta,footer,.status{color:var(--muted);font-size:.9rem;margin:.2rem 0}
section.poll{border-top:1px solid var(--line);padding:1rem 0}
figure{margin:.6rem 0}
svg{max-width:100%;height:auto}
figure svg{width:100%;max-width:34rem}
table{border-collapse:collapse;width:100%;font-size:.95rem;margin:.4rem 0}
th,td{padding:.3rem .4rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:3px solid var(--line);white-space:pre-wrap}
ul.themes{padding-left:1.2rem}
code{font-size:.85rem;word-break:break-all}
body.embed{max-width:none;padding:.5rem;font-size:14px}
body.embed h1{font-size:1rem}
body.embed h2{font-size:.95rem}
body.embed section.poll{padding:.5rem 0}
"""
STYLE_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii") + "'"

def _language(language: str | None) -> str:
    return "de" if str(language or "").lower().startswith("de") else "en"


def web_label(key: str, language: str) -> str:
    return WEB_LABELS[_language(language)][key]


def reader_text(text: str, limit: int | None = None) -> str:
    """Reader or blog text as HTML text: escaped, one line, mentions without their ids."""
    return escape(without_mentions(text, limit), quote=True)


@dataclass(frozen=True)
class Links:
    """Where the page's own links point: the live routes, or the files of a static copy."""

    csv: str
    json: str
    embed: str | None = None  # absolute URL of the widget, shown as the iframe snippet
    report: str | None = None  # the full report, linked from the widget


def _count(key: str, count: int, language: str) -> str:
    return label(f"{key}_one", language) if count == 1 else label(key, language, count=count)


def _samples(poll: PollResult) -> tuple[str, ...]:
    return poll.samples or poll.answers[:SAMPLE_FALLBACK]


def _figures_table(poll: PollResult, language: str) -> str:
    if poll.kind == PollKind.OPEN:
        head = (web_label("theme", language), web_label("count_answers", language), web_label("share", language))
        rows = [
            f'<tr class="theme" data-label="{reader_text(theme.label)}" data-count="{theme.answers}" data-share="{theme.share}">'
            f'<th scope="row">{reader_text(theme.label)}</th><td class="n">{theme.answers}</td>'
            f'<td class="n">{escape(percent(theme.share, language))}</td></tr>'
            for theme in poll.themes
        ]
    else:
        head = (web_label("option", language), web_label("count_votes", language), web_label("share", language))
        rows = [
            f'<tr class="option" data-label="{reader_text(option.label)}" data-votes="{option.votes}" data-share="{option.share}">'
            f'<th scope="row">{reader_text(option.label)}</th><td class="n">{option.votes}</td>'
            f'<td class="n">{escape(percent(option.share, language))}</td></tr>'
            for option in poll.options
        ]
    if not rows:
        return ""
    numeric = ' class="n"'
    header = "".join(f'<th scope="col"{numeric if index else ""}>{escape(cell)}</th>' for index, cell in enumerate(head))
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _poll_section(number: int, poll: PollResult, summary: Summary, language: str, *, compact: bool) -> str:
    kind = label("kind." + poll.kind.value, language)
    state = label("state." + poll.state.value, language)
    if poll.kind == PollKind.OPEN:
        counted = _count("answers", len(poll.answers), language)
    else:
        counted = _count("votes", poll.votes, language)
    turnout = label("turnout", language, percent=percent(poll.turnout, language), count=poll.participants, voters=summary.voters)
    meta = f"{escape(kind)}, {escape(state)} · {escape(counted)}" + ("" if compact else f" · {escape(turnout)}")
    if not poll.closed and poll.closes_at is not None and not compact:
        when = poll.closes_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        meta += " · " + escape(web_label("closes", language).format(when=when))
    parts = [
        f'<section class="poll" id="poll-{number}" data-kind="{poll.kind.value}" data-closed="{str(poll.closed).lower()}" '
        f'data-votes="{poll.votes}" data-answers="{len(poll.answers)}" data-participants="{poll.participants}">',
        f"<h2>{number}. {reader_text(poll.question)}</h2>",
        f'<p class="meta">{meta}</p>',
        f"<figure>{poll_svg(poll, language, f'poll-{number}-title')}</figure>",
    ]
    if not compact:
        parts.append(_figures_table(poll, language))
        samples = _samples(poll)
        if poll.kind == PollKind.OPEN and samples:
            parts.append(f"<h3>{escape(web_label('samples', language))}</h3>")
            parts += [f"<blockquote>{reader_text(sample, SAMPLE_CHARS)}</blockquote>" for sample in samples]
    parts.append("</section>")
    return "".join(parts)


def _document(language: str, title: str, body_class: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">'
        f"<title>{title}</title><style>{STYLE}</style></head>"
        f'<body class="{body_class}">{body}</body></html>\n'
    )


def _status(summary: Summary, language: str) -> str:
    state = label("polls_closed", language) if summary.closed else label("polls_open", language)
    voters = _count("voters", summary.voters, language)
    return f'<p class="status" data-voters="{summary.voters}">{escape(voters)} · {escape(state)}</p>'


def report_page(summary: Summary, links: Links) -> str:
    """The author's report: title and link of the article, each poll's bars and figures, themes and answers."""
    language = _language(summary.article.language)
    title = reader_text(summary.article.title, 300)
    url = escape(summary.article.url, quote=True)
    # Only a web address becomes a link (a feed could give anything); the policy would block a script URL anyway.
    linkable = summary.article.url.lower().startswith(("https://", "http://"))
    heading = f'<a href="{url}" rel="noreferrer noopener">{title}</a>' if linkable else title
    thread = (
        label("thread_none", language) if summary.thread.messages == 0
        else label("thread", language, messages=summary.thread.messages, participants=summary.thread.participants)
    )
    header = (
        f'<header><p class="kicker">{escape(web_label("report", language))}</p>'
        f"<h1>{heading}</h1>"
        f"{_status(summary, language)}<p class=\"status\">{escape(thread)}</p></header>"
    )
    sections = [_poll_section(n, poll, summary, language, compact=False) for n, poll in enumerate(summary.polls, start=1)]
    if not sections:
        sections = [f"<p>{escape(label('no_polls', language))}</p>"]
    footer = [
        f'<footer><h2>{escape(web_label("downloads", language))}</h2><p>'
        f'<a href="{escape(links.csv, quote=True)}" download>CSV</a> · '
        f'<a href="{escape(links.json, quote=True)}" download>JSON</a></p>'
    ]
    if links.embed:
        snippet = f'<iframe src="{links.embed}" title="{web_label("widget", language)}" width="100%" height="420" loading="lazy"></iframe>'
        footer.append(
            f'<h2>{escape(web_label("embed", language))}</h2><p>{escape(web_label("embed_hint", language))}</p>'
            f"<p><code>{escape(snippet)}</code></p>"
        )
    footer.append(f'<p>{escape(web_label("privacy", language))}</p></footer>')
    body = header + "<main>" + "".join(sections) + "</main>" + "".join(footer)
    return _document(language, f"{escape(label('summary', language))}: {title}", "report", body)


def embed_page(summary: Summary, links: Links) -> str:
    """The widget: the polls' bars, compact, for an iframe under the article."""
    language = _language(summary.article.language)
    title = reader_text(summary.article.title, 200)
    sections = [_poll_section(n, poll, summary, language, compact=True) for n, poll in enumerate(summary.polls, start=1)]
    if not sections:
        sections = [f"<p>{escape(label('no_polls', language))}</p>"]
    more = ""
    if links.report:
        more = f'<p class="status"><a href="{escape(links.report, quote=True)}" target="_blank" rel="noreferrer noopener">{escape(web_label("more", language))}</a></p>'
    body = (
        f'<header><h1>{escape(web_label("widget", language))}</h1>{_status(summary, language)}</header>'
        f'<main>{"".join(sections)}</main>{more}'
    )
    return _document(language, f"{escape(web_label('widget', language))}: {title}", "embed", body)
