"""The summary queries, on both database backends."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import Poll, PollState
from bot.summaries.report import AmbiguousArticle, ArticleNotFound, build_summary, recent_articles
from .summary_builders import GERMAN_ANSWERS, GUILD, MEMBERS, OTHER_GUILD, Community, PollSpec, standard_article


async def test_counts_votes_changes_withdrawals_and_answers(database: Database, community: Community) -> None:
    article = await standard_article(community)
    summary = await build_summary(database, article.id)

    assert summary.article.url == article.url
    assert summary.voters == 8
    yes_no, choice, open_question = summary.polls
    assert [(o.label, o.votes) for o in yes_no.options] == [("Ja", 3), ("Nein", 2), ("Weiß nicht", 1)]
    assert yes_no.votes == 6 and [o.share for o in yes_no.options] == [0.5, 0.3333, 0.1667]
    assert [(o.label, o.votes) for o in choice.options] == [("Bus", 1), ("Rad", 2), ("Auto", 0)]
    assert choice.votes == 3 and choice.turnout == 0.375
    assert open_question.kind == PollKind.OPEN and open_question.votes == 0 and open_question.options == ()
    assert open_question.answers == (GERMAN_ANSWERS[0], *GERMAN_ANSWERS[1:4])  # the replaced answer is gone
    assert open_question.participants == 4 and open_question.turnout == 0.5
    assert [poll.closed for poll in summary.polls] == [False, False, False] and not summary.closed


async def test_reference_by_url_with_or_without_trailing_slash(database: Database, community: Community) -> None:
    article = await standard_article(community)
    for reference in (article.url, article.url.rstrip("/"), f" {article.id} ", str(article.id)):
        assert (await build_summary(database, reference)).article.id == article.id


async def test_unknown_article_and_other_guilds_article_are_not_found(database: Database, community: Community) -> None:
    article = await standard_article(community)
    with pytest.raises(ArticleNotFound):
        await build_summary(database, "https://blog.example/nowhere/")
    with pytest.raises(ArticleNotFound):
        await build_summary(database, 987654)
    with pytest.raises(ArticleNotFound):
        await build_summary(database, article.id, guild_id=OTHER_GUILD)
    with pytest.raises(ArticleNotFound):
        await build_summary(database, article.url, guild_id=OTHER_GUILD)
    assert (await build_summary(database, article.url, guild_id=GUILD)).article.id == article.id


async def test_same_url_in_two_guilds_needs_a_guild_or_an_id(database: Database, community: Community) -> None:
    first = await community.article([PollSpec("Ja?", PollKind.YES_NO, ("Ja", "Nein"))], url="https://blog.example/same/")
    second = await community.article(
        [PollSpec("Ja?", PollKind.YES_NO, ("Ja", "Nein"))], url="https://blog.example/same/", guild_id=OTHER_GUILD
    )
    await community.vote(second, 0, 1, MEMBERS[0])
    with pytest.raises(AmbiguousArticle) as raised:
        await build_summary(database, "https://blog.example/same/")
    assert set(raised.value.article_ids) == {first.id, second.id}
    mine = await build_summary(database, "https://blog.example/same/", guild_id=GUILD)
    theirs = await build_summary(database, "https://blog.example/same/", guild_id=OTHER_GUILD)
    assert (mine.voters, mine.polls[0].votes) == (0, 0)
    assert (theirs.voters, [o.votes for o in theirs.polls[0].options]) == (1, [0, 1])


async def test_member_in_several_polls_counts_once_and_votes_of_other_articles_do_not(
    database: Database, community: Community
) -> None:
    specs = [PollSpec(f"Frage {n}?", PollKind.YES_NO, ("Ja", "Nein")) for n in range(4)] + [PollSpec("Warum?", PollKind.OPEN)]
    article = await community.article(specs)
    other = await community.article(specs)
    for poll in range(4):
        for member in MEMBERS[:10]:
            await community.vote(article, poll, member % 2, member)
    await community.answer(article, 4, MEMBERS[0], "weil")  # voted as well: still one voter
    await community.answer(article, 4, MEMBERS[20], "darum")  # answered only: a voter too
    await community.vote(other, 0, 0, MEMBERS[30])
    summary = await build_summary(database, article.id)
    assert summary.voters == 11
    assert [poll.votes for poll in summary.polls[:4]] == [10, 10, 10, 10]
    assert summary.polls[4].participants == 2


async def test_draft_polls_are_left_out_and_closed_state_shows(database: Database, community: Community) -> None:
    article = await community.article(
        [
            PollSpec("Offen?", PollKind.YES_NO, ("Ja", "Nein"), state=PollState.CLOSED),
            PollSpec("Entwurf?", PollKind.YES_NO, ("Ja", "Nein"), state=PollState.DRAFT),
        ]
    )
    summary = await build_summary(database, article.id)
    assert [poll.question for poll in summary.polls] == ["Offen?"]
    assert summary.closed
    async with database.session() as session:
        await session.execute(update(Poll).where(Poll.id == article.poll_ids[1]).values(state=PollState.OPEN))
    assert not (await build_summary(database, article.id)).closed


async def test_thread_activity_and_empty_article(database: Database, community: Community) -> None:
    article = await community.article([])
    await community.thread_messages(article, MEMBERS[0], 5)
    await community.thread_messages(article, MEMBERS[1], 2)
    summary = await build_summary(database, article.id)
    assert (summary.thread.messages, summary.thread.participants) == (7, 2)
    assert summary.voters == 0 and summary.polls == () and not summary.closed


async def test_themes_and_representative_answers_come_with_open_polls(database: Database, community: Community) -> None:
    article = await community.article([PollSpec("Was sollte die Stadt für den Verkehr tun?", PollKind.OPEN)])
    for member, text in zip(MEMBERS, GERMAN_ANSWERS, strict=False):
        await community.answer(article, 0, member, text)
    poll = (await build_summary(database, article.id)).polls[0]
    labels = [theme.label for theme in poll.themes]
    assert {"Preise", "Radwege", "Busverbindungen"} <= set(labels)
    assert 1 <= len(poll.samples) <= 3 and set(poll.samples) <= set(GERMAN_ANSWERS)


async def test_recent_articles_are_this_guilds_newest_first(database: Database, community: Community) -> None:
    from datetime import timedelta

    old = await community.article([], title="Alte Nachricht 100%_", age=timedelta(days=3))
    new = await community.article([], title="Neue Nachricht", age=timedelta(days=1))
    await community.article([], title="Nachricht anderswo", guild_id=OTHER_GUILD)
    async with database.session() as session:
        assert [c.id for c in await recent_articles(session, GUILD)] == [new.id, old.id]
        assert [c.id for c in await recent_articles(session, GUILD, "alte")] == [old.id]
        assert [c.id for c in await recent_articles(session, GUILD, "100%_")] == [old.id]
        assert [c.id for c in await recent_articles(session, GUILD, "%")] == [old.id]  # a literal, not a wildcard
        assert [c.id for c in await recent_articles(session, GUILD, str(new.id))] == [new.id]
        assert await recent_articles(session, OTHER_GUILD, "Neue") == []


async def test_in_memory_database_is_summarised_on_its_one_connection() -> None:
    from bot.storage.models import Base
    from bot.summaries.report import _can_run_in_parallel

    database = Database("sqlite+aiosqlite:///:memory:")
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        assert not _can_run_in_parallel(database)
        article = await standard_article(Community(database))
        summary = await build_summary(database, article.id)
        assert summary.voters == 8 and [poll.votes for poll in summary.polls] == [6, 3, 0]
    finally:
        await database.dispose()
