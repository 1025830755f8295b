"""Helpers for the sandbox tests: a small world and real discord.py clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord

from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.state import Channel, Guild, Member, Role

TOKEN = "sandbox-test-token"

@dataclass
class World:
    bot: BotAccount
    guild: Guild
    channel: Channel
    admin_role: Role
    admin: Member
    alice: Member
    bob: Member


@contextlib.asynccontextmanager
async def running(client: discord.Client, token: str = TOKEN, *, timeout: float = 10.0
                  ) -> AsyncIterator[discord.Client]:
    """Start a real discord.py client against the sandbox and wait until it is ready."""
    task = asyncio.create_task(client.start(token))
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # raises the client's error
        task.cancel()
        raise TimeoutError("the discord.py client did not become ready")
    try:
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


class QuickClient(discord.Client):
    """discord.Client that re-IDENTIFYs at once (its documented hook otherwise waits 5 s), to keep tests fast."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


def make_client(*, intents: discord.Intents | None = None, **kwargs) -> discord.Client:
    return QuickClient(intents=intents or discord.Intents.default(), guild_ready_timeout=0.05, **kwargs)


async def until(predicate, timeout: float = 5.0) -> None:
    """Poll a condition on discord.py's side (the sandbox has its own wait_until)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.01)
