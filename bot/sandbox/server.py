"""The aiohttp application: Discord's REST API v10 under /api/v10, the gateway at /gw, attachments, control API.

Every REST request goes through one wrapper that authenticates the bot token, applies injected faults and rate
limits, records the request, and turns sandbox errors into Discord's JSON error bodies. Responses carry
`Content-Type: application/json` exactly (discord.py checks it) and a `Via` header (discord.py treats a 429
without one as a Cloudflare ban).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox import permissions as perms
from bot.sandbox.gateway import INTENT_GUILD_MEMBERS, dumps
from bot.sandbox.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    CALLBACK_AUTOCOMPLETE_RESULT,
    CALLBACK_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_UPDATE_MESSAGE,
    CALLBACK_MODAL,
    CALLBACK_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
)
from bot.sandbox.limits import (
    DiscordError,
    FormError,
    validate_autocomplete,
    validate_command,
    validate_commands,
    validate_message,
    validate_modal,
    validate_thread_name,
)
from bot.sandbox.state import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    MESSAGE_CHAT_INPUT_COMMAND,
    MESSAGE_CONTEXT_MENU_COMMAND,
    MESSAGE_DEFAULT,
    MESSAGE_REPLY,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    TEXT_CHANNEL,
    ApplicationCommand,
    BotAccount,
    Channel,
    Guild,
    Message,
    RecordedRequest,
)

if TYPE_CHECKING:
    from bot.sandbox.api import Sandbox

API_PREFIX = "/api/v10"
JSON_HEADERS = {"Content-Type": "application/json", "Via": "1.1 google"}


@dataclass
class Ctx:
    """What a REST handler needs from the request."""

    request: web.Request
    bot: BotAccount | None
    body: Any
    files: list[tuple[str, bytes, str | None]]
    match: dict[str, str]
    query: dict[str, str]

    def snowflake(self, name: str) -> int:
        value = self.match[name]
        if not value.isdigit() or len(value) > 20:
            error = FormError()
            error.add((name,), "NUMBER_TYPE_COERCE", f"Value \"{value}\" is not snowflake.")
            raise error
        return int(value)

    @property
    def require_bot(self) -> BotAccount:
        assert self.bot is not None
        return self.bot


Handler = Callable[[Ctx], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class RestRoute:
    method: str
    path: str
    handler: Handler
    bucket: str = "default"
    major: str | None = None  # match_info key that makes the rate-limit key distinct (channel, guild, token)
    auth: bool = True
    interaction: bool = False


def _error(status: int, code: int, message: str) -> DiscordError:
    return DiscordError(status, code, message)


def missing_permissions() -> DiscordError:
    return _error(403, 50013, "Missing Permissions")


def missing_access() -> DiscordError:
    return _error(403, 50001, "Missing Access")


def unknown_channel() -> DiscordError:
    return _error(404, 10003, "Unknown Channel")


def unknown_message() -> DiscordError:
    return _error(404, 10008, "Unknown Message")


class RestApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    # -- plumbing ----------------------------------------------------------------------------------------------

    def routes(self) -> list[RestRoute]:
        r = RestRoute
        return [
            r("GET", "/gateway", self.get_gateway, auth=False),
            r("GET", "/gateway/bot", self.get_gateway_bot),
            r("GET", "/users/@me", self.get_me),
            r("GET", "/users/@me/guilds", self.get_my_guilds),
            r("GET", "/users/{user_id}", self.get_user),
            r("POST", "/users/@me/channels", self.create_dm, bucket="dm.create"),
            r("GET", "/oauth2/applications/@me", self.get_application),
            r("GET", "/applications/@me", self.get_application),
            r("GET", "/channels/{channel_id}", self.get_channel, major="channel_id"),
            r("PATCH", "/channels/{channel_id}", self.edit_channel, bucket="channel.edit", major="channel_id"),
            r("POST", "/channels/{channel_id}/typing", self.typing, major="channel_id"),
            r("GET", "/channels/{channel_id}/messages", self.list_messages, bucket="message.read",
              major="channel_id"),
            r("POST", "/channels/{channel_id}/messages", self.create_message, bucket="message.create",
              major="channel_id"),
            r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message, bucket="message.read",
              major="channel_id"),
            r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message, bucket="message.edit",
              major="channel_id"),
            r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message,
              bucket="message.delete", major="channel_id"),
            r("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.thread_from_message,
              bucket="thread.create", major="channel_id"),
            r("POST", "/channels/{channel_id}/threads", self.thread_without_message, bucket="thread.create",
              major="channel_id"),
            r("PUT", "/channels/{channel_id}/thread-members/@me", self.join_thread, bucket="thread.member",
              major="channel_id"),
            r("DELETE", "/channels/{channel_id}/thread-members/@me", self.leave_thread, bucket="thread.member",
              major="channel_id"),
            r("GET", "/guilds/{guild_id}", self.get_guild, major="guild_id"),
            r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels, major="guild_id"),
            r("GET", "/guilds/{guild_id}/roles", self.get_roles, major="guild_id"),
            r("GET", "/guilds/{guild_id}/members", self.list_members, major="guild_id"),
            r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member, major="guild_id"),
            r("GET", "/guilds/{guild_id}/threads/active", self.active_threads, major="guild_id"),
            r("GET", "/applications/{application_id}/commands", self.list_commands, bucket="commands"),
            r("PUT", "/applications/{application_id}/commands", self.overwrite_commands, bucket="commands"),
            r("POST", "/applications/{application_id}/commands", self.upsert_command, bucket="commands"),
            r("GET", "/applications/{application_id}/commands/{command_id}", self.get_command, bucket="commands"),
            r("PATCH", "/applications/{application_id}/commands/{command_id}", self.edit_command,
              bucket="commands"),
            r("DELETE", "/applications/{application_id}/commands/{command_id}", self.delete_command,
              bucket="commands"),
            r("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.list_commands,
              bucket="commands", major="guild_id"),
            r("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.overwrite_commands,
              bucket="commands", major="guild_id"),
            r("POST", "/applications/{application_id}/guilds/{guild_id}/commands", self.upsert_command,
              bucket="commands", major="guild_id"),
            r("GET", "/applications/{application_id}/guilds/{guild_id}/commands/permissions",
              self.command_permissions, bucket="commands", major="guild_id"),
            r("GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", self.get_command,
              bucket="commands", major="guild_id"),
            r("PATCH", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
              self.edit_command, bucket="commands", major="guild_id"),
            r("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
              self.delete_command, bucket="commands", major="guild_id"),
            r("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback,
              bucket="interaction.callback", major="token", auth=False, interaction=True),
            r("POST", "/webhooks/{application_id}/{token}", self.followup_create, bucket="webhook", major="token",
              auth=False, interaction=True),
            r("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", self.webhook_message_get,
              bucket="webhook", major="token", auth=False, interaction=True),
            r("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", self.webhook_message_edit,
              bucket="webhook", major="token", auth=False, interaction=True),
            r("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}", self.webhook_message_delete,
              bucket="webhook", major="token", auth=False, interaction=True),
        ]

    def wrap(self, route: RestRoute) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        sandbox = self.sandbox
        limiter = sandbox.limiter
        prefix_length = len(API_PREFIX)

        async def handler(request: web.Request) -> web.StreamResponse:
            now = time.monotonic()
            path = request.path[prefix_length:]
            record = RecordedRequest(request.method, path, dict(request.query), None, [], now, bucket=route.bucket)
            headers: dict[str, str] = {}
            try:
                body, files = await _read_body(request)
                record.json = body
                record.files = [(name, data) for name, data, _ in files]
                bot = None
                if route.auth:
                    bot = self._authenticate(request)
                    record.authorized_bot_id = bot.id
                fault = self._fault(request.method, path, route.interaction, now)
                if fault is not None:
                    record.fault = True
                    record.status = fault.status
                    sandbox.record(record)
                    return self._fault_response(fault)
                major = request.match_info.get(route.major, "") if route.major else ""
                decision = limiter.check(route.bucket, major, bot.id if bot else None, now)
                headers = decision.headers
                if not decision.allowed:
                    record.status = 429
                    sandbox.record(record)
                    return _json_response(429, {"message": "You are being rate limited.",
                                                 "retry_after": decision.retry_after, "global": decision.is_global,
                                                 **({"code": 0} if decision.is_global else {})}, headers)
                ctx = Ctx(request, bot, body, files, dict(request.match_info), dict(request.query))
                status, payload = await route.handler(ctx)
            except FormError as error:
                status, payload = 400, error.body()
                record.error = payload
            except DiscordError as error:
                status, payload = error.status, error.body()
                record.error = payload
            record.status = status
            sandbox.record(record)
            return _json_response(status, payload, headers)

        return handler

    def _authenticate(self, request: web.Request) -> BotAccount:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bot "):
            bot = self.state.bots_by_token.get(header[4:])
            if bot is not None:
                return bot
        raise _error(401, 0, "401: Unauthorized")

    def _fault(self, method: str, path: str, interaction: bool, now: float):
        faults = self.sandbox.faults
        if not faults:
            return None
        for fault in list(faults):
            if fault.exhausted(now):
                faults.remove(fault)
                continue
            if fault.matches(method, path, interaction, now):
                fault.hits += 1
                return fault
        return None

    @staticmethod
    def _fault_response(fault) -> web.Response:
        if fault.status == 429:
            headers = {"Retry-After": str(max(1, round(fault.retry_after))),
                       "X-RateLimit-Scope": "global" if fault.is_global else "shared"}
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            return _json_response(429, {"message": "You are being rate limited.", "retry_after": fault.retry_after,
                                        "global": fault.is_global}, headers)
        return _json_response(fault.status, {"message": f"{fault.status}: Server error (injected)", "code": 0}, {})

    # -- lookups -----------------------------------------------------------------------------------------------

    def _guild_for_bot(self, guild_id: int, bot: BotAccount) -> Guild:
        guild = self.state.guilds.get(guild_id)
        if guild is None:
            raise _error(404, 10004, "Unknown Guild")
        if bot.id not in guild.members:
            raise missing_access()
        return guild

    def _channel_for_bot(self, channel_id: int, bot: BotAccount) -> tuple[Channel, int]:
        """The channel and the bot's permissions in it; 404 if unknown, 403 Missing Access if not visible."""
        channel = self.state.channels.get(channel_id)
        if channel is None:
            raise unknown_channel()
        guild = channel.guild
        if guild is None:
            if self.state.dm_channels.get((bot.id, channel.recipients[0].id)) is not channel:
                raise missing_access()
            return channel, perms.ALL_PERMISSIONS & ~(perms.ADMINISTRATOR | perms.MANAGE_MESSAGES)
        member = guild.members.get(bot.id)
        if member is None:
            raise missing_access()
        value = perms.channel_permissions(guild, member, channel)
        if not value & perms.VIEW_CHANNEL:
            raise missing_access()
        if channel.type == PRIVATE_THREAD and bot.id not in channel.thread_member_ids and not value & perms.MANAGE_THREADS:
            raise missing_access()
        return channel, value

    def _message_in(self, channel: Channel, message_id: int) -> Message:
        message = self.state.messages.get(message_id)
        if message is None or message.channel is not channel or message.deleted or message.ephemeral:
            raise unknown_message()
        return message

    # -- users, application, gateway ---------------------------------------------------------------------------

    async def get_gateway(self, ctx: Ctx) -> tuple[int, Any]:
        return 200, {"url": self.sandbox.hub.gateway_url}

    async def get_gateway_bot(self, ctx: Ctx) -> tuple[int, Any]:
        return 200, {"url": self.sandbox.hub.gateway_url, "shards": 1,
                     "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000,
                                             "max_concurrency": 1}}

    async def get_me(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        return 200, dict(bot.user.to_dict(), verified=True, mfa_enabled=False, email=None, locale="en-US",
                         premium_type=0, bio="")

    async def get_my_guilds(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        guilds = sorted((g for g in self.state.guilds.values() if bot.id in g.members), key=lambda g: g.id)
        after = int(ctx.query.get("after", 0))
        limit = max(1, min(200, int(ctx.query.get("limit", 200))))
        return 200, [{"id": str(g.id), "name": g.name, "icon": None, "banner": None, "owner": g.owner_id == bot.id,
                      "permissions": str(perms.base_permissions(g, g.members[bot.id])), "features": g.features}
                     for g in guilds if g.id > after][:limit]

    async def get_user(self, ctx: Ctx) -> tuple[int, Any]:
        user = self.state.users.get(ctx.snowflake("user_id"))
        if user is None:
            raise _error(404, 10013, "Unknown User")
        return 200, user.to_dict()

    async def get_application(self, ctx: Ctx) -> tuple[int, Any]:
        return 200, ctx.require_bot.application_dict()

    async def create_dm(self, ctx: Ctx) -> tuple[int, Any]:
        body = ctx.body if isinstance(ctx.body, dict) else {}
        try:
            user = self.state.users.get(int(body.get("recipient_id")))
        except (TypeError, ValueError):
            user = None
        if user is None:
            error = FormError()
            error.add(("recipient_id",), "NUMBER_TYPE_COERCE", "Value is not snowflake.")
            raise error
        return 200, self.sandbox.dm_channel(ctx.require_bot, user).to_dict()

    # -- channels ----------------------------------------------------------------------------------------------

    async def get_channel(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        return 200, channel.to_dict(for_user_id=bot.id)

    async def typing(self, ctx: Ctx) -> tuple[int, Any]:
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)
        if channel.guild is not None and not value & perms.send_permission(channel):
            raise missing_permissions()
        return 204, None

    async def edit_channel(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        if channel.guild is None:
            raise _error(400, 50024, "Cannot execute action on this channel type")
        if channel.is_thread:
            owner = channel.owner_id == bot.id
            if "locked" in body and not value & perms.MANAGE_THREADS:
                raise missing_permissions()
            if not (owner or value & perms.MANAGE_THREADS):
                raise missing_permissions()
            if "name" in body:
                validate_thread_name(body["name"])
                channel.name = body["name"]
            if "archived" in body:
                channel.archived = bool(body["archived"])
                channel.archive_timestamp = _now_iso()
            if "locked" in body:
                channel.locked = bool(body["locked"])
            if "auto_archive_duration" in body:
                channel.auto_archive_duration = int(body["auto_archive_duration"])
            event = "THREAD_UPDATE"
        else:
            if not value & perms.PERMISSION_BITS["manage_channels"]:
                raise missing_permissions()
            if "name" in body:
                channel.name = str(body["name"])
            if "topic" in body:
                channel.topic = body["topic"]
            event = "CHANNEL_UPDATE"
        self.sandbox._dispatch_guild_event(channel.guild, event, channel.to_dict())
        self.sandbox._changed()
        return 200, channel.to_dict(for_user_id=bot.id)

    async def list_messages(self, ctx: Ctx) -> tuple[int, Any]:
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)
        if channel.guild is not None and not value & perms.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        query = ctx.query
        try:
            limit = int(query.get("limit", 50))
            before = int(query["before"]) if "before" in query else None
            after = int(query["after"]) if "after" in query else None
            around = int(query["around"]) if "around" in query else None
        except ValueError:
            error = FormError()
            error.add(("limit",), "NUMBER_TYPE_COERCE", "Value is not int.")
            raise error from None
        if not 1 <= limit <= 100:
            error = FormError()
            error.add(("limit",), "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")
            raise error
        ids = channel.history_ids(limit=limit, before=before, after=after, around=around)
        messages = self.state.messages
        return 200, [messages[i].to_dict() for i in ids]

    async def get_message(self, ctx: Ctx) -> tuple[int, Any]:
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)
        if channel.guild is not None and not value & perms.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        return 200, self._message_in(channel, ctx.snowflake("message_id")).to_dict()

    def _check_send(self, channel: Channel, value: int, payload: dict[str, Any], file_count: int) -> None:
        if channel.guild is None:
            recipient = channel.recipients[0]
            if not recipient.accepts_dms or recipient.bot:
                raise _error(403, 50007, "Cannot send messages to this user")
            return
        if not value & perms.send_permission(channel):
            raise missing_permissions()
        if payload.get("embeds") and not value & perms.EMBED_LINKS:
            raise missing_permissions()
        if file_count and not value & perms.ATTACH_FILES:
            raise missing_permissions()
        if payload.get("poll") and not value & perms.SEND_POLLS:
            raise missing_permissions()
        if channel.is_thread:
            if channel.locked and not value & perms.MANAGE_THREADS:
                if channel.archived:
                    raise _error(400, 50083, "Thread is archived")
                raise missing_permissions()
            if channel.archived:
                channel.archived = False

    async def create_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        payload = ctx.body
        validate_message(payload, creating=True, file_count=len(ctx.files))
        if channel.type not in (TEXT_CHANNEL, 1) and not channel.is_thread:
            raise _error(400, 50008, "Cannot send messages in a non-text channel")
        self._check_send(channel, value, payload, len(ctx.files))
        nonce = payload.get("nonce")
        key = None
        if nonce is not None and payload.get("enforce_nonce"):
            key = (bot.id, str(nonce))
            previous = self.state.nonces.get(key)
            if previous is not None and time.monotonic() - previous[1] < self.sandbox.nonce_window:
                existing = self.state.messages.get(previous[0])
                if existing is not None and not existing.deleted:
                    return 200, existing.to_dict()
        reference = None
        message_type = MESSAGE_DEFAULT
        ref = payload.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            referenced = self.state.messages.get(int(ref["message_id"]))
            if referenced is None or referenced.deleted:
                if ref.get("fail_if_not_exists", True):
                    error = FormError()
                    error.add(("message_reference",), "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
                    raise error
            else:
                reference = {"type": 0, "message_id": str(referenced.id), "channel_id": str(referenced.channel.id)}
                if referenced.channel.guild is not None:
                    reference["guild_id"] = str(referenced.channel.guild.id)
                message_type = MESSAGE_REPLY
        message = self.sandbox.create_message(channel, bot.user, payload, files=ctx.files, type=message_type,
                                              message_reference=reference)
        if key is not None:
            self.state.nonces[key] = (message.id, time.monotonic())
        return 200, message.to_dict()

    async def edit_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        message = self._message_in(channel, ctx.snowflake("message_id"))
        payload = ctx.body
        if message.author.id != bot.id:
            raise _error(403, 50005, "Cannot edit a message authored by another user")
        validate_message(payload, creating=False, file_count=len(ctx.files))
        if payload.get("embeds") and channel.guild is not None and not value & perms.EMBED_LINKS:
            raise missing_permissions()
        if channel.is_thread and channel.locked and not value & perms.MANAGE_THREADS:
            raise missing_permissions()
        self._edit_checked(message, payload, ctx.files)
        return 200, message.to_dict()

    def _edit_checked(self, message: Message, payload: dict[str, Any], files, *, clear_loading: bool = False
                      ) -> None:
        self.sandbox.edit_message(message, payload, files=files, clear_loading=clear_loading)
        if not (message.content or message.embeds or message.components or message.attachments or message.poll):
            # Discord refuses the edit; put the message back the way it was.
            previous = message.revisions.pop()
            message.content, message.embeds = previous.content, previous.embeds
            message.components, message.attachments = previous.components, previous.attachments
            message.changed()
            raise _error(400, 50006, "Cannot send an empty message")

    async def delete_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        message = self._message_in(channel, ctx.snowflake("message_id"))
        if message.author.id != bot.id and not value & perms.MANAGE_MESSAGES:
            raise missing_permissions()
        self.sandbox.delete_message(message)
        return 204, None

    async def thread_from_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if channel.type != TEXT_CHANNEL:
            raise _error(400, 50024, "Cannot execute action on this channel type")
        if not value & perms.CREATE_PUBLIC_THREADS:
            raise missing_permissions()
        message = self._message_in(channel, ctx.snowflake("message_id"))
        body = ctx.body if isinstance(ctx.body, dict) else {}
        thread = self.sandbox.start_thread(channel, body.get("name"), bot.user, message=message,
                                           auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        return 201, thread.to_dict(for_user_id=bot.id)

    async def thread_without_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if channel.type != TEXT_CHANNEL:
            raise _error(400, 50024, "Cannot execute action on this channel type")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        thread_type = int(body.get("type") or PRIVATE_THREAD)
        if thread_type not in (PUBLIC_THREAD, PRIVATE_THREAD):
            error = FormError()
            error.add(("type",), "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.")
            raise error
        needed = perms.CREATE_PUBLIC_THREADS if thread_type == PUBLIC_THREAD else perms.CREATE_PRIVATE_THREADS
        if not value & needed:
            raise missing_permissions()
        thread = self.sandbox.start_thread(channel, body.get("name"), bot.user, thread_type=thread_type,
                                           auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        return 201, thread.to_dict(for_user_id=bot.id)

    async def join_thread(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if not channel.is_thread:
            raise _error(400, 50024, "Cannot execute action on this channel type")
        if channel.archived:
            raise _error(400, 50083, "Thread is archived")
        channel.thread_member_ids.add(bot.id)
        return 204, None

    async def leave_thread(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if not channel.is_thread:
            raise _error(400, 50024, "Cannot execute action on this channel type")
        channel.thread_member_ids.discard(bot.id)
        return 204, None

    # -- guilds ------------------------------------------------------------------------------------------------

    async def get_guild(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        data = guild.to_dict(members=False)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at", "large",
                    "member_count", "lazy", "unavailable"):
            data.pop(key, None)
        if ctx.query.get("with_counts") in ("1", "true", "True"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return 200, data

    async def get_guild_channels(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        return 200, [c.to_dict() for c in guild.channels.values() if not c.is_thread]

    async def get_roles(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        return 200, [r.to_dict() for r in guild.roles.values()]

    async def list_members(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), bot)
        if not bot.privileged_intents & INTENT_GUILD_MEMBERS:
            raise missing_access()
        limit = max(1, min(1000, int(ctx.query.get("limit", 1))))
        after = int(ctx.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)[:limit]
        return 200, [m.to_dict() for m in members]

    async def get_member(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        member = guild.members.get(ctx.snowflake("user_id"))
        if member is None:
            raise _error(404, 10007, "Unknown Member")
        return 200, member.to_dict()

    async def active_threads(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), bot)
        threads = [c for c in guild.channels.values() if c.is_thread and not c.archived]
        members = [{"id": str(t.id), "user_id": str(bot.id), "join_timestamp": t.created_at, "flags": 0}
                   for t in threads if bot.id in t.thread_member_ids]
        return 200, {"threads": [t.to_dict(for_user_id=bot.id) for t in threads], "members": members}

    # -- application commands ----------------------------------------------------------------------------------

    def _command_scope(self, ctx: Ctx) -> tuple[BotAccount, int | None]:
        bot = ctx.require_bot
        if ctx.snowflake("application_id") != bot.application_id:
            raise _error(403, 20012, "You are not authorized to perform this action on this application")
        guild_id = None
        if "guild_id" in ctx.match:
            guild_id = self._guild_for_bot(ctx.snowflake("guild_id"), bot).id
        return bot, guild_id

    def _store_command(self, bot: BotAccount, guild_id: int | None, data: dict[str, Any],
                       existing: ApplicationCommand | None) -> ApplicationCommand:
        command_type = int(data.get("type", 1))
        dmp = data.get("default_member_permissions")
        command = ApplicationCommand(
            id=existing.id if existing else self.state.next_id(),
            application_id=bot.application_id,
            guild_id=guild_id,
            name=data["name"],
            type=command_type,
            description=data.get("description") or "",
            options=list(data.get("options") or []),
            default_member_permissions=str(dmp) if dmp is not None else None,
            raw={k: v for k, v in data.items() if k not in ("id", "application_id", "version", "guild_id")},
            version=self.state.next_id(),
        )
        bot.commands_for(guild_id)[command.id] = command
        return command

    async def list_commands(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id = self._command_scope(ctx)
        return 200, [c.to_dict() for c in bot.commands_for(guild_id).values()]

    async def overwrite_commands(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id = self._command_scope(ctx)
        validate_commands(ctx.body)
        current = bot.commands_for(guild_id)
        by_key = {(c.name, c.type): c for c in current.values()}
        current.clear()
        stored = [self._store_command(bot, guild_id, data, by_key.get((data["name"], int(data.get("type", 1)))))
                  for data in ctx.body]
        return 200, [c.to_dict() for c in stored]

    async def upsert_command(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id = self._command_scope(ctx)
        validate_command(ctx.body)
        current = bot.commands_for(guild_id)
        existing = next((c for c in current.values() if c.name == ctx.body["name"]
                         and c.type == int(ctx.body.get("type", 1))), None)
        command = self._store_command(bot, guild_id, ctx.body, existing)
        return (200 if existing else 201), command.to_dict()

    def _command(self, ctx: Ctx) -> tuple[BotAccount, int | None, ApplicationCommand]:
        bot, guild_id = self._command_scope(ctx)
        command = bot.commands_for(guild_id).get(ctx.snowflake("command_id"))
        if command is None:
            raise _error(404, 10063, "Unknown application command")
        return bot, guild_id, command

    async def get_command(self, ctx: Ctx) -> tuple[int, Any]:
        return 200, self._command(ctx)[2].to_dict()

    async def edit_command(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id, command = self._command(ctx)
        merged = dict(command.to_dict(), **(ctx.body or {}))
        validate_command(merged)
        return 200, self._store_command(bot, guild_id, merged, command).to_dict()

    async def delete_command(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id, command = self._command(ctx)
        del bot.commands_for(guild_id)[command.id]
        return 204, None

    async def command_permissions(self, ctx: Ctx) -> tuple[int, Any]:
        self._command_scope(ctx)
        return 200, []

    # -- interactions ------------------------------------------------------------------------------------------

    def _interaction_message_type(self, handle: InteractionHandle) -> int:
        if handle.type == APPLICATION_COMMAND:
            return MESSAGE_CHAT_INPUT_COMMAND if handle.data.get("type", 1) == 1 else MESSAGE_CONTEXT_MENU_COMMAND
        return MESSAGE_REPLY if handle.message is not None else MESSAGE_DEFAULT

    def _interaction_message(self, handle: InteractionHandle, payload: dict[str, Any], files, *,
                             ephemeral: bool, loading: bool = False) -> Message:
        metadata: dict[str, Any] = {
            "id": str(handle.id),
            "type": handle.type,
            "user": handle.user.to_dict(),
            "authorizing_integration_owners": {"0": str(handle.guild.id)} if handle.guild else {"1": str(handle.user.id)},
        }
        if handle.type == APPLICATION_COMMAND:
            metadata["name"] = handle.command_name
            metadata["command_type"] = handle.data.get("type", 1)
        if handle.message is not None:
            metadata["interacted_message_id"] = str(handle.message.id)
        reference = None
        if handle.message is not None and handle.type in (MESSAGE_COMPONENT, MODAL_SUBMIT):
            reference = {"type": 0, "message_id": str(handle.message.id), "channel_id": str(handle.channel.id)}
            if handle.guild is not None:
                reference["guild_id"] = str(handle.guild.id)
        body = dict(payload)
        if loading:
            body["flags"] = FLAG_LOADING | (FLAG_EPHEMERAL if ephemeral else 0)
        message = self.sandbox.create_message(
            handle.channel, handle.bot.user, body, files=files, type=self._interaction_message_type(handle),
            webhook_id=handle.bot.application_id, application_id=handle.bot.application_id,
            interaction_metadata=metadata, message_reference=reference, ephemeral=ephemeral)
        if ephemeral:
            message.visible_to = handle.user.id
        return message

    def _handle_for(self, ctx: Ctx, *, webhook: bool) -> InteractionHandle:
        handle = self.sandbox.interaction_by_token(ctx.match["token"])
        if webhook:
            if handle is None or str(handle.bot.application_id) != ctx.match["application_id"]:
                raise _error(404, 10015, "Unknown Webhook")
            if time.monotonic() - handle.created_monotonic > self.sandbox.interaction_token_lifetime:
                raise _error(401, 50027, "Invalid Webhook Token")
            return handle
        if handle is None or str(handle.id) != ctx.match["interaction_id"]:
            raise _error(404, 10062, "Unknown interaction")
        return handle

    async def interaction_callback(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=False)
        try:
            return self._callback(ctx, handle)
        except (FormError, DiscordError) as error:
            body = error.body()
            status = 400 if isinstance(error, FormError) else error.status
            handle.rejected.append((status, body.get("code", 0), body.get("message", "")))
            self.sandbox.interaction_changed(handle)
            raise

    def _callback(self, ctx: Ctx, handle: InteractionHandle) -> tuple[int, Any]:
        sandbox = self.sandbox
        if handle.acknowledged:
            raise _error(400, 40060, "Interaction has already been acknowledged.")
        timeout = sandbox.interaction_ack_timeout
        if timeout is not None and time.monotonic() - handle.created_monotonic > timeout:
            raise _error(404, 10062, "Unknown interaction")
        body = ctx.body
        if not isinstance(body, dict) or not isinstance(body.get("type"), int):
            error = FormError()
            error.add(("type",), "BASE_TYPE_REQUIRED", "This field is required")
            raise error
        callback_type = body["type"]
        data = body.get("data") or {}
        allowed = _ALLOWED_CALLBACKS.get(handle.type, set())
        if callback_type == CALLBACK_UPDATE_MESSAGE or callback_type == CALLBACK_DEFERRED_UPDATE_MESSAGE:
            if handle.type == MODAL_SUBMIT and handle.message is None:
                allowed = allowed - {CALLBACK_UPDATE_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE}
        if callback_type not in allowed:
            error = FormError()
            error.add(("type",), "INTERACTION_CALLBACK_TYPE_INVALID",
                      f"Interaction callback type {callback_type} is not allowed for this interaction")
            raise error
        resource: dict[str, Any] | None = None
        files = ctx.files
        if callback_type == CALLBACK_CHANNEL_MESSAGE:
            validate_message(data, creating=True, file_count=len(files), interaction=True)
            ephemeral = bool((data.get("flags") or 0) & FLAG_EPHEMERAL)
            handle.acked_at = time.perf_counter()
            message = self._interaction_message(handle, data, files, ephemeral=ephemeral)
            handle.response = message
            resource = {"type": callback_type, "message": message.to_dict()}
        elif callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            ephemeral = bool((data.get("flags") or 0) & FLAG_EPHEMERAL)
            handle.acked_at = time.perf_counter()
            message = self._interaction_message(handle, {}, (), ephemeral=ephemeral, loading=True)
            handle.response = message
            resource = {"type": callback_type, "message": message.to_dict()}
        elif callback_type == CALLBACK_DEFERRED_UPDATE_MESSAGE:
            handle.acked_at = time.perf_counter()
        elif callback_type == CALLBACK_UPDATE_MESSAGE:
            validate_message(data, creating=False, file_count=len(files), interaction=True)
            assert handle.message is not None
            handle.acked_at = time.perf_counter()
            self._edit_checked(handle.message, data, files)
            handle.updated_message = handle.message
            resource = {"type": callback_type, "message": handle.message.to_dict()}
        elif callback_type == CALLBACK_AUTOCOMPLETE_RESULT:
            validate_autocomplete(data)
            handle.acked_at = time.perf_counter()
            handle.choices = list(data.get("choices") or [])
        elif callback_type == CALLBACK_MODAL:
            validate_modal(data)
            handle.acked_at = time.perf_counter()
            handle.modal = data
            sandbox.register_open_modal(handle)
            resource = {"type": callback_type}
        handle.callback_type = callback_type
        handle.callback_data = data
        sandbox.interaction_changed(handle)
        if ctx.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        response_message = handle.response
        interaction_info: dict[str, Any] = {
            "id": str(handle.id),
            "type": handle.type,
            "activity_instance_id": None,
            "response_message_id": str(response_message.id) if response_message else None,
            "response_message_loading": bool(response_message and response_message.flags & FLAG_LOADING),
            "response_message_ephemeral": bool(response_message and response_message.ephemeral),
        }
        result: dict[str, Any] = {"interaction": interaction_info}
        if resource is not None:
            result["resource"] = resource
        return 200, result

    def _original(self, handle: InteractionHandle) -> Message:
        if handle.response is not None:
            return handle.response
        if handle.callback_type in (CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE) and handle.message:
            return handle.message
        raise unknown_message()

    def _webhook_message(self, ctx: Ctx, handle: InteractionHandle) -> Message:
        if ctx.match["message_id"] == "@original":
            return self._original(handle)
        message_id = ctx.snowflake("message_id")
        for message in handle.followups:
            if message.id == message_id:
                return message
        if handle.response is not None and handle.response.id == message_id:
            return handle.response
        raise unknown_message()

    async def followup_create(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        if not handle.acknowledged:
            raise _error(404, 10015, "Unknown Webhook")
        payload = ctx.body
        validate_message(payload, creating=True, file_count=len(ctx.files), interaction=True)
        response = handle.response
        if (handle.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE and response is not None
                and response.flags & FLAG_LOADING):
            # Discord: the first follow-up after a deferred response edits the loading message instead.
            self._edit_checked(response, payload, ctx.files, clear_loading=True)
            message = response
        else:
            ephemeral = bool((payload.get("flags") or 0) & FLAG_EPHEMERAL)
            message = self._interaction_message(handle, payload, ctx.files, ephemeral=ephemeral)
            handle.followups.append(message)
        self.sandbox.interaction_changed(handle)
        if ctx.query.get("wait") in ("1", "true", "True"):
            return 200, message.to_dict()
        return 204, None

    async def webhook_message_get(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        return 200, self._webhook_message(ctx, handle).to_dict()

    async def webhook_message_edit(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        message = self._webhook_message(ctx, handle)
        validate_message(ctx.body, creating=False, file_count=len(ctx.files), interaction=True)
        self._edit_checked(message, ctx.body, ctx.files, clear_loading=True)
        if message is handle.message:
            handle.updated_message = message
        self.sandbox.interaction_changed(handle)
        return 200, message.to_dict()

    async def webhook_message_delete(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        message = self._webhook_message(ctx, handle)
        self.sandbox.delete_message(message)
        self.sandbox.interaction_changed(handle)
        return 204, None


_ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_MODAL},
    MESSAGE_COMPONENT: {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE,
                        CALLBACK_UPDATE_MESSAGE, CALLBACK_MODAL},
    APPLICATION_COMMAND_AUTOCOMPLETE: {CALLBACK_AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE,
                   CALLBACK_UPDATE_MESSAGE},
}


def _now_iso() -> str:
    from bot.sandbox.state import iso_timestamp

    return iso_timestamp()


def _json_response(status: int, payload: Any, headers: dict[str, str]) -> web.Response:
    if status == 204 or payload is None:
        response = web.Response(status=204, headers={"Via": "1.1 google", **headers})
        return response
    return web.Response(status=status, body=dumps(payload).encode(), headers={**JSON_HEADERS, **headers})


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes, str | None]]]:
    """JSON bodies, or multipart/form-data with payload_json and files[n] (how discord.py uploads files)."""
    if request.method in ("GET", "DELETE") or not request.can_read_body:
        return None, []
    content_type = request.content_type
    if content_type == "multipart/form-data":
        payload: Any = {}
        files: dict[int, tuple[str, bytes, str | None]] = {}
        reader = await request.multipart()
        async for part in reader:
            name = part.name or ""
            data = await part.read(decode=False)
            if name == "payload_json":
                payload = _parse_json(bytes(data))
            elif name.startswith("files[") and name.endswith("]"):
                try:
                    index = int(name[6:-1])
                except ValueError:
                    continue
                part_type = part.headers.get("Content-Type")
                files[index] = (part.filename or f"file{index}", bytes(data), part_type)
            elif name.startswith("file"):
                files[len(files)] = (part.filename or name, bytes(data), part.headers.get("Content-Type"))
        ordered = [files[i] for i in sorted(files)]
        return payload, ordered
    raw = await request.read()
    if not raw:
        return {}, []
    return _parse_json(raw), []


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


def build_app(sandbox: Sandbox) -> web.Application:
    from bot.sandbox.control import add_control_routes

    app = web.Application(client_max_size=64 * 1024 * 1024)
    rest = RestApi(sandbox)
    for route in rest.routes():
        app.router.add_route(route.method, API_PREFIX + route.path, rest.wrap(route))

    async def not_found(request: web.Request) -> web.Response:
        sandbox.record(RecordedRequest(request.method, request.path[len(API_PREFIX):], dict(request.query), None, [],
                                       time.monotonic(), status=404))
        return _json_response(404, {"message": "404: Not Found", "code": 0}, {})

    app.router.add_route("*", API_PREFIX + "/{tail:.*}", not_found)
    app.router.add_get("/gw", sandbox.hub.handle)
    app.router.add_get("/gw/", sandbox.hub.handle)

    async def attachment(request: web.Request) -> web.Response:
        try:
            message_attachments = sandbox.attachment(int(request.match_info["attachment_id"]))
        except (KeyError, ValueError):
            return web.Response(status=404, text="Not Found")
        return web.Response(body=message_attachments.data,
                            headers={"Content-Type": message_attachments.content_type or "application/octet-stream"})

    app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", attachment)
    add_control_routes(app, sandbox)
    return app
