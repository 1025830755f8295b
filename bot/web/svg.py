"""Bars as SVG: one figure per poll (inline in the report page) and one standalone chart for the blog.

Only presentation attributes, no style attributes or elements, so the pages' Content-Security-Policy needs no
'unsafe-inline'. Every text (questions, option labels, themes) is escaped as XML; nothing here names a member.
"""

from __future__ import annotations

import re
from html import escape

from bot.questions.model import PollKind
from bot.summaries.chart import CHOICE_COLOURS, THEME_COLOUR, YES_NO_COLOURS
from bot.summaries.render import label, one_line, percent
from bot.summaries.report import PollResult, Summary

WIDTH = 460
BAR_LEFT = 0
BAR_WIDTH = 340
ROW_HEIGHT = 44
LABEL_CHARS = 55
MAX_BARS = 25
TRACK_COLOUR = "#e6e9ee"
TEXT_COLOUR = "#1d2330"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


_MENTION = re.compile(r"<(@[!&]?|#)\d+>")


def without_mentions(text: str, limit: int | None = None) -> str:
    """Reader text on one line, with Discord mentions (<@id>, <#id>) shown without their ids."""
    return _MENTION.sub(lambda m: "@…" if m.group(1).startswith("@") else "#…", one_line(text, limit))


def _text(value: str, limit: int = LABEL_CHARS) -> str:
    return escape(without_mentions(value, limit), quote=True)


def poll_bars(poll: PollResult) -> list[tuple[str, int, float, str]]:
    """(label, count, share, colour) per bar: options, or for an open question its themes."""
    if poll.kind == PollKind.OPEN:
        return [(theme.label, theme.answers, theme.share, THEME_COLOUR) for theme in poll.themes[:MAX_BARS]]
    palette = YES_NO_COLOURS if poll.kind == PollKind.YES_NO else CHOICE_COLOURS
    return [(o.label, o.votes, o.share, palette[i % len(palette)]) for i, o in enumerate(poll.options[:MAX_BARS])]


def _rows(bars: list[tuple[str, int, float, str]], language: str, top: int) -> list[str]:
    parts = []
    for index, (name, count, share, colour) in enumerate(bars):
        y = top + index * ROW_HEIGHT
        width = round(BAR_WIDTH * max(0.0, min(share, 1.0)), 1)
        parts.append(
            f'<text x="{BAR_LEFT}" y="{y + 14}" font-size="14" fill="{TEXT_COLOUR}">{_text(name)}</text>'
            f'<rect x="{BAR_LEFT}" y="{y + 20}" width="{BAR_WIDTH}" height="16" rx="3" fill="{TRACK_COLOUR}"/>'
            f'<rect x="{BAR_LEFT}" y="{y + 20}" width="{width}" height="16" rx="3" fill="{colour}"/>'
            f'<text x="{BAR_LEFT + BAR_WIDTH + 8}" y="{y + 33}" font-size="13" fill="{TEXT_COLOUR}">'
            f"{escape(percent(share, language))} ({count})</text>"
        )
    return parts


def poll_svg(poll: PollResult, language: str, element_id: str) -> str:
    """An inline <svg> of the poll's bars, labelled for screen readers by its <title>."""
    bars = poll_bars(poll)
    height = max(1, len(bars)) * ROW_HEIGHT + 4
    rows = _rows(bars, language, 0)
    if not bars:
        empty = label("no_answers" if poll.kind == PollKind.OPEN else "no_votes", language)
        rows = [f'<text x="0" y="20" font-size="14" fill="{TEXT_COLOUR}">{escape(empty)}</text>']
    title = _text(poll.question, 300)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{element_id}" font-family="{escape(FONT)}">'
        f'<title id="{element_id}">{title}</title>{"".join(rows)}</svg>'
    )


def chart_svg(summary: Summary, language: str) -> str:
    """The whole summary as one standalone SVG document (for an <img> on the blog)."""
    parts: list[str] = []
    y = 28
    parts.append(f'<text x="0" y="20" font-size="16" font-weight="bold" fill="{TEXT_COLOUR}">{_text(summary.article.title, 60)}</text>')
    parts.append(f'<text x="0" y="{y + 14}" font-size="13" fill="{TEXT_COLOUR}">'
                 f'{escape(label("voters", language, count=summary.voters))}</text>')
    y += 30
    if not summary.polls:
        parts.append(f'<text x="0" y="{y + 16}" font-size="14" fill="{TEXT_COLOUR}">{escape(label("no_polls", language))}</text>')
        y += 30
    for number, poll in enumerate(summary.polls, start=1):
        state = label("state." + poll.state.value, language)
        parts.append(f'<text x="0" y="{y + 16}" font-size="15" font-weight="bold" fill="{TEXT_COLOUR}">'
                     f"{number}. {_text(poll.question, 60)} ({escape(state)})</text>")
        y += 26
        bars = poll_bars(poll)
        if not bars:
            empty = label("no_answers" if poll.kind == PollKind.OPEN else "no_votes", language)
            parts.append(f'<text x="0" y="{y + 14}" font-size="14" fill="{TEXT_COLOUR}">{escape(empty)}</text>')
            y += 24
        else:
            parts += _rows(bars, language, y)
            y += len(bars) * ROW_HEIGHT
        y += 12
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH + 80} {y}" width="{WIDTH + 80}" height="{y}" '
        f'role="img" font-family="{escape(FONT)}"><title>{_text(summary.article.title, 200)}</title>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{"".join(parts)}</svg>\n'
    )
