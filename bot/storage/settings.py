"""A guild's settings: reading them with the operator's defaults filled in, and changing them one value at a time.

Values arrive as admins type them ("3d", "mon 09"); `parse_*` turn them into stored values or raise
`InvalidSetting`, whose `message_key` and `values` the Discord adapter turns into a sentence in the member's
language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PollSettings, format_duration, parse_duration
from bot.errors import InvalidInput
from bot.storage.models import AuthorLink, GuildSettings

RESULTS_VISIBILITY = ("live", "on_close")
LANGUAGES = ("article", "de", "en")
POLL_STYLES = ("buttons", "native")
MIN_POLL_DURATION_SECONDS = 5.0
MAX_POLL_DURATION_SECONDS = 365 * 86400.0
MAX_AUTHOR_NAME_LENGTH = 200
MAX_POLLS_PER_ARTICLE_SETTING = 10  # what /config set max_per_article allows (0: no polls at all)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_ALIASES = {
    **{day: day for day in WEEKDAYS},
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
    "saturday": "sat", "sunday": "sun",
    "mo": "mon", "di": "tue", "mi": "wed", "do": "thu", "fr": "fri", "sa": "sat", "so": "sun",
    "montag": "mon", "dienstag": "tue", "mittwoch": "wed", "donnerstag": "thu", "freitag": "fri",
    "samstag": "sat", "sonntag": "sun",
}
_DIGEST = re.compile(r"^\s*([A-Za-z]+)\.?\s+(\d{1,2})(?::00)?\s*(?:h|uhr)?\s*$", re.IGNORECASE)
_OFF = {"off", "none", "aus", "no", "nein", "-"}


class InvalidSetting(InvalidInput):
    """A setting value that cannot be used; `message_key`/`values` name the polite explanation."""

    def __init__(self, message_key: str, **values: Any) -> None:
        super().__init__(message_key, message_key=message_key, values=values)


@dataclass(frozen=True)
class GuildConfig:
    """A guild's effective settings: what it chose, else the operator's defaults."""

    guild_id: int
    poll_duration_seconds: float
    anonymous: bool
    results_visibility: str  # live | on_close
    language: str  # article | de | en
    summary_channel_id: int | None
    author_role_id: int | None
    thread_per_article: bool
    digest: str | None  # "mon 09" (weekday, hour UTC) or None
    alerts_channel_id: int | None = None  # where delivery problems are reported (issue 12)
    lost_thread: str = "repost"  # repost | drop: the polls of an article whose thread was deleted
    review: bool = False  # proposals wait for an editor in `review_channel_id` (bot/polls/review.py)
    review_channel_id: int | None = None
    editor_role_id: int | None = None
    review_default: str = "drop"  # drop | publish: what undecided proposals get after the review timeout
    poll_style: str = "buttons"  # buttons | native (Discord's own polls for yes/no and choice polls)
    max_per_article: int = 3  # at most this many polls per article (the finder's most confident)

    def poll_language(self, article_language: str) -> str:
        """The language polls are posted in: the guild's choice, or the article's own."""
        if self.language in ("de", "en"):
            return self.language
        return article_language if article_language in ("de", "en") else "en"


def parse_poll_duration(raw: str) -> float:
    try:
        seconds = parse_duration(raw.strip())
    except (ValueError, AttributeError):
        raise InvalidSetting("config.bad_duration", value=str(raw)[:40]) from None
    if not MIN_POLL_DURATION_SECONDS <= seconds <= MAX_POLL_DURATION_SECONDS:
        raise InvalidSetting("config.duration_range", value=str(raw)[:40])
    return seconds


def parse_max_per_article(value: int) -> int:
    """0 to 10 polls per article (0: the guild wants articles without polls)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POLLS_PER_ARTICLE_SETTING:
        raise InvalidSetting("config.bad_max_per_article", value=str(value)[:40], limit=MAX_POLLS_PER_ARTICLE_SETTING)
    return value


def parse_digest(raw: str) -> str | None:
    """ "mon 09", "Montag 9", "fri 17:00" -> "fri 17"; "off" -> None (no digest)."""
    text = raw.strip().lower()
    if text in _OFF:
        return None
    match = _DIGEST.match(text)
    if not match:
        raise InvalidSetting("config.bad_digest", value=raw[:40])
    day = _WEEKDAY_ALIASES.get(match.group(1).lower())
    hour = int(match.group(2))
    if day is None or not 0 <= hour <= 23:
        raise InvalidSetting("config.bad_digest", value=raw[:40])
    return f"{day} {hour:02d}"


async def load_guild_config(session: AsyncSession, guild_id: int, defaults: PollSettings) -> GuildConfig:
    return guild_config(guild_id, await session.get(GuildSettings, guild_id), defaults)


async def load_guild_configs(session: AsyncSession, guild_ids: Iterable[int], defaults: PollSettings) -> dict[int, GuildConfig]:
    """Many guilds' settings in one query (an article stored for hundreds of guilds at once)."""
    wanted = set(guild_ids)
    rows = {row.guild_id: row for row in await session.scalars(select(GuildSettings).where(GuildSettings.guild_id.in_(wanted)))}
    return {guild_id: guild_config(guild_id, rows.get(guild_id), defaults) for guild_id in wanted}


def guild_config(guild_id: int, row: GuildSettings | None, defaults: PollSettings) -> GuildConfig:
    if row is None:
        return GuildConfig(
            guild_id=guild_id,
            poll_duration_seconds=defaults.duration,
            anonymous=defaults.anonymous,
            results_visibility="live",
            language="article",
            summary_channel_id=None,
            author_role_id=None,
            thread_per_article=True,
            digest=None,
            poll_style=defaults.style,
            max_per_article=defaults.max_per_article,
        )
    return GuildConfig(
        guild_id=guild_id,
        poll_duration_seconds=row.poll_duration_seconds if row.poll_duration_seconds is not None else defaults.duration,
        anonymous=row.anonymous if row.anonymous is not None else defaults.anonymous,
        results_visibility=row.results_visibility or "live",
        language=row.language or "article",
        summary_channel_id=row.summary_channel_id,
        author_role_id=row.author_role_id,
        thread_per_article=True if row.thread_per_article is None else row.thread_per_article,
        digest=row.digest,
        alerts_channel_id=row.alerts_channel_id,
        lost_thread=row.lost_thread or "repost",
        review=bool(row.review) and row.review_channel_id is not None,
        review_channel_id=row.review_channel_id,
        editor_role_id=row.editor_role_id,
        review_default=row.review_default or "drop",
        poll_style=row.poll_style or defaults.style,
        max_per_article=row.max_per_article if row.max_per_article is not None else defaults.max_per_article,
    )


_FIELDS = (
    "poll_duration_seconds",
    "anonymous",
    "results_visibility",
    "language",
    "summary_channel_id",
    "author_role_id",
    "thread_per_article",
    "digest",
    "alerts_channel_id",
    "lost_thread",
    "review",
    "review_channel_id",
    "editor_role_id",
    "review_default",
    "poll_style",
    "max_per_article",
)
LOST_THREAD_CHOICES = ("repost", "drop")
REVIEW_DEFAULTS = ("drop", "publish")


async def update_guild_settings(session: AsyncSession, guild_id: int, **changes: Any) -> list[str]:
    """Apply `changes` (field name -> new value; None clears an optional value); returns the changed names.

    Values must already be parsed (see `parse_*`); unknown names are a programming error.
    """
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise TypeError(f"unknown guild settings: {sorted(unknown)}")
    if "results_visibility" in changes and changes["results_visibility"] not in RESULTS_VISIBILITY:
        raise InvalidSetting("config.bad_visibility", value=str(changes["results_visibility"]), allowed=", ".join(RESULTS_VISIBILITY))
    if "language" in changes and changes["language"] not in LANGUAGES:
        raise InvalidSetting("config.bad_language", value=str(changes["language"]), allowed=", ".join(LANGUAGES))
    if changes.get("lost_thread") not in (None, *LOST_THREAD_CHOICES):
        raise TypeError(f"lost_thread must be one of {LOST_THREAD_CHOICES}")
    if "review_default" in changes and changes["review_default"] not in REVIEW_DEFAULTS:
        raise InvalidSetting("config.bad_review_default", value=str(changes["review_default"]), allowed=", ".join(REVIEW_DEFAULTS))
    if "poll_style" in changes and changes["poll_style"] not in POLL_STYLES:
        raise InvalidSetting("config.bad_style", value=str(changes["poll_style"]), allowed=", ".join(POLL_STYLES))
    row = await session.get(GuildSettings, guild_id)
    if row is None:
        row = GuildSettings(guild_id=guild_id, results_visibility="live", language="article", thread_per_article=True)
        session.add(row)
    changed = []
    for name, value in changes.items():
        if name in ("results_visibility", "language", "thread_per_article") and value is None:
            raise TypeError(f"{name} cannot be cleared")
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    await session.flush()
    return changed


def describe_duration(seconds: float) -> str:
    return format_duration(seconds)


async def link_author(session: AsyncSession, guild_id: int, author_name: str, member_id: int) -> bool:
    """Map the feed's spelling of an author to a member; returns True when an earlier link was replaced."""
    name = " ".join(author_name.split())
    if not name:
        raise InvalidSetting("config.author_empty")
    if len(name) > MAX_AUTHOR_NAME_LENGTH:
        raise InvalidSetting("config.author_too_long", limit=MAX_AUTHOR_NAME_LENGTH)
    existing = await session.scalar(
        select(AuthorLink).where(AuthorLink.guild_id == guild_id, AuthorLink.author_name == name)
    )
    if existing is not None:
        replaced = existing.member_id != member_id
        existing.member_id = member_id
        await session.flush()
        return replaced
    session.add(AuthorLink(guild_id=guild_id, author_name=name, member_id=member_id))
    await session.flush()
    return False


async def author_links(session: AsyncSession, guild_id: int) -> list[AuthorLink]:
    rows = await session.scalars(
        select(AuthorLink).where(AuthorLink.guild_id == guild_id).order_by(AuthorLink.author_name)
    )
    return list(rows)
