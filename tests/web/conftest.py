"""The web tests use the bot-process fixtures of the end-to-end tests."""

from e2e.fixtures import blog, bot_database_url, bot_process, sandbox, start_bot, world  # noqa: F401
