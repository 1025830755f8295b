"""Native polls: the rules for votes that arrive as Discord's poll events, and reconciling with Discord's voters.

A native poll is an ordinary poll (same tables, same one-vote-per-member rule) drawn as Discord's own poll on
its message. Discord numbers a poll's answers 1..n in the order they were sent, which is the options' order, so
answer id n is the option at position n-1.

Unlike a button click, a poll event is a fact, not a toggle: "member added answer 2", "member removed answer 2".
Applying one is idempotent, so events replayed after a reconnect or over a reconciliation do no harm. Discord is
the authority on what a member chose: votes are taken while the poll is not closed in the database, even a few
seconds past its deadline (Discord's own deadline is the same moment rounded up to a whole hour, and the final
reconciliation after Discord finalises the poll makes the stored votes equal Discord's count).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.questions.model import PollKind
from bot.storage.models import DiscordPost, ForgottenNativeVoter, Poll, PollOption, PollState, PostState, Vote, utcnow

NATIVE = "native"
_VOTES = Vote.__table__
_UPDATE_VOTE = (
    update(_VOTES).where(_VOTES.c.id == bindparam("vote_id"))
    .values(option_id=bindparam("option_id"), updated_at=bindparam("updated_at"))
)
QUESTION_LIMIT = 300
ANSWER_LIMIT = 55
ANSWERS_LIMIT = 10
MAX_HOURS = 768


@dataclass(frozen=True)
class NativePollEvent:
    """MESSAGE_POLL_VOTE_ADD (added=True) or _REMOVE, as the gateway reports it (untrusted)."""

    guild_id: int
    message_id: int
    member_id: int
    answer_id: int
    added: bool


@dataclass(frozen=True)
class NativePollRef:
    poll_id: int
    guild_id: int
    channel_id: int
    message_id: int


@dataclass(frozen=True)
class NativePollDraft:
    """What the publisher sends as Discord's poll object."""

    question: str
    answers: tuple[str, ...]
    hours: int
    language: str = "en"
    multiple: bool = False


@dataclass(frozen=True)
class ReconcileResult:
    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


def fit(text: str, limit: int) -> str:
    """One line of at most `limit` characters (an ellipsis marks a cut)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def duration_hours(seconds: float) -> int:
    """Discord's poll duration: the poll's own duration rounded up to whole hours, 1..768."""
    return max(1, min(MAX_HOURS, math.ceil(seconds / 3600 - 1e-9)))


def is_native(style: str | None, kind: PollKind | str) -> bool:
    return style == NATIVE and PollKind(kind) != PollKind.OPEN


async def native_poll_draft(session: AsyncSession, poll_id: int) -> NativePollDraft | None:
    """The poll object for a native poll's message; None for polls drawn with buttons."""
    poll = (await session.execute(
        select(Poll.question, Poll.kind, Poll.style, Poll.duration_seconds, Poll.language, Poll.multiple)
        .where(Poll.id == poll_id)
    )).first()
    if poll is None or not is_native(poll.style, poll.kind):
        return None
    labels = (await session.scalars(
        select(PollOption.label).where(PollOption.poll_id == poll_id).order_by(PollOption.position))).all()
    answers = tuple(fit(label, ANSWER_LIMIT) for label in labels[:ANSWERS_LIMIT])
    return NativePollDraft(fit(poll.question, QUESTION_LIMIT), answers, duration_hours(poll.duration_seconds),
                           poll.language, bool(poll.multiple))


def _native_posts():  # type: ignore[no-untyped-def]
    return (
        select(Poll.id, Poll.guild_id, DiscordPost.channel_id, DiscordPost.message_id)
        .join(DiscordPost, DiscordPost.poll_id == Poll.id)
        .where(DiscordPost.key.like("poll:%"),
               DiscordPost.state == PostState.SENT, DiscordPost.message_id.is_not(None), Poll.style == NATIVE,
               Poll.kind != PollKind.OPEN)
    )


async def open_native_polls(session: AsyncSession, *, guild_ids: Iterable[int] | None = None) -> list[NativePollRef]:
    """Native polls whose message is on Discord and that are not closed (to reconcile after downtime)."""
    query = _native_posts().where(Poll.state != PollState.CLOSED).order_by(Poll.id)
    if guild_ids is not None:
        query = query.where(Poll.guild_id.in_(list(guild_ids)))
    return [NativePollRef(*row) for row in (await session.execute(query)).all()]


async def native_poll_ref(session: AsyncSession, poll_id: int) -> NativePollRef | None:
    """Where an unclosed native poll's message is; None for closed polls, polls drawn with buttons, or not posted."""
    row = (await session.execute(_native_posts().where(Poll.id == poll_id, Poll.state != PollState.CLOSED))).first()
    return NativePollRef(*row) if row else None


async def native_poll_ref_for_message(session: AsyncSession, guild_id: int, message_id: int) -> NativePollRef | None:
    """The unclosed native poll a Discord message carries, if it is one of this guild's."""
    row = (await session.execute(_native_posts().where(
        DiscordPost.guild_id == guild_id, DiscordPost.message_id == message_id, Poll.state != PollState.CLOSED))).first()
    return NativePollRef(*row) if row else None


async def native_poll_ids(session: AsyncSession, poll_ids: Sequence[int]) -> list[int]:
    if not poll_ids:
        return []
    rows = await session.scalars(select(Poll.id).where(Poll.id.in_(list(poll_ids)), Poll.style == NATIVE,
                                                         Poll.kind != PollKind.OPEN))
    return list(rows)


async def _options(session: AsyncSession, poll_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """poll id -> Discord answer id -> option id."""
    rows = await session.execute(
        select(PollOption.poll_id, PollOption.position, PollOption.id).where(PollOption.poll_id.in_(list(poll_ids))))
    options: dict[int, dict[int, int]] = {poll_id: {} for poll_id in poll_ids}
    for poll_id, position, option_id in rows:
        options[poll_id][position + 1] = option_id
    return options


def vote_slot(multiple: bool, option_id: int) -> int:
    """Which stored vote an answer fills: the member's only one (0), or in a multiple-choice poll its own."""
    return option_id if multiple else 0


async def apply_native_events(session: AsyncSession, events: Sequence[NativePollEvent]) -> set[int]:
    """Apply poll events in order within the caller's unit of work; returns the ids of the polls they changed.

    Events for messages that are not this guild's native polls, for unknown answers, or for closed polls are
    ignored (Discord has already shown the member their vote; there is nobody to answer). Three reads and at
    most four writes however many events: the events are applied in memory to the votes as stored, then only
    the difference is written. In a multiple-choice poll each answer is its own vote (its own slot)."""
    if not events:
        return set()
    rows = (await session.execute(_native_posts().add_columns(Poll.state, Poll.multiple).where(
        DiscordPost.message_id.in_(sorted({event.message_id for event in events}))))).all()
    polls = {(row.guild_id, row.message_id): row.id for row in rows if row.state != PollState.CLOSED}
    multiple = {row.id: bool(row.multiple) for row in rows}
    if not polls:
        return set()
    poll_ids = sorted(set(polls.values()))
    options = await _options(session, poll_ids)
    members = sorted({event.member_id for event in events})
    stored = {(row.poll_id, row.member_id, row.slot): (row.id, row.option_id) for row in await session.execute(
        select(Vote.id, Vote.poll_id, Vote.member_id, Vote.slot, Vote.option_id).where(
            Vote.poll_id.in_(poll_ids), Vote.member_id.in_(members)))}
    current: dict[tuple[int, int, int], int | None] = {}
    voted_again: dict[int, set[int]] = {}  # poll -> members with a new vote (no longer forgotten)
    guilds = {poll_id: guild_id for (guild_id, _), poll_id in polls.items()}
    for event in events:
        poll_id = polls.get((event.guild_id, event.message_id))
        option_id = options.get(poll_id, {}).get(event.answer_id) if poll_id is not None else None
        if poll_id is None or option_id is None:
            continue
        key = (poll_id, event.member_id, vote_slot(multiple[poll_id], option_id))
        before = current[key] if key in current else (stored[key][1] if key in stored else None)
        if event.added:
            current[key] = option_id
            voted_again.setdefault(poll_id, set()).add(event.member_id)
        elif before == option_id:
            current[key] = None
    now = utcnow()
    inserts, updates, deletes = [], [], []
    changed: set[int] = set()
    for (poll_id, member_id, slot), option_id in current.items():
        before = stored.get((poll_id, member_id, slot))
        if before is None and option_id is not None:
            inserts.append({"poll_id": poll_id, "guild_id": guilds[poll_id], "member_id": member_id,
                            "option_id": option_id, "slot": slot, "created_at": now, "updated_at": now})
        elif before is not None and option_id is None:
            deletes.append(before[0])
        elif before is not None and before[1] != option_id:
            updates.append({"vote_id": before[0], "option_id": option_id, "updated_at": now})
        else:
            continue
        changed.add(poll_id)
    for poll_id, again in voted_again.items():
        await session.execute(delete(ForgottenNativeVoter).where(
            ForgottenNativeVoter.poll_id == poll_id, ForgottenNativeVoter.member_id.in_(sorted(again))))
    if deletes:
        await session.execute(delete(_VOTES).where(_VOTES.c.id.in_(deletes)))
    if updates:
        await session.execute(_UPDATE_VOTE, updates)
    if inserts:
        await session.execute(insert(_VOTES), inserts)
    return changed


async def reconcile_native_poll(
    session: AsyncSession, poll_id: int, voters: Mapping[int, Iterable[int]], *, final: bool = False
) -> ReconcileResult:
    """Make the stored votes of a native poll equal Discord's voters (answer id -> member ids).

    Members who ran /forget-me while the poll was open are left out (Discord still lists them until they remove
    their vote there). A member listed under several answers counts for each in a multiple-choice poll, and for
    the lowest answer id in a single-choice one (where Discord does not allow it). A closed poll is left alone:
    its result is out. (`final` marks the reconciliation after Discord finalised the poll, done just before the
    poll is closed in the database.)"""
    poll = (await session.execute(
        select(Poll.guild_id, Poll.state, Poll.multiple).where(Poll.id == poll_id).with_for_update())).first()
    if poll is None or poll.state == PollState.CLOSED:
        return ReconcileResult()
    options = (await _options(session, [poll_id]))[poll_id]
    forgotten = set(await session.scalars(
        select(ForgottenNativeVoter.member_id).where(ForgottenNativeVoter.poll_id == poll_id)))
    wanted: dict[tuple[int, int], int] = {}  # (member, slot) -> option
    for answer_id in sorted(voters):
        option_id = options.get(answer_id)
        if option_id is None:
            continue
        for member_id in voters[answer_id]:
            if member_id not in forgotten:
                wanted.setdefault((member_id, vote_slot(poll.multiple, option_id)), option_id)
    stored = {(row.member_id, row.slot): (row.id, row.option_id) for row in (await session.execute(
        select(Vote.id, Vote.member_id, Vote.slot, Vote.option_id).where(Vote.poll_id == poll_id))).all()}
    now = utcnow()
    gone = [vote_id for key, (vote_id, _) in stored.items() if key not in wanted]
    inserts = [{"poll_id": poll_id, "guild_id": poll.guild_id, "member_id": member_id, "option_id": option_id,
                "slot": slot, "created_at": now, "updated_at": now}
               for (member_id, slot), option_id in wanted.items() if (member_id, slot) not in stored]
    updates = [{"vote_id": stored[key][0], "option_id": option_id, "updated_at": now}
               for key, option_id in wanted.items() if key in stored and stored[key][1] != option_id]
    if gone:
        await session.execute(delete(Vote).where(Vote.id.in_(gone)))
    if inserts:  # one executemany each, however many votes Discord has
        await session.execute(insert(_VOTES), inserts)
    if updates:
        await session.execute(_UPDATE_VOTE, updates)
    added, changed = len(inserts), len(updates)
    return ReconcileResult(added, changed, len(gone))


async def forget_on_native_polls(session: AsyncSession, guild_id: int, member_id: int) -> None:
    """After /forget-me: keep reconciliation from storing the member's votes again on this guild's open native
    polls (their vote stays visible on Discord until they remove it there)."""
    open_ids = set(await session.scalars(select(Poll.id).where(
        Poll.guild_id == guild_id, Poll.style == NATIVE, Poll.state != PollState.CLOSED)))
    known = set(await session.scalars(select(ForgottenNativeVoter.poll_id).where(
        ForgottenNativeVoter.member_id == member_id, ForgottenNativeVoter.poll_id.in_(list(open_ids)))))
    for poll_id in sorted(open_ids - known):
        session.add(ForgottenNativeVoter(poll_id=poll_id, member_id=member_id))
    await session.flush()
