"""The review channel: one message per article with its proposals, kept current, and the background work that
makes review mode survive restarts.

`ReviewDesk` sends an article's review message through the outbox (`review:<article id>`, found again in the
channel after a crash), redraws it after every decision, gives proposals past `[polls] review_timeout` their
guild's `review_default`, and posts approved polls through `PollPoster` (bot/posting/single.py). Its `sweep` runs
every few seconds and once at start, so whatever a SIGKILL interrupted is finished: a review message sent but not
recorded, a poll approved but not yet posted, posted but not recorded, a deleted poll's message still shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.cogs.review_views import is_review_message_for, render_review_message
from bot.polls.closing import article_ready_for_summary, poll_message
from bot.polls.retry import run_write
from bot.polls.review import (
    articles_awaiting_review_message,
    deleted_polls_still_shown,
    expire_proposals,
    next_proposal_deadline,
    poll_article_id,
    polls_to_post,
    removal_key,
    review_key,
    review_sheet,
)
from bot.posting.outbox import get_post, mark_sent, record_intent
from bot.posting.publish import LOOKBACK
from bot.posting.single import PollPoster
from bot.storage.models import utcnow
from bot.storage.settings import load_guild_config

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
HISTORY_LIMIT = 200
RETRY_BASE_SECONDS = 2.0
MAX_RETRY_SECONDS = 300.0


class ReviewDesk:
    def __init__(self, bot: ReaderBot) -> None:
        self.bot = bot
        self.database = bot.database
        self.review_timeout = bot.settings.polls.review_timeout
        self.poster = PollPoster(bot.database, bot.publisher.transport)
        self._failures: dict[str, tuple[int, float]] = {}  # step -> (failures in a row, monotonic time to retry)

    async def _render(self, article_id: int) -> tuple[int, int, discord.Embed, discord.ui.View] | None:
        """The guild's review channel and the message for an article (None: no review channel or no article)."""
        async with self.database.session() as session:
            sheet = await review_sheet(session, article_id)
            if sheet is None or not sheet.proposals:
                return None
            config = await load_guild_config(session, sheet.guild_id, self.bot.settings.polls)
        if config.review_channel_id is None:
            return None
        oldest = sheet.waiting_since
        deadline = oldest + timedelta(seconds=self.review_timeout) if oldest is not None else None
        embed, view = render_review_message(sheet, sheet.language if sheet.language in ("de", "en") else "en",
                                            default=config.review_default, deadline=deadline)
        return config.review_channel_id, sheet.guild_id, embed, view

    async def ensure_review_message(self, article_id: int) -> None:
        """Send the article's review message exactly once (outbox row written before the request)."""
        rendered = await self._render(article_id)
        if rendered is None:
            return
        channel_id, guild_id, embed, view = rendered
        key = review_key(article_id)
        async with self.database.session() as session:
            earlier = await get_post(session, key)
            if earlier is not None and earlier.sent:
                return
            post = earlier or await record_intent(session, key, guild_id=guild_id, channel_id=channel_id, now=utcnow(),
                                                  article_id=article_id)
        channel = self.bot.get_partial_messageable(post.channel_id)
        found = None
        if earlier is not None:
            async for message in channel.history(limit=HISTORY_LIMIT, after=post.created_at - LOOKBACK, oldest_first=True):
                if self.bot.user is not None and message.author.id == self.bot.user.id and is_review_message_for(message, article_id):
                    found = message
                    break
        message = found or await channel.send(embed=embed, view=view, nonce=post.nonce, allowed_mentions=NO_MENTIONS)
        async with self.database.session() as session:
            await mark_sent(session, key, message_id=message.id, sent_at=message.created_at)
        if found is not None:
            await self.refresh(article_id)

    async def refresh(self, article_id: int) -> None:
        """Redraw the review message from the database (states, who decided, remaining buttons)."""
        async with self.database.session() as session:
            post = await get_post(session, review_key(article_id))
        if post is None or not post.sent or post.message_id is None:
            return
        rendered = await self._render(article_id)
        if rendered is None:
            return
        _, _, embed, view = rendered
        message = self.bot.get_partial_messageable(post.channel_id).get_partial_message(post.message_id)
        try:
            await message.edit(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            log.warning("the review message of article %s is gone", article_id)
        except discord.HTTPException as error:  # e.g. the bot lost access to the review channel: shown next time
            log.warning("could not redraw the review message of article %s: %s %s", article_id, error.status, error.text)

    async def post_approved(self, poll_ids: list[int]) -> None:
        """Post approved polls now; one that fails (Discord down) is posted by a later sweep."""
        for poll_id in poll_ids:
            try:
                await self.poster.post(poll_id)
            except (discord.HTTPException, OSError) as error:
                log.warning("could not post poll %s yet (%s); the next round tries again", poll_id, error)

    async def remove_deleted(self, poll_id: int) -> None:
        """Remove a deleted poll's message from Discord, once (recorded as `removed:<poll id>` afterwards)."""
        async with self.database.session() as session:
            where = await poll_message(session, poll_id)
        if where is None:
            return
        try:
            await self.bot.get_partial_messageable(where.channel_id).get_partial_message(where.message_id).delete()
        except discord.NotFound:
            pass  # gone already (removed before a crash, or by a moderator)
        async with self.database.session() as session:
            key = removal_key(poll_id)
            await record_intent(session, key, guild_id=where.guild_id, channel_id=where.channel_id, now=utcnow(),
                                poll_id=poll_id)
            await mark_sent(session, key, message_id=where.message_id, sent_at=utcnow())

    async def sweep(self) -> None:
        """One round of background work: timeouts, review messages not yet sent, approved polls not yet posted,
        deleted polls still shown. A step that fails (a review channel the bot cannot write to, Discord down) is
        logged and tried again later, with a growing pause, without holding up the others."""
        now = utcnow()
        async with self.database.session() as session:
            deadline = await next_proposal_deadline(session, self.review_timeout)
        # The write (SQLite's write lock) only when a proposal did time out: taken every sweep, it stood in the way
        # of the vote writer every 2 s, whose batch then waited 20-60 ms to retry (issue 11).
        decided = {} if deadline is None or deadline > now else await run_write(
            self.database, lambda session: expire_proposals(session, now=now, timeout_seconds=self.review_timeout))
        async with self.database.session() as session:
            waiting = await articles_awaiting_review_message(session)
            to_post = await polls_to_post(session)
            deleted = await deleted_polls_still_shown(session)
        for article_id in waiting:
            await self._attempt(f"review:{article_id}", lambda a=article_id: self.ensure_review_message(a))
        for poll_id in deleted:
            await self._attempt(f"removed:{poll_id}", lambda p=poll_id: self.remove_deleted(p))
        touched = set(decided)
        for poll_id in to_post:
            if await self._attempt(f"poll:{poll_id}", lambda p=poll_id: self.poster.post(p)):
                async with self.database.session() as session:
                    article_id = await poll_article_id(session, poll_id)
                if article_id is not None:
                    touched.add(article_id)
        for article_id in sorted(touched):
            await self._attempt(f"refresh:{article_id}", lambda a=article_id: self.refresh(a))
        for article_id in sorted(decided):
            await self.announce_if_finished(article_id)

    async def announce_if_finished(self, article_id: int) -> None:
        """A dropped proposal can be the last thing an article waited for: its summary is due now, not at the next
        catch-up round (the summary cog claims the delivery, so a second announcement does nothing)."""
        async with self.database.session() as session:
            finished = await article_ready_for_summary(session, article_id)
        if finished:
            self.bot.dispatch("article_polls_closed", article_id)

    async def _attempt(self, key: str, step: Callable[[], Awaitable[object]]) -> bool:
        """Run one step unless it is pausing after failures; True when it ran without an error."""
        now = time.monotonic()
        failures, not_before = self._failures.get(key, (0, 0.0))
        if now < not_before:
            return False
        try:
            await step()
        except (discord.HTTPException, OSError, TimeoutError) as error:
            pause = min(RETRY_BASE_SECONDS * 2 ** failures, MAX_RETRY_SECONDS)
            self._failures[key] = (failures + 1, now + pause)
            log.warning("review step %s failed (%s: %s); trying again in %.0f s", key, type(error).__name__, error, pause)
            return False
        self._failures.pop(key, None)
        return True
