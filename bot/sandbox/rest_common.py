"""What every REST handler of the sandbox shares: the request context, route records, Discord's error
bodies and the JSON/multipart plumbing."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.gateway import dumps
from bot.sandbox.limits import (
    DiscordError,
    FormError,
)

if TYPE_CHECKING:
    pass


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


def discord_error(status: int, code: int, message: str) -> DiscordError:
    return DiscordError(status, code, message)


def missing_permissions() -> DiscordError:
    return discord_error(403, 50013, "Missing Permissions")


def missing_access() -> DiscordError:
    return discord_error(403, 50001, "Missing Access")


def unknown_channel() -> DiscordError:
    return discord_error(404, 10003, "Unknown Channel")


def unknown_message() -> DiscordError:
    return discord_error(404, 10008, "Unknown Message")



def now_iso() -> str:
    from bot.sandbox.state import iso_timestamp

    return iso_timestamp()


def json_response(status: int, payload: Any, headers: dict[str, str]) -> web.Response:
    if status == 204 or payload is None:
        response = web.Response(status=204, headers={"Via": "1.1 google", **headers})
        return response
    return web.Response(status=status, body=dumps(payload).encode(), headers={**JSON_HEADERS, **headers})


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes, str | None]]]:
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
                payload = parse_json(bytes(data))
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
    return parse_json(raw), []


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None

