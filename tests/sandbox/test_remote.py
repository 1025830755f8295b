"""A sandbox in another process (`python -m bot.sandbox`), driven over its control API, with a real client here."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator

import discord
import pytest
import yarl

from bot.sandbox import RemoteSandbox
from bot.sandbox.remote import RemoteSandboxError

from .helpers import make_client, running

TOKEN = "remote-token"


@pytest.fixture
async def remote_sandbox(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[RemoteSandbox, dict]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox", "--token", TOKEN, "--guild", "Remote readers", "--channel", "articles",
        stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    info = json.loads(await asyncio.wait_for(process.stdout.readline(), 20))
    monkeypatch.setattr(discord.http.Route, "BASE", info["api_base"])
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(info["gateway_url"]))
    remote = RemoteSandbox(info["control_url"])
    try:
        yield remote, info
    finally:
        await remote.close()
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0  # SIGTERM is a clean stop


async def test_remote_sandbox_drives_a_client_in_this_process(remote_sandbox: tuple[RemoteSandbox, dict]) -> None:
    remote, info = remote_sandbox
    guild, channel = info["guilds"][0], info["channels"][0]
    member = await remote.add_member(guild, "dora", locale="de")
    client = make_client()
    clicked: list[tuple[int, str]] = []

    @client.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            clicked.append((interaction.user.id, interaction.data["custom_id"]))
            await interaction.response.send_message("ok", ephemeral=True)

    async with running(client, TOKEN):
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Ja", custom_id="yes"))
        await client.get_channel(int(channel["$channel"])).send("Frage?", view=view)
        messages = await remote.messages(channel)
        handle = await remote.click_button(member, messages[0], "yes")
        handle = await remote.wait_interaction(handle, until="response")
        records = await remote.interaction_records()
        requests, next_index = await remote.requests()
        with pytest.raises(RemoteSandboxError):
            await remote.click_button(member, messages[0], "no")
        assert await remote.drop_gateway() == 1
        await asyncio.sleep(0)
        await remote.wait_for_connection(timeout=10)
    assert clicked == [(int(member["$member"][1]), "yes")]
    assert handle["content"] == "ok" and handle["ephemeral"] is True and handle["latency"] > 0
    assert records[0]["acked_at"] is not None and records[0]["custom_id"] == "yes"
    assert ("POST", f"/channels/{channel['$channel']}/messages") in [(r["method"], r["path"]) for r in requests]
    assert next_index == len(requests)
