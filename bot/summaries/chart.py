"""A summary as one PNG image: a horizontal bar chart per poll, drawn headless.

Uses matplotlib's object API with the Agg canvas directly (never pyplot), so it keeps no global state and can
run in a worker thread while the bot goes on. Open questions show their themes (how many answers mention each).
The image holds counts and labels only, never a member.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.questions.model import PollKind
from bot.summaries.render import label, one_line, percent
from bot.summaries.report import PollResult, Summary

WIDTH_INCHES = 8.0
DPI = 100
ROW_INCHES = 0.42
PANEL_PADDING_INCHES = 0.95
MAX_BARS = 10
LABEL_WRAP = 26
YES_NO_COLOURS = ("#3a9d5d", "#c8553d", "#9aa0a6")
CHOICE_COLOURS = ("#4f7cac", "#e09f3e", "#7a9e7e", "#9e6fb5", "#c8553d", "#5fa8d3", "#b5838d", "#6d6875", "#8ab17d", "#e76f51")
THEME_COLOUR = "#6d8fb3"


def _plain(text: str, width: int | None = None) -> str:
    """Text as matplotlib should draw it: no mathtext ($...$), wrapped to `width`."""
    flat = one_line(text, 160).replace("$", r"\$")
    return "\n".join(textwrap.wrap(flat, width)[:2]) if width else flat


def _bars(poll: PollResult, language: str) -> tuple[list[str], list[int], list[float], list[str], str]:
    """Labels, counts, shares, colours and the x-axis caption of one poll's panel."""
    if poll.kind == PollKind.OPEN:
        themes = poll.themes[:MAX_BARS]
        labels = [_plain(theme.label, LABEL_WRAP) for theme in themes]
        return labels, [t.answers for t in themes], [t.share for t in themes], [THEME_COLOUR] * len(themes), label("answers", language, count=len(poll.answers))
    options = poll.options[:25]
    palette = YES_NO_COLOURS if poll.kind == PollKind.YES_NO else CHOICE_COLOURS
    colours = [palette[index % len(palette)] for index in range(len(options))]
    caption = label("votes", language, count=poll.votes)
    return [_plain(o.label, LABEL_WRAP) for o in options], [o.votes for o in options], [o.share for o in options], colours, caption


def chart_png(summary: Summary, language: str | None = None) -> bytes:
    """The chart as PNG bytes; a single panel saying so when the article has no polls."""
    language = "de" if str(language or summary.article.language).lower().startswith("de") else "en"
    panels = [_bars(poll, language) for poll in summary.polls] or [([], [], [], [], label("no_polls", language))]
    heights = [max(1, len(panel[0])) * ROW_INCHES + PANEL_PADDING_INCHES for panel in panels]
    figure = Figure(figsize=(WIDTH_INCHES, sum(heights) + 0.8), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        f"{_plain(summary.article.title)[:90]}\n{label('voters', language, count=summary.voters)}",
        fontsize=11,
    )
    axes = figure.subplots(len(panels), 1, squeeze=False, height_ratios=heights)[:, 0]
    for number, (axis, panel) in enumerate(zip(axes, panels, strict=True), start=1):
        labels, counts, shares, colours, caption = panel
        poll = summary.polls[number - 1] if summary.polls else None
        title = f"{number}. {_plain(poll.question, 80)}" if poll else caption
        axis.set_title(title, fontsize=10, loc="left")
        if not labels:
            axis.text(0.5, 0.5, caption if poll else "", ha="center", va="center", transform=axis.transAxes, fontsize=9)
            axis.set_axis_off()
            continue
        positions = list(range(len(labels)))
        axis.barh(positions, counts, color=colours, height=0.62)
        axis.set_yticks(positions, labels=labels, fontsize=9)
        axis.invert_yaxis()
        top = max(counts) or 1
        axis.set_xlim(0, top * 1.28)
        for position, count, share in zip(positions, counts, shares, strict=True):
            axis.text(count + top * 0.015, position, f"{percent(share, language)} ({count})", va="center", fontsize=8)
        axis.set_xlabel(caption, fontsize=8)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.tick_params(axis="x", labelsize=8)
        axis.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # glyphs (emoji) the bundled font lacks are drawn as boxes
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def write_chart(summary: Summary, path: Path, language: str | None = None) -> Path:
    path.write_bytes(chart_png(summary, language))
    return path
