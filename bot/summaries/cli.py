"""`reader-bot summary ARTICLE [--format text|markdown|csv|json] [--chart FILE.png]`.

The document goes to stdout and nothing else does (so `--format json` is exactly one JSON document); notes and
errors go to stderr. Exit status: 0 done, 1 the article or database could not be read or the chart not written.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from bot.config import Settings
from bot.storage.database import Database
from bot.summaries.report import AmbiguousArticle, ArticleNotFound, Summary, build_summary

FORMATS = ("text", "markdown", "csv", "json")
EXIT_OK = 0
EXIT_FAILED = 1


def _error(message: str) -> int:
    print(f"reader-bot summary: {message}", file=sys.stderr)
    return EXIT_FAILED


def render(summary: Summary, output_format: str) -> str:
    from bot.summaries import render as renderers

    if output_format == "json":
        return renderers.render_json(summary)
    if output_format == "csv":
        return renderers.render_csv(summary)
    if output_format == "markdown":
        return renderers.render_markdown(summary)
    return renderers.render_text(summary)


def _redacted(url: str) -> str:
    """The database URL without a password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported as given, minus nothing secret we can find
        return "the configured database"


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file the URL names, when it does not exist (connecting would create an empty one)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - let the engine report a malformed URL
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database).expanduser()
    return None if path.exists() else path


async def run_summary(article: str, settings: Settings, *, output_format: str, chart: Path | None) -> int:
    """Print the summary of `article` (id or URL) from the configured database; optionally write the chart."""
    if output_format not in FORMATS:
        return _error(f"unknown format {output_format!r} (choose from {', '.join(FORMATS)})")
    if chart is not None and not chart.parent.exists():
        return _error(f"cannot write the chart to {chart}: the folder {chart.parent} does not exist")
    missing = _missing_sqlite_file(settings.database.url)
    if missing is not None:
        return _error(f"the database file {missing} does not exist (check database.url, or run `reader-bot migrate`)")
    database = Database(settings.database.url)
    try:
        summary = await build_summary(database, article)
    except ArticleNotFound:
        return _error(
            f"no article {article!r} in {_redacted(settings.database.url)}; give an article id or the article's URL "
            "as the bot posted it"
        )
    except AmbiguousArticle as exc:
        return _error(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        hint = " (run `reader-bot migrate` first?)" if "no such table" in reason or "does not exist" in reason else ""
        return _error(f"cannot read {_redacted(settings.database.url)}: {reason}{hint}")
    except (DBAPIError, OSError) as exc:
        return _error(f"cannot read {_redacted(settings.database.url)}: {str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    finally:
        await database.dispose()

    sys.stdout.write(render(summary, output_format))
    sys.stdout.flush()
    if chart is not None:
        from bot.summaries.chart import write_chart

        try:
            await asyncio.to_thread(write_chart, summary, chart)
        except OSError as exc:
            return _error(f"cannot write the chart to {chart}: {exc.strerror or exc}")
        print(f"chart written to {chart}", file=sys.stderr)
    return EXIT_OK
