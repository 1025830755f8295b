"""Fixtures: a started sandbox with discord.py pointed at it, and a small world."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
import yarl

from bot.sandbox import Sandbox

from .helpers import TOKEN, World


@pytest.fixture
async def sandbox(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox()
    urls = await sandbox.start()
    # Configuration discord.py allows: where its REST routes and its gateway live.
    monkeypatch.setattr(discord.http.Route, "BASE", urls.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(urls.gateway_url))
    yield sandbox
    await sandbox.stop()


@pytest.fixture
def world(sandbox: Sandbox) -> World:
    bot = sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Readers")
    channel = sandbox.add_channel(guild, "articles")
    admin_role = sandbox.add_role(guild, "Admins", ["manage_guild"])
    admin = sandbox.add_member(guild, "admin", roles=[admin_role])
    alice = sandbox.add_member(guild, "alice", locale="de")
    bob = sandbox.add_member(guild, "bob", locale="en-US")
    return World(bot, guild, channel, admin_role, admin, alice, bob)
