"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.storage.database import Database
from bot.storage.migrate import upgrade_on_connection
from bot.storage.models import Base


def _differences(connection) -> list:  # type: ignore[no-untyped-def]
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_migrations_match_the_models(empty_database: Database) -> None:
    async with empty_database.engine.begin() as connection:
        await connection.run_sync(upgrade_on_connection)
    async with empty_database.engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        differences = await connection.run_sync(_differences)
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert differences == [], f"models and migrations disagree: {differences}"


async def test_upgrade_twice_is_a_no_op(empty_database: Database) -> None:
    for _ in range(2):
        async with empty_database.engine.begin() as connection:
            await connection.run_sync(upgrade_on_connection)
    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


def test_migrate_command_creates_an_empty_sqlite_file(tmp_path: Path) -> None:
    db_file = tmp_path / "fresh" / "bot.db"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env={"READER_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert db_file.exists()
    import sqlite3

    with sqlite3.connect(db_file) as connection:
        names = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
    assert {"articles", "polls", "votes", "answers", "discord_posts", "alembic_version"} <= names


def test_migrate_against_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env={"READER_BOT_DATABASE_URL": "postgresql+asyncpg://reader:s3cret-pw@127.0.0.1:1/nothing", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot migrate the database" in lines[0], result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout and "Traceback" not in result.stderr
