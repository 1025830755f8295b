"""The Discord side of posting: renders article and poll messages, sends them, and finds them again after a
crash. The order of steps and the outbox live in the core (bot/posting/publish.py); this module only talks
to Discord.

`Publisher` is a background worker: `wake()` it when something may be ready to post (new articles, a
restart); it posts every channel's queue in order, channels in parallel, and backs off a channel whose posts
fail (missing permissions, Discord down) without blocking the others. Rate limits are discord.py's job:
a 429 makes the request wait, never drops it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cogs.poll_views import ANSWER_PREFIX, VOTE_PREFIX, PollMessage, render_poll_message
from bot.cogs.native_polls import discord_poll, is_native_message_for, native_poll_content
from bot.config import Settings
from bot.polls.native import native_poll_draft
from bot.polls.tally import load_poll_snapshot
from bot.posting.content import EMBED_TITLE_LIMIT, ArticleCard, shorten
from bot.posting.publish import ArticlePublisher, SentMessage
from bot.storage.articles import QueuedArticle, mark_article_failed, publishing_queue
from bot.storage.database import Database
from bot.storage.models import Poll, utcnow

if TYPE_CHECKING:
    from discord.ext import commands

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
THREAD_ARCHIVE_MINUTES = 10080  # a week: the longest Discord offers for auto-archiving
HISTORY_LIMIT = 500
THREAD_ALREADY_CREATED = 160004  # Discord's error code: "A thread has already been created for this message"
EMBED_COLOUR = discord.Colour.from_rgb(88, 101, 242)
MAX_RETRY_DELAY = 600.0
MAX_REFUSALS = 3  # Discord refusing an article's payload (400) this often: it will never be accepted


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


class DiscordTransport:
    """`PostingTransport` over discord.py: sends with the outbox nonce, finds earlier messages in history."""

    def __init__(self, bot: discord.Client, database: Database) -> None:
        self.bot = bot
        self.database = database

    def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if isinstance(channel, discord.abc.Messageable):
            return channel
        return self.bot.get_partial_messageable(channel_id)

    async def _own_messages_since(self, channel_id: int, since: datetime) -> Any:
        channel = self._channel(channel_id)
        assert self.bot.user is not None
        async for message in channel.history(limit=HISTORY_LIMIT, after=since, oldest_first=True):
            if message.author.id == self.bot.user.id:
                yield message

    async def find_article_message(self, channel_id: int, card: ArticleCard, since: datetime) -> SentMessage | None:
        async for message in self._own_messages_since(channel_id, since):
            if any(embed.url == card.url for embed in message.embeds):
                return SentMessage(message.id, channel_id, message.created_at)
        return None

    async def send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage:
        message = await self._channel(channel_id).send(embed=article_embed(card), nonce=nonce, allowed_mentions=NO_MENTIONS)
        return SentMessage(message.id, channel_id, message.created_at)

    async def find_thread(self, channel_id: int, message_id: int) -> int | None:
        """A thread started from a message has the message's id."""
        if self.bot.get_channel(message_id) is not None:
            return message_id
        try:
            channel = await self.bot.fetch_channel(message_id)
        except discord.NotFound:
            return None
        return channel.id if isinstance(channel, discord.Thread) else None

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        channel = self._channel(channel_id)
        if not hasattr(channel, "get_partial_message"):
            raise TypeError(f"channel {channel_id} cannot hold messages")
        message = channel.get_partial_message(message_id)  # type: ignore[attr-defined]
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as error:
            if error.code == THREAD_ALREADY_CREATED:
                return message_id
            raise
        return thread.id

    async def find_poll_message(self, channel_id: int, poll_id: int, since: datetime) -> SentMessage | None:
        async with self.database.session() as session:
            native = await native_poll_draft(session, poll_id)
        async for message in self._own_messages_since(channel_id, since):
            if is_poll_message_for(message, poll_id) or (native is not None and is_native_message_for(message, native)):
                return SentMessage(message.id, channel_id, message.created_at)
        return None

    async def send_poll_message(self, channel_id: int, poll_id: int, nonce: str) -> SentMessage:
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
        self.retry_base = 2.0  # seconds before the first retry of a channel; doubles per failure
        self.published: list[int] = []  # article ids posted by this process, in order (for logs and tests)

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
            queue = await publishing_queue(session)
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
            try:
                result = await self.articles.publish(item.article_id)
            except asyncio.CancelledError:
                raise
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
            log.info(
                "posted article %s in channel %s (%d poll messages%s)",
                item.article_id, channel_id, len(result.poll_message_ids), ", resumed" if result.resumed else "",
            )
        return done

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
