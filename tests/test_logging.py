"""The bot's log at shutdown: a connection whose rollback was cancelled with its task is one warning line, not a
traceback (the end-to-end tests fail on any "Traceback" in the log); every other error keeps its traceback."""

from __future__ import annotations

import asyncio
import io
import logging
import sys

from bot.cogs.client import CancelledPoolResetFilter


def _logged(logger_name: str, error: BaseException) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CancelledPoolResetFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise error
        except BaseException:
            logger.error("Exception during reset or similar", exc_info=sys.exc_info())
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_a_cancelled_pool_reset_is_one_warning_line() -> None:
    text = _logged("sqlalchemy.pool.impl.AsyncAdaptedQueuePool", asyncio.CancelledError())
    assert text.startswith("WARNING") and "Traceback" not in text and "the bot is stopping" in text
    assert text.count("\n") == 1


def test_other_errors_keep_their_traceback() -> None:
    assert "Traceback" in _logged("sqlalchemy.pool.impl.AsyncAdaptedQueuePool", RuntimeError("disk full"))
    assert "Traceback" in _logged("bot.cogs.polls", asyncio.CancelledError())
