"""The sandbox enforces what Discord enforces, and discord.py's own handling copes: 400, 403, 429, 5xx."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib

import aiohttp
import discord
import pytest
from discord.http import Route

from bot.sandbox import Sandbox

from .helpers import TOKEN, World, make_client, running


def _post(channel_id: int) -> Route:
    return Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)


@pytest.mark.parametrize(
    ("payload", "error_path"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t" * 257}]}, "embeds.0.title"),
        ({"embeds": [{"description": "d" * 4097}]}, "embeds.0.description"),
        ({"embeds": [{"title": "t" * 256, "description": "d" * 4096},
                     {"description": "d" * 1700}]}, "embeds"),  # 6052 characters in total
        ({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": str(i), "custom_id": f"b{i}"} for i in range(6)]}]},
         "components.0.components"),
        ({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "l" * 81, "custom_id": "a"}]}]}, "components.0.components.0.label"),
        ({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "ok", "custom_id": "c" * 101}]}]},
         "components.0.components.0.custom_id"),
        ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": f"r{i}"}]}
                         for i in range(6)]}, "components"),
        ({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [
            {"label": f"o{i}", "value": f"v{i}"} for i in range(26)]}]}]}, "components.0.components.0.options"),
        ({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [
            {"label": "o" * 101, "value": "v"}]}]}]}, "components.0.components.0.options.0.label"),
        ({"poll": {"question": {"text": "q" * 301}, "answers": [{"poll_media": {"text": "a"}}]}},
         "poll.question.text"),
        ({"poll": {"question": {"text": "q"}, "answers": [{"poll_media": {"text": "a" * 56}}]}},
         "poll.answers.0.poll_media.text"),
        ({"poll": {"question": {"text": "q"}, "answers": [{"poll_media": {"text": str(i)}} for i in range(11)]}},
         "poll.answers"),
        ({"poll": {"question": {"text": "q"}, "answers": [{"poll_media": {"text": "a"}}], "duration": 769}},
         "poll.duration"),
    ],
)
async def test_payloads_over_discord_limits_get_400_invalid_form_body(
        sandbox: Sandbox, world: World, payload: dict, error_path: str) -> None:
    client = make_client()
    await client.login(TOKEN)
    try:
        with pytest.raises(discord.HTTPException) as raised:
            await client.http.request(_post(world.channel.id), json=payload)
    finally:
        await client.close()
    error = raised.value
    assert (error.status, error.code) == (400, 50035)
    assert f"In {error_path}:" in error.text
    assert sandbox.messages(world.channel) == []
    assert sandbox.requests[-1].status == 400 and sandbox.requests[-1].error["message"] == "Invalid Form Body"


async def test_payloads_at_the_limits_are_accepted(sandbox: Sandbox, world: World) -> None:
    sandbox.set_rate_limit("message.create", 50, 1.0)
    client = make_client()
    await client.login(TOKEN)
    rows = [{"type": 1, "components": [{"type": 2, "style": 1, "label": "l" * 80, "custom_id": f"{r}-{i}" + "c" * 90}
                                        for i in range(5)]} for r in range(5)]
    try:
        await client.http.request(_post(world.channel.id), json={"content": "x" * 2000})
        await client.http.request(_post(world.channel.id), json={"embeds": [{"title": "t" * 256,
                                                                            "description": "d" * 4096}]})
        await client.http.request(_post(world.channel.id), json={"components": rows})
        await client.http.request(_post(world.channel.id), json={"poll": {
            "question": {"text": "q" * 300}, "answers": [{"poll_media": {"text": "a" * 55}}] * 10, "duration": 768}})
        with pytest.raises(discord.HTTPException) as empty:
            await client.http.request(_post(world.channel.id), json={"content": ""})
    finally:
        await client.close()
    assert empty.value.code == 50006
    stored = sandbox.messages(world.channel)
    assert len(stored) == 4
    assert len(stored[2].custom_ids()) == 25


async def test_missing_channel_permissions_get_403(sandbox: Sandbox, world: World) -> None:
    bot_role = sandbox.bot_role(world.guild)
    muted = sandbox.add_channel(world.guild, "muted", overwrites={world.guild.everyone: (0, ["send_messages"]),
                                                                  bot_role: (0, ["send_messages"])})
    no_embeds = sandbox.add_channel(world.guild, "plain", overwrites={
        world.guild.everyone: (0, ["embed_links"]), bot_role: (0, ["embed_links"])})
    no_threads = sandbox.add_channel(world.guild, "flat", overwrites={
        world.guild.everyone: (0, ["create_public_threads"]), bot_role: (0, ["create_public_threads"])})
    no_history = sandbox.add_channel(world.guild, "forgetful", overwrites={
        world.guild.everyone: (0, ["read_message_history"]), bot_role: (0, ["read_message_history"])})
    hidden = sandbox.add_channel(world.guild, "staff", overwrites={world.guild.everyone: (0, ["view_channel"])})
    thread_host = sandbox.add_channel(world.guild, "threads-muted", overwrites={
        world.guild.everyone: (0, ["send_messages_in_threads"]), bot_role: (0, ["send_messages_in_threads"])})
    client = make_client()
    async with running(client):
        with pytest.raises(discord.Forbidden) as no_send:
            await client.get_channel(muted.id).send("hello")
        with pytest.raises(discord.Forbidden) as embed:
            await client.get_channel(no_embeds.id).send(embed=discord.Embed(title="Article"))
        await client.get_channel(no_embeds.id).send("text is fine")
        message = await client.get_channel(no_threads.id).send("article")
        with pytest.raises(discord.Forbidden) as thread:
            await message.create_thread(name="discussion")
        with pytest.raises(discord.Forbidden) as history:
            await client.get_channel(no_history.id).fetch_message(message.id)
        assert client.get_channel(hidden.id) is not None
        with pytest.raises(discord.Forbidden) as access:
            await client.get_channel(hidden.id).send("hi")
        host_message = await client.get_channel(thread_host.id).send("article")
        new_thread = await host_message.create_thread(name="discussion")
        with pytest.raises(discord.Forbidden) as in_thread:
            await new_thread.send("poll")
    assert [e.value.code for e in (no_send, embed, thread, history, in_thread)] == [50013] * 5
    assert access.value.code == 50001 and access.value.status == 403
    assert [m.content for m in sandbox.messages(no_embeds)] == ["text is fine"]
    assert sandbox.messages(muted) == []


async def test_thread_from_message_has_the_message_id_and_is_created_once(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        message = await client.get_channel(world.channel.id).send("Article")
        thread = await message.create_thread(name="T" * 100)
        await thread.send("Poll 1")
        with pytest.raises(discord.HTTPException) as again:
            await message.create_thread(name="again")
        with pytest.raises(discord.HTTPException) as too_long:
            other = await client.get_channel(world.channel.id).send("Other")
            await other.create_thread(name="T" * 101)
        fetched = await client.get_channel(world.channel.id).fetch_message(message.id)
    assert thread.id == message.id and fetched.thread is not None and fetched.thread.id == thread.id
    assert again.value.code == 160004
    assert too_long.value.code == 50035 and "In name:" in too_long.value.text
    stored_thread = sandbox.thread_of(sandbox.message(message.id))
    assert stored_thread is not None and stored_thread.name == "T" * 100
    assert [m.content for m in sandbox.messages(stored_thread)] == ["Poll 1"]
    assert sandbox.threads(world.channel) == [stored_thread]


async def test_nonce_with_enforce_nonce_returns_the_existing_message(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        channel = client.get_channel(world.channel.id)
        first = await channel.send("Article A", nonce="article-1")
        second = await channel.send("Article A", nonce="article-1")
        third = await channel.send("Article B", nonce="article-2")
    assert first.id == second.id != third.id
    assert [m.content for m in sandbox.messages(world.channel)] == ["Article A", "Article B"]


async def test_burst_in_one_channel_gets_429_and_discord_py_waits(sandbox: Sandbox, world: World) -> None:
    sandbox.set_rate_limit("message.create", 5, 1.0)
    client = make_client()
    async with running(client):
        channel = client.get_channel(world.channel.id)
        # Another process with the same token (the bot before a restart) has just used up the bucket ...
        async with aiohttp.ClientSession() as session:
            for index in range(5):
                async with session.post(f"{sandbox.api_base}/channels/{world.channel.id}/messages",
                                        json={"content": f"message {index}"},
                                        headers={"Authorization": f"Bot {TOKEN}"}) as reply:
                    assert reply.status == 200
        # ... so discord.py, which knows nothing of it, is told 429, waits retry_after and succeeds.
        for index in range(5, 12):
            await channel.send(f"message {index}")
    assert [m.content for m in sandbox.messages(world.channel)] == [f"message {i}" for i in range(12)]
    statuses = [r.status for r in sandbox.requests_matching("POST", "/messages")]
    # One 429, then discord.py retried after retry_after and paced itself from the headers: no second 429
    # although 7 messages needed two more windows.
    assert statuses == [200] * 5 + [429] + [200] * 7
    posts = sandbox.requests_matching("POST", "/messages")
    assert posts[6].time >= posts[0].time + 0.999  # the retry waited for the window that began with post 0


async def test_429_shape_and_rate_limit_headers(sandbox: Sandbox, world: World) -> None:
    sandbox.set_rate_limit("message.create", 2, 5.0)
    url = f"{sandbox.api_base}/channels/{world.channel.id}/messages"
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession() as session:
        replies = []
        for index in range(3):
            async with session.post(url, json={"content": str(index)}, headers=headers) as reply:
                replies.append((reply.status, dict(reply.headers), await reply.json()))
    (ok_status, ok_headers, _), _, (status, limited_headers, body) = replies
    assert ok_status == 200 and ok_headers["Content-Type"] == "application/json"
    assert ok_headers["X-RateLimit-Limit"] == "2" and ok_headers["X-RateLimit-Remaining"] == "1"
    assert 4.9 <= float(ok_headers["X-RateLimit-Reset-After"]) <= 5.0
    assert ok_headers["X-RateLimit-Bucket"] == limited_headers["X-RateLimit-Bucket"]
    assert status == 429 and limited_headers["X-RateLimit-Remaining"] == "0"
    assert limited_headers["X-RateLimit-Scope"] == "user" and int(limited_headers["Retry-After"]) >= 1
    assert body["message"] == "You are being rate limited." and body["global"] is False
    assert 0 < body["retry_after"] <= 5.0
    assert len(sandbox.messages(world.channel)) == 2


async def test_global_rate_limit_across_channels(sandbox: Sandbox, world: World) -> None:
    channels = [sandbox.add_channel(world.guild, f"c{i}") for i in range(7)]
    client = make_client()
    async with running(client):
        sandbox.set_global_rate_limit(4, 1.0)
        await asyncio.gather(*(client.get_channel(c.id).send("hi") for c in channels))
    assert all(len(sandbox.messages(c)) == 1 for c in channels)
    assert any(is_global for *_, is_global in sandbox.rate_limit_rejections)


async def test_injected_429_and_500_are_retried_by_discord_py(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        channel = client.get_channel(world.channel.id)
        sandbox.inject_fault(429, count=2, retry_after=0.05, path_contains="/messages")
        await channel.send("after a 429 storm")
        sandbox.inject_fault(500, count=1, path_contains="/messages")
        await channel.send("after a 500")
        sandbox.inject_fault(503, duration=30, path_contains="/messages")
        with pytest.raises(discord.HTTPException) as unavailable:
            await channel.send("never")  # 503 is not retried by discord.py
        sandbox.clear_faults()
    assert unavailable.value.status == 503
    assert [m.content for m in sandbox.messages(world.channel)] == ["after a 429 storm", "after a 500"]
    assert [r.status for r in sandbox.requests_matching("POST", "/messages")] == [429, 429, 200, 500, 200, 503]


async def test_attachments_keep_their_bytes(sandbox: Sandbox, world: World) -> None:
    png = _tiny_png(3, 2)
    csv = "poll,option,votes\nQ1,Ja,3\n".encode()
    client = make_client()
    async with running(client):
        message = await client.get_channel(world.channel.id).send(
            "Summary", files=[discord.File(io.BytesIO(png), "chart.png"), discord.File(io.BytesIO(csv), "votes.csv")])
        downloaded = await message.attachments[0].read()
    stored = sandbox.message(message.id)
    assert [a.filename for a in stored.attachments] == ["chart.png", "votes.csv"]
    assert stored.attachments[0].data == png == downloaded
    assert stored.attachments[0].content_type == "image/png"
    assert stored.attachments[0].to_dict()["width"] == 3
    assert stored.attachments[1].data.decode().splitlines()[1] == "Q1,Ja,3"


async def test_direct_messages_to_members(sandbox: Sandbox, world: World) -> None:
    private = sandbox.add_member(world.guild, "private", accepts_dms=False)
    client = make_client()
    async with running(client):
        user = await client.fetch_user(world.alice.id)
        await user.send("Your article's summary")
        hidden = await client.fetch_user(private.id)
        with pytest.raises(discord.Forbidden) as refused:
            await hidden.send("hello")
    assert [m.content for m in sandbox.dm_messages(world.alice)] == ["Your article's summary"]
    assert refused.value.code == 50007


async def test_edits_history_and_mentions(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        channel = client.get_channel(world.channel.id)
        quiet = await channel.send(f"Hi {world.alice.mention} @everyone",
                                   allowed_mentions=discord.AllowedMentions.none())
        loud = await channel.send(f"Hi {world.alice.mention}")
        await quiet.edit(content="Edited")
        history = [m.content async for m in channel.history(limit=10)]
        older = [m.content async for m in channel.history(limit=10, before=discord.Object(loud.id))]
    stored = sandbox.message(quiet.id)
    assert stored.mentions == [] and not stored.mention_everyone
    assert [u.id for u in sandbox.message(loud.id).mentions] == [world.alice.id]
    assert stored.content == "Edited" and stored.revisions[0].content.startswith("Hi")
    assert stored.edited_timestamp is not None
    assert history == [f"Hi {world.alice.mention}", "Edited"] and older == ["Edited"]


def _tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def test_thread_edits_follow_discord_permissions(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    async with running(client):
        message = await client.get_channel(world.channel.id).send("Article")
        thread = await message.create_thread(name="Discussion")
        renamed = await thread.edit(name="Discussion (closed)", archived=True)  # the owner may do this
        with pytest.raises(discord.Forbidden):
            await thread.edit(locked=True)  # locking needs manage_threads, not in the invite permissions
        await renamed.send("Results")  # sending unarchives an unlocked thread
        guilds = [g.name async for g in client.fetch_guilds()]
    stored = sandbox.thread_of(sandbox.message(message.id))
    assert stored.name == "Discussion (closed)" and not stored.archived and not stored.locked
    assert [m.content for m in sandbox.messages(stored)] == ["Results"]
    assert guilds == ["Readers"]
