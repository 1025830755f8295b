"""A poll result the bot gives up on (issue 12): the admins are told once, in the alerts channel, instead of
the result silently never appearing."""

from __future__ import annotations

from sqlalchemy import select

from bot.cogs.client import ReaderBot
from bot.polls.closing import close_poll
from bot.posting.outbox import mark_sent, poll_key, record_intent
from bot.storage.models import DiscordPost, GuildSettings, utcnow
from e2e.harness import SandboxWorld
from polls.conftest import store_poll


async def test_a_result_whose_channel_is_gone_is_given_up_and_said_once(running_bot: ReaderBot, world: SandboxWorld) -> None:
    database, sandbox = running_bot.database, world.sandbox
    alerts = sandbox.add_channel(world.guild, "alerts")
    doomed = sandbox.add_channel(world.guild, "doomed")
    stored = await store_poll(database, guild_id=world.guild.id, channel_id=doomed.id, question="Mehr Bäume?")
    sent = await running_bot.publisher.transport.send_poll_message(doomed.id, stored.poll_id, "nonce-lost-1")
    async with database.session() as session:
        session.add(GuildSettings(guild_id=world.guild.id, alerts_channel_id=alerts.id))
        await record_intent(session, poll_key(stored.poll_id), guild_id=world.guild.id, channel_id=doomed.id,
                            now=utcnow(), article_id=stored.article_id, poll_id=stored.poll_id)
        await mark_sent(session, poll_key(stored.poll_id), message_id=sent.message_id, sent_at=utcnow())
    sandbox.delete_channel(doomed)
    async with database.session() as session:
        await close_poll(session, stored.poll_id, guild_id=world.guild.id)
    polls = running_bot.get_cog("Polls")
    for _ in range(2):  # a second closing round finds the result given up and says nothing more
        await polls.show_closed(stored.poll_id)  # type: ignore[union-attr]

    notices = [m for m in sandbox.messages(alerts) if m.author.id == world.bot.id]
    assert len(notices) == 1 and "Mehr Bäume?" in notices[0].content and "is gone" in notices[0].content, notices
    async with database.session() as session:
        row = await session.scalar(select(DiscordPost).where(DiscordPost.key == f"result:{stored.poll_id}"))
    assert row is not None and row.problem == "thread_lost" and str(row.state) != "pending"
