"""Shared fixtures. Storage tests run against SQLite and, when READER_BOT_TEST_POSTGRES_URL is set, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage.database import Database
from bot.storage.models import Base

POSTGRES_URL = os.environ.get("READER_BOT_TEST_POSTGRES_URL")

DATABASE_BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


async def _postgres_schema_database(schema: str, create: bool = True) -> Database:
    """A Database whose connections see only a fresh schema, so parallel test runs never collide."""
    assert POSTGRES_URL
    admin = Database(POSTGRES_URL)
    async with admin.engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    return Database(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})


async def drop_postgres_schema(schema: str) -> None:
    assert POSTGRES_URL
    admin = Database(POSTGRES_URL)
    async with admin.engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await admin.dispose()


@pytest.fixture(params=DATABASE_BACKENDS)
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no tables (for migration tests), on each backend."""
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        yield database
        await database.dispose()
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    database = await _postgres_schema_database(schema)
    database.schema = schema  # type: ignore[attr-defined]
    try:
        yield database
    finally:
        await database.dispose()
        await drop_postgres_schema(schema)


@pytest.fixture
async def database(empty_database: Database) -> Database:
    """A database with the full schema, on each backend (SQLite file and PostgreSQL)."""
    async with empty_database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    return empty_database


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only, for tests that are not about storage."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield database
    await database.dispose()
