"""Building the sandbox's world (bots, guilds, channels, roles, members), permissions, gateway events."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bot.sandbox import permissions as perms
from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.gateway import (
    INTENT_GUILD_MEMBERS,
    INTENT_GUILDS,
    GatewaySession,
)
from bot.sandbox.state import CATEGORY_CHANNEL, TEXT_CHANNEL, Channel, Guild, Member, Role, SandboxUsageError, User


class WorldMixin:
    """Part of `Sandbox`: the world a test sets up before the bot connects."""

    # -- building the world -----------------------------------------------------------------------------------

    def add_bot_user(self, token: str | None = None, *, name: str = "reader-bot",
                     privileged_intents: int = 0) -> BotAccount:
        """A bot account with its application; it joins every guild (existing and future).

        `privileged_intents` are the ones enabled "in the developer portal" (GUILD_MEMBERS 1<<1, PRESENCES 1<<8,
        MESSAGE_CONTENT 1<<15); asking for others at IDENTIFY closes the gateway with 4014, as on Discord.
        """
        state = self.state
        token = token or f"sandbox.{secrets.token_urlsafe(24)}"
        if token in state.bots_by_token:
            raise ValueError("a bot with this token exists already")
        user = User(state.next_id(), name, bot=True)
        bot = BotAccount(user, token, state.next_id(), application_name=name, privileged_intents=privileged_intents)
        state.users[user.id] = user
        state.bots_by_token[token] = bot
        state.bots_by_id[user.id] = bot
        state.bots_by_application[bot.application_id] = bot
        for guild in state.guilds.values():
            self._join_bot(guild, bot, perms.DEFAULT_BOT_PERMISSIONS)
        return bot

    def add_guild(self, name: str = "Sandbox Guild", *, locale: str = "en-US",
                  everyone_permissions: int | Iterable[str] = perms.DEFAULT_EVERYONE_PERMISSIONS,
                  bot_permissions: int | Iterable[str] = perms.DEFAULT_BOT_PERMISSIONS,
                  owner: User | None = None, shard: tuple[int, int] | None = None) -> Guild:
        """A guild with @everyone, an owner member, and every bot as a member with a managed role.

        `shard=(shard_id, shard_count)` gives the guild an id that Discord's sharding formula puts on that shard.
        """
        state = self.state
        guild_id = state.snowflakes.next_on_shard(*shard) if shard else state.next_id()
        guild = Guild(guild_id, name, locale=locale)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", perms.permission_value(everyone_permissions), 0)
        if owner is None:
            owner = User(state.next_id(), f"owner-of-{name.lower().replace(' ', '-')}"[:32])
            state.users[owner.id] = owner
        guild.owner_id = owner.id
        guild.members[owner.id] = Member(guild, owner, [])
        state.guilds[guild.id] = guild
        for bot in state.bots_by_id.values():
            self._join_bot(guild, bot, perms.permission_value(bot_permissions), announce=False)
        self._dispatch_guild_event(guild, "GUILD_CREATE", None, transform=lambda s: guild.to_dict())
        self._changed()
        return guild

    def _join_bot(self, guild: Guild, bot: BotAccount, permissions: int, *, announce: bool = True) -> None:
        role = Role(self.state.next_id(), guild.id, bot.user.username, permissions, guild.next_role_position(),
                    managed=True, bot_id=bot.id)
        guild.roles[role.id] = role
        guild.members[bot.id] = Member(guild, bot.user, [role.id])
        if announce:
            self.hub.dispatch(bot.id, "GUILD_CREATE", guild.to_dict(), guild_id=guild.id)

    def bot_role(self, guild: Guild, bot: BotAccount | None = None) -> Role:
        """The managed role Discord gives a bot in a guild (its invite permissions)."""
        bot = bot or self.default_bot()
        for role in guild.roles.values():
            if role.bot_id == bot.id:
                return role
        raise KeyError("the bot has no role in this guild")

    def bot_member(self, guild: Guild, bot: BotAccount | None = None) -> Member:
        bot = bot or self.default_bot()
        return guild.members[bot.id]

    def add_channel(self, guild: Guild, name: str = "general", *, topic: str | None = None,
                    overwrites: Mapping[Role | Member | User | int, tuple[Any, Any]] | None = None,
                    category: Channel | None = None, kind: str = "text") -> Channel:
        """A text channel (or kind="category"); overwrites map a role or member to (allow, deny) permissions."""
        channel_type = {"text": TEXT_CHANNEL, "category": CATEGORY_CHANNEL}[kind]
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        channel = Channel(self.state.next_id(), channel_type, guild=guild, name=name, topic=topic,
                          parent=category, position=position)
        for target, (allow, deny) in (overwrites or {}).items():
            self._set_overwrite(channel, target, allow, deny)
        guild.channels[channel.id] = channel
        self.state.channels[channel.id] = channel
        self._dispatch_guild_event(guild, "CHANNEL_CREATE", channel.to_dict())
        self._changed()
        return channel

    def set_overwrite(self, channel: Channel, target: Role | Member | User | int, allow: Any = 0,
                      deny: Any = 0) -> None:
        self._set_overwrite(channel, target, allow, deny)
        if channel.guild is not None:
            self._dispatch_guild_event(channel.guild, "CHANNEL_UPDATE", channel.to_dict())

    def _set_overwrite(self, channel: Channel, target: Role | Member | User | int, allow: Any, deny: Any) -> None:
        if isinstance(target, Role):
            kind, target_id = 0, target.id
        elif isinstance(target, (Member, User)):
            kind, target_id = 1, target.id
        else:
            target_id = int(target)
            kind = 0 if channel.guild is not None and target_id in channel.guild.roles else 1
        channel.overwrites[target_id] = (kind, perms.permission_value(allow), perms.permission_value(deny))

    def add_role(self, guild: Guild, name: str, permissions: int | Iterable[str] = 0, *, mentionable: bool = False,
                 color: int = 0, hoist: bool = False) -> Role:
        role = Role(self.state.next_id(), guild.id, name, perms.permission_value(permissions),
                    guild.next_role_position(), color=color, hoist=hoist, mentionable=mentionable)
        guild.roles[role.id] = role
        self._dispatch_guild_event(guild, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_dict()})
        self._changed()
        return role

    def set_role_permissions(self, role: Role, permissions: int | Iterable[str]) -> None:
        role.permissions = perms.permission_value(permissions)
        role.changed()
        guild = self.state.guilds[role.guild_id]
        self._dispatch_guild_event(guild, "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.to_dict()})

    def add_member(self, guild: Guild, name: str | None = None, *, roles: Sequence[Role] = (),
                   locale: str = "en-US", user: User | None = None, nick: str | None = None,
                   accepts_dms: bool = True) -> Member:
        """A member of the community; pass `user` to put an existing user into a second guild."""
        state = self.state
        if user is None:
            user = User(state.next_id(), name or f"member{len(state.users)}", locale=locale, accepts_dms=accepts_dms)
            state.users[user.id] = user
        if user.id in guild.members:
            raise ValueError(f"{user!r} is already a member of {guild!r}")
        member = Member(guild, user, [r.id for r in roles], nick=nick, locale=locale)
        guild.members[user.id] = member
        payload = dict(member.to_dict(), guild_id=str(guild.id))
        self._dispatch_guild_event(guild, "GUILD_MEMBER_ADD", payload, intent=INTENT_GUILD_MEMBERS)
        self._changed()
        return member

    def add_members(self, guild: Guild, count: int, *, prefix: str = "reader", roles: Sequence[Role] = (),
                    locales: Sequence[str] = ("en-US",)) -> list[Member]:
        """Many members at once (a simulated community), locales taken in turn."""
        return [self.add_member(guild, f"{prefix}{index + 1}", roles=roles, locale=locales[index % len(locales)])
                for index in range(count)]

    def set_member_roles(self, member: Member, roles: Sequence[Role]) -> None:
        member.role_ids = [r.id for r in roles]
        member.changed()
        guild = member.guild
        payload = dict(member.to_dict(), guild_id=str(guild.id))
        self._dispatch_guild_event(guild, "GUILD_MEMBER_UPDATE", payload, intent=INTENT_GUILD_MEMBERS)

    def delete_channel(self, channel: Channel) -> None:
        """An admin deletes a text channel: it and its threads are gone (REST answers 404 10003 Unknown Channel);
        the bots get CHANNEL_DELETE with the channel object, as Discord sends it."""
        guild = channel.guild
        if guild is None or channel.is_thread:
            raise SandboxUsageError("delete_channel takes a guild's text channel; use delete_thread for threads")
        data = channel.to_dict()
        for other in list(guild.channels.values()):
            if other is channel or (other.is_thread and other.parent is channel):
                guild.channels.pop(other.id, None)
                self.state.channels.pop(other.id, None)
        self._dispatch_guild_event(guild, "CHANNEL_DELETE", data)
        self._changed()

    def remove_bot_from_guild(self, guild: Guild, bot: BotAccount | None = None) -> None:
        """The guild removes (kicks) the bot: it loses its member and managed role, its requests there get 403
        50001 Missing Access, and it gets GUILD_DELETE with an unavailable guild object *without* the
        `unavailable` field, which is how Discord tells a removal from an outage."""
        bot = bot or self.default_bot()
        if bot.id not in guild.members:
            raise SandboxUsageError(f"{bot.user!r} is not in {guild!r}")
        del guild.members[bot.id]
        for role_id in [role.id for role in guild.roles.values() if role.bot_id == bot.id]:
            del guild.roles[role_id]
        self.hub.dispatch(bot.id, "GUILD_DELETE", {"id": str(guild.id)}, guild_id=guild.id)
        self._changed()

    def add_bot_to_guild(self, guild: Guild, bot: BotAccount | None = None,
                         permissions: int | Iterable[str] = perms.DEFAULT_BOT_PERMISSIONS) -> None:
        """Invite the bot (again): a new managed role, and GUILD_CREATE to the bot (discord.py: on_guild_join)."""
        bot = bot or self.default_bot()
        if bot.id in guild.members:
            raise SandboxUsageError(f"{bot.user!r} is already in {guild!r}")
        self._join_bot(guild, bot, perms.permission_value(permissions), announce=False)
        # A join's GUILD_CREATE has no `unavailable` field (with `unavailable: false` it would mean "back from an
        # outage"; discord.py tells the two apart exactly so).
        data = {key: value for key, value in guild.to_dict().items() if key != "unavailable"}
        self.hub.dispatch(bot.id, "GUILD_CREATE", data, guild_id=guild.id)
        self._changed()

    def guild_outage(self, guild: Guild, *, over: bool = False) -> None:
        """A Discord outage for the guild: GUILD_DELETE with `unavailable: true` (the bot stays a member); with
        `over=True` the guild comes back with GUILD_CREATE."""
        if over:
            self._dispatch_guild_event(guild, "GUILD_CREATE", None, transform=lambda s: guild.to_dict())
        else:
            self._dispatch_guild_event(guild, "GUILD_DELETE", {"id": str(guild.id), "unavailable": True})
        self._changed()

    def default_bot(self) -> BotAccount:
        bots = self.state.bots_by_id
        if not bots:
            raise SandboxUsageError("add a bot first: sandbox.add_bot_user(token)")
        return next(iter(bots.values()))

    # -- permissions -------------------------------------------------------------------------------------------

    def permissions_of(self, member: Member, channel: Channel | None = None) -> int:
        return perms.channel_permissions(member.guild, member, channel)

    def bot_permissions(self, channel: Channel, bot: BotAccount | None = None) -> int:
        bot = bot or self.default_bot()
        assert channel.guild is not None
        return perms.channel_permissions(channel.guild, channel.guild.members[bot.id], channel)

    # -- events ------------------------------------------------------------------------------------------------

    def _bots_in(self, guild: Guild) -> list[BotAccount]:
        bots = self.state.bots_by_id
        if len(bots) == 1:
            bot = next(iter(bots.values()))
            return [bot] if bot.id in guild.members else []
        return [bot for bot_id, bot in bots.items() if bot_id in guild.members]

    def _dispatch_guild_event(self, guild: Guild, event: str, data: Any, *, intent: int = INTENT_GUILDS,
                              transform: Callable[[GatewaySession], Any] | None = None) -> None:
        for bot in self._bots_in(guild):
            self.hub.dispatch(bot.id, event, data, guild_id=guild.id, intent=intent, transform=transform)

    def _ready_events(self, session: GatewaySession) -> list[tuple[str, Any]]:
        bot = session.bot
        guilds = [g for g in self.state.guilds.values() if bot.id in g.members and session.wants_guild(g.id)]
        ready = {
            "v": 10,
            "user": dict(bot.user.to_dict(), verified=True, mfa_enabled=False, email=None, locale="en-US",
                         premium_type=0),
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.hub.gateway_url,
            "application": {"id": str(bot.application_id), "flags": bot.application_flags()},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "auth_session_id_hash": "",
            "_trace": ["reader-bot-sandbox"],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        events: list[tuple[str, Any]] = [("READY", ready)]
        for guild in guilds:
            data = guild.to_dict()
            data["threads"] = [t.to_dict(for_user_id=bot.id) for t in guild.channels.values()
                               if t.is_thread and not t.archived]
            events.append(("GUILD_CREATE", data))
        return events

    def _member_chunks(self, session: GatewaySession, request: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            guild = self.state.guilds[int(request.get("guild_id", 0))]
        except (KeyError, ValueError, TypeError):
            return []
        members = list(guild.members.values())
        query = request.get("query")
        if request.get("user_ids"):
            wanted = {int(u) for u in request["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif query:
            members = [m for m in members if m.user.username.lower().startswith(str(query).lower())]
        limit = request.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {"guild_id": str(guild.id), "members": [m.to_dict() for m in members],
                                 "chunk_index": 0, "chunk_count": 1, "not_found": []}
        if request.get("nonce"):
            chunk["nonce"] = request["nonce"]
        return [chunk]

