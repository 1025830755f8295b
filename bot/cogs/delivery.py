"""Reacting to what Discord tells the bot about its guilds (issue 12): retry at once when permissions may be
fixed, pause feeds whose channel was deleted, re-post or drop the polls of a deleted article thread, and stop
all work for a guild that removed the bot (its data is deleted after `data.retention_after_removal`).

A guild going `unavailable` (an outage) is not a removal: discord.py reports it as `on_guild_unavailable`, and
nothing here reacts to it. `on_guild_remove` comes only for a GUILD_DELETE without `unavailable`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from bot.cogs.startup import after_ready_spread
from bot.posting.delivery import MAX_REPOSTS, Problem
from bot.storage.delivery import (
    article_of_thread,
    drop_article_polls,
    guilds_with_feeds,
    lose_article_posts,
    lost_generations,
    lost_thread_choice,
    mark_guild_present,
    mark_guild_removed,
    purge_removed_guilds,
    record_subscription_problem,
    removed_guild_ids,
    requeue_article,
    subscriptions_in_channel,
)
from bot.storage.models import utcnow

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot

log = logging.getLogger(__name__)

MAX_PURGE_INTERVAL = 3600.0


class DeliveryEvents(commands.Cog):
    def __init__(self, bot: ReaderBot) -> None:
        self.bot = bot
        self.retention = bot.settings.data.retention_after_removal
        self.purge_removed.change_interval(seconds=max(0.2, min(self.retention / 4, MAX_PURGE_INTERVAL)))
        self.purge_removed.start()
        bot.before_work.append(self.reconcile_guilds)  # once connected, before anything is posted

    async def cog_unload(self) -> None:
        self.purge_removed.cancel()
        if self.reconcile_guilds in self.bot.before_work:
            self.bot.before_work.remove(self.reconcile_guilds)

    # -- permissions may have changed: retry the guild's waiting channels at once ------------------------------

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> None:
        self.bot.publisher.retry_guild(after.guild.id)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        self.bot.publisher.retry_guild(after.guild.id)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if self.bot.user is not None and after.id == self.bot.user.id:
            self.bot.publisher.retry_guild(after.guild.id)

    # -- a feed's channel was deleted: pause it until /feed move -----------------------------------------------

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        async with self.bot.database.session() as session:
            subscription_ids = await subscriptions_in_channel(session, channel.id)
            changes = [
                await record_subscription_problem(
                    session, subscription_id, Problem.CHANNEL_DELETED.value, detail=None, now=utcnow(), pause=True
                )
                for subscription_id in subscription_ids
            ]
        for change in changes:
            if change is not None and change.notify:
                log.warning("feed subscription %s paused: its channel %s was deleted", change.subscription_id, channel.id)
                await self.bot.publisher.alerts.problem(change)

    # -- an article's thread was deleted: its open polls go into a new thread, or are dropped ------------------

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        async with self.bot.database.session() as session:
            article = await article_of_thread(session, payload.thread_id)
            if article is None or article.open_polls == 0:
                return
            choice = await lost_thread_choice(session, article.guild_id)
            reposts = await lost_generations(session, article.article_id)
            await lose_article_posts(session, article.article_id)
            if choice == "drop" or reposts >= MAX_REPOSTS:
                dropped = await drop_article_polls(session, article.article_id, "thread deleted: polls dropped", utcnow())
            else:
                await requeue_article(session, article.article_id)
                dropped = None
        if dropped is None:
            log.info("the thread of article %s was deleted; re-posting it with its %d open polls", article.article_id, article.open_polls)
            self.bot.publisher.wake()
        else:
            log.info("the thread of article %s was deleted; %d polls dropped", article.article_id, dropped)
            await self.bot.publisher.alerts.polls_dropped(article.article_id, dropped)

    # -- removed from a guild: stop at once, delete its data after the retention -------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        async with self.bot.database.session() as session:
            await mark_guild_removed(session, guild.id, utcnow())
        log.warning("removed from guild %s: its work stops now; its data is deleted in %s s unless the bot is added back", guild.id, f"{self.retention:g}")

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.on_guild_join(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        async with self.bot.database.session() as session:
            back = await mark_guild_present(session, guild.id)
        if back:
            log.info("added back to guild %s: its feeds continue", guild.id)
            self.bot.publisher.wake()

    async def reconcile_guilds(self) -> None:
        """What changed while the bot was offline: guilds marked removed that are here (added back) continue;
        guilds with feeds that READY no longer lists removed the bot meanwhile. (READY lists every guild the bot
        is in, unavailable ones included, so an outage is not mistaken for a removal.)"""
        present = {guild.id for guild in self.bot.guilds}
        now = utcnow()
        async with self.bot.database.session() as session:
            for guild_id in await removed_guild_ids(session) & present:
                await mark_guild_present(session, guild_id)
                log.info("guild %s has the bot again: its feeds continue", guild_id)
            shards = getattr(self.bot, "shard_plan", None)  # guilds on other processes' shards are not ours to judge
            owned = {guild_id for guild_id in await guilds_with_feeds(session) if shards is None or shards.owns(guild_id)}
            for guild_id in owned - present - await removed_guild_ids(session):
                await mark_guild_removed(session, guild_id, now)
                log.warning("removed from guild %s while offline: its work stops; its data is deleted in %s s unless the bot is added back", guild_id, f"{self.retention:g}")

    @tasks.loop(seconds=60.0)
    async def purge_removed(self) -> None:
        try:
            async with self.bot.database.session() as session:
                purged = await purge_removed_guilds(session, utcnow() - timedelta(seconds=self.retention))
        except Exception:
            log.exception("deleting the data of removed guilds failed; trying again later")
            return
        for guild_id in purged:
            log.warning("deleted all data of guild %s (the bot was removed more than %s s ago)", guild_id, f"{self.retention:g}")

    @purge_removed.before_loop
    async def _before_purge(self) -> None:
        await after_ready_spread(self.bot, self.bot.settings.runtime.background_start_spread)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(DeliveryEvents(bot))  # type: ignore[arg-type]
