"""Anonymous polls: no output of a summary (Discord, text, markdown, CSV, JSON, chart, digest) names a member."""

from __future__ import annotations

import json

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.summaries.chart import chart_png
from bot.summaries.render import render_csv, render_digest_lines, render_embeds, render_json, render_markdown, render_text
from bot.summaries.report import build_summary
from .summary_builders import ENGLISH_ANSWERS, MEMBERS, Community, PollSpec, standard_article


def _identifiers(member: int) -> set[str]:
    """The ways a member id could show up: decimal, a mention, hex."""
    return {str(member), f"<@{member}>", f"{member:x}"}


async def test_no_output_contains_a_member_id(sqlite_database: Database, sqlite_community: Community) -> None:
    article = await standard_article(sqlite_community)
    named = await sqlite_community.article(
        [PollSpec("Not anonymous?", PollKind.CHOICE, ("A", "B"), anonymous=False), PollSpec("Why?", PollKind.OPEN, anonymous=False)],
        language="en",
    )
    for index, member in enumerate(MEMBERS[:6]):
        await sqlite_community.vote(named, 0, index % 2, member)
        await sqlite_community.answer(named, 1, member, ENGLISH_ANSWERS[index])
        await sqlite_community.thread_messages(article, member, index + 1)

    summaries = [await build_summary(sqlite_database, article.id), await build_summary(sqlite_database, named.id)]
    outputs: list[str] = [repr(summary) for summary in summaries]  # the Summary itself holds no member id
    for summary in summaries:
        outputs += [render_text(summary, "de"), render_text(summary, "en"), render_markdown(summary), render_csv(summary), render_json(summary)]
        outputs.append(json.dumps(render_embeds(summary, "en"), ensure_ascii=False))
        outputs.append(chart_png(summary).decode("latin-1"))
    outputs += render_digest_lines(summaries, "en")

    assert "Radwege" in outputs[2]  # the outputs are real, not empty
    for member in MEMBERS:
        for identifier in _identifiers(member):
            assert not any(identifier in output for output in outputs), identifier
