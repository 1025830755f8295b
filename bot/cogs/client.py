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
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord.ext import commands, tasks

from bot import metrics
from bot.cogs.errors import install_error_handler
from bot.cogs.health import GatewayWatch
from bot.cogs.publisher import Publisher
from bot.cogs.startup import after_ready_spread
from bot.cogs.translator import CommandTranslator
from bot.config import DiscordSettings, Settings
from bot.ingest import FeedService, Fetcher
from bot.loop_watchdog import LoopWatchdog
from bot.shards import ShardPlan, plan_from_settings
from bot.storage.database import Database, displayable_url
from bot.storage.single_process import DatabaseInUse, lock_sqlite, sqlite_file
from bot.web.errors import WebServerError

if TYPE_CHECKING:
    from bot.summaries.links import ReportLinks
    from bot.web.server import WebServer

log = logging.getLogger("reader_bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2  # configuration: missing or rejected token

EXTENSIONS = (
    "bot.cogs.feeds", "bot.cogs.settings", "bot.cogs.polls", "bot.cogs.summaries", "bot.cogs.delivery", "bot.cogs.editors",
    "bot.cogs.native_polls",
)
MAX_TICK_SECONDS = 5.0
CLOSE_GRACE_SECONDS = 5.0  # how long a clean shutdown waits for cancelled work to roll back
WARM_CONNECTIONS = 2  # pooled connections opened before connecting (the vote writer keeps its own on top)


def bot_intents() -> discord.Intents:
    """Only what the features need, none privileged: guilds (channels, threads, roles) and guild messages
    (to count activity in article threads; without the message-content intent no text arrives)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_polls = True  # votes on native polls (MESSAGE_POLL_VOTE_ADD/REMOVE); not privileged
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
        self.health = GatewayWatch(tick_seconds(settings.feeds.poll_interval), settings.feeds.timeout)
        self.web: WebServer | None = None
        self._connecting = False  # connect() was called: the shards exist and close() must stop them
        self.report_links: ReportLinks | None = None  # set when [web] is configured: the cogs add links
        self.warmed_up_at: float | None = None  # time.monotonic() when warm_up() finished (before connecting)
        self.ready_at: float | None = None  # ... and when `started` was set

    async def connect(self, *, reconnect: bool = True) -> None:
        self._connecting = True
        await super().connect(reconnect=reconnect)

    async def setup_hook(self) -> None:
        self.health.install(self)
        metrics.count_rate_limits()
        if self.settings.web.enabled:
            await self._start_web()
        install_error_handler(self.tree)
        await self.tree.set_translator(CommandTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d slash commands", len(synced))
        await self.warm_up()
        self._startup_task = asyncio.create_task(self._start_background_work(), name="reader-bot start-up")

    async def warm_up(self) -> None:
        """Before the gateway connects, so before any click: the database connections opened, and each
        extension's `warm_up` (the vote path: statements prepared, first renders; nothing is written). Without it
        the first second after every start paid for all of that while clicks waited (issue 11). A failure is
        logged and the bot starts anyway: the first clicks then pay for what is missing."""
        started = time.perf_counter()
        await self._warm_http_connections()
        try:
            connections = await asyncio.gather(*(self.database.engine.connect() for _ in range(WARM_CONNECTIONS)))
            for connection in connections:
                await connection.close()  # back to the pool, open
            for cog in list(self.cogs.values()):
                warm = getattr(cog, "warm_up", None)
                if warm is not None:
                    await warm()
        except Exception:
            log.warning("warm-up failed; the first clicks will be slower", exc_info=True)
            return
        self.warmed_up_at = time.monotonic()
        log.info("warmed up in %.0f ms", (time.perf_counter() - started) * 1000)

    async def _warm_http_connections(self) -> None:
        """Keep-alive connections to the REST host in discord.py's connection pool, before clicks arrive.

        Each answer to a click is a request; a burst of clicks right after a start found the pool empty and opened
        a connection per answer in flight (on Discord, each with a TLS handshake), which made the first seconds
        after every restart the slowest (issue 11). Requests of our own through discord.py's connector (its public
        `http.connector`, shared by a session of ours) leave their connections in that pool: the unauthenticated
        GET /gateway, a few at once. Failures only mean a colder start."""
        count = self.settings.runtime.warm_http_connections
        connector = getattr(self.http, "connector", None)
        if count <= 0 or not isinstance(connector, aiohttp.BaseConnector) or connector.closed:
            return
        url = f"{self.settings.discord.api_base.rstrip('/')}/gateway"

        async def fetch(session: aiohttp.ClientSession) -> None:
            async with session.get(url) as response:
                await response.read()

        try:
            async with aiohttp.ClientSession(connector=connector, connector_owner=False,
                                             timeout=aiohttp.ClientTimeout(total=5)) as session:
                await asyncio.gather(*(fetch(session) for _ in range(count)))
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            log.info("could not open connections to %s ahead of clicks: %s", url, type(error).__name__)

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
        self.ready_at = time.monotonic()
        self.started.set()
        log.info(
            "ready: %d guilds on %s, polling feeds every %s s",
            len(self.guilds), self.shard_plan.describe(), f"{self.settings.feeds.poll_interval:g}",
        )
        await after_ready_spread(self, self.settings.runtime.background_start_spread)
        self.publisher.start()  # first thing it does: finish what a previous run left half done
        self.poll_feeds.start()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Discord allows one IDENTIFY per 5 s (per concurrency bucket); the sandbox's tests set it shorter."""
        if not initial:
            await asyncio.sleep(self.settings.discord.identify_delay)

    async def _start_web(self) -> None:
        from bot.web.server import WebServer

        self.web = WebServer(self.settings.web, self.database, self.health)
        try:
            await self.web.start()
        except OSError as error:
            raise WebServerError(f"cannot serve the web pages on {self.settings.web.listen}: {error.strerror or error}") from None
        self.report_links = self.web.links
        self.add_listener(self._report_closed, "on_article_polls_closed")

    async def _report_closed(self, article_id: int) -> None:
        if self.web is not None:
            self.web.forget(article_id)

    @tasks.loop(seconds=1.0)
    async def poll_feeds(self) -> None:
        try:
            await self.feed_service.poll_due()
            await self.feed_service.build_pending()
            self.health.feed_cycle_done()
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
        if self.web is not None:  # no more requests reach the database from here on
            await self.web.stop()
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
        if self._connecting:
            await super().close()
        else:  # stopped before connecting (setup failed): AutoShardedClient.close() needs the shard queue connect() makes
            await discord.Client.close(self)


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


class CancelledPoolResetFilter(logging.Filter):
    """At shutdown, tasks holding a database connection are cancelled; SQLAlchemy's pool then logs the cancelled
    rollback of the returned connection as an error with a traceback. Nothing is lost (the transaction is rolled
    back by the database when the connection closes), so one warning line says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        cancelled = record.exc_info is not None and isinstance(record.exc_info[1], asyncio.CancelledError | GeneratorExit)
        if cancelled and record.name.startswith("sqlalchemy.pool"):
            record.msg, record.args = f"{record.getMessage()} (cancelled: the bot is stopping)", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CancelledPoolResetFilter())
    handler.setFormatter(
        RedactingFormatter([settings.discord.token or "", settings.web.secret or ""], "%(asctime)s %(levelname)-7s %(name)s: %(message)s")
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


# After the start-up freeze: the young generation is collected every 5,000 net allocations (about 130 clicks'
# worth of discord.py's per-click reference cycles), the middle one every third young pass and the old one every
# third middle pass. Measured in benchmarks/votes.py (issue 11), CPU time per pass on a busy 2-core machine:
# thresholds (20000, 20, 20): young passes 25-40 ms each (rarer but longer), and the middle generation collects
# 20 passes' worth of clicks in flight (about 100,000 objects under load) in one go; (5000, 2, 2): young passes
# 5-7 ms, middle 12-25 ms, old 27-31 ms at saturation; about 0.04 ms more collector CPU per click.
GC_THRESHOLDS = (5_000, 2, 2)


def tune_garbage_collector() -> None:
    """Keep the collector's passes short for a bot that answers hundreds of clicks a second.

    After start-up the process holds 130,000-150,000 long-lived objects (discord.py, SQLAlchemy, the feed and
    article libraries). Left to itself, the collector walks all of them in each full pass: 100-650 ms with the
    loop stopped on a busy 2-core machine (issue 11: a full pass triggered while an INTERACTION_CREATE was parsed,
    and this function's own `gc.collect()` when it still ran once the bot was ready, stalled every click for a
    quarter of a second after each start). Freezing what exists at start-up (it lives as long as the process)
    leaves the collector the objects made since: about 1,000 right after the freeze, and per click about 25
    objects in reference cycles (discord.py's Interaction and its InteractionResponse with the parsed message,
    embed and member), which only the collector frees.
    Nothing is kept per click. Objects freed by reference counting, i.e. almost all, are unaffected.

    The freeze itself is a full pass; it must run before the gateway connects (`_run` calls it between login and
    connect), never on a loop that is already answering clicks.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


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
        watchdog = LoopWatchdog(settings.runtime.loop_block_warning) if settings.runtime.loop_watchdog else None
        try:
            await bot.login(settings.discord.token or "")  # runs setup_hook: extensions, slash commands
            # Work that would otherwise fall on the first clicks after each start, while nothing waits for it:
            # SQLAlchemy sets up its mappers on first use (~50-250 ms measured), then the collector's long full pass.
            from sqlalchemy.orm import configure_mappers

            configure_mappers()
            tune_garbage_collector()
            if watchdog is not None:
                watchdog.start()  # from here on every click waits while the loop is blocked
            await bot.connect(reconnect=True)
        except discord.LoginFailure:
            _fail("Discord rejected the token: check DISCORD_TOKEN or [discord] token in the configuration")
            return EXIT_USAGE
        except WebServerError as error:
            _fail(str(error))
            return EXIT_FAILURE
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
            if not bot.is_closed():
                await bot.close()
            await database.dispose()
            if watchdog is not None:
                watchdog.stop()
                log.info("event loop summary: %s", watchdog.summary())
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
