"""The chart: a real PNG of a sensible size, one panel per poll."""

from __future__ import annotations

import struct
from pathlib import Path

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.summaries.chart import chart_png, write_chart
from bot.summaries.report import build_summary
from .summary_builders import ENGLISH_ANSWERS, MEMBERS, Community, PollSpec, standard_article

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[:8] == PNG_SIGNATURE
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


async def test_chart_file_is_a_png_with_a_panel_per_poll(
    sqlite_database: Database, sqlite_community: Community, tmp_path: Path
) -> None:
    article = await standard_article(sqlite_community)
    summary = await build_summary(sqlite_database, article.id)
    path = write_chart(summary, tmp_path / "chart.png")

    data = path.read_bytes()
    width, height = png_size(data)
    assert (width, height) == (800, height) and 500 <= height <= 1200
    assert data.endswith(b"IEND\xaeB`\x82") and len(data) > 10_000

    bigger = await sqlite_community.article(
        [PollSpec(f"Frage {n}?", PollKind.CHOICE, tuple(f"Option {k}" for k in range(8))) for n in range(4)]
    )
    taller = png_size(chart_png(await build_summary(sqlite_database, bigger.id)))[1]
    assert taller > height  # more polls and options: a taller image, same width


async def test_chart_survives_odd_labels_and_empty_articles(sqlite_database: Database, sqlite_community: Community) -> None:
    article = await sqlite_community.article(
        [
            PollSpec("Costs $5 or $10? 🚲", PollKind.CHOICE, ("$5", "$10 $", "🚲 " + "sehr lang " * 10)),
            PollSpec("Why?", PollKind.OPEN),
            PollSpec("Nobody answered?", PollKind.OPEN),
        ],
        title="$\\frac{1}{0}$ " * 20,
        language="en",
    )
    await sqlite_community.vote(article, 0, 0, MEMBERS[0])
    for member, text in zip(MEMBERS, ENGLISH_ANSWERS, strict=False):
        await sqlite_community.answer(article, 1, member, text)
    width, height = png_size(chart_png(await build_summary(sqlite_database, article.id)))
    assert width == 800 and 400 <= height <= 1500

    empty = await sqlite_community.article([])
    assert png_size(chart_png(await build_summary(sqlite_database, empty.id)))[0] == 800
