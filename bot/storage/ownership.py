"""The SQL form of bot/shards.py: only the guilds whose shards this process holds (issue 14)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal_column, true
from sqlalchemy.sql.elements import ColumnElement

from bot.shards import ShardPlan


def owned_guilds(guild_id: Any, shards: ShardPlan | None) -> ColumnElement[bool]:
    """`(guild_id >> 22) % shard_count IN (ids)` on SQLite and PostgreSQL alike; true when this process holds all."""
    if shards is None or not shards.partial:
        return true()
    assert shards.count is not None and shards.ids is not None
    # PostgreSQL has `bigint >> integer` only: the shift is written as a plain integer literal, not a bigint parameter.
    return (guild_id.op(">>")(literal_column("22")) % shards.count).in_(shards.ids)
