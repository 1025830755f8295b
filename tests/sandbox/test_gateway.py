"""A real discord.py client against the sandbox's gateway: handshake, events, resume, re-identify."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.sandbox import Sandbox
from bot.sandbox.gateway import INTENT_MESSAGE_CONTENT

from .helpers import TOKEN, World, make_client, running, until


async def test_client_connects_and_sees_the_guild(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        guild = client.get_guild(world.guild.id)
        assert guild is not None and guild.name == "Readers"
        assert guild.member_count == len(world.guild.members) == 5  # owner, bot, admin, alice, bob
        assert [c.name for c in guild.text_channels] == ["articles"]
        assert guild.me.id == world.bot.id
        assert guild.me.guild_permissions.send_messages
        assert client.application_id == world.bot.application_id
        assert sandbox.is_connected(world.bot)
    paths = [(r.method, r.path) for r in sandbox.requests]
    assert paths[:2] == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    identify = sandbox.hub.identifies[-1]
    assert identify.accepted and identify.intents == discord.Intents.default().value


async def test_bot_message_is_echoed_and_member_messages_arrive(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    seen: list[discord.Message] = []
    client.event(_collector(seen))
    async with running(client):
        channel = client.get_channel(world.channel.id)
        sent = await channel.send("Hallo zusammen")
        await sandbox.member_send_message(world.alice, world.channel, "Hi bot")
        await until(lambda: len(seen) >= 2)
    assert [m.id for m in seen][0] == sent.id and seen[0].author.id == world.bot.id
    assert seen[1].author.id == world.alice.id
    # Without the privileged message content intent the bot sees that a member wrote, not what.
    assert seen[1].content == ""
    assert [m.content for m in sandbox.messages(world.channel)] == ["Hallo zusammen", "Hi bot"]


async def test_message_content_intent_when_enabled(sandbox: Sandbox) -> None:
    sandbox.add_bot_user(TOKEN, privileged_intents=INTENT_MESSAGE_CONTENT)
    guild = sandbox.add_guild()
    channel = sandbox.add_channel(guild)
    member = sandbox.add_member(guild, "carla")
    intents = discord.Intents.default()
    intents.message_content = True
    client = make_client(intents=intents)
    seen: list[discord.Message] = []
    client.event(_collector(seen))
    async with running(client):
        await sandbox.member_send_message(member, channel, "Was denkt ihr?")
        await until(lambda: seen)
    assert seen[0].content == "Was denkt ihr?"


async def test_privileged_intent_not_enabled_is_refused(sandbox: Sandbox, world: World) -> None:
    intents = discord.Intents.default()
    intents.members = True
    client = make_client(intents=intents)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await asyncio.wait_for(client.start(TOKEN), 10)
    await client.close()
    assert sandbox.hub.identifies[-1].close_code == 4014


async def test_wrong_token_is_rejected(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()
    assert sandbox.requests[-1].path == "/users/@me" and sandbox.requests[-1].status == 401


async def test_resume_after_dropped_connection_replays_missed_events(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    seen: list[discord.Message] = []
    client.event(_collector(seen))
    resumed = asyncio.Event()

    @client.event
    async def on_resumed() -> None:
        resumed.set()

    async with running(client):
        session_id = sandbox.hub.bot_sessions(world.bot.id)[0].id
        assert sandbox.drop_gateway() == 1
        # While the bot is away, members keep writing; the session buffers the events.
        for index in range(3):
            await sandbox.member_send_message(world.bob, world.channel, f"while away {index}")
        await asyncio.wait_for(resumed.wait(), 10)
        await until(lambda: len(seen) >= 3)
        assert [m.author.id for m in seen] == [world.bob.id] * 3
        assert [m.id for m in seen] == [m.id for m in sandbox.messages(world.channel)]
        assert sandbox.hub.resumes[-1][1:] == (session_id, sandbox.hub.resumes[-1][2], True)
        assert len(sandbox.hub.identifies) == 1  # resumed, not re-identified
        # And the resumed session carries new events too.
        await sandbox.member_send_message(world.bob, world.channel, "after")
        await until(lambda: len(seen) >= 4)


async def test_lost_session_makes_the_client_identify_again(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    seen: list[discord.Message] = []
    client.event(_collector(seen))
    async with running(client):
        first_session = sandbox.hub.bot_sessions(world.bot.id)[0].id
        sandbox.drop_gateway(resumable=False)
        await sandbox.hub.wait_until(lambda: len(sandbox.hub.identifies) == 2 and sandbox.is_connected(), 10)
        new_session = sandbox.hub.bot_sessions(world.bot.id)[0].id
        assert new_session != first_session
        assert sandbox.hub.resumes[-1][3] is False  # the RESUME attempt was answered with INVALID_SESSION
        await sandbox.member_send_message(world.bob, world.channel, "hello again")
        await until(lambda: seen)


async def test_reconnect_and_invalid_session_opcodes(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        assert await sandbox.request_reconnect() == 1
        await sandbox.hub.wait_until(lambda: len(sandbox.hub.resumes) == 1 and sandbox.is_connected(), 10)
        assert sandbox.hub.resumes[0][3] is True
        assert await sandbox.invalidate_session() == 1
        await sandbox.hub.wait_until(lambda: len(sandbox.hub.identifies) == 2 and sandbox.is_connected(), 10)
        assert client.get_guild(world.guild.id) is not None


def _collector(seen: list[discord.Message]):
    async def on_message(message: discord.Message) -> None:
        seen.append(message)

    return on_message


async def test_clicks_during_a_gateway_drop_arrive_after_resume(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    received: list[int] = []

    @client.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        received.append(interaction.id)
        await interaction.response.defer()

    sandbox.interaction_ack_timeout = None  # about delivery, not speed
    members = sandbox.add_members(world.guild, 20)
    async with running(client):
        channel = client.get_channel(world.channel.id)
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Ja", custom_id="yes"))
        sent = await channel.send("Frage?", view=view)
        message = sandbox.message(sent.id)
        first = await sandbox.click_many([(members[i % 20], message, "yes") for i in range(100)], rate=2000)
        sandbox.drop_gateway()
        during = await sandbox.click_many([(members[i % 20], message, "yes") for i in range(100)], rate=2000)
        await asyncio.gather(*(h.wait_ack(10) for h in first + during))
    assert len(received) == len(set(received)) == 200
    assert sandbox.hub.resumes and all(accepted for *_, accepted in sandbox.hub.resumes)
    assert sandbox.acknowledged_count == 200
