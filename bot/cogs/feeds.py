"""`/feed add`, `/feed remove`, `/feed list`: admin commands, every one checked server-side for Manage Server."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cogs.alerts import problem_text
from bot.cogs.checks import has_manage_server, manage_server_only, missing_posting_permissions
from bot.cogs.errors import NO_MENTIONS, escape
from bot.cogs.i18n import Language, language_for, t
from bot.errors import InvalidInput
from bot.ingest import MAX_BACKFILL
from bot.storage.feeds import (
    MAX_FEED_URL_LENGTH,
    feed_url_choices,
    find_subscription_by_id,
    list_subscriptions,
    remove_subscription,
)
from bot.storage.delivery import move_subscription, resume_subscription
from bot.storage.models import utcnow

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
CHOICE_LIMIT = 100  # Discord: choice names and string values at most 100 characters
ID_PREFIX = "#"  # autocomplete value for feeds whose URL is longer than a choice value may be


def _when(moment: datetime | None, language: str) -> str:
    return f"<t:{int(moment.timestamp())}:R>" if moment is not None else t("feed.never", language)


def _permission_names(names: list[str]) -> str:
    return ", ".join(name.replace("_", " ").title() for name in names)


def _channel_refusal(interaction: discord.Interaction, channel: discord.TextChannel, language: Language) -> str | None:
    """Why the bot cannot post its feeds in `channel`, or None. Another guild's channel can only come from a crafted
    interaction."""
    assert interaction.guild is not None
    if channel.guild.id != interaction.guild.id:
        raise InvalidInput("channel of another guild", message_key="error.not_found")
    me = interaction.guild.me
    missing = missing_posting_permissions(channel, me) if me is not None else []
    if not missing:
        return None
    return t("feed.channel_permissions", language, channel=channel.mention, permissions=_permission_names(missing))


def chunk_lines(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join lines into as few messages as fit Discord's limit (a single overlong line is cut)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line[:limit]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FeedCommands(commands.GroupCog, group_name="feed", group_description="Blog feeds whose new articles this server gets"):
    def __init__(self, bot: ReaderBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Subscribe to a blog feed: new articles are posted in a channel")
    @app_commands.describe(
        url="Address of the feed (RSS, Atom or JSON Feed), e.g. https://blog.example/feed.xml",
        channel="Text channel where new articles and their polls are posted",
        backfill=f"How many of the newest articles already in the feed to post now (0-{MAX_BACKFILL}, default 0)",
    )
    @manage_server_only()
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, MAX_FEED_URL_LENGTH],
        channel: discord.TextChannel,
        backfill: app_commands.Range[int, 0, MAX_BACKFILL] = 0,
    ) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        refusal = _channel_refusal(interaction, channel, language)
        if refusal is not None:
            await interaction.followup.send(refusal, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        result = await self.bot.feed_service.subscribe(
            guild_id=interaction.guild.id,
            channel_id=channel.id,
            url=url,
            backfill=backfill,
            created_by=interaction.user.id,
        )
        key = "feed.added_backfill" if result.backfill else "feed.added"
        await interaction.followup.send(
            t(key, language, title=escape(result.title), channel=channel.mention, count=result.entry_count, backfill=result.backfill),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        log.info("guild %s subscribed feed %s (%d entries, backfill %d)", interaction.guild.id, result.subscription_id, result.entry_count, result.backfill)
        if result.backfill:
            self.bot.wake_feeds()

    @app_commands.command(name="remove", description="Stop posting a feed's new articles in this server")
    @app_commands.describe(url="The feed to remove: start typing to choose one of this server's feeds")
    @manage_server_only()
    async def remove(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, MAX_FEED_URL_LENGTH]) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild_id is not None
        async with self.bot.database.session() as session:
            feed_url = await self._resolve(session, interaction.guild_id, url)
            subscription = await remove_subscription(session, interaction.guild_id, feed_url)
            title = subscription.title or subscription.feed_url
        await interaction.response.send_message(
            t("feed.removed", language, title=escape(title)), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @staticmethod
    async def _resolve(session: AsyncSession, guild_id: int, typed: str) -> str:
        """Autocomplete hands back the URL, or `#<id>` for URLs too long for a choice value."""
        text = typed.strip()
        if text.startswith(ID_PREFIX) and re.fullmatch(r"[0-9]{1,18}", text[1:]):  # typed, not chosen: a database-sized id only
            subscription = await find_subscription_by_id(session, guild_id, int(text[1:]))
            if subscription is not None:
                return subscription.feed_url
        return text

    @remove.autocomplete("url")
    async def remove_url_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        # Checks do not run for autocomplete: scope to this guild and to admins here.
        if interaction.guild_id is None or not has_manage_server(interaction):
            return []
        async with self.bot.database.session() as session:
            feeds = await feed_url_choices(session, interaction.guild_id, current)
        choices = []
        for subscription_id, feed_url in feeds:
            if len(feed_url) <= CHOICE_LIMIT:
                choices.append(app_commands.Choice(name=feed_url, value=feed_url))
            else:
                choices.append(app_commands.Choice(name=f"{feed_url[: CHOICE_LIMIT - 1]}…", value=f"{ID_PREFIX}{subscription_id}"))
        return choices

    @app_commands.command(name="move", description="Post a feed's articles in another channel from now on")
    @app_commands.describe(
        url="The feed to move: start typing to choose one of this server's feeds",
        channel="Text channel where the feed's articles and polls go from now on",
    )
    @manage_server_only()
    async def move(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, MAX_FEED_URL_LENGTH], channel: discord.TextChannel
    ) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild is not None
        refusal = _channel_refusal(interaction, channel, language)
        if refusal is not None:
            await interaction.response.send_message(refusal, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        async with self.bot.database.session() as session:
            feed_url = await self._resolve(session, interaction.guild.id, url)
            result = await move_subscription(session, interaction.guild.id, feed_url, channel.id)
        await interaction.response.send_message(
            t("feed.moved", language, title=escape(result.title), channel=channel.mention, count=result.moved),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        log.info("guild %s moved feed %s to channel %s (%d waiting articles)", interaction.guild.id, feed_url, channel.id, result.moved)
        self.bot.publisher.wake()
        if result.fixed is not None and result.fixed.notify:
            await self.bot.publisher.alerts.problem_fixed(result.fixed)

    @app_commands.command(name="resume", description="Try a paused or failing feed again now")
    @app_commands.describe(url="The feed to try again: start typing to choose one of this server's feeds")
    @manage_server_only()
    async def resume(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, MAX_FEED_URL_LENGTH]) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild_id is not None
        async with self.bot.database.session() as session:
            feed_url = await self._resolve(session, interaction.guild_id, url)
            subscription = await resume_subscription(session, interaction.guild_id, feed_url, utcnow())
            title = subscription.title or subscription.feed_url
        await interaction.response.send_message(
            t("feed.resumed", language, title=escape(title)), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        self.bot.publisher.retry_guild(interaction.guild_id)

    @move.autocomplete("url")
    async def move_url_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.remove_url_autocomplete(interaction, current)

    @resume.autocomplete("url")
    async def resume_url_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.remove_url_autocomplete(interaction, current)

    @app_commands.command(name="list", description="This server's feeds: channel, last fetch, errors and next fetch")
    @manage_server_only()
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild_id is not None
        async with self.bot.database.session() as session:
            subscriptions = await list_subscriptions(session, interaction.guild_id)
        if not subscriptions:
            await interaction.response.send_message(t("feed.list_empty", language), ephemeral=True)
            return
        lines = [t("feed.list_heading", language, count=len(subscriptions))]
        for subscription in subscriptions:
            title = escape(subscription.title or subscription.feed_url)
            lines.append(f"\n**{title}**\n<{subscription.feed_url}>")
            lines.append(
                t(
                    "feed.list_item",
                    language,
                    channel=f"<#{subscription.channel_id}>",
                    last_fetch=_when(subscription.feed.last_fetch_at, language),
                    next_run=_when(subscription.feed.next_due_at, language),
                )
            )
            if subscription.delivery_problem:
                since = _when(subscription.delivery_since, language)
                lines.append(
                    problem_text(
                        language,
                        subscription.delivery_problem,
                        feed=subscription.title or subscription.feed_url,
                        channel_id=subscription.channel_id,
                        detail=subscription.delivery_detail,
                        since=since,
                    )
                )
                state = t("delivery.since", language, since=since, attempts=subscription.delivery_attempts)
                if subscription.paused:
                    state = f"{t('delivery.paused', language)} · {state}"
                lines.append(state)
            elif subscription.feed.consecutive_failures:
                lines.append(
                    t(
                        "feed.list_failing",
                        language,
                        failures=subscription.feed.consecutive_failures,
                        error=escape(subscription.feed.last_error or "?"),
                    )
                )
        chunks = chunk_lines(lines)
        await interaction.response.send_message(chunks[0], ephemeral=True, allowed_mentions=NO_MENTIONS)
        for chunk in chunks[1:]:
            await interaction.followup.send(chunk, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FeedCommands(bot))  # type: ignore[arg-type]
