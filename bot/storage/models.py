"""The database schema: SQLAlchemy 2 declarative models.

Discord ids are 64-bit snowflakes (BigInteger). Every row a guild owns carries its `guild_id`, so that
queries can always be scoped to the guild an interaction came from.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.questions.model import PollKind

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TZDateTime(TypeDecorator[datetime]):
    """A UTC timestamp that comes back timezone-aware on SQLite too (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PollState(enum.StrEnum):
    DRAFT = "draft"  # created with its article, not yet on Discord (with review on: approved, not yet posted)
    OPEN = "open"
    CLOSED = "closed"
    PROPOSED = "proposed"  # review on: waiting for an editor (bot/polls/review.py)
    DROPPED = "dropped"  # an editor (or the review timeout) turned the proposal down: never posted
    DELETED = "deleted"  # removed by an editor after it was posted; its votes and answers are gone


class EntryState(enum.StrEnum):
    BASELINE = "baseline"  # already in the feed when subscribed: recorded, never posted
    PENDING = "pending"  # new: to be posted
    POSTED = "posted"
    FAILED = "failed"  # could not be turned into an article (kept so it is not retried forever)


class PostState(enum.StrEnum):
    PENDING = "pending"  # about to be sent (the intent is durable before the request goes out)
    SENT = "sent"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class GuildSettings(Base):
    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    poll_duration_seconds: Mapped[float | None] = mapped_column(Float)
    anonymous: Mapped[bool | None] = mapped_column(Boolean)
    results_visibility: Mapped[str] = mapped_column(String(16), default="live")  # live | on_close
    language: Mapped[str] = mapped_column(String(8), default="article")  # article | de | en
    summary_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    author_role_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_per_article: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[str | None] = mapped_column(String(32))  # e.g. "mon 09"
    max_per_article: Mapped[int | None] = mapped_column(Integer)  # polls per article; None: the operator's default
    last_digest_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    # Delivery (issue 12): where admins hear of problems, what happens to polls whose thread is lost, and when
    # the bot was removed from the guild (its data is deleted after `data.retention_after_removal`).
    alerts_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    lost_thread: Mapped[str | None] = mapped_column(String(16))  # repost (default) | drop
    removed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    review: Mapped[bool | None] = mapped_column(Boolean)  # proposals wait for an editor (issue 13)
    review_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    editor_role_id: Mapped[int | None] = mapped_column(BigInteger)
    review_default: Mapped[str | None] = mapped_column(String(16))  # drop | publish, after the review timeout
    poll_style: Mapped[str | None] = mapped_column(String(16))  # buttons | native; None: the operator's default
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, onupdate=utcnow)


class AuthorLink(Base):
    """Maps an author name as the feed spells it to a guild member."""

    __tablename__ = "author_links"
    __table_args__ = (UniqueConstraint("guild_id", "author_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int] = mapped_column(BigInteger)


class MemberPreference(Base):
    __tablename__ = "member_preferences"
    __table_args__ = (UniqueConstraint("guild_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    summary_dms: Mapped[bool] = mapped_column(Boolean, default=True)


class Feed(Base):
    """A feed, stored once per canonical URL however many guilds follow it (issue 14): what fetching it needs
    (conditional-GET state, schedule, failures) and who is fetching it now (a lease, so that several processes
    share the work: bot/storage/feeds.py)."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetch_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_due_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, index=True)
    gone_since: Mapped[datetime | None] = mapped_column(TZDateTime())  # first of an unbroken run of 404/410/unparseable
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(TZDateTime())
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class FeedSubscription(Base):
    """A guild following a feed: where its articles go and what keeps them from Discord. Fetch state is the feed's."""

    __tablename__ = "feed_subscriptions"
    __table_args__ = (UniqueConstraint("guild_id", "feed_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    feed_url: Mapped[str] = mapped_column(String(2048))  # as the admin typed it; the feed has the canonical form
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    # Delivery state (bot/posting/delivery.py): what keeps this feed's articles from Discord, since when, how
    # many tries; whether the admins were told; paused subscriptions make no requests until an admin acts.
    delivery_problem: Mapped[str | None] = mapped_column(String(32))
    delivery_detail: Mapped[str | None] = mapped_column(String(300))
    delivery_since: Mapped[datetime | None] = mapped_column(TZDateTime())
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivery_notified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    feed: Mapped[Feed] = relationship(lazy="joined", innerjoin=True)
    entries: Mapped[list[SeenEntry]] = relationship(back_populates="subscription", cascade="all, delete-orphan")


class SeenEntry(Base):
    """An entry the feed has shown us; the unique key is what makes "never post twice" hold."""

    __tablename__ = "seen_entries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "entry_key"),
        Index("ix_seen_entries_state", "state", "subscription_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("feed_subscriptions.id", ondelete="CASCADE"))
    entry_key: Mapped[str] = mapped_column(String(64))  # sha256 of the entry identity
    entry_id: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[datetime | None] = mapped_column(TZDateTime())
    state: Mapped[EntryState] = mapped_column(_enum(EntryState, "entry_state"), default=EntryState.PENDING)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)

    subscription: Mapped[FeedSubscription] = relationship(back_populates="entries")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("guild_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("feed_subscriptions.id", ondelete="SET NULL"))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500))
    author: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[datetime | None] = mapped_column(TZDateTime())
    language: Mapped[str] = mapped_column(String(8), default="en")
    image: Mapped[str | None] = mapped_column(String(2048))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    text_hash: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, index=True)
    summary_sent_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    # The report link (bot/summaries/links.py): revoking bumps the generation; the key finds the article by link.
    report_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    report_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    polls: Mapped[list[Poll]] = relationship(back_populates="article", order_by="Poll.position", cascade="all, delete-orphan")


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        Index("ix_polls_state_closes_at", "state", "closes_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PollKind] = mapped_column(_enum(PollKind, "poll_kind"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    duration_seconds: Mapped[float] = mapped_column(Float)
    closes_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    state: Mapped[PollState] = mapped_column(_enum(PollState, "poll_state"), default=PollState.DRAFT)
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    # Editors (issue 13): who wrote it by hand, who decided a proposal (NULL with decided_at: the review
    # timeout), who last edited it, who deleted it.
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    edited_by: Mapped[int | None] = mapped_column(BigInteger)
    edited_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    deleted_by: Mapped[int | None] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    style: Mapped[str | None] = mapped_column(String(16))  # "native": a Discord poll on the message; else buttons
    # A native poll where a member may choose several answers (Discord's allow_multiselect).
    multiple: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="polls")
    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan"
    )


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(55))

    poll: Mapped[Poll] = relationship(back_populates="options")


class Vote(Base):
    """A member's current choice in a poll: one row per member per poll, changed in place; in a multiple-choice
    poll, one row per chosen answer (`slot` is then the option's id; it is 0 in every other poll)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id", "slot"),
        Index("ix_votes_poll_option", "poll_id", "option_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class Answer(Base):
    """A written answer to an open poll; a member's second answer replaces the first."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("poll_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class ForgottenNativeVoter(Base):
    """A member who ran /forget-me while a native poll was open: Discord still shows their vote there, so
    reconciling with Discord must not store it again (until they vote anew, which removes this row)."""

    __tablename__ = "forgotten_native_voters"
    __table_args__ = (UniqueConstraint("poll_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)


class ThreadActivity(Base):
    """Counts of messages per member in an article's thread: counts only, never message text."""

    __tablename__ = "thread_activity"
    __table_args__ = (UniqueConstraint("article_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class DiscordPost(Base):
    """The outbox: one row per message the bot must send exactly once.

    `key` names what the message is for ("article:12", "thread:12", "poll:34", "result:34"); the row is
    written as PENDING before the request goes out and marked SENT with the ids after, so a restart can
    tell what was half done.
    """

    __tablename__ = "discord_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    nonce: Mapped[str] = mapped_column(String(25))
    state: Mapped[PostState] = mapped_column(_enum(PostState, "post_state"), default=PostState.PENDING)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    # Why the last attempt failed (a bot.posting.delivery.Problem value), since when, and how many attempts.
    problem: Mapped[str | None] = mapped_column(String(32))
    problem_since: Mapped[datetime | None] = mapped_column(TZDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
