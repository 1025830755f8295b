"""Errors of the web adapter that the bot's start-up reports (kept light: no aiohttp app imported)."""

from __future__ import annotations

from bot.errors import ReaderBotError


class WebServerError(ReaderBotError):
    """The web server could not start (address in use, not allowed); the bot does not start either."""
