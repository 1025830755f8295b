"""Each output format of a summary: text, markdown, CSV, JSON, Discord embeds."""

from __future__ import annotations

import csv
import io
import json

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.summaries.render import (
    CSV_COLUMNS,
    bar,
    defuse_mentions,
    embed_size,
    escape_markdown,
    group_embeds,
    render_csv,
    render_digest_lines,
    render_embeds,
    render_json,
    render_markdown,
    render_text,
    summary_json,
)
from bot.summaries.report import build_summary
from .summary_builders import GERMAN_ANSWERS, MEMBERS, Community, PollSpec, standard_article


async def test_text_shows_bars_turnout_themes_answers_and_thread(sqlite_database: Database, sqlite_community: Community) -> None:
    article = await standard_article(sqlite_community)
    await sqlite_community.thread_messages(article, MEMBERS[0], 4)
    await sqlite_community.thread_messages(article, MEMBERS[9], 3)
    summary = await build_summary(sqlite_database, article.id)

    english = render_text(summary, "en")
    assert "8 voters · polls still open" in english
    assert "Thread: 7 messages from 2 members" in english
    assert "6 votes · turnout 75% (6 of 8 voters)" in english
    assert "Ja          █████░░░░░    50%  (3)" in english
    assert "Rad   ███████░░░    67%  (2)" in english
    assert "4 answers · turnout 50% (4 of 8 voters)" in english
    assert "Themes: Preise (3)" in english
    assert f"   > {GERMAN_ANSWERS[0]}" in english

    german = render_text(summary)  # the article's language
    assert "8 Teilnehmende · Umfragen laufen noch" in german and "Beteiligung 75 % (6 von 8)" in german


async def test_markdown_has_a_table_per_poll_and_escapes_reader_text(sqlite_database: Database, sqlite_community: Community) -> None:
    article = await sqlite_community.article(
        [
            PollSpec("Ist *das* [gut](https://evil.example)?", PollKind.CHOICE, ("_a_", "b|c")),
            PollSpec("Warum?", PollKind.OPEN),
        ],
        title="# Titel mit `code` @everyone",
    )
    await sqlite_community.vote(article, 0, 1, MEMBERS[0])
    await sqlite_community.answer(article, 1, MEMBERS[1], "> zitiert <@123456789> und **fett** @here")
    markdown = render_markdown(await build_summary(sqlite_database, article.id), "en")

    assert "## 1. Ist \\*das\\* \\[gut\\](https://evil.example)?" in markdown
    assert "| \\_a\\_ | `░░░░░░░░░░` | 0% | 0 |" in markdown
    assert "| b\\|c | `██████████` | 100% | 1 |" in markdown
    assert "\\# Titel mit \\`code\\` @\u200beveryone" in markdown
    assert "> \\> zitiert <\u200b@123456789\\> und \\*\\*fett\\*\\* @\u200bhere" in markdown
    assert "@everyone" not in markdown and "@here" not in markdown and "<@123456789>" not in markdown


async def test_csv_parses_into_rows_for_article_thread_polls_options_themes_answers(
    sqlite_database: Database, sqlite_community: Community
) -> None:
    article = await standard_article(sqlite_community)
    await sqlite_community.answer(article, 2, MEMBERS[30], "=HYPERLINK(\"https://evil.example\")")
    rows = list(csv.DictReader(io.StringIO(render_csv(await build_summary(sqlite_database, article.id)))))

    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert rows[0]["section"] == "article" and rows[0]["votes"] == "9" and rows[0]["text"] == article.url
    options = [(r["poll"], r["label"], r["votes"], r["share"]) for r in rows if r["section"] == "option"]
    assert options == [
        ("1", "Ja", "3", "0.5"), ("1", "Nein", "2", "0.3333"), ("1", "Weiß nicht", "1", "0.1667"),
        ("2", "Bus", "1", "0.3333"), ("2", "Rad", "2", "0.6667"), ("2", "Auto", "0", "0.0"),
    ]
    polls = [(r["poll"], r["kind"], r["votes"], r["share"]) for r in rows if r["section"] == "poll"]
    assert polls == [("1", "yes_no", "6", "0.6667"), ("2", "choice", "3", "0.3333"), ("3", "open", "5", "0.5556")]
    answers = [r["text"] for r in rows if r["section"] == "answer"]
    assert answers[:4] == [GERMAN_ANSWERS[0], *GERMAN_ANSWERS[1:4]]
    assert answers[4] == "'=HYPERLINK(\"https://evil.example\")"  # a spreadsheet shows it, never runs it
    assert any(r["section"] == "theme" and r["label"] == "Preise" and r["votes"] == "3" for r in rows)


async def test_json_has_exactly_the_record_shape(database: Database, community: Community) -> None:
    article = await standard_article(community)
    document = json.loads(render_json(await build_summary(database, article.id)))

    assert document == {
        "article": {"url": article.url, "title": "Radwege in der Stadt"},
        "voters": 8,
        "polls": [
            {
                "question": "Braucht die Stadt mehr Radwege?", "kind": "yes_no", "closed": False, "votes": 6,
                "options": [
                    {"label": "Ja", "votes": 3, "share": 0.5},
                    {"label": "Nein", "votes": 2, "share": 0.3333},
                    {"label": "Weiß nicht", "votes": 1, "share": 0.1667},
                ],
                "answers": [],
            },
            {
                "question": "Womit fahrt ihr zur Arbeit?", "kind": "choice", "closed": False, "votes": 3,
                "options": [
                    {"label": "Bus", "votes": 1, "share": 0.3333},
                    {"label": "Rad", "votes": 2, "share": 0.6667},
                    {"label": "Auto", "votes": 0, "share": 0.0},
                ],
                "answers": [],
            },
            {
                "question": "Was sollte die Stadt für den Verkehr tun?", "kind": "open", "closed": False, "votes": 0,
                "options": [],
                "answers": [{"text": text} for text in [GERMAN_ANSWERS[0], *GERMAN_ANSWERS[1:4]]],
            },
        ],
    }


async def test_embeds_stay_within_discord_limits_and_defuse_mentions(
    sqlite_database: Database, sqlite_community: Community
) -> None:
    long_question = "Was " + "sehr " * 80 + "langes @everyone?"
    specs = [PollSpec(f"{long_question} {n}", PollKind.CHOICE, tuple(f"Option {k} " + "x" * 40 for k in range(10))) for n in range(11)]
    specs.append(PollSpec("Und sonst?", PollKind.OPEN))
    article = await sqlite_community.article(specs, title="T" * 400)
    for member in MEMBERS[:12]:
        await sqlite_community.answer(article, 11, member, "<@&42> " + "Antwort " * 200)
    summary = await build_summary(sqlite_database, article.id)
    embeds = render_embeds(summary, "de")

    assert len(embeds) == 13 and embeds[0]["url"] == article.url
    for embed in embeds:
        assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
        assert "@everyone" not in embed["title"] + embed["description"]
        assert "<@&42>" not in embed["description"]
    messages = group_embeds(embeds)
    assert sum(len(message) for message in messages) == 13
    assert all(len(message) <= 10 and sum(embed_size(e) for e in message) <= 6000 for message in messages)
    description = embeds[1]["description"]
    assert description.count("```") == 2 and description.count("░") + description.count("█") == 10 * 10


async def test_digest_lines_give_each_polls_headline(sqlite_database: Database, sqlite_community: Community) -> None:
    article = await standard_article(sqlite_community)
    tie = await sqlite_community.article([PollSpec("Gleich?", PollKind.YES_NO, ("Ja", "Nein"))], title="Unentschieden")
    await sqlite_community.vote(tie, 0, 0, MEMBERS[0])
    await sqlite_community.vote(tie, 0, 1, MEMBERS[1])
    lines = render_digest_lines([await build_summary(sqlite_database, article.id), await build_summary(sqlite_database, tie.id)], "en")
    assert lines[0] == "**Radwege in der Stadt** · 8 voters"
    assert lines[1] == "• Braucht die Stadt mehr Radwege?: Ja 50% · 6 votes"
    assert lines[2] == "• Womit fahrt ihr zur Arbeit?: Rad 67% · 3 votes"
    assert lines[3].startswith("• Was sollte die Stadt für den Verkehr tun?: 4 answers · Themes: Preise")
    assert lines[5] == "• Gleich?: Ja / Nein 50% (tie) · 2 votes"
    assert render_digest_lines([], "de") == ["Diese Woche gab es keine neuen Artikel."]


def test_bars_and_escaping_helpers() -> None:
    assert bar(0.0) == "░" * 10 and bar(1.0) == "█" * 10 and bar(0.34) == "███░░░░░░░"
    assert escape_markdown("- list\n1. item") == "\\- list\n\\1. item"
    assert defuse_mentions("hi <#123> <@!5> @Everyone") == "hi <\u200b#123> <\u200b@!5> @\u200bEveryone"
    assert escape_markdown("\x1b[31mred\u202e") == "\\[31mred"  # no escape sequence, no direction override
    assert summary_json.__doc__  # the shape is documented where it is built
