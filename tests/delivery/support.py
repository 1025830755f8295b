"""Helpers the delivery process tests share: a second guild, slash commands, and counting requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox import Channel, Guild, Member, Message, Sandbox
from e2e.harness import BlogServer, SandboxWorld
from reliability.support import sqlite_rows


@dataclass
class OtherGuild:
    """A second guild with its own channel and admin: what must stay unaffected."""

    sandbox: Sandbox
    guild: Guild
    channel: Channel
    admin: Member

    @classmethod
    def create(cls, sandbox: Sandbox) -> OtherGuild:
        guild = sandbox.add_guild("Others")
        channel = sandbox.add_channel(guild, "news")
        admins = sandbox.add_role(guild, "admins", ["manage_guild"])
        admin = sandbox.add_member(guild, "otto", roles=[admins])
        return cls(sandbox, guild, channel, admin)

    def article_messages(self, url: str) -> list[Message]:
        return [m for m in self.sandbox.messages(self.channel, include_system=False) if any(e.get("url") == url for e in m.embeds)]


async def slash(sandbox: Sandbox, member: Member, name: str, subcommand: str, options: dict[str, Any], channel: Channel) -> str:
    handle = await sandbox.run_slash_command(member, name, options, subcommand=subcommand, channel=channel)
    await handle.wait_response(timeout=15)
    return handle.text


async def subscribe(sandbox: Sandbox, member: Member, channel: Channel, url: str) -> None:
    text = await slash(sandbox, member, "feed", "add", {"url": url, "channel": channel}, channel)
    assert "Subscribed" in text, text


async def start_with_two_guilds(world: SandboxWorld, blog: BlogServer, start_bot: Any, poll_interval: str) -> tuple[Any, OtherGuild]:
    """The bot running, the world's guild and a second one each following the blog (the second under another
    spelling of its URL): the second guild is what a problem in the first must leave alone."""
    other = OtherGuild.create(world.sandbox)
    bot = await start_bot(poll_interval=poll_interval)
    await subscribe(world.sandbox, world.admin, world.channel, blog.feed_url)
    await subscribe(world.sandbox, other.admin, other.channel, f"{blog.feed_url}?other")
    return bot, other


def requests_to(sandbox: Sandbox, *channel_ids: int, since: int = 0, method: str | None = None) -> list[Any]:
    """REST requests (from index `since`) whose path names one of the channels."""
    wanted = tuple(f"/channels/{channel_id}" for channel_id in channel_ids)
    return [
        request for request in sandbox.requests[since:]
        if request.path.startswith(wanted) and (method is None or request.method == method)
    ]


def bot_texts(world: SandboxWorld, channel: Channel) -> list[str]:
    return [m.content for m in world.sandbox.messages(channel, include_system=False) if m.author.id == world.bot.id]


def dm_texts(world: SandboxWorld, member: Member) -> list[str]:
    return [m.content for m in world.sandbox.dm_messages(member) if m.author.id == world.bot.id]


rows = sqlite_rows  # the bot's SQLite file, read-only, as the reliability tests read it


def report(name: str, **counts: int | float) -> None:
    """Print the request counts the test bounds (pytest -s shows them; the report quotes them)."""
    print(f"[delivery] {name}: " + ", ".join(f"{key}={value}" for key, value in counts.items()))


async def second_blog() -> BlogServer:
    blog = BlogServer(title="The Other Blog")
    await blog.start()
    return blog


def feed_fetch_bound(elapsed: float, poll_interval: float, feeds: int) -> int:
    """At most one fetch per feed per poll interval (plus the one under way and /feed add's own)."""
    return int(feeds * (elapsed / poll_interval + 2))
