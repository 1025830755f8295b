"""Members use a real discord.py bot's slash commands, buttons, selects and modals through the sandbox."""

from __future__ import annotations

import asyncio
import io
import re

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.sandbox import Sandbox, SandboxUsageError
from bot.sandbox.interactions import CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_MODAL

from .helpers import World, make_client, running, until

VOTES: list[tuple[int, int, int, str]] = []


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r"vote:(?P<poll>\d+):(?P<option>\d+)"):
    """A persistent button whose custom id carries the poll and the option (as the voting issue wants)."""

    def __init__(self, poll: int, option: int) -> None:
        super().__init__(discord.ui.Button(label=f"Option {option}", custom_id=f"vote:{poll}:{option}"))
        self.poll = poll
        self.option = option

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> VoteButton:
        return cls(int(match["poll"]), int(match["option"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        VOTES.append((interaction.user.id, self.poll, self.option, str(interaction.locale)))
        text = "Stimme gezählt" if interaction.locale is discord.Locale.german else "Vote recorded"
        await interaction.response.send_message(f"{text}: {self.option}", ephemeral=True)


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer = discord.ui.TextInput(label="Answer", style=discord.TextStyle.paragraph, max_length=1000)

    def __init__(self, answers: list[str]) -> None:
        super().__init__()
        self.answers = answers

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.answers.append(self.answer.value)
        await interaction.response.send_message(f"Saved {len(self.answer.value)} characters", ephemeral=True)


def build_bot(world: World, *, answers: list[str] | None = None, picked: list[list[str]] | None = None,
              slow_seconds: float = 0.0) -> tuple[discord.Client, app_commands.CommandTree]:
    client = make_client()
    tree = app_commands.CommandTree(client)
    client.add_dynamic_items(VoteButton)
    guild = discord.Object(world.guild.id)
    feed = app_commands.Group(name="feed", description="Manage feeds", guild_ids=[world.guild.id],
                              default_permissions=discord.Permissions(manage_guild=True))

    @feed.command(name="add", description="Subscribe to a feed")
    @app_commands.describe(url="The feed URL", channel="Where articles go", backfill="How many old entries")
    async def feed_add(interaction: discord.Interaction, url: str, channel: discord.TextChannel,
                       backfill: app_commands.Range[int, 0, 10] = 0) -> None:
        await interaction.response.send_message(f"{url} -> #{channel.name} (backfill {backfill})", ephemeral=True)

    @feed.command(name="remove", description="Unsubscribe")
    @app_commands.describe(url="The feed URL")
    async def feed_remove(interaction: discord.Interaction, url: str) -> None:
        await interaction.response.send_message(f"removed {url}")

    @feed_remove.autocomplete("url")
    async def feed_urls(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        urls = ["https://blog.example/feed", "https://news.example/rss", "https://blog.example/atom"]
        return [app_commands.Choice(name=u, value=u) for u in urls if current in u]

    tree.add_command(feed)

    @tree.command(description="A slow answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(slow_seconds)
        await interaction.followup.send("first")
        await interaction.followup.send("second", ephemeral=True)
        await interaction.edit_original_response(content="first (edited)")

    @tree.command(description="Post a poll")
    async def poll(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        for option in (1, 2, 3):
            view.add_item(VoteButton(7, option))
        answer = discord.ui.Button(label="Answer", custom_id="answer")
        close = discord.ui.Button(label="Close", custom_id="close")
        menu = discord.ui.Select(custom_id="pick", options=[discord.SelectOption(label=x, value=x) for x in "abc"],
                                 max_values=2)

        async def open_modal(click: discord.Interaction) -> None:
            await click.response.send_modal(AnswerModal(answers if answers is not None else []))

        async def close_poll(click: discord.Interaction) -> None:
            await click.response.edit_message(content="Poll closed", view=None)

        async def choose(click: discord.Interaction) -> None:
            if picked is not None:
                picked.append(list(menu.values))
            await click.response.defer()

        answer.callback = open_modal
        close.callback = close_poll
        menu.callback = choose
        view.add_item(answer)
        view.add_item(close)
        view.add_item(menu)
        await interaction.response.send_message("Was meint ihr?", view=view)

    return client, tree


async def test_slash_command_with_subcommand_and_options(sandbox: Sandbox, world: World) -> None:
    client, tree = build_bot(world)
    async with running(client):
        await tree.sync()
        await tree.sync(guild=discord.Object(world.guild.id))
        registered = await tree.fetch_commands(guild=discord.Object(world.guild.id))
        handle = await sandbox.run_slash_command(
            world.admin, "feed add", {"url": "https://blog.example/feed", "channel": world.channel, "backfill": 3},
            channel=world.channel)
        await handle.wait_response()
    assert [c.name for c in registered] == ["feed"]
    assert handle.callback_type == CALLBACK_CHANNEL_MESSAGE and handle.ephemeral
    assert handle.content == "https://blog.example/feed -> #articles (backfill 3)"
    assert handle.latency is not None and handle.latency > 0
    assert sandbox.messages(world.channel) == []  # ephemeral answers are not in the channel
    interaction_request = sandbox.requests_matching("POST", "/callback")[0]
    assert interaction_request.query == {"with_response": "1"} and interaction_request.status == 200


async def test_default_member_permissions_hide_a_command_unless_crafted(sandbox: Sandbox, world: World) -> None:
    client, tree = build_bot(world)
    async with running(client):
        await tree.sync(guild=discord.Object(world.guild.id))
        with pytest.raises(SandboxUsageError):
            await sandbox.run_slash_command(world.alice, "feed add", {"url": "x", "channel": world.channel},
                                            channel=world.channel)
        with pytest.raises(SandboxUsageError):  # options are checked against the registered schema
            await sandbox.run_slash_command(world.admin, "feed add", {"link": "x"}, channel=world.channel)
        crafted = await sandbox.run_slash_command(world.alice, "feed add", {"url": "x", "channel": world.channel},
                                                  channel=world.channel, crafted=True)
        await crafted.wait_response()
    assert crafted.content == "x -> #articles (backfill 0)"  # this bot forgot to check: the sandbox shows it


async def test_deferred_response_follow_ups_and_edit_of_the_original(sandbox: Sandbox, world: World) -> None:
    client, tree = build_bot(world, slow_seconds=0.05)
    async with running(client):
        await tree.sync()
        handle = await sandbox.run_slash_command(world.bob, "slow", channel=world.channel)
        await handle.wait_ack()
        assert handle.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE
        await handle.wait_followups(1)
        await sandbox.wait_until(lambda: handle.response.content == "first (edited)")
    assert handle.response.flags & 128 == 0  # no longer "thinking"
    assert [m.content for m in handle.followups] == ["second"] and handle.followups[0].ephemeral
    shown = sandbox.messages(world.channel)
    assert [m.content for m in shown] == ["first (edited)"]  # the ephemeral follow-up is not in the channel
    assert shown[0].type == 20 and shown[0].interaction_metadata["name"] == "slow"
    assert [r.content for r in shown[0].revisions] == ["", "first"]


async def test_persistent_buttons_select_menu_and_message_update(sandbox: Sandbox, world: World) -> None:
    VOTES.clear()
    picked: list[list[str]] = []
    client, tree = build_bot(world, picked=picked)
    async with running(client):
        await tree.sync()
        posted = await sandbox.run_slash_command(world.admin, "poll", channel=world.channel)
        await posted.wait_response()
        poll_message = posted.response
        assert poll_message.custom_ids()[:3] == ["vote:7:1", "vote:7:2", "vote:7:3"]
        german = await sandbox.click_button(world.alice, poll_message, "vote:7:2")
        english = await sandbox.click_button(world.bob, poll_message, "vote:7:3")
        await german.wait_response()
        await english.wait_response()
        with pytest.raises(SandboxUsageError):
            await sandbox.click_button(world.bob, poll_message, "vote:8:1")  # not on the message
        forged = await sandbox.click_button(world.bob, poll_message, "vote:8:1", crafted=True)
        with pytest.raises(TimeoutError):  # delivered, but discord.py ignores ids that are not on the message
            await forged.wait_ack(0.3)
        assert forged.delivered_sessions == 1
        choice = await sandbox.select(world.alice, poll_message, "pick", ["a", "c"])
        await choice.wait_ack()
        with pytest.raises(SandboxUsageError):
            await sandbox.select(world.alice, poll_message, "pick", ["z"])
        closing = await sandbox.click_button(world.admin, poll_message, "close")
        await closing.wait_response()
    assert german.content == "Stimme gezählt: 2" and german.ephemeral
    assert english.content == "Vote recorded: 3"
    assert VOTES == [(world.alice.id, 7, 2, "de"), (world.bob.id, 7, 3, "en-US")]
    assert picked == [["a", "c"]] and choice.callback_type == 6
    assert closing.callback_type == 7 and closing.updated_message is poll_message
    assert poll_message.content == "Poll closed" and poll_message.components == []
    assert poll_message.revisions[-1].components != []


async def test_modal_round_trip(sandbox: Sandbox, world: World) -> None:
    answers: list[str] = []
    client, tree = build_bot(world, answers=answers)
    async with running(client):
        await tree.sync()
        posted = await sandbox.run_slash_command(world.admin, "poll", channel=world.channel)
        await posted.wait_response()
        opened = await sandbox.click_button(world.alice, posted.response, "answer")
        await opened.wait_response()
        assert opened.callback_type == CALLBACK_MODAL and opened.modal["title"] == "Your answer"
        with pytest.raises(SandboxUsageError):  # Discord's client enforces max_length
            await sandbox.submit_modal(world.alice, opened, {"Answer": "x" * 1001})
        submitted = await sandbox.submit_modal(world.alice, opened, {"Answer": "Ich stimme zu."})
        await submitted.wait_response()
        with pytest.raises(SandboxUsageError):  # the modal is closed after submitting
            await sandbox.submit_modal(world.alice, opened, {"Answer": "again"})
    assert answers == ["Ich stimme zu."]
    assert submitted.content == "Saved 14 characters" and submitted.ephemeral
    assert submitted.message is posted.response


async def test_autocomplete_choices(sandbox: Sandbox, world: World) -> None:
    client, tree = build_bot(world)
    async with running(client):
        await tree.sync(guild=discord.Object(world.guild.id))
        handle = await sandbox.autocomplete(world.admin, "feed remove", {"url": "blog"}, "url", channel=world.channel)
        await handle.wait_response()
    assert handle.callback_type == 8
    assert [c["value"] for c in handle.choices] == ["https://blog.example/feed", "https://blog.example/atom"]


async def test_late_or_repeated_acknowledgements_are_refused(sandbox: Sandbox, world: World) -> None:
    sandbox.interaction_ack_timeout = 0.2
    client = make_client()
    tree = app_commands.CommandTree(client)
    errors: list[Exception] = []

    @tree.command(description="Too slow")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.4)
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as error:
            errors.append(error)

    @tree.command(description="Quick")
    async def quick(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("done")

    async with running(client):
        await tree.sync()
        slow_handle = await sandbox.run_slash_command(world.bob, "late", channel=world.channel)
        await until(lambda: errors)
        quick_handle = await sandbox.run_slash_command(world.bob, "quick", channel=world.channel)
        await quick_handle.wait_response()
    url = f"{sandbox.api_base}/interactions/{quick_handle.id}/{quick_handle.token}/callback"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as reply:
            repeated = (reply.status, await reply.json())
    assert not slow_handle.acknowledged and slow_handle.rejected[0][:2] == (404, 10062)
    assert errors[0].code == 10062
    assert repeated == (400, {"message": "Interaction has already been acknowledged.", "code": 40060})
    assert [m.content for m in sandbox.messages(world.channel)] == ["done"]


async def test_hundreds_of_clicks_are_all_delivered_and_acknowledged(sandbox: Sandbox, world: World) -> None:
    VOTES.clear()
    sandbox.interaction_ack_timeout = None  # about delivery, not speed: a loaded CI machine may be slow
    members = sandbox.add_members(world.guild, 40)
    client, tree = build_bot(world)
    async with running(client):
        await tree.sync()
        posted = await sandbox.run_slash_command(world.admin, "poll", channel=world.channel)
        await posted.wait_response()
        clicks = [(members[i % 40], posted.response, f"vote:7:{i % 3 + 1}") for i in range(400)]
        handles = await sandbox.click_many(clicks, rate=None)
        await asyncio.wait_for(asyncio.gather(*(h.wait_ack(10) for h in handles)), 20)
    assert len(VOTES) == 400 and all(h.callback_type == CALLBACK_CHANNEL_MESSAGE for h in handles)
    latencies = sorted(h.latency for h in handles)
    assert latencies[0] > 0 and len({h.id for h in handles}) == 400


async def test_two_guilds_are_kept_apart(sandbox: Sandbox, world: World) -> None:
    other = sandbox.add_guild("Other readers")
    other_channel = sandbox.add_channel(other, "news")
    same_person = sandbox.add_member(other, user=world.alice.user, locale="de")
    client, tree = build_bot(world)
    async with running(client):
        await tree.sync()
        assert {g.id for g in client.guilds} == {world.guild.id, other.id}
        handle = await sandbox.run_slash_command(same_person, "poll", channel=other_channel)
        await handle.wait_response()
        with pytest.raises(SandboxUsageError):  # feed is a guild command of the first guild only
            await sandbox.run_slash_command(same_person, "feed add", {"url": "x", "channel": other_channel},
                                            channel=other_channel)
    assert handle.guild is other and sandbox.messages(other_channel)[0].content == "Was meint ihr?"
    assert sandbox.messages(world.channel) == []


async def test_context_menu_commands(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)

    @tree.context_menu(name="Close poll")
    @app_commands.default_permissions(manage_guild=True)
    async def close_poll(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"closing {message.content}", ephemeral=True)

    @tree.context_menu(name="Who is this")
    async def who(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"{member.name} in {interaction.guild.name}", ephemeral=True)

    async with running(client):
        await tree.sync()
        poll_message = await client.get_channel(world.channel.id).send("Poll 1")
        stored = sandbox.message(poll_message.id)
        closing = await sandbox.use_message_command(world.admin, "Close poll", stored)
        identified = await sandbox.use_user_command(world.bob, "Who is this", world.alice, channel=world.channel)
        await closing.wait_response()
        await identified.wait_response()
        with pytest.raises(SandboxUsageError):
            await sandbox.use_message_command(world.alice, "Close poll", stored)
    assert closing.content == "closing Poll 1" and identified.content == "alice in Readers"


async def test_files_in_interaction_answers_and_deferred_component_edits(sandbox: Sandbox, world: World) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)

    @tree.command(description="Summary with attachments")
    async def summary(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "Summary", ephemeral=True,
            files=[discord.File(io.BytesIO(b"\x89PNG fake"), "chart.png"),
                   discord.File(io.BytesIO(b"a,b\n1,2\n"), "summary.csv")])
        await interaction.followup.send("More", file=discord.File(io.BytesIO(b"x"), "more.txt"), ephemeral=True)

    @tree.command(description="Post a refreshable message")
    async def board(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        button = discord.ui.Button(label="Refresh", custom_id="refresh")

        async def refresh(click: discord.Interaction) -> None:
            await click.response.defer()
            await click.edit_original_response(content="Refreshed")

        button.callback = refresh
        view.add_item(button)
        await interaction.response.send_message("Board", view=view)

    async with running(client):
        await tree.sync()
        handle = await sandbox.run_slash_command(world.admin, "summary", channel=world.channel)
        await handle.wait_followups(1)
        board_handle = await sandbox.run_slash_command(world.admin, "board", channel=world.channel)
        await board_handle.wait_response()
        refreshed = await sandbox.click_button(world.bob, board_handle.response, "refresh")
        await refreshed.wait_response()
    assert handle.ephemeral and [a.filename for a in handle.response.attachments] == ["chart.png", "summary.csv"]
    assert handle.response.attachments[1].data == b"a,b\n1,2\n"
    assert handle.followups[0].attachments[0].data == b"x"
    assert refreshed.callback_type == 6 and refreshed.updated_message is board_handle.response
    assert board_handle.response.content == "Refreshed"
