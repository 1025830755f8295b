"""Permission checks the bot makes itself, server-side.

Discord's `default_member_permissions` only hides commands in the client; it can be changed by server admins
per command and does not protect against crafted interactions. Every admin command and action therefore
checks the permissions Discord computed for the member in this channel (`interaction.permissions`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


class MissingManageServer(app_commands.CheckFailure):
    """The member lacks Manage Server (or Administrator)."""


def has_manage_server(interaction: discord.Interaction) -> bool:
    """True for members with Manage Server or Administrator in a guild; False in DMs."""
    if interaction.guild_id is None:
        return False
    permissions = interaction.permissions
    return bool(permissions.administrator or permissions.manage_guild)


def message_has_component(message: discord.Message | None, custom_id: str) -> bool:
    """Whether the message clicked carries this custom id: anything else in a click is the client's word."""
    for row in (message.components if message is not None else ()):
        for child in getattr(row, "children", ()):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False


def ensure_manage_server(interaction: discord.Interaction) -> None:
    """Raise the check failure the error handler turns into a polite refusal (for buttons and menus too)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not has_manage_server(interaction):
        raise MissingManageServer("Manage Server is required")


def manage_server_only() -> Callable[[T], T]:
    """Decorator for admin slash commands: refused (ephemeral) unless the member has Manage Server."""

    def predicate(interaction: discord.Interaction) -> bool:
        ensure_manage_server(interaction)
        return True

    return app_commands.check(predicate)


POSTING_PERMISSIONS = (
    "view_channel",
    "send_messages",
    "embed_links",
    "read_message_history",
    "create_public_threads",
    "send_messages_in_threads",
)


def missing_posting_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    """Which of the permissions posting needs the bot lacks in `channel` (names as discord.py spells them)."""
    permissions = channel.permissions_for(me)
    return [name for name in POSTING_PERMISSIONS if not getattr(permissions, name)]


def is_editor(interaction: discord.Interaction, editor_role_id: int | None) -> bool:
    """Editors decide on polls (issue 13): Manage Server (or Administrator), or the guild's editor role. Checked
    from what Discord sent with this interaction, in this guild only."""
    if has_manage_server(interaction):
        return True
    member = interaction.user
    if editor_role_id is None or not isinstance(member, discord.Member) or member.guild.id != interaction.guild_id:
        return False
    return any(role.id == editor_role_id for role in member.roles)
