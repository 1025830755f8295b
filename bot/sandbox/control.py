"""HTTP control API under /_sandbox, so a test or benchmark can drive a sandbox that runs in another process.

Objects travel as references: {"$guild": id}, {"$channel": id}, {"$member": [guild_id, user_id]},
{"$user": id}, {"$role": [guild_id, role_id]}, {"$message": id}, {"$bot": user_id}, {"$interaction": id}.
Results come back as the same references plus readable fields (a message's content, embeds, components...).
`bot.sandbox.remote.RemoteSandbox` wraps this in the same method names as `Sandbox`.
"""

from __future__ import annotations

import dataclasses
import json
import traceback
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.interactions import InteractionHandle
from bot.sandbox.message_state import Message
from bot.sandbox.rate_limits import Fault
from bot.sandbox.state import Channel, Guild, Member, RecordedRequest, Role, User

if TYPE_CHECKING:
    from bot.sandbox.api import Sandbox

CALLABLE = frozenset({
    "add_bot_user", "add_guild", "add_channel", "add_role", "add_member", "add_members", "set_member_roles",
    "set_overwrite", "set_role_permissions", "run_slash_command", "autocomplete", "click_button", "select",
    "submit_modal", "member_send_message", "member_send_dm", "inject_fault", "clear_faults", "drop_gateway",
    "request_reconnect", "invalidate_session", "set_rate_limit", "set_global_rate_limit", "messages", "message",
    "threads", "thread_of", "dm_messages", "bot_role", "bot_member", "is_connected", "wait_for_connection",
    "click_many", "permissions_of", "bot_permissions", "channel", "wait_for_message_count", "use_message_command",
    "use_user_command",
})


def to_json(value: Any) -> Any:
    """Sandbox objects as references with their readable fields."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Guild):
        return {"$guild": str(value.id), "name": value.name, "locale": value.locale}
    if isinstance(value, Channel):
        return dict(value.to_dict(), **{"$channel": str(value.id)})
    if isinstance(value, Member):
        return {"$member": [str(value.guild.id), str(value.user.id)], "name": value.name, "locale": value.locale,
                "roles": [str(r) for r in value.role_ids]}
    if isinstance(value, User):
        return {"$user": str(value.id), "username": value.username, "bot": value.bot}
    if isinstance(value, Role):
        return {"$role": [str(value.guild_id), str(value.id)], "name": value.name,
                "permissions": str(value.permissions)}
    if isinstance(value, Message):
        data = dict(value.to_dict(), **{"$message": str(value.id)})
        data["attachments"] = [dict(a.to_dict(), data_hex=a.data.hex()) for a in value.attachments]
        data["revisions"] = len(value.revisions)
        data["deleted"] = value.deleted
        return data
    if isinstance(value, BotAccount):
        return {"$bot": str(value.id), "token": value.token, "application_id": str(value.application_id),
                "name": value.user.username}
    if isinstance(value, InteractionHandle):
        return dict(value.summary(), **{"$interaction": str(value.id)})
    if isinstance(value, Fault):
        return {"status": value.status, "count": value.count, "hits": value.hits}
    if isinstance(value, RecordedRequest):
        return {"method": value.method, "path": value.path, "query": value.query, "json": value.json,
                "files": [name for name, _ in value.files], "time": value.time, "status": value.status,
                "bucket": value.bucket, "fault": value.fault}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_json(v) for v in value]
    if dataclasses.is_dataclass(value):
        return to_json(dataclasses.asdict(value))
    return repr(value)


def from_json(sandbox: Sandbox, value: Any) -> Any:
    """References back to objects."""
    state = sandbox.state
    if isinstance(value, list):
        return [from_json(sandbox, v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$guild" in value:
        return state.guilds[int(value["$guild"])]
    if "$channel" in value:
        return state.channels[int(value["$channel"])]
    if "$member" in value:
        guild_id, user_id = value["$member"]
        return state.guilds[int(guild_id)].members[int(user_id)]
    if "$user" in value:
        return state.users[int(value["$user"])]
    if "$role" in value:
        guild_id, role_id = value["$role"]
        return state.guilds[int(guild_id)].roles[int(role_id)]
    if "$message" in value:
        return state.messages[int(value["$message"])]
    if "$bot" in value:
        return state.bots_by_id[int(value["$bot"])]
    if "$interaction" in value:
        return sandbox.interactions[int(value["$interaction"])]
    return {k: from_json(sandbox, v) for k, v in value.items()}


def _response(status: int, payload: Any) -> web.Response:
    return web.Response(status=status, body=json.dumps(payload).encode(),
                        headers={"Content-Type": "application/json"})


def add_control_routes(app: web.Application, sandbox: Sandbox) -> None:
    from bot.sandbox.api import SandboxUsageError

    async def call(request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if name not in CALLABLE:
            return _response(404, {"error": f"no sandbox method {name!r} over the control API"})
        body = await request.json() if request.can_read_body else {}
        args = [from_json(sandbox, a) for a in body.get("args", [])]
        kwargs = {k: from_json(sandbox, v) for k, v in body.get("kwargs", {}).items()}
        if name == "add_channel" and isinstance(kwargs.get("overwrites"), list):
            kwargs["overwrites"] = {target: (allow, deny) for target, allow, deny in kwargs["overwrites"]}
        if name == "click_many":
            kwargs["clicks"] = [tuple(c) for c in kwargs.get("clicks", args[0] if args else [])]
            args = []
        try:
            if name == "wait_for_message_count":
                channel, count = args[0], int(args[1]) if len(args) > 1 else int(kwargs.get("count", 1))
                result = await sandbox.wait_for_message(channel, None, float(kwargs.get("timeout", 5.0)),
                                                        count=count)
            else:
                result = getattr(sandbox, name)(*args, **kwargs)
                if hasattr(result, "__await__"):
                    result = await result
        except SandboxUsageError as error:
            return _response(400, {"error": str(error), "type": "SandboxUsageError"})
        except (TimeoutError, KeyError, ValueError, TypeError) as error:
            return _response(400, {"error": f"{type(error).__name__}: {error}", "type": type(error).__name__})
        except Exception as error:  # pragma: no cover - reported to the remote caller
            return _response(500, {"error": repr(error), "traceback": traceback.format_exc()})
        if name == "click_many":
            return _response(200, {"result": [str(h.id) for h in result]})
        return _response(200, {"result": to_json(result)})

    async def interaction(request: web.Request) -> web.Response:
        try:
            handle = sandbox.interactions[int(request.match_info["interaction_id"])]
        except (KeyError, ValueError):
            return _response(404, {"error": "unknown interaction"})
        until = request.query.get("wait")
        timeout = float(request.query.get("timeout", 5.0))
        try:
            if until == "ack":
                await handle.wait_ack(timeout)
            elif until == "response":
                await handle.wait_response(timeout)
        except TimeoutError as error:
            return _response(408, {"error": str(error), "result": to_json(handle)})
        return _response(200, {"result": to_json(handle)})

    async def interactions(request: web.Request) -> web.Response:
        """Compact timing records of all interactions (created after `since`, an interaction id)."""
        since = int(request.query.get("since", 0))
        records = [
            {"id": str(h.id), "kind": h.kind, "user_id": str(h.user.id), "custom_id": h.custom_id,
             "message_id": str(h.message.id) if h.message else None, "created_at": h.created_at,
             "acked_at": h.acked_at, "latency": h.latency, "callback_type": h.callback_type,
             "ephemeral": h.ephemeral, "rejected": h.rejected}
            for interaction_id, h in sandbox.interactions.items() if interaction_id > since
        ]
        return _response(200, {"result": records})

    async def requests(request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        return _response(200, {"result": to_json(sandbox.requests[since:]), "next": len(sandbox.requests)})

    async def info(request: web.Request) -> web.Response:
        return _response(200, {"result": {
            "urls": sandbox.urls.as_dict(),
            "bots": to_json(list(sandbox.state.bots_by_id.values())),
            "guilds": to_json(list(sandbox.state.guilds.values())),
            "rate_limit_rejections": len(sandbox.rate_limit_rejections),
            "requests": len(sandbox.requests),
            "interactions": len(sandbox.interactions),
        }})

    app.router.add_post("/_sandbox/call/{method}", call)
    app.router.add_get("/_sandbox/interactions/{interaction_id}", interaction)
    app.router.add_get("/_sandbox/interactions", interactions)
    app.router.add_get("/_sandbox/requests", requests)
    app.router.add_get("/_sandbox/info", info)
