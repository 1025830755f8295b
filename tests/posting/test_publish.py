"""The outbox state machine against an in-memory stand-in for Discord that can "crash" at every step.

The real Discord side (bot/cogs/publisher.py) is exercised end to end in tests/e2e; here every crash point is
covered on both database backends in milliseconds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.articles.model import Article as ArticleText
from bot.articles.model import Block
from bot.config import PollSettings
from bot.posting.content import ArticleCard
from bot.posting.outbox import article_key, poll_key, thread_key
from bot.posting.publish import ArticlePublisher, SentMessage
from bot.questions.model import PollDraft, PollKind
from bot.storage.articles import publishing_queue, store_article
from bot.storage.database import Database
from bot.storage.models import Feed, DiscordPost, EntryState, FeedSubscription, Poll, PollState, PostState, SeenEntry
from bot.storage.settings import load_guild_config

GUILD = 111
CHANNEL = 222
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Crash(Exception):
    """Stands for SIGKILL: the process stops right here."""


@dataclass
class FakeMessage:
    id: int
    channel_id: int
    article_url: str | None = None
    poll_id: int | None = None
    nonce: str | None = None


@dataclass
class FakeDiscord:
    """Channels, messages and threads; `crash_at` names a step and whether the request got through first."""

    crash_at: tuple[str, str] | None = None  # (step, "before" | "after"), step e.g. "article", "thread", "poll:2"
    messages: list[FakeMessage] = field(default_factory=list)
    threads: dict[int, int] = field(default_factory=dict)  # starter message id -> thread id
    ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    requests: list[str] = field(default_factory=list)

    def _maybe_crash(self, step: str, moment: str) -> None:
        if self.crash_at == (step, moment):
            self.crash_at = None
            raise Crash(f"{moment} {step}")

    def _send(self, step: str, message: FakeMessage) -> SentMessage:
        self._maybe_crash(step, "before")
        self.requests.append(step)
        duplicate = next((m for m in self.messages if m.nonce and m.nonce == message.nonce), None)
        if duplicate is None:
            self.messages.append(message)
        else:
            message = duplicate
        self._maybe_crash(step, "after")
        return SentMessage(message.id, message.channel_id, NOW)

    async def find_article_message(self, channel_id: int, card: ArticleCard, since: datetime) -> SentMessage | None:
        found = [m for m in self.messages if m.channel_id == channel_id and m.article_url == card.url]
        return SentMessage(found[0].id, channel_id, NOW) if found else None

    async def send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage:
        return self._send("article", FakeMessage(next(self.ids), channel_id, article_url=card.url, nonce=None))

    async def find_thread(self, channel_id: int, message_id: int) -> int | None:
        return self.threads.get(message_id)

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        self._maybe_crash("thread", "before")
        self.requests.append("thread")
        assert message_id not in self.threads, "a second thread on the same message"
        assert len(name) <= 100
        self.threads[message_id] = message_id  # Discord: a thread started from a message has its id
        self._maybe_crash("thread", "after")
        return message_id

    async def find_poll_message(self, channel_id: int, poll_id: int, since: datetime) -> SentMessage | None:
        found = [m for m in self.messages if m.channel_id == channel_id and m.poll_id == poll_id]
        return SentMessage(found[0].id, channel_id, NOW) if found else None

    async def send_poll_message(self, channel_id: int, poll_id: int, nonce: str) -> SentMessage:
        position = self._poll_positions[poll_id]
        return self._send(f"poll:{position}", FakeMessage(next(self.ids), channel_id, poll_id=poll_id, nonce=None))

    _poll_positions: dict[int, int] = field(default_factory=dict)


def _article(title: str = "Should we *rewrite* @everyone?", url: str = "https://blog.example/posts/one/") -> ArticleText:
    return ArticleText(
        url=url,
        entry_id=url,
        title=title,
        author="Ada",
        published=NOW - timedelta(hours=1),
        language="de",
        image="https://blog.example/one.png",
        blocks=[Block("paragraph", "Text.")],
        excerpt="An excerpt " * 60,
    )


DRAFTS = [
    PollDraft("Wollt ihr mehr davon?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht"), 2),
    PollDraft("Welche Sprache: Python oder Rust?", PollKind.CHOICE, ("Python", "Rust"), 4),
    PollDraft("Was würdet ihr anders machen?", PollKind.OPEN, (), 7),
]


async def _setup(database: Database, *, article: ArticleText | None = None, drafts=DRAFTS) -> tuple[int, list[int]]:
    async with database.session() as session:
        subscription = FeedSubscription(guild_id=GUILD, channel_id=CHANNEL, feed_url="https://blog.example/feed.xml", feed=Feed(url="https://blog.example/feed.xml"), title="Blog")
        session.add(subscription)
        await session.flush()
        entry = SeenEntry(subscription_id=subscription.id, entry_key="k" * 64, entry_id="one", url="https://blog.example/posts/one/", state=EntryState.PENDING)
        session.add(entry)
        await session.flush()
        config = await load_guild_config(session, GUILD, PollSettings(duration=3600, anonymous=True))
        row = await store_article(session, entry, subscription, article or _article(), drafts, config)
        assert row is not None
        poll_ids = [poll.id for poll in sorted(row.polls, key=lambda p: p.position)]
        return row.id, poll_ids


def _publisher(database: Database, discord: FakeDiscord) -> ArticlePublisher:
    return ArticlePublisher(database, discord, PollSettings(duration=3600), clock=lambda: NOW)


async def _assert_posted_once(database: Database, discord: FakeDiscord, article_id: int, poll_ids: list[int]) -> None:
    channel_messages = [m for m in discord.messages if m.channel_id == CHANNEL]
    assert len(channel_messages) == 1 and channel_messages[0].article_url is not None
    starter = channel_messages[0].id
    assert discord.threads == {starter: starter}
    thread_messages = [m for m in discord.messages if m.channel_id == starter]
    assert [m.poll_id for m in thread_messages] == poll_ids  # one per poll, in order
    async with database.session() as session:
        posts = {post.key: post for post in await session.scalars(select(DiscordPost))}
        assert set(posts) == {article_key(article_id), thread_key(article_id), *(poll_key(p) for p in poll_ids)}
        assert all(post.state == PostState.SENT for post in posts.values())
        assert posts[article_key(article_id)].message_id == starter
        assert posts[thread_key(article_id)].message_id == starter
        polls = list(await session.scalars(select(Poll).order_by(Poll.position)))
        assert [poll.state for poll in polls] == [PollState.OPEN] * len(poll_ids)
        assert all(poll.closes_at == NOW + timedelta(hours=1) for poll in polls)
        entry = await session.scalar(select(SeenEntry))
        assert entry.state == EntryState.POSTED
        assert await publishing_queue(session) == []


async def test_publishes_message_thread_and_one_message_per_poll(database: Database) -> None:
    article_id, poll_ids = await _setup(database)
    discord = FakeDiscord()
    discord._poll_positions = {poll_id: index for index, poll_id in enumerate(poll_ids)}
    result = await _publisher(database, discord).publish(article_id)
    assert not result.resumed
    assert discord.requests == ["article", "thread", "poll:0", "poll:1", "poll:2"]
    await _assert_posted_once(database, discord, article_id, poll_ids)
    again = await _publisher(database, discord).publish(article_id)  # a second run changes nothing
    assert again.poll_message_ids == result.poll_message_ids
    assert discord.requests == ["article", "thread", "poll:0", "poll:1", "poll:2"]


CRASH_POINTS = [
    (step, moment) for step in ("article", "thread", "poll:0", "poll:1", "poll:2") for moment in ("before", "after")
]


async def _crash_and_restart(database: Database, crash_at: tuple[str, str]) -> None:
    article_id, poll_ids = await _setup(database)
    discord = FakeDiscord(crash_at=crash_at)
    discord._poll_positions = {poll_id: index for index, poll_id in enumerate(poll_ids)}
    with pytest.raises(Crash):
        await _publisher(database, discord).publish(article_id)
    async with database.session() as session:
        assert [entry.state for entry in await session.scalars(select(SeenEntry))] == [EntryState.PENDING]
        assert [queued.article_id for queued in await publishing_queue(session)] == [article_id]
    result = await _publisher(database, discord).publish(article_id)  # "after restart": a fresh publisher
    assert result.resumed
    await _assert_posted_once(database, discord, article_id, poll_ids)


@pytest.mark.parametrize("crash_at", CRASH_POINTS, ids=[f"{moment}-{step}" for step, moment in CRASH_POINTS])
async def test_a_crash_at_any_step_is_finished_once_after_restart(sqlite_database: Database, crash_at: tuple[str, str]) -> None:
    await _crash_and_restart(sqlite_database, crash_at)


async def test_a_crash_between_polls_is_finished_once_on_both_backends(database: Database) -> None:
    await _crash_and_restart(database, ("poll:1", "after"))


async def test_queue_keeps_feed_order_and_waits_for_unbuilt_entries(database: Database) -> None:
    async with database.session() as session:
        subscription = FeedSubscription(guild_id=GUILD, channel_id=CHANNEL, feed_url="https://blog.example/feed.xml", feed=Feed(url="https://blog.example/feed.xml"))
        session.add(subscription)
        await session.flush()
        entries = [
            SeenEntry(subscription_id=subscription.id, entry_key=str(i) * 64, entry_id=str(i), url=f"https://blog.example/{i}/", state=EntryState.PENDING)
            for i in range(3)
        ]
        session.add_all(entries)
        await session.flush()
        config = await load_guild_config(session, GUILD, PollSettings())
        first = await store_article(session, entries[0], subscription, _article(url="https://blog.example/0/"), [], config)
        await store_article(session, entries[2], subscription, _article(url="https://blog.example/2/"), [], config)
    async with database.session() as session:
        queue = await publishing_queue(session)
    assert [queued.article_id for queued in queue] == [first.id]  # entry 1 is not built: entry 2 waits


async def test_the_same_article_is_stored_once_per_guild(database: Database) -> None:
    article_id, _ = await _setup(database, drafts=[])
    async with database.session() as session:
        other = FeedSubscription(guild_id=GUILD, channel_id=CHANNEL + 1, feed_url="https://blog.example/other.xml", feed=Feed(url="https://blog.example/other.xml"))
        session.add(other)
        await session.flush()
        entry = SeenEntry(subscription_id=other.id, entry_key="z" * 64, entry_id="one", url="https://blog.example/posts/one/", state=EntryState.PENDING)
        session.add(entry)
        await session.flush()
        config = await load_guild_config(session, GUILD, PollSettings())
        assert await store_article(session, entry, other, _article(), [], config) is None
        assert entry.state == EntryState.POSTED and entry.article_id == article_id


async def test_polls_take_the_guild_language_and_duration(database: Database) -> None:
    from bot.storage.settings import update_guild_settings

    async with database.session() as session:
        await update_guild_settings(session, GUILD, language="en", poll_duration_seconds=120.0, anonymous=False)
    _, poll_ids = await _setup(database)
    async with database.session() as session:
        polls = list(await session.scalars(select(Poll).options(selectinload(Poll.options)).order_by(Poll.position)))
    assert [poll.language for poll in polls] == ["en"] * 3  # the article is German, the guild chose English
    assert {poll.duration_seconds for poll in polls} == {120.0}
    assert [poll.anonymous for poll in polls] == [False] * 3
    assert [poll.kind for poll in polls] == [PollKind.YES_NO, PollKind.CHOICE, PollKind.OPEN]
    assert [len(poll.options) for poll in polls] == [3, 2, 0]


async def test_the_guild_cap_keeps_the_most_confident_polls_in_article_order(database: Database) -> None:
    """Issue 10: `/config set max_per_article` caps the polls stored for an article; the finder's most
    confident questions are kept, in the order they stand in the article."""
    from bot.storage.settings import update_guild_settings

    drafts = [
        PollDraft("Wollt ihr mehr davon?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht"), 2, confidence=0.7),
        PollDraft("Welche Sprache: Python oder Rust?", PollKind.CHOICE, ("Python", "Rust"), 4, confidence=0.95),
        PollDraft("Was würdet ihr anders machen?", PollKind.OPEN, (), 7, confidence=0.9),
    ]
    async with database.session() as session:
        await update_guild_settings(session, GUILD, max_per_article=2)
    await _setup(database, drafts=drafts)
    async with database.session() as session:
        polls = list(await session.scalars(select(Poll).order_by(Poll.position)))
    assert [poll.question for poll in polls] == ["Welche Sprache: Python oder Rust?", "Was würdet ihr anders machen?"]
