"""Native polls in-process: the publisher sends Discord's poll and finds it again after a crash; Discord ending a
poll on its own (its poll-result message) makes the bot store the final voters."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from bot.cogs.client import ReaderBot
from bot.polls.native import native_poll_ref
from bot.posting.outbox import mark_sent, poll_key, record_intent
from bot.questions.model import PollKind
from bot.storage.models import Poll, PollState, Vote, utcnow
from e2e.harness import SandboxWorld, wait_until
from polls.conftest import store_poll


async def test_publisher_sends_a_native_poll_and_finds_it_after_a_crash(running_bot: ReaderBot, world: SandboxWorld) -> None:
    database = running_bot.database
    stored = await store_poll(database, guild_id=world.guild.id, kind=PollKind.YES_NO, options=("Ja", "Nein"),
                              channel_id=world.channel.id)
    buttons = await store_poll(database, guild_id=world.guild.id, article_id=stored.article_id, position=1,
                               question="Und jetzt?", channel_id=world.channel.id)
    async with database.session() as session:
        await session.execute(update(Poll).where(Poll.id == stored.poll_id).values(style="native", duration_seconds=5400))
    transport = running_bot.publisher.transport
    before = utcnow() - timedelta(minutes=1)
    sent = await transport.send_poll_message(world.channel.id, stored.poll_id, "nonce-native-1")
    message = world.sandbox.message(sent.message_id)
    assert message.poll["question"]["text"] == "Sollten wir mehr Bäume pflanzen?"
    assert [a["poll_media"]["text"] for a in message.poll["answers"]] == ["Ja", "Nein"]
    assert message.poll["allow_multiselect"] is False and not message.components
    assert "Discord zeigt allen" in message.content  # the poll's language (de)
    # 90 minutes become 2 whole hours on Discord.
    assert world.sandbox.requests_matching("POST", f"/channels/{world.channel.id}/messages")[-1].json["poll"]["duration"] == 2
    # After a crash between the send and the outbox record, the message is found again, not sent twice.
    found = await transport.find_poll_message(world.channel.id, stored.poll_id, before)
    assert found is not None and found.message_id == sent.message_id
    assert await transport.find_poll_message(world.channel.id, buttons.poll_id, before) is None


async def _posted_native_poll(bot: ReaderBot, world: SandboxWorld, nonce: str):  # type: ignore[no-untyped-def]
    stored = await store_poll(bot.database, guild_id=world.guild.id, channel_id=world.channel.id)
    async with bot.database.session() as session:
        await session.execute(update(Poll).where(Poll.id == stored.poll_id).values(style="native"))
    sent = await bot.publisher.transport.send_poll_message(world.channel.id, stored.poll_id, nonce)
    async with bot.database.session() as session:
        await record_intent(session, poll_key(stored.poll_id), guild_id=world.guild.id, channel_id=world.channel.id,
                            now=utcnow(), article_id=stored.article_id, poll_id=stored.poll_id)
        await mark_sent(session, poll_key(stored.poll_id), message_id=sent.message_id, sent_at=utcnow())
        assert await native_poll_ref(session, stored.poll_id) is not None
    return stored, world.sandbox.message(sent.message_id)


async def test_the_close_poll_context_menu_ends_discords_poll(running_bot: ReaderBot, world: SandboxWorld) -> None:
    stored, message = await _posted_native_poll(running_bot, world, "nonce-native-3")
    world.sandbox.vote_native(world.member, message, [2])
    handle = await world.sandbox.use_message_command(world.admin, "Close poll", message)
    await handle.wait_response(timeout=10)
    assert "is closed" in handle.text, handle.text
    assert world.sandbox.poll_is_finalized(message)
    assert world.sandbox.requests_matching("POST", f"/polls/{message.id}/expire", status=200)
    async with running_bot.database.session() as session:  # the final reconciliation stored the vote
        assert (await session.scalars(select(Vote.member_id).where(Vote.poll_id == stored.poll_id))).all() == [
            world.member.user.id]
        assert (await session.get(Poll, stored.poll_id)).state == "closed"
    result = await world.sandbox.wait_for_message(
        world.channel, lambda m: m.id != message.id and "Sollten wir mehr Bäume pflanzen?" in m.content, 10)
    assert "(1)" in result.content, result.content  # the bot's own result (in the poll's language, German)
    assert not message.components and not message.embeds  # Discord's poll message is not redrawn


async def test_discord_ending_a_poll_on_its_own_stores_the_final_voters(running_bot: ReaderBot, world: SandboxWorld) -> None:
    database = running_bot.database
    stored, message = await _posted_native_poll(running_bot, world, "nonce-native-2")
    readers = world.sandbox.add_members(world.guild, 6)
    for index, reader in enumerate(readers):
        world.sandbox.vote_native(reader, message, [index % 3 + 1])

    async def votes() -> int:
        async with database.session() as session:
            return len((await session.scalars(select(Vote.id).where(Vote.poll_id == stored.poll_id))).all())

    async def votes_are(count: int) -> bool:
        return await votes() == count

    await wait_until(lambda: votes_are(6), 10, "live votes stored")
    async with database.session() as session:  # the bot lost two votes somehow (e.g. a database restored)
        await session.execute(delete(Vote).where(Vote.poll_id == stored.poll_id, Vote.member_id.in_(
            [readers[0].user.id, readers[1].user.id])))
    world.sandbox.end_poll(message)  # Discord ends it: MESSAGE_UPDATE and the poll-result message (type 46)
    await wait_until(lambda: votes_are(6), 10, "the final voters stored")


async def test_a_reconciliation_under_way_does_not_bring_back_a_forgotten_vote(running_bot: ReaderBot, world: SandboxWorld) -> None:
    """The voters are read from Discord while the member votes and then runs /forget-me: the events replayed over
    the reconciliation must not store the forgotten vote again; a vote after /forget-me is a new vote."""
    from bot.cogs.native_polls import _Reconcile

    stored, message = await _posted_native_poll(running_bot, world, "nonce-native-4")
    cog = running_bot.get_cog("NativePolls")
    summaries = running_bot.get_cog("Summaries")
    async with running_bot.database.session() as session:
        ref = await native_poll_ref(session, stored.poll_id)
    since = cog._sequence  # the reconciliation starts reading voters here ...
    world.sandbox.vote_native(world.member, message, [1])
    await wait_until(lambda: cog._sequence > since, 5, "the vote event")
    await summaries.forget(world.guild.id, world.member.user.id)  # ... the member forgets ...
    voters = {answer: set(world.sandbox.poll_voters(message, answer)) for answer in (1, 2, 3)}
    item = _Reconcile(ref, voters, since, final=False)  # ... and the voters it read still list them
    cog._queue.put_nowait(item)
    await item.done

    async def stored_members() -> list[int]:
        async with running_bot.database.session() as session:
            return list((await session.scalars(select(Vote.member_id).where(Vote.poll_id == stored.poll_id))).all())

    assert await stored_members() == []
    world.sandbox.vote_native(world.member, message, [2])  # a new vote after /forget-me counts
    await wait_until(lambda: _has(stored_members, [world.member.user.id]), 5, "the new vote stored")


async def _has(read, expected) -> bool:  # type: ignore[no-untyped-def]
    return await read() == expected


async def test_an_editor_adds_a_multiple_choice_native_poll_and_each_chosen_answer_counts(
        running_bot: ReaderBot, world: SandboxWorld) -> None:
    """`/poll add multiple:true`: refused while the server draws polls with buttons; with the native style the
    poll allows several answers on Discord, and a member's two answers are two stored votes."""
    from sqlalchemy import func

    from bot.storage.models import GuildSettings, PollOption
    from bot.summaries.report import build_summary

    database, sandbox = running_bot.database, world.sandbox
    article = await store_poll(database, guild_id=world.guild.id, channel_id=world.channel.id, state=PollState.CLOSED)
    async with database.session() as session:
        await record_intent(session, f"article:{article.article_id}", guild_id=world.guild.id,
                            channel_id=world.channel.id, now=utcnow(), article_id=article.article_id)
        await mark_sent(session, f"article:{article.article_id}", message_id=1, sent_at=utcnow())
    options = {"article": str(article.article_id), "question": "Was trinkst du zum Frühstück?",
               "options": "Tee | Kaffee | Wasser", "multiple": True}

    refused = await sandbox.run_slash_command(world.admin, "poll", options, subcommand="add", channel=world.channel)
    await refused.wait_response(timeout=10)
    assert "style:native" in refused.text, refused.text
    async with database.session() as session:
        assert await session.scalar(select(func.count(Poll.id)).where(Poll.article_id == article.article_id)) == 1
        session.add(GuildSettings(guild_id=world.guild.id, poll_style="native", anonymous=False))

    added = await sandbox.run_slash_command(world.admin, "poll", options, subcommand="add", channel=world.channel)
    await added.wait_response(timeout=10)
    message = await sandbox.wait_for_message(
        world.channel, lambda m: bool(m.poll) and m.poll["question"]["text"] == options["question"], 10)
    assert message.poll["allow_multiselect"] is True and not message.components
    sandbox.vote_native(world.member, message, [1, 3])
    poll_id = (await wait_until(lambda: _poll_of(database, message.id), 10, "the poll recorded"))

    async def labels() -> list[str]:
        async with database.session() as session:
            return sorted((await session.scalars(select(PollOption.label).join(Vote, Vote.option_id == PollOption.id)
                                                 .where(Vote.poll_id == poll_id))).all())

    await wait_until(lambda: _has(labels, ["Tee", "Wasser"]), 10, "both answers stored")
    summary = await build_summary(database, article.article_id)
    chosen = next(poll for poll in summary.polls if poll.id == poll_id)
    assert chosen.multiple and chosen.participants == 1 and [o.share for o in chosen.options] == [1.0, 0.0, 1.0]
    from bot.summaries.render import render_text

    assert "Mehrfachauswahl" in render_text(summary, "de")

    # Closed early: Discord's poll ends, and the bot's result gives each option's share of the voters.
    closed = await sandbox.run_slash_command(world.admin, "poll", {"poll": str(poll_id)}, subcommand="close",
                                             channel=world.channel)
    await closed.wait_response(timeout=10)
    assert sandbox.poll_is_finalized(message)
    result = await sandbox.wait_for_message(
        world.channel, lambda m: m.id != message.id and options["question"] in (m.content or ""), 10)
    assert ("Voters: 1" in result.content or "Abstimmende: 1" in result.content), result.content
    assert result.content.count("100") == 2, result.content  # Tee and Wasser: each chosen by the one voter


async def _poll_of(database, message_id: int) -> int | None:  # type: ignore[no-untyped-def]
    from bot.storage.models import DiscordPost

    async with database.session() as session:
        return await session.scalar(select(DiscordPost.poll_id).where(DiscordPost.message_id == message_id))
