"""Delivery state in storage (bot/storage/delivery.py), on SQLite and PostgreSQL: one notice per problem, lost
outbox rows, moving a feed, and deleting a removed guild's data without touching another guild's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.articles.model import Article as ArticleText
from bot.articles.model import Block
from bot.config import PollSettings
from bot.polls.closing import poll_for_message
from bot.posting.outbox import article_key, mark_sent, poll_key, record_intent
from bot.questions.model import PollDraft, PollKind
from bot.storage.articles import publishing_queue, store_article, store_articles
from bot.storage.database import Database
from bot.storage.delivery import (
    clear_subscription_problem,
    lose_article_posts,
    mark_guild_present,
    mark_guild_removed,
    move_subscription,
    purge_removed_guilds,
    record_subscription_problem,
)
from bot.storage.models import (
    Feed,
    Answer,
    Article,
    DiscordPost,
    EntryState,
    FeedSubscription,
    GuildSettings,
    Poll,
    PollOption,
    SeenEntry,
    Vote,
)
from bot.storage.settings import load_guild_config

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DRAFTS = [PollDraft("Wollt ihr mehr davon?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht"), 2)]


async def _article(database: Database, guild_id: int, channel_id: int, slug: str = "one") -> tuple[int, int, int]:
    """(subscription id, article id, poll id) of a pending article with one poll."""
    url = f"https://blog.example/posts/{slug}/"
    async with database.session() as session:
        subscription = FeedSubscription(
            guild_id=guild_id, channel_id=channel_id, feed_url=f"https://blog.example/{guild_id}.xml", feed=Feed(url=f"https://blog.example/{guild_id}.xml"), title="Blog", created_by=7
        )
        session.add(subscription)
        await session.flush()
        entry = SeenEntry(subscription_id=subscription.id, entry_key=slug.ljust(64, "k"), entry_id=slug, url=url, state=EntryState.PENDING)
        session.add(entry)
        await session.flush()
        config = await load_guild_config(session, guild_id, PollSettings(duration=3600))
        text = ArticleText(url=url, entry_id=url, title="One", author="Ada", published=NOW, language="de", image=None,
                           blocks=[Block("paragraph", "Text.")], excerpt="Excerpt")
        article = await store_article(session, entry, subscription, text, DRAFTS, config)
        assert article is not None
        return subscription.id, article.id, article.polls[0].id


async def test_a_problem_is_told_once_and_its_fix_once(database: Database) -> None:
    subscription_id, _, _ = await _article(database, 1, 10)
    async with database.session() as session:
        first = await record_subscription_problem(session, subscription_id, "missing_permissions", detail="send_messages", now=NOW)
        again = await record_subscription_problem(session, subscription_id, "missing_permissions", detail="send_messages", now=NOW)
    assert first is not None and first.notify and first.detail == "send_messages" and first.created_by == 7
    assert again is not None and not again.notify
    async with database.session() as session:
        other = await record_subscription_problem(session, subscription_id, "missing_permissions", detail="embed_links", now=NOW)
        unknown = await record_subscription_problem(session, subscription_id, "missing_permissions", detail=None, now=NOW)
    assert other is not None and other.notify and other.detail == "embed_links"  # something else to do now
    assert unknown is not None and not unknown.notify and unknown.detail == "embed_links"
    async with database.session() as session:
        row = await session.get(FeedSubscription, subscription_id)
        assert (row.delivery_attempts, row.delivery_since, row.paused) == (4, NOW, False)
    async with database.session() as session:
        fixed = await clear_subscription_problem(session, subscription_id)
        nothing = await clear_subscription_problem(session, subscription_id)
    assert fixed is not None and fixed.notify and nothing is None
    async with database.session() as session:
        row = await session.get(FeedSubscription, subscription_id)
        assert (row.delivery_problem, row.delivery_attempts, row.paused) == (None, 0, False)

    # A paused problem (the channel was deleted) stays until an admin acts: late failures and posts change nothing.
    async with database.session() as session:
        deleted = await record_subscription_problem(session, subscription_id, "channel_deleted", detail=None, now=NOW, pause=True)
    assert deleted is not None and deleted.notify
    async with database.session() as session:
        late = await record_subscription_problem(session, subscription_id, "missing_permissions", detail="send_messages", now=NOW)
        assert late is not None and not late.notify
        assert await clear_subscription_problem(session, subscription_id) is None
        row = await session.get(FeedSubscription, subscription_id)
        assert (row.delivery_problem, row.paused) == ("channel_deleted", True)


async def test_lost_rows_keep_their_history_and_free_the_keys(database: Database) -> None:
    _, article_id, poll_id = await _article(database, 1, 10)
    async with database.session() as session:
        await record_intent(session, article_key(article_id), guild_id=1, channel_id=10, now=NOW, article_id=article_id)
        await record_intent(session, poll_key(poll_id), guild_id=1, channel_id=99, now=NOW, article_id=article_id, poll_id=poll_id)
        await mark_sent(session, poll_key(poll_id), message_id=555, sent_at=NOW)
    async with database.session() as session:
        assert await lose_article_posts(session, article_id) == 1
        assert await lose_article_posts(session, article_id) == 2  # nothing new to lose: the generation still grows
    async with database.session() as session:
        keys = sorted(await session.scalars(select(DiscordPost.key)))
        assert keys == [f"lost1:article:{article_id}", f"lost1:poll:{poll_id}"]
        assert await poll_for_message(session, guild_id=1, message_id=555) is None  # no clicks on a lost message


async def test_move_sends_waiting_articles_to_the_new_channel_from_scratch(database: Database) -> None:
    subscription_id, article_id, _ = await _article(database, 1, 10)
    async with database.session() as session:
        await record_intent(session, article_key(article_id), guild_id=1, channel_id=10, now=NOW, article_id=article_id)
        await record_subscription_problem(session, subscription_id, "channel_deleted", detail=None, now=NOW, pause=True)
    async with database.session() as session:
        assert await publishing_queue(session) == []  # paused: nothing to post
        result = await move_subscription(session, 1, "https://blog.example/1.xml", 20)
        assert result.moved == 1 and result.fixed is not None and result.fixed.notify and result.fixed.channel_id == 20
        subscription = await session.get(FeedSubscription, subscription_id)
        assert subscription.channel_id == 20 and not subscription.paused and subscription.delivery_problem is None
    async with database.session() as session:
        queue = await publishing_queue(session)
        assert [(item.article_id, item.channel_id) for item in queue] == [(article_id, 20)]
        assert list(await session.scalars(select(DiscordPost.key))) == [f"lost1:article:{article_id}"]


async def test_removed_guild_is_left_out_then_deleted_and_the_other_guild_kept(database: Database) -> None:
    _, removed_article, removed_poll = await _article(database, 1, 10)
    _, kept_article, kept_poll = await _article(database, 2, 20, slug="two")
    async with database.session() as session:
        for poll_id, guild_id in ((removed_poll, 1), (kept_poll, 2)):
            option = await session.scalar(select(PollOption.id).where(PollOption.poll_id == poll_id).limit(1))
            session.add(Vote(poll_id=poll_id, guild_id=guild_id, member_id=5, option_id=option))
            session.add(Answer(poll_id=poll_id, guild_id=guild_id, member_id=5, text="ja"))
            await record_intent(session, poll_key(poll_id), guild_id=guild_id, channel_id=9, now=NOW, poll_id=poll_id)
        await mark_guild_removed(session, 1, NOW)
    async with database.session() as session:
        assert [item.article_id for item in await publishing_queue(session)] == [kept_article]
        assert await purge_removed_guilds(session, NOW - timedelta(seconds=1)) == []  # not yet
        assert await mark_guild_present(session, 1) is True  # added back: kept
        await mark_guild_removed(session, 1, NOW)
    async with database.session() as session:
        assert await purge_removed_guilds(session, NOW + timedelta(days=30)) == [1]
    async with database.session() as session:
        for model in (FeedSubscription, Article, Poll, Vote, Answer, DiscordPost):
            assert await session.scalar(select(func.count()).select_from(model).where(model.guild_id == 1)) == 0, model
            assert await session.scalar(select(func.count()).select_from(model).where(model.guild_id == 2)) == 1, model
        assert await session.scalar(select(func.count()).select_from(SeenEntry)) == 1
        assert await session.get(GuildSettings, 1) is None
        assert await session.get(Article, kept_article) is not None and await session.get(Article, removed_article) is None


async def test_summary_without_files_is_told_once_and_a_posting_problem_wins(database: Database) -> None:
    from bot.storage.delivery import clear_attach_problem, record_attach_problem

    subscription_id, article_id, _ = await _article(database, 1, 10)
    async with database.session() as session:
        first = await record_attach_problem(session, article_id, 30, NOW)
        again = await record_attach_problem(session, article_id, 30, NOW)
        assert first is not None and first.notify and first.detail == "30" and again is not None and not again.notify
        # A posted article does not clear it (only a summary with its files does).
        assert await clear_subscription_problem(session, subscription_id) is None
        fixed = await clear_attach_problem(session, article_id)
        assert fixed is not None and fixed.notify and fixed.problem == "no_attach_files"
    async with database.session() as session:
        await record_subscription_problem(session, subscription_id, "missing_permissions", detail="send_messages", now=NOW)
        assert await record_attach_problem(session, article_id, 30, NOW) is None  # the posting problem stays shown
        row = await session.get(FeedSubscription, subscription_id)
        assert row.delivery_problem == "missing_permissions"


async def test_one_article_is_stored_for_many_guilds_in_one_go(database: Database) -> None:
    """store_articles: one row per waiting guild with that guild's poll settings; a guild that already has the
    article (through another feed) gets its entry marked posted, and an entry already built is left alone."""
    url = "https://blog.example/posts/shared/"
    text = ArticleText(url=url, entry_id=url, title="Shared", author=None, published=NOW, language="de", image=None,
                       blocks=[Block("paragraph", "Text.")], excerpt="Excerpt")
    feed = Feed(url="https://blog.example/shared.xml")
    async with database.session() as session:
        session.add(GuildSettings(guild_id=2, poll_duration_seconds=120))
        subscriptions = [
            FeedSubscription(guild_id=guild, channel_id=guild * 10, feed_url=feed.url, feed=feed, title="Blog")
            for guild in (1, 2, 3, 4)
        ]
        session.add_all(subscriptions)
        await session.flush()
        entries = [
            SeenEntry(subscription_id=s.id, entry_key="s".ljust(64, "k"), entry_id=url, url=url, state=EntryState.PENDING)
            for s in subscriptions
        ]
        session.add_all(entries)
        await session.flush()
        entry_ids = [entry.id for entry in entries]
    _, earlier, _ = await _article(database, 3, 30, slug="shared")  # guild 3 has it already, from another feed
    async with database.session() as session:
        built = await session.get(SeenEntry, entry_ids[3])
        built.article_id = earlier
    async with database.session() as session:
        stored = await store_articles(session, entry_ids, text, DRAFTS, PollSettings(duration=3600))
    assert stored == 2
    async with database.session() as session:
        rows = {entry.id: entry for entry in await session.scalars(select(SeenEntry).where(SeenEntry.id.in_(entry_ids)))}
        durations = dict((await session.execute(
            select(Article.guild_id, Poll.duration_seconds).join(Poll, Poll.article_id == Article.id).where(Article.url == url)
        )).all())
        options = await session.scalar(select(func.count()).select_from(PollOption).join(Poll).join(Article).where(Article.url == url))
    assert durations == {1: 3600, 2: 120, 3: 3600}  # guild 3's poll is the earlier article's own
    assert options == 3 * 3
    assert rows[entry_ids[0]].article_id is not None and rows[entry_ids[0]].state == EntryState.PENDING
    assert (rows[entry_ids[2]].article_id, rows[entry_ids[2]].state) == (earlier, EntryState.POSTED)
    assert (rows[entry_ids[3]].article_id, rows[entry_ids[3]].state) == (earlier, EntryState.PENDING)  # left alone
