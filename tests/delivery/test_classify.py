"""Discord's error answers, as its API documentation lists them, map to the problem the bot acts on."""

from __future__ import annotations

import pytest

from bot.posting.delivery import Problem, Target, classify


@pytest.mark.parametrize(
    ("status", "code", "target", "problem"),
    [
        (403, 50013, Target.CHANNEL, Problem.MISSING_PERMISSIONS),  # Missing Permissions
        (403, 50001, Target.CHANNEL, Problem.MISSING_PERMISSIONS),  # Missing Access (no View Channel)
        (403, 50013, Target.THREAD, Problem.MISSING_PERMISSIONS),  # locked thread, no Send Messages in Threads
        (404, 10003, Target.CHANNEL, Problem.CHANNEL_DELETED),  # Unknown Channel: the feed's channel
        (404, 10003, Target.THREAD, Problem.THREAD_LOST),  # Unknown Channel: the article's thread
        (404, 10008, Target.CHANNEL, Problem.MESSAGE_DELETED),  # Unknown Message: the thread's starter
        (400, 50083, Target.THREAD, Problem.THREAD_LOST),  # Thread is archived (and locked)
        (400, 50035, Target.CHANNEL, Problem.REFUSED),  # Invalid Form Body: never accepted
        (429, 0, Target.CHANNEL, Problem.TRANSIENT),
        (500, 0, Target.THREAD, Problem.TRANSIENT),
        (None, None, Target.CHANNEL, Problem.TRANSIENT),  # no answer
    ],
)
def test_classify(status: int | None, code: int | None, target: Target, problem: Problem) -> None:
    assert classify(status, code, target) == problem


def test_only_deleted_channels_and_gone_feeds_pause() -> None:
    assert {problem for problem in Problem if problem.pauses} == {Problem.CHANNEL_DELETED, Problem.FEED_GONE}
    assert {problem for problem in Problem if problem.loses_thread} == {Problem.THREAD_LOST, Problem.MESSAGE_DELETED}
