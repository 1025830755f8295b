"""Domain errors the core raises; the Discord adapter turns each into one polite message (bot/cogs/errors.py)."""

from __future__ import annotations


class ReaderBotError(Exception):
    """Base for errors a member or admin should see explained, never as a traceback."""


class NotAllowed(ReaderBotError):
    """The member lacks the permission or role the action needs."""


class NotFound(ReaderBotError):
    """The feed, article or poll does not exist in this guild (other guilds' rows look the same: absent)."""


class PollClosed(ReaderBotError):
    """The poll no longer takes votes or answers."""


class InvalidInput(ReaderBotError):
    """Input that cannot be accepted: too long, empty, malformed."""


class AlreadyExists(ReaderBotError):
    """The thing being added is already there (e.g. the feed is already subscribed in this guild)."""
