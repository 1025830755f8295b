"""Benchmark: the summary of an article with 1,000,000 votes on SQLite, against the bare GROUP BY as the floor.

Target (issue 6): the whole summary (`build_summary`: article, polls, counts per option, distinct voters,
answers with themes and representative answers, thread activity) in under 200 ms on SQLite.

The database is a real file with the project's schema and indexes and no ANALYZE: one article with four polls
(250,000 members vote in each: 1,000,000 votes) and an open question with 2,000 written answers in German and
English, beside a second article with 200,000 votes of its own so that the queries have to stay scoped. It is
filled inside SQLite (INSERT ... SELECT from a recursive CTE), then both queries run through the bot's own
`Database` (SQLAlchemy async, aiosqlite) like the CLI and the cog do.

    .venv/bin/python benchmarks/summary.py [--members 250000] [--runs 9] [--keep FILE [--reuse]]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

from bot.storage.database import Database
from bot.storage.models import Base, Vote
from bot.summaries import report
from bot.summaries.report import build_summary

TARGET_MS = 200.0
ARTICLE_ID = 1
OTHER_ARTICLE_ID = 2
POLLS = [  # (poll id, kind, options): the benchmarked article
    (1, "yes_no", ["Ja", "Nein", "Weiß nicht"]),
    (2, "choice", ["Bus", "Rad", "Auto", "Zu Fuß"]),
    (3, "choice", ["Täglich", "Wöchentlich", "Monatlich", "Seltener", "Nie"]),
    (4, "yes_no", ["Ja", "Nein", "Weiß nicht"]),
]
OPEN_POLL_ID = 5
OTHER_POLL_ID = 6
ANSWERS = 2_000
OTHER_VOTES = 200_000
FRAGMENTS = [
    "Mehr Radwege in der Innenstadt", "die Preise für Tickets sind zu hoch", "bessere Busverbindungen am Wochenende",
    "sichere Schulwege für Kinder", "Meetings need a clear agenda", "video fatigue is real",
    "async updates instead of status meetings", "günstigere Preise für Familien", "a hard stop after thirty minutes",
    "mehr Bäume und weniger Parkplätze", "shorter meetings please", "das Deutschlandticket behalten",
]


def fill(path: Path, members: int) -> int:
    """Create the schema and the rows; returns the number of votes on the benchmarked article."""
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    now = "2026-01-05 09:00:00.000000"
    connection.executemany(
        "INSERT INTO articles (id, guild_id, channel_id, entry_id, url, title, language, excerpt, text_hash, created_at)"
        " VALUES (?, 1, 10, ?, ?, ?, 'de', '', ?, ?)",
        [
            (ARTICLE_ID, "e1", "https://blog.example/eine-million/", "Eine Million Stimmen", "0" * 64, now),
            (OTHER_ARTICLE_ID, "e2", "https://blog.example/nebenan/", "Nebenan", "1" * 64, now),
        ],
    )
    polls = [(poll_id, ARTICLE_ID, position, f"Frage {poll_id}?", kind) for position, (poll_id, kind, _) in enumerate(POLLS)]
    polls += [(OPEN_POLL_ID, ARTICLE_ID, len(POLLS), "Was wünscht ihr euch?", "open"), (OTHER_POLL_ID, OTHER_ARTICLE_ID, 0, "Nebenan?", "yes_no")]
    connection.executemany(
        "INSERT INTO polls (id, article_id, guild_id, position, question, kind, language, anonymous, duration_seconds,"
        " state, created_at) VALUES (?, ?, 1, ?, ?, ?, 'de', 1, 604800, 'open', ?)",
        [(*poll, now) for poll in polls],
    )
    option_ids: dict[int, list[int]] = {}
    next_option = 1
    for poll_id, _, labels in [*POLLS, (OTHER_POLL_ID, "yes_no", ["Ja", "Nein"])]:
        option_ids[poll_id] = list(range(next_option, next_option + len(labels)))
        connection.executemany(
            "INSERT INTO poll_options (id, poll_id, position, label) VALUES (?, ?, ?, ?)",
            [(next_option + index, poll_id, index, label) for index, label in enumerate(labels)],
        )
        next_option += len(labels)
    for poll_id, _, labels in POLLS:
        first = option_ids[poll_id][0]
        # Member x picks a skewed but deterministic option: (x*x + poll) mod n, shifted so options differ in size.
        connection.execute(
            f"""WITH RECURSIVE member(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM member WHERE x < {members})
            INSERT INTO votes (poll_id, guild_id, member_id, option_id, created_at, updated_at)
            SELECT {poll_id}, 1, 100000000000000000 + x, {first} + ((x * x + {poll_id}) % 7) % {len(labels)}, '{now}', '{now}'
            FROM member"""
        )
    connection.execute(
        f"""WITH RECURSIVE member(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM member WHERE x < {OTHER_VOTES})
        INSERT INTO votes (poll_id, guild_id, member_id, option_id, created_at, updated_at)
        SELECT {OTHER_POLL_ID}, 1, 300000000000000000 + x, {option_ids[OTHER_POLL_ID][0]} + x % 2, '{now}', '{now}' FROM member"""
    )
    answers = []
    for index in range(ANSWERS):
        first, second = FRAGMENTS[index % len(FRAGMENTS)], FRAGMENTS[(index * 7 + 3) % len(FRAGMENTS)]
        # Half the answers come from members who also voted, half from members who only answered.
        member = 100000000000000000 + index + 1 if index % 2 else 200000000000000000 + index
        answers.append((OPEN_POLL_ID, member, f"{first}, und {second}. (#{index})", now, now))
    connection.executemany(
        "INSERT INTO answers (poll_id, guild_id, member_id, text, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?)",
        answers,
    )
    connection.executemany(
        "INSERT INTO thread_activity (article_id, member_id, messages) VALUES (?, ?, ?)",
        [(ARTICLE_ID, 100000000000000000 + index, 1 + index % 4) for index in range(1, 301)],
    )
    connection.commit()
    votes = connection.execute(
        "SELECT count(*) FROM votes WHERE poll_id IN (SELECT id FROM polls WHERE article_id = ?)", (ARTICLE_ID,)
    ).fetchone()[0]
    connection.close()
    return votes


def cpu_ticks() -> tuple[float, float] | None:
    """(busy, total) CPU time of the whole machine in seconds, from /proc/stat (None where there is none)."""
    try:
        fields = [float(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


async def timed(runs: int, action) -> list[float]:  # type: ignore[no-untyped-def]
    await action()  # warm: first touch of the pages, statement compilation
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def measure(path: Path, runs: int, members: int) -> bool:
    database = Database(f"sqlite+aiosqlite:///{path}")
    poll_ids = [poll_id for poll_id, _, _ in POLLS]
    try:
        async def bare_group_by() -> None:
            async with database.session() as session:
                rows = await session.execute(
                    select(Vote.poll_id, Vote.option_id, func.count()).where(Vote.poll_id.in_(poll_ids)).group_by(Vote.poll_id, Vote.option_id)
                )
                rows.all()

        async def summary() -> None:
            await build_summary(database, ARTICLE_ID)

        async def voters_alone() -> None:
            async with database.session() as session:
                await report.count_voters(session, poll_ids, [OPEN_POLL_ID])

        async def counts_alone() -> None:
            async with database.session() as session:
                await report._polls_with_counts(session, ARTICLE_ID)

        check = await build_summary(database, ARTICLE_ID)
        answers = check.polls[-1].answers

        async def themes_alone() -> None:
            report._themes(answers, check.polls[-1].question, report.THEME_LIMIT, report.SAMPLE_LIMIT)

        machine_before, own_before = cpu_ticks(), time.process_time()
        floor = await timed(runs, bare_group_by)
        result = await timed(runs, summary)
        machine_after, own_after = cpu_ticks(), time.process_time()
        parts = [(name, await timed(runs, action)) for name, action in (
            ("  of which: distinct voters (UNION merge)", voters_alone),
            ("  of which: counts per option", counts_alone),
            ("  of which: themes of 2,000 answers", themes_alone),
        )]
    finally:
        await database.dispose()

    votes = sum(poll.votes for poll in check.polls)
    expected_voters = members + ANSWERS // 2  # every member voted; half the answers come from answer-only members
    print(f"article: {votes:,} votes in {len(POLLS)} polls, {len(check.polls[-1].answers):,} written answers; "
          f"voters = {check.voters:,} (expected {expected_voters:,}); themes: "
          + ", ".join(theme.label for theme in check.polls[-1].themes))
    print(f"{'query':<44}{'median':>10}{'min':>10}{'max':>10}")
    rows = [("bare GROUP BY poll_id, option_id (floor)", floor), ("build_summary (whole summary)", result), *parts]
    for name, samples in rows:
        print(f"{name:<44}{statistics.median(samples):>8.1f}ms{min(samples):>8.1f}ms{max(samples):>8.1f}ms")
    median = statistics.median(result)
    correct = votes == len(POLLS) * members and check.voters == expected_voters
    passed = correct and median < TARGET_MS
    print("(the parts run alone, one after another; build_summary counts the voters on two more connections, half")
    print(" of the member ids each, while the first counts options and works out themes: two cores share the work)")
    if machine_before and machine_after:
        others = (machine_after[0] - machine_before[0]) - (own_after - own_before)
        elapsed = machine_after[1] - machine_before[1]
        print(f"other processes used {max(0.0, others) / elapsed * 100:.0f}% of the machine's CPU time while floor and summary"
              " were measured (0% = quiet; the summary uses both cores, the floor one)")
    print(f"summary / floor: {median / statistics.median(floor):.2f}x; target: summary median < {TARGET_MS:.0f} ms "
          f"-> {'PASS' if passed else 'FAIL'}{'' if correct else ' (counts wrong!)'}")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=250_000, help="members voting in each of the 4 polls")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", type=Path, default=None, help="keep the database at this path")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure the kept database again, no refill")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "summary-benchmark.db"
        if not (args.reuse and path.exists()):
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            started = time.perf_counter()
            votes = fill(path, args.members)
            print(f"filled {path.name}: {votes:,} votes on the article (+{OTHER_VOTES:,} on another) "
                  f"in {time.perf_counter() - started:.1f} s")
        passed = asyncio.run(measure(path, args.runs, args.members))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
