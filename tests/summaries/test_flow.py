"""Summaries of a database filled by the real flow, not by hand-written rows: members click the poll buttons and
submit the answer modal through the sandbox, the polls cog stores the votes and closes the polls, and its
`article_polls_closed` event makes the summaries cog post the closing summary. Every output must then agree
with what the members did: the JSON record, the channel post (embeds, CSV, chart) and the /summary answer."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
from collections.abc import AsyncIterator

from bot.cogs.errors import install_error_handler
from bot.cogs.summaries import SummariesCog
from bot.questions.model import PollKind
from bot.sandbox import Sandbox
from bot.storage.database import Database
from bot.storage.models import GuildSettings
from bot.summaries.render import render_json, render_text
from bot.summaries.report import build_summary
from tests.polls.conftest import sandbox  # noqa: F401 - the fixture
from tests.polls.harness import TOKEN, PollTestBot, post_poll

from .summary_builders import Community, PollSpec
from .test_chart import png_size


class FlowBot(PollTestBot):
    """The polls cog (as its own tests run it) plus the summaries cog, in one discord.py client."""

    async def setup_hook(self) -> None:
        install_error_handler(self.tree)
        await self.add_cog(SummariesCog(self, self.database, digest_check_seconds=3600))
        await super().setup_hook()  # adds the polls cog and syncs every command


@contextlib.asynccontextmanager
async def running_flow_bot(database: Database) -> AsyncIterator[FlowBot]:
    bot = FlowBot(database, refresh_interval=0.3, close_check_seconds=3600)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


async def test_every_output_agrees_with_the_clicks(sandbox: Sandbox, sqlite_database: Database) -> None:
    sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Leser", locale="de")
    channel, summaries = sandbox.add_channel(guild, "artikel"), sandbox.add_channel(guild, "auswertungen")
    admin = sandbox.add_member(guild, "ada", roles=[sandbox.add_role(guild, "Admins", ["manage_guild"])])
    members = sandbox.add_members(guild, 12, locales=("de", "en-US"))
    async with sqlite_database.session() as session:
        session.add(GuildSettings(guild_id=guild.id, summary_channel_id=summaries.id, language="de",
                                  results_visibility="live", thread_per_article=True))
    article = await Community(sqlite_database).article(
        [
            PollSpec("Braucht die Stadt mehr Radwege?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht")),
            PollSpec("Womit fahrt ihr zur Arbeit?", PollKind.CHOICE, ("Bus", "Rad", "Auto")),
            PollSpec("Was sollte die Stadt für den Verkehr tun?", PollKind.OPEN),
        ],
        guild_id=guild.id,
        channel_id=channel.id,
    )
    expected_votes: list[dict[int, int]] = [{}, {}]  # poll -> member -> option index, as the clicks leave it
    expected_answers: dict[int, str] = {}

    async with running_flow_bot(sqlite_database) as bot:
        messages = [await post_poll(bot, sqlite_database, sandbox, channel.id, poll_id) for poll_id in article.poll_ids]

        async def click(member, poll: int, option: int) -> None:
            custom_id = f"rb:vote:{article.poll_ids[poll]}:{article.option_ids[poll][option]}"
            handle = await sandbox.click_button(member, messages[poll], custom_id)
            await handle.wait_response()
            current = expected_votes[poll].get(member.id)
            if current == option:
                del expected_votes[poll][member.id]  # the same option again withdraws
            else:
                expected_votes[poll][member.id] = option

        async def answer(member, text: str) -> None:
            opened = await sandbox.click_button(member, messages[2], f"rb:answer:{article.poll_ids[2]}")
            await opened.wait_response()
            submitted = await sandbox.submit_modal(member, opened.modal["custom_id"], {"answer": text})
            await submitted.wait_response()
            expected_answers[member.id] = text

        for index, member in enumerate(members):
            await click(member, 0, index % 3)
            if index % 2:
                await click(member, 1, index % 3)
        await click(members[0], 0, 1)  # changed
        await click(members[1], 0, 1)  # withdrawn (member 1 had chosen option 1)
        await click(members[3], 1, 0)  # withdrawn
        texts = [
            "Mehr Radwege und sichere Kreuzungen", "Günstigere Preise für Tickets", "Sichere Radwege für Kinder",
            "Die Preise für Busse senken", "Cheaper tickets and better buses",
        ]
        for member, text in zip(members[6:], texts, strict=False):
            await answer(member, text)
        await answer(members[6], "Mehr Radwege, sichere Kreuzungen und @everyone Bänke")  # replaces the first answer
        await answer(admin, "Tempo 30 in der Innenstadt")

        for poll_id in article.poll_ids:
            await bot.polls.close(poll_id)
        posted = await sandbox.wait_for_message(summaries, timeout=20)

        summary_answer = await sandbox.run_slash_command(admin, "summary", {"article": str(article.id)}, channel=channel)
        await summary_answer.wait_response(timeout=20)

    document = json.loads(render_json(await build_summary(sqlite_database, article.id)))
    for poll in (0, 1):
        counts = [sum(1 for option in expected_votes[poll].values() if option == index) for index in range(3)]
        assert [option["votes"] for option in document["polls"][poll]["options"]] == counts
        assert document["polls"][poll]["votes"] == sum(counts) and document["polls"][poll]["closed"] is True
    assert sorted(a["text"] for a in document["polls"][2]["answers"]) == sorted(expected_answers.values())
    voters = set(expected_votes[0]) | set(expected_votes[1]) | set(expected_answers)
    assert document["voters"] == len(voters)

    # The closing summary in the channel: the same numbers in the CSV, a chart, the questions in the embeds.
    assert "sind beendet" in posted.content and "@everyone" not in json.dumps(posted.embeds, ensure_ascii=False)
    table = next(a for a in posted.attachments if a.filename.endswith(".csv")).data.decode()
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [int(r["votes"]) for r in rows if r["section"] == "option"] == [
        option["votes"] for poll in document["polls"][:2] for option in poll["options"]
    ]
    assert int(rows[0]["votes"]) == document["voters"]
    assert png_size(next(a for a in posted.attachments if a.filename.endswith(".png")).data)[0] == 800
    assert [e["title"].split(". ", 1)[1] for e in posted.embeds[1:]] == [p["question"] for p in document["polls"]]

    # /summary shows the same bars and counts to the admin, ephemerally.
    assert summary_answer.ephemeral
    shown = summary_answer.text
    for poll in document["polls"][:2]:
        for option in poll["options"]:
            assert f"({option['votes']})" in shown
    text = render_text(await build_summary(sqlite_database, article.id), "de")
    assert f"{document['voters']} Teilnehmende · Umfragen beendet" in text
    for member in [*members, admin]:
        assert str(member.id) not in shown + table + json.dumps(document) + text


async def test_forget_me_redraws_the_poll_messages_with_lower_counts(sandbox: Sandbox, sqlite_database: Database) -> None:
    sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Leser", locale="de")
    channel = sandbox.add_channel(guild, "artikel")
    members = sandbox.add_members(guild, 3, locales=("de",))
    async with sqlite_database.session() as session:
        session.add(GuildSettings(guild_id=guild.id, language="de", results_visibility="live"))
    article = await Community(sqlite_database).article(
        [PollSpec("Braucht die Stadt mehr Radwege?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht"))],
        guild_id=guild.id, channel_id=channel.id,
    )
    async with running_flow_bot(sqlite_database) as bot:
        message = await post_poll(bot, sqlite_database, sandbox, channel.id, article.poll_ids[0])
        for member in members:
            vote = await sandbox.click_button(member, message, f"rb:vote:{article.poll_ids[0]}:{article.option_ids[0][0]}")
            await vote.wait_response()

        def shows_votes(count: int) -> bool:
            return f"Stimmen: {count}" in json.dumps(sandbox.message(message.id).embeds, ensure_ascii=False)

        await sandbox.wait_until(lambda: shows_votes(3), timeout=10)

        asked = await sandbox.run_slash_command(members[0], "forget-me", channel=channel)
        await asked.wait_response(timeout=10)
        yes = next(
            c["custom_id"] for row in asked.components for c in row.get("components", []) if c.get("custom_id", "").startswith("forget-me:yes:")
        )
        confirmed = await sandbox.click_button(members[0], asked.shown_message, yes)
        await confirmed.wait_response(timeout=10)

        await sandbox.wait_until(lambda: shows_votes(2), timeout=10)
    assert shows_votes(2) and (await build_summary(sqlite_database, article.id)).voters == 2
