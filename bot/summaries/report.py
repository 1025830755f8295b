"""An article's summary: what the community answered, computed in the database.

Nothing here loads votes into Python. Counts per option are index range counts over `ix_votes_poll_option`
(poll_id, option_id), one per option, in a single statement; the number of distinct voters is a UNION of each
poll's members read in member order from the unique (poll_id, member_id) index, which SQLite merges without a
temporary table. The voters are counted on two more connections, each for one half of the member ids, while the
first counts the options and works out the themes, so the work spreads over two cores (each connection reads
its own snapshot, begun within the same few milliseconds; see benchmarks/summary.py for the figures).

`build_summary(database, reference)` is the one entry point: the CLI, the Discord cog, the digest and tests call it.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, literal_column, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from bot.errors import InvalidInput, NotFound
from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import Answer, Article, Poll, PollOption, PollState, ThreadActivity, Vote
from bot.summaries.themes import Theme, analyse, find_themes, representative_answers

THEME_LIMIT = 5
SAMPLE_LIMIT = 3
_ARTICLE_ID = re.compile(r"^\s*#?(\d{1,18})\s*$")


class ArticleNotFound(NotFound):
    """No article matches the reference (in this guild, when one is given)."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"no article matches {reference!r}", message_key="summary.not_found", values={"reference": reference[:100]})
        self.reference = reference


class AmbiguousArticle(InvalidInput):
    """The URL names articles in several guilds; the caller must pick one by id."""

    def __init__(self, reference: str, article_ids: Sequence[int]) -> None:
        ids = ", ".join(str(article_id) for article_id in article_ids)
        super().__init__(f"{reference!r} matches articles {ids} (one per server): give the article id instead")
        self.article_ids = tuple(article_ids)


@dataclass(frozen=True)
class ArticleInfo:
    id: int
    guild_id: int
    url: str
    title: str
    author: str | None
    language: str
    thread_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class OptionResult:
    label: str
    votes: int
    share: float  # of the poll's votes, 0..1 (of its voters in a multiple-choice poll, where shares add up to more)


@dataclass(frozen=True)
class PollResult:
    id: int
    position: int
    question: str
    kind: PollKind
    state: PollState
    anonymous: bool
    closes_at: datetime | None
    votes: int  # current votes (withdrawn votes are gone from the table)
    options: tuple[OptionResult, ...]
    answers: tuple[str, ...]  # written answers of an open poll, oldest first; never who wrote them
    participants: int  # members who voted, or answered, in this poll
    turnout: float  # participants / the article's voters, 0..1
    themes: tuple[Theme, ...] = ()
    samples: tuple[str, ...] = ()  # representative answers
    multiple: bool = False  # a native poll where each member could choose several answers

    @property
    def closed(self) -> bool:
        return self.state == PollState.CLOSED

    @property
    def leaders(self) -> tuple[OptionResult, ...]:
        """The option(s) with the most votes; empty when nobody voted."""
        if self.votes == 0:
            return ()
        best = max(option.votes for option in self.options)
        return tuple(option for option in self.options if option.votes == best)


@dataclass(frozen=True)
class ThreadStats:
    messages: int
    participants: int


@dataclass(frozen=True)
class Summary:
    article: ArticleInfo
    voters: int  # distinct members who voted or answered on any poll of the article
    polls: tuple[PollResult, ...]
    thread: ThreadStats = field(default_factory=lambda: ThreadStats(0, 0))

    @property
    def closed(self) -> bool:
        return bool(self.polls) and all(poll.closed for poll in self.polls)


def _share(part: int, whole: int) -> float:
    return round(min(part / whole, 1.0), 4) if whole else 0.0


def _url_variants(url: str) -> list[str]:
    url = url.strip()
    bare = url.rstrip("/")
    return list(dict.fromkeys([url, bare, bare + "/"]))


async def find_article(session: AsyncSession, reference: int | str, *, guild_id: int | None = None) -> Article:
    """The article with this id or URL; with `guild_id`, only that guild's (another guild's looks absent).

    Raises ArticleNotFound, or AmbiguousArticle when a URL without a guild matches several guilds' articles.
    """
    text = str(reference)
    match = _ARTICLE_ID.match(text)
    if match:
        condition = Article.id == int(match.group(1))
    else:
        condition = Article.url.in_(_url_variants(text))
    query = select(Article).where(condition).order_by(Article.id)
    if guild_id is not None:
        query = query.where(Article.guild_id == guild_id)
    articles = list(await session.scalars(query.limit(10)))
    if not articles:
        raise ArticleNotFound(text)
    if len({article.guild_id for article in articles}) > 1:
        raise AmbiguousArticle(text, [article.id for article in articles])
    exact = [article for article in articles if article.url == text.strip()]
    return (exact or articles)[0]


@dataclass(frozen=True)
class ArticleChoice:
    id: int
    title: str
    created_at: datetime


async def recent_articles(session: AsyncSession, guild_id: int, query: str = "", *, limit: int = 25) -> list[ArticleChoice]:
    """This guild's newest articles whose title contains `query` (for autocomplete)."""
    statement = select(Article.id, Article.title, Article.created_at).where(Article.guild_id == guild_id)
    query = query.strip()
    if query:
        conditions = [Article.title.icontains(query, autoescape=True)]
        if query.isascii() and query.isdigit() and len(query) <= 18:  # typed text: an id only if the database can hold it
            conditions.append(Article.id == int(query))
        statement = statement.where(or_(*conditions))
    rows = await session.execute(statement.order_by(Article.created_at.desc(), Article.id.desc()).limit(limit))
    return [ArticleChoice(id=row.id, title=row.title, created_at=row.created_at) for row in rows]


MemberRange = tuple[int | None, int | None]  # [low, high) of member ids; None: unbounded
EVERY_MEMBER: MemberRange = (None, None)


def _voters_statement(
    vote_poll_ids: Sequence[int], answer_poll_ids: Sequence[int], ordered_merge: bool, members: MemberRange
) -> Select[tuple[int]] | None:
    low, high = members
    parts = []
    for table, poll_ids in ((Answer, answer_poll_ids), (Vote, vote_poll_ids)):
        for poll_id in poll_ids:
            conditions = [table.poll_id == poll_id]
            if low is not None:
                conditions.append(table.member_id >= low)
            if high is not None:
                conditions.append(table.member_id < high)
            parts.append(select(table.member_id).where(*conditions))
    if not parts:
        return None
    merged = union(*parts)
    if ordered_merge:
        # Each part comes out of the (poll_id, member_id) index already in member order; with an ORDER BY
        # SQLite merges the parts instead of building a temporary b-tree of a million members.
        merged = merged.order_by(literal_column("1"))
    return select(func.count()).select_from(merged.subquery())


async def count_voters(
    session: AsyncSession, vote_poll_ids: Sequence[int], answer_poll_ids: Sequence[int], members: MemberRange = EVERY_MEMBER
) -> int:
    """Distinct members (within `members`) with a vote in `vote_poll_ids` or an answer in `answer_poll_ids`."""
    statement = _voters_statement(vote_poll_ids, answer_poll_ids, session.get_bind().dialect.name == "sqlite", members)
    if statement is None:
        return 0
    return int(await session.scalar(statement) or 0)


async def _member_midpoint(session: AsyncSession, vote_poll_ids: Sequence[int]) -> int | None:
    """A member id that splits the voters roughly in two: halfway between the lowest and highest id that voted.

    Each bound is one index lookup per poll. Discord ids grow with account age, so the halves are uneven
    when a community's accounts are; the count stays exact either way, only the split is less even.
    """
    if not vote_poll_ids:
        return None
    bounds = []
    for poll_id in vote_poll_ids:
        bounds.append(select(func.min(Vote.member_id)).where(Vote.poll_id == poll_id).scalar_subquery())
        bounds.append(select(func.max(Vote.member_id)).where(Vote.poll_id == poll_id).scalar_subquery())
    values = [value for value in (await session.execute(select(*bounds))).one() if value is not None]
    if len(values) < 2 or min(values) == max(values):
        return None
    return (min(values) + max(values)) // 2 + 1


@dataclass
class _PollRow:
    id: int
    position: int
    question: str
    kind: PollKind
    state: PollState
    anonymous: bool
    closes_at: datetime | None
    options: list[tuple[str, int]]
    multiple: bool = False


async def _multiple_choice_voters(session: AsyncSession, poll_ids: Sequence[int]) -> dict[int, int]:
    """Distinct members per multiple-choice poll (there a member has one vote row per chosen answer)."""
    if not poll_ids:
        return {}
    rows = await session.execute(
        select(Vote.poll_id, func.count(func.distinct(Vote.member_id))).where(Vote.poll_id.in_(list(poll_ids)))
        .group_by(Vote.poll_id))
    return {poll_id: int(count) for poll_id, count in rows}


async def _polls_with_counts(session: AsyncSession, article_id: int) -> list[_PollRow]:
    option_votes = (
        select(func.count())
        .select_from(Vote)
        .where(Vote.poll_id == PollOption.poll_id, Vote.option_id == PollOption.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            Poll.id, Poll.position, Poll.question, Poll.kind, Poll.state, Poll.anonymous, Poll.closes_at,
            PollOption.label, option_votes, Poll.multiple,
        )
        .outerjoin(PollOption, PollOption.poll_id == Poll.id)
        .where(Poll.article_id == article_id, Poll.state.in_((PollState.OPEN, PollState.CLOSED)))
        .order_by(Poll.position, PollOption.position)
    )
    polls: dict[int, _PollRow] = {}
    for poll_id, position, question, kind, state, anonymous, closes_at, label, votes, multiple in rows:
        poll = polls.get(poll_id)
        if poll is None:
            poll = polls[poll_id] = _PollRow(poll_id, position, question, PollKind(kind), PollState(state),
                                             bool(anonymous), closes_at, [], bool(multiple))
        if label is not None:
            poll.options.append((label, int(votes or 0)))
    return list(polls.values())


async def _answers(session: AsyncSession, poll_ids: Sequence[int]) -> dict[int, list[str]]:
    answers: dict[int, list[str]] = defaultdict(list)
    if poll_ids:
        rows = await session.execute(
            select(Answer.poll_id, Answer.text).where(Answer.poll_id.in_(poll_ids)).order_by(Answer.poll_id, Answer.id)
        )
        for poll_id, text in rows:
            answers[poll_id].append(text)
    return answers


async def thread_stats(session: AsyncSession, article_id: int) -> ThreadStats:
    row = (
        await session.execute(
            select(func.coalesce(func.sum(ThreadActivity.messages), 0), func.count()).where(
                ThreadActivity.article_id == article_id, ThreadActivity.messages > 0
            )
        )
    ).one()
    return ThreadStats(messages=int(row[0]), participants=int(row[1]))


def _article_info(article: Article) -> ArticleInfo:
    return ArticleInfo(
        id=article.id,
        guild_id=article.guild_id,
        url=article.url,
        title=article.title,
        author=article.author,
        language=article.language or "en",
        thread_id=article.thread_id,
        created_at=article.created_at,
    )


async def _poll_ids_by_kind(session: AsyncSession, article_id: int) -> tuple[list[int], list[int]]:
    rows = await session.execute(
        select(Poll.id, Poll.kind).where(Poll.article_id == article_id, Poll.state.in_((PollState.OPEN, PollState.CLOSED))).order_by(Poll.position)
    )
    vote_polls, answer_polls = [], []
    for poll_id, kind in rows:
        (answer_polls if PollKind(kind) == PollKind.OPEN else vote_polls).append(poll_id)
    return vote_polls, answer_polls


def _themes(texts: Sequence[str], question: str, theme_limit: int, sample_limit: int) -> tuple[tuple[Theme, ...], tuple[str, ...]]:
    analysis = analyse(texts, question)
    themes = tuple(find_themes(texts, limit=theme_limit, analysis=analysis))
    return themes, tuple(representative_answers(texts, themes, limit=sample_limit, analysis=analysis))


def _can_run_in_parallel(database: Database) -> bool:
    # An in-memory SQLite database lives on one shared connection: two sessions at once would share it.
    return not isinstance(database.engine.pool, StaticPool | SingletonThreadPool)


async def build_summary(
    database: Database,
    reference: int | str,
    *,
    guild_id: int | None = None,
    theme_limit: int = THEME_LIMIT,
    sample_limit: int = SAMPLE_LIMIT,
) -> Summary:
    """The summary of the article with this id or URL (scoped to `guild_id` when given).

    Polls still in draft (not yet on Discord) are left out. Raises ArticleNotFound / AmbiguousArticle.
    """
    async with database.session() as session:
        article = _article_info(await find_article(session, reference, guild_id=guild_id))
        vote_poll_ids, answer_poll_ids = await _poll_ids_by_kind(session, article.id)

        parallel = _can_run_in_parallel(database)
        middle = await _member_midpoint(session, vote_poll_ids) if parallel else None
        halves: list[MemberRange] = [(None, middle), (middle, None)] if middle is not None else [EVERY_MEMBER]

        async def voters_elsewhere(members: MemberRange) -> int:
            async with database.session() as other:
                return await count_voters(other, vote_poll_ids, answer_poll_ids, members)

        # Distinct voters is the costly part: counted on other connections (two, each for half of the member
        # ids, when the article has votes) while this one counts options and the themes are worked out.
        voters_tasks = [asyncio.ensure_future(voters_elsewhere(half)) for half in halves] if parallel else []
        try:
            rows = await _polls_with_counts(session, article.id)
            several = await _multiple_choice_voters(session, [row.id for row in rows if row.multiple])
            answers = await _answers(session, answer_poll_ids)
            thread = await thread_stats(session, article.id)
            themes = {
                poll_id: _themes(texts, question, theme_limit, sample_limit)
                for poll_id, question in ((row.id, row.question) for row in rows)
                if (texts := answers.get(poll_id))
            }
            if voters_tasks:
                voters = sum(await asyncio.gather(*voters_tasks))
            else:
                voters = await count_voters(session, vote_poll_ids, answer_poll_ids)
        finally:
            for task in voters_tasks:
                if not task.done():
                    task.cancel()

    polls = []
    for row in rows:
        votes = sum(count for _, count in row.options)
        texts = tuple(answers.get(row.id, ()))
        poll_themes, samples = themes.get(row.id, ((), ()))
        participants = len(texts) if row.kind == PollKind.OPEN else several.get(row.id, 0) if row.multiple else votes
        whole = participants if row.multiple else votes
        polls.append(
            PollResult(
                id=row.id,
                position=row.position,
                question=row.question,
                kind=row.kind,
                state=row.state,
                anonymous=row.anonymous,
                closes_at=row.closes_at,
                votes=votes,
                options=tuple(OptionResult(label, count, _share(count, whole)) for label, count in row.options),
                answers=texts,
                participants=participants,
                turnout=_share(participants, voters),
                themes=poll_themes,
                samples=samples,
                multiple=row.multiple,
            )
        )
    return Summary(article=article, voters=voters, polls=tuple(polls), thread=thread)
