"""`reader-bot demo`: the whole bot, offline, in about half a minute.

Everything runs in this process, on loopback: the Discord sandbox (bot/sandbox/), the sample blog
(`bot.demo.blog`) and the real bot (`bot.cogs.client.ReaderBot`, an unmodified discord.py client pointed at
the sandbox by configuration). The timeline:

1. start the sandbox, the blog (one article out) and the bot, on a fresh SQLite database in the output folder;
2. an admin runs `/feed add` (backfill 1), `/config set summary_channel:` and `/config author`;
3. the blog publishes its other articles, two seconds apart; the bot picks each up on its next poll and posts
   it with a thread and its polls; before the last article the admin switches to Discord's own polls
   (`/config set style:native`, confirmed), so the last article's yes/no and choice polls are native polls;
4. a community of `members` people joins, votes, changes and withdraws votes, answers the open questions
   through the answer form, and chats in the threads (`bot.demo.community`), within each poll's lifetime;
5. the polls close (the bot's own closing loop), results go into the threads;
6. the author summaries appear in the summary channel;
7. charts (PNG), CSV and JSON are written, and everything shuts down.

While it runs, the bot's web server (bot/web/) serves each article's report page on loopback; the links are
printed as the articles appear, and a static copy of each page, its widget and its SVG chart is written to the
output folder at the end.

Then it prints what the channel, the threads and the summary channel look like, each article's author
summary (the same text `reader-bot summary` prints) with a `figures:` line of its numbers, and a check that
the bot counted exactly what the community did. Progress goes to stderr, the report to stdout.

This module runs stages 1 to 4 and shuts down; stages 5 and 6 (the bot closes the polls and posts the summaries)
are in bot.demo.closing, stage 7 (files, report, checks) in bot.demo.report, the stages' progress line and
`DemoFailed` in bot.demo.stages, the guild, channel and file names in bot.demo.names.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import Settings, WebSettings
from bot.demo.closing import ClosingMixin
from bot.demo.names import ARTICLE_CHANNEL, DATABASE_NAME, GUILD_NAME, LOG_NAME, SUMMARY_CHANNEL
from bot.demo.report import ReportMixin
from bot.demo.stages import DEMO_STAGES, DemoFailed, Progress

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot
    from bot.demo.blog import BlogArticle, DemoBlog
    from bot.demo.community import ArticlePlan, CommunityRunner, Persona, PollTarget
    from bot.sandbox import Channel, Sandbox
    from bot.storage.database import Database
    from bot.summaries.report import Summary

POLL_SECONDS = 14.0  # how long each poll stays open in the demo
PUBLISH_GAP_SECONDS = 1.5  # between two articles appearing on the blog
FEED_POLL_SECONDS = 1.0
ACTION_MARGIN_SECONDS = 2.0  # members stop acting this long before a poll closes
START_TIMEOUT_SECONDS = 20.0
FIRST_WAVE = 0.7  # share of the community that is there before the first article; the rest joins later
SEED = 20240902
MIN_MEMBERS, MAX_MEMBERS = 5, 200  # beyond 200 the compressed timeline is a load test, not a demo
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class ArticleRun:
    """One article through the demo: from the blog, through the bot, to its summary."""

    slug: str
    title: str
    url: str
    language: str
    author: str
    article_id: int | None = None
    thread: Channel | None = None
    targets: list[PollTarget] = field(default_factory=list)
    plan: ArticlePlan | None = None
    reviewed: bool = False  # its proposals went through review mode (bot/demo/review.py)
    report_url: str | None = None


def demo_settings(base: Settings, *, database_url: str, token: str, api_base: str, gateway_url: str) -> Settings:
    """The user's settings with everything the demo must own replaced: sandbox, database, short timings."""
    return replace(
        base,
        discord=replace(base.discord, token=token, api_base=api_base, gateway_url=gateway_url,
                        guild_ready_timeout=0.2),
        database=replace(base.database, url=database_url),
        feeds=replace(base.feeds, poll_interval=FEED_POLL_SECONDS, timeout=5.0, allow_private_addresses=True),
        polls=replace(base.polls, duration=POLL_SECONDS),
        source="demo",
        web=WebSettings(listen="127.0.0.1:0", secret=secrets.token_urlsafe(32)),  # report pages on loopback
    )


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def _clear_previous_run(output: Path) -> None:
    """Only the files a previous demo wrote; anything else in the folder is left alone."""
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", f"{DATABASE_NAME}-journal", LOG_NAME):
        (output / name).unlink(missing_ok=True)
    for pattern in ("summary-*.png", "summary-*.csv", "summary-*.json", "report-*.html", "embed-*.html", "chart-*.svg"):
        for path in output.glob(pattern):
            path.unlink()


async def _port_closed(url: str) -> bool:
    from yarl import URL

    parsed = URL(url)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parsed.host, parsed.port), 1.0)
    except (OSError, asyncio.TimeoutError):
        return True
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    return False


class Demo(ClosingMixin, ReportMixin):
    """One run of the demo; `run()` returns the exit code, the report goes to `out`, progress to `err`."""

    def __init__(self, settings: Settings, output: Path, members: int, *, out: TextIO, err: TextIO) -> None:
        self.base_settings = settings
        self.output = output
        self.member_count = members
        self.out = out
        self.err = err
        self.progress = Progress(err)
        self.rng = random.Random(SEED)
        self.exit_stack = contextlib.AsyncExitStack()
        self.report: list[str] = []
        self.articles: list[ArticleRun] = []
        self.files: list[Path] = []
        self.sandbox: Sandbox | None = None
        self.blog: DemoBlog | None = None
        self.bot: ReaderBot | None = None
        self.bot_task: asyncio.Task[None] | None = None
        self.database: Database | None = None
        self.community: CommunityRunner | None = None
        self.personas: list[Persona] = []
        self.addresses: dict[str, str] = {}

    # ----- the run -----------------------------------------------------------------------------------------

    async def run(self) -> int:
        started = time.monotonic()
        failure: str | None = None
        try:
            await self._start()
            await self._set_up_server()
            await self._publish_and_play()
            await self._wait_for_closing()
            await self._wait_for_summaries()
            self.progress.stage(7, "writing charts and CSV, shutting down")
            await self._report()
        except DemoFailed as error:
            failure = f"stage [{self.progress.number}/{DEMO_STAGES}] {self.progress.title}: {error}"
        except asyncio.CancelledError:  # Ctrl-C: still stop everything we started, then let it through
            await self._shut_down()
            self.progress.finish()
            self.err.write("reader-bot demo: interrupted\n")
            raise
        except Exception as error:  # noqa: BLE001 - reported as one line; the details are in the log
            logging.getLogger("reader_bot.demo").exception("demo failed")
            failure = (f"stage [{self.progress.number}/{DEMO_STAGES}] {self.progress.title}: unexpected "
                       f"{type(error).__name__}: {error}")
        try:
            leftovers = await self._shut_down()
        except Exception as error:  # noqa: BLE001
            leftovers = [f"shutdown failed: {type(error).__name__}: {error}"]
        self.progress.finish()
        if leftovers and failure is None:
            failure = "unclean shutdown: " + "; ".join(leftovers)
        elapsed = time.monotonic() - started
        self.out.write("\n".join(self.report) + ("\n" if self.report else ""))
        if failure is not None:
            self.out.flush()
            self.err.write(f"reader-bot demo: failed at {failure}\n"
                           f"reader-bot demo: the bot's log is in {self.output / LOG_NAME}\n")
            self.err.flush()
            return EXIT_FAILED
        self.out.write(f"\ndemo finished in {elapsed:.1f} s; output folder: {self.output}\n")
        for path in self.files:
            self.out.write(f"  {path}\n")
        self.out.flush()
        return EXIT_OK

    # ----- 1: start ----------------------------------------------------------------------------------------

    async def _start(self) -> None:
        self.progress.stage(1, "starting the Discord sandbox, the sample blog and the bot")
        from bot.cogs.client import ReaderBot, configure_endpoints
        from bot.demo.blog import DemoBlog
        from bot.feeds.fetch import FeedFetcher
        from bot.sandbox import Sandbox
        from bot.storage.database import Database
        from bot.storage.migrate import upgrade_to_head_async

        self.sandbox = Sandbox()
        urls = await self.sandbox.start()
        self.exit_stack.push_async_callback(self.sandbox.stop)
        self.blog = DemoBlog(published=1)
        await self.blog.start()
        self.exit_stack.push_async_callback(self.blog.stop)
        self.addresses = {"sandbox": urls.base_url, "blog": self.blog.base_url}

        token = f"sandbox.{secrets.token_urlsafe(24)}"
        self.account = self.sandbox.add_bot_user(token, name="reader-bot")
        database_url = _sqlite_url(self.output / DATABASE_NAME)
        self.settings = demo_settings(self.base_settings, database_url=database_url, token=token,
                                      api_base=urls.api_base, gateway_url=urls.gateway_url)
        self._build_world()

        await upgrade_to_head_async(database_url)
        configure_endpoints(self.settings.discord)
        self.database = Database(database_url)
        self.exit_stack.push_async_callback(self.database.dispose)
        fetcher = await self.exit_stack.enter_async_context(FeedFetcher(self.settings.feeds))
        self.bot = ReaderBot(self.settings, self.database, fetcher)
        self.bot_task = asyncio.create_task(self.bot.start(token, reconnect=True), name="demo bot")
        started = asyncio.create_task(self.bot.started.wait())
        done, _ = await asyncio.wait({started, self.bot_task}, timeout=START_TIMEOUT_SECONDS,
                                     return_when=asyncio.FIRST_COMPLETED)
        if started not in done:
            started.cancel()
            if self.bot_task in done and self.bot_task.exception() is not None:
                error = self.bot_task.exception()
                raise DemoFailed(f"the bot stopped while connecting: {type(error).__name__}: {error}")
            raise DemoFailed(f"the bot did not connect to the sandbox within {START_TIMEOUT_SECONDS:g} s")
        if self.bot.web is not None and self.bot.web.address:
            self.addresses["web"] = self.bot.web.address
        self.progress.detail(f"sandbox {urls.base_url}, blog {self.blog.base_url}, bot connected", force=True)

    def _build_world(self) -> None:
        from bot.demo.community import CommunityRunner, make_personas

        sandbox = self.sandbox
        self.guild = sandbox.add_guild(GUILD_NAME, locale="de")
        self.article_channel = sandbox.add_channel(self.guild, ARTICLE_CHANNEL, topic="Neue Artikel aus dem Blog")
        self.summary_channel = sandbox.add_channel(self.guild, SUMMARY_CHANNEL, topic="Auswertungen für Autor:innen")
        moderators = sandbox.add_role(self.guild, "Moderation", ["manage_guild"])
        self.authors_role = sandbox.add_role(self.guild, "Autor:innen")
        self.admin = sandbox.add_member(self.guild, "mara.lindner", roles=[moderators, self.authors_role],
                                        locale="de")
        self.second_author = sandbox.add_member(self.guild, "sam.okafor", roles=[self.authors_role], locale="en-GB")
        self.personas = make_personas(self.member_count, self.rng)
        self.community = CommunityRunner(sandbox, self.guild, self.personas)
        from bot.demo.review import build_review_world

        build_review_world(self)  # review mode on the last article (bot/demo/review.py)

    # ----- 2: the admin sets up the server -----------------------------------------------------------------

    async def _command(self, name: str, options: dict[str, Any]) -> str:
        handle = await self.sandbox.run_slash_command(self.admin, name, options, channel=self.article_channel)
        try:
            await handle.wait_response(10.0)
        except TimeoutError as error:
            raise DemoFailed(f"/{name} got no answer from the bot: {error}") from None
        from bot.demo.transcript import readable_mentions

        text = handle.text
        self.setup_log.append(f"mara.lindner ran /{name} " + " ".join(
            f"{key}:{getattr(value, 'name', value)}" for key, value in options.items()))
        self.setup_log += ["  " + line for line in readable_mentions(text, self.sandbox).splitlines()]
        return text

    async def _set_up_server(self) -> None:
        self.progress.stage(2, "admin adds the feed and sets the summary channel; the community joins")
        self.setup_log: list[str] = []
        first_wave = max(1, round(len(self.personas) * FIRST_WAVE))
        self.community.join(self.personas[:first_wave])
        self.setup_log.append(f"{first_wave} of {len(self.personas)} members joined {GUILD_NAME}")
        first = self.blog.published[0]
        reply = await self._command("feed add", {"url": self.blog.feed_url, "channel": self.article_channel,
                                                 "backfill": 1})
        self._track(first)
        if self.blog.feed_url not in reply and "abonniert" not in reply and "Subscribed" not in reply:
            raise DemoFailed(f"/feed add did not subscribe: {reply[:300]!r}")
        await self._command("config set", {"summary_channel": self.summary_channel,
                                           "author_role": self.authors_role})
        await self._command("config author", {"name": "Mara Lindner", "member": self.admin})
        await self._command("config author", {"name": "Sam Okafor", "member": self.second_author})

    def _track(self, blog_article: BlogArticle) -> ArticleRun:
        run = ArticleRun(blog_article.slug, blog_article.title, self.blog.article_url(blog_article),
                         blog_article.language, blog_article.author)
        self.articles.append(run)
        return run

    # ----- 3 and 4: the blog publishes, the bot posts, the community acts ---------------------------------

    def _activity(self) -> str:
        stats = self.community.stats
        posted = sum(1 for a in self.articles if a.targets)
        return (f"{posted}/{len(self.blog.articles)} articles · {stats.joined} members · {stats.clicks} clicks "
                f"({stats.votes} votes, {stats.changes} changed, {stats.withdrawals} withdrawn) · "
                f"{stats.answers + stats.rewrites} answers · {stats.chat} chat messages")

    async def _publish_and_play(self) -> None:
        self.progress.stage(3, "the blog publishes articles, the bot posts them")
        watcher = asyncio.create_task(self.progress.watch(self._activity))
        try:
            followers = [asyncio.create_task(self._follow(self.articles[0], first=True))]
            while self.blog.unpublished:
                await asyncio.sleep(PUBLISH_GAP_SECONDS)
                last = len(self.blog.unpublished) == 1
                if last:
                    from bot.demo.review import turn_review_on

                    await turn_review_on(self)
                    await self._switch_to_native_polls()
                article = self.blog.publish_next()
                run = self._track(article)
                run.reviewed = last
                followers.append(asyncio.create_task(self._follow(run, first=False)))
            posting = asyncio.gather(*followers)
            try:
                await self._until_posted()
                self.progress.stage(4, "community voting, answering and chatting")
                await posting
            finally:
                if not posting.done():
                    posting.cancel()
                    with contextlib.suppress(BaseException):
                        await posting
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        self.progress.detail(self._activity(), force=True)
        failures = self.community.stats.failures
        if failures:
            self.report += [f"{len(failures)} member actions failed:"] + [f"  {line}" for line in failures[:20]]
            kinds = Counter(line.split(" on poll ")[0].rsplit(" ", 1)[-1] for line in failures)
            raise DemoFailed(f"{len(failures)} member actions failed ({', '.join(f'{n} {k}' for k, n in kinds.items())})"
                             f", e.g. {failures[0]}")

    async def _switch_to_native_polls(self) -> None:
        """Before the last article: the admin switches to Discord's own polls (and confirms that voters become
        visible), once every earlier article is in, so exactly the last one gets native polls."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not all(a.article_id is not None for a in self.articles):
            if time.monotonic() > deadline:
                raise DemoFailed("the earlier articles were not posted before the switch to native polls")
            await asyncio.sleep(0.1)
        handle = await self.sandbox.run_slash_command(self.admin, "config set", {"style": "native"},
                                                      channel=self.article_channel)
        await handle.wait_response(10.0)
        confirm = next((b["custom_id"] for row in handle.components for b in row.get("components", [])
                        if str(b.get("custom_id", "")).startswith("config-native:yes:")), None)
        if confirm is None:
            raise DemoFailed(f"/config set style:native did not ask to confirm: {handle.text[:300]!r}")
        click = await self.sandbox.click_button(self.admin, handle.shown_message, confirm)
        await click.wait_response(10.0)
        self.setup_log.append("mara.lindner ran /config set style:native (before the last article), "
                              "was told that Discord's polls show voters, and confirmed")
        self.setup_log.append("  " + click.text)

    async def _until_posted(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS + PUBLISH_GAP_SECONDS * len(self.articles)
        while not all(a.targets for a in self.articles) or len(self.articles) < len(self.blog.articles):
            if time.monotonic() > deadline:
                missing = [a.title for a in self.articles if not a.targets]
                raise DemoFailed(f"the bot did not post {missing} in time")
            await asyncio.sleep(0.1)

    async def _follow(self, article: ArticleRun, *, first: bool) -> None:
        """Wait until the bot has posted the article with all its polls, then let the community loose on it."""
        from bot.demo.community import plan_article, poll_targets

        summary = await self._wait_posted(article)
        if article.reviewed:
            summary = await self._review(article)
        if self.bot.report_links is not None:
            article.report_url = await self.bot.report_links.link_for(summary.article.id)
            self.progress.note(f"report page for “{article.title}”: {article.report_url}")
        message = next((m for m in self.sandbox.messages(self.article_channel)
                        if any(e.get("url") == article.url for e in m.embeds)), None)
        if message is None:
            raise DemoFailed(f"the article message for {article.url} is not in #{ARTICLE_CHANNEL}")
        article.thread = message.thread
        where = [self.article_channel] + ([article.thread] if article.thread is not None else [])
        poll_ids = {poll.id for poll in summary.polls}
        questions = {poll.question: poll.id for poll in summary.polls}
        targets = [t for channel in where for t in poll_targets(self.sandbox.messages(channel), questions)
                   if t.poll_id in poll_ids]
        if len(targets) != len(summary.polls):
            raise DemoFailed(f"{article.title!r}: {len(summary.polls)} polls, but {len(targets)} poll messages")
        if not first:  # latecomers: the rest of the community joins with the second article
            self.community.join(self.personas)
        closes = [p.closes_at.timestamp() for p in summary.polls if p.closes_at is not None]
        window = (min(closes) - time.time() - ACTION_MARGIN_SECONDS) if closes else POLL_SECONDS / 2
        members = [p for p in self.personas if p.name in self.community.members]
        article.plan = plan_article(article.title, article.language, targets, members,
                                    random.Random(f"{SEED}:{article.slug}"), max(1.0, window))
        article.targets = targets
        await self.community.run(article.plan, article.thread or self.article_channel, targets)

    async def _review(self, article: ArticleRun) -> Summary:
        """Editors decide on the article's proposals (bot/demo/review.py); its polls are then the ones they let out."""
        from bot.demo.review import review_scene
        from bot.summaries.report import build_summary

        expected = await review_scene(self, article)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            summary = await build_summary(self.database, article.article_id)
            if len(summary.polls) == expected and all(p.closes_at is not None for p in summary.polls):
                return summary
            await asyncio.sleep(0.1)
        raise DemoFailed(f"{article.title!r}: the approved polls did not appear within {START_TIMEOUT_SECONDS:g} s")

    async def _wait_posted(self, article: ArticleRun) -> Summary:
        from bot.summaries.report import ArticleNotFound, build_summary

        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                summary = await build_summary(self.database, article.url)
            except ArticleNotFound:
                summary = None
            if summary is not None and summary.article.id in self.bot.publisher.published:
                article.article_id = summary.article.id
                # read again: the summary above may have been read just before the publisher posted the article's
                # last poll (it leaves out polls not yet on Discord), and the community would then miss that poll
                return await build_summary(self.database, summary.article.id)
            await asyncio.sleep(0.1)
        raise DemoFailed(f"the bot did not post {article.url} within {START_TIMEOUT_SECONDS:g} s")

    # ----- shutdown ----------------------------------------------------------------------------------------

    async def _shut_down(self) -> list[str]:
        """Stop the bot, then everything else in reverse order; report anything left running or listening."""
        problems: list[str] = []
        if self.bot is not None:
            with contextlib.suppress(Exception):
                await self.bot.close()
        if self.bot_task is not None:
            try:
                await asyncio.wait_for(self.bot_task, 5.0)
            except (asyncio.CancelledError, asyncio.TimeoutError):
                problems.append("the bot did not stop within 5 s")
            except Exception:  # noqa: BLE001 - an error while running was reported by its stage already
                pass
        await self.exit_stack.aclose()
        for name, url in self.addresses.items():
            if not await _port_closed(url):
                problems.append(f"the {name} still listens on {url}")
        await asyncio.sleep(0)
        current = asyncio.current_task()
        left = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        for task in left:
            task.cancel()
        if left:
            await asyncio.gather(*left, return_exceptions=True)
            problems.append(f"{len(left)} tasks were still running: "
                            + ", ".join(sorted({t.get_name() for t in left}))[:300])
        return problems


def _configure_logging(path: Path) -> Callable[[], None]:
    """Everything the bot logs goes to the output folder; returns how to put the old logging back."""
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    old_handlers, old_level = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.INFO)

    def restore() -> None:
        handler.close()
        root.handlers = old_handlers
        root.setLevel(old_level)

    return restore


def run_demo(settings: Settings, *, output: Path, members: int) -> int:
    """Run the offline demo; the exit code is 0 when every stage completed and the counts agree."""
    if not MIN_MEMBERS <= members <= MAX_MEMBERS:
        print(f"reader-bot demo: --members must be between {MIN_MEMBERS} and {MAX_MEMBERS} (got {members})",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        output.mkdir(parents=True, exist_ok=True)
        _clear_previous_run(output)
    except OSError as error:
        print(f"reader-bot demo: cannot use the output folder {output}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    restore_logging = _configure_logging(output / LOG_NAME)
    try:
        return asyncio.run(Demo(settings, output, members, out=sys.stdout, err=sys.stderr).run())
    finally:
        restore_logging()
