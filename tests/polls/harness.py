"""A real discord.py bot running the polls extension against the sandbox, in this process (fast cog tests)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
from discord.ext import commands

from bot.cogs.client import CLOSE_GRACE_SECONDS
from bot.cogs.poll_views import render_poll_message
from bot.cogs.polls import PollsCog
from bot.polls.tally import load_poll_snapshot
from bot.sandbox import Sandbox
from bot.sandbox.message_state import Message
from bot.storage.database import Database
from bot.storage.models import DiscordPost, PostState, utcnow

TOKEN = "polls-test-token"


class ClosesLikeReaderBot(commands.Bot):
    """A test bot that closes as ReaderBot.close does: its cogs are unloaded (their loops cancelled) and let go of the
    database before it is disposed; a unit of work cut off after the dispose cannot roll back, and the event loop's
    shutdown then hangs (seen once in CI at a test's teardown)."""

    async def close(self) -> None:
        for name in tuple(self.cogs):
            await self.remove_cog(name)
        current = asyncio.current_task()
        unwinding = [task for task in asyncio.all_tasks() if task is not current and task.cancelling()]
        if unwinding:
            await asyncio.wait(unwinding, timeout=CLOSE_GRACE_SECONDS)
        await super().close()


class PollTestBot(ClosesLikeReaderBot):
    """Just the polls extension, configured the way `reader-bot run` loads it, with faster timers."""

    def __init__(self, database: Database, *, refresh_interval: float, close_check_seconds: float,
                 defer_after: float = 2.0) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None,
                         guild_ready_timeout=0.05, allowed_mentions=discord.AllowedMentions.none())
        self.database = database
        self.refresh_interval = refresh_interval
        self.close_check_seconds = close_check_seconds
        self.defer_after = defer_after
        self.closed_articles: list[int] = []

    async def setup_hook(self) -> None:
        await self.add_cog(PollsCog(self, self.database, refresh_interval=self.refresh_interval,
                                    channel_edit_spacing=0.05, close_check_seconds=self.close_check_seconds,
                                    defer_after=self.defer_after))
        await self.tree.sync()

    async def on_article_polls_closed(self, article_id: int) -> None:
        self.closed_articles.append(article_id)

    @property
    def polls(self) -> PollsCog:
        cog = self.get_cog("Polls")
        assert isinstance(cog, PollsCog)
        return cog


@contextlib.asynccontextmanager
async def running_bot(database: Database, *, refresh_interval: float = 0.3, close_check_seconds: float = 0.2,
                      defer_after: float = 2.0) -> AsyncIterator[PollTestBot]:
    bot = PollTestBot(database, refresh_interval=refresh_interval, close_check_seconds=close_check_seconds,
                      defer_after=defer_after)
    task = asyncio.create_task(bot.start(TOKEN))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()
        task.cancel()
        raise TimeoutError("the bot did not become ready")
    try:
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


async def post_poll(bot: discord.Client, database: Database, sandbox: Sandbox, channel_id: int, poll_id: int) -> Message:
    """Send the poll message the way the publisher does and record it in the outbox."""
    async with database.session() as session:
        snapshot = await load_poll_snapshot(session, poll_id)
    assert snapshot is not None
    content, embed, view = render_poll_message(snapshot)
    sent = await bot.get_partial_messageable(channel_id).send(content=content, embed=embed, view=view)
    async with database.session() as session:
        session.add(DiscordPost(key=f"poll:{poll_id}", guild_id=snapshot.guild_id, article_id=snapshot.article_id,
                                poll_id=poll_id, channel_id=channel_id, message_id=sent.id, nonce=str(sent.id)[:20],
                                state=PostState.SENT, sent_at=utcnow()))
    return sandbox.message(sent.id)


@dataclass
class Clicked:
    """What a member saw after a click: the ephemeral text."""

    text: str
    ephemeral: bool


async def until(predicate, timeout: float = 5.0, what: str = "condition") -> None:
    """Poll a condition on the bot's side (the sandbox's wait_until only wakes on sandbox changes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"no {what} within {timeout}s")
        await asyncio.sleep(0.02)


def use_message_command(sandbox: Sandbox, member, name: str, message: Message):
    """A member picks a message context-menu command (Apps -> `name`) on `message`.

    The sandbox's public API has slash commands only, so this builds the interaction Discord sends for a
    message command (data.type 3, target_id, resolved.messages) with the sandbox's own interaction plumbing."""
    from bot.sandbox.interactions import APPLICATION_COMMAND

    bot = sandbox.default_bot()
    command = bot.find_command(name, message.channel.guild.id, command_type=3)
    assert command is not None, f"no message command {name!r} registered"
    guild_member, user = sandbox._member_and_user(member, message.channel)
    data = {"id": str(command.id), "name": name, "type": 3, "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): message.to_dict()}}}
    handle = sandbox._new_handle(type=APPLICATION_COMMAND, bot=bot, member=guild_member, user=user,
                                 channel=message.channel, data=data, command_name=name)
    return sandbox._send_interaction(handle)
