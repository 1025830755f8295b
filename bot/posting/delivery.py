"""Why a post could not be delivered, and what to do about it (issue 12). Knows nothing of Discord: the adapter
(bot/cogs/publisher.py) turns Discord's error into a `DeliveryFailure` with `classify`, the core decides.

| problem | from Discord | what the bot does |
| --- | --- | --- |
| missing_permissions | 403 50013 Missing Permissions, 50001 Missing Access | back off a few times, then retry on a channel, role or member update (or `/feed resume`), else hourly |
| channel_deleted | 404 10003 Unknown Channel for the feed's channel | pause the subscription until `/feed move` |
| thread_lost | 404 10003 for the article's thread, 400 50083 archived (and locked) | re-post the article with a new thread, or drop the polls |
| message_deleted | 404 10008 Unknown Message (the thread's starter) | as thread_lost |
| refused | other 4xx | the payload will never be accepted: give up after a few tries |
| transient | 429, 5xx, network | back off and try again |
"""

from __future__ import annotations

import enum

UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
THREAD_ARCHIVED = 50083

MAX_PERMISSION_ATTEMPTS = 5  # timed retries for missing permissions; then an update event, an admin, or hourly
MAX_REPOSTS = 2  # an article whose message or thread keeps vanishing is re-posted at most this often


class Problem(enum.StrEnum):
    MISSING_PERMISSIONS = "missing_permissions"
    CHANNEL_DELETED = "channel_deleted"
    THREAD_LOST = "thread_lost"
    MESSAGE_DELETED = "message_deleted"
    FEED_GONE = "feed_gone"
    NO_ATTACH_FILES = "no_attach_files"
    REFUSED = "refused"
    TRANSIENT = "transient"

    @property
    def pauses(self) -> bool:
        """Nothing the bot can retry fixes it: no requests until an admin acts."""
        return self in (Problem.CHANNEL_DELETED, Problem.FEED_GONE)

    @property
    def loses_thread(self) -> bool:
        return self in (Problem.THREAD_LOST, Problem.MESSAGE_DELETED)


class Target(enum.StrEnum):
    CHANNEL = "channel"  # the subscription's channel (article message, thread creation)
    THREAD = "thread"  # the article's thread (poll messages)


def classify(status: int | None, code: int | None, target: Target) -> Problem:
    """The problem a failed request shows. `status` None: no answer at all (network)."""
    if status is None or status == 429 or status >= 500:
        return Problem.TRANSIENT
    if status == 403 and code in (MISSING_PERMISSIONS, MISSING_ACCESS):
        return Problem.MISSING_PERMISSIONS
    if status == 404 and code == UNKNOWN_CHANNEL:
        return Problem.THREAD_LOST if target == Target.THREAD else Problem.CHANNEL_DELETED
    if status == 404 and code == UNKNOWN_MESSAGE:
        return Problem.MESSAGE_DELETED
    if code == THREAD_ARCHIVED:
        return Problem.THREAD_LOST
    if status == 403:
        return Problem.MISSING_PERMISSIONS
    if status == 404:
        return Problem.CHANNEL_DELETED if target == Target.CHANNEL else Problem.THREAD_LOST
    return Problem.REFUSED


class DeliveryFailure(Exception):
    """A request to Discord failed for a reason the core acts on; `missing` names the permissions (discord.py
    spelling) the bot lacks where it was posting, when that is known."""

    def __init__(self, problem: Problem, channel_id: int, reason: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.problem = problem
        self.channel_id = channel_id
        self.reason = reason
        self.missing = missing
