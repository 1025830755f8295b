"""Delivery state in the database (issue 12): problems per subscription and per outbox row, pausing, moving a
feed, losing an article's thread, and a guild that removed the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFound
from bot.storage.models import (
    Answer,
    Article,
    AuthorLink,
    DiscordPost,
    EntryState,
    Feed,
    FeedSubscription,
    GuildSettings,
    MemberPreference,
    Poll,
    PollOption,
    PollState,
    PostState,
    SeenEntry,
    ThreadActivity,
    Vote,
)

LOST_PREFIX = "lost"
NO_ATTACH_FILES = "no_attach_files"  # outbox rows of a lost message or thread are kept as "lost<n>:<key>"


@dataclass(frozen=True)
class ProblemChange:
    """What recording or clearing a problem changed: whether admins must be told now."""

    subscription_id: int
    guild_id: int
    channel_id: int
    feed: str
    created_by: int | None
    problem: str | None
    detail: str | None
    notify: bool  # a new problem nobody was told of yet, or a told problem that is fixed now


def _change(subscription: FeedSubscription, notify: bool, problem: str | None = None) -> ProblemChange:
    return ProblemChange(
        subscription.id, subscription.guild_id, subscription.channel_id, subscription.title or subscription.feed_url,
        subscription.created_by, problem if problem is not None else subscription.delivery_problem,
        subscription.delivery_detail, notify,
    )


async def _locked_subscription(session: AsyncSession, subscription_id: int) -> FeedSubscription | None:
    """The subscription, read after taking its write lock (a no-op UPDATE first): the publisher and the event
    handlers record problems concurrently, and a decision made on a stale read would undo the other's."""
    await session.execute(
        update(FeedSubscription)
        .where(FeedSubscription.id == subscription_id)
        .values(delivery_attempts=FeedSubscription.delivery_attempts)
    )
    return await session.get(FeedSubscription, subscription_id, populate_existing=True)


def _forget_problem(subscription: FeedSubscription) -> None:
    """No problem on record: nothing to show in /feed list, nobody told, the next failure counts from one."""
    subscription.delivery_problem = None
    subscription.delivery_detail = None
    subscription.delivery_since = None
    subscription.delivery_attempts = 0
    subscription.delivery_notified = False


async def record_subscription_problem(
    session: AsyncSession, subscription_id: int, problem: str, *, detail: str | None, now: datetime, pause: bool = False
) -> ProblemChange | None:
    """Count a failed attempt. A different problem than before starts over (since now, not yet told); so do
    different missing permissions than the admins were told of (what they must do has changed)."""
    subscription = await _locked_subscription(session, subscription_id)
    if subscription is None:
        return None
    if subscription.paused and not pause:
        # Paused until an admin acts (channel deleted, feed gone): a late answer to a request that was under way
        # when it was paused changes nothing, and nobody is told again.
        return _change(subscription, False)
    if subscription.delivery_problem != problem:
        subscription.delivery_problem = problem
        subscription.delivery_detail = None
        subscription.delivery_since = now
        subscription.delivery_attempts = 0
        subscription.delivery_notified = False
    if detail and subscription.delivery_detail and detail != subscription.delivery_detail:
        subscription.delivery_notified = False
    if detail:
        subscription.delivery_detail = detail[:300]
    subscription.delivery_attempts = (subscription.delivery_attempts or 0) + 1
    if pause:
        subscription.paused = True
    notify = not subscription.delivery_notified
    subscription.delivery_notified = True  # the caller tells the admins now (once)
    await session.flush()
    return _change(subscription, notify)


async def clear_subscription_problem(
    session: AsyncSession, subscription_id: int, problem: str | None = None
) -> ProblemChange | None:
    """Posting works again: forget the problem (any posting problem, or only `problem`); `notify` when admins
    had been told of it. A summary problem (no_attach_files) is only cleared by a summary that went out whole."""
    known = await session.scalar(select(FeedSubscription.delivery_problem).where(FeedSubscription.id == subscription_id))
    if known is None:
        return None  # the common case after a post: nothing to clear, no write
    subscription = await _locked_subscription(session, subscription_id)
    if subscription is None or subscription.delivery_problem is None or subscription.paused:
        return None  # a paused feed waits for its admin (/feed move, /feed resume), not for a post that raced it
    if problem is not None and subscription.delivery_problem != problem:
        return None
    if problem is None and subscription.delivery_problem == NO_ATTACH_FILES:
        return None
    change = _change(subscription, bool(subscription.delivery_notified))
    _forget_problem(subscription)
    subscription.paused = False
    await session.flush()
    return change


async def record_attach_problem(session: AsyncSession, article_id: int, channel_id: int, now: datetime) -> ProblemChange | None:
    """A summary of the article's feed went out without chart and CSV (no Attach Files in `channel_id`). Kept on
    the feed's subscription unless a posting problem is recorded there already (that one matters more)."""
    subscription_id = await session.scalar(select(Article.subscription_id).where(Article.id == article_id))
    subscription = await session.get(FeedSubscription, subscription_id) if subscription_id is not None else None
    if subscription is None or subscription.delivery_problem not in (None, NO_ATTACH_FILES):
        return None
    change = await record_subscription_problem(session, subscription.id, NO_ATTACH_FILES, detail=str(channel_id), now=now)
    return change


async def clear_attach_problem(session: AsyncSession, article_id: int) -> ProblemChange | None:
    subscription_id = await session.scalar(select(Article.subscription_id).where(Article.id == article_id))
    if subscription_id is None:
        return None
    return await clear_subscription_problem(session, subscription_id, NO_ATTACH_FILES)


async def record_post_failure(session: AsyncSession, key: str, problem: str, error: str, now: datetime) -> int:
    """Write a failed attempt on the outbox row; returns its attempts so far (0 when the row does not exist)."""
    row = await session.scalar(select(DiscordPost).where(DiscordPost.key == key))
    if row is None:
        return 0
    if row.problem != problem:
        row.problem = problem
        row.problem_since = now
    row.attempts = (row.attempts or 0) + 1
    row.last_error = error[:500]
    await session.flush()
    return row.attempts


async def abandon_post(session: AsyncSession, key: str, problem: str, error: str, now: datetime) -> None:
    """The message can never be sent (its thread or channel is gone): count the row as done, without message,
    with the reason, so nothing retries it."""
    row = await session.scalar(select(DiscordPost).where(DiscordPost.key == key))
    if row is None:
        return
    row.state = PostState.SENT
    row.problem = problem
    row.problem_since = row.problem_since or now
    row.attempts = (row.attempts or 0) + 1
    row.last_error = error[:500]
    await session.flush()


async def subscriptions_in_channel(session: AsyncSession, channel_id: int) -> list[int]:
    rows = await session.scalars(select(FeedSubscription.id).where(FeedSubscription.channel_id == channel_id))
    return list(rows)


async def subscriptions_with_problem(session: AsyncSession, guild_id: int, problem: str) -> list[int]:
    rows = await session.scalars(
        select(FeedSubscription.id).where(FeedSubscription.guild_id == guild_id, FeedSubscription.delivery_problem == problem)
    )
    return list(rows)


@dataclass(frozen=True)
class MoveResult:
    title: str
    moved: int  # unfinished articles that now go to the new channel
    fixed: ProblemChange | None  # the problem the move solved (with the new channel), to tell the admins


async def move_subscription(session: AsyncSession, guild_id: int, feed_url: str, channel_id: int) -> MoveResult:
    """Post the feed in another channel from now on; its unfinished articles start over there (each exactly once:
    what was half sent in the old channel is kept as lost)."""
    subscription = await session.scalar(
        select(FeedSubscription).where(FeedSubscription.guild_id == guild_id, FeedSubscription.feed_url == feed_url.strip())
    )
    if subscription is None:
        raise NotFound(feed_url, message_key="feed.not_subscribed", values={"url": feed_url})
    article_ids = list(
        await session.scalars(
            select(SeenEntry.article_id).where(
                SeenEntry.subscription_id == subscription.id, SeenEntry.state == EntryState.PENDING,
                SeenEntry.article_id.is_not(None),
            )
        )
    )
    for article_id in article_ids:
        await lose_article_posts(session, article_id)
        await session.execute(update(Article).where(Article.id == article_id).values(channel_id=channel_id, thread_id=None))
    subscription.channel_id = channel_id
    fixed: ProblemChange | None = None
    if subscription.delivery_problem in ("channel_deleted", "missing_permissions"):
        fixed = _change(subscription, bool(subscription.delivery_notified))
        _forget_problem(subscription)
    subscription.paused = subscription.delivery_problem == "feed_gone"
    await session.flush()
    return MoveResult(subscription.title or subscription.feed_url, len(article_ids), fixed)


async def resume_subscription(session: AsyncSession, guild_id: int, feed_url: str, now: datetime) -> FeedSubscription:
    """An admin asks to try again now: unpause, forget the problem and fetch at once."""
    subscription = await session.scalar(
        select(FeedSubscription).where(FeedSubscription.guild_id == guild_id, FeedSubscription.feed_url == feed_url.strip())
    )
    if subscription is None:
        raise NotFound(feed_url, message_key="feed.not_subscribed", values={"url": feed_url})
    subscription.paused = False
    _forget_problem(subscription)
    # The feed is shared (issue 14): fetch it now, whole (no conditional request), so this guild catches up.
    subscription.feed.gone_since = None
    subscription.feed.consecutive_failures = 0
    subscription.feed.next_due_at = now
    subscription.feed.etag = subscription.feed.last_modified = None
    await session.flush()
    return subscription


async def lose_article_posts(session: AsyncSession, article_id: int) -> int:
    """The article's message or thread is gone: keep its outbox rows as lost ("lost<n>:article:12"), so the
    article, its thread and its polls can be posted anew under their own keys. Returns n (1 the first time)."""
    rows = list(await session.scalars(select(DiscordPost).where(DiscordPost.article_id == article_id)))
    generation = 1 + max((_generation(row.key) for row in rows), default=0)
    for row in rows:
        if not row.key.startswith(LOST_PREFIX):
            row.key = f"{LOST_PREFIX}{generation}:{row.key}"[:64]
    await session.flush()
    return generation


def _generation(key: str) -> int:
    if not key.startswith(LOST_PREFIX):
        return 0
    number = key[len(LOST_PREFIX):].split(":", 1)[0]
    return int(number) if number.isdigit() else 0


async def lost_generations(session: AsyncSession, article_id: int) -> int:
    keys = await session.scalars(select(DiscordPost.key).where(DiscordPost.article_id == article_id))
    return max((_generation(key) for key in keys), default=0)


async def requeue_article(session: AsyncSession, article_id: int) -> None:
    """Post the article again (after its thread was lost): its entry is pending once more."""
    await session.execute(update(Article).where(Article.id == article_id).values(thread_id=None))
    await session.execute(
        update(SeenEntry).where(SeenEntry.article_id == article_id).values(state=EntryState.PENDING, last_error=None)
    )


async def drop_article_polls(session: AsyncSession, article_id: int, reason: str, now: datetime) -> int:
    """The admins chose to drop the polls of a lost thread: close them (no result is posted: their messages are
    gone) and count the article as done. Returns how many polls were still open or unposted."""
    polls = list(await session.scalars(select(Poll).where(Poll.article_id == article_id, Poll.state != PollState.CLOSED)))
    for poll in polls:
        poll.state = PollState.CLOSED
        poll.closed_at = now
    await session.execute(
        update(SeenEntry).where(SeenEntry.article_id == article_id).values(state=EntryState.POSTED, last_error=reason[:500])
    )
    await session.flush()
    return len(polls)


@dataclass(frozen=True)
class LostThreadArticle:
    article_id: int
    guild_id: int
    subscription_id: int | None
    title: str
    open_polls: int


async def article_of_thread(session: AsyncSession, thread_id: int) -> LostThreadArticle | None:
    article = await session.scalar(select(Article).where(Article.thread_id == thread_id))
    if article is None:
        return None
    open_polls = await session.scalar(
        select(func.count()).select_from(Poll).where(Poll.article_id == article.id, Poll.state != PollState.CLOSED)
    )
    return LostThreadArticle(article.id, article.guild_id, article.subscription_id, article.title, open_polls or 0)


async def article_notice_info(session: AsyncSession, article_id: int) -> tuple[int, int | None, str] | None:
    """(guild id, admin who added the feed, title) of an article, for a notice about it."""
    row = (
        await session.execute(
            select(Article.guild_id, FeedSubscription.created_by, Article.title)
            .outerjoin(FeedSubscription, FeedSubscription.id == Article.subscription_id)
            .where(Article.id == article_id)
        )
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None


async def lost_thread_choice(session: AsyncSession, guild_id: int) -> str:
    row = await session.get(GuildSettings, guild_id)
    return (row.lost_thread if row is not None else None) or "repost"


async def alerts_destination(session: AsyncSession, guild_id: int) -> tuple[int | None, int | None, str | None]:
    """(alerts channel, summary channel, language) of a guild."""
    row = await session.get(GuildSettings, guild_id)
    if row is None:
        return None, None, None
    return row.alerts_channel_id, row.summary_channel_id, row.language


# --------------------------------------------------------------------------------- removed from a guild


async def mark_guild_removed(session: AsyncSession, guild_id: int, now: datetime) -> None:
    row = await session.get(GuildSettings, guild_id)
    if row is None:
        row = GuildSettings(guild_id=guild_id, results_visibility="live", language="article", thread_per_article=True)
        session.add(row)
    if row.removed_at is None:
        row.removed_at = now
    await session.flush()


async def mark_guild_present(session: AsyncSession, guild_id: int) -> bool:
    """The bot is (back) in the guild; True when it had been removed."""
    row = await session.get(GuildSettings, guild_id)
    if row is None or row.removed_at is None:
        return False
    row.removed_at = None
    await session.flush()
    return True


async def guilds_with_feeds(session: AsyncSession) -> set[int]:
    return set(await session.scalars(select(FeedSubscription.guild_id).distinct()))


async def removed_guild_ids(session: AsyncSession) -> set[int]:
    return set(await session.scalars(select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))))


async def purge_removed_guilds(session: AsyncSession, removed_before: datetime) -> list[int]:
    """Delete everything of guilds that removed the bot before `removed_before` (and did not add it back)."""
    guild_ids = list(
        await session.scalars(
            select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None), GuildSettings.removed_at <= removed_before)
        )
    )
    for guild_id in guild_ids:
        article_ids = select(Article.id).where(Article.guild_id == guild_id).scalar_subquery()
        poll_ids = select(Poll.id).where(Poll.guild_id == guild_id).scalar_subquery()
        subscription_ids = select(FeedSubscription.id).where(FeedSubscription.guild_id == guild_id).scalar_subquery()
        # Children first: SQLite enforces no foreign keys unless asked, so nothing may rely on cascades.
        await session.execute(delete(Vote).where(Vote.poll_id.in_(poll_ids)))
        await session.execute(delete(Answer).where(Answer.poll_id.in_(poll_ids)))
        await session.execute(delete(DiscordPost).where(DiscordPost.guild_id == guild_id))
        await session.execute(delete(ThreadActivity).where(ThreadActivity.article_id.in_(article_ids)))
        await session.execute(delete(PollOption).where(PollOption.poll_id.in_(poll_ids)))
        await session.execute(delete(Poll).where(Poll.guild_id == guild_id))
        await session.execute(delete(SeenEntry).where(SeenEntry.subscription_id.in_(subscription_ids)))
        await session.execute(delete(Article).where(Article.guild_id == guild_id))
        await session.execute(delete(FeedSubscription).where(FeedSubscription.guild_id == guild_id))
        await session.execute(delete(Feed).where(~exists().where(FeedSubscription.feed_id == Feed.id)))  # issue 14
        await session.execute(delete(AuthorLink).where(AuthorLink.guild_id == guild_id))
        await session.execute(delete(MemberPreference).where(MemberPreference.guild_id == guild_id))
        await session.execute(delete(GuildSettings).where(GuildSettings.guild_id == guild_id))
    return guild_ids
