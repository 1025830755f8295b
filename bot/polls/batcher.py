"""Group commit for votes: many clicks, one transaction, each acknowledged only after its commit.

A commit (an fsync-ordered WAL append on SQLite) costs far more than applying a vote, so committing once per
click caps throughput well below what the gateway delivers. The batcher keeps one transaction in flight; clicks
arriving meanwhile queue up and all go into the next transaction. There is no artificial wait: a lone click is
committed at once, and under load batches grow by themselves. `submit` returns only after the transaction that
holds the click has committed, so a member is never told a vote counts that a crash could still lose.

It never waits for more clicks before a batch. It used to linger 3 ms while votes were flowing, so that batches at
a few hundred clicks a second held several votes; measured again (issue 11, benchmarks/votes.py, two pairs of
runs on each database), waiting only added latency: without it p50 at 500 clicks/s fell from 5 ms to 1.1 ms on
SQLite and from 7-14 ms to 5-6 ms on PostgreSQL, p99 on PostgreSQL from 50-64 ms to 22-28 ms, with the bot's CPU
per click no higher. Under load, batches still fill by themselves while the previous one commits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import ReaderBotError
from bot.polls.retry import RetryPolicy, RetryStats, StorageBusy
from bot.polls.voting import VoteReceipt, VoteRequest, VoteResult, warm_up_clicks
from bot.polls.writer import VoteWriter, vote_writer_for
from bot.storage.database import Database

log = logging.getLogger(__name__)

# At most this many clicks per transaction. A batch of everything queued (it was 256) made a convoy under load:
# nearly every click in flight waited in one transaction while the loop idled through its round trips, then all
# were answered at once, and the next clicks arrived only after. Smaller batches let answering the last batch and
# committing the next overlap (issue 11, PostgreSQL at 128 clicks in flight: ratio 0.77-0.89 with 256, 0.90-0.95
# with 32 on a noisy machine); a transaction of 32 votes still costs little more than one of 2.
MAX_BATCH = 32

_Pending = tuple[VoteRequest, "asyncio.Future[VoteReceipt]"]


class BatcherStopped(ReaderBotError):
    """The bot is shutting down; the vote was not taken."""


@dataclass
class BatcherStats:
    batches: int = 0
    votes: int = 0
    largest_batch: int = 0


class VoteBatcher:
    """Serialises vote writes into group commits. One per process; start() before submit()."""

    def __init__(
        self,
        database: Database,
        *,
        max_batch: int = MAX_BATCH,
        policy: RetryPolicy = RetryPolicy(),
        writer: VoteWriter | None = None,
        writer_process: bool = False,
        on_committed: Callable[[list[VoteReceipt]], None] | None = None,
    ) -> None:
        self.database = database
        self.max_batch = max_batch
        self.writer = writer or vote_writer_for(database, policy, separate_process=writer_process)
        self.on_committed = on_committed  # e.g. schedule message refreshes for the polls that changed
        self.stats = BatcherStats()
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def retry_stats(self) -> RetryStats:
        return self.writer.stats

    def start(self) -> None:
        if self._worker is None:
            self._closing = False
            self._worker = asyncio.create_task(self._run(), name="vote-batcher")

    async def warm_up(self) -> None:
        """The writer's connection opened and its statements run the whole way, each click in a transaction
        that is rolled back (before clicks arrive; see `warm_up_clicks`)."""
        async with self.database.session() as session:
            clicks = await warm_up_clicks(session)
        for click in clicks:
            await self.writer.warm_up([click])

    async def stop(self) -> None:
        """Commit what is queued, then stop; later submits are refused."""
        self._closing = True
        if self._worker is not None:
            await self._queue.put(None)
            await self._worker
            self._worker = None
        await self.writer.close()
        if self.stats.batches:
            log.info("stored %d votes in %d transactions (largest %d); %d busy retries",
                     self.stats.votes, self.stats.batches, self.stats.largest_batch, self.retry_stats.retries)

    async def submit(self, request: VoteRequest) -> VoteReceipt:
        """Apply one click; returns after its commit, or raises the domain error that refused it."""
        return await self.enqueue(request)

    def enqueue(self, request: VoteRequest) -> asyncio.Future[VoteReceipt]:
        """Like `submit`, as a future (no extra task per click on the hot path)."""
        future: asyncio.Future[VoteReceipt] = asyncio.get_running_loop().create_future()
        if self._closing or self._worker is None:
            future.set_exception(BatcherStopped("not taking votes"))
        else:
            self._queue.put_nowait((request, future))
        return future

    def _drain(self, first: _Pending) -> tuple[list[_Pending], bool]:
        batch = [first]
        stop = False
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            if item is None:
                stop = True
                break
            batch.append(item)
        return batch, stop

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            if first is None:
                return
            batch, stop = self._drain(first)
            await self._commit(batch)
            if stop:
                return

    async def _commit(self, batch: list[_Pending]) -> None:
        requests = [request for request, _ in batch]
        try:
            results = await self.writer.write(requests)
        except StorageBusy as error:
            self._settle(batch, [error] * len(batch))
            return
        except Exception:
            # Not a lock conflict: something in this batch is broken. Apply the clicks one by one, so a single
            # bad click cannot sink the others.
            log.exception("a batch of %d votes failed; retrying them one at a time", len(batch))
            if len(batch) == 1:
                self._settle(batch, [StorageBusy("could not store the vote")])
                return
            for pending in batch:
                await self._commit([pending])
            return
        self.stats.batches += 1
        self.stats.votes += len(batch)
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        self._settle(batch, results)
        if self.on_committed is not None:
            receipts = [result for result in results if isinstance(result, VoteReceipt)]
            if receipts:
                try:
                    self.on_committed(receipts)
                except Exception:
                    log.exception("vote commit listener failed")

    @staticmethod
    def _settle(batch: list[_Pending], results: list[VoteResult] | list[StorageBusy]) -> None:
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # the waiting click was cancelled; its vote is committed regardless
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
