"""Apply alembic migrations from code (used by `reader-bot migrate` and at the start of `reader-bot run`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_on_connection(connection: Connection) -> None:
    """Apply migrations on an open synchronous connection (from `AsyncConnection.run_sync`)."""
    config = alembic_config(str(connection.engine.url.render_as_string(hide_password=False)))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def upgrade_to_head(database_url: str) -> None:
    """Blocking: run from a thread when an event loop is already running (alembic's env starts its own)."""
    command.upgrade(alembic_config(database_url), "head")


async def upgrade_to_head_async(database_url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, database_url)
