"""Fixtures for summary tests; the builders live in summary_builders.py."""

from __future__ import annotations

import pytest

from bot.storage.database import Database
from .summary_builders import Community


@pytest.fixture
def community(database: Database) -> Community:
    return Community(database)


@pytest.fixture
def sqlite_community(sqlite_database: Database) -> Community:
    return Community(sqlite_database)
