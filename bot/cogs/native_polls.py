"""The native-polls extension: Discord's own polls as a way to draw and collect a poll (see bot/polls/native.py).

Vote path: gateway MESSAGE_POLL_VOTE_ADD/REMOVE (intent GUILD_MESSAGE_POLLS) -> `on_raw_poll_vote_add/remove`
-> one queue -> one worker that applies every event waiting, in order, in one unit of work. Nobody is answered:
Discord already shows the member their vote.

Reconciliation: on every READY (start-up, or a reconnect that could not resume) each open native poll is compared
with Discord's voters (GET .../polls/{message}/answers/{answer}, paged) and the stored votes are made equal;
events that arrive while the voters are being read are applied again after the comparison, so nothing newer is
overwritten. Closing (`PollsCog.close` calls `end_on_discord` first): the poll is ended on Discord through the
expire endpoint, reconciled once more with the finalised voters, and then closed like any other poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

from bot.cogs.i18n import t
from bot.polls.native import (
    NativePollDraft,
    NativePollEvent,
    NativePollRef,
    ReconcileResult,
    apply_native_events,
    native_poll_ref,
    native_poll_ref_for_message,
    open_native_polls,
    reconcile_native_poll,
)
from bot.polls.retry import run_write
from bot.storage.database import Database

log = logging.getLogger(__name__)

NATIVE_POLLS_COG_NAME = "NativePolls"
POLL_EXPIRED = 520001  # Discord: "Poll expired"
EVENT_LOG_SIZE = 20_000  # recent events kept to replay over a reconciliation
MAX_BATCH = 5000  # events (and reconciliations) stored in one unit of work
VOTERS_PAGE_LIMIT = 1_000_000  # discord.py pages by 100 until a page comes back empty


def discord_poll(draft: NativePollDraft) -> discord.Poll:
    """discord.py's poll object for a native poll message (single choice: one vote per member per poll)."""
    poll = discord.Poll(question=draft.question, duration=timedelta(hours=draft.hours), multiple=draft.multiple)
    for answer in draft.answers:
        poll.add_answer(text=answer)
    return poll


def native_poll_content(draft: NativePollDraft) -> str:
    """The line above a native poll: how to vote, and that Discord shows everyone's votes."""
    return t("native.poll_intro", draft.language if draft.language in ("de", "en") else "en")


def is_native_message_for(message: discord.Message, draft: NativePollDraft) -> bool:
    """A message of ours that carries this poll (found again after a crash between send and record)."""
    poll = message.poll
    return (poll is not None and poll.question == draft.question
            and tuple(answer.text for answer in poll.answers) == draft.answers)


@dataclass
class _Reconcile:
    ref: NativePollRef
    voters: dict[int, set[int]]
    since: int  # events numbered from here on arrived while the voters were read: replay them after
    final: bool
    done: asyncio.Future[ReconcileResult] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class NativePollsCog(commands.Cog, name=NATIVE_POLLS_COG_NAME):
    """Stores native poll votes, reconciles with Discord, ends native polls on Discord when they close."""

    def __init__(self, bot: commands.Bot, database: Database) -> None:
        self.bot = bot
        self.database = database
        self._queue: asyncio.Queue[tuple[int, NativePollEvent] | _Reconcile] = asyncio.Queue()
        self._recent: deque[tuple[int, NativePollEvent]] = deque(maxlen=EVENT_LOG_SIZE)
        self._sequence = 0
        self._worker: asyncio.Task[None] | None = None
        self._reconciling: asyncio.Task[None] | None = None
        self.reconciled: list[tuple[int, ReconcileResult]] = []  # (poll id, what changed), for logs and tests
        self._forgotten_at: dict[tuple[int, int], int] = {}  # (guild, member) -> event number at their /forget-me

    async def cog_load(self) -> None:
        self._worker = asyncio.create_task(self._work(), name="reader-bot native poll votes")

    async def cog_unload(self) -> None:
        for task in (self._reconciling, self._worker):
            if task is not None:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass

    # ----- events ------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        self._enqueue(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_poll_vote_remove(self, payload: discord.RawPollVoteActionEvent) -> None:
        self._enqueue(payload, added=False)

    @commands.Cog.listener()
    async def on_member_forgotten(self, guild_id: int, member_id: int) -> None:
        """After /forget-me, events the member caused before it are not replayed over a reconciliation (they
        would store a forgotten vote again); votes they cast after it are new votes."""
        self._forgotten_at[(guild_id, member_id)] = self._sequence

    def _enqueue(self, payload: discord.RawPollVoteActionEvent, *, added: bool) -> None:
        if payload.guild_id is None or (self.bot.user is not None and payload.user_id == self.bot.user.id):
            return
        self._sequence += 1
        event = NativePollEvent(payload.guild_id, payload.message_id, payload.user_id, payload.answer_id, added)
        self._recent.append((self._sequence, event))
        self._queue.put_nowait((self._sequence, event))

    async def _work(self) -> None:
        while True:
            items = [await self._queue.get()]
            while not self._queue.empty() and len(items) < MAX_BATCH:
                items.append(self._queue.get_nowait())
            try:
                await self._apply(items)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.exception("storing %d native poll events failed", len(items))
                for item in items:
                    if isinstance(item, _Reconcile) and not item.done.done():
                        item.done.set_exception(error)

    async def _apply(self, items: list[tuple[int, NativePollEvent] | _Reconcile]) -> None:
        """Events and reconciliations in arrival order, in one unit of work (retried whole when the database is
        busy: every step is idempotent)."""
        results: list[tuple[_Reconcile, ReconcileResult]] = []

        async def unit(session: Any) -> set[int]:
            results.clear()
            changed: set[int] = set()
            pending: list[NativePollEvent] = []
            for item in items:
                if isinstance(item, _Reconcile):
                    changed |= await apply_native_events(session, pending)
                    pending = []
                    result = await reconcile_native_poll(session, item.ref.poll_id, item.voters, final=item.final)
                    replay = [event for number, event in self._recent if number > item.since
                              and number > self._forgotten_at.get((event.guild_id, event.member_id), 0)]
                    changed |= await apply_native_events(session, replay)
                    results.append((item, result))
                else:
                    pending.append(item[1])
            changed |= await apply_native_events(session, pending)
            return changed

        changed = await run_write(self.database, unit)
        for item, result in results:
            self.reconciled.append((item.ref.poll_id, result))
            if result.total:
                log.info("native poll %s reconciled with Discord: %d added, %d changed, %d removed",
                         item.ref.poll_id, result.added, result.changed, result.removed)
            if not item.done.done():
                item.done.set_result(result)
        if changed:
            self.bot.dispatch("native_poll_votes_stored", changed)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Discord's "poll result" message: the poll is finalised, so its voters are final; store them (a poll
        Discord ended on its own, e.g. at its 768-hour limit, is reconciled here before the bot closes it)."""
        if message.type is not discord.MessageType.poll_result or message.guild is None or message.reference is None:
            return
        if self.bot.user is None or message.author.id != self.bot.user.id or message.reference.message_id is None:
            return
        async with self.database.session() as session:
            ref = await native_poll_ref_for_message(session, message.guild.id, message.reference.message_id)
        if ref is not None:
            try:
                await self.reconcile(ref)
            except discord.HTTPException as error:
                log.warning("could not read the final voters of native poll %s (%s)", ref.poll_id, error)

    # ----- reconciliation ----------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self._reconciling is None or self._reconciling.done():
            self._reconciling = asyncio.create_task(self.reconcile_open_polls(), name="reader-bot native reconcile")

    async def reconcile_open_polls(self) -> int:
        """Compare every open native poll of our guilds with Discord; returns how many were compared."""
        guild_ids = [guild.id for guild in self.bot.guilds]
        async with self.database.session() as session:
            refs = await open_native_polls(session, guild_ids=guild_ids)
        count = 0
        for ref in refs:
            try:
                await self.reconcile(ref)
                count += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reconciling native poll %s failed; trying again at the next start", ref.poll_id)
        log.info("reconciled %d open native polls with Discord", count)
        self.bot.dispatch("native_polls_reconciled", count)
        return count

    async def reconcile(self, ref: NativePollRef, *, final: bool = False) -> ReconcileResult:
        since = self._sequence
        voters = await self._voters(ref)
        if voters is None:
            return ReconcileResult()
        item = _Reconcile(ref, voters, since, final)
        self._queue.put_nowait(item)
        return await item.done

    async def _voters(self, ref: NativePollRef) -> dict[int, set[int]] | None:
        """Every answer's voters from Discord (paged by discord.py); None when the message is gone."""
        channel = self.bot.get_channel(ref.channel_id) or self.bot.get_partial_messageable(ref.channel_id)
        try:
            message = await channel.fetch_message(ref.message_id)  # type: ignore[union-attr]
        except discord.NotFound:
            log.warning("the message of native poll %s is gone", ref.poll_id)
            return None
        if message.poll is None:
            return None
        return {answer.id: {user.id async for user in answer.voters(limit=VOTERS_PAGE_LIMIT)}
                for answer in message.poll.answers}

    # ----- closing -----------------------------------------------------------------------------------------

    async def end_on_discord(self, poll_id: int, *, guild_id: int | None = None) -> bool:
        """End a native poll on Discord (expire endpoint) and store its final voters; False for other polls.

        Called by the polls cog before it closes a poll in the database. A poll Discord has ended already is
        only reconciled; if Discord cannot be reached the poll is closed anyway (its own deadline ends it)."""
        async with self.database.session() as session:
            ref = await native_poll_ref(session, poll_id)
        if ref is None or (guild_id is not None and ref.guild_id != guild_id):
            return False
        message = self.bot.get_partial_messageable(ref.channel_id).get_partial_message(ref.message_id)
        try:
            await message.end_poll()
        except discord.NotFound:
            return True
        except discord.HTTPException as error:
            if error.code != POLL_EXPIRED:
                log.warning("could not end native poll %s on Discord (%s); closing it here anyway", poll_id, error)
                return True
        try:
            await self.reconcile(ref, final=True)
        except discord.HTTPException as error:
            log.warning("could not read the final voters of native poll %s (%s)", poll_id, error)
        return True

    def pending(self) -> int:
        return self._queue.qsize()


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(NativePollsCog(bot, bot.database))  # type: ignore[attr-defined]
