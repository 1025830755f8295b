"""What the sandbox's Discord holds: users, guilds, roles, members, channels, threads, and the index of them all.

Messages live in bot.sandbox.message_state, bot accounts and application commands in bot.sandbox.bot_accounts.

Objects serialise themselves to the JSON shapes Discord's API v10 uses (the shapes discord.py parses).
Serialised dicts are cached and dropped on change, because button clicks send the same message and member
payloads hundreds of times a second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.bot_accounts import BotAccount
    from bot.sandbox.message_state import Message

DISCORD_EPOCH_MS = 1420070400000

TEXT_CHANNEL = 0
DM_CHANNEL = 1
CATEGORY_CHANNEL = 4
ANNOUNCEMENT_THREAD = 10
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})


class SnowflakeGenerator:
    """Discord-shaped ids: milliseconds since 2015 in the high bits, so discord.py's snowflake_time works."""

    def __init__(self, worker: int = 1) -> None:
        self._worker = (worker & 0x1F) << 17
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            candidate = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | self._worker
            if candidate <= self._last:
                candidate = self._last + 1
            self._last = candidate
            return candidate

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """An id that Discord's `(id >> 22) % shard_count` puts on `shard_id`: the next millisecond that does."""
        with self._lock:
            now = int(time.time() * 1000) - DISCORD_EPOCH_MS
            millisecond = max(now, (self._last >> 22) + 1)
            millisecond += (shard_id - millisecond) % shard_count
            candidate = (millisecond << 22) | self._worker
            self._last = candidate
            return candidate


def iso_timestamp(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="microseconds")


def snowflake_time(snowflake: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, dt.timezone.utc)


class User:
    """A Discord account: a member of the simulated community, or a bot."""

    __slots__ = ("id", "username", "global_name", "bot", "locale", "accepts_dms", "_dict")

    def __init__(self, id: int, username: str, *, global_name: str | None = None, bot: bool = False,
                 locale: str = "en-US", accepts_dms: bool = True) -> None:
        self.id = id
        self.username = username
        self.global_name = global_name
        self.bot = bot
        self.locale = locale
        self.accepts_dms = accepts_dms
        self._dict: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.global_name or self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = {
                "id": str(self.id),
                "username": self.username,
                "discriminator": "0",
                "global_name": self.global_name,
                "avatar": None,
                "bot": self.bot,
                "system": False,
                "public_flags": 0,
                "flags": 0,
                "banner": None,
                "accent_color": None,
                "avatar_decoration_data": None,
                "primary_guild": None,
                "collectibles": None,
            }
        return self._dict

    def __repr__(self) -> str:
        return f"<User id={self.id} username={self.username!r}{' bot' if self.bot else ''}>"


class Role:
    __slots__ = ("id", "guild_id", "name", "permissions", "position", "color", "hoist", "managed",
                 "mentionable", "bot_id", "_dict")

    def __init__(self, id: int, guild_id: int, name: str, permissions: int, position: int, *, color: int = 0,
                 hoist: bool = False, managed: bool = False, mentionable: bool = False,
                 bot_id: int | None = None) -> None:
        self.id = id
        self.guild_id = guild_id
        self.name = name
        self.permissions = permissions
        self.position = position
        self.color = color
        self.hoist = hoist
        self.managed = managed
        self.mentionable = mentionable
        self.bot_id = bot_id
        self._dict: dict[str, Any] | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def changed(self) -> None:
        self._dict = None

    def to_dict(self) -> dict[str, Any]:
        if self._dict is None:
            data: dict[str, Any] = {
                "id": str(self.id),
                "name": self.name,
                "color": self.color,
                "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
                "hoist": self.hoist,
                "icon": None,
                "unicode_emoji": None,
                "position": self.position,
                "permissions": str(self.permissions),
                "managed": self.managed,
                "mentionable": self.mentionable,
                "flags": 0,
            }
            if self.bot_id is not None:
                data["tags"] = {"bot_id": str(self.bot_id)}
            self._dict = data
        return self._dict

    def __repr__(self) -> str:
        return f"<Role id={self.id} name={self.name!r} permissions={self.permissions}>"


class Member:
    """A user's membership in one guild: roles, nickname, and the locale their Discord client reports."""

    __slots__ = ("guild", "user", "role_ids", "nick", "joined_at", "locale", "_dict", "_json")

    def __init__(self, guild: Guild, user: User, role_ids: list[int], *, nick: str | None = None,
                 locale: str | None = None) -> None:
        self.guild = guild
        self.user = user
        self.role_ids = role_ids
        self.nick = nick
        self.joined_at = iso_timestamp()
        self.locale = locale or user.locale
        self._dict: dict[str, Any] | None = None
        self._json: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.nick or self.user.name

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    def changed(self) -> None:
        self._dict = None
        self._json = None

    def to_json(self) -> str:
        if self._json is None:
            from bot.sandbox.gateway import dumps

            self._json = dumps(self.to_dict())
        return self._json

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        """The member object (with "user"), as in GUILD_CREATE and GET /guilds/{id}/members/{id}."""
        if self._dict is None:
            self._dict = {
                "user": self.user.to_dict(),
                "roles": [str(role_id) for role_id in self.role_ids],
                "nick": self.nick,
                "avatar": None,
                "banner": None,
                "joined_at": self.joined_at,
                "premium_since": None,
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "communication_disabled_until": None,
            }
        if with_user:
            return self._dict
        return {key: value for key, value in self._dict.items() if key != "user"}

    def __repr__(self) -> str:
        return f"<Member id={self.user.id} name={self.name!r} guild={self.guild.id}>"


class Guild:
    __slots__ = ("id", "name", "owner_id", "locale", "roles", "members", "channels", "features", "_role_position")

    def __init__(self, id: int, name: str, *, locale: str = "en-US") -> None:
        self.id = id
        self.name = name
        self.owner_id = 0
        self.locale = locale
        self.roles: dict[int, Role] = {}
        self.members: dict[int, Member] = {}
        self.channels: dict[int, Channel] = {}  # text channels, categories and threads
        self.features: list[str] = []
        self._role_position = 0

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def next_role_position(self) -> int:
        self._role_position += 1
        return self._role_position

    def partial_dict(self) -> dict[str, Any]:
        return {"id": str(self.id), "locale": self.locale, "features": self.features}

    def to_dict(self, *, members: bool = True) -> dict[str, Any]:
        """The GUILD_CREATE payload: channels, active threads, roles and members (member_count == len(members))."""
        channels = [c.to_dict() for c in self.channels.values() if not c.is_thread]
        threads = [c.to_dict() for c in self.channels.values() if c.is_thread and not c.archived]
        member_list = [m.to_dict() for m in self.members.values()] if members else []
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": self.features,
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": iso_timestamp(),
            "large": len(self.members) >= 250,
            "unavailable": False,
            "member_count": len(member_list) if members else len(self.members),
            "voice_states": [],
            "members": member_list,
            "channels": channels,
            "threads": threads,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }

    def __repr__(self) -> str:
        return f"<Guild id={self.id} name={self.name!r}>"


class Channel:
    """A text channel, a category, a thread or a DM channel. Messages are kept in id order."""

    def __init__(self, id: int, type: int, *, guild: Guild | None = None, name: str | None = None,
                 parent: Channel | None = None, topic: str | None = None, position: int = 0) -> None:
        self.id = id
        self.type = type
        self.guild = guild
        self.name = name
        self.parent = parent
        self.topic = topic
        self.position = position
        self.nsfw = False
        self.rate_limit_per_user = 0
        # overwrite target id -> (type 0 role / 1 member, allow, deny)
        self.overwrites: dict[int, tuple[int, int, int]] = {}
        self.message_ids: list[int] = []
        self.last_message_id: int | None = None
        self.recipients: list[User] = []
        # Threads
        self.owner_id: int | None = None
        self.thread_member_ids: set[int] = set()
        self.message_count = 0
        self.total_message_sent = 0
        self.archived = False
        self.locked = False
        self.auto_archive_duration = 1440
        self.invitable = True
        self.created_at = iso_timestamp()
        self.archive_timestamp = self.created_at
        self.starter_message_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def guild_id(self) -> int | None:
        return self.guild.id if self.guild is not None else None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def add_message(self, message_id: int) -> None:
        ids = self.message_ids
        if not ids or message_id > ids[-1]:
            ids.append(message_id)
        else:
            ids.insert(bisect_left(ids, message_id), message_id)
        self.last_message_id = ids[-1]

    def remove_message(self, message_id: int) -> None:
        index = bisect_left(self.message_ids, message_id)
        if index < len(self.message_ids) and self.message_ids[index] == message_id:
            del self.message_ids[index]

    def history_ids(self, *, limit: int, before: int | None = None, after: int | None = None,
                    around: int | None = None) -> list[int]:
        """Message ids as GET /channels/{id}/messages returns them: newest first."""
        ids = self.message_ids
        if around is not None:
            index = bisect_left(ids, around)
            half = limit // 2
            start = max(0, index - half)
            chosen = ids[start:start + limit]
        elif after is not None:
            start = bisect_right(ids, after)
            chosen = ids[start:start + limit]
        else:
            end = bisect_left(ids, before) if before is not None else len(ids)
            chosen = ids[max(0, end - limit):end]
        return list(reversed(chosen))

    def thread_metadata(self) -> dict[str, Any]:
        return {
            "archived": self.archived,
            "auto_archive_duration": self.auto_archive_duration,
            "archive_timestamp": self.archive_timestamp,
            "locked": self.locked,
            "invitable": self.invitable,
            "create_timestamp": self.created_at,
        }

    def to_dict(self, *, for_user_id: int | None = None) -> dict[str, Any]:
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type == DM_CHANNEL:
            return {"id": str(self.id), "type": DM_CHANNEL, "last_message_id": last, "flags": 0,
                    "recipients": [u.to_dict() for u in self.recipients]}
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "last_message_id": last,
            "rate_limit_per_user": self.rate_limit_per_user,
            "flags": 0,
        }
        if self.is_thread:
            assert self.parent is not None
            data.update(
                parent_id=str(self.parent.id),
                owner_id=str(self.owner_id),
                message_count=self.message_count,
                member_count=min(len(self.thread_member_ids), 50),
                total_message_sent=self.total_message_sent,
                thread_metadata=self.thread_metadata(),
                applied_tags=[],
            )
            if for_user_id is not None and for_user_id in self.thread_member_ids:
                data["member"] = {"id": str(self.id), "user_id": str(for_user_id), "join_timestamp": self.created_at,
                                  "flags": 0}
        else:
            data.update(
                position=self.position,
                permission_overwrites=[
                    {"id": str(target), "type": kind, "allow": str(allow), "deny": str(deny)}
                    for target, (kind, allow, deny) in self.overwrites.items()
                ],
                parent_id=str(self.parent.id) if self.parent is not None else None,
                topic=self.topic,
                nsfw=self.nsfw,
                default_auto_archive_duration=1440,
                default_thread_rate_limit_per_user=0,
            )
        return data

    def __repr__(self) -> str:
        return f"<Channel id={self.id} type={self.type} name={self.name!r}>"


@dataclass
class RecordedRequest:
    """One REST request the bot made, as the sandbox answered it."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    time: float  # time.monotonic() when it was handled (its body read), as the rate limits count it
    status: int = 0
    bucket: str | None = None
    authorized_bot_id: int | None = None
    fault: bool = False
    error: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class IdentifyRecord:
    """An IDENTIFY the sandbox accepted (or refused), so tests can check the intents a bot asks for."""

    bot_id: int | None
    intents: int
    shard: list[int] | None
    time: float
    accepted: bool
    close_code: int | None = None


_counter = itertools.count(1)


def unique_name(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


@dataclass
class StateIndex:
    """Everything the sandbox knows, with the lookups the hot paths need."""

    snowflakes: SnowflakeGenerator = field(default_factory=SnowflakeGenerator)
    users: dict[int, User] = field(default_factory=dict)
    bots_by_token: dict[str, BotAccount] = field(default_factory=dict)
    bots_by_id: dict[int, BotAccount] = field(default_factory=dict)
    bots_by_application: dict[int, BotAccount] = field(default_factory=dict)
    guilds: dict[int, Guild] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    dm_channels: dict[tuple[int, int], Channel] = field(default_factory=dict)
    # (author id, nonce) -> (message id, monotonic time), for enforce_nonce idempotency
    nonces: dict[tuple[int, str], tuple[int, float]] = field(default_factory=dict)

    def next_id(self) -> int:
        return self.snowflakes.next()


class SandboxUsageError(Exception):
    """The test asked for something a member's Discord client could not do (pass crafted=True to force it)."""
