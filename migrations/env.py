"""alembic environment: async engine, batch mode for SQLite, the models' naming convention."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from bot.storage.database import create_engine
from bot.storage.models import Base, TZDateTime

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    return (
        config.get_main_option("sqlalchemy.url")
        or os.environ.get("READER_BOT_DATABASE_URL")
        or "sqlite+aiosqlite:///reader-bot.db"
    )


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    if type_ == "type" and isinstance(obj, TZDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection | None = None, **kwargs: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection, *, owned: bool = False) -> None:
    if connection.dialect.name == "sqlite":
        # Batch mode rebuilds a table by copying it and dropping the old one; with foreign keys enforced, that
        # drop would cascade to the rows pointing at it (seen entries, articles). SQLite only honours this pragma
        # outside a transaction: it must come before the first statement that writes.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if owned:  # end the transaction SQLAlchemy began for the pragma, so that alembic's own commits
            connection.commit()
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync, owned=True)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
elif (given := config.attributes.get("connection")) is not None:
    # A caller (tests, a running event loop) passed a synchronous connection: migrate on it.
    _run_sync(given)
else:
    asyncio.run(run_migrations_online())
