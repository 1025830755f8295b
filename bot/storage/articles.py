"""Articles and their draft polls: stored together with the entry they came from, in one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.articles.model import Article as ArticleText
from bot.questions.model import PollDraft, PollKind, best_drafts
from bot.storage.models import Article, EntryState, FeedSubscription, GuildSettings, Poll, PollOption, PollState, SeenEntry
from bot.shards import ShardPlan
from bot.storage.ownership import owned_guilds
from bot.config import PollSettings
from bot.storage.settings import GuildConfig, load_guild_configs

MAX_POLLS_PER_ARTICLE = 10
MAX_OPTIONS_PER_POLL = 20


async def find_article(session: AsyncSession, guild_id: int, url: str) -> Article | None:
    return await session.scalar(select(Article).where(Article.guild_id == guild_id, Article.url == url))


async def store_article(
    session: AsyncSession,
    entry: SeenEntry,
    subscription: FeedSubscription,
    article: ArticleText,
    drafts: Sequence[PollDraft],
    config: GuildConfig,
) -> Article | None:
    """The Article row and its polls (DRAFT), linked to `entry`; None when the guild already has this article.

    The caller commits; the entry stays PENDING (it is posted by the publisher) unless the article was a
    duplicate, which is marked POSTED so it is never posted twice in one guild.
    """
    url = _article_url(entry, article)
    existing = await find_article(session, subscription.guild_id, url)
    if existing is not None:
        _mark_duplicate(entry, existing.id)
        await session.flush()
        return None
    row = _article_row(entry, subscription, article, drafts, config)
    session.add(row)
    await session.flush()
    entry.article_id = row.id
    entry.last_error = None
    await session.flush()
    return row


async def store_articles(
    session: AsyncSession, entry_ids: Sequence[int], article: ArticleText, drafts: Sequence[PollDraft], defaults: PollSettings
) -> int:
    """One article read once, stored for every guild waiting for it (`entry_ids`: their PENDING entries), in a
    handful of statements however many guilds: entries, subscriptions, guild settings and the guilds that already
    have the article are each read in one query, and the articles, polls and options are inserted in batches.
    Entries already built or no longer pending are left alone. The caller commits; returns how many were stored."""
    entries = [
        entry for entry in await session.scalars(select(SeenEntry).where(SeenEntry.id.in_(entry_ids)).order_by(SeenEntry.id))
        if entry.article_id is None and entry.state == EntryState.PENDING
    ]
    if not entries:
        return 0
    subscriptions = {
        subscription.id: subscription
        for subscription in await session.scalars(
            select(FeedSubscription).where(FeedSubscription.id.in_({entry.subscription_id for entry in entries}))
        )
    }
    entries = [entry for entry in entries if entry.subscription_id in subscriptions]
    guild_ids = {subscriptions[entry.subscription_id].guild_id for entry in entries}
    configs = await load_guild_configs(session, guild_ids, defaults)
    urls = {_article_url(entry, article) for entry in entries}
    existing: dict[tuple[int, str], int] = {
        (guild_id, url): article_id
        for article_id, guild_id, url in await session.execute(
            select(Article.id, Article.guild_id, Article.url).where(Article.url.in_(urls), Article.guild_id.in_(guild_ids))
        )
    }
    created: dict[tuple[int, str], Article] = {}
    duplicates: list[tuple[SeenEntry, tuple[int, str]]] = []
    built: list[tuple[SeenEntry, Article]] = []
    for entry in entries:
        subscription = subscriptions[entry.subscription_id]
        key = (subscription.guild_id, _article_url(entry, article))
        if key in existing or key in created:
            duplicates.append((entry, key))
            continue
        created[key] = _article_row(entry, subscription, article, drafts, configs[subscription.guild_id])
        built.append((entry, created[key]))
    session.add_all(created.values())
    await session.flush()  # one batched INSERT … RETURNING per table
    for entry, row in built:
        entry.article_id = row.id
        entry.last_error = None
    for entry, key in duplicates:
        _mark_duplicate(entry, existing[key] if key in existing else created[key].id)
    return len(created)


def _article_url(entry: SeenEntry, article: ArticleText) -> str:
    return (article.url or entry.url or "")[:2048]


def _mark_duplicate(entry: SeenEntry, article_id: int) -> None:
    """The guild already has this article (another feed brought it): never posted twice in one guild."""
    entry.article_id = article_id
    entry.state = EntryState.POSTED
    entry.last_error = None


def _article_row(
    entry: SeenEntry, subscription: FeedSubscription, article: ArticleText, drafts: Sequence[PollDraft], config: GuildConfig
) -> Article:
    """The Article row with its polls (DRAFT, or PROPOSED when the guild reviews them) and their options."""
    url = _article_url(entry, article)
    row = Article(
        guild_id=subscription.guild_id,
        subscription_id=subscription.id,
        channel_id=subscription.channel_id,
        entry_id=article.entry_id or entry.entry_id,
        url=url,
        title=(article.title or entry.title or url)[:500],
        author=article.author[:200] if article.author else None,
        published=article.published or entry.published,
        language=article.language if article.language in ("de", "en") else "en",
        image=article.image[:2048] if article.image else None,
        excerpt=article.excerpt or "",
        text_hash=article.text_hash,
        polls=[],
    )
    language = config.poll_language(row.language)
    ordered = best_drafts(drafts, min(config.max_per_article, MAX_POLLS_PER_ARTICLE))
    for position, draft in enumerate(ordered):
        # Open questions keep the answer button: Discord's polls take no written answers. A native poll is never
        # anonymous: Discord shows everyone who voted for what.
        native = config.poll_style == "native" and draft.kind != PollKind.OPEN
        poll = Poll(
            guild_id=subscription.guild_id,
            position=position,
            question=draft.question[:300],
            kind=draft.kind,
            language=language,
            anonymous=config.anonymous and not native,
            duration_seconds=config.poll_duration_seconds,
            state=PollState.PROPOSED if config.review else PollState.DRAFT,
            style="native" if native else None,
        )
        poll.options = [
            PollOption(position=index, label=label[:55]) for index, label in enumerate(draft.options[:MAX_OPTIONS_PER_POLL])
        ]
        row.polls.append(poll)
    return row


@dataclass(frozen=True)
class QueuedArticle:
    """An article whose posting is not finished, with the channel it goes to."""

    article_id: int
    entry_id: int
    subscription_id: int
    guild_id: int
    channel_id: int
    troubled: bool = False  # its subscription has a delivery problem recorded (to clear once a post works)


def _removed_guilds():  # type: ignore[no-untyped-def]
    return select(GuildSettings.guild_id).where(GuildSettings.removed_at.is_not(None))


async def publishing_queue(session: AsyncSession, *, shards: ShardPlan | None = None) -> list[QueuedArticle]:
    """Articles to post, per subscription in feed order, stopping at the first entry whose article is not built
    yet: a later article never overtakes an earlier one in a channel. Paused subscriptions and guilds that removed
    the bot are left out (no requests for them), and so are guilds on shards other processes hold (`shards`)."""
    rows = await session.execute(
        select(
            SeenEntry.id, SeenEntry.subscription_id, SeenEntry.article_id, Article.guild_id, Article.channel_id,
            FeedSubscription.delivery_problem,
        )
        .outerjoin(Article, Article.id == SeenEntry.article_id)
        .join(FeedSubscription, FeedSubscription.id == SeenEntry.subscription_id)
        .where(SeenEntry.state == EntryState.PENDING, FeedSubscription.paused.is_(False), ~FeedSubscription.guild_id.in_(_removed_guilds()))
        .where(owned_guilds(FeedSubscription.guild_id, shards))
        .order_by(SeenEntry.subscription_id, SeenEntry.id)
    )
    queue: list[QueuedArticle] = []
    blocked: set[int] = set()
    for entry_id, subscription_id, article_id, guild_id, channel_id, problem in rows:
        if subscription_id in blocked:
            continue
        if article_id is None or guild_id is None:
            blocked.add(subscription_id)
            continue
        queue.append(QueuedArticle(article_id, entry_id, subscription_id, guild_id, channel_id, problem is not None))
    return queue


async def mark_article_posted(session: AsyncSession, article_id: int) -> None:
    await session.execute(
        update(SeenEntry)
        .where(SeenEntry.article_id == article_id, SeenEntry.state == EntryState.PENDING)
        .values(state=EntryState.POSTED, last_error=None)
    )


async def mark_article_failed(session: AsyncSession, article_id: int, reason: str) -> None:
    """Give up posting an article (its messages are refused for good); later articles are no longer held up."""
    await session.execute(
        update(SeenEntry)
        .where(SeenEntry.article_id == article_id, SeenEntry.state == EntryState.PENDING)
        .values(state=EntryState.FAILED, last_error=reason[:500])
    )
