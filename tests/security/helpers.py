"""Small helpers the security tests share: post an article through the real pipeline, snapshot the database."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from bot.cogs.client import ReaderBot
from bot.sandbox.message_state import Message
from bot.sandbox.state import Channel, Member
from bot.storage.models import Base
from e2e.harness import BlogServer, SandboxWorld, wait_until


async def command(world: SandboxWorld, member: Member, name: str, options: dict[str, Any] | None = None, *,
                  subcommand: str | None = None, channel: Channel | None = None, crafted: bool = False, timeout: float = 10):
    """Run a slash command and wait for what the member sees."""
    handle = await world.sandbox.run_slash_command(
        member, name, options or {}, subcommand=subcommand, channel=channel or world.channel, crafted=crafted
    )
    return await handle.wait_response(timeout=timeout)


async def subscribe(world: SandboxWorld, admin: Member, url: str, channel: Channel) -> None:
    handle = await command(world, admin, "feed", {"url": url, "channel": channel}, subcommand="add", channel=channel)
    assert "Subscribed" in handle.text or "Abonniert" in handle.text, handle.text


async def wait_for_article(world: SandboxWorld, channel: Channel, url: str, polls: int, timeout: float = 15) -> tuple[Message, list[Message]]:
    """The bot's article message for `url` in `channel` once its thread holds `polls` poll messages."""
    sandbox = world.sandbox

    def posted() -> tuple[Message, list[Message]] | None:
        for message in sandbox.messages(channel, include_system=False):
            if message.author.id == world.bot.id and any(e.get("url") == url for e in message.embeds):
                thread = sandbox.thread_of(message)
                in_thread = [m for m in sandbox.messages(thread, include_system=False)] if thread else []
                if len(in_thread) == polls:
                    return message, in_thread
        return None

    return await wait_until(posted, timeout, f"article {url} with {polls} polls")


# Columns the feed loop keeps changing on its own; everything else must stay as it was.
_VOLATILE = {"last_fetch_at", "next_due_at", "last_success_at", "etag", "last_modified", "last_error",
             "consecutive_failures", "attempts", "lease_owner", "lease_until"}


async def database_rows(bot: ReaderBot) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, without the feed loop's bookkeeping (a snapshot to prove nothing changed)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with bot.database.session() as session:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns if column.name not in _VOLATILE]
            result = await session.execute(select(*columns))
            rows[table.name] = sorted((tuple(row) for row in result), key=repr)
    return rows


async def settled_database_rows(bot: ReaderBot, timeout: float = 10) -> dict[str, list[tuple[Any, ...]]]:
    """The snapshot once the bot has finished writing what it just posted: the sandbox shows a message as soon as it
    is sent, and the bot records it (the poll opened, its message id) a moment later."""
    previous = await database_rows(bot)
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        current = await database_rows(bot)
        if current == previous:
            return current
        previous = current
    raise AssertionError(f"the bot's database kept changing for {timeout} s")


def blog_with_article(blog: BlogServer, slug: str, title: str, paragraphs: list[str], **kwargs: Any) -> str:
    post = blog.add_post(slug, title, paragraphs, **kwargs)
    return blog.post_url(post.slug)
