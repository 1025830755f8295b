"""Posting one article, step by step, so that a crash at any moment is finished and never repeated.

Steps, in order: the article message in the subscription's channel; a public thread on it (when the guild
wants threads); one message per poll in the thread (or the channel). Each step is one outbox row:

- no row: write it PENDING (committed), send, mark it SENT;
- PENDING row: the previous run may have sent it. Ask the transport to find it on Discord (the article
  message by its link, the thread by its starter message, a poll message by its buttons); found: mark SENT;
  not found: send with the same nonce;
- SENT row: done, use its ids.

A poll becomes OPEN, with `closes_at` = message time + duration, in the same transaction that marks its
message SENT. When every step is done the feed entry is marked POSTED.

Writes with no Discord request between them share a transaction: the plan is read with the first step's
intent, a step is marked SENT with the next step's intent (and the last one with the entry POSTED). Five
transactions for an article with a thread and one poll instead of nine; the order of writes and requests is
the same, so a crash still leaves each step either not begun, PENDING (maybe sent) or SENT.

A failed step records its problem on its outbox row (bot/posting/delivery.py). When the article message was
deleted before its thread existed, or the thread is gone, the rows are kept as lost and the article is posted
anew with a new thread (open polls included), or, if the guild chose `lost_thread: drop`, its polls are closed
and dropped. At most `MAX_REPOSTS` times: never an endless loop.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PollSettings
from bot.posting.content import ArticleCard, article_card
from bot.posting.delivery import MAX_REPOSTS, DeliveryFailure, Problem
from bot.posting.outbox import (
    PostRecord,
    article_key,
    mark_sent,
    poll_key,
    posts_for_article,
    record_intent,
    thread_key,
)
from bot.storage.articles import mark_article_posted
from bot.storage.database import Database
from bot.storage.delivery import drop_article_polls, lose_article_posts, lost_thread_choice, record_post_failure
from bot.storage.models import Article, FeedSubscription, Poll, PollState, PostState, utcnow
from bot.storage.settings import load_guild_config

log = logging.getLogger(__name__)
T = TypeVar("T")
_PUBLISHED_WITH_ARTICLE = (PollState.DRAFT, PollState.OPEN, PollState.CLOSED)
LOOKBACK = timedelta(minutes=10)  # clock skew allowance when searching for a message sent after an intent
POSTED = "posted"  # in ArticlePlan.fresh: this run marked the article's entry POSTED


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    channel_id: int
    created_at: datetime


class PostingTransport(Protocol):
    """The Discord side of posting (bot/cogs/publisher.py). `find_*` look for what a previous run may have sent."""

    async def find_article_message(self, channel_id: int, card: ArticleCard, since: datetime) -> SentMessage | None: ...

    async def send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage: ...

    async def find_thread(self, channel_id: int, message_id: int) -> int | None: ...

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int: ...

    async def find_poll_message(self, channel_id: int, poll_id: int, since: datetime) -> SentMessage | None: ...

    async def send_poll_message(self, channel_id: int, poll_id: int, nonce: str) -> SentMessage: ...


@dataclass(frozen=True)
class PollPlan:
    poll_id: int
    duration_seconds: float


@dataclass(frozen=True)
class ArticlePlan:
    """What posting one article takes, and which steps are already recorded."""

    article_id: int
    guild_id: int
    channel_id: int
    card: ArticleCard
    thread_per_article: bool
    polls: tuple[PollPlan, ...]
    posts: dict[str, PostRecord]
    fresh: set[str] = field(default_factory=set)  # intents recorded by this run: nothing can have been sent yet


@dataclass(frozen=True)
class NextStep:
    """The step after the current one, whose intent is recorded with the current one's completion."""

    key: str
    channel_id: int
    poll: PollPlan | None = None


@dataclass(frozen=True)
class PublishResult:
    article_id: int
    message_id: int
    thread_id: int | None
    poll_message_ids: tuple[int, ...]
    resumed: bool  # some step had been started by an earlier run
    reposts: int = 0  # times the article was posted anew because its message or thread was lost
    dropped_polls: int | None = None  # the thread was lost and the guild chose to drop its polls: how many


async def load_plan(session: AsyncSession, article_id: int, defaults: PollSettings) -> ArticlePlan:
    article = await session.get(Article, article_id)
    if article is None:
        raise LookupError(f"article {article_id} does not exist")
    feed_title = None
    if article.subscription_id is not None:
        feed_title = await session.scalar(
            select(FeedSubscription.title).where(FeedSubscription.id == article.subscription_id)
        )
    config = await load_guild_config(session, article.guild_id, defaults)
    polls = await session.execute(
        select(Poll.id, Poll.duration_seconds, Poll.state)
        .where(Poll.article_id == article_id, Poll.state.in_(_PUBLISHED_WITH_ARTICLE))  # not proposals (review)
        .order_by(Poll.position)
    )
    card = article_card(
        article_id=article.id,
        url=article.url,
        title=article.title,
        author=article.author,
        excerpt=article.excerpt,
        image=article.image,
        published=article.published,
        language=article.language,
        feed_title=feed_title,
    )
    posts = await posts_for_article(session, article_id)
    return ArticlePlan(
        article_id=article.id,
        guild_id=article.guild_id,
        channel_id=article.channel_id,
        card=card,
        # A thread that was started stays the place for the polls, whatever the setting says now.
        thread_per_article=config.thread_per_article or thread_key(article.id) in posts,
        # A poll closed before its message was (re)posted is not posted: it takes no votes.
        polls=tuple(
            PollPlan(poll_id, duration)
            for poll_id, duration, state in polls
            if state != PollState.CLOSED or poll_key(poll_id) in posts
        ),
        posts=posts,
    )


class ArticlePublisher:
    """Runs the steps of one article against a transport; safe to call again after any failure or crash."""

    def __init__(
        self,
        database: Database,
        transport: PostingTransport,
        poll_defaults: PollSettings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.transport = transport
        self.poll_defaults = poll_defaults
        self.clock = clock

    async def publish(self, article_id: int) -> PublishResult:
        reposts = 0
        while True:
            try:
                result = await self._publish_once(article_id)
            except DeliveryFailure as failure:
                if not failure.problem.loses_thread:
                    raise
                dropped = await self._lose_thread(article_id, failure, reposts)
                if dropped is not None:
                    return PublishResult(article_id, 0, None, (), False, reposts, dropped)
                reposts += 1
                continue
            return PublishResult(
                result.article_id, result.message_id, result.thread_id, result.poll_message_ids, result.resumed, reposts
            )

    async def _lose_thread(self, article_id: int, failure: DeliveryFailure, reposts: int) -> int | None:
        """The article's message or thread is gone: keep its rows as lost; post it anew (None) or drop its polls
        (how many), as the guild chose, and drop them anyway once it was re-posted MAX_REPOSTS times."""
        async with self.database.session() as session:
            article = await session.get(Article, article_id)
            if article is None:
                raise LookupError(f"article {article_id} does not exist")
            choice = await lost_thread_choice(session, article.guild_id)
            await lose_article_posts(session, article_id)
            if choice == "drop" or reposts >= MAX_REPOSTS:
                return await drop_article_polls(
                    session, article_id, f"{failure.problem.value}: polls dropped ({failure.reason})"[:500], self.clock()
                )
            article.thread_id = None
        return None

    async def _publish_once(self, article_id: int) -> PublishResult:
        async with self.database.session() as session:
            plan = await load_plan(session, article_id, self.poll_defaults)
            resumed = any(not post.sent for post in plan.posts.values())
            await self._record_next(session, plan, NextStep(article_key(plan.article_id), plan.channel_id))

        def first_poll(channel_id: int) -> NextStep | None:
            return NextStep(poll_key(plan.polls[0].poll_id), channel_id, plan.polls[0]) if plan.polls else None

        message = await self._ensure_message(
            plan,
            article_key(plan.article_id),
            plan.channel_id,
            find=lambda since: self.transport.find_article_message(plan.channel_id, plan.card, since),
            send=lambda nonce: self.transport.send_article_message(plan.channel_id, plan.card, nonce),
            next_step=NextStep(thread_key(plan.article_id), plan.channel_id) if plan.thread_per_article else first_poll(plan.channel_id),
        )

        thread_id: int | None = None
        poll_channel = plan.channel_id
        if plan.thread_per_article:
            thread_id = await self._ensure_thread(plan, message.message_id, first_poll)
            poll_channel = thread_id

        poll_message_ids = []
        for index, poll in enumerate(plan.polls):
            following = plan.polls[index + 1] if index + 1 < len(plan.polls) else None
            sent = await self._ensure_message(
                plan,
                poll_key(poll.poll_id),
                poll_channel,
                find=lambda since, poll_id=poll.poll_id: self.transport.find_poll_message(poll_channel, poll_id, since),
                send=lambda nonce, poll_id=poll.poll_id: self.transport.send_poll_message(poll_channel, poll_id, nonce),
                poll=poll,
                next_step=NextStep(poll_key(following.poll_id), poll_channel, following) if following else None,
            )
            poll_message_ids.append(sent.message_id)

        if POSTED not in plan.fresh:
            async with self.database.session() as session:
                await mark_article_posted(session, plan.article_id)
        return PublishResult(plan.article_id, message.message_id, thread_id, tuple(poll_message_ids), resumed)

    async def _record_next(self, session: AsyncSession, plan: ArticlePlan, step: NextStep | None) -> None:
        """Record the intent of the step that comes next (unless it has a row already), in the caller's
        transaction; with no next step, the article is posted: mark its entry POSTED."""
        if step is None:
            await mark_article_posted(session, plan.article_id)
            plan.fresh.add(POSTED)
            return
        if step.key in plan.posts:
            return
        plan.posts[step.key] = await record_intent(
            session,
            step.key,
            guild_id=plan.guild_id,
            channel_id=step.channel_id,
            now=self.clock(),
            article_id=plan.article_id,
            poll_id=step.poll.poll_id if step.poll else None,
        )
        plan.fresh.add(step.key)

    async def _ensure_message(
        self,
        plan: ArticlePlan,
        key: str,
        channel_id: int,
        *,
        find: Callable[[datetime], Awaitable[SentMessage | None]],
        send: Callable[[str], Awaitable[SentMessage]],
        poll: PollPlan | None = None,
        next_step: NextStep | None = None,
    ) -> SentMessage:
        post = plan.posts.get(key)
        if post is not None and post.sent and post.message_id is not None:
            return SentMessage(post.message_id, post.channel_id, post.sent_at or post.created_at)
        if post is None:
            async with self.database.session() as session:
                await self._record_next(session, plan, NextStep(key, channel_id, poll))
            post = plan.posts[key]
        # An intent this run recorded is new: nothing can have been sent for it, so nothing to look for.
        found = None if key in plan.fresh else await self._recorded(key, find(post.created_at - LOOKBACK))
        sent = found if found is not None else await self._recorded(key, send(post.nonce))
        async with self.database.session() as session:
            await mark_sent(session, key, message_id=sent.message_id, sent_at=sent.created_at, channel_id=sent.channel_id)
            if poll is not None:
                await open_poll(session, poll.poll_id, sent.created_at)
            await self._record_next(session, plan, next_step)
        plan.posts[key] = PostRecord(
            key=key,
            guild_id=plan.guild_id,
            channel_id=sent.channel_id,
            message_id=sent.message_id,
            nonce=post.nonce,
            state=PostState.SENT,
            created_at=post.created_at,
            sent_at=sent.created_at,
        )
        return sent

    async def _ensure_thread(
        self, plan: ArticlePlan, message_id: int, first_poll: Callable[[int], NextStep | None]
    ) -> int:
        key = thread_key(plan.article_id)
        post = plan.posts.get(key)
        if post is not None and post.sent and post.message_id is not None:
            return post.message_id
        if post is None:
            async with self.database.session() as session:
                await self._record_next(session, plan, NextStep(key, plan.channel_id))
        thread_id = None
        if key not in plan.fresh:
            thread_id = await self._recorded(key, self.transport.find_thread(plan.channel_id, message_id))
        if thread_id is None:
            thread_id = await self._recorded(
                key, self.transport.create_thread(plan.channel_id, message_id, plan.card.thread_name)
            )
        async with self.database.session() as session:
            await mark_sent(session, key, message_id=thread_id, sent_at=self.clock())
            article = await session.get(Article, plan.article_id)
            if article is not None:
                article.thread_id = thread_id
            await self._record_next(session, plan, first_poll(thread_id))
        return thread_id


    async def _recorded(self, key: str, step: Awaitable[T]) -> T:
        """Run a step; a failure is written on the step's outbox row (what, since when, how often): the problem
        Discord's answer shows, else "transient" (no answer, 5xx, 429)."""
        try:
            return await step
        except DeliveryFailure as failure:
            await self._record_failure(key, failure.problem.value, failure.reason)
            raise
        except Exception as error:
            await self._record_failure(key, Problem.TRANSIENT.value, f"{type(error).__name__}: {error}")
            raise

    async def _record_failure(self, key: str, problem: str, reason: str) -> None:
        try:
            async with self.database.session() as session:
                await record_post_failure(session, key, problem, reason, self.clock())
        except Exception:  # the record is for admins; the step's own error is what matters here
            log.exception("could not record the failure of %s", key)


async def open_poll(session: AsyncSession, poll_id: int, posted_at: datetime) -> None:
    """The poll's message is on Discord: it takes votes from now until posted time + duration."""
    poll = await session.get(Poll, poll_id)
    if poll is None or poll.state != PollState.DRAFT:
        return
    poll.state = PollState.OPEN
    poll.closes_at = posted_at + timedelta(seconds=poll.duration_seconds)
