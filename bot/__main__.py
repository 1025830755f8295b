"""Command line: argument parsing only; each command's work lives in its own module."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader-bot",
        description="Posts a blog's new articles to Discord and runs the questions they ask as polls.",
    )
    parser.add_argument("--config", type=Path, help="TOML configuration file (default: ./config.toml if present)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Discord and post new articles and polls")
    run.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    run.add_argument("--shard-ids", default=None, metavar="IDS", help='shards this process holds, e.g. "0-3" (PostgreSQL only)')
    run.add_argument("--shard-count", type=int, default=None, metavar="N", help="shards over all processes")

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    preview = commands.add_parser("preview", help="show the polls each article of a feed would get (no Discord, no database)")
    preview.add_argument("source", help="feed URL or local feed file")
    preview.add_argument("--json", action="store_true", help="print one JSON document")
    preview.add_argument("--allow-private-addresses", action="store_true", help="allow loopback and private network addresses")
    preview.add_argument("--limit", type=int, default=None, metavar="N", help="look at the newest N articles only")
    preview.add_argument(
        "--explain", action="store_true",
        help="also list every question-like sentence with its confidence, signals and why it was kept or dropped",
    )
    preview.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    summary = commands.add_parser("summary", help="what the community answered to an article's polls")
    summary.add_argument("article", help="article URL or id")
    summary.add_argument("--json", action="store_true", help="shorthand for --format json")
    summary.add_argument("--format", choices=["text", "markdown", "csv", "json"], default=None)
    summary.add_argument("--chart", type=Path, default=None, metavar="FILE.png", help="also write a chart")
    summary.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    demo = commands.add_parser("demo", help="run the whole bot offline against a local Discord sandbox and sample blog")
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="folder for charts, CSV and the database")
    demo.add_argument("--members", type=int, default=50, help="size of the simulated community")
    demo.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "migrate":
        from bot.storage.database import displayable_url
        from bot.storage.migrate import upgrade_to_head

        shown = displayable_url(settings.database.url)
        try:
            upgrade_to_head(settings.database.url)
        except Exception as error:  # one line, never a traceback (and never the password: `shown` hides it)
            reason = str(error).splitlines()[0] if str(error) else ""
            print(f"reader-bot: cannot migrate the database {shown}: {type(error).__name__}: {reason}", file=sys.stderr)
            return 1
        print(f"database is up to date: {shown}")
        return 0
    if args.command == "preview":
        from bot.preview import run_preview

        if args.allow_private_addresses:
            settings = settings.with_private_addresses()
        return asyncio.run(
            run_preview(args.source, settings, as_json=args.json, limit=args.limit, explain=args.explain)
        )
    if args.command == "run":
        from dataclasses import replace

        from bot.cogs.client import run_bot

        if args.shard_ids is not None or args.shard_count is not None:
            discord_settings = replace(
                settings.discord,
                shard_ids=args.shard_ids if args.shard_ids is not None else settings.discord.shard_ids,
                shard_count=args.shard_count if args.shard_count is not None else settings.discord.shard_count,
            )
            settings = replace(settings, discord=discord_settings)
        return run_bot(settings)
    if args.command == "summary":
        from bot.summaries.cli import run_summary

        output_format = "json" if args.json else (args.format or "text")
        return asyncio.run(run_summary(args.article, settings, output_format=output_format, chart=args.chart))
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo(settings, output=args.output, members=args.members)
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"reader-bot: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
