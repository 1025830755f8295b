"""`Sandbox`: the in-process API that tests and the demo use to build a Discord world and act in it.

    sandbox = Sandbox()
    urls = await sandbox.start()                     # free loopback port
    bot = sandbox.add_bot_user("token")
    guild = sandbox.add_guild("Readers")
    channel = sandbox.add_channel(guild, "articles")
    alice = sandbox.add_member(guild, "alice", locale="de")
    # ... start discord.py with Route.BASE = urls.api_base and DEFAULT_GATEWAY = urls.gateway_url ...
    handle = await sandbox.run_slash_command(alice, "feed add", {"url": ..., "channel": channel}, channel=channel)
    await handle.wait_response()
    sandbox.messages(channel)                        # what the channel shows

Everything runs on the caller's event loop. `python -m bot.sandbox` runs one in its own process, driven over
the HTTP control API (`bot.sandbox.remote.RemoteSandbox`).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox import permissions as perms
from bot.sandbox.gateway import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    GatewayHub,
    GatewaySession,
    dumps,
)
from bot.sandbox.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
)
from bot.sandbox.limits import DiscordError, Fault, RateLimitConfig, RateLimiter, validate_thread_name
from bot.sandbox.state import (
    CATEGORY_CHANNEL,
    DM_CHANNEL,
    FLAG_EPHEMERAL,
    FLAG_IS_COMPONENTS_V2,
    FLAG_SUPPRESS_EMBEDS,
    MESSAGE_DEFAULT,
    MESSAGE_THREAD_CREATED,
    PUBLIC_THREAD,
    TEXT_CHANNEL,
    ApplicationCommand,
    Attachment,
    BotAccount,
    Channel,
    Guild,
    Member,
    Message,
    RecordedRequest,
    Role,
    StateIndex,
    User,
    iso_timestamp,
)

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

_OPTION_TYPES = {"sub_command": 1, "sub_command_group": 2, "string": 3, "integer": 4, "boolean": 5, "user": 6,
                 "channel": 7, "role": 8, "mentionable": 9, "number": 10, "attachment": 11}


@dataclass(frozen=True)
class SandboxURLs:
    """Where a discord.py client (and a remote test driver) reaches the sandbox."""

    base_url: str  # http://127.0.0.1:PORT
    api_base: str  # http://127.0.0.1:PORT/api/v10  -> discord.http.Route.BASE
    gateway_url: str  # ws://127.0.0.1:PORT/gw       -> DiscordWebSocket.DEFAULT_GATEWAY
    control_url: str  # http://127.0.0.1:PORT/_sandbox

    def as_dict(self) -> dict[str, str]:
        return {"base_url": self.base_url, "api_base": self.api_base, "gateway_url": self.gateway_url,
                "control_url": self.control_url}


class SandboxUsageError(Exception):
    """The test asked for something a member's Discord client could not do (pass crafted=True to force it)."""


class Sandbox:
    """A local Discord for tests and the offline demo. Not a server for production use."""

    def __init__(self, *, rate_limits: RateLimitConfig | None = None, heartbeat_interval_ms: int = 41250,
                 interaction_ack_timeout: float | None = 3.0, interaction_token_lifetime: float = 900.0,
                 nonce_window: float = 300.0, resume_timeout: float = 120.0, event_buffer: int = 100_000,
                 record_requests: bool = True) -> None:
        self.state = StateIndex()
        self.limiter = RateLimiter(rate_limits)
        self.hub = GatewayHub(heartbeat_interval_ms=heartbeat_interval_ms, buffer_size=event_buffer,
                              resume_timeout=resume_timeout)
        self.hub.ready_events = self._ready_events
        self.hub.member_chunk = self._member_chunks
        self.hub.find_bot = self.state.bots_by_token.get
        self.interaction_ack_timeout = interaction_ack_timeout
        self.interaction_token_lifetime = interaction_token_lifetime
        self.nonce_window = nonce_window
        self.record_requests = record_requests
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self._interactions_by_token: dict[str, InteractionHandle] = {}
        self._open_modals: dict[tuple[int, str], InteractionHandle] = {}
        self._attachments_by_id: dict[int, Attachment] = {}
        self.acknowledged_count = 0  # interactions the bot acknowledged so far (load drivers watch it)
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._runner: web.AppRunner | None = None
        self._urls: SandboxURLs | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> SandboxURLs:
        """Serve REST, gateway and control API on one port (0: a free one). Returns the URLs."""
        from bot.sandbox.server import build_app

        app = build_app(self)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True, backlog=4096)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        actual_port = server.sockets[0].getsockname()[1]
        base = f"http://{host}:{actual_port}"
        self._urls = SandboxURLs(base, f"{base}/api/v10", f"ws://{host}:{actual_port}/gw", f"{base}/_sandbox")
        self.hub.gateway_url = self._urls.gateway_url
        return self._urls

    async def stop(self) -> None:
        await self.hub.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        if self._urls is None:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def urls(self) -> SandboxURLs:
        if self._urls is None:
            raise RuntimeError("the sandbox is not started; await sandbox.start() first")
        return self._urls

    @property
    def api_base(self) -> str:
        return self.urls.api_base

    @property
    def gateway_url(self) -> str:
        return self.urls.gateway_url

    @property
    def control_url(self) -> str:
        return self.urls.control_url

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
                  owner: User | None = None) -> Guild:
        """A guild with @everyone, an owner member, and every bot as a member with a managed role."""
        state = self.state
        guild = Guild(state.next_id(), name, locale=locale)
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

    # -- messages ----------------------------------------------------------------------------------------------

    def create_message(self, channel: Channel, author: User, payload: Mapping[str, Any], *,
                       files: Sequence[tuple[str, bytes, str | None]] = (), type: int = MESSAGE_DEFAULT,
                       webhook_id: int | None = None, application_id: int | None = None,
                       interaction_metadata: dict[str, Any] | None = None,
                       message_reference: dict[str, Any] | None = None, ephemeral: bool = False) -> Message:
        """Store a message and tell the bots (ephemeral messages stay between the bot and one member)."""
        state = self.state
        message_id = state.next_id()
        attachments = self._attachments(channel, payload.get("attachments"), files)
        flags = int(payload.get("flags") or 0)
        if ephemeral:
            flags |= FLAG_EPHEMERAL
        embeds = [_normalise_embed(e) for e in payload.get("embeds") or []]
        poll = _normalise_poll(payload.get("poll")) if payload.get("poll") else None
        message = Message(message_id, channel, author, content=payload.get("content") or "", embeds=embeds,
                          components=list(payload.get("components") or []), attachments=attachments, flags=flags,
                          type=type, nonce=payload.get("nonce"), tts=bool(payload.get("tts")), poll=poll,
                          webhook_id=webhook_id, application_id=application_id,
                          interaction_metadata=interaction_metadata, message_reference=message_reference)
        message.resolve_mentions(payload.get("allowed_mentions"), channel.guild, state.users)
        state.messages[message_id] = message
        if not message.ephemeral:
            channel.add_message(message_id)
            if channel.is_thread:
                message.position = channel.total_message_sent
                channel.message_count += 1
                channel.total_message_sent += 1
                channel.thread_member_ids.add(author.id)
            if channel.guild is not None:
                self._dispatch_message_event("MESSAGE_CREATE", message)
            else:
                self._dispatch_dm_event("MESSAGE_CREATE", message)
        self._changed()
        return message

    def _attachments(self, channel: Channel, declared: Any, files: Sequence[tuple[str, bytes, str | None]]
                     ) -> list[Attachment]:
        by_index: dict[int, Mapping[str, Any]] = {}
        for entry in declared or []:
            if isinstance(entry, Mapping):
                try:
                    by_index[int(entry.get("id"))] = entry
                except (TypeError, ValueError):
                    continue
        result = []
        for index, (filename, data, content_type) in enumerate(files):
            meta = by_index.get(index, {})
            attachment_id = self.state.next_id()
            name = meta.get("filename") or filename
            url = f"{self.urls.base_url}/attachments/{channel.id}/{attachment_id}/{name}"
            if not content_type or content_type == "application/octet-stream":
                content_type = _guess_type(name) or content_type
            attachment = Attachment(attachment_id, name, data, content_type, url, meta.get("description"))
            self._attachments_by_id[attachment_id] = attachment
            result.append(attachment)
        return result

    def attachment(self, attachment_id: int) -> Attachment:
        return self._attachments_by_id[attachment_id]

    def edit_message(self, message: Message, payload: Mapping[str, Any], *,
                     files: Sequence[tuple[str, bytes, str | None]] = (), clear_loading: bool = False) -> Message:
        """Apply an edit as Discord does (only the fields sent), keep the old version in `message.revisions`."""
        message.revisions.append(message.snapshot())
        if "content" in payload:
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = [_normalise_embed(e) for e in payload["embeds"] or []]
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if "attachments" in payload or files:
            kept: list[Attachment] = []
            declared = payload.get("attachments")
            if declared is not None:
                existing = {a.id: a for a in message.attachments}
                for entry in declared:
                    try:
                        attachment = existing.get(int(entry.get("id")))
                    except (TypeError, ValueError, AttributeError):
                        attachment = None
                    if attachment is not None:
                        kept.append(attachment)
            else:
                kept = list(message.attachments)
            new_declared = [e for e in declared or [] if isinstance(e, Mapping)
                            and not any(str(a.id) == str(e.get("id")) for a in kept)]
            message.attachments = kept + self._attachments(message.channel, new_declared, files)
        if "flags" in payload and payload["flags"] is not None:
            # Only "suppress embeds" can be toggled by an edit; components v2 can be switched on, never off.
            keep = message.flags & ~FLAG_SUPPRESS_EMBEDS
            message.flags = keep | (int(payload["flags"]) & (FLAG_SUPPRESS_EMBEDS | FLAG_IS_COMPONENTS_V2))
        if clear_loading:
            message.flags &= ~(1 << 7)
        if "allowed_mentions" in payload or "content" in payload:
            message.resolve_mentions(payload.get("allowed_mentions"), message.channel.guild, self.state.users)
        message.edited_timestamp = iso_timestamp()
        message.changed()
        if not message.ephemeral:
            if message.channel.guild is not None:
                self._dispatch_message_event("MESSAGE_UPDATE", message)
            else:
                self._dispatch_dm_event("MESSAGE_UPDATE", message)
        self._changed()
        return message

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        message.channel.remove_message(message.id)
        if message.channel.is_thread and message.channel.message_count > 0:
            message.channel.message_count -= 1
        data = {"id": str(message.id), "channel_id": str(message.channel.id)}
        if message.channel.guild is not None:
            data["guild_id"] = str(message.channel.guild.id)
            self._dispatch_guild_event(message.channel.guild, "MESSAGE_DELETE", data, intent=INTENT_GUILD_MESSAGES)
        self._changed()

    def _dispatch_message_event(self, event: str, message: Message) -> None:
        guild = message.channel.guild
        assert guild is not None
        data = dict(message.to_dict())
        author_member = guild.members.get(message.author.id)
        if author_member is not None and message.webhook_id is None:
            data["member"] = author_member.to_dict(with_user=False)
        mentioned_ids = {u.id for u in message.mentions}

        def for_session(session: GatewaySession) -> dict[str, Any]:
            if (session.intents & INTENT_MESSAGE_CONTENT or message.author.id == session.bot.id
                    or session.bot.id in mentioned_ids):
                return data
            return dict(data, content="", embeds=[], attachments=[], components=[], poll=None) \
                if "poll" in data else dict(data, content="", embeds=[], attachments=[], components=[])

        for bot in self._bots_in(guild):
            self.hub.dispatch(bot.id, event, None, guild_id=guild.id, intent=INTENT_GUILD_MESSAGES,
                              transform=for_session)

    def _dispatch_dm_event(self, event: str, message: Message) -> None:
        channel = message.channel
        data = message.to_dict()
        for user in channel.recipients + [message.author]:
            bot = self.state.bots_by_id.get(user.id)
            if bot is not None:
                self.hub.dispatch(bot.id, event, data, intent=INTENT_DIRECT_MESSAGES)

    def start_thread(self, channel: Channel, name: str, owner: User, *, message: Message | None = None,
                     thread_type: int = PUBLIC_THREAD, auto_archive_duration: int = 1440) -> Channel:
        """A thread on a message (thread id == message id) or standing alone in a text channel."""
        validate_thread_name(name)
        assert channel.guild is not None
        state = self.state
        if message is not None:
            if message.thread is not None or message.id in state.channels:
                raise DiscordError(400, 160004, "A thread has already been created for this message")
            thread_id = message.id
        else:
            thread_id = state.next_id()
        thread = Channel(thread_id, thread_type, guild=channel.guild, name=name, parent=channel)
        thread.owner_id = owner.id
        thread.auto_archive_duration = auto_archive_duration
        thread.thread_member_ids.add(owner.id)
        thread.starter_message_id = message.id if message is not None else None
        channel.guild.channels[thread.id] = thread
        state.channels[thread.id] = thread
        for bot in self._bots_in(channel.guild):
            self.hub.dispatch(bot.id, "THREAD_CREATE", None, guild_id=channel.guild.id, intent=INTENT_GUILDS,
                              transform=lambda s, t=thread: dict(t.to_dict(for_user_id=s.bot.id), newly_created=True))
        if message is not None:
            message.thread = thread
            message.changed()
            self._dispatch_message_event("MESSAGE_UPDATE", message)
        else:
            self.create_message(channel, owner, {"content": name}, type=MESSAGE_THREAD_CREATED,
                                message_reference={"type": 0, "channel_id": str(thread.id),
                                                   "guild_id": str(channel.guild.id)})
        self._changed()
        return thread

    def dm_channel(self, bot: BotAccount, user: User) -> Channel:
        key = (bot.id, user.id)
        channel = self.state.dm_channels.get(key)
        if channel is None:
            channel = Channel(self.state.next_id(), DM_CHANNEL)
            channel.recipients = [user]
            self.state.dm_channels[key] = channel
            self.state.channels[channel.id] = channel
        return channel

    async def member_send_message(self, member: Member | User, channel: Channel, content: str = "", *,
                                  embeds: Sequence[dict[str, Any]] = (), crafted: bool = False) -> Message:
        """A member writes in a channel or thread (thread activity, replies to the bot, DMs to the bot)."""
        user = member.user if isinstance(member, Member) else member
        if channel.guild is not None and not crafted:
            guild_member = channel.guild.members.get(user.id)
            if guild_member is None:
                raise SandboxUsageError(f"{user!r} is not a member of {channel.guild!r}")
            allowed = perms.channel_permissions(channel.guild, guild_member, channel)
            if not allowed & perms.VIEW_CHANNEL or not allowed & perms.send_permission(channel):
                raise SandboxUsageError(f"{user!r} cannot send messages in {channel!r}")
            if channel.is_thread and channel.locked:
                raise SandboxUsageError(f"{channel!r} is locked")
        if channel.is_thread and channel.archived:
            channel.archived = False
        return self.create_message(channel, user, {"content": content, "embeds": list(embeds)})

    async def member_send_dm(self, user: Member | User, content: str, bot: BotAccount | None = None) -> Message:
        bot = bot or self.default_bot()
        user = user.user if isinstance(user, Member) else user
        return self.create_message(self.dm_channel(bot, user), user, {"content": content})

    # -- interactions ------------------------------------------------------------------------------------------

    def _new_handle(self, *, type: int, bot: BotAccount, member: Member | None, user: User, channel: Channel,
                    data: dict[str, Any], message: Message | None = None, custom_id: str | None = None,
                    command_name: str | None = None, values: Any = None) -> InteractionHandle:
        state = self.state
        handle = InteractionHandle(id=state.next_id(), token=f"aW50ZXJhY3Rpb246.{secrets.token_urlsafe(48)}",
                                   type=type, bot=bot, user=user, member=member, guild=channel.guild,
                                   channel=channel, data=data, message=message, custom_id=custom_id,
                                   command_name=command_name, values=values)
        self.interactions[handle.id] = handle
        self._interactions_by_token[handle.token] = handle
        return handle

    def _send_interaction(self, handle: InteractionHandle) -> InteractionHandle:
        bot = handle.bot
        guild = handle.guild
        channel = handle.channel
        payload: dict[str, Any] = {
            "id": str(handle.id),
            "application_id": str(bot.application_id),
            "type": handle.type,
            "data": handle.data,
            "token": handle.token,
            "version": 1,
            "locale": handle.member.locale if handle.member is not None else handle.user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
        }
        # The large, rarely changing parts (member, message) are cached JSON spliced into the frame.
        spliced: list[str] = []
        if guild is not None:
            member = handle.member
            assert member is not None
            member_permissions = str(perms.channel_permissions(guild, member, channel))
            payload["guild_id"] = str(guild.id)
            payload["guild"] = guild.partial_dict()
            payload["guild_locale"] = guild.locale
            payload["app_permissions"] = str(perms.channel_permissions(guild, guild.members[bot.id], channel))
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
            payload["context"] = 0
            payload["channel"] = dict(channel.to_dict(), permissions=member_permissions)
            spliced += [',"member":', member.to_json()[:-1], ',"permissions":"', member_permissions, '"}']
        else:
            payload["user"] = handle.user.to_dict()
            payload["app_permissions"] = str(perms.ALL_PERMISSIONS & ~perms.ADMINISTRATOR)
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["context"] = 1
            payload["channel"] = channel.to_dict()
        if handle.message is not None:
            spliced += [',"message":', handle.message.to_json()]
        encoded = dumps(payload)
        if spliced:
            encoded = encoded[:-1] + "".join(spliced) + "}"
        handle.delivered_sessions = self.hub.dispatch(bot.id, "INTERACTION_CREATE", None,
                                                      guild_id=guild.id if guild else None, single=True,
                                                      encoded=encoded)
        return handle

    def _bot_for_message(self, message: Message, bot: BotAccount | None) -> BotAccount:
        if bot is not None:
            return bot
        if message.application_id is not None and message.application_id in self.state.bots_by_application:
            return self.state.bots_by_application[message.application_id]
        found = self.state.bots_by_id.get(message.author.id)
        return found or self.default_bot()

    async def click_button(self, member: Member | User, message: Message, custom_id: str, *,
                           crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """A member clicks a button on a message. crafted=True sends it even if no such enabled button exists."""
        return self.click_button_now(member, message, custom_id, crafted=crafted, bot=bot)

    def click_button_now(self, member: Member | User, message: Message, custom_id: str, *,
                         crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """Synchronous click_button, for tight benchmark loops."""
        component = message.find_component(custom_id)
        if not crafted:
            if component is None or component.get("type") != 2:
                raise SandboxUsageError(f"no button with custom_id {custom_id!r} on {message!r}")
            if component.get("disabled"):
                raise SandboxUsageError(f"the button {custom_id!r} is disabled")
            self._check_can_see(member, message)
        guild_member, user = self._member_and_user(member, message.channel)
        data = {"custom_id": custom_id, "component_type": 2}
        if component is not None and "id" in component:
            data["id"] = component["id"]
        handle = self._new_handle(type=MESSAGE_COMPONENT, bot=self._bot_for_message(message, bot),
                                  member=guild_member, user=user, channel=message.channel, data=data,
                                  message=message, custom_id=custom_id)
        return self._send_interaction(handle)

    async def click_many(self, clicks: Iterable[tuple[Member | User, Message, str]], *,
                         rate: float | None = None, crafted: bool = False) -> list[InteractionHandle]:
        """Clicks at a steady offered rate (per second; None: as fast as possible), for load tests."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        handles: list[InteractionHandle] = []
        for index, (member, message, custom_id) in enumerate(clicks):
            if rate:
                delay = start + index / rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            handles.append(self.click_button_now(member, message, custom_id, crafted=crafted))
            if not rate and index % 50 == 49:
                await asyncio.sleep(0)
        return handles

    async def select(self, member: Member | User, message: Message, custom_id: str, values: Sequence[str], *,
                     crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """A member picks values in a select menu on a message."""
        component = message.find_component(custom_id)
        component_type = component.get("type", 3) if component else 3
        values = [str(v) for v in values]
        if not crafted:
            if component is None or component_type not in (3, 5, 6, 7, 8):
                raise SandboxUsageError(f"no select menu with custom_id {custom_id!r} on {message!r}")
            if component.get("disabled"):
                raise SandboxUsageError(f"the select menu {custom_id!r} is disabled")
            _check_select_values(component, values)
            self._check_can_see(member, message)
        guild_member, user = self._member_and_user(member, message.channel)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type, "values": values}
        handle = self._new_handle(type=MESSAGE_COMPONENT, bot=self._bot_for_message(message, bot),
                                  member=guild_member, user=user, channel=message.channel, data=data,
                                  message=message, custom_id=custom_id, values=values)
        return self._send_interaction(handle)

    async def submit_modal(self, member: Member | User, custom_id: str | InteractionHandle,
                           values: Mapping[str, str | Sequence[str]], *, crafted: bool = False,
                           channel: Channel | None = None, bot: BotAccount | None = None) -> InteractionHandle:
        """A member submits the modal the bot opened for them.

        custom_id: the modal's, or the handle of the interaction that opened it. values: field custom_id (or its
        label) -> text, or a list of choices for a select. Required fields, min/max lengths and choices are
        enforced as Discord's client does, unless crafted=True.
        """
        if isinstance(custom_id, InteractionHandle):
            if custom_id.modal is None:
                raise SandboxUsageError(f"{custom_id!r} did not open a modal")
            custom_id = str(custom_id.modal.get("custom_id"))
        user = member.user if isinstance(member, Member) else member
        origin = self._open_modals.get((user.id, custom_id))
        if origin is None and not crafted:
            raise SandboxUsageError(f"no modal {custom_id!r} is open for {user!r}")
        if origin is not None:
            channel = origin.channel
            bot = bot or origin.bot
            fields = origin.modal_fields
            renamed: dict[str, str | Sequence[str]] = {}
            for key, value in values.items():
                try:
                    renamed[origin.modal_field_id(key)] = value
                except KeyError:
                    renamed[key] = value
            values = renamed
            components = _modal_submit_components(origin.modal or {}, values)
            if not crafted:
                unknown = set(values) - set(fields)
                if unknown:
                    raise SandboxUsageError(f"the modal has no field(s) {sorted(unknown)}")
                _check_modal_values(fields, values)
                del self._open_modals[(user.id, custom_id)]
            origin.modal_submitted = True
        else:
            if channel is None:
                raise SandboxUsageError("a crafted modal submit needs channel=")
            components = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                          for k, v in values.items()]
        assert channel is not None
        guild_member, user = self._member_and_user(member, channel)
        data = {"custom_id": custom_id, "components": components}
        source_message = origin.message if origin is not None else None
        handle = self._new_handle(type=MODAL_SUBMIT, bot=bot or self.default_bot(), member=guild_member, user=user,
                                  channel=channel, data=data, message=source_message, custom_id=custom_id,
                                  values=dict(values))
        handle.origin = origin
        return self._send_interaction(handle)

    async def run_slash_command(self, member: Member | User, name: str, options: Mapping[str, Any] | None = None,
                                *, channel: Channel, subcommand: str | None = None, crafted: bool = False,
                                bot: BotAccount | None = None) -> InteractionHandle:
        """A member runs /name [subcommand] with options ({option: value}; members, channels, roles as objects).

        The command must be registered by the bot (guild commands first, then global), the options must
        match its schema, and a member lacking its default_member_permissions cannot run it, as in Discord's
        client; crafted=True skips those checks to imitate a forged request.
        """
        return self._command_interaction(member, name, options or {}, channel=channel, subcommand=subcommand,
                                         crafted=crafted, bot=bot, focused=None)

    async def autocomplete(self, member: Member | User, name: str, options: Mapping[str, Any], focused: str, *,
                           channel: Channel, subcommand: str | None = None, crafted: bool = False,
                           bot: BotAccount | None = None) -> InteractionHandle:
        """A member types in option `focused`; the handle's `choices` hold what the bot suggested."""
        return self._command_interaction(member, name, options, channel=channel, subcommand=subcommand,
                                         crafted=crafted, bot=bot, focused=focused)

    def _command_interaction(self, member: Member | User, name: str, options: Mapping[str, Any], *,
                             channel: Channel, subcommand: str | None, crafted: bool, bot: BotAccount | None,
                             focused: str | None) -> InteractionHandle:
        parts = name.split()
        if subcommand:
            parts += subcommand.split()
        root, path = parts[0], parts[1:]
        guild = channel.guild
        bots = [bot] if bot is not None else list(self.state.bots_by_id.values())
        command: ApplicationCommand | None = None
        for candidate in bots:
            command = candidate.find_command(root, guild.id if guild else None)
            if command is not None:
                bot = candidate
                break
        if command is None:
            if not crafted:
                raise SandboxUsageError(f"no command /{root} is registered")
            bot = bot or self.default_bot()
        assert bot is not None
        guild_member, user = self._member_and_user(member, channel)
        if command is not None and not crafted and guild_member is not None:
            self._check_default_permissions(command, guild_member)
        schema = command.options if command is not None else []
        resolved: dict[str, dict[str, Any]] = {}
        leaf_schema = schema
        for part in path:
            found = next((o for o in leaf_schema if o.get("name") == part and o.get("type") in (1, 2)), None)
            if found is None and not crafted:
                raise SandboxUsageError(f"/{root} has no subcommand {part!r}")
            leaf_schema = (found or {}).get("options") or []
        built = self._build_options(leaf_schema, options, guild_member, channel, resolved, focused=focused,
                                    crafted=crafted)
        for part, kind in reversed(list(zip(path, self._path_kinds(schema, path)))):
            built = [{"type": kind, "name": part, "options": built}]
        data: dict[str, Any] = {"id": str(command.id) if command else str(self.state.next_id()), "name": root,
                                "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        if command is not None and command.guild_id is not None:
            data["guild_id"] = str(command.guild_id)
        handle = self._new_handle(type=APPLICATION_COMMAND_AUTOCOMPLETE if focused else APPLICATION_COMMAND,
                                  bot=bot, member=guild_member, user=user, channel=channel, data=data,
                                  command_name=" ".join([root] + path), values=dict(options))
        return self._send_interaction(handle)

    async def use_message_command(self, member: Member | User, name: str, message: Message, *,
                                  crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """A member picks Apps -> `name` on a message (a message context-menu command, type 3)."""
        return self._context_menu(member, name, 3, message.channel, message.id,
                                  {"messages": {str(message.id): message.to_dict()}}, crafted=crafted, bot=bot)

    async def use_user_command(self, member: Member | User, name: str, target: Member | User, *,
                               channel: Channel, crafted: bool = False,
                               bot: BotAccount | None = None) -> InteractionHandle:
        """A member picks Apps -> `name` on another member (a user context-menu command, type 2)."""
        target_user = target.user if isinstance(target, Member) else target
        resolved: dict[str, Any] = {"users": {str(target_user.id): target_user.to_dict()}}
        target_member = channel.guild.members.get(target_user.id) if channel.guild else None
        if target_member is not None:
            resolved["members"] = {str(target_user.id): dict(
                target_member.to_dict(with_user=False),
                permissions=str(perms.channel_permissions(target_member.guild, target_member, channel)))}
        return self._context_menu(member, name, 2, channel, target_user.id, resolved, crafted=crafted, bot=bot)

    def _context_menu(self, member: Member | User, name: str, command_type: int, channel: Channel, target_id: int,
                      resolved: dict[str, Any], *, crafted: bool, bot: BotAccount | None) -> InteractionHandle:
        guild = channel.guild
        command = None
        for candidate in ([bot] if bot is not None else list(self.state.bots_by_id.values())):
            command = candidate.find_command(name, guild.id if guild else None, command_type)
            if command is not None:
                bot = candidate
                break
        if command is None and not crafted:
            raise SandboxUsageError(f"no {'message' if command_type == 3 else 'user'} command {name!r} is registered")
        bot = bot or self.default_bot()
        guild_member, user = self._member_and_user(member, channel)
        if command is not None and not crafted and guild_member is not None:
            self._check_default_permissions(command, guild_member)
        data: dict[str, Any] = {"id": str(command.id) if command else str(self.state.next_id()), "name": name,
                                "type": command_type, "target_id": str(target_id), "resolved": resolved}
        if command is not None and command.guild_id is not None:
            data["guild_id"] = str(command.guild_id)
        handle = self._new_handle(type=APPLICATION_COMMAND, bot=bot, member=guild_member, user=user,
                                  channel=channel, data=data, command_name=name)
        return self._send_interaction(handle)

    @staticmethod
    def _check_default_permissions(command: ApplicationCommand, member: Member) -> None:
        required = command.default_member_permissions
        if required is None:
            return
        have = perms.base_permissions(member.guild, member)
        needed = int(required)
        if not have & perms.ADMINISTRATOR and (needed == 0 or have & needed != needed):
            raise SandboxUsageError(f"{command.name!r} is hidden from {member!r} by default_member_permissions")

    @staticmethod
    def _path_kinds(schema: list[dict[str, Any]], path: list[str]) -> list[int]:
        kinds = []
        level = schema
        for part in path:
            found = next((o for o in level if o.get("name") == part), None)
            kinds.append(found.get("type", 1) if found else (2 if len(kinds) < len(path) - 1 else 1))
            level = (found or {}).get("options") or []
        return kinds

    def _build_options(self, schema: list[dict[str, Any]], options: Mapping[str, Any], member: Member | None,
                       channel: Channel, resolved: dict[str, dict[str, Any]], *, focused: str | None,
                       crafted: bool) -> list[dict[str, Any]]:
        by_name = {o.get("name"): o for o in schema}
        if not crafted:
            unknown = [n for n in options if n not in by_name]
            if unknown:
                raise SandboxUsageError(f"unknown option(s) {unknown}; the command has {sorted(by_name)}")
            if focused is None:
                missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
                if missing:
                    raise SandboxUsageError(f"missing required option(s) {missing}")
        built = []
        for option_name, value in options.items():
            option_schema = by_name.get(option_name, {})
            kind = option_schema.get("type") or _infer_option_type(value)
            entry: dict[str, Any] = {"name": option_name, "type": kind}
            if kind in (6, 9) and isinstance(value, (Member, User)):
                target_user = value.user if isinstance(value, Member) else value
                resolved.setdefault("users", {})[str(target_user.id)] = target_user.to_dict()
                guild_member = channel.guild.members.get(target_user.id) if channel.guild else None
                if guild_member is not None:
                    resolved.setdefault("members", {})[str(target_user.id)] = dict(
                        guild_member.to_dict(with_user=False),
                        permissions=str(perms.channel_permissions(channel.guild, guild_member, channel)))
                entry["value"] = str(target_user.id)
            elif kind in (8, 9) and isinstance(value, Role):
                resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
                entry["value"] = str(value.id)
            elif kind == 7 and isinstance(value, Channel):
                channel_data = value.to_dict()
                if member is not None and value.guild is not None:
                    channel_data["permissions"] = str(perms.channel_permissions(value.guild, member, value))
                else:
                    channel_data["permissions"] = "0"
                resolved.setdefault("channels", {})[str(value.id)] = channel_data
                entry["value"] = str(value.id)
                allowed_types = option_schema.get("channel_types")
                if allowed_types and value.type not in allowed_types and not crafted:
                    raise SandboxUsageError(f"option {option_name!r} accepts channel types {allowed_types}")
            elif option_name == focused:
                entry["value"] = "" if value is None else str(value)
                entry["focused"] = True
            elif kind == 4:
                entry["value"] = int(value)
            elif kind == 10:
                entry["value"] = float(value)
            elif kind == 5:
                entry["value"] = bool(value)
            elif kind in (6, 7, 8, 9):
                entry["value"] = str(getattr(value, "id", value))
            else:
                entry["value"] = str(value)
            choices = option_schema.get("choices")
            if choices and not crafted and option_name != focused:
                if entry["value"] not in [c.get("value") for c in choices]:
                    raise SandboxUsageError(f"{entry['value']!r} is not a choice of option {option_name!r}")
            built.append(entry)
        return built

    def _member_and_user(self, member: Member | User, channel: Channel) -> tuple[Member | None, User]:
        if isinstance(member, Member):
            if channel.guild is not None and member.guild is not channel.guild:
                other = channel.guild.members.get(member.user.id)
                if other is None:
                    raise SandboxUsageError(f"{member!r} is not a member of {channel.guild!r}")
                return other, member.user
            return (member if channel.guild is not None else None), member.user
        if channel.guild is not None:
            guild_member = channel.guild.members.get(member.id)
            if guild_member is None:
                raise SandboxUsageError(f"{member!r} is not a member of {channel.guild!r}")
            return guild_member, member
        return None, member

    def _check_can_see(self, member: Member | User, message: Message) -> None:
        user = member.user if isinstance(member, Member) else member
        if message.ephemeral:
            owner = getattr(message, "visible_to", None)
            if owner is not None and owner != user.id:
                raise SandboxUsageError("an ephemeral message is only visible to the member it was sent to")
        if message.deleted:
            raise SandboxUsageError("the message was deleted")

    def interaction_by_token(self, token: str) -> InteractionHandle | None:
        return self._interactions_by_token.get(token)

    def register_open_modal(self, handle: InteractionHandle) -> None:
        assert handle.modal is not None
        self._open_modals[(handle.user.id, str(handle.modal.get("custom_id")))] = handle

    # -- faults ------------------------------------------------------------------------------------------------

    def inject_fault(self, status: int = 429, *, count: int | None = None, duration: float | None = None,
                     path_contains: str | None = None, method: str | None = None, retry_after: float = 1.0,
                     is_global: bool = False, include_interactions: bool = True) -> Fault:
        """Answer `status` (429 or 5xx) to the next `count` matching REST requests, or for `duration` seconds."""
        if count is None and duration is None:
            count = 1
        fault = Fault(status, count=count, until=time.monotonic() + duration if duration is not None else None,
                      path_contains=path_contains, method=method, retry_after=retry_after, is_global=is_global,
                      include_interactions=include_interactions)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def drop_gateway(self, bot: BotAccount | None = None, *, resumable: bool = True) -> int:
        """Cut the gateway connection(s) without a close frame; the client reconnects and RESUMEs (or, with
        resumable=False, finds its session gone and IDENTIFYs anew)."""
        return self.hub.drop_connections(bot.id if bot else None, resumable=resumable)

    async def request_reconnect(self, bot: BotAccount | None = None) -> int:
        """Send op 7 RECONNECT: the client closes and resumes."""
        return await self.hub.request_reconnect(bot.id if bot else None)

    async def invalidate_session(self, bot: BotAccount | None = None, *, resumable: bool = False) -> int:
        """Send op 9 INVALID_SESSION; with resumable=False the client must IDENTIFY again."""
        return await self.hub.invalidate_sessions(bot.id if bot else None, resumable=resumable)

    def set_rate_limit(self, bucket: str, limit: int | None, per: float = 1.0) -> None:
        """Change one bucket (see limits.DEFAULT_BUCKETS), e.g. set_rate_limit("message.create", 1000, 1.0)."""
        self.limiter.config = self.limiter.config.with_bucket(bucket, limit, per)
        self.limiter.reset()

    def set_global_rate_limit(self, limit: int | None, per: float = 1.0) -> None:
        self.limiter.config.global_limit = limit
        self.limiter.config.global_per = per
        self.limiter.reset()

    # -- reading back ------------------------------------------------------------------------------------------

    def messages(self, channel: Channel, *, include_system: bool = True) -> list[Message]:
        """The channel's (or thread's) messages, oldest first, as members see them (no ephemeral ones)."""
        found = [self.state.messages[i] for i in channel.message_ids]
        if not include_system:
            found = [m for m in found if m.type in (0, 19, 20, 23)]
        return found

    def message(self, message_id: int | str) -> Message:
        return self.state.messages[int(message_id)]

    def channel(self, channel_id: int | str) -> Channel:
        return self.state.channels[int(channel_id)]

    def threads(self, channel: Channel) -> list[Channel]:
        assert channel.guild is not None
        return [c for c in channel.guild.channels.values() if c.is_thread and c.parent is channel]

    def thread_of(self, message: Message) -> Channel | None:
        return message.thread

    def dm_messages(self, user: Member | User, bot: BotAccount | None = None) -> list[Message]:
        bot = bot or self.default_bot()
        user = user.user if isinstance(user, Member) else user
        channel = self.state.dm_channels.get((bot.id, user.id))
        return self.messages(channel) if channel is not None else []

    def requests_matching(self, method: str | None = None, path_contains: str | None = None, *,
                          status: int | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if (method is None or r.method == method)
                and (path_contains is None or path_contains in r.path) and (status is None or r.status == status)]

    @property
    def rate_limit_rejections(self) -> list[tuple[float, str, str, bool]]:
        """Every 429 the limiter gave: (monotonic time, bucket, major parameter, global)."""
        return self.limiter.rejections

    def is_connected(self, bot: BotAccount | None = None) -> bool:
        return self.hub.is_connected((bot or self.default_bot()).id)

    async def wait_for_connection(self, bot: BotAccount | None = None, timeout: float = 10.0) -> None:
        """Until the bot has a live, identified gateway session."""
        await self.hub.wait_connected((bot or self.default_bot()).id, timeout)

    def record(self, request: RecordedRequest) -> None:
        if self.record_requests:
            self.requests.append(request)

    # -- waiting -----------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self._waiters:
            return
        for entry in list(self._waiters):
            predicate, future = entry
            if future.done():
                continue
            try:
                result = predicate()
            except Exception as exc:  # a broken predicate should fail the test that wrote it
                future.set_exception(exc)
                continue
            if result:
                future.set_result(result)

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """Until predicate() is truthy (checked whenever the sandbox's state changes). Returns its value."""
        result = predicate()
        if result:
            return result
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no {what} within {timeout}s") from None
        finally:
            self._waiters.remove(entry)

    async def wait_for_message(self, channel: Channel, predicate: Callable[[Message], bool] | None = None,
                               timeout: float = 5.0, *, count: int = 1) -> Message:
        """Until the channel has `count` messages matching predicate; returns the last one of them."""
        def check() -> Message | None:
            matching = [m for m in self.messages(channel) if predicate is None or predicate(m)]
            return matching[count - 1] if len(matching) >= count else None

        return await self.wait_until(check, timeout, f"message in {channel!r}")

    def interaction_changed(self, handle: InteractionHandle) -> None:
        """Called whenever the bot answered or changed an interaction's result."""
        if handle.acked_at is not None and not handle.counted:
            handle.counted = True
            self.acknowledged_count += 1
        handle.notify()
        self._changed()


def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    if isinstance(value, (Member, User)):
        return 6
    if isinstance(value, Channel):
        return 7
    if isinstance(value, Role):
        return 8
    return 3


def _check_select_values(component: Mapping[str, Any], values: Sequence[str]) -> None:
    min_values = component.get("min_values", 1)
    max_values = component.get("max_values", 1)
    if not min_values <= len(values) <= max_values:
        raise SandboxUsageError(f"choose between {min_values} and {max_values} values")
    if component.get("type", 3) == 3:
        offered = {o.get("value") for o in component.get("options") or []}
        unknown = [v for v in values if v not in offered]
        if unknown:
            raise SandboxUsageError(f"{unknown} are not options of the select menu")


def _check_modal_values(fields: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any]) -> None:
    for custom_id, field in fields.items():
        value = values.get(custom_id)
        if field.get("type") == 4:
            text = "" if value is None else str(value)
            required = field.get("required", True)
            if required and not text:
                raise SandboxUsageError(f"the field {custom_id!r} is required")
            if text:
                if len(text) < int(field.get("min_length") or 0):
                    raise SandboxUsageError(f"{custom_id!r} needs at least {field.get('min_length')} characters")
                if len(text) > int(field.get("max_length") or 4000):
                    raise SandboxUsageError(f"{custom_id!r} takes at most {field.get('max_length') or 4000} characters")
        elif value is not None:
            _check_select_values(field, [str(v) for v in value])


def _modal_submit_components(modal: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """MODAL_SUBMIT components mirror the modal's layout: action rows or labels around each field."""

    def submitted(component: Mapping[str, Any]) -> dict[str, Any]:
        custom_id = component.get("custom_id")
        value = values.get(custom_id) if custom_id is not None else None
        entry: dict[str, Any] = {"type": component.get("type"), "custom_id": custom_id}
        if "id" in component:
            entry["id"] = component["id"]
        if component.get("type") == 4:
            entry["value"] = "" if value is None else str(value)
        else:
            entry["values"] = [str(v) for v in (value or [])]
        return entry

    result = []
    for component in modal.get("components") or []:
        kind = component.get("type")
        if kind == 1:
            result.append({"type": 1, "components": [submitted(c) for c in component.get("components") or []]})
        elif kind == 18 and isinstance(component.get("component"), Mapping):
            label: dict[str, Any] = {"type": 18, "component": submitted(component["component"])}
            if "id" in component:
                label["id"] = component["id"]
            result.append(label)
    return result


def _normalise_embed(embed: Mapping[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in embed.items() if value is not None}
    data.setdefault("type", "rich")
    if "fields" in data:
        data["fields"] = [dict(f, inline=bool(f.get("inline", False))) for f in data["fields"]]
    return data


def _normalise_poll(poll: Mapping[str, Any]) -> dict[str, Any]:
    import datetime as dt

    hours = int(poll.get("duration") or 24)
    expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)
    answers = [{"answer_id": index + 1, "poll_media": answer.get("poll_media", {})}
               for index, answer in enumerate(poll.get("answers") or [])]
    return {
        "question": poll.get("question"),
        "answers": answers,
        "expiry": iso_timestamp(expiry),
        "allow_multiselect": bool(poll.get("allow_multiselect", False)),
        "layout_type": poll.get("layout_type", 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


def _guess_type(filename: str) -> str | None:
    import mimetypes

    return mimetypes.guess_type(filename)[0]
