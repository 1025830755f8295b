"""Counts per option, computed by the database, and the snapshot a poll message is rendered from.

Counting happens in SQL (one GROUP BY with a window sum for the shares) so a refresh costs the same whether a
poll has ten votes or ten thousand. Nothing here ever selects member ids: a snapshot cannot leak who voted what.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Float, bindparam, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.questions.model import PollKind
from bot.storage.models import Answer, GuildSettings, Poll, PollOption, PollState, Vote

RESULTS_LIVE = "live"
RESULTS_ON_CLOSE = "on_close"


@dataclass(frozen=True)
class OptionTally:
    option_id: int
    position: int
    label: str
    votes: int
    share: float  # of the poll's current votes (of its voters in a multiple-choice poll), 0.0 when there are none


@dataclass(frozen=True)
class PollSnapshot:
    """Everything a poll message shows, read in one unit of work."""

    poll_id: int
    guild_id: int
    article_id: int
    question: str
    kind: PollKind
    language: str
    state: PollState
    anonymous: bool
    closes_at: datetime | None
    closed_at: datetime | None
    results_visibility: str  # live | on_close (the guild's setting)
    options: tuple[OptionTally, ...]
    total_votes: int
    answer_count: int
    edited_at: datetime | None = None  # an editor changed it after it was written (issue 13): the message says so
    style: str | None = None  # "native": Discord draws the poll on the message (bot/polls/native.py)
    voters: int | None = None  # members who voted, in a multiple-choice poll (one vote row per chosen answer)

    @property
    def is_closed(self) -> bool:
        return self.state == PollState.CLOSED

    @property
    def accepts_responses(self) -> bool:
        """Drafts render with live buttons too: they become open the moment their message is sent."""
        return self.state in (PollState.DRAFT, PollState.OPEN)

    @property
    def results_visible(self) -> bool:
        """`on_close` hides counts until the poll closes; `live` always shows them."""
        return self.is_closed or self.results_visibility != RESULTS_ON_CLOSE


def _option_counts_query():  # type: ignore[no-untyped-def]
    votes = func.count(Vote.id)
    share = cast(votes, Float) / func.nullif(func.sum(votes).over(), 0)
    return (
        select(PollOption.id, PollOption.position, PollOption.label, votes.label("votes"), share.label("share"))
        .select_from(PollOption)
        .outerjoin(Vote, Vote.option_id == PollOption.id)
        .where(PollOption.poll_id == bindparam("poll_id"))
        .group_by(PollOption.id, PollOption.position, PollOption.label)
        .order_by(PollOption.position)
    )


def _snapshot_query(*, scoped: bool):  # type: ignore[no-untyped-def]
    answers = select(func.count(Answer.id)).where(Answer.poll_id == Poll.id).scalar_subquery()
    query = (
        select(Poll.id, Poll.guild_id, Poll.article_id, Poll.question, Poll.kind, Poll.language, Poll.state,
               Poll.anonymous, Poll.closes_at, Poll.closed_at, GuildSettings.results_visibility, Poll.style,
               answers.label("answer_count"), Poll.edited_at, Poll.multiple)
        .outerjoin(GuildSettings, GuildSettings.guild_id == Poll.guild_id)
        .where(Poll.id == bindparam("poll_id"))
    )
    return query.where(Poll.guild_id == bindparam("guild_id")) if scoped else query


# Built once: a live poll is redrawn every few seconds while votes come in.
_OPTION_COUNTS = _option_counts_query()
_SNAPSHOT = _snapshot_query(scoped=False)
_SNAPSHOT_IN_GUILD = _snapshot_query(scoped=True)


async def option_tallies(session: AsyncSession, poll_id: int) -> tuple[OptionTally, ...]:
    """Current votes per option of one poll, in option order (options without votes count 0)."""
    rows = (await session.execute(_OPTION_COUNTS, {"poll_id": poll_id})).all()
    return tuple(
        OptionTally(option_id=row.id, position=row.position, label=row.label, votes=int(row.votes), share=float(row.share or 0.0))
        for row in rows
    )


async def load_poll_snapshot(session: AsyncSession, poll_id: int, *, guild_id: int | None = None) -> PollSnapshot | None:
    """The poll as its message should show it now; None when it does not exist (or belongs to another guild)."""
    if guild_id is None:
        result = await session.execute(_SNAPSHOT, {"poll_id": poll_id})
    else:
        result = await session.execute(_SNAPSHOT_IN_GUILD, {"poll_id": poll_id, "guild_id": guild_id})
    row = result.first()
    if row is None:
        return None
    options = await option_tallies(session, row.id)
    voters = None
    if row.multiple:  # shares of the members who voted: each may have chosen several options
        voters = int(await session.scalar(select(func.count(func.distinct(Vote.member_id))).where(Vote.poll_id == row.id)) or 0)
        options = tuple(replace(option, share=option.votes / voters if voters else 0.0) for option in options)
    return PollSnapshot(
        poll_id=row.id,
        guild_id=row.guild_id,
        article_id=row.article_id,
        question=row.question,
        kind=PollKind(row.kind),
        language=row.language,
        state=PollState(row.state),
        anonymous=row.anonymous,
        closes_at=row.closes_at,
        closed_at=row.closed_at,
        results_visibility=row.results_visibility or RESULTS_LIVE,
        options=options,
        total_votes=sum(option.votes for option in options),
        answer_count=int(row.answer_count or 0),
        edited_at=row.edited_at,
        style=row.style if row.style == "native" and PollKind(row.kind) != PollKind.OPEN else None,
        voters=voters,
    )
