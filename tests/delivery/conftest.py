from e2e.fixtures import blog, bot_database_url, sandbox, start_bot, world  # noqa: F401
