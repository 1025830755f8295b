"""The workload of the vote benchmark (benchmarks/votes.py): one article whose polls are seeded in the database
and posted in the sandbox, and who clicks what, in which order."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


PollMessages = list[tuple[int, list[int], Any]]  # (poll id, option ids, message), vote polls only


def copy_messages(sandbox: Any, channel: Any, bot_account: Any, messages: list[Any]) -> list[Any]:
    """The same poll messages, as posted by another bot account (the bare bots get identical payloads)."""
    return [sandbox.create_message(channel, bot_account.user, {
        "content": message.content, "embeds": message.embeds, "components": message.components,
    }, application_id=bot_account.application_id) for message in messages]


@dataclass
class Seeded:
    polls: PollMessages
    messages: list[Any]  # every poll message of the article (the open question's too), in order
    labels: dict[int, dict[int, str]]  # poll id -> option id -> label


async def seed(database_url: str, sandbox: Any, guild: Any, channel: Any, bot_account: Any,
               option_counts: list[int], open_questions: int) -> Seeded:
    """One article with vote polls of `option_counts` options and `open_questions` open questions, open for a
    day, live results (the guild's default), their messages in the channel and the outbox rows for them."""
    from bot.cogs.poll_views import render_poll_message
    from bot.polls.tally import load_poll_snapshot
    from bot.questions.model import PollKind
    from bot.storage.database import Database
    from bot.storage.migrate import upgrade_to_head_async
    from bot.storage.models import Article, DiscordPost, Poll, PollOption, PollState, PostState, utcnow

    await upgrade_to_head_async(database_url)
    database = Database(database_url)
    seeded = Seeded([], [], {})
    try:
        async with database.session() as session:
            article = Article(guild_id=guild.id, channel_id=channel.id, entry_id="bench", url="https://blog.example/bench",
                              title="Benchmark", text_hash="0" * 64, language="en")
            session.add(article)
            await session.flush()
            kinds = [(PollKind.CHOICE, count) for count in option_counts] + [(PollKind.OPEN, 0)] * open_questions
            for position, (kind, count) in enumerate(kinds):
                poll = Poll(article_id=article.id, guild_id=guild.id, position=position, question=f"Question {position + 1}?",
                            kind=kind, language="en", anonymous=True, duration_seconds=86400.0,
                            closes_at=utcnow() + timedelta(days=1), state=PollState.OPEN)
                poll.options = [PollOption(position=index, label=f"Option {index + 1}") for index in range(count)]
                session.add(poll)
            await session.flush()
            poll_rows = list((await session.execute(
                Poll.__table__.select().where(Poll.article_id == article.id).order_by(Poll.position))).all())
        for row in poll_rows:
            async with database.session() as session:
                snapshot = await load_poll_snapshot(session, row.id)
            assert snapshot is not None and snapshot.results_visible
            content, embed, view = render_poll_message(snapshot)
            message = sandbox.create_message(channel, bot_account.user, {
                "content": content, "embeds": [embed.to_dict()], "components": view.to_components(),
            }, application_id=bot_account.application_id)
            async with database.session() as session:
                session.add(DiscordPost(key=f"poll:{row.id}", guild_id=guild.id, article_id=row.article_id, poll_id=row.id,
                                        channel_id=channel.id, message_id=message.id, nonce=f"bench{row.id}",
                                        state=PostState.SENT, sent_at=utcnow()))
            seeded.messages.append(message)
            if snapshot.kind == PollKind.CHOICE:
                seeded.polls.append((row.id, [option.option_id for option in snapshot.options], message))
                seeded.labels[row.id] = {option.option_id: option.label for option in snapshot.options}
    finally:
        await database.dispose()
    return seeded


PlannedClick = tuple[Any, int, int]  # (member, index of the vote poll, option id)


def plan_clicks(members: list[Any], polls: PollMessages, count: int, rng: random.Random, spacing: int) -> list[PlannedClick]:
    """`count` clicks in waves: each wave every (member, poll) pair once in random order, on a random option.

    From the second wave on, members click polls they already voted on: the same option again withdraws the vote
    (or casts it again after a withdrawal), another option changes it. A pair comes back at the earliest
    `spacing` clicks later, so that at the offered rate its previous click has long been answered (the order in
    which a member's clicks were applied is then the order the member was told, which the final check needs).
    """
    pairs = [(member, index) for member in members for index in range(len(polls))]
    order: list[tuple[Any, int]] = []
    while len(order) < count:
        recent = {(id(member), index) for member, index in order[-spacing:]}
        wave = pairs[:]
        rng.shuffle(wave)
        free = [pair for pair in wave if (id(pair[0]), pair[1]) not in recent]
        rest = free[spacing:] + [pair for pair in wave if (id(pair[0]), pair[1]) in recent]
        rng.shuffle(rest)
        order += free[:spacing] + rest
    return [(member, index, rng.choice(polls[index][1])) for member, index in order[:count]]
