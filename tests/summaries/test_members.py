"""Who may read a summary, DM preferences, thread activity counts and /forget-me's deletion, on both backends."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import Answer, GuildSettings, ThreadActivity, Vote, utcnow
from bot.storage.settings import link_author
from bot.summaries.delivery import claim_summary_delivery, release_summary_delivery
from bot.summaries.members import (
    author_member_id,
    forget_member,
    may_summarise,
    record_thread_message,
    set_summary_dms,
    summary_dms_enabled,
)
from bot.summaries.report import build_summary
from .summary_builders import GUILD, MEMBERS, OTHER_GUILD, Community, PollSpec, standard_article

AUTHOR, ROLE = MEMBERS[35], 555


async def test_who_may_summarise(database: Database, community: Community) -> None:
    article = await community.article([], author="Anna  Autorin")
    other_guilds = await community.article([], guild_id=OTHER_GUILD)
    async with database.session() as session:
        session.add(GuildSettings(guild_id=GUILD, author_role_id=ROLE))
        await link_author(session, GUILD, "anna autorin", AUTHOR)
    async with database.session() as session:
        async def may(member: int, roles: tuple[int, ...] = (), manages: bool = False, article_id: int = article.id) -> bool:
            return await may_summarise(
                session, guild_id=GUILD, article_id=article_id, member_id=member, role_ids=roles, manages_guild=manages
            )

        assert await may(MEMBERS[0], manages=True)
        assert await may(MEMBERS[0], roles=(1, ROLE))
        assert await may(AUTHOR)  # the article's own author, mapped by name (spacing and case do not matter)
        assert not await may(MEMBERS[0], roles=(1, 2))
        assert not await may(MEMBERS[0], manages=True, article_id=other_guilds.id)  # another guild's article: never
        assert await author_member_id(session, GUILD, "Anna Autorin") == AUTHOR
        assert await author_member_id(session, OTHER_GUILD, "Anna Autorin") is None


async def test_summary_dms_default_on_and_toggle(database: Database) -> None:
    async with database.session() as session:
        assert await summary_dms_enabled(session, GUILD, AUTHOR)
        await set_summary_dms(session, GUILD, AUTHOR, False)
    async with database.session() as session:
        assert not await summary_dms_enabled(session, GUILD, AUTHOR)
        assert await summary_dms_enabled(session, OTHER_GUILD, AUTHOR)
        await set_summary_dms(session, GUILD, AUTHOR, True)
    async with database.session() as session:
        assert await summary_dms_enabled(session, GUILD, AUTHOR)


async def test_thread_messages_are_counted_per_member_only_in_article_threads(database: Database, community: Community) -> None:
    article = await community.article([], thread_id=7001)

    async def message(member: int, thread_id: int = 7001, guild_id: int = GUILD) -> bool:
        async with database.session() as session:
            return await record_thread_message(session, guild_id=guild_id, thread_id=thread_id, member_id=member)

    results = await asyncio.gather(*(message(member) for member in [MEMBERS[0]] * 3 + [MEMBERS[1]] * 2))
    assert all(results)
    assert not await message(MEMBERS[0], thread_id=7002)  # not an article's thread
    assert not await message(MEMBERS[0], guild_id=OTHER_GUILD)  # the same thread id in another guild: not ours
    summary = await build_summary(database, article.id)
    assert (summary.thread.messages, summary.thread.participants) == (5, 2)


async def test_forget_member_deletes_only_their_rows_in_this_guild_and_summaries_follow(
    database: Database, community: Community
) -> None:
    article = await standard_article(community)
    elsewhere = await community.article([PollSpec("Ja?", PollKind.YES_NO, ("Ja", "Nein"))], guild_id=OTHER_GUILD, thread_id=9)
    await community.vote(elsewhere, 0, 0, MEMBERS[0])
    await community.thread_messages(article, MEMBERS[0], 3)
    await community.thread_messages(elsewhere, MEMBERS[0], 2)
    before = await build_summary(database, article.id)
    assert before.voters == 8 and before.polls[0].options[0].votes == 3 and len(before.polls[2].answers) == 4

    async with database.session() as session:
        forgotten = await forget_member(session, GUILD, MEMBERS[0])
    assert (forgotten.votes, forgotten.answers, forgotten.thread_counts) == (1, 1, 1)
    assert forgotten.poll_ids == (article.poll_ids[0], article.poll_ids[2])

    after = await build_summary(database, article.id)
    assert after.voters == 7 and after.polls[0].options[0].votes == 2 and len(after.polls[2].answers) == 3
    assert after.thread.messages == 0
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Vote).where(Vote.member_id == MEMBERS[0])) == 1
        assert await session.scalar(select(func.count()).select_from(Answer).where(Answer.member_id == MEMBERS[0])) == 0
        remaining = await session.scalar(select(func.sum(ThreadActivity.messages)).where(ThreadActivity.member_id == MEMBERS[0]))
        assert remaining == 2  # the other guild keeps its count
        again = await forget_member(session, GUILD, MEMBERS[0])
    assert (again.votes, again.answers, again.thread_counts, again.poll_ids) == (0, 0, 0, ())


async def test_closing_summary_is_claimed_once(database: Database, community: Community) -> None:
    article = await community.article([])
    async with database.session() as session:
        assert await claim_summary_delivery(session, article.id, utcnow())
    async with database.session() as session:
        assert not await claim_summary_delivery(session, article.id, utcnow())
        await release_summary_delivery(session, article.id)
    async with database.session() as session:
        assert await claim_summary_delivery(session, article.id, utcnow())
