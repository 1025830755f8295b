"""Domain errors the core raises; the Discord adapter turns each into one polite message (bot/cogs/errors.py)."""

from __future__ import annotations


class ReaderBotError(Exception):
    """Base for errors a member or admin should see explained, never as a traceback.

    `message_key` (optional) names the sentence in bot/cogs/i18n.py MESSAGES that explains it, formatted with
    `values`; without it the adapter uses the sentence for the error's class.
    """

    def __init__(self, *args: object, message_key: str | None = None, values: dict[str, object] | None = None) -> None:
        super().__init__(*args)
        self.message_key = message_key
        self.values = dict(values or {})


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
