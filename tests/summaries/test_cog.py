"""The summaries cog in a real discord.py bot against the sandbox (same process): /summary, closing summaries,
thread counts, /forget-me, /summary-dms and the weekly digest."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import discord
import pytest
import yarl
from discord.ext import commands
from sqlalchemy import select

from bot.cogs.errors import install_error_handler
from bot.cogs.summaries import SummariesCog
from bot.questions.model import PollKind
from bot.sandbox import Channel, Guild, Member, Sandbox
from bot.storage.database import Database
from bot.storage.models import Article, GuildSettings, MemberPreference, Poll, PollState, utcnow
from bot.storage.settings import link_author
from bot.summaries.report import build_summary
from polls.harness import ClosesLikeReaderBot

from .summary_builders import GERMAN_ANSWERS, BuiltArticle, Community, PollSpec
from .test_chart import png_size

TOKEN = "summaries-test-token"
NOW = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # a Wednesday


class SummaryTestBot(ClosesLikeReaderBot):
    """The summaries cog, loaded the way `reader-bot run` loads it, with the error handler and a fast timer.

    It asks for GUILD_MESSAGES (not privileged) because counting thread messages needs MESSAGE_CREATE."""

    def __init__(self, database: Database, clock: list[datetime]) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None,
                         guild_ready_timeout=0.05, allowed_mentions=discord.AllowedMentions.none())
        self.database = database
        self.clock = clock

    async def setup_hook(self) -> None:
        install_error_handler(self.tree)
        await self.add_cog(SummariesCog(self, self.database, digest_check_seconds=0.1, clock=lambda: self.clock[0]))
        await self.tree.sync()

    @property
    def summaries(self) -> SummariesCog:
        cog = self.get_cog("Summaries")
        assert isinstance(cog, SummariesCog)
        return cog


@dataclass
class World:
    sandbox: Sandbox
    bot: SummaryTestBot
    database: Database
    community: Community
    guild: Guild
    other_guild: Guild
    articles: Channel
    summaries: Channel
    admin: Member
    author: Member
    writer: Member  # has the guild's author role
    reader: Member
    stranger: Member  # a member of the other guild only
    clock: list[datetime]

    async def article(self, *, guild: Guild | None = None, author: str = "Anna Autorin", thread: bool = True,
                      title: str = "Radwege in der Stadt") -> tuple[BuiltArticle, Channel | None]:
        guild = guild or self.guild
        channel = self.articles if guild is self.guild else next(c for c in guild.channels.values() if not c.is_thread)
        thread_channel = self.sandbox.start_thread(channel, title[:90], self.sandbox.default_bot().user) if thread else None
        built = await self.community.article(
            [
                PollSpec("Braucht die Stadt mehr Radwege?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht")),
                PollSpec("Was sollte die Stadt für den Verkehr tun?", PollKind.OPEN),
            ],
            guild_id=guild.id, author=author, thread_id=thread_channel.id if thread_channel else None, title=title,
        )
        return built, thread_channel

    async def votes(self, article: BuiltArticle) -> None:
        for index, member in enumerate([self.admin, self.author, self.writer, self.reader]):
            await self.community.vote(article, 0, index % 2, member.id)
        for member, text in zip([self.admin, self.writer, self.reader], GERMAN_ANSWERS, strict=False):
            await self.community.answer(article, 1, member.id, text)


@pytest.fixture
async def world(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    sandbox = Sandbox()
    urls = await sandbox.start()
    monkeypatch.setattr(discord.http.Route, "BASE", urls.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(urls.gateway_url))
    sandbox.add_bot_user(TOKEN)
    guild = sandbox.add_guild("Leser", locale="de")
    other = sandbox.add_guild("Elsewhere")
    sandbox.add_channel(other, "articles")
    articles, summaries = sandbox.add_channel(guild, "artikel"), sandbox.add_channel(guild, "auswertungen")
    author_role = sandbox.add_role(guild, "Autorin")
    admin_role = sandbox.add_role(guild, "Admin", ["manage_guild"])
    world_members = dict(
        admin=sandbox.add_member(guild, "ada", roles=[admin_role]),
        author=sandbox.add_member(guild, "anna", locale="de"),
        writer=sandbox.add_member(guild, "wim", roles=[author_role]),
        reader=sandbox.add_member(guild, "bob", locale="de"),
        stranger=sandbox.add_member(other, "sam"),
    )
    async with sqlite_database.session() as session:
        session.add(GuildSettings(guild_id=guild.id, summary_channel_id=summaries.id, author_role_id=author_role.id,
                                  language="de", results_visibility="live", thread_per_article=True))
        await link_author(session, guild.id, "Anna Autorin", world_members["author"].id)
    clock = [NOW]
    bot = SummaryTestBot(sqlite_database, clock)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield World(sandbox, bot, sqlite_database, Community(sqlite_database), guild, other, articles, summaries,
                    clock=clock, **world_members)
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)
        await sandbox.stop()


async def test_summary_command_answers_admins_authors_and_author_role_only(world: World) -> None:
    article, _ = await world.article()
    await world.votes(article)
    for member in (world.admin, world.author, world.writer):
        handle = await world.sandbox.run_slash_command(member, "summary", {"article": str(article.id)}, channel=world.articles)
        await handle.wait_response(timeout=20)
        answer = handle.shown_message
        assert answer.ephemeral
        assert "Braucht die Stadt mehr Radwege?" in handle.text and "█" in handle.text
        names = sorted(attachment.filename for attachment in answer.attachments)
        assert names == [f"summary-{article.id}.csv", f"summary-{article.id}.png"]
        png = next(a for a in answer.attachments if a.filename.endswith(".png")).data
        assert png_size(png)[0] == 800
        table = next(a for a in answer.attachments if a.filename.endswith(".csv")).data.decode()
        assert [r["votes"] for r in csv.DictReader(io.StringIO(table)) if r["section"] == "option"] == ["2", "2", "0"]
        assert str(world.reader.id) not in handle.text + table  # anonymous: nobody is named

    refused = await world.sandbox.run_slash_command(world.reader, "summary", {"article": str(article.id)}, channel=world.articles)
    await refused.wait_response(timeout=10)
    assert refused.ephemeral and "Autorenrolle" in refused.text and "█" not in refused.text

    theirs, _ = await world.article(guild=world.other_guild, thread=False)
    foreign = await world.sandbox.run_slash_command(world.admin, "summary", {"article": str(theirs.id)}, channel=world.articles)
    await foreign.wait_response(timeout=10)
    assert f"No article “{theirs.id}”" in foreign.text and "Radwege" not in foreign.text  # another guild's article looks absent


async def test_autocomplete_offers_this_guilds_articles_newest_first(world: World) -> None:
    first, _ = await world.article(title="Erster Artikel", thread=False)
    second, _ = await world.article(title="Zweiter Artikel", thread=False)
    await world.article(guild=world.other_guild, title="Fremder Artikel", thread=False)
    handle = await world.sandbox.autocomplete(world.reader, "summary", {"article": ""}, "article", channel=world.articles)
    await handle.wait_response(timeout=10)
    assert [choice["value"] for choice in handle.choices] == [str(second.id), str(first.id)]
    assert handle.choices[1]["name"].startswith("Erster Artikel · ")
    typed = await world.sandbox.autocomplete(world.reader, "summary", {"article": "erst"}, "article", channel=world.articles)
    await typed.wait_response(timeout=10)
    assert [choice["value"] for choice in typed.choices] == [str(first.id)]


async def test_closing_summary_goes_to_the_channel_and_the_author_once(world: World) -> None:
    article, _ = await world.article()
    await world.votes(article)
    world.bot.dispatch("article_polls_closed", article.id)
    world.bot.dispatch("article_polls_closed", article.id)  # a second trigger must not post twice
    posted = await world.sandbox.wait_for_message(world.summaries, timeout=20)
    assert "Die Umfragen zu **Radwege in der Stadt** sind beendet" in posted.content
    assert sorted(a.filename for a in posted.attachments) == [f"summary-{article.id}.csv", f"summary-{article.id}.png"]
    assert any("Braucht die Stadt mehr Radwege?" in embed.get("title", "") for embed in posted.embeds)
    await world.sandbox.wait_until(lambda: world.sandbox.dm_messages(world.author), timeout=10, what="author DM")
    await asyncio.sleep(0.3)
    assert len(world.sandbox.messages(world.summaries, include_system=False)) == 1
    dms = world.sandbox.dm_messages(world.author)
    assert len(dms) == 1 and "deinem Artikel" in dms[0].content and len(dms[0].attachments) == 2


async def test_summary_dms_off_is_respected(world: World) -> None:
    handle = await world.sandbox.run_slash_command(world.author, "summary-dms", {"state": "off"}, channel=world.articles)
    await handle.wait_response(timeout=10)
    assert handle.ephemeral and "keine Auswertungen mehr" in handle.text
    async with world.database.session() as session:
        preference = await session.scalar(select(MemberPreference).where(MemberPreference.member_id == world.author.id))
        assert preference is not None and preference.summary_dms is False
    article, _ = await world.article()
    assert await world.bot.summaries.deliver_closing_summary(article.id)
    assert world.sandbox.messages(world.summaries, include_system=False)  # the channel still gets it
    assert world.sandbox.dm_messages(world.author) == []


async def test_thread_messages_are_counted_not_stored(world: World) -> None:
    article, thread = await world.article()
    assert thread is not None
    for member in (world.reader, world.reader, world.writer):
        await world.sandbox.member_send_message(member, thread, "Ich finde, die Stadt braucht @everyone mehr Busse")
    await world.sandbox.member_send_message(world.reader, world.articles, "not in a thread")

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while (await build_summary(world.database, article.id)).thread.messages < 3 and loop.time() < deadline:
        await asyncio.sleep(0.05)
    summary = await build_summary(world.database, article.id)
    assert (summary.thread.messages, summary.thread.participants) == (3, 2)


async def test_forget_me_deletes_after_confirmation_and_summaries_follow(world: World) -> None:
    article, _ = await world.article()
    await world.votes(article)
    before = await build_summary(world.database, article.id)
    assert before.voters == 4

    cancelled = await world.sandbox.run_slash_command(world.reader, "forget-me", channel=world.articles)
    await cancelled.wait_response(timeout=10)
    assert cancelled.ephemeral and "nicht rückgängig" in cancelled.text
    no = next(c["custom_id"] for c in _buttons(cancelled.components) if c["custom_id"].startswith("forget-me:no:"))
    click = await world.sandbox.click_button(world.reader, cancelled.shown_message, no)
    await click.wait_response(timeout=10)
    assert (await build_summary(world.database, article.id)).voters == 4

    asked = await world.sandbox.run_slash_command(world.reader, "forget-me", channel=world.articles)
    await asked.wait_response(timeout=10)
    yes = next(c["custom_id"] for c in _buttons(asked.components) if c["custom_id"].startswith("forget-me:yes:"))
    click = await world.sandbox.click_button(world.reader, asked.shown_message, yes)
    await click.wait_response(timeout=10)
    assert "Gelöscht: Stimmen 1, schriftliche Antworten 1, Thread-Zähler 0." in click.text
    after = await build_summary(world.database, article.id)
    assert after.voters == 3 and after.polls[0].votes == 3 and len(after.polls[1].answers) == 2


async def eventually(predicate, what: str, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition on the bot's side (the sandbox's own wait_until wakes only on changes of its state)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"no {what} within {timeout}s")
        await asyncio.sleep(0.02)


def _buttons(components: list[dict]) -> list[dict]:
    found = []
    for row in components:
        found += [c for c in row.get("components", []) if c.get("type") == 2]
    return found


async def test_weekly_digest_is_posted_once_at_its_hour(world: World) -> None:
    article, _ = await world.article(title="Diese Woche", thread=False)
    async with world.database.session() as session:
        row = await session.get(Article, article.id)
        assert row is not None
        row.created_at = NOW - timedelta(days=2)
    await world.votes(article)
    old, _ = await world.article(title="Vorige Woche", thread=False)
    async with world.database.session() as session:
        row = await session.get(Article, old.id)
        assert row is not None
        row.created_at = NOW - timedelta(days=8)
    await asyncio.sleep(0.3)
    assert world.sandbox.messages(world.summaries, include_system=False) == []  # no digest configured yet
    async with world.database.session() as session:
        settings = await session.get(GuildSettings, world.guild.id)
        assert settings is not None
        settings.digest = "wed 09"
    posted = await world.sandbox.wait_for_message(world.summaries, timeout=10)
    assert "Wochenübersicht: 2026-02-25 bis 2026-03-04" in posted.embeds[0]["title"]
    description = posted.embeds[0]["description"]
    assert "**Diese Woche** · 4 Teilnehmende" in description and "Braucht die Stadt mehr Radwege?: Ja / Nein 50 %" in description
    assert "Vorige Woche" not in description
    await asyncio.sleep(0.4)  # several more ticks of the loop: still one digest
    assert len(world.sandbox.messages(world.summaries, include_system=False)) == 1
    world.clock[0] = NOW + timedelta(days=7)
    await world.sandbox.wait_until(lambda: len(world.sandbox.messages(world.summaries, include_system=False)) == 2, timeout=10)
    assert "keine neuen Artikel" in world.sandbox.messages(world.summaries, include_system=False)[1].embeds[0]["description"]


async def test_a_missed_or_failed_closing_summary_is_sent_later(world: World) -> None:
    bot_member = world.sandbox.bot_member(world.guild)
    world.sandbox.set_overwrite(world.summaries, bot_member, deny=["send_messages"])
    article, _ = await world.article()
    await world.votes(article)
    async with world.database.session() as session:
        polls = (await session.scalars(select(Poll).where(Poll.article_id == article.id))).all()
        for poll in polls:
            poll.state, poll.closed_at = PollState.CLOSED, utcnow()  # closed while nobody listened for the event

    def attempts() -> int:
        return len(world.sandbox.requests_matching("POST", f"/channels/{world.summaries.id}/messages"))

    # Refused (403) and released each time, so the next round tries again; nothing reaches the channel.
    await eventually(lambda: attempts() >= 2, "a second attempt")
    assert world.sandbox.messages(world.summaries, include_system=False) == []

    world.sandbox.set_overwrite(world.summaries, bot_member, allow=["send_messages"])
    posted = await world.sandbox.wait_for_message(world.summaries, timeout=10)
    assert "Radwege in der Stadt" in posted.content
    await asyncio.sleep(0.3)
    assert len(world.sandbox.messages(world.summaries, include_system=False)) == 1
