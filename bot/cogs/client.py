"""`reader-bot run`: the Discord client, its start-up, the feed-polling loop, and a clean shutdown.

Start-up: check the token is there, apply pending migrations, log in (a rejected token ends here with exit 2),
load the extensions, sync slash commands, connect. Once the guilds are known: spread feeds that fell due
while the bot was down over the next interval, finish half-done posts (the publisher reconciles its outbox
before anything new), then poll feeds on `feeds.poll_interval`.

The http and gateway addresses come from `[discord] api_base` / `gateway_url`, so the same code runs against
Discord and against the local sandbox (bot/sandbox/).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands, tasks

from bot.cogs.errors import install_error_handler
from bot.cogs.publisher import Publisher
from bot.cogs.translator import CommandTranslator
from bot.config import DiscordSettings, Settings
from bot.ingest import FeedService, Fetcher
from bot.shards import ShardPlan, plan_from_settings
from bot.storage.database import Database, displayable_url
from bot.storage.single_process import DatabaseInUse, lock_sqlite, sqlite_file

log = logging.getLogger("reader_bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2  # configuration: missing or rejected token

EXTENSIONS = ("bot.cogs.feeds", "bot.cogs.settings", "bot.cogs.polls", "bot.cogs.summaries", "bot.cogs.delivery")
MAX_TICK_SECONDS = 5.0
CLOSE_GRACE_SECONDS = 5.0  # how long a clean shutdown waits for cancelled work to roll back


def bot_intents() -> discord.Intents:
    """Only what the features need, none privileged: guilds (channels, threads, roles) and guild messages
    (to count activity in article threads; without the message-content intent no text arrives)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    return intents


def configure_endpoints(settings: DiscordSettings) -> None:
    """Point discord.py at Discord or at the sandbox (configuration, not a patch of its behaviour)."""
    discord.http.Route.BASE = settings.api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def tick_seconds(poll_interval: float) -> float:
    """How often the loop looks for due feeds: often enough to hit each feed's slot, never busy-looping."""
    return max(0.05, min(poll_interval / 4, MAX_TICK_SECONDS))


class ReaderBot(commands.AutoShardedBot):
    """The bot: slash commands from the extensions, a feed loop, and the publisher worker.

    Sharded (issue 14): it holds the shards `[discord] shard_ids` of `shard_count` (by default as many as Discord
    recommends, all here); `shard_plan` tells the cogs which guilds' work is this process's."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        fetcher: Fetcher,
        *,
        feed_service: FeedService | None = None,
        sync_commands: bool = True,
        **options: Any,
    ) -> None:
        options.setdefault("guild_ready_timeout", settings.discord.guild_ready_timeout)
        self.shard_plan: ShardPlan = plan_from_settings(settings.discord.shard_count, settings.discord.shard_ids)
        if self.shard_plan.count is not None:
            options.setdefault("shard_count", self.shard_plan.count)
        if self.shard_plan.ids is not None:
            options.setdefault("shard_ids", list(self.shard_plan.ids))
        discord.VoiceClient.warn_nacl = False  # the bot never uses voice: no warning about voice libraries
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            **options,
        )
        self.settings = settings
        self.database = database
        self.fetcher = fetcher
        self.feed_service = feed_service or FeedService(database, settings, fetcher)
        self.publisher = Publisher(self, database, settings)
        self.feed_service.on_article_stored = self.publisher.wake
        self.feed_service.on_feed_gone = self.publisher.alerts.feed_gone
        self.sync_commands = sync_commands
        self.started = asyncio.Event()  # set once reconciliation has been kicked off and the loop runs
        # Run once connected, before posting starts (extensions add theirs, e.g. guilds removed while offline).
        self.before_work: list[Callable[[], Awaitable[None]]] = []
        self._startup_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self.poll_feeds.change_interval(seconds=tick_seconds(settings.feeds.poll_interval))

    async def setup_hook(self) -> None:
        install_error_handler(self.tree)
        await self.tree.set_translator(CommandTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d slash commands", len(synced))
        self._startup_task = asyncio.create_task(self._start_background_work(), name="reader-bot start-up")

    async def _start_background_work(self) -> None:
        await self.wait_until_ready()
        for check in list(self.before_work):
            try:
                await check()
            except Exception:
                log.exception("a start-up check failed; continuing")
        moved = await self.feed_service.spread_overdue()
        if moved:
            log.info("spread %d overdue feeds over the next poll interval", moved)
        self.publisher.start()  # first thing it does: finish what a previous run left half done
        self.poll_feeds.start()
        self.started.set()
        log.info(
            "ready: %d guilds on %s, polling feeds every %s s",
            len(self.guilds), self.shard_plan.describe(), f"{self.settings.feeds.poll_interval:g}",
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Discord allows one IDENTIFY per 5 s (per concurrency bucket); the sandbox's tests set it shorter."""
        if not initial:
            await asyncio.sleep(self.settings.discord.identify_delay)

    @tasks.loop(seconds=1.0)
    async def poll_feeds(self) -> None:
        try:
            await self.feed_service.poll_due()
            await self.feed_service.build_pending()
        except Exception:  # never let one bad round stop the loop
            log.exception("feed polling round failed")
        self.publisher.wake()

    def wake_feeds(self) -> None:
        """Build and post what was just queued (e.g. a backfill) without waiting for the next round."""
        task = asyncio.create_task(self._build_now())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _build_now(self) -> None:
        try:
            await self.feed_service.build_pending()
        except Exception:
            log.exception("building new articles failed")
        self.publisher.wake()

    async def close(self) -> None:
        """Stop the loops and workers (ours and the extensions') and wait until they have let go of the database,
        then disconnect. A task cancelled in the middle of a unit of work still has to roll back; if the database
        is disposed first, its connection is only reclaimed by the garbage collector, whose attempt to close it
        can hang the event loop's shutdown."""
        own = [task for task in (self.poll_feeds.get_task(), self._startup_task, *self._background) if task is not None]
        self.poll_feeds.cancel()
        for task in own:
            task.cancel()
        await self.publisher.stop()
        for extension in tuple(self.extensions):  # their cog_unload cancels their loops and workers
            try:
                await self.unload_extension(extension)
            except Exception:
                log.exception("unloading %s failed", extension)
        current = asyncio.current_task()
        unwinding = [task for task in asyncio.all_tasks() if task is not current and (task in own or task.cancelling())]
        if unwinding:
            await asyncio.wait(unwinding, timeout=CLOSE_GRACE_SECONDS)
        await self.feed_service.close()
        await super().close()


class RedactingFormatter(logging.Formatter):
    """Never lets the token reach the log, whatever a library puts into a message or traceback."""

    def __init__(self, secrets: list[str], fmt: str) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text


def configure_logging(settings: Settings, level: int = logging.INFO) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter([settings.discord.token or ""], "%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("discord").setLevel(logging.INFO)
    logging.getLogger("discord.gateway").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return handler


def _fail(message: str) -> None:
    print(f"reader-bot: {message}", file=sys.stderr, flush=True)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives every thread that allocates its own malloc arena (up to 8 per core), and memory freed in one is
    not returned while others hold it. The threads that parse feeds and read articles let RSS grow after a busy
    cycle; two arenas are plenty for one event loop and a few worker threads (benchmarks/feeds.py: 249 -> 234 MB
    after a cycle with 537 new posts, a small gain on a noisy machine). Must run before those threads start; does
    nothing where glibc is not the C library."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def tune_garbage_collector() -> None:
    """Make the collector cheap for a bot that handles hundreds of clicks a second.

    After start-up the process holds about 150,000 long-lived objects (discord.py, SQLAlchemy, the feed and
    article libraries). Under load a full collection walked all of them every second or two, and the youngest
    generation was collected every few clicks. Freezing what exists at start-up (it is never collected, as it
    lives as long as the process) and collecting the young generation less often cut the bot's CPU per click by
    about a tenth in benchmarks/votes.py. Objects freed by reference counting, i.e. almost all, are unaffected.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


async def _tune_garbage_collector_once_started(bot: ReaderBot) -> None:
    """Process-wide, so only for `reader-bot run` (never for a bot running inside the tests' process)."""
    await bot.started.wait()
    tune_garbage_collector()


async def _run(settings: Settings) -> int:
    from bot.feeds.fetch import FeedFetcher
    from bot.storage.migrate import upgrade_to_head_async

    try:
        await upgrade_to_head_async(settings.database.url)
    except Exception as error:
        _fail(f"cannot prepare the database {displayable_url(settings.database.url)!r}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        return EXIT_FAILURE
    configure_endpoints(settings.discord)
    database = Database(settings.database.url)
    async with FeedFetcher(settings.feeds) as fetcher:
        bot = ReaderBot(settings, database, fetcher)
        loop = asyncio.get_running_loop()
        stopping = asyncio.Event()

        def stop(signame: str) -> None:
            if not stopping.is_set():
                stopping.set()
                log.info("%s received: shutting down", signame)
                loop.create_task(bot.close())

        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, stop, signum.name)
            except (NotImplementedError, RuntimeError):  # not on this platform
                pass
        tuning = asyncio.create_task(_tune_garbage_collector_once_started(bot))
        try:
            await bot.start(settings.discord.token or "", reconnect=True)
        except discord.LoginFailure:
            _fail("Discord rejected the token: check DISCORD_TOKEN or [discord] token in the configuration")
            return EXIT_USAGE
        except (aiohttp.ClientConnectionError, OSError) as error:
            _fail(f"cannot reach Discord at {settings.discord.api_base}: {type(error).__name__}")
            return EXIT_FAILURE
        except discord.PrivilegedIntentsRequired:
            _fail("Discord refused the connection: the bot asked for an intent it is not allowed")
            return EXIT_FAILURE
        except discord.HTTPException as error:  # its text is whatever the server sent back: it is not repeated
            _fail(f"Discord answered {error.status} when the bot logged in; try again in a while")
            return EXIT_FAILURE
        finally:
            tuning.cancel()
            if not bot.is_closed():
                await bot.close()
            await database.dispose()
    log.info("stopped")
    return EXIT_OK


def run_bot(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM; returns the process exit code (2 for a missing or rejected token)."""
    if not settings.discord.token or not settings.discord.token.strip():
        _fail("no Discord token: set DISCORD_TOKEN or [discord] token in the configuration")
        return EXIT_USAGE
    try:
        plan = plan_from_settings(settings.discord.shard_count, settings.discord.shard_ids)
    except ValueError as error:
        _fail(f"configuration error: [discord] shards: {error}")
        return EXIT_USAGE
    sqlite = sqlite_file(settings.database.url) is not None or settings.database.url.startswith("sqlite")
    if sqlite and (plan.count is not None or plan.ids is not None):
        _fail("sharding needs PostgreSQL: SQLite runs one process holding every guild (remove shard_count/shard_ids)")
        return EXIT_USAGE
    try:
        lock = lock_sqlite(settings.database.url)
    except DatabaseInUse as error:
        _fail(str(error))
        return EXIT_FAILURE
    configure_logging(settings)
    limit_malloc_arenas()
    try:
        return asyncio.run(_run(settings))
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception:  # through the log, whose formatter removes the token, never straight to stderr
        log.exception("reader-bot stopped after an unexpected error")
        return EXIT_FAILURE
    finally:
        if lock is not None:
            lock.close()
