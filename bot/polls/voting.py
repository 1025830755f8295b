"""The voting rules, applied inside one unit of work.

One vote per member per poll: a click records it, a click on another option changes it, a click on the same
option again withdraws it. Every click is checked against the poll as stored now (its guild, its state, its
deadline, its options), never against what the button claims. `cast_votes` applies many clicks in one
transaction, in order, with a handful of statements whatever the batch size; that is what lets the batcher
acknowledge hundreds of votes a second while each is durable before it is acknowledged.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidInput, NotFound, PollClosed, ReaderBotError
from bot.questions.model import PollKind
from bot.storage.models import Answer, Poll, PollOption, PollState, Vote, utcnow

ANSWER_MAX_LENGTH = 1000


class VoteOutcome(enum.StrEnum):
    RECORDED = "recorded"
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"


class AnswerOutcome(enum.StrEnum):
    STORED = "stored"
    REPLACED = "replaced"


class EmptyAnswer(InvalidInput):
    """Nothing but whitespace was submitted."""


class AnswerTooLong(InvalidInput):
    """More than ANSWER_MAX_LENGTH characters."""


class NotAnOpenQuestion(InvalidInput):
    """A written answer was sent to a poll that takes votes."""


@dataclass(frozen=True)
class VoteRequest:
    """A click as the interaction reports it: who, in which guild, on which poll and option (all untrusted)."""

    guild_id: int
    poll_id: int
    option_id: int
    member_id: int


@dataclass(frozen=True)
class VoteReceipt:
    """What happened to one click, returned only once it is committed."""

    request: VoteRequest
    outcome: VoteOutcome
    option_label: str
    previous_label: str | None = None  # the option a CHANGED vote moved away from


VoteResult = VoteReceipt | ReaderBotError

WARM_UP_CLICK = VoteRequest(0, 0, 0, 0)  # no poll has id 0: applied in a warm-up, it reads and writes nothing


@dataclass(frozen=True)
class _PollRow:
    guild_id: int
    state: str
    closes_at: datetime | None


_VOTES = Vote.__table__

# Built once: the hot path only binds values (no statement construction or cache-key work per batch).
# FOR SHARE OF polls (PostgreSQL; SQLite holds its write lock instead) keeps a poll from closing mid-batch.
_POLLS_WITH_VOTES = (
    select(Poll.id, Poll.guild_id, Poll.state, Poll.closes_at, Vote.id.label("vote_id"), Vote.member_id, Vote.option_id)
    .outerjoin(Vote, and_(Vote.poll_id == Poll.id, Vote.member_id.in_(bindparam("member_ids", expanding=True))))
    .where(Poll.id.in_(bindparam("poll_ids", expanding=True)))
    .with_for_update(read=True, of=Poll)
)
_DELETE_VOTES = delete(_VOTES).where(_VOTES.c.id.in_(bindparam("vote_ids", expanding=True)))
_UPDATE_VOTE = (
    update(_VOTES)
    .where(_VOTES.c.id == bindparam("vote_id"))
    .values(option_id=bindparam("option_id"), updated_at=bindparam("updated_at"))
)
_INSERT_VOTE = insert(_VOTES)
_OPTIONS = select(PollOption.id, PollOption.poll_id, PollOption.label).where(
    PollOption.poll_id.in_(bindparam("poll_ids", expanding=True))
)


def poll_accepts_responses(state: str, closes_at: datetime | None, now: datetime) -> bool:
    """Not closed and before its deadline (a poll past its deadline is closed even before the closer ran).

    A DRAFT poll whose message is already on Discord becomes OPEN in the transaction that records the message as
    sent; a click in between (or before the publisher's reconcile after a crash) is a real member's vote."""
    return state in (PollState.DRAFT, PollState.OPEN) and (closes_at is None or closes_at > now)  # not proposed, dropped, deleted


class OptionLabels:
    """Option ids and labels per poll. Options never change once a poll exists, so the batcher keeps them in
    memory instead of reading them for every batch (the poll itself is still re-read for every click)."""

    def __init__(self, max_polls: int = 5000) -> None:
        self.max_polls = max_polls
        self._by_poll: dict[int, dict[int, str]] = {}

    def __contains__(self, poll_id: object) -> bool:
        return poll_id in self._by_poll

    def forget(self, poll_ids: Iterable[int]) -> None:
        """An editor changed these polls' options (only possible before their first vote): read them again."""
        for poll_id in poll_ids:
            self._by_poll.pop(poll_id, None)

    def for_polls(self, connection: Connection, poll_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        """option id -> (poll id, label) for the options of `poll_ids`."""
        return self.lookup(poll_ids, lambda missing: connection.execute(_OPTIONS, {"poll_ids": missing}))

    def lookup(
        self, poll_ids: Sequence[int], load: Callable[[list[int]], Iterable[Sequence[Any]]]
    ) -> dict[int, tuple[int, str]]:
        """Like `for_polls`, with `load(poll_ids)` yielding (option id, poll id, label) rows for the polls not cached."""
        missing = [poll_id for poll_id in poll_ids if poll_id not in self._by_poll]
        if missing:
            if len(self._by_poll) + len(missing) > self.max_polls:
                self._by_poll.clear()
            loaded: dict[int, dict[int, str]] = {poll_id: {} for poll_id in missing}
            for option_id, poll_id, label in load(missing):
                loaded[poll_id][option_id] = label
            self._by_poll.update(loaded)
        return {
            option_id: (poll_id, label)
            for poll_id in poll_ids
            for option_id, label in self._by_poll.get(poll_id, {}).items()
        }


async def cast_votes(
    session: AsyncSession,
    requests: Sequence[VoteRequest],
    *,
    now: datetime | None = None,
    option_labels: OptionLabels | None = None,
) -> list[VoteResult]:
    """`apply_votes` in an async unit of work (any backend)."""
    return await session.run_sync(
        lambda sync_session: apply_votes(sync_session.connection(), requests, now=now, option_labels=option_labels)
    )


def apply_votes(
    connection: Connection,
    requests: Sequence[VoteRequest],
    *,
    now: datetime | None = None,
    option_labels: OptionLabels | None = None,
) -> list[VoteResult]:
    """Apply clicks in order; one result per request (a receipt, or the domain error that refused it).

    Refused clicks change nothing. The caller's transaction must hold the write lock (see bot/polls/retry.py
    and bot/polls/writer.py) so that the reads here and the writes are one atomic step. One read (the polls
    with the members' current votes) and at most three writes, whatever the number of clicks. Synchronous, so
    that SQLite's dedicated writer thread runs a whole batch without returning to the event loop.
    """
    if not requests:
        return []
    now = now or utcnow()
    poll_ids = sorted({request.poll_id for request in requests})
    members = sorted({request.member_id for request in requests})
    rows = connection.execute(_POLLS_WITH_VOTES, {"poll_ids": poll_ids, "member_ids": members})
    polls, initial = collect_state(tuple(row) for row in rows)
    options = (option_labels or OptionLabels()).for_polls(connection, list(polls)) if polls else {}
    changes = decide_votes(requests, polls, initial, options, now)
    if changes.deletes:
        connection.execute(_DELETE_VOTES, {"vote_ids": changes.deletes})
    if changes.updates:
        connection.execute(
            _UPDATE_VOTE, [{"vote_id": vote_id, "option_id": option_id, "updated_at": now} for vote_id, option_id in changes.updates]
        )
    if changes.inserts:
        connection.execute(
            _INSERT_VOTE,
            [{"poll_id": poll_id, "guild_id": guild_id, "member_id": member_id, "option_id": option_id,
              "created_at": now, "updated_at": now} for poll_id, guild_id, member_id, option_id in changes.inserts],
        )
    return changes.results


@dataclass
class VoteChanges:
    """What a batch of clicks does: a result per click, and the rows to write."""

    results: list[VoteResult]
    inserts: list[tuple[int, int, int, int]]  # (poll, guild, member, option)
    updates: list[tuple[int, int]]  # (vote id, option)
    deletes: list[int]  # vote ids


def collect_state(
    rows: Iterable[tuple[Any, ...]],
) -> tuple[dict[int, _PollRow], dict[tuple[int, int], tuple[int, int]]]:
    """Polls and the members' current votes from (poll id, guild, state, closes_at, vote id, member, option) rows."""
    polls: dict[int, _PollRow] = {}
    initial: dict[tuple[int, int], tuple[int, int]] = {}  # (poll, member) -> (vote id, option id)
    for poll_id, guild_id, state, closes_at, vote_id, member_id, option_id in rows:
        polls[poll_id] = _PollRow(guild_id, state, closes_at)
        if vote_id is not None:
            initial[(poll_id, member_id)] = (vote_id, option_id)
    return polls, initial


def decide_votes(
    requests: Sequence[VoteRequest],
    polls: dict[int, _PollRow],
    initial: dict[tuple[int, int], tuple[int, int]],
    options: dict[int, tuple[int, str]],
    now: datetime,
) -> VoteChanges:
    """The rules, with no I/O: clicks in order against the stored state; refused clicks change nothing."""
    current: dict[tuple[int, int], int | None] = {}
    results: list[VoteResult] = []
    for request in requests:
        poll = polls.get(request.poll_id)
        if poll is None or poll.guild_id != request.guild_id:
            results.append(NotFound("unknown poll"))
            continue
        if not poll_accepts_responses(poll.state, poll.closes_at, now):
            results.append(PollClosed("poll is closed"))
            continue
        option = options.get(request.option_id)
        if option is None or option[0] != request.poll_id:
            results.append(NotFound("unknown option"))
            continue
        key = (request.poll_id, request.member_id)
        before = current[key] if key in current else (initial[key][1] if key in initial else None)
        label = option[1]
        if before is None:
            current[key] = request.option_id
            results.append(VoteReceipt(request, VoteOutcome.RECORDED, label))
        elif before == request.option_id:
            current[key] = None
            results.append(VoteReceipt(request, VoteOutcome.WITHDRAWN, label))
        else:
            current[key] = request.option_id
            results.append(VoteReceipt(request, VoteOutcome.CHANGED, label, previous_label=options[before][1]))

    changes = VoteChanges(results, [], [], [])
    for key, final in current.items():
        stored = initial.get(key)
        if stored is None:
            if final is not None:
                changes.inserts.append((key[0], polls[key[0]].guild_id, key[1], final))
        elif final is None:
            changes.deletes.append(stored[0])
        elif final != stored[1]:
            changes.updates.append((stored[0], final))
    return changes


async def warm_up_clicks(session: AsyncSession, repeat: int = 6) -> list[VoteRequest]:
    """Clicks for a warm-up that must go the whole way (read rows, decide, write): on an option of some open poll,
    by member 0 (no member has that id), `repeat` times; a click on no poll when there is no open poll. PostgreSQL
    plans a prepared statement afresh for each of its first five executions, hence the repeats. Only for a
    transaction that is rolled back."""
    row = (await session.execute(
        select(Poll.guild_id, Poll.id, PollOption.id).join(PollOption, PollOption.poll_id == Poll.id)
        .where(Poll.state == PollState.OPEN).order_by(Poll.id.desc()).limit(1)
    )).first()
    if row is None:
        return [WARM_UP_CLICK]
    guild_id, poll_id, option_id = row
    return [VoteRequest(guild_id, poll_id, option_id, 0)] * repeat


async def cast_vote(session: AsyncSession, request: VoteRequest, *, now: datetime | None = None) -> VoteReceipt:
    """One click; raises the domain error that refused it."""
    (result,) = await cast_votes(session, [request], now=now)
    if isinstance(result, ReaderBotError):
        raise result
    return result


def clean_answer(text: str | None) -> str:
    """The answer as stored: trimmed; refused when empty or too long."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise EmptyAnswer("the answer is empty")
    if len(cleaned) > ANSWER_MAX_LENGTH:
        raise AnswerTooLong(f"the answer is longer than {ANSWER_MAX_LENGTH} characters")
    return cleaned


async def store_answer(
    session: AsyncSession, *, guild_id: int, poll_id: int, member_id: int, text: str | None, now: datetime | None = None
) -> AnswerOutcome:
    """Store a member's written answer to an open question; a second one replaces the first."""
    cleaned = clean_answer(text)
    now = now or utcnow()
    poll = (
        await session.execute(
            select(Poll.guild_id, Poll.kind, Poll.state, Poll.closes_at).where(Poll.id == poll_id).with_for_update(read=True)
        )
    ).first()
    if poll is None or poll.guild_id != guild_id:
        raise NotFound("unknown poll")
    if poll.kind != PollKind.OPEN:
        raise NotAnOpenQuestion("this poll takes votes")
    if not poll_accepts_responses(poll.state, poll.closes_at, now):
        raise PollClosed("poll is closed")
    existing = (
        await session.execute(select(Answer.id).where(Answer.poll_id == poll_id, Answer.member_id == member_id))
    ).scalar_one_or_none()
    if existing is None:
        await session.execute(
            insert(Answer).values(poll_id=poll_id, guild_id=guild_id, member_id=member_id, text=cleaned,
                                  created_at=now, updated_at=now)
        )
        return AnswerOutcome.STORED
    await session.execute(update(Answer).where(Answer.id == existing).values(text=cleaned, updated_at=now))
    return AnswerOutcome.REPLACED


async def previous_answer(session: AsyncSession, *, guild_id: int, poll_id: int, member_id: int) -> str | None:
    """The member's own stored answer (to prefill the form they reopen), never anyone else's."""
    return (
        await session.execute(
            select(Answer.text).where(Answer.poll_id == poll_id, Answer.member_id == member_id, Answer.guild_id == guild_id)
        )
    ).scalar_one_or_none()


async def check_answerable(session: AsyncSession, *, guild_id: int, poll_id: int, now: datetime | None = None) -> None:
    """Raise unless the poll is an open question of this guild that still takes answers (before showing the form)."""
    poll = (await session.execute(select(Poll.guild_id, Poll.kind, Poll.state, Poll.closes_at).where(Poll.id == poll_id))).first()
    if poll is None or poll.guild_id != guild_id:
        raise NotFound("unknown poll")
    if poll.kind != PollKind.OPEN:
        raise NotAnOpenQuestion("this poll takes votes")
    if not poll_accepts_responses(poll.state, poll.closes_at, now or utcnow()):
        raise PollClosed("poll is closed")
