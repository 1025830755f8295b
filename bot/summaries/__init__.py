"""Summaries for authors: what readers answered to an article's polls (no Discord here).

- report: `build_summary(database, article_id_or_url, guild_id=None) -> Summary`, computed in the database.
- render: text, markdown, CSV, JSON (the record's shape), Discord embed dicts, digest lines.
- chart: `chart_png(summary) -> bytes` (matplotlib, headless).
- themes: offline keyword themes of written answers (German and English).
- members: who may read a summary, DM preference, thread message counts, forgetting a member.
- delivery: claiming closing summaries and weekly digests so each goes out once.
- cli: `reader-bot summary ARTICLE [--format ...] [--chart FILE.png]`.
"""
