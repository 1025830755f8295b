"""`RemoteSandbox`: drive a sandbox in another process (`python -m bot.sandbox`) over its control API.

Methods have the names and arguments of `Sandbox`'s (see bot.sandbox.control.CALLABLE) and return JSON:
objects as references ({"$guild": ...}, {"$message": ...}) with their readable fields; pass the references back
as arguments.

    remote = RemoteSandbox(control_url)
    guild = await remote.add_guild("Readers")
    channel = await remote.add_channel(guild, "articles")
    handle = await remote.click_button(member, message, "poll:1:2")
    handle = await remote.wait_interaction(handle, until="ack")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp


class RemoteSandboxError(Exception):
    """The sandbox refused a call (its message says why)."""


class RemoteSandbox:
    def __init__(self, control_url: str) -> None:
        self.control_url = control_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> RemoteSandbox:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if method == "add_channel" and isinstance(kwargs.get("overwrites"), dict):
            raise TypeError("over the control API pass overwrites as a list of [target, allow, deny]")
        session = await self._http()
        async with session.post(f"{self.control_url}/call/{method}", json={"args": args, "kwargs": kwargs}) as reply:
            data = await reply.json()
        if reply.status != 200:
            raise RemoteSandboxError(data.get("error", f"HTTP {reply.status}"))
        return data["result"]

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        if name.startswith("_"):
            raise AttributeError(name)

        async def method(*args: Any, **kwargs: Any) -> Any:
            return await self.call(name, *args, **kwargs)

        method.__name__ = name
        return method

    async def wait_interaction(self, handle: dict[str, Any] | str, *, until: str = "ack",
                               timeout: float = 5.0) -> dict[str, Any]:
        """until: "ack" or "response" (see InteractionHandle.wait_ack / wait_response)."""
        interaction_id = handle["$interaction"] if isinstance(handle, dict) else handle
        session = await self._http()
        async with session.get(f"{self.control_url}/interactions/{interaction_id}",
                               params={"wait": until, "timeout": str(timeout)}) as reply:
            data = await reply.json()
        if reply.status != 200:
            raise RemoteSandboxError(data.get("error", f"HTTP {reply.status}"))
        return data["result"]

    async def interaction_records(self, since: int | str = 0) -> list[dict[str, Any]]:
        """Timing records (created_at, acked_at, latency, callback_type...) of interactions after `since`."""
        session = await self._http()
        async with session.get(f"{self.control_url}/interactions", params={"since": str(since)}) as reply:
            return (await reply.json())["result"]

    async def requests(self, since: int = 0) -> tuple[list[dict[str, Any]], int]:
        """REST requests the bot made from index `since`, and the index to continue from."""
        session = await self._http()
        async with session.get(f"{self.control_url}/requests", params={"since": str(since)}) as reply:
            data = await reply.json()
        return data["result"], data["next"]

    async def info(self) -> dict[str, Any]:
        session = await self._http()
        async with session.get(f"{self.control_url}/info") as reply:
            return (await reply.json())["result"]
