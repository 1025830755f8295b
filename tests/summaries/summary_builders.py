"""Builders for summary tests: articles with polls, and votes/answers the way the voting code stores them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select

from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import Answer, Article, Poll, PollOption, PollState, ThreadActivity, Vote, utcnow

GUILD = 111_111_111_111_111_111
OTHER_GUILD = 222_222_222_222_222_222
# Member ids that cannot appear by chance in any output (no count, share or position looks like them).
MEMBERS = [900_000_000_000_000_000 + 7_919 * index for index in range(1, 41)]


@dataclass
class PollSpec:
    question: str
    kind: PollKind
    options: tuple[str, ...] = ()
    state: PollState = PollState.OPEN
    anonymous: bool = True


@dataclass
class BuiltArticle:
    id: int
    url: str
    guild_id: int
    poll_ids: list[int] = field(default_factory=list)
    option_ids: list[list[int]] = field(default_factory=list)


class Community:
    """Writes articles, votes and answers straight into the tables, as the voting code would."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._counter = 0

    async def article(
        self,
        polls: list[PollSpec],
        *,
        guild_id: int = GUILD,
        title: str = "Radwege in der Stadt",
        url: str | None = None,
        author: str | None = "Anna Autorin",
        language: str = "de",
        thread_id: int | None = None,
        channel_id: int = 5,
        age: timedelta = timedelta(0),
    ) -> BuiltArticle:
        self._counter += 1
        url = url or f"https://blog.example/{self._counter}/"
        async with self.database.session() as session:
            article = Article(
                guild_id=guild_id, channel_id=channel_id, entry_id=url, url=url, title=title, author=author, language=language,
                text_hash="0" * 64, thread_id=thread_id, created_at=utcnow() - age, polls=[],
            )
            for position, spec in enumerate(polls):
                poll = Poll(
                    guild_id=guild_id, position=position, question=spec.question, kind=spec.kind, language=language,
                    anonymous=spec.anonymous, duration_seconds=60, state=spec.state,
                )
                poll.options = [PollOption(position=index, label=text) for index, text in enumerate(spec.options)]
                article.polls.append(poll)
            session.add(article)
            await session.flush()
            return BuiltArticle(
                id=article.id, url=url, guild_id=guild_id,
                poll_ids=[poll.id for poll in article.polls],
                option_ids=[[option.id for option in poll.options] for poll in article.polls],
            )

    async def vote(self, article: BuiltArticle, poll: int, option: int, member: int) -> None:
        """Record, or change, a member's vote (one row per member per poll, changed in place)."""
        poll_id, option_id = article.poll_ids[poll], article.option_ids[poll][option]
        async with self.database.session() as session:
            existing = await session.scalar(select(Vote).where(Vote.poll_id == poll_id, Vote.member_id == member))
            if existing is None:
                session.add(Vote(poll_id=poll_id, guild_id=article.guild_id, member_id=member, option_id=option_id))
            else:
                existing.option_id = option_id
                existing.updated_at = utcnow()

    async def withdraw(self, article: BuiltArticle, poll: int, member: int) -> None:
        async with self.database.session() as session:
            await session.execute(delete(Vote).where(Vote.poll_id == article.poll_ids[poll], Vote.member_id == member))

    async def answer(self, article: BuiltArticle, poll: int, member: int, text: str) -> None:
        poll_id = article.poll_ids[poll]
        async with self.database.session() as session:
            existing = await session.scalar(select(Answer).where(Answer.poll_id == poll_id, Answer.member_id == member))
            if existing is None:
                session.add(Answer(poll_id=poll_id, guild_id=article.guild_id, member_id=member, text=text))
            else:
                existing.text = text
                existing.updated_at = utcnow()

    async def thread_messages(self, article: BuiltArticle, member: int, messages: int) -> None:
        async with self.database.session() as session:
            session.add(ThreadActivity(article_id=article.id, member_id=member, messages=messages))


GERMAN_ANSWERS = [
    "Mehr Radwege in der Innenstadt wären toll, aber die Preise für Tickets sind zu hoch.",
    "Die Preise für das Deutschlandticket schrecken viele ab.",
    "Ich wünsche mir sichere Radwege und günstigere Preise.",
    "Bessere Busverbindungen am Wochenende!",
    "Am Wochenende fahren kaum Busse, die Busverbindungen sind schlecht.",
    "Sichere Radwege für Kinder, bitte.",
]

ENGLISH_ANSWERS = [
    "Meetings need a clear agenda, otherwise they drag on.",
    "Cameras off by default. Video fatigue is real.",
    "Shorter meetings with a written agenda sent the day before.",
    "Video fatigue after the third call of the day.",
    "Async status updates instead of status meetings.",
    "An agenda and a hard stop after thirty minutes.",
]


async def standard_article(community: Community, guild_id: int = GUILD) -> BuiltArticle:
    """Three polls: yes/no, choice, open, and a community that votes, changes its mind, withdraws and answers.

    Outcome: yes/no Ja 3, Nein 2, Weiß nicht 1 (6 votes); choice Bus 1, Rad 2, Auto 0 (3 votes); open: 4 answers;
    voters: 8 distinct members (members 0-5 voted yes/no, 6 only chose, 7 only answered).
    """
    article = await community.article(
        [
            PollSpec("Braucht die Stadt mehr Radwege?", PollKind.YES_NO, ("Ja", "Nein", "Weiß nicht")),
            PollSpec("Womit fahrt ihr zur Arbeit?", PollKind.CHOICE, ("Bus", "Rad", "Auto")),
            PollSpec("Was sollte die Stadt für den Verkehr tun?", PollKind.OPEN),
        ],
        guild_id=guild_id,
    )
    for member, option in zip(MEMBERS[:6], [0, 0, 0, 1, 1, 2], strict=True):
        await community.vote(article, 0, option, member)
    await community.vote(article, 0, 1, MEMBERS[0])  # changed its mind: Ja -> Nein
    await community.vote(article, 0, 0, MEMBERS[0])  # and back: Nein -> Ja
    await community.vote(article, 1, 2, MEMBERS[1])  # Auto, then changed to Rad
    await community.vote(article, 1, 1, MEMBERS[1])
    await community.vote(article, 1, 1, MEMBERS[6])
    await community.vote(article, 1, 0, MEMBERS[2])
    await community.vote(article, 1, 0, MEMBERS[3])
    await community.withdraw(article, 1, MEMBERS[3])  # withdrawn: not counted
    await community.answer(article, 2, MEMBERS[7], "Weniger Autos")
    await community.answer(article, 2, MEMBERS[7], GERMAN_ANSWERS[0])  # replaces the first answer
    for member, text in zip(MEMBERS[0:3], GERMAN_ANSWERS[1:4], strict=True):
        await community.answer(article, 2, member, text)
    return article
