"""`reader-bot summary`: as a subprocess on a SQLite file, and (for the cheaper cases) in process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DatabaseSettings, Settings
from bot.storage.database import Database
from bot.summaries.cli import run_summary
from .summary_builders import Community, standard_article

from .test_chart import png_size


def run_cli(database: Database, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "READER_BOT_DATABASE_URL": database.url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "summary", *arguments],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60,
    )


async def test_json_and_chart(sqlite_database: Database, sqlite_community: Community, tmp_path: Path) -> None:
    article = await standard_article(sqlite_community)
    result = run_cli(sqlite_database, tmp_path, article.url, "--json", "--chart", str(tmp_path / "chart.png"))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert document["voters"] == 8 and [p["votes"] for p in document["polls"]] == [6, 3, 0]
    assert [o["votes"] for o in document["polls"][0]["options"]] == [3, 2, 1]
    assert "chart written to" in result.stderr
    assert png_size((tmp_path / "chart.png").read_bytes())[0] == 800


async def test_text_by_id_and_unknown_article(sqlite_database: Database, sqlite_community: Community, tmp_path: Path) -> None:
    article = await standard_article(sqlite_community)
    text = run_cli(sqlite_database, tmp_path, str(article.id))
    assert text.returncode == 0 and "Braucht die Stadt mehr Radwege?" in text.stdout and "█" in text.stdout

    unknown = run_cli(sqlite_database, tmp_path, "https://blog.example/nowhere/", "--json")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "no article 'https://blog.example/nowhere/'" in unknown.stderr and "Traceback" not in unknown.stderr


def settings_for(url: str) -> Settings:
    return Settings(database=DatabaseSettings(url=url))


async def test_markdown_and_csv_in_process(
    sqlite_database: Database, sqlite_community: Community, capsys: pytest.CaptureFixture[str]
) -> None:
    article = await standard_article(sqlite_community)
    settings = settings_for(sqlite_database.url)
    assert await run_summary(str(article.id), settings, output_format="markdown", chart=None) == 0
    assert capsys.readouterr().out.startswith("# Auswertung: [Radwege in der Stadt](")
    assert await run_summary(article.url.rstrip("/"), settings, output_format="csv", chart=None) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["votes"] for r in rows if r["section"] == "option"] == ["3", "2", "1", "1", "2", "0"]


async def test_missing_database_schema_or_chart_folder_fail_politely(
    sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = tmp_path / "nothing.db"
    assert await run_summary("1", settings_for(f"sqlite+aiosqlite:///{nowhere}"), output_format="text", chart=None) == 1
    assert "does not exist" in capsys.readouterr().err and not nowhere.exists()  # no empty database left behind

    empty = tmp_path / "empty.db"
    empty.touch()
    assert await run_summary("1", settings_for(f"sqlite+aiosqlite:///{empty}"), output_format="json", chart=None) == 1
    captured = capsys.readouterr()
    assert "no such table" in captured.err and "reader-bot migrate" in captured.err and captured.out == ""

    chart = tmp_path / "no" / "such" / "chart.png"
    assert await run_summary("1", settings_for(sqlite_database.url), output_format="text", chart=chart) == 1
    assert "folder" in capsys.readouterr().err
