"""The aiohttp application: Discord's REST API v10 under /api/v10, the gateway at /gw, attachments, control API.

Every REST request goes through one wrapper that authenticates the bot token, applies injected faults and rate
limits, records the request, and turns sandbox errors into Discord's JSON error bodies. Responses carry
`Content-Type: application/json` exactly (discord.py checks it) and a `Via` header (discord.py treats a 429
without one as a Cloudflare ban).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox import permissions as perms
from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.limits import (
    DiscordError,
    FormError,
)
from bot.sandbox.message_state import Message
from bot.sandbox.rest_channels import ChannelRoutes
from bot.sandbox.rest_common import (
    API_PREFIX,
    Ctx,
    RestRoute,
    discord_error,
    json_response,
    missing_access,
    read_body,
    unknown_channel,
    unknown_message,
)
from bot.sandbox.rest_interactions import InteractionRoutes
from bot.sandbox.rest_polls import PollRoutes
from bot.sandbox.state import PRIVATE_THREAD, Channel, Guild, RecordedRequest

if TYPE_CHECKING:
    from bot.sandbox.api import Sandbox


class RestApi(ChannelRoutes, InteractionRoutes, PollRoutes):
    """Discord's REST API v10 over the sandbox's state; the route handlers live in the mixins."""

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
                body, files = await read_body(request)
                # Discord counts a request against its limits when it handles it: the moment the body is in, not
                # when the first bytes came (a busy loop may read bodies out of order).
                now = record.time = time.monotonic()
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
                    return json_response(429, {"message": "You are being rate limited.",
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
            return json_response(status, payload, headers)

        return handler

    def _authenticate(self, request: web.Request) -> BotAccount:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bot "):
            bot = self.state.bots_by_token.get(header[4:])
            if bot is not None:
                return bot
        raise discord_error(401, 0, "401: Unauthorized")

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
            return json_response(429, {"message": "You are being rate limited.", "retry_after": fault.retry_after,
                                        "global": fault.is_global}, headers)
        return json_response(fault.status, {"message": f"{fault.status}: Server error (injected)", "code": 0}, {})

    # -- lookups -----------------------------------------------------------------------------------------------

    def _guild_for_bot(self, guild_id: int, bot: BotAccount) -> Guild:
        guild = self.state.guilds.get(guild_id)
        if guild is None:
            raise discord_error(404, 10004, "Unknown Guild")
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
        return 200, {"url": self.sandbox.hub.gateway_url, "shards": getattr(self.sandbox, "recommended_shards", 1),
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
            raise discord_error(404, 10013, "Unknown User")
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


def build_app(sandbox: Sandbox) -> web.Application:
    from bot.sandbox.control import add_control_routes

    app = web.Application(client_max_size=64 * 1024 * 1024)
    rest = RestApi(sandbox)
    for route in rest.routes() + rest.poll_routes():
        app.router.add_route(route.method, API_PREFIX + route.path, rest.wrap(route))

    async def not_found(request: web.Request) -> web.Response:
        sandbox.record(RecordedRequest(request.method, request.path[len(API_PREFIX):], dict(request.query), None, [],
                                       time.monotonic(), status=404))
        return json_response(404, {"message": "404: Not Found", "code": 0}, {})

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
