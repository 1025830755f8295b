"""The backend's own vote writer (SQLite file, PostgreSQL) against the session writer, and their warm-up."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqlalchemy import delete, select

from bot.errors import NotFound
from bot.polls.retry import StorageBusy
from bot.polls.writer import SessionVoteWriter, vote_writer_for
from bot.polls.writer_process import ProcessVoteWriter, VoteStoreRestarted, portable
from bot.polls.voting import VoteOutcome, VoteReceipt, VoteRequest
from bot.storage.database import Database
from bot.storage.models import PollState, Vote, utcnow
from tests.polls.conftest import GUILD, OTHER_GUILD, MakePoll


async def _rows(database: Database) -> dict[tuple[int, int], tuple[int, int]]:
    async with database.session() as session:
        rows = (await session.execute(select(Vote.poll_id, Vote.member_id, Vote.option_id, Vote.guild_id,
                                             Vote.created_at, Vote.updated_at))).all()
    assert all(abs((row.updated_at - utcnow()).total_seconds()) < 60 and row.created_at <= row.updated_at for row in rows)
    return {(row.poll_id, row.member_id): (row.option_id, row.guild_id) for row in rows}


async def test_the_backends_writer_and_the_session_writer_agree(database: Database, make_poll: MakePoll) -> None:
    """Same clicks (changes, withdrawals, closed and foreign polls, forged ids), same receipts, same rows: the
    backend's writer in the bot's process, in a process of its own, and the session writer."""
    polls = [await make_poll(position=n) for n in range(2)]
    closed = await make_poll(position=2, state=PollState.CLOSED)
    foreign = await make_poll(position=3, guild_id=OTHER_GUILD)
    rng = random.Random(11)
    batches = []
    for _ in range(40):
        batch = []
        for _ in range(rng.randrange(1, 8)):
            poll = rng.choice(polls + [closed, foreign])
            batch.append(VoteRequest(GUILD, poll.poll_id, rng.choice(poll.option_ids), rng.randrange(6)))
        batches.append(batch)
    batches.append([VoteRequest(GUILD, polls[0].poll_id, 2**62, 1)])  # a forged option id
    stored, receipts = [], []
    writers = (vote_writer_for(database), vote_writer_for(database, separate_process=True), SessionVoteWriter(database))
    for writer in writers:
        outcomes = []
        for batch in batches:
            outcomes += [r.outcome if isinstance(r, VoteReceipt) else type(r).__name__ for r in await writer.write(batch)]
        await writer.close()
        stored.append(await _rows(database))
        receipts.append(outcomes)
        async with database.session() as session:
            await session.execute(delete(Vote))
    assert type(writers[0]).__name__ != "SessionVoteWriter" and isinstance(writers[1], ProcessVoteWriter)
    assert stored[0] == stored[1] == stored[2] and len(stored[0]) > 5
    assert receipts[0] == receipts[1] == receipts[2]
    assert {"PollClosed", "NotFound", VoteOutcome.CHANGED, VoteOutcome.WITHDRAWN} <= set(receipts[0])


async def test_a_warm_up_applies_its_clicks_and_leaves_nothing_behind(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    click = VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 7)
    writer = vote_writer_for(database)
    try:
        (default,) = await writer.warm_up()
        assert isinstance(default, NotFound)  # the default click is on no poll
        (warmed,) = await writer.warm_up([click])
        assert isinstance(warmed, VoteReceipt) and warmed.outcome == VoteOutcome.RECORDED
        assert await _rows(database) == {}
        (real,) = await writer.write([click])
        assert isinstance(real, VoteReceipt) and real.outcome == VoteOutcome.RECORDED  # not a withdrawal
        assert await _rows(database) == {(poll.poll_id, 7): (poll.option_ids[0], GUILD)}
    finally:
        await writer.close()


async def test_the_postgresql_warm_up_prepares_the_vote_statements(database: Database) -> None:
    """On PostgreSQL the first click must not pay for preparing statements: the warm-up prepares all three on the
    connection the writer keeps (on SQLite it opens the writer's connection)."""
    writer = vote_writer_for(database)
    try:
        await writer.warm_up()
        if database.is_sqlite:
            assert writer._connection is not None  # type: ignore[attr-defined]
            return
        from bot.polls.pg_writer import READ_OPTIONS, READ_POLLS_WITH_VOTES, WRITE_VOTES

        prepared = {row[0] for row in await writer._driver.fetch("SELECT statement FROM pg_prepared_statements")}  # type: ignore[attr-defined]
        assert {READ_POLLS_WITH_VOTES, READ_OPTIONS, WRITE_VOTES} <= prepared
    finally:
        await writer.close()


async def test_a_forged_poll_id_beyond_the_columns_range_is_refused_without_failing_the_batch(
    database: Database, make_poll: MakePoll
) -> None:
    """Custom ids carry ids up to 2**63 - 1; the poll ids are 32-bit columns. The writer's read must not choke on
    one (the session writer's IN list did on PostgreSQL, failing the whole batch)."""
    poll = await make_poll()
    writer = vote_writer_for(database)
    try:
        forged, real = await writer.write([VoteRequest(GUILD, 2**63 - 1, 1, 1), VoteRequest(GUILD, poll.poll_id, poll.option_ids[1], 1)])
    finally:
        await writer.close()
    assert isinstance(forged, NotFound)
    assert isinstance(real, VoteReceipt) and real.outcome == VoteOutcome.RECORDED


async def test_the_vote_writer_process_is_started_again_after_it_died(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    writer = vote_writer_for(database, separate_process=True)
    assert isinstance(writer, ProcessVoteWriter)
    try:
        await writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 1)])
        assert writer._process is not None
        writer._process.kill()
        await writer._process.wait()
        (second,) = await writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[1], 2)])
    finally:
        await writer.close()
    assert isinstance(second, VoteReceipt) and second.outcome == VoteOutcome.RECORDED
    assert writer.restarts == 1
    assert await _rows(database) == {(poll.poll_id, 1): (poll.option_ids[0], GUILD), (poll.poll_id, 2): (poll.option_ids[1], GUILD)}


async def test_a_click_held_by_a_writer_process_that_dies_is_refused_and_not_applied_again(
    database: Database, make_poll: MakePoll
) -> None:
    """Whether the dead process stored it is not known, so the click is refused rather than sent again (a second
    "vote for A" would withdraw the first); the next click is stored by a new process."""
    poll = await make_poll()
    writer = vote_writer_for(database, separate_process=True)
    assert isinstance(writer, ProcessVoteWriter)
    try:
        await writer.warm_up()
        assert writer._process is not None
        os.kill(writer._process.pid, signal.SIGSTOP)  # it cannot read the click before it dies
        held = asyncio.create_task(writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 1)]))
        await asyncio.sleep(0.2)
        assert not held.done()
        writer._process.kill()
        with pytest.raises(VoteStoreRestarted):
            await held
        (later,) = await writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[1], 2)])
    finally:
        await writer.close()
    assert isinstance(later, VoteReceipt) and later.outcome == VoteOutcome.RECORDED
    assert await _rows(database) == {(poll.poll_id, 2): (poll.option_ids[1], GUILD)}


async def test_the_vote_writer_process_ends_when_the_bot_closes_it(database: Database) -> None:
    writer = vote_writer_for(database, separate_process=True)
    assert isinstance(writer, ProcessVoteWriter)
    await writer.warm_up()
    process = writer._process
    assert process is not None and process.returncode is None
    await writer.close()
    assert process.returncode == 0  # it closed its connection and exited on its own, not killed


def test_errors_cross_the_pipe_as_the_bot_can_read_them() -> None:
    busy = StorageBusy("the database is busy")
    assert portable(busy) is busy  # the batcher refuses a whole batch on this one
    driver_error = portable(ValueError("a driver's own error"))
    assert isinstance(driver_error, RuntimeError) and str(driver_error) == "ValueError: a driver's own error"


def test_the_vote_writer_process_dies_with_the_bot(tmp_path: Path) -> None:
    """A bot killed with SIGKILL cannot close the pipe in time to matter: the writer must not live on and commit the
    batch it holds after a restarted bot has stored that member's later clicks."""
    script = tmp_path / "bot.py"
    script.write_text(
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-m', 'bot.polls.writer_process', str(os.getpid())],"
        " stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n", encoding="utf-8")
    bot = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2])
    assert bot.stdout is not None
    writer_pid = int(bot.stdout.readline())
    _wait_until_idle(writer_pid)  # up and waiting for its first message (past die_with), however slow the machine
    assert _alive(writer_pid)
    os.kill(writer_pid, signal.SIGSTOP)  # as if busy with a batch: it will not read the end of its stdin
    bot.kill()
    bot.wait()
    deadline = time.monotonic() + 5
    while _alive(writer_pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(writer_pid)


def _wait_until_idle(pid: int, timeout: float = 30.0) -> None:
    """Until the process sleeps and its CPU time stands still for 0.3 s: it has imported everything and waits for input.
    A fixed sleep was too short on a loaded machine, and a SIGSTOP before die_with leaves a child nothing can kill."""
    deadline = time.monotonic() + timeout
    last, still = None, 0
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (fields[0], int(fields[11]) + int(fields[12]))  # state, utime + stime
        still = still + 1 if cpu == last and cpu[0] == "S" else 0
        if still >= 6:
            return
        last = cpu
        time.sleep(0.05)
    raise AssertionError(f"process {pid} never settled")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped by whoever adopted it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def test_votes_are_stored_in_the_bots_process_when_the_writer_process_cannot_start(
    database: Database, make_poll: MakePoll, caplog: pytest.LogCaptureFixture
) -> None:
    poll = await make_poll()
    writer = vote_writer_for(database, separate_process=True)
    assert isinstance(writer, ProcessVoteWriter)
    writer.engine_kwargs = {"no_such_engine_argument": 1}  # the child's engine cannot be made: it dies at start
    try:
        await writer.warm_up()
        (stored,) = await writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 3)])
    finally:
        await writer.close()
    assert writer.in_process is not None and not isinstance(writer.in_process, ProcessVoteWriter)
    assert isinstance(stored, VoteReceipt) and stored.outcome == VoteOutcome.RECORDED
    assert await _rows(database) == {(poll.poll_id, 3): (poll.option_ids[0], GUILD)}
    assert "could not start" in caplog.text


async def test_a_cancelled_wait_for_the_writer_process_leaves_the_next_batch_a_fresh_one(
    database: Database, make_poll: MakePoll
) -> None:
    """Cancelled while the child held a batch (the bot stopping mid-click), its answer may still come down the pipe:
    the next batch must not read it as its own."""
    poll = await make_poll()
    writer = vote_writer_for(database, separate_process=True)
    assert isinstance(writer, ProcessVoteWriter)
    try:
        await writer.warm_up()
        first = writer._process
        assert first is not None
        os.kill(first.pid, signal.SIGSTOP)
        held = asyncio.create_task(writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[0], 1)]))
        await asyncio.sleep(0.2)
        held.cancel()
        with pytest.raises(asyncio.CancelledError):
            await held
        (later,) = await writer.write([VoteRequest(GUILD, poll.poll_id, poll.option_ids[1], 2)])
    finally:
        await writer.close()
    assert writer._process is not first
    assert isinstance(later, VoteReceipt) and later.outcome == VoteOutcome.RECORDED and later.request.member_id == 2
