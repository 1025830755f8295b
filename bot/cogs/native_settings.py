"""/config set style:native: confirming the switch while votes are anonymous, and naming channels where the bot
may not send polls (Discord's own polls need the Send Polls permission)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import discord

from bot.cogs.errors import NO_MENTIONS
from bot.cogs.i18n import Language, language_for, t
from bot.storage.feeds import list_subscriptions
from bot.storage.settings import update_guild_settings

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot

NATIVE_CONFIRM_SECONDS = 600.0


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


class NativeStyleConfirm(discord.ui.View):
    """Confirm switching an anonymous guild to native polls; only the admin who asked can press, once."""

    def __init__(self, bot: ReaderBot, admin_id: int, language: Language) -> None:
        super().__init__(timeout=NATIVE_CONFIRM_SECONDS)
        self.bot = bot
        self.admin_id = admin_id
        self.language = language
        nonce = secrets.token_hex(6)
        confirm = discord.ui.Button(label=t("config.native_confirm_button", language), style=discord.ButtonStyle.danger,
                                    custom_id=f"config-native:yes:{nonce}")
        cancel = discord.ui.Button(label=t("config.native_cancel_button", language),
                                   style=discord.ButtonStyle.secondary, custom_id=f"config-native:no:{nonce}")
        confirm.callback = self._confirm  # type: ignore[method-assign]
        cancel.callback = self._cancel  # type: ignore[method-assign]
        self.add_item(confirm)
        self.add_item(cancel)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.admin_id:
            await interaction.response.send_message(t("forget.not_yours", language_for(interaction.locale)), ephemeral=True)
            return False
        return True

    async def _confirm(self, interaction: discord.Interaction) -> None:
        self.stop()
        assert interaction.guild_id is not None
        async with self.bot.database.session() as session:
            await update_guild_settings(session, interaction.guild_id, poll_style="native")
        text = t("config.native_confirmed", self.language) + await send_polls_missing(self.bot, interaction.guild,
                                                                                        self.language)
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NO_MENTIONS)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content=t("config.native_cancelled", self.language), view=None)
