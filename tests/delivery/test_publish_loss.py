"""The core's answer to a lost article message or thread (bot/posting/publish.py), against a transport that
keeps losing it: re-posted at most MAX_REPOSTS times, then the polls are dropped. Never an endless loop (the
bug of the last round: the thread step retried forever when the article message was deleted before it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.config import PollSettings
from bot.posting.content import ArticleCard
from bot.posting.delivery import MAX_REPOSTS, DeliveryFailure, Problem
from bot.posting.publish import ArticlePublisher, SentMessage
from bot.storage.database import Database
from bot.storage.models import DiscordPost, EntryState, Poll, PollState, SeenEntry
from bot.storage.settings import update_guild_settings

from .test_storage import NOW, _article


class VanishingDiscord:
    """Every article message is deleted by a moderator before the bot can start its thread."""

    def __init__(self, *, vanish: int = 10**6) -> None:
        self.vanish = vanish  # how many article messages vanish before one stays
        self.calls: list[str] = []
        self.next_id = 1000

    async def find_article_message(self, channel_id: int, card: ArticleCard, since: datetime) -> SentMessage | None:
        self.calls.append("find_article")
        return None

    async def send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage:
        self.calls.append("article")
        self.next_id += 1
        return SentMessage(self.next_id, channel_id, NOW)

    async def find_thread(self, channel_id: int, message_id: int) -> int | None:
        return None

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        self.calls.append("thread")
        if self.calls.count("thread") <= self.vanish:
            raise DeliveryFailure(Problem.MESSAGE_DELETED, channel_id, "404 10008: Unknown Message")
        return message_id

    async def find_poll_message(self, channel_id: int, poll_id: int, since: datetime) -> SentMessage | None:
        return None

    async def send_poll_message(self, channel_id: int, poll_id: int, nonce: str) -> SentMessage:
        self.calls.append("poll")
        self.next_id += 1
        return SentMessage(self.next_id, channel_id, NOW)


async def test_message_deleted_before_its_thread_is_reposted_once(database: Database) -> None:
    _, article_id, poll_id = await _article(database, 1, 10)
    discord = VanishingDiscord(vanish=1)
    result = await ArticlePublisher(database, discord, PollSettings(duration=60), clock=lambda: NOW).publish(article_id)
    assert (result.reposts, result.dropped_polls) == (1, None)
    assert discord.calls == ["article", "thread", "article", "thread", "poll"]
    async with database.session() as session:
        keys = sorted(await session.scalars(select(DiscordPost.key)))
        assert keys == sorted([f"article:{article_id}", f"thread:{article_id}", f"poll:{poll_id}",
                               f"lost1:article:{article_id}", f"lost1:thread:{article_id}"])
        lost = await session.scalar(select(DiscordPost).where(DiscordPost.key == f"lost1:thread:{article_id}"))
        assert (lost.problem, lost.attempts) == ("message_deleted", 1)
        assert (await session.scalar(select(SeenEntry.state))) == EntryState.POSTED


async def test_a_message_that_keeps_vanishing_is_reposted_at_most_max_reposts_times(database: Database) -> None:
    _, article_id, _ = await _article(database, 1, 10)
    discord = VanishingDiscord()
    result = await ArticlePublisher(database, discord, PollSettings(duration=60), clock=lambda: NOW).publish(article_id)
    assert result.reposts == MAX_REPOSTS and result.dropped_polls == 1
    assert discord.calls.count("thread") == MAX_REPOSTS + 1 and "poll" not in discord.calls
    async with database.session() as session:
        assert (await session.scalar(select(Poll.state))) == PollState.CLOSED
        assert (await session.scalar(select(SeenEntry.state))) == EntryState.POSTED


async def test_dropping_is_chosen_by_the_guild(database: Database) -> None:
    _, article_id, _ = await _article(database, 1, 10)
    async with database.session() as session:
        await update_guild_settings(session, 1, lost_thread="drop")
    discord = VanishingDiscord()
    result = await ArticlePublisher(database, discord, PollSettings(duration=60), clock=lambda: NOW).publish(article_id)
    assert (result.reposts, result.dropped_polls) == (0, 1)
    assert discord.calls == ["article", "thread"]


class DownDiscord(VanishingDiscord):
    async def send_article_message(self, channel_id: int, card: ArticleCard, nonce: str) -> SentMessage:
        raise OSError("503 Service Unavailable")


async def test_a_failed_step_is_recorded_on_its_outbox_row(database: Database) -> None:
    _, article_id, _ = await _article(database, 1, 10)
    publisher = ArticlePublisher(database, DownDiscord(), PollSettings(duration=60), clock=lambda: NOW)
    for _ in range(2):
        try:
            await publisher.publish(article_id)
        except OSError:
            pass
    async with database.session() as session:
        row = await session.scalar(select(DiscordPost).where(DiscordPost.key == f"article:{article_id}"))
        assert (row.problem, row.problem_since, row.attempts, str(row.state)) == ("transient", NOW, 2, "pending")
        assert "503" in row.last_error
