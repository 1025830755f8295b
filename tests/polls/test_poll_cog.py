"""The polls extension in a real discord.py client against the sandbox: clicks, answers, refusals, refresh, closing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.questions.model import PollKind
from bot.sandbox import Sandbox
from bot.storage.database import Database
from bot.storage.models import Answer, DiscordPost, Poll, PollState, Vote, utcnow
from tests.polls.conftest import set_visibility, store_poll
from tests.polls.harness import TOKEN, post_poll, running_bot, until, use_message_command


def _world(sandbox: Sandbox):
    sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Leser")
    channel = sandbox.add_channel(guild, "artikel")
    admin_role = sandbox.add_role(guild, "Admins", ["manage_guild"])
    admin = sandbox.add_member(guild, "admin", roles=[admin_role])
    alice = sandbox.add_member(guild, "alice", locale="de")
    bob = sandbox.add_member(guild, "bob", locale="en-US")
    return guild, channel, admin, alice, bob


async def _votes(database: Database, poll_id: int) -> dict[int, int]:
    async with database.session() as session:
        rows = await session.execute(select(Vote.member_id, Vote.option_id).where(Vote.poll_id == poll_id))
        return {row.member_id: row.option_id for row in rows}


async def _click(sandbox: Sandbox, member, message, custom_id: str, **kwargs):
    handle = await sandbox.click_button(member, message, custom_id, **kwargs)
    await handle.wait_response()
    assert handle.ephemeral, "poll answers are only for the member who clicked"
    return handle


async def test_votes_are_recorded_changed_and_withdrawn_in_the_members_language(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, _, alice, bob = _world(sandbox)
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id)
    async with running_bot(sqlite_database) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        assert bot.persistent_views == []  # the cog answers by custom id; discord.py keeps no View per poll message
        ja, nein, _ = (f"rb:vote:{poll.poll_id}:{option}" for option in poll.option_ids)

        handle = await _click(sandbox, alice, message, ja)
        assert "Deine Stimme für **Ja** ist gespeichert" in handle.text
        assert await _votes(sqlite_database, poll.poll_id) == {alice.user.id: poll.option_ids[0]}

        handle = await _click(sandbox, alice, message, nein)
        assert "von **Ja** zu **Nein** geändert" in handle.text
        handle = await _click(sandbox, bob, message, nein)
        assert "Your vote for **Nein** is recorded" in handle.text and "again to withdraw" in handle.text
        assert await _votes(sqlite_database, poll.poll_id) == {alice.user.id: poll.option_ids[1], bob.user.id: poll.option_ids[1]}

        handle = await _click(sandbox, alice, message, nein)
        assert "zurückgezogen" in handle.text
        assert await _votes(sqlite_database, poll.poll_id) == {bob.user.id: poll.option_ids[1]}
        assert handle.latency is not None and handle.latency < 3


async def test_forged_foreign_and_closed_clicks_are_refused_and_change_nothing(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, _, alice, bob = _world(sandbox)
    other_guild = sandbox.add_guild("Andere")
    other_channel = sandbox.add_channel(other_guild, "news")
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id)
    foreign = await store_poll(sqlite_database, guild_id=other_guild.id, channel_id=other_channel.id)
    closed = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, position=1, state=PollState.CLOSED)
    async with running_bot(sqlite_database) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        closed_message = await post_poll(bot, sqlite_database, sandbox, channel.id, closed.poll_id)
        forged = [
            f"rb:vote:{foreign.poll_id}:{foreign.option_ids[0]}",  # another guild's poll
            f"rb:vote:{poll.poll_id}:{foreign.option_ids[0]}",  # an option of another poll
            f"rb:vote:{poll.poll_id}:abc",
            "rb:vote:1:2:3",
            f"rb:answer:{foreign.poll_id}",
        ]
        for custom_id in forged:
            handle = await _click(sandbox, alice, message, custom_id, crafted=True)
            assert "gibt es hier nicht" in handle.text, custom_id
        handle = await _click(sandbox, bob, closed_message, f"rb:vote:{closed.poll_id}:{closed.option_ids[0]}", crafted=True)
        assert "This poll is closed, so nothing was changed." in handle.text
        # a forged id placed on the real message's button slot is also re-checked against the database
        handle = await _click(sandbox, bob, message, f"rb:vote:{foreign.poll_id}:{foreign.option_ids[1]}", crafted=True)
        assert "unknown here" in handle.text
    async with sqlite_database.session() as session:
        assert (await session.execute(select(func.count(Vote.id)))).scalar_one() == 0


async def test_written_answers_are_stored_replaced_and_empty_ones_refused(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, _, alice, bob = _world(sandbox)
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, kind=PollKind.OPEN,
                            question="Was sollte die Stadt als Nächstes bauen?")
    async with running_bot(sqlite_database) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        answer_id = f"rb:answer:{poll.poll_id}"

        async def answer(member, text: str):
            opened = await sandbox.click_button(member, message, answer_id)
            await opened.wait_response()
            assert opened.modal_opened and len(opened.modal["title"]) <= 45
            field = opened.modal_fields["answer"]
            assert field["max_length"] == 1000 and field["style"] == 2
            submitted = await sandbox.submit_modal(member, opened.modal["custom_id"], {"answer": text})
            await submitted.wait_response()
            assert submitted.ephemeral
            return opened, submitted

        _, submitted = await answer(alice, "Einen Park mit vielen Bäumen.")
        assert "Antwort ist gespeichert" in submitted.text
        opened, submitted = await answer(alice, "Lieber eine Bibliothek.")
        assert opened.modal_fields["answer"].get("value") == "Einen Park mit vielen Bäumen."  # prefilled with her answer
        assert "hat deine vorherige ersetzt" in submitted.text
        _, submitted = await answer(bob, "   \n  ")
        assert "Your answer was empty, so nothing was stored" in submitted.text
    async with sqlite_database.session() as session:
        rows = (await session.execute(select(Answer.member_id, Answer.text))).all()
    assert [(row.member_id, row.text) for row in rows] == [(alice.user.id, "Lieber eine Bibliothek.")]


async def test_poll_message_is_refreshed_at_most_once_per_interval(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, _, _, _ = _world(sandbox)
    members = sandbox.add_members(guild, 40)
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, language="en")
    async with running_bot(sqlite_database, refresh_interval=0.6) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        custom_id = f"rb:vote:{poll.poll_id}:{poll.option_ids[0]}"
        started = asyncio.get_running_loop().time()
        handles = []
        for member in members:  # 40 votes over ~1.2 s
            handles.append(await sandbox.click_button(member, message, custom_id))
            await asyncio.sleep(0.03)
        await asyncio.gather(*(handle.wait_response() for handle in handles))
        await sandbox.wait_until(lambda: "(40)" in (message.embeds[0].get("description") or ""), timeout=3,
                                 what="the final count on the poll message")
        elapsed = asyncio.get_running_loop().time() - started
        edits = [r for r in sandbox.requests_matching("PATCH", f"/messages/{message.id}")]
        assert 1 <= len(edits) <= elapsed / 0.6 + 1, (len(edits), elapsed)
        assert "100%" in message.embeds[0]["description"]


async def test_on_close_visibility_keeps_counts_hidden(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, _, alice, _ = _world(sandbox)
    await set_visibility(sqlite_database, guild.id, "on_close")
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id)
    async with running_bot(sqlite_database, refresh_interval=0.1) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        await _click(sandbox, alice, message, f"rb:vote:{poll.poll_id}:{poll.option_ids[0]}")
        await asyncio.sleep(0.4)
        description = message.embeds[0]["description"]
        assert "(1)" not in description and "Ergebnisse erscheinen" in description
        assert sandbox.requests_matching("PATCH", f"/messages/{message.id}") == []


async def test_poll_closes_at_its_deadline_with_final_counts_and_a_result_in_the_thread(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, _, alice, bob = _world(sandbox)
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, closes_at=utcnow() + timedelta(seconds=1.5))
    async with running_bot(sqlite_database) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        await _click(sandbox, alice, message, f"rb:vote:{poll.poll_id}:{poll.option_ids[0]}")
        await _click(sandbox, bob, message, f"rb:vote:{poll.poll_id}:{poll.option_ids[0]}")
        result = await sandbox.wait_for_message(channel, lambda m: m.content.startswith("Umfrage beendet"), timeout=5)
        assert "**Ja**: 100 % (2)" in result.content
        assert all(button.get("disabled") for row in message.components for button in row["components"])
        assert "(2)" in message.embeds[0]["description"] and "Beendet" in message.embeds[0]["description"]
        await until(lambda: bot.closed_articles == [poll.article_id], timeout=2, what="article_polls_closed")
        late = await sandbox.click_button(alice, message, f"rb:vote:{poll.poll_id}:{poll.option_ids[1]}", crafted=True)
        await late.wait_response()
        assert "beendet" in late.text
    assert await _votes(sqlite_database, poll.poll_id) == {alice.user.id: poll.option_ids[0], bob.user.id: poll.option_ids[0]}
    async with sqlite_database.session() as session:
        posts = (await session.execute(select(DiscordPost.key, DiscordPost.state))).all()
    assert (f"result:{poll.poll_id}", "sent") in [(key, str(state)) for key, state in posts]


async def test_admins_close_polls_early_by_command_or_context_menu(sandbox: Sandbox, sqlite_database: Database) -> None:
    guild, channel, admin, alice, _ = _world(sandbox)
    first = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, question="Mehr Radwege?")
    second = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, position=1,
                              article_id=first.article_id, question="Mehr Bänke?")
    async with running_bot(sqlite_database) as bot:
        await post_poll(bot, sqlite_database, sandbox, channel.id, first.poll_id)
        second_message = await post_poll(bot, sqlite_database, sandbox, channel.id, second.poll_id)

        suggestions = await sandbox.autocomplete(admin, "poll", {"poll": "rad"}, "poll", channel=channel, subcommand="close")
        await suggestions.wait_response()
        assert suggestions.choices == [{"name": "Mehr Radwege?", "value": str(first.poll_id)}]

        refused = await sandbox.run_slash_command(alice, "poll", {"poll": str(first.poll_id)}, channel=channel,
                                                  subcommand="close", crafted=True)
        await refused.wait_response()
        assert "Server verwalten" in refused.text

        closed = await sandbox.run_slash_command(admin, "poll", {"poll": str(first.poll_id)}, channel=channel, subcommand="close")
        await closed.wait_response()
        assert "Mehr Radwege?" in closed.text and "is closed" in closed.text

        menu = use_message_command(sandbox, admin, "Close poll", second_message)
        await menu.wait_response()
        assert "Mehr Bänke?" in menu.text
        await until(lambda: bot.closed_articles == [first.article_id], timeout=3, what="article_polls_closed")
    async with sqlite_database.session() as session:
        states = (await session.execute(select(Poll.state).order_by(Poll.id))).scalars().all()
    assert states == [PollState.CLOSED, PollState.CLOSED]


async def test_a_busy_database_defers_the_answer_and_confirms_after_the_commit(sandbox: Sandbox, sqlite_database: Database, tmp_path) -> None:
    import sqlite3

    guild, channel, _, alice, _ = _world(sandbox)
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id)
    async with running_bot(sqlite_database, defer_after=0.3) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        blocker = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
        try:
            handle = await sandbox.click_button(alice, message, f"rb:vote:{poll.poll_id}:{poll.option_ids[0]}")
            await handle.wait_ack(timeout=2)
            assert handle.deferred and handle.ephemeral  # "thinking…"
            assert "gespeichert" not in handle.text  # not yet told it counts
            assert await _votes(sqlite_database, poll.poll_id) == {}
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        await handle.wait_response(timeout=5)  # the follow-up replaces the "thinking…" message
        assert "Deine Stimme für **Ja** ist gespeichert" in handle.text
        assert handle.latency < 3
    assert await _votes(sqlite_database, poll.poll_id) == {alice.user.id: poll.option_ids[0]}


async def test_a_deadline_that_passed_while_the_bot_was_down_closes_right_after_start(sandbox: Sandbox, sqlite_database: Database) -> None:
    from sqlalchemy import update

    guild, channel, _, alice, _ = _world(sandbox)
    poll = await store_poll(sqlite_database, guild_id=guild.id, channel_id=channel.id, language="en")
    async with running_bot(sqlite_database) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, poll.poll_id)
        await _click(sandbox, alice, message, f"rb:vote:{poll.poll_id}:{poll.option_ids[1]}")
    async with sqlite_database.session() as session:  # the deadline passes while the bot is down
        await session.execute(update(Poll).where(Poll.id == poll.poll_id).values(closes_at=utcnow() - timedelta(minutes=5)))
    started = asyncio.get_running_loop().time()
    async with running_bot(sqlite_database, close_check_seconds=30):  # only the round right after start can do it
        result = await sandbox.wait_for_message(channel, lambda m: m.content.startswith("Poll closed"), timeout=5)
        assert asyncio.get_running_loop().time() - started < 5
        assert "**Nein**: 100% (1)" in result.content and "Votes: 1" in result.content
        assert all(button.get("disabled") for row in message.components for button in row["components"])
