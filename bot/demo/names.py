"""The names the demo gives things: its guild and channels in the sandbox, its files in the output folder.

Separate so the run (bot/demo/__init__.py) and its report (bot/demo/report.py) share them without importing
each other.
"""

DATABASE_NAME = "reader-bot.db"
LOG_NAME = "bot.log"
GUILD_NAME = "Werkbank Community"
ARTICLE_CHANNEL = "artikel"
SUMMARY_CHANNEL = "autoren-auswertung"
