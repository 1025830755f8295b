"""The polls extension: votes and written answers from buttons, live poll messages, and closing.

Click path: gateway INTERACTION_CREATE -> the bot's one interaction listener (bot/cogs/routes.py) ->
`PollsCog.on_poll_interaction` (by the button's custom id, so it works for every poll message ever posted, across
restarts) -> `PollsCog.handle_vote_click` -> `VoteBatcher` (group commit; the poll is re-read from the database
inside the transaction) -> after the commit, an ephemeral answer in the member's language. When a commit is slow
(a busy database), the interaction is deferred before Discord's 3 seconds run out and answered with a follow-up
once the vote is durable.

The cog builds no SQL: it calls bot/polls (voting, tally, closing) in units of work.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Iterable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import metrics
from bot.cogs.checks import has_manage_server, message_has_component
from bot.cogs.errors import reply_ephemeral as reply  # every cog answers members one way
from bot.cogs.i18n import Language, language_for, t
from bot.cogs.startup import after_ready_spread
from bot.cogs.routes import routes_for
from bot.cogs.poll_views import (
    ANSWER_MODAL_PREFIX,
    ANSWER_PREFIX,
    VOTE_PREFIX,
    AnswerModal,
    modal_answer_text,
    parse_answer_custom_id,
    parse_id,
    parse_vote_custom_id,
    render_poll_message,
    render_result_message,
)
from bot.errors import NotAllowed, NotFound, PollClosed, ReaderBotError
from bot.polls.batcher import BatcherStopped, VoteBatcher
from bot.polls.closing import (
    CloseResult,
    article_polls_all_closed,
    close_poll,
    due_poll_ids,
    open_polls_for_autocomplete,
    poll_for_message,
    poll_message,
    polls_awaiting_result,
    result_channel,
)
from bot.polls.retry import StorageBusy, run_write
from bot.polls.tally import OptionTally, PollSnapshot, load_poll_snapshot, option_tallies
from bot.polls.voting import (
    ANSWER_MAX_LENGTH,
    AnswerOutcome,
    AnswerTooLong,
    EmptyAnswer,
    NotAnOpenQuestion,
    VoteOutcome,
    VoteReceipt,
    VoteRequest,
    check_answerable,
    previous_answer,
    store_answer,
)
from bot.posting.outbox import mark_sent, record_intent, result_key
from bot.questions.model import PollKind
from bot.storage.delivery import abandon_post, record_post_failure
from bot.storage.database import Database
from bot.storage.models import PollState, utcnow

log = logging.getLogger(__name__)

DEFER_AFTER_SECONDS = 2.0  # Discord allows 3 s for the first answer; leave room for the request itself
REFRESH_INTERVAL_SECONDS = 5.0  # a poll message is edited at most this often, however fast votes come
CHANNEL_EDIT_SPACING_SECONDS = 1.1  # Discord allows about 5 message edits per 5 s in one channel
CLOSE_CHECK_SECONDS = 2.0
MAX_RESULT_ATTEMPTS = 8  # a poll result Discord refuses (missing permissions) is tried this often, with growing pauses
MAX_RESULT_RETRY_SECONDS = 3600.0
NO_MENTIONS = discord.AllowedMentions.none()


def _refusal_key(error: BaseException) -> tuple[str, dict[str, Any]]:
    """The message key (and values) that explains a refused vote or answer."""
    if isinstance(error, PollClosed):
        return "poll.refused_closed", {}
    if isinstance(error, NotFound):
        return "poll.refused_unknown", {}
    if isinstance(error, EmptyAnswer):
        return "answer.empty", {}
    if isinstance(error, AnswerTooLong):
        return "answer.too_long", {"limit": f"{ANSWER_MAX_LENGTH:,}"}
    if isinstance(error, NotAnOpenQuestion):
        return "answer.not_open_poll", {}
    if isinstance(error, NotAllowed):
        return "error.not_allowed", {}
    if isinstance(error, StorageBusy | BatcherStopped):
        return "vote.busy", {}
    return "error.generic", {}


_WARM_UP_SNAPSHOT = PollSnapshot(
    poll_id=1, guild_id=1, article_id=1, question="?", kind=PollKind.CHOICE, language="en", state=PollState.OPEN,
    anonymous=True, closes_at=None, closed_at=None, results_visibility="live",
    options=(OptionTally(1, 0, "A", 1, 0.5), OptionTally(2, 1, "B", 1, 0.5)), total_votes=2, answer_count=0,
)


def receipt_text(receipt: VoteReceipt, language: Language) -> str:
    return _receipt_text(receipt.outcome, receipt.option_label, receipt.previous_label, language)


@functools.lru_cache(maxsize=4096)
def _receipt_text(outcome: VoteOutcome, option_label: str, previous_label: str | None, language: Language) -> str:
    """A poll has a handful of options and three outcomes, so the same few texts answer every click: drawn once
    (markdown escaped, formatted), not per click (issue 11: about 1% of the bot's CPU at saturation)."""
    option = discord.utils.escape_markdown(option_label)
    if outcome == VoteOutcome.RECORDED:
        return t("vote.recorded", language, option=option)
    if outcome == VoteOutcome.CHANGED:
        previous = discord.utils.escape_markdown(previous_label or "")
        return t("vote.changed", language, option=option, previous=previous)
    return t("vote.withdrawn", language, option=option)



class DeadlineWatch:
    """Defers interactions whose answer is not ready `defer_after` seconds after they arrived.

    Discord drops an interaction not answered within 3 s. A vote normally commits in milliseconds; when the
    database is busy, the member sees "thinking…" and then the confirmation as a follow-up. One sweeper task
    looks at the pending clicks a few times a second, which costs far less than a timer per click.
    """

    def __init__(self, defer_after: float = DEFER_AFTER_SECONDS, sweep_every: float = 0.25) -> None:
        self.defer_after = defer_after
        self.sweep_every = sweep_every
        self._pending: dict[int, tuple[float, discord.Interaction, asyncio.Future[Any]]] = {}
        self._deferring: dict[int, asyncio.Task[Any]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def watch(self, interaction: discord.Interaction, future: asyncio.Future[Any]) -> None:
        self._pending[interaction.id] = (time.monotonic() + self.defer_after, interaction, future)
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(), name="interaction-deadlines")

    async def settled(self, interaction: discord.Interaction) -> None:
        """The answer is ready: stop watching; if a defer is in flight, let it finish before the follow-up."""
        self._pending.pop(interaction.id, None)
        deferring = self._deferring.pop(interaction.id, None)
        if deferring is not None:
            await asyncio.gather(deferring, return_exceptions=True)

    async def _sweep(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(self.sweep_every)
                now = time.monotonic()
                for key, (deadline, interaction, future) in list(self._pending.items()):
                    if deadline <= now and not future.done() and not interaction.response.is_done():
                        del self._pending[key]
                        self._deferring[key] = asyncio.create_task(
                            interaction.response.defer(ephemeral=True, thinking=True))
        finally:
            self._sweeper = None

    def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()


class PollRefresher:
    """Keeps live poll messages current without flooding Discord.

    However fast votes come, a poll's message is edited at most once per `interval` (the last change always
    shows: a vote during an edit schedules one more), and edits in one channel are spaced by `channel_spacing`,
    below Discord's ~5 edits / 5 s per channel, since an article's polls share its thread.
    """

    def __init__(self, cog: PollsCog, interval: float = REFRESH_INTERVAL_SECONDS,
                 channel_spacing: float = CHANNEL_EDIT_SPACING_SECONDS) -> None:
        self.cog = cog
        self.interval = interval
        self.channel_spacing = channel_spacing
        self._dirty: set[int] = set()
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._last_edit: dict[int, float] = {}
        self._channel_next: dict[int, float] = {}

    def touch(self, poll_ids: Iterable[int]) -> None:
        for poll_id in poll_ids:
            self._dirty.add(poll_id)
            if poll_id not in self._workers:
                self._workers[poll_id] = asyncio.create_task(self._work(poll_id), name=f"poll-refresh-{poll_id}")

    async def channel_turn(self, channel_id: int) -> None:
        """Wait for this channel's next edit slot (slots are handed out in call order)."""
        now = time.monotonic()
        slot = max(now, self._channel_next.get(channel_id, 0.0))
        self._channel_next[channel_id] = slot + self.channel_spacing
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _work(self, poll_id: int) -> None:
        try:
            while poll_id in self._dirty:
                wait = self._last_edit.get(poll_id, -self.interval) + self.interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._dirty.discard(poll_id)  # votes committed from here on mark it again
                self._last_edit[poll_id] = time.monotonic()
                try:
                    await self.cog.refresh_poll_message(poll_id, only_if_visible=True)
                except Exception:
                    log.exception("could not refresh the message of poll %s", poll_id)
        finally:
            self._workers.pop(poll_id, None)
            if len(self._last_edit) > 10_000:  # forget polls not edited lately (months of polls add up)
                horizon = time.monotonic() - self.interval
                self._last_edit = {key: at for key, at in self._last_edit.items() if at > horizon}
                self._channel_next = {key: at for key, at in self._channel_next.items() if at > horizon}

    def stop(self) -> None:
        for task in self._workers.values():
            task.cancel()
        self._workers.clear()
        self._dirty.clear()


class PollsCog(commands.Cog, name="Polls"):
    """Votes, answers, live results and closing."""

    poll_group = app_commands.Group(
        name="poll",
        description="Manage this server's polls",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: commands.Bot, database: Database, *, refresh_interval: float = REFRESH_INTERVAL_SECONDS,
                 channel_edit_spacing: float = CHANNEL_EDIT_SPACING_SECONDS,
                 close_check_seconds: float = CLOSE_CHECK_SECONDS, defer_after: float = DEFER_AFTER_SECONDS,
                 start_spread: float = 0.0, vote_writer_process: bool = False) -> None:
        self.bot = bot
        self.start_spread = start_spread  # see bot/cogs/startup.py
        self.database = database
        self.refresher = PollRefresher(self, refresh_interval, channel_edit_spacing)
        self.deadlines = DeadlineWatch(defer_after, sweep_every=min(0.25, defer_after / 4))
        self.batcher = VoteBatcher(database, writer_process=vote_writer_process, on_committed=self._votes_committed)
        self._closing_lock = asyncio.Lock()
        self.close_due_polls.change_interval(seconds=close_check_seconds)
        self.close_check_seconds = close_check_seconds
        self._result_retry_at: dict[int, float] = {}  # poll id -> monotonic time its refused result may be retried
        self.close_menu = app_commands.ContextMenu(name="Close poll", callback=self.close_poll_from_message)
        self.close_menu.guild_only = True
        self.close_menu.default_permissions = discord.Permissions(manage_guild=True)

    async def cog_load(self) -> None:
        routes_for(self.bot).add((VOTE_PREFIX, ANSWER_PREFIX, ANSWER_MODAL_PREFIX), self.on_poll_interaction)
        self.batcher.start()
        self.bot.tree.add_command(self.close_menu)
        self.close_due_polls.start()

    async def cog_unload(self) -> None:
        routes_for(self.bot).remove(self.on_poll_interaction)
        self.close_due_polls.cancel()
        self.bot.tree.remove_command(self.close_menu.name, type=self.close_menu.type)
        self.refresher.stop()
        self.deadlines.stop()
        await self.batcher.stop()

    async def warm_up(self) -> None:
        """Before the gateway connects (the client's setup_hook): everything the first clicks would otherwise pay
        for while other clicks wait (issue 11). The vote writer's connection opened and its statements prepared
        (in a transaction rolled back: nothing is written), the refresher's reads run once on a poll that does not
        exist (SQLAlchemy compiles each statement on its first run: 1-3 ms each on a busy loop), and a poll
        message and every kind of reply drawn once (discord.py's embed and view machinery, the texts)."""
        await self.batcher.warm_up()
        async with self.database.session() as session:
            await load_poll_snapshot(session, 0)
            await option_tallies(session, 0)  # the snapshot of a poll that does not exist stops before its tallies
            await poll_message(session, 0)
        for language in ("en", "de"):
            render_poll_message(_WARM_UP_SNAPSHOT, language)
            for outcome in VoteOutcome:
                receipt_text(VoteReceipt(VoteRequest(0, 0, 0, 0), outcome, "A", previous_label="B"), language)
            for error in (PollClosed(""), NotFound(""), StorageBusy("")):
                key, values = _refusal_key(error)
                t(key, language, **values)

    # ----- votes -------------------------------------------------------------------------------------------

    def _votes_committed(self, receipts: list[VoteReceipt]) -> None:
        metrics.votes_stored(len(receipts))
        self.refresher.touch({receipt.request.poll_id for receipt in receipts})

    async def handle_vote_click(self, interaction: discord.Interaction, poll_id: int | None, option_id: int | None) -> None:
        language = language_for(interaction.locale)
        arrived = time.monotonic()
        stored = False
        try:
            if interaction.guild_id is None or poll_id is None or option_id is None:
                raise NotFound("malformed custom id")
            request = VoteRequest(interaction.guild_id, poll_id, option_id, interaction.user.id)
            receipt = await self._within_deadline(interaction, self.batcher.enqueue(request))
            text = receipt_text(receipt, language)
            stored = True
        except ReaderBotError as error:
            key, values = _refusal_key(error)
            text = t(key, language, **values)
        except Exception:
            log.exception("vote click failed (poll %s, option %s)", poll_id, option_id)
            text = t("error.generic", language)
        if await reply(interaction, text) and stored:
            metrics.vote_acknowledged(time.monotonic() - arrived)

    async def _within_deadline(self, interaction: discord.Interaction, future: asyncio.Future[Any]) -> Any:
        """Await `future`; if it is not done when Discord's deadline nears, the interaction is deferred meanwhile
        (by `DeadlineWatch`: one timer for all pending clicks, not one per click)."""
        if future.done():
            return future.result()
        self.deadlines.watch(interaction, future)
        try:
            return await future
        finally:
            await self.deadlines.settled(interaction)

    # ----- written answers ---------------------------------------------------------------------------------

    async def handle_answer_click(self, interaction: discord.Interaction, poll_id: int | None) -> None:
        language = language_for(interaction.locale)
        try:
            if interaction.guild_id is None or poll_id is None:
                raise NotFound("malformed custom id")
            guild_id = interaction.guild_id
            async with self.database.session() as session:
                await check_answerable(session, guild_id=guild_id, poll_id=poll_id)
                previous = await previous_answer(session, guild_id=guild_id, poll_id=poll_id, member_id=interaction.user.id)
        except ReaderBotError as error:
            key, values = _refusal_key(error)
            await reply(interaction, t(key, language, **values))
            return
        try:
            await interaction.response.send_modal(AnswerModal(poll_id, language=language, default=previous))
        except discord.HTTPException as error:
            log.warning("could not open the answer form for interaction %s: %s", interaction.id, error.status)

    async def handle_answer_submit(self, interaction: discord.Interaction) -> None:
        language = language_for(interaction.locale)
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        poll_id = parse_answer_custom_id(str(data.get("custom_id", "")), ANSWER_MODAL_PREFIX)
        try:
            if interaction.guild_id is None or poll_id is None:
                raise NotFound("malformed custom id")
            guild_id, member_id = interaction.guild_id, interaction.user.id
            text = modal_answer_text(data.get("components"))
            storing = asyncio.ensure_future(run_write(
                self.database,
                lambda session: store_answer(session, guild_id=guild_id, poll_id=poll_id, member_id=member_id, text=text),
            ))
            outcome = await self._within_deadline(interaction, storing)
            message = t("answer.stored" if outcome == AnswerOutcome.STORED else "answer.replaced", language)
            self.refresher.touch([poll_id])
        except ReaderBotError as error:
            key, values = _refusal_key(error)
            message = t(key, language, **values)
        except Exception:
            log.exception("answer submit failed (poll %s)", poll_id)
            message = t("error.generic", language)
        await reply(interaction, message)

    @commands.Cog.listener()
    async def on_member_data_forgotten(self, guild_id: int, poll_ids: Iterable[int]) -> None:
        """After /forget-me, redraw the member's polls so their counts drop at once, not at the next vote."""
        self.refresher.touch(poll_ids)

    async def on_poll_interaction(self, interaction: discord.Interaction, custom_id: str) -> None:
        """Every click on a poll button and every answer form arrives here (bot/cogs/routes.py), keyed by its
        custom id, so buttons and forms posted before a restart work after it. A vote or answer id that is not on
        the message clicked (forged) gets a polite refusal instead of Discord's "interaction failed"."""
        if interaction.type == discord.InteractionType.modal_submit and custom_id.startswith(ANSWER_MODAL_PREFIX):
            await self.handle_answer_submit(interaction)
            return
        if interaction.type != discord.InteractionType.component or not custom_id.startswith((VOTE_PREFIX, ANSWER_PREFIX)):
            return
        if not message_has_component(interaction.message, custom_id):
            await reply(interaction, t("poll.refused_unknown", language_for(interaction.locale)))
        elif custom_id.startswith(VOTE_PREFIX):
            await self.handle_vote_click(interaction, *parse_vote_custom_id(custom_id))
        else:
            await self.handle_answer_click(interaction, parse_answer_custom_id(custom_id))

    # ----- the poll message --------------------------------------------------------------------------------

    async def refresh_poll_message(self, poll_id: int, *, only_if_visible: bool = False) -> bool:
        """Redraw a poll's message from the database; False when there is nothing to edit."""
        async with self.database.session() as session:
            snapshot = await load_poll_snapshot(session, poll_id)
            where = await poll_message(session, poll_id)
        if snapshot is None or where is None:
            return False
        if only_if_visible and (not snapshot.results_visible or snapshot.is_closed):
            return False  # hidden counts do not change the message; closed polls are drawn by the closer
        await self._edit_poll_message(snapshot, where.channel_id, where.message_id)
        return True

    async def _tell_result_lost(self, snapshot: PollSnapshot, channel_id: int, *, attempts: int | None) -> None:
        publisher = getattr(self.bot, "publisher", None)  # the admins' notices (bot/cogs/alerts.py)
        if publisher is not None:
            await publisher.alerts.result_lost(snapshot.article_id, snapshot.question, channel_id, attempts=attempts)

    async def _edit_poll_message(self, snapshot: PollSnapshot, channel_id: int, message_id: int) -> None:
        if snapshot.style == "native":
            return  # Discord draws a native poll and its results; its message is never redrawn
        await self.refresher.channel_turn(channel_id)
        content, embed, view = render_poll_message(snapshot, snapshot.language)
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            await message.edit(content=content, embed=embed, view=view, allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            log.warning("the message of poll %s is gone (channel %s, message %s)", snapshot.poll_id, channel_id, message_id)
        except discord.Forbidden as error:  # e.g. a locked thread: the result below still says it is closed
            log.warning("the message of poll %s cannot be edited: %s %s", snapshot.poll_id, error.status, error.code)

    # ----- closing -----------------------------------------------------------------------------------------

    @tasks.loop(seconds=CLOSE_CHECK_SECONDS)
    async def close_due_polls(self) -> None:
        """Close polls whose deadline passed (also those that passed while the bot was down), and finish showing
        closes a crash interrupted."""
        try:
            async with self.database.session() as session:
                due = await due_poll_ids(session, shards=getattr(self.bot, "shard_plan", None))
            for poll_id in due:
                await self.close(poll_id)
            async with self.database.session() as session:
                unfinished = await polls_awaiting_result(session, shards=getattr(self.bot, "shard_plan", None))
            for poll_id in unfinished:
                if time.monotonic() >= self._result_retry_at.get(poll_id, 0.0):
                    await self.show_closed(poll_id)
        except Exception:
            log.exception("closing due polls failed; trying again on the next round")

    @close_due_polls.before_loop
    async def _before_closing(self) -> None:
        await after_ready_spread(self.bot, self.start_spread)

    async def close(self, poll_id: int, *, guild_id: int | None = None) -> CloseResult:
        """Close in the database, then show it on Discord (final counts, disabled buttons, result in the thread)."""
        async with self._closing_lock:
            native = self.bot.get_cog("NativePolls")  # bot/cogs/native_polls.py: end it on Discord first
            if native is not None:
                await native.end_on_discord(poll_id, guild_id=guild_id)  # type: ignore[attr-defined]
            result = await run_write(self.database, lambda session: close_poll(session, poll_id, guild_id=guild_id))
            await self.show_closed(poll_id)
            return result

    async def show_closed(self, poll_id: int) -> None:
        """Draw the closed poll and post its result once (the outbox row `result:<id>` makes it exactly once:
        written before the send, sent with its nonce, so a send repeated after a crash is dropped by Discord)."""
        async with self.database.session() as session:
            snapshot = await load_poll_snapshot(session, poll_id)
            where = await poll_message(session, poll_id)
            channel_id = await result_channel(session, poll_id)
        if snapshot is None or not snapshot.is_closed or where is None or channel_id is None:
            return
        await self._edit_poll_message(snapshot, where.channel_id, where.message_id)
        key = result_key(poll_id)
        post = await run_write(self.database, lambda session: record_intent(
            session, key, guild_id=snapshot.guild_id, channel_id=channel_id, now=utcnow(),
            article_id=snapshot.article_id, poll_id=poll_id))
        if post.sent:
            return
        try:
            sent = await self.bot.get_partial_messageable(post.channel_id).send(
                render_result_message(snapshot, snapshot.language), nonce=post.nonce, allowed_mentions=NO_MENTIONS
            )
        except discord.NotFound as error:  # the thread or channel is gone: retrying every round would never end
            log.warning("the result of poll %s cannot be posted: %s is gone (%s)", poll_id, post.channel_id, error.code)
            await run_write(self.database, lambda session: abandon_post(
                session, key, "thread_lost", f"{error.status} {error.code}: {error.text}", utcnow()))
            await self._tell_result_lost(snapshot, post.channel_id, attempts=None)
            return
        except discord.Forbidden as error:  # missing permissions: back off per poll, give up after a few tries
            reason = f"{error.status} {error.code}: {error.text}"
            attempts = await run_write(self.database, lambda session: record_post_failure(
                session, key, "missing_permissions", reason, utcnow()))
            if attempts >= MAX_RESULT_ATTEMPTS:
                log.warning("the result of poll %s was refused %d times (%s); giving up", poll_id, attempts, reason)
                await run_write(self.database, lambda session: abandon_post(session, key, "missing_permissions", reason, utcnow()))
                await self._tell_result_lost(snapshot, post.channel_id, attempts=attempts)
            else:
                delay = min(self.close_check_seconds * 2.0 ** attempts, MAX_RESULT_RETRY_SECONDS)
                self._result_retry_at[poll_id] = time.monotonic() + delay
                log.warning("the result of poll %s was refused (%s); trying again in %.0f s", poll_id, reason, delay)
            return
        self._result_retry_at.pop(poll_id, None)

        async def finish(session: Any) -> bool:
            await mark_sent(session, key, message_id=sent.id, sent_at=utcnow())
            return await article_polls_all_closed(session, snapshot.article_id)

        if await run_write(self.database, finish):
            self.bot.dispatch("article_polls_closed", snapshot.article_id)

    # ----- admin: close early ------------------------------------------------------------------------------

    @poll_group.command(name="close", description="Close a poll now: final counts are shown and voting stops")
    @app_commands.describe(poll="The open poll to close (start typing its question)")
    async def close_command(self, interaction: discord.Interaction, poll: str) -> None:
        language = language_for(interaction.locale)
        if not has_manage_server(interaction):
            await reply(interaction, t("error.not_allowed", language))
            return
        poll_id = parse_id(poll.strip())  # a forged value: only a database-sized id, never any str.isdigit()
        await self._close_for_admin(interaction, poll_id, language)

    @close_command.autocomplete("poll")
    async def _autocomplete_open_polls(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not has_manage_server(interaction):
            return []
        async with self.database.session() as session:
            polls = await open_polls_for_autocomplete(session, guild_id=interaction.guild_id, search=current[:100])
        return [app_commands.Choice(name=question[:100], value=str(poll_id)) for poll_id, question in polls]

    async def close_poll_from_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        language = language_for(interaction.locale)
        if not has_manage_server(interaction):
            await reply(interaction, t("error.not_allowed", language))
            return
        assert interaction.guild_id is not None
        async with self.database.session() as session:
            poll_id = await poll_for_message(session, guild_id=interaction.guild_id, message_id=message.id)
        if poll_id is None:
            await reply(interaction, t("poll.close_not_a_poll", language))
            return
        await self._close_for_admin(interaction, poll_id, language)

    async def _close_for_admin(self, interaction: discord.Interaction, poll_id: int | None, language: Language) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            if poll_id is None or interaction.guild_id is None:
                raise NotFound("no such poll")
            result = await self.close(poll_id, guild_id=interaction.guild_id)
            question = discord.utils.escape_markdown(result.question)
            text = t("poll.close_done" if result.closed_now else "poll.close_already", language, question=question)
        except ReaderBotError as error:
            key, values = _refusal_key(error)
            text = t(key, language, **values)
        except Exception:
            log.exception("closing poll %s failed", poll_id)
            text = t("error.generic", language)
        await reply(interaction, text)


async def setup(bot: commands.Bot) -> None:
    """Registers the cog (`bot.database` is the bot's Database); its listener answers the poll buttons."""
    runtime = bot.settings.runtime  # type: ignore[attr-defined]
    await bot.add_cog(PollsCog(bot, bot.database,  # type: ignore[attr-defined]
                               start_spread=runtime.background_start_spread, vote_writer_process=runtime.vote_writer_process))

