"""A poll's result that Discord refuses (the bot lost the right to post there) is retried with growing pauses and
posted once the right is back, instead of being tried on every closing round (every 0.2 s here) forever."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.sandbox import Sandbox
from bot.storage.database import Database
from bot.storage.models import DiscordPost, utcnow
from tests.polls.conftest import store_poll
from tests.polls.harness import TOKEN, post_poll, running_bot, until


async def test_refused_result_backs_off_and_is_posted_once_allowed(sandbox: Sandbox, sqlite_database: Database) -> None:
    sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Leser")
    channel = sandbox.add_channel(guild, "artikel")
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, closes_at=utcnow() + timedelta(seconds=3))
    async with running_bot(sqlite_database, close_check_seconds=0.2) as bot:
        await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        sandbox.set_overwrite(channel, sandbox.bot_role(guild), 0, ["send_messages"])
        await until(
            lambda: sandbox.requests_matching("POST", f"/channels/{channel.id}/messages", status=403), timeout=10, what="a refused result"
        )
        await asyncio.sleep(2.5)
        refused = sandbox.requests_matching("POST", f"/channels/{channel.id}/messages", status=403)
        print(f"[delivery] refused poll result: {len(refused)} attempts in about 2.5 s at a 0.2 s closing round")
        assert 2 <= len(refused) <= 5  # 0.4, 0.8, 1.6 s apart; every round would have made about 15
        async with sqlite_database.session() as session:
            row = await session.scalar(select(DiscordPost).where(DiscordPost.key == f"result:{poll.poll_id}"))
            assert (row.problem, row.attempts, str(row.state)) == ("missing_permissions", len(refused), "pending")

        sandbox.set_overwrite(channel, sandbox.bot_role(guild), 0, 0)
        result = await sandbox.wait_for_message(channel, lambda m: m.content.startswith("Umfrage beendet"), timeout=10)
        await asyncio.sleep(0.5)
        assert [m.id for m in sandbox.messages(channel) if m.content.startswith("Umfrage beendet")] == [result.id]
