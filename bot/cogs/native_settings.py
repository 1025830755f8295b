"""/config set style:native: naming the feed channels where the bot may not send polls (Discord's own polls need
the Send Polls permission)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.cogs.i18n import Language, t
from bot.storage.feeds import list_subscriptions

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot


async def send_polls_missing(bot: ReaderBot, guild: discord.Guild | None, language: Language) -> str:
    """A line naming the feed channels where the bot may not send polls (native polls need Send Polls), or ""."""
    if guild is None or guild.me is None:
        return ""
    async with bot.database.session() as session:
        channel_ids = {subscription.channel_id for subscription in await list_subscriptions(session, guild.id)}
    lacking = [channel for channel_id in sorted(channel_ids) if (channel := guild.get_channel(channel_id)) is not None
               and not channel.permissions_for(guild.me).send_polls]
    if not lacking:
        return ""
    return "\n" + t("config.native_send_polls", language, channels=", ".join(c.mention for c in lacking))
