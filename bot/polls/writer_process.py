"""The vote writer in a process of its own, so that storing votes costs the bot's event loop one message per batch.

Measured in benchmarks/votes.py (issue 11), writing on the bot's own loop set the pace of a busy bot in two ways:
- on a SQLite file, the batch's SQL and the WAL's write() calls ran inline on the loop's thread (a thread of the
  bot's process would hand the GIL back and forth with the busy loop at every SQLite call instead);
- on PostgreSQL, each of a batch's four round trips waited for a round of the busy loop before its answer was read
  (1.3-3.9 ms each, 9-10 ms a batch), and the bot idled 13-19 % of the time with all clicks in flight waiting
  for the next batch.
Here the bot sends a batch (pickled, length-prefixed) down a pipe and reads the results back: one wait per batch.
The child runs the backend's own writer (`vote_writer_for` without a process) on a loop that does nothing else,
with its own GIL and, on a 2-core machine, its own core while the bot's loop goes on answering.

What stays true: a click is acknowledged only after the child has committed it. If the child dies, the clicks of
the batch in flight are refused with `VoteStoreRestarted` (they may or may not be stored, so they are not applied
again: a second "vote for A" would withdraw the first); the next batch starts a new child. The child stops when
the bot closes its stdin (SIGTERM: the batch in hand is finished first) and dies with the bot (SIGKILL: the kernel
kills it too, so a transaction in flight is rolled back as it would be in the bot's own process, never committed
after a restarted bot has gone on storing that member's later clicks).
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import astuple
from typing import TYPE_CHECKING, Any, BinaryIO

from bot.errors import ReaderBotError
from bot.polls.retry import RetryPolicy, RetryStats, StorageBusy
from bot.polls.voting import WARM_UP_CLICK, VoteRequest, VoteResult
from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.polls.writer import VoteWriter

log = logging.getLogger(__name__)

_LENGTH = struct.Struct(">I")


class VoteStoreRestarted(StorageBusy):
    """The vote writer's process stopped while it held the click; whether the vote was stored is not known."""


def encode(message: object) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


async def read_message(reader: asyncio.StreamReader) -> Any:
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    return pickle.loads(await reader.readexactly(length))


def portable(error: Exception) -> Exception:
    """The error as the bot can unpickle it: the project's own errors as they are, a driver's as a RuntimeError."""
    if isinstance(error, ReaderBotError):
        return error
    return RuntimeError(f"{type(error).__name__}: {error}")


class ProcessVoteWriter:
    """A VoteWriter whose work is done by `python -m bot.polls.writer_process` (see the module docstring)."""

    def __init__(self, database: Database, policy: RetryPolicy = RetryPolicy()) -> None:
        self.database = database
        self.url = database.url
        self.policy = policy
        self.engine_kwargs = dict(database.engine_kwargs)
        self.stats = RetryStats()
        self.in_process: VoteWriter | None = None  # the writer used instead when the process cannot start
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._child_stats = RetryStats()  # the current child's, already added to `stats`
        self._one_at_a_time = asyncio.Lock()

    async def _child(self) -> asyncio.subprocess.Process:
        if self._process is not None and self._process.returncode is None:
            return self._process
        if self._process is not None:
            self.restarts += 1
            log.warning("the vote writer's process ended (%s); starting another", self._process.returncode)
        # The URL (it may hold a password) goes down the pipe, not on the command line where `ps` shows it.
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.polls.writer_process", str(os.getpid()),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        assert process.stdin is not None
        process.stdin.write(encode((self.url, self.policy, self.engine_kwargs)))
        self._process, self._child_stats = process, RetryStats()
        return process

    async def _call(self, operation: str, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        async with self._one_at_a_time:
            process = await self._child()
            assert process.stdin is not None and process.stdout is not None
            answered = False
            try:
                process.stdin.write(encode((operation, list(requests))))
                await process.stdin.drain()
                outcome, payload, stats = await read_message(process.stdout)
                answered = True
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                await self._forget(process)
                raise VoteStoreRestarted("the vote store stopped while storing this click") from error
            finally:
                if not answered and self._process is process:  # this wait was cancelled: the pipe may yet hold its
                    process.kill()  # answer, so the next batch starts afresh
                    self._process = None
        self._add_stats(RetryStats(*stats))
        if outcome == "error":
            raise payload
        return payload

    async def _forget(self, process: asyncio.subprocess.Process) -> None:
        """A child that stopped answering: gone for good (killed if need be), the next batch starts another."""
        if process.returncode is None:
            process.kill()
        code = await process.wait()
        if self._process is process:
            self._process = None
            self.restarts += 1
            log.warning("the vote writer's process ended (%s) while it held a batch; starting another", code)

    def _add_stats(self, child: RetryStats) -> None:
        self.stats.attempts += child.attempts - self._child_stats.attempts
        self.stats.retries += child.retries - self._child_stats.retries
        self.stats.failures += child.failures - self._child_stats.failures
        self._child_stats = child

    async def write(self, requests: Sequence[VoteRequest]) -> list[VoteResult]:
        if self.in_process is not None:
            return await self.in_process.write(requests)
        return await self._call("write", requests)

    async def warm_up(self, requests: Sequence[VoteRequest] = (WARM_UP_CLICK,)) -> list[VoteResult]:
        """The process started and its connection opened. If it cannot start (it died before answering), votes are
        stored in the bot's own process instead, as they were before there was one: slower under load, but stored."""
        if self.in_process is not None:
            return await self.in_process.warm_up(requests)
        try:
            return await self._call("warm_up", requests)
        except VoteStoreRestarted:
            from bot.polls.writer import vote_writer_for

            log.error("the vote writer's process could not start (its error is in the log above); votes are stored "
                      "in the bot's own process instead")
            self.in_process = vote_writer_for(self.database, self.policy)
            self.stats = self.in_process.stats
            return await self.in_process.warm_up(requests)

    async def _stop_child(self, process: asyncio.subprocess.Process, timeout: float = 10.0) -> None:
        """Close its stdin (it finishes what it holds, closes its connection and exits); kill it if it will not."""
        if process.returncode is None:
            assert process.stdin is not None
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
                raise

    async def close(self) -> None:
        if self.in_process is not None:
            await self.in_process.close()
        async with self._one_at_a_time:
            if self._process is not None:
                try:
                    await self._stop_child(self._process)
                except asyncio.TimeoutError:
                    log.warning("the vote writer's process did not stop in time and was killed")


# ----- the child ---------------------------------------------------------------------------------------------------


async def serve(stdout: BinaryIO) -> None:
    from bot.polls.writer import vote_writer_for

    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), os.fdopen(0, "rb", buffering=0))
    url, policy, engine_kwargs = await read_message(stdin)
    database = Database(url, **engine_kwargs)
    writer = vote_writer_for(database, policy)
    try:
        while True:
            try:
                operation, requests = await read_message(stdin)
            except asyncio.IncompleteReadError:
                return  # the bot closed the pipe: it is stopping
            try:
                results = await (writer.write(requests) if operation == "write" else writer.warm_up(requests))
                answer = ("ok", results, astuple(writer.stats))
            except Exception as error:  # the bot decides what a failed batch means
                answer = ("error", portable(error), astuple(writer.stats))
            stdout.write(encode(answer))
            stdout.flush()
    finally:
        await writer.close()
        await database.dispose()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with(parent: int) -> None:
    """Be killed the moment the bot's process ends, however it ends (Linux: PR_SET_PDEATHSIG); elsewhere a thread
    notices within 50 ms that the parent is gone."""
    try:
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            if os.getppid() != parent:  # it ended before the request took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.05)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> int:
    die_with(int(sys.argv[1]))
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing else may write into the pipe the answers go down
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C reaches the bot, which closes the pipe
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)-7s %(name)s (vote writer): %(message)s")
    asyncio.run(serve(stdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
