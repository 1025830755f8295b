"""Fixtures for poll tests: an article with polls, stored the way the publisher stores them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import Article, GuildSettings, Poll, PollOption, PollState, utcnow

GUILD = 1_000_000_000_000_001
OTHER_GUILD = 1_000_000_000_000_002


@dataclass(frozen=True)
class StoredPoll:
    poll_id: int
    article_id: int
    guild_id: int
    option_ids: tuple[int, ...]


MakePoll = Callable[..., Awaitable[StoredPoll]]


async def store_poll(
    database: Database,
    *,
    guild_id: int = GUILD,
    kind: PollKind = PollKind.CHOICE,
    options: Sequence[str] = ("Ja", "Nein", "Weiß nicht"),
    question: str = "Sollten wir mehr Bäume pflanzen?",
    state: PollState = PollState.OPEN,
    closes_at: datetime | None = None,
    article_id: int | None = None,
    position: int = 0,
    language: str = "de",
    anonymous: bool = True,
    channel_id: int = 5,
    thread_id: int | None = None,
) -> StoredPoll:
    async with database.session() as session:
        if article_id is None:
            article = Article(
                guild_id=guild_id, channel_id=channel_id, thread_id=thread_id, entry_id=f"e-{position}-{utcnow().timestamp()}",
                url=f"https://blog.example/{utcnow().timestamp()}-{position}", title="Ein Artikel", text_hash="x" * 64,
            )
            session.add(article)
            await session.flush()
            article_id = article.id
        poll = Poll(
            article_id=article_id, guild_id=guild_id, position=position, question=question, kind=kind, language=language,
            anonymous=anonymous, duration_seconds=3600.0, closes_at=closes_at or utcnow() + timedelta(hours=1), state=state,
        )
        poll.options = [PollOption(position=index, label=label) for index, label in enumerate(options if kind != PollKind.OPEN else ())]
        session.add(poll)
        await session.flush()
        return StoredPoll(poll.id, article_id, guild_id, tuple(option.id for option in poll.options))


@pytest.fixture
def make_poll(database: Database) -> MakePoll:
    async def make(**kwargs: object) -> StoredPoll:
        return await store_poll(database, **kwargs)  # type: ignore[arg-type]

    return make


async def set_visibility(database: Database, guild_id: int, visibility: str) -> None:
    async with database.session() as session:
        session.add(GuildSettings(guild_id=guild_id, results_visibility=visibility))


@pytest.fixture
async def sandbox(monkeypatch: pytest.MonkeyPatch):
    """A started sandbox with discord.py pointed at it (configuration, not a patch of its behaviour)."""
    import discord
    import yarl

    from bot.sandbox import Sandbox

    sandbox = Sandbox()
    urls = await sandbox.start()
    monkeypatch.setattr(discord.http.Route, "BASE", urls.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(urls.gateway_url))
    yield sandbox
    await sandbox.stop()
