"""Deleting a channel or a thread and removing the bot from a guild: what discord.py sees, as Discord sends it."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import Sandbox

from .helpers import World, make_client, running, until


async def test_deleted_channel_sends_channel_delete_and_answers_unknown_channel(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    deleted: list[int] = []

    async def on_guild_channel_delete(channel: discord.abc.GuildChannel) -> None:
        deleted.append(channel.id)

    client.event(on_guild_channel_delete)
    async with running(client):
        sandbox.delete_channel(world.channel)
        await until(lambda: deleted == [world.channel.id])
        assert client.get_channel(world.channel.id) is None
        with pytest.raises(discord.NotFound) as raised:
            await client.get_partial_messageable(world.channel.id).send("hello")
        assert raised.value.code == 10003


async def test_deleted_thread_sends_thread_delete_with_the_documented_fields(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    deleted: list[discord.RawThreadDeleteEvent] = []

    async def on_raw_thread_delete(payload: discord.RawThreadDeleteEvent) -> None:
        deleted.append(payload)

    client.event(on_raw_thread_delete)
    async with running(client):
        message = await client.get_channel(world.channel.id).send("article")
        thread = await message.create_thread(name="Discussion")
        sandbox.delete_thread(sandbox.channel(thread.id))
        await until(lambda: len(deleted) == 1)
        assert (deleted[0].thread_id, deleted[0].parent_id, deleted[0].guild_id) == (thread.id, world.channel.id, world.guild.id)
        with pytest.raises(discord.NotFound) as raised:
            await thread.send("poll")
        assert raised.value.code == 10003
        assert sandbox.message(message.id).thread is None


async def test_removed_bot_gets_guild_delete_without_unavailable_and_loses_access(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    removed: list[int] = []
    unavailable: list[int] = []

    async def on_guild_remove(guild: discord.Guild) -> None:
        removed.append(guild.id)

    async def on_guild_unavailable(guild: discord.Guild) -> None:
        unavailable.append(guild.id)

    client.event(on_guild_remove)
    client.event(on_guild_unavailable)
    async with running(client):
        sandbox.remove_bot_from_guild(world.guild)
        await until(lambda: removed == [world.guild.id])
        assert unavailable == [] and client.get_guild(world.guild.id) is None
        with pytest.raises(discord.Forbidden) as raised:
            await client.get_partial_messageable(world.channel.id).send("hello")
        assert raised.value.code == 50001

        joined: list[int] = []

        async def on_guild_join(guild: discord.Guild) -> None:
            joined.append(guild.id)

        client.event(on_guild_join)
        sandbox.add_bot_to_guild(world.guild)
        await until(lambda: joined == [world.guild.id])
        await client.get_partial_messageable(world.channel.id).send("hello again")


async def test_guild_outage_is_unavailable_not_removed(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    removed: list[int] = []
    unavailable: list[int] = []
    available: list[int] = []

    async def on_guild_remove(guild: discord.Guild) -> None:
        removed.append(guild.id)

    async def on_guild_unavailable(guild: discord.Guild) -> None:
        unavailable.append(guild.id)

    async def on_guild_available(guild: discord.Guild) -> None:
        available.append(guild.id)

    client.event(on_guild_remove)
    client.event(on_guild_unavailable)
    client.event(on_guild_available)
    async with running(client):
        available.clear()
        sandbox.guild_outage(world.guild)
        await until(lambda: unavailable == [world.guild.id])
        sandbox.guild_outage(world.guild, over=True)
        await until(lambda: available == [world.guild.id])
        assert removed == [] and client.get_guild(world.guild.id) is not None
