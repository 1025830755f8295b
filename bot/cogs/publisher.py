"""The Discord side of posting: renders article and poll messages, sends them, and finds them again after a
crash. The order of steps and the outbox live in the core (bot/posting/publish.py); this module only talks
to Discord.

`Publisher` is a background worker: `wake()` it when something may be ready to post (new articles, a
restart); it posts every channel's queue in order, channels in parallel, and backs off a channel whose posts
fail (missing permissions, Discord down) without blocking the others. Rate limits are discord.py's job:
a 429 makes the request wait, never drops it. At most `POSTING_CONCURRENCY` articles are posted at once: enough
to keep Discord's 50 requests/s global limit busy at real round-trip times, few enough that hundreds of guilds
posting together do not all hit that limit at once (each such request is answered 429, waits and is sent again;
after five 429s discord.py gives up and the channel backs off for seconds).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from dataclasses import replace
from datetime import datetime, timedelta
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cogs.alerts import Alerts
from bot.cogs.checks import missing_posting_permissions
from bot.cogs.poll_views import ANSWER_PREFIX, VOTE_PREFIX, PollMessage, render_poll_message
from bot.cogs.native_polls import discord_poll, is_native_message_for, native_poll_content
from bot.config import Settings
from bot.polls.native import native_poll_draft
from bot.polls.tally import load_poll_snapshot
from bot.posting.content import EMBED_TITLE_LIMIT, ArticleCard, shorten
from bot.posting.delivery import MAX_PERMISSION_ATTEMPTS, DeliveryFailure, Problem, Target, classify
from bot.posting.publish import ArticlePublisher, SentMessage
from bot.storage.delivery import clear_subscription_problem, record_subscription_problem
from bot.storage.articles import QueuedArticle, mark_article_failed, publishing_queue
from bot.storage.database import Database
from bot.storage.models import Poll, utcnow

if TYPE_CHECKING:
    from discord.ext import commands

log = logging.getLogger(__name__)
T = TypeVar("T")

NO_MENTIONS = discord.AllowedMentions.none()
THREAD_ARCHIVE_MINUTES = 10080  # a week: the longest Discord offers for auto-archiving
HISTORY_LIMIT = 500
THREAD_ALREADY_CREATED = 160004  # Discord's error code: "A thread has already been created for this message"
EMBED_COLOUR = discord.Colour.from_rgb(88, 101, 242)
MAX_RETRY_DELAY = 600.0
PERMISSION_RECHECK_SECONDS = 3600.0
MAX_REFUSALS = 3  # Discord refusing an article's payload (400) this often: it will never be accepted
# Articles posted at once across all channels. Posting one takes three requests (message, thread, poll) plus a
# few database round trips; at Discord's usual 50-150 ms per request one article keeps ~7 requests/s in flight.
POSTING_CONCURRENCY = 10
PUBLISHED_KEPT = 10_000
GUILD_OF_LIMIT = 20_000  # channels and threads whose guild the transport remembers (then it starts afresh)


def is_refusal(error: BaseException) -> bool:
    """Discord rejected the request itself (bad payload); retrying the same request cannot help.
    Missing permissions (403) and missing channels (404) can be fixed by an admin: those are retried."""
    return isinstance(error, discord.HTTPException) and 400 <= error.status < 500 and error.status not in (403, 404, 429)


def escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _escaped_within(text: str, limit: int) -> str:
    """Escaped text that still fits `limit` once the escapes are added."""
    escaped = escape(text)
    budget = limit
    while len(escaped) > limit and budget > 1:
        budget = max(1, budget - (len(escaped) - limit) - 1)
        escaped = escape(shorten(text, budget))
    return escaped[:limit]


def article_embed(card: ArticleCard) -> discord.Embed:
    """Title linked to the article, author, excerpt (at most 300 characters), lead image, date."""
    embed = discord.Embed(
        title=_escaped_within(card.title, EMBED_TITLE_LIMIT),
        url=card.url,
        description=escape(card.excerpt) if card.excerpt else None,
        colour=EMBED_COLOUR,
        timestamp=card.published,
    )
    if card.author:
        embed.set_author(name=card.author[:256])  # author names are shown as plain text by Discord
    if card.image:
        embed.set_image(url=card.image)
    if card.feed_title:
        embed.set_footer(text=card.feed_title[:200])
    return embed


async def poll_message(session: AsyncSession, poll_id: int) -> PollMessage:
    """The poll's message as first posted: the polls cog's rendering (bot/cogs/poll_views.py), with the deadline
    it will get when sent (the poll is still a draft until its message exists)."""
    snapshot = await load_poll_snapshot(session, poll_id)
    if snapshot is None:
        raise LookupError(f"poll {poll_id} does not exist")
    if snapshot.closes_at is None:
        poll = await session.get(Poll, poll_id)
        duration = poll.duration_seconds if poll is not None else 0
        snapshot = replace(snapshot, closes_at=utcnow() + timedelta(seconds=duration))
    return render_poll_message(snapshot)


def _custom_ids(message: discord.Message) -> list[str]:
    ids: list[str] = []
    for row in message.components:
        for child in getattr(row, "children", [row]):
            custom_id = getattr(child, "custom_id", None)
            if custom_id:
                ids.append(custom_id)
    return ids


def is_poll_message_for(message: discord.Message, poll_id: int) -> bool:
    return any(
        custom_id == f"{ANSWER_PREFIX}{poll_id}" or custom_id.startswith(f"{VOTE_PREFIX}{poll_id}:")
        for custom_id in _custom_ids(message)
    )


THREAD_PERMISSIONS = ("view_channel", "send_messages_in_threads", "read_message_history")


class DiscordTransport:
    """`PostingTransport` over discord.py: sends with the outbox nonce, finds earlier messages in history.
    Discord's refusals come out as `DeliveryFailure` (bot/posting/delivery.py) naming the problem."""

    def __init__(self, bot: discord.Client, database: Database) -> None:
        self.bot = bot
        self.database = database
        # channel or thread id -> guild id. discord.py's `get_channel` searches every guild in turn (2,500 of them
        # on a full shard); knowing the guild makes the lookup one dictionary access.
        self._guild_of: dict[int, int] = {}

    def remember_guild(self, channel_id: int, guild_id: int) -> None:
        if len(self._guild_of) >= GUILD_OF_LIMIT:
            self._guild_of.clear()
        self._guild_of[channel_id] = guild_id

    def _lookup(self, channel_id: int) -> Any:
        """The cached channel or thread, found through its guild when we know it."""
        guild_id = self._guild_of.get(channel_id)
        if guild_id is not None:
            guild = self.bot.get_guild(guild_id)
            if guild is not None:
                return guild.get_channel_or_thread(channel_id)
        return self.bot.get_channel(channel_id)

    def missing_permissions(self, channel_id: int) -> tuple[str, ...]:
        """What the bot lacks in a channel or thread, as discord.py's cache (kept by Discord's events) says."""
        channel = self._lookup(channel_id)
        if isinstance(channel, discord.Thread) and channel.parent is not None and channel.guild.me is not None:
            permissions = channel.parent.permissions_for(channel.guild.me)
            return tuple(name for name in THREAD_PERMISSIONS if not getattr(permissions, name))
        if isinstance(channel, discord.abc.GuildChannel) and channel.guild.me is not None:
            return tuple(missing_posting_permissions(channel, channel.guild.me))
        return ()

    def _target(self, channel_id: int) -> Target:
        return Target.CHANNEL if isinstance(self._lookup(channel_id), discord.TextChannel) else Target.THREAD

    def _failure(self, error: discord.HTTPException, channel_id: int, target: Target) -> DeliveryFailure:
        problem = classify(error.status, error.code, target)
        channel = self._lookup(channel_id)
        if problem == Problem.MISSING_PERMISSIONS and isinstance(channel, discord.Thread) and channel.locked:
            problem = Problem.THREAD_LOST  # a moderator locked the thread: no permission of ours would help
        missing = self.missing_permissions(channel_id) if problem == Problem.MISSING_PERMISSIONS else ()
        return DeliveryFailure(problem, channel_id, f"{error.status} {error.code}: {error.text}"[:300], missing=missing)

    def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self._lookup(channel_id)
        if isinstance(channel, discord.abc.Messageable):
            return channel
        return self.bot.get_partial_messageable(channel_id)

    async def _own_messages_since(self, channel_id: int, since: datetime) -> Any:
        channel = self._channel(channel_id)
        assert self.bot.user is not None
        async for message in channel.history(limit=HISTORY_LIMIT, after=since, oldest_first=True):
            if message.author.id == self.bot.user.id:
                yield message

    async def _find_article_message(self, channel_id: int, card: ArticleCard, since: datetime) -> SentMessage | None:
        async for message in self._own_messages_since(channel_id, since):
            if any(embed.url == card.url for embed in message.embeds):
                return SentMessage(message.id, channel_id, message.created_at)
        return None

    async def _send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage:
        message = await self._channel(channel_id).send(embed=article_embed(card), nonce=nonce, allowed_mentions=NO_MENTIONS)
        return SentMessage(message.id, channel_id, message.created_at)

    async def find_thread(self, channel_id: int, message_id: int) -> int | None:
        """A thread started from a message has the message's id."""
        self._inherit_guild(message_id, channel_id)  # if it exists, it is in the parent's guild
        if self._lookup(message_id) is not None:
            return message_id
        try:
            channel = await self.bot.fetch_channel(message_id)
        except discord.NotFound:
            return None
        if not isinstance(channel, discord.Thread):
            return None
        self._inherit_guild(channel.id, channel_id)
        return channel.id

    def _inherit_guild(self, thread_id: int, parent_id: int) -> None:
        guild_id = self._guild_of.get(parent_id)
        if guild_id is not None:
            self.remember_guild(thread_id, guild_id)

    async def _create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        channel = self._channel(channel_id)
        if not hasattr(channel, "get_partial_message"):
            raise TypeError(f"channel {channel_id} cannot hold messages")
        message = channel.get_partial_message(message_id)  # type: ignore[attr-defined]
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as error:
            if error.code == THREAD_ALREADY_CREATED:
                self._inherit_guild(message_id, channel_id)
                return message_id
            raise
        self._inherit_guild(thread.id, channel_id)
        return thread.id

    async def _find_poll_message(self, channel_id: int, poll_id: int, since: datetime) -> SentMessage | None:
        async with self.database.session() as session:
            native = await native_poll_draft(session, poll_id)
        async for message in self._own_messages_since(channel_id, since):
            if is_poll_message_for(message, poll_id) or (native is not None and is_native_message_for(message, native)):
                return SentMessage(message.id, channel_id, message.created_at)
        return None

    async def _send_poll_message(self, channel_id: int, poll_id: int, nonce: str) -> SentMessage:
        async with self.database.session() as session:
            native = await native_poll_draft(session, poll_id)
            rendered = await poll_message(session, poll_id) if native is None else None
        if native is not None:  # Discord's own poll (bot/cogs/native_polls.py)
            sent = await self._channel(channel_id).send(content=native_poll_content(native), poll=discord_poll(native),
                                                        nonce=nonce, allowed_mentions=NO_MENTIONS)
            return SentMessage(sent.id, channel_id, sent.created_at)
        assert rendered is not None
        message = await self._channel(channel_id).send(
            content=rendered.content,
            embed=rendered.embed,
            view=rendered.view,
            nonce=nonce,
            allowed_mentions=NO_MENTIONS,
        )
        return SentMessage(message.id, channel_id, message.created_at)

    async def _classified(self, step: Awaitable[T], channel_id: int, target: Target) -> T:
        """Discord's 4xx answers as a `DeliveryFailure`; 429 and 5xx stay errors to back off from."""
        try:
            return await step
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:
                raise
            raise self._failure(error, channel_id, target) from error

    async def find_article_message(self, channel_id: int, card: ArticleCard, since: datetime) -> SentMessage | None:
        return await self._classified(self._find_article_message(channel_id, card, since), channel_id, Target.CHANNEL)

    async def send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage:
        return await self._classified(self._send_article_message(channel_id, card, nonce), channel_id, Target.CHANNEL)

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        return await self._classified(self._create_thread(channel_id, message_id, name), channel_id, Target.CHANNEL)

    async def find_poll_message(self, channel_id: int, poll_id: int, since: datetime) -> SentMessage | None:
        target = self._target(channel_id)
        return await self._classified(self._find_poll_message(channel_id, poll_id, since), channel_id, target)

    async def send_poll_message(self, channel_id: int, poll_id: int, nonce: str) -> SentMessage:
        target = self._target(channel_id)
        return await self._classified(self._send_poll_message(channel_id, poll_id, nonce), channel_id, target)


class Publisher:
    """Posts queued articles in the background; one task per channel so a channel's messages stay in order."""

    def __init__(self, bot: commands.Bot, database: Database, settings: Settings) -> None:
        self.bot = bot
        self.database = database
        self.transport = DiscordTransport(bot, database)
        self.articles = ArticlePublisher(database, self.transport, settings.polls)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._retry_at: dict[int, float] = {}  # channel id -> monotonic time of the next attempt
        self._failures: dict[int, int] = defaultdict(int)
        self._refusals: dict[int, int] = defaultdict(int)  # article id -> payloads Discord refused
        self._channel_guild: dict[int, int] = {}  # channel id -> guild id, for retrying a guild's channels
        self._troubled: set[int] = set()  # subscriptions whose problem this process recorded since the queue was read
        self._posting_slots = asyncio.Semaphore(POSTING_CONCURRENCY)
        self.alerts = Alerts(bot, database)
        self.retry_base = 2.0  # seconds before the first retry of a channel; doubles per failure
        # The latest article ids posted by this process, in order (for logs, tests and the demo); bounded, as the
        # process runs for months.
        self.published: deque[int] = deque(maxlen=PUBLISHED_KEPT)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="reader-bot publisher")
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.publish_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("publishing failed; retrying on the next wake-up")

    async def publish_pending(self) -> int:
        """Post everything queued; returns how many articles were finished."""
        async with self.database.session() as session:
            queue = await publishing_queue(session, shards=getattr(self.bot, "shard_plan", None))
        by_channel: dict[int, list[QueuedArticle]] = defaultdict(list)
        for item in queue:
            by_channel[item.channel_id].append(item)
        done = await asyncio.gather(*(self._publish_channel(channel_id, items) for channel_id, items in by_channel.items()))
        return sum(done)

    async def _publish_channel(self, channel_id: int, items: list[QueuedArticle]) -> int:
        if time.monotonic() < self._retry_at.get(channel_id, 0.0):
            return 0
        done = 0
        for item in items:
            self._channel_guild[channel_id] = item.guild_id
            self.transport.remember_guild(channel_id, item.guild_id)
            try:
                async with self._posting_slots:
                    result = await self.articles.publish(item.article_id)
            except asyncio.CancelledError:
                raise
            except DeliveryFailure as failure:
                if failure.problem == Problem.REFUSED:
                    self._refusals[item.article_id] += 1
                    if self._refusals[item.article_id] >= MAX_REFUSALS:
                        await self._give_up(item, failure)
                        continue
                    self._back_off(channel_id, item, failure)
                    return done
                await self._delivery_failed(channel_id, item, failure)
                return done
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
                if is_refusal(error):
                    self._refusals[item.article_id] += 1
                    if self._refusals[item.article_id] >= MAX_REFUSALS:
                        await self._give_up(item, error)
                        continue
                self._back_off(channel_id, item, error)
                return done
            except Exception as error:
                log.exception("posting article %s failed", item.article_id)
                self._back_off(channel_id, item, error)
                return done
            self._failures.pop(channel_id, None)
            self._retry_at.pop(channel_id, None)
            self.published.append(item.article_id)
            done += 1
            if result.dropped_polls is not None:
                log.warning("article %s lost its thread; %d polls dropped", item.article_id, result.dropped_polls)
                await self.alerts.polls_dropped(item.article_id, result.dropped_polls)
            else:
                log.info(
                    "posted article %s in channel %s (%d poll messages%s%s)",
                    item.article_id, channel_id, len(result.poll_message_ids), ", resumed" if result.resumed else "",
                    f", re-posted {result.reposts}x after its thread was lost" if result.reposts else "",
                )
            if item.troubled or item.subscription_id in self._troubled:
                async with self.database.session() as session:
                    fixed = await clear_subscription_problem(session, item.subscription_id)
                self._troubled.discard(item.subscription_id)
                if fixed is not None and fixed.notify:
                    await self.alerts.problem_fixed(fixed)
        return done

    async def _delivery_failed(self, channel_id: int, item: QueuedArticle, failure: DeliveryFailure) -> None:
        """Record the problem on the subscription, tell the admins once, and retry only where it can help."""
        if self.bot.is_ready() and self.bot.get_guild(item.guild_id) is None:
            # Removed from the guild while posting (its GUILD_DELETE is on the way): not a problem to report.
            self._back_off(channel_id, item, failure)
            return
        detail = ",".join(failure.missing) or None
        self._troubled.add(item.subscription_id)
        async with self.database.session() as session:
            change = await record_subscription_problem(
                session, item.subscription_id, failure.problem.value, detail=detail, now=utcnow(), pause=failure.problem.pauses
            )
        if change is not None and change.notify:
            await self.alerts.problem(change)
        if failure.problem.pauses:
            log.warning("feed subscription %s paused: %s (%s)", item.subscription_id, failure.problem.value, failure.reason)
            return
        self._back_off(channel_id, item, failure)
        if failure.problem == Problem.MISSING_PERMISSIONS and self._failures[channel_id] >= MAX_PERMISSION_ATTEMPTS:
            # From now on a channel or role update (or /feed resume) retries at once; a member role change reaches
            # the bot only with the privileged Server Members intent, so one slow check an hour covers that.
            self._retry_at[channel_id] = time.monotonic() + PERMISSION_RECHECK_SECONDS
            log.warning("channel %s: still missing permissions; trying again on an update, or in an hour", channel_id)

    def retry_guild(self, guild_id: int) -> None:
        """Something that may have fixed the guild's permissions happened: retry its backed-off channels now."""
        for channel_id, owner in list(self._channel_guild.items()):
            if owner == guild_id and channel_id in self._retry_at:
                self._retry_at.pop(channel_id, None)
                self._failures.pop(channel_id, None)
        self.wake()

    async def _give_up(self, item: QueuedArticle, error: BaseException) -> None:
        log.error("Discord refused article %s %d times (%s); it will not be posted", item.article_id, MAX_REFUSALS, error)
        async with self.database.session() as session:
            await mark_article_failed(session, item.article_id, f"refused by Discord: {error}")
        self._refusals.pop(item.article_id, None)

    def _back_off(self, channel_id: int, item: QueuedArticle, error: BaseException) -> None:
        self._failures[channel_id] += 1
        delay = min(self.retry_base * 2.0 ** (self._failures[channel_id] - 1), MAX_RETRY_DELAY)
        self._retry_at[channel_id] = time.monotonic() + delay
        log.warning(
            "could not post article %s in channel %s (%s: %s); trying again in %.0f s",
            item.article_id, channel_id, type(error).__name__, error, delay,
        )
