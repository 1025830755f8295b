"""Editors decide: the states of a poll before and after it is posted, and the rules for changing them.

A proposal waiting for an editor is a poll in a state before it is posted (see /work/shared/DESIGN.md):

    proposed --approve--> approved (DRAFT) --posted--> posted (OPEN, later CLOSED) --delete--> deleted
        \\--drop / timeout "drop"--> dropped                     (timeout "publish" approves)

Polls the finder proposes start `proposed` when the guild has review on, `approved` otherwise; a poll an
editor writes by hand starts `approved` (no review for it). Only `proposed` polls can be decided, once; who
decided and when is stored (`decided_by` NULL with `decided_at` set: the review timeout). Question and options
may be edited until the poll's first vote or answer, the question alone after that; closed, dropped and
deleted polls are not edited. Every function takes the guild the interaction came from: a poll of another
guild is NotFound, whatever id was sent. No Discord here; bot/cogs/editors.py and bot/cogs/review.py are the
adapters.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidInput, NotFound
from bot.polls.options import PollSpec, options_text, parse_options
from bot.questions.model import PollKind
from bot.storage.models import (
    Answer,
    Article,
    DiscordPost,
    EntryState,
    GuildSettings,
    Poll,
    PollOption,
    PollState,
    PostState,
    SeenEntry,
    Vote,
)

MAX_POLLS_PER_ARTICLE_BY_HAND = 25
UNFINISHED_STATES = (PollState.PROPOSED, PollState.DRAFT, PollState.OPEN)  # an article's summary waits for these
SHOWN_STATES = (PollState.OPEN, PollState.CLOSED)  # posted and not deleted: what summaries count
RESPONSIVE_STATES = (PollState.DRAFT, PollState.OPEN)  # take votes (a DRAFT's message may be out already)


def review_key(article_id: int) -> str:
    """The outbox key of an article's message in the review channel."""
    return f"review:{article_id}"


def removal_key(poll_id: int) -> str:
    """The outbox key recording that a deleted poll's message was removed from Discord."""
    return f"removed:{poll_id}"


class ReviewState(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DROPPED = "dropped"
    POSTED = "posted"
    DELETED = "deleted"


def review_state(state: PollState | str) -> ReviewState:
    state = PollState(state)
    if state in (PollState.OPEN, PollState.CLOSED):
        return ReviewState.POSTED
    return {
        PollState.PROPOSED: ReviewState.PROPOSED,
        PollState.DRAFT: ReviewState.APPROVED,
        PollState.DROPPED: ReviewState.DROPPED,
        PollState.DELETED: ReviewState.DELETED,
    }[state]


class AlreadyDecided(InvalidInput):
    """The proposal was approved or dropped before (by someone else, or by the timeout)."""


class PollHasVotes(InvalidInput):
    """Options cannot change once a poll has a vote or an answer."""


class NotEditable(InvalidInput):
    """Closed, dropped and deleted polls are not edited."""


def already_decided(state: PollState | str) -> AlreadyDecided:
    """The refusal for deciding a proposal twice; its sentence names what it is now."""
    return AlreadyDecided("already decided", message_key=f"review.already_{review_state(state).value}")


def not_editable(state: PollState | str) -> NotEditable:
    """The refusal for changing a poll that is closed, dropped or deleted."""
    name = "closed" if PollState(state) == PollState.CLOSED else review_state(state).value
    return NotEditable("not editable", message_key=f"editor.not_editable_{name}")


@dataclass(frozen=True)
class Decision:
    poll_id: int
    article_id: int
    state: PollState


async def _poll_in_guild(session: AsyncSession, guild_id: int, poll_id: int, *, lock: bool = True) -> Poll:
    query = select(Poll).where(Poll.id == poll_id, Poll.guild_id == guild_id)
    if lock:
        query = query.with_for_update()
    poll = await session.scalar(query)
    if poll is None:
        raise NotFound("unknown poll")
    return poll


async def decide(
    session: AsyncSession, *, guild_id: int, poll_id: int, editor_id: int | None, approve: bool, now: datetime
) -> Decision:
    """Approve or drop one proposal; AlreadyDecided when it is not a proposal any more (nothing changes)."""
    poll = await _poll_in_guild(session, guild_id, poll_id)
    if poll.state != PollState.PROPOSED:
        raise already_decided(poll.state)
    poll.state = PollState.DRAFT if approve else PollState.DROPPED
    poll.decided_by = editor_id
    poll.decided_at = now
    await session.flush()
    return Decision(poll.id, poll.article_id, poll.state)


async def approve_all(session: AsyncSession, *, guild_id: int, article_id: int, editor_id: int, now: datetime) -> list[int]:
    """Approve every proposal of an article still waiting; returns their ids (empty: nothing was waiting)."""
    polls = list(await session.scalars(
        select(Poll).where(Poll.article_id == article_id, Poll.guild_id == guild_id, Poll.state == PollState.PROPOSED)
        .order_by(Poll.position).with_for_update()
    ))
    for poll in polls:
        poll.state, poll.decided_by, poll.decided_at = PollState.DRAFT, editor_id, now
    await session.flush()
    return [poll.id for poll in polls]


async def article_in_guild(session: AsyncSession, *, guild_id: int, article_id: int) -> Article:
    article = await session.scalar(select(Article).where(Article.id == article_id, Article.guild_id == guild_id))
    if article is None:
        raise NotFound("unknown article")
    return article


async def has_responses(session: AsyncSession, poll_id: int) -> bool:
    votes = await session.scalar(select(exists().where(Vote.poll_id == poll_id)))
    answers = await session.scalar(select(exists().where(Answer.poll_id == poll_id)))
    return bool(votes or answers)


@dataclass(frozen=True)
class EditResult:
    poll_id: int
    article_id: int
    state: PollState
    question_changed: bool
    options_changed: bool


async def edit_poll(
    session: AsyncSession,
    *,
    guild_id: int,
    poll_id: int,
    editor_id: int,
    question: str,
    options: str | None,
    now: datetime,
) -> EditResult:
    """Change a poll's question and, while it has no votes or answers, its options (`options` None: unchanged).

    `question` must be clean already (bot/polls/options.clean_question); `options` is parsed here, in the poll's
    language. The poll's row is locked first, so a vote cannot slip in between the check and the change."""
    poll = await _poll_in_guild(session, guild_id, poll_id)
    if poll.state not in (PollState.PROPOSED, PollState.DRAFT, PollState.OPEN):
        raise not_editable(poll.state)
    current = [option.label for option in await session.scalars(
        select(PollOption).where(PollOption.poll_id == poll_id).order_by(PollOption.position))]
    options_changed = False
    kind, labels = PollKind(poll.kind), tuple(current)
    if options is not None:
        kind, labels = parse_options(options, poll.language)
        options_changed = kind != PollKind(poll.kind) or list(labels) != current
    if options_changed and await has_responses(session, poll_id):
        raise PollHasVotes("has votes", message_key="editor.edit_has_votes")
    question_changed = question != poll.question
    if not question_changed and not options_changed:
        return EditResult(poll.id, poll.article_id, poll.state, False, False)
    poll.question = question
    if options_changed:
        await replace_options(session, poll, kind, labels)
    poll.edited_by, poll.edited_at = editor_id, now
    await session.flush()
    return EditResult(poll.id, poll.article_id, poll.state, question_changed, options_changed)


async def replace_options(session: AsyncSession, poll: Poll, kind: PollKind, labels: tuple[str, ...]) -> None:
    """Labels change in place (option ids stay, so buttons already drawn keep their meaning); extra rows go."""
    rows = list(await session.scalars(select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)))
    for index, label in enumerate(labels):
        if index < len(rows):
            rows[index].label = label
        else:
            session.add(PollOption(poll_id=poll.id, position=index, label=label))
    for row in rows[len(labels):]:
        await session.delete(row)
    poll.kind = kind
    await session.flush()


@dataclass(frozen=True)
class DeleteResult:
    poll_id: int
    article_id: int
    question: str
    was_posted: bool
    votes_removed: int
    answers_removed: int


async def delete_poll(session: AsyncSession, *, guild_id: int, poll_id: int, editor_id: int, now: datetime) -> DeleteResult:
    """Record the deletion (who, when) and remove the poll's votes and answers; the poll row stays, DELETED, so
    summaries and the review message can tell it existed and leave it out."""
    poll = await _poll_in_guild(session, guild_id, poll_id)
    if poll.state in (PollState.DELETED, PollState.DROPPED):
        raise not_editable(poll.state)
    was_posted = poll.state in (PollState.OPEN, PollState.CLOSED)
    votes = await session.execute(delete(Vote).where(Vote.poll_id == poll_id))
    answers = await session.execute(delete(Answer).where(Answer.poll_id == poll_id))
    poll.state, poll.deleted_by, poll.deleted_at = PollState.DELETED, editor_id, now
    await session.flush()
    return DeleteResult(poll.id, poll.article_id, poll.question, was_posted, votes.rowcount or 0, answers.rowcount or 0)


async def add_poll(
    session: AsyncSession,
    *,
    guild_id: int,
    article_id: int,
    spec: PollSpec,
    duration_seconds: float,
    anonymous: bool,
    language: str,
    editor_id: int,
    native: bool = False,
    multiple: bool = False,
) -> int:
    """A poll an editor wrote for a posted article: approved at once (no review), posted next. In a guild with
    the native style a yes/no or choice poll is drawn as Discord's own poll, and only such a poll can let a member
    choose several answers."""
    native = native and spec.kind != PollKind.OPEN
    if multiple and not (native and spec.kind == PollKind.CHOICE):
        raise InvalidInput("multiple choice needs a native choice poll", message_key="editor.multiple_needs_native")
    article = await article_in_guild(session, guild_id=guild_id, article_id=article_id)
    if not await article_is_posted(session, article.id):
        raise InvalidInput("article not posted yet", message_key="editor.article_not_posted")
    count, last = (await session.execute(
        select(func.count(Poll.id), func.max(Poll.position)).where(Poll.article_id == article.id))).one()
    if count >= MAX_POLLS_PER_ARTICLE_BY_HAND:
        raise InvalidInput("too many polls", message_key="editor.too_many_polls", values={"limit": MAX_POLLS_PER_ARTICLE_BY_HAND})
    poll = Poll(article_id=article.id, guild_id=guild_id, position=(last if last is not None else -1) + 1,
                question=spec.question, kind=spec.kind, language=language, anonymous=anonymous,
                duration_seconds=duration_seconds, state=PollState.DRAFT, created_by=editor_id,
                style="native" if native else None, multiple=multiple)
    poll.options = [PollOption(position=index, label=label) for index, label in enumerate(spec.options)]
    session.add(poll)
    await session.flush()
    return poll.id


async def article_is_posted(session: AsyncSession, article_id: int) -> bool:
    """The article's own posting (message, thread, finder's polls) is finished: new polls can go to its thread."""
    sent = await session.scalar(select(exists().where(
        DiscordPost.key == f"article:{article_id}", DiscordPost.state == PostState.SENT)))
    pending = await session.scalar(select(exists().where(
        SeenEntry.article_id == article_id, SeenEntry.state == EntryState.PENDING)))
    return bool(sent) and not pending


def _polls_to_post_query():  # type: ignore[no-untyped-def]
    poll_post = DiscordPost.__table__.alias("poll_post")
    pending_entry = exists().where(SeenEntry.article_id == Poll.article_id, SeenEntry.state == EntryState.PENDING)
    sent_article = exists().where(
        DiscordPost.article_id == Poll.article_id, DiscordPost.key.like("article:%"), DiscordPost.state == PostState.SENT)
    return (
        select(Poll.id)
        .outerjoin(poll_post, and_(poll_post.c.poll_id == Poll.id, poll_post.c.key.like("poll:%")))
        .where(Poll.state == PollState.DRAFT, (Poll.decided_at.is_not(None)) | (Poll.created_by.is_not(None)),
               sent_article, ~pending_entry, (poll_post.c.id.is_(None)) | (poll_post.c.state != PostState.SENT))
        .order_by(Poll.id).limit(bindparam("limit"))
    )


def _deleted_still_shown_query():  # type: ignore[no-untyped-def]
    poll_post = DiscordPost.__table__.alias("poll_post")
    removed = DiscordPost.__table__.alias("removed")
    return (
        select(Poll.id)
        .join(poll_post, and_(poll_post.c.poll_id == Poll.id, poll_post.c.key.like("poll:%"),
                              poll_post.c.state == PostState.SENT))
        .outerjoin(removed, and_(removed.c.poll_id == Poll.id, removed.c.key.like("removed:%")))
        .where(Poll.state == PollState.DELETED, (removed.c.id.is_(None)) | (removed.c.state != PostState.SENT))
        .order_by(Poll.id).limit(bindparam("limit"))
    )


def _awaiting_review_message_query():  # type: ignore[no-untyped-def]
    review_post = DiscordPost.__table__.alias("review_post")
    pending_entry = exists().where(SeenEntry.article_id == Article.id, SeenEntry.state == EntryState.PENDING)
    has_proposal = exists().where(Poll.article_id == Article.id, Poll.state == PollState.PROPOSED)
    return (
        select(Article.id)
        .outerjoin(review_post, and_(review_post.c.article_id == Article.id, review_post.c.key.like("review:%")))
        .where(has_proposal, ~pending_entry, (review_post.c.id.is_(None)) | (review_post.c.state != PostState.SENT))
        .order_by(Article.id).limit(bindparam("limit"))
    )


# The background sweep runs these every few seconds: built once (like closing.py's), because building them, with
# their table aliases, cost more than running them (issue 11: about a fifth of each sweep's CPU, on the loop that
# answers clicks).
_POLLS_TO_POST = _polls_to_post_query()
_DELETED_STILL_SHOWN = _deleted_still_shown_query()
_AWAITING_REVIEW_MESSAGE = _awaiting_review_message_query()


async def polls_to_post(session: AsyncSession, *, limit: int = 50) -> list[int]:
    """Approved or hand-written polls of finished articles whose message is not (known to be) on Discord yet:
    after a crash between an approval and its post, this is what finishes it (through the outbox)."""
    return list(await session.scalars(_POLLS_TO_POST, {"limit": limit}))


async def deleted_polls_still_shown(session: AsyncSession, *, limit: int = 50) -> list[int]:
    """Deleted polls whose message was posted and not (known to be) removed: a crash came between the deletion
    and removing the message."""
    return list(await session.scalars(_DELETED_STILL_SHOWN, {"limit": limit}))


async def articles_awaiting_review_message(session: AsyncSession, *, limit: int = 20) -> list[int]:
    """Articles with proposals whose review message is not (known to be) sent, once the article itself is out."""
    return list(await session.scalars(_AWAITING_REVIEW_MESSAGE, {"limit": limit}))


async def expire_proposals(session: AsyncSession, *, now: datetime, timeout_seconds: float) -> dict[int, list[int]]:
    """Proposals older than the timeout get their guild's `review_default` (drop unless "publish");
    returns article id -> the polls decided now."""
    cutoff = now - timedelta(seconds=timeout_seconds)
    rows = (await session.execute(
        select(Poll, GuildSettings.review_default)
        .outerjoin(GuildSettings, GuildSettings.guild_id == Poll.guild_id)
        .where(Poll.state == PollState.PROPOSED, Poll.created_at <= cutoff)
        .order_by(Poll.id).with_for_update(of=Poll)
    )).all()
    decided: dict[int, list[int]] = {}
    for poll, default in rows:
        poll.state = PollState.DRAFT if default == "publish" else PollState.DROPPED
        poll.decided_by, poll.decided_at = None, now
        decided.setdefault(poll.article_id, []).append(poll.id)
    await session.flush()
    return decided


async def next_proposal_deadline(session: AsyncSession, timeout_seconds: float) -> datetime | None:
    oldest = await session.scalar(select(func.min(Poll.created_at)).where(Poll.state == PollState.PROPOSED))
    return oldest + timedelta(seconds=timeout_seconds) if oldest is not None else None


@dataclass(frozen=True)
class ProposalView:
    poll_id: int
    question: str
    kind: PollKind
    labels: tuple[str, ...]
    state: ReviewState
    created_by: int | None
    decided_by: int | None
    decided_at: datetime | None
    edited_by: int | None
    deleted_by: int | None


@dataclass(frozen=True)
class ReviewSheet:
    """Everything an article's review message shows."""

    article_id: int
    guild_id: int
    title: str
    url: str
    thread_id: int | None
    language: str
    proposals: tuple[ProposalView, ...]
    waiting_since: datetime | None  # when the oldest proposal still waiting was made (its timeout counts from then)

    @property
    def waiting(self) -> bool:
        return any(p.state == ReviewState.PROPOSED for p in self.proposals)


async def review_sheet(session: AsyncSession, article_id: int) -> ReviewSheet | None:
    article = await session.get(Article, article_id)
    if article is None:
        return None
    polls = list(await session.scalars(
        select(Poll).where(Poll.article_id == article_id,
                           (Poll.decided_at.is_not(None)) | (Poll.state == PollState.PROPOSED)).order_by(Poll.position)))
    views = []
    for poll in polls:
        labels = tuple(label for label in await session.scalars(
            select(PollOption.label).where(PollOption.poll_id == poll.id).order_by(PollOption.position)))
        views.append(ProposalView(poll.id, poll.question, PollKind(poll.kind), labels, review_state(poll.state),
                                  poll.created_by, poll.decided_by, poll.decided_at, poll.edited_by, poll.deleted_by))
    language = polls[0].language if polls else article.language
    waiting_since = min((poll.created_at for poll in polls if poll.state == PollState.PROPOSED), default=None)
    return ReviewSheet(article.id, article.guild_id, article.title, article.url, article.thread_id, language, tuple(views),
                       waiting_since)


@dataclass(frozen=True)
class EditablePoll:
    poll_id: int
    article_id: int
    question: str
    options: str  # as the form shows them (bot/polls/options.options_text)
    state: PollState
    has_responses: bool


async def editable_poll(session: AsyncSession, *, guild_id: int, poll_id: int) -> EditablePoll:
    """The poll as the edit form is prefilled with; NotFound / NotEditable as `edit_poll` would refuse it."""
    poll = await _poll_in_guild(session, guild_id, poll_id, lock=False)
    if poll.state not in (PollState.PROPOSED, PollState.DRAFT, PollState.OPEN):
        raise not_editable(poll.state)
    labels = [label for label in await session.scalars(
        select(PollOption.label).where(PollOption.poll_id == poll_id).order_by(PollOption.position))]
    return EditablePoll(poll.id, poll.article_id, poll.question, options_text(PollKind(poll.kind), labels, poll.language),
                        PollState(poll.state), await has_responses(session, poll_id))


async def poll_question_and_state(session: AsyncSession, *, guild_id: int, poll_id: int) -> tuple[str, PollState]:
    poll = await _poll_in_guild(session, guild_id, poll_id, lock=False)
    return poll.question, PollState(poll.state)


async def deletable_question(session: AsyncSession, *, guild_id: int, poll_id: int) -> str:
    """The question of a poll that can still be deleted (anything not dropped or deleted already)."""
    question, state = await poll_question_and_state(session, guild_id=guild_id, poll_id=poll_id)
    if state in (PollState.DROPPED, PollState.DELETED):
        raise not_editable(state)
    return question


async def response_counts(session: AsyncSession, poll_id: int) -> tuple[int, int]:
    """(votes, written answers) of a poll, for the delete confirmation."""
    votes = await session.scalar(select(func.count(Vote.id)).where(Vote.poll_id == poll_id))
    answers = await session.scalar(select(func.count(Answer.id)).where(Answer.poll_id == poll_id))
    return int(votes or 0), int(answers or 0)


async def poll_article_id(session: AsyncSession, poll_id: int) -> int | None:
    return await session.scalar(select(Poll.article_id).where(Poll.id == poll_id))


async def poll_article(session: AsyncSession, *, guild_id: int, poll_id: int) -> int:
    poll = await _poll_in_guild(session, guild_id, poll_id, lock=False)
    return poll.article_id


async def articles_for_autocomplete(session: AsyncSession, *, guild_id: int, search: str = "", limit: int = 25) -> list[tuple[int, str]]:
    """This guild's articles whose title contains `search`, newest first (for /poll add)."""
    query = select(Article.id, Article.title).where(Article.guild_id == guild_id)
    if search.strip():
        escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Article.title).like(f"%{escaped}%", escape="\\"))
    rows = await session.execute(query.order_by(Article.created_at.desc(), Article.id.desc()).limit(limit))
    return [(row.id, row.title) for row in rows]


async def polls_for_autocomplete(session: AsyncSession, *, guild_id: int, search: str = "", limit: int = 25) -> list[tuple[int, str, str]]:
    """This guild's polls an editor may still edit or delete (proposed, approved, open, and closed for delete)."""
    query = select(Poll.id, Poll.question, Poll.state).where(
        Poll.guild_id == guild_id, Poll.state.in_((PollState.PROPOSED, PollState.DRAFT, PollState.OPEN, PollState.CLOSED)))
    if search.strip():
        escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Poll.question).like(f"%{escaped}%", escape="\\"))
    rows = await session.execute(query.order_by(Poll.created_at.desc(), Poll.id.desc()).limit(limit))
    return [(row.id, row.question, review_state(row.state).value) for row in rows]
