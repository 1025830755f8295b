"""A yes/no question on an ephemeral reply: two buttons that only the member who asked may press, once."""

from __future__ import annotations

import secrets

import discord

from bot.cogs.i18n import Language, language_for, t


class ConfirmView(discord.ui.View):
    """Confirm or cancel something a member asked for. Subclasses say what confirming and cancelling do; the custom
    ids carry a fresh nonce, so a button of an old reply never answers a new question."""

    def __init__(self, owner_id: int, language: Language, *, prefix: str, confirm_label: str, cancel_label: str,
                 timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.language = language
        nonce = secrets.token_hex(6)
        confirm = discord.ui.Button(label=confirm_label, style=discord.ButtonStyle.danger, custom_id=f"{prefix}:yes:{nonce}")
        cancel = discord.ui.Button(label=cancel_label, style=discord.ButtonStyle.secondary, custom_id=f"{prefix}:no:{nonce}")
        confirm.callback = self._confirm  # type: ignore[method-assign]
        cancel.callback = self._cancel  # type: ignore[method-assign]
        self.add_item(confirm)
        self.add_item(cancel)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(t("forget.not_yours", language_for(interaction.locale)), ephemeral=True)
            return False
        return True

    async def _confirm(self, interaction: discord.Interaction) -> None:
        self.stop()
        await self.confirmed(interaction)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await self.cancelled(interaction)

    async def confirmed(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def cancelled(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError
