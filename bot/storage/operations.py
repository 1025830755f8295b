"""Figures for operators (/healthz, /metrics): each one query, none of them touches votes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import DiscordPost, EntryState, Poll, PollState, PostState, SeenEntry


async def ping(session: AsyncSession) -> None:
    """Raises when the database cannot answer."""
    await session.execute(text("SELECT 1"))


@dataclass(frozen=True)
class OperationalFigures:
    open_polls: int
    backlog: int  # articles waiting to be posted + outbox messages not sent yet


async def operational_figures(session: AsyncSession) -> OperationalFigures:
    open_polls = select(func.count()).select_from(Poll).where(Poll.state == PollState.OPEN).scalar_subquery()
    waiting = select(func.count()).select_from(SeenEntry).where(SeenEntry.state == EntryState.PENDING).scalar_subquery()
    unsent = select(func.count()).select_from(DiscordPost).where(DiscordPost.state == PostState.PENDING).scalar_subquery()
    row = (await session.execute(select(open_polls, waiting, unsent))).one()
    return OperationalFigures(open_polls=int(row[0]), backlog=int(row[1]) + int(row[2]))
