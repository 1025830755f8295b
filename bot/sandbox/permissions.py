"""Discord's permission bits and the way Discord combines roles and channel overwrites.

The sandbox answers 403 exactly where Discord would, so a bot that forgets a permission fails here first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.sandbox.state import Channel, Guild, Member

PERMISSION_BITS: dict[str, int] = {
    "create_instant_invite": 1 << 0,
    "kick_members": 1 << 1,
    "ban_members": 1 << 2,
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "add_reactions": 1 << 6,
    "view_audit_log": 1 << 7,
    "priority_speaker": 1 << 8,
    "stream": 1 << 9,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "send_tts_messages": 1 << 12,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18,
    "view_guild_insights": 1 << 19,
    "connect": 1 << 20,
    "speak": 1 << 21,
    "mute_members": 1 << 22,
    "deafen_members": 1 << 23,
    "move_members": 1 << 24,
    "use_vad": 1 << 25,
    "change_nickname": 1 << 26,
    "manage_nicknames": 1 << 27,
    "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29,
    "manage_expressions": 1 << 30,
    "use_application_commands": 1 << 31,
    "request_to_speak": 1 << 32,
    "manage_events": 1 << 33,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "create_private_threads": 1 << 36,
    "use_external_stickers": 1 << 37,
    "send_messages_in_threads": 1 << 38,
    "use_embedded_activities": 1 << 39,
    "moderate_members": 1 << 40,
    "view_creator_monetization_analytics": 1 << 41,
    "use_soundboard": 1 << 42,
    "create_expressions": 1 << 43,
    "create_events": 1 << 44,
    "use_external_sounds": 1 << 45,
    "send_voice_messages": 1 << 46,
    "send_polls": 1 << 49,
    "use_external_apps": 1 << 50,
    "pin_messages": 1 << 51,
}

ALL_PERMISSIONS = 0
for _bit in PERMISSION_BITS.values():
    ALL_PERMISSIONS |= _bit

ADMINISTRATOR = PERMISSION_BITS["administrator"]
VIEW_CHANNEL = PERMISSION_BITS["view_channel"]
SEND_MESSAGES = PERMISSION_BITS["send_messages"]
SEND_MESSAGES_IN_THREADS = PERMISSION_BITS["send_messages_in_threads"]
EMBED_LINKS = PERMISSION_BITS["embed_links"]
ATTACH_FILES = PERMISSION_BITS["attach_files"]
READ_MESSAGE_HISTORY = PERMISSION_BITS["read_message_history"]
CREATE_PUBLIC_THREADS = PERMISSION_BITS["create_public_threads"]
CREATE_PRIVATE_THREADS = PERMISSION_BITS["create_private_threads"]
MANAGE_MESSAGES = PERMISSION_BITS["manage_messages"]
MANAGE_THREADS = PERMISSION_BITS["manage_threads"]
MANAGE_GUILD = PERMISSION_BITS["manage_guild"]
MENTION_EVERYONE = PERMISSION_BITS["mention_everyone"]
SEND_POLLS = PERMISSION_BITS["send_polls"]


def permission_value(permissions: int | str | Iterable[str] | None) -> int:
    """An int from an int, a decimal string, or permission names such as ("send_messages", "embed_links")."""
    if permissions is None:
        return 0
    if isinstance(permissions, bool):
        raise TypeError("permissions must be an int, a decimal string or permission names")
    if isinstance(permissions, int):
        return permissions
    if isinstance(permissions, str):
        if permissions.isdigit():
            return int(permissions)
        permissions = [permissions]
    value = 0
    for name in permissions:
        try:
            value |= PERMISSION_BITS[name]
        except KeyError:
            raise ValueError(f"unknown permission name {name!r}") from None
    return value


def permission_names(value: int) -> list[str]:
    return [name for name, bit in PERMISSION_BITS.items() if value & bit]


# What Discord gives @everyone in a new server (without mention_everyone, which servers usually remove).
DEFAULT_EVERYONE_PERMISSIONS = permission_value(
    [
        "create_instant_invite",
        "add_reactions",
        "stream",
        "view_channel",
        "send_messages",
        "embed_links",
        "attach_files",
        "read_message_history",
        "use_external_emojis",
        "connect",
        "speak",
        "use_vad",
        "change_nickname",
        "use_application_commands",
        "create_public_threads",
        "create_private_threads",
        "use_external_stickers",
        "send_messages_in_threads",
        "use_embedded_activities",
        "send_voice_messages",
        "send_polls",
        "use_external_apps",
    ]
)

# The permissions reader-bot's invite link asks for.
DEFAULT_BOT_PERMISSIONS = permission_value(
    [
        "view_channel",
        "send_messages",
        "embed_links",
        "attach_files",
        "read_message_history",
        "create_public_threads",
        "send_messages_in_threads",
        "use_application_commands",
        "add_reactions",
    ]
)


def base_permissions(guild: Guild, member: Member) -> int:
    """Guild-wide permissions: @everyone plus every role of the member; owner and administrator get all."""
    if member.user.id == guild.owner_id:
        return ALL_PERMISSIONS
    roles = guild.roles
    value = roles[guild.id].permissions
    for role_id in member.role_ids:
        role = roles.get(role_id)
        if role is not None:
            value |= role.permissions
    if value & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return value


def apply_overwrites(value: int, member: Member, guild: Guild, overwrites: Mapping[int, tuple[int, int, int]]) -> int:
    """Discord's order: @everyone overwrite, then all role overwrites together, then the member's own."""
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        value = (value & ~everyone[2]) | everyone[1]
    allow = deny = 0
    for role_id in member.role_ids:
        overwrite = overwrites.get(role_id)
        if overwrite is not None and overwrite[0] == 0:
            allow |= overwrite[1]
            deny |= overwrite[2]
    value = (value & ~deny) | allow
    own = overwrites.get(member.user.id)
    if own is not None and own[0] == 1:
        value = (value & ~own[2]) | own[1]
    return value


def channel_permissions(guild: Guild, member: Member, channel: Channel | None) -> int:
    """Permissions of a member in a channel (threads inherit their parent's overwrites)."""
    value = base_permissions(guild, member)
    if value & ADMINISTRATOR or channel is None:
        return value
    source = channel.parent if channel.is_thread and channel.parent is not None else channel
    value = apply_overwrites(value, member, guild, source.overwrites)
    if not value & VIEW_CHANNEL:
        return 0
    if not channel.is_thread and not value & SEND_MESSAGES:
        # Discord: without "send messages" in a text channel the related send permissions are implicitly denied.
        value &= ~(MENTION_EVERYONE | EMBED_LINKS | ATTACH_FILES | SEND_MESSAGES_IN_THREADS | SEND_POLLS)
    return value


def send_permission(channel: Channel) -> int:
    """The bit that allows posting in this channel: threads use "send messages in threads"."""
    return SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
