"""What the vote benchmark checks after its run: every vote a member was told counts is stored as told, and what
reader-bot's loop watchdog logged (blocks of the event loop, garbage-collector passes).

`clicks` are benchmarks/votes.py's `Click`s: the poll, the member, and the sandbox's handle of the interaction
(what the bot answered, and when).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def confirmed(handle: Any) -> bool:
    """The member was told the click counts: a message as the response, or a follow-up after a defer.
    (A bare defer is an acknowledgement to Discord, not a confirmation to the member.)"""
    from bot.sandbox.message_state import FLAG_LOADING

    if handle.callback_type == 4 or handle.followups:
        return True
    return handle.callback_type == 5 and handle.response is not None and not handle.response.flags & FLAG_LOADING



def told_texts(labels: dict[int, dict[int, str]]) -> dict[tuple[int, str], int | None]:
    """Every answer the bot can give to a vote click, per poll: the option the member's vote is on afterwards
    (None after a withdrawal). Refusals (busy, closed) are not in it: they change nothing."""
    from bot.cogs.polls import receipt_text
    from bot.polls.voting import VoteOutcome, VoteReceipt, VoteRequest

    texts: dict[tuple[int, str], int | None] = {}
    for poll_id, options in labels.items():
        request = VoteRequest(0, poll_id, 0, 0)
        for option_id, label in options.items():
            for language in ("en", "de"):
                texts[(poll_id, receipt_text(VoteReceipt(request, VoteOutcome.RECORDED, label), language))] = option_id
                texts[(poll_id, receipt_text(VoteReceipt(request, VoteOutcome.WITHDRAWN, label), language))] = None
                for previous in options.values():
                    receipt = VoteReceipt(request, VoteOutcome.CHANGED, label, previous)
                    texts[(poll_id, receipt_text(receipt, language))] = option_id
    return texts


@dataclass
class Truth:
    expected: dict[tuple[int, int], int | None]  # (poll, member) -> the option the member was last told
    outcomes: dict[str, int]  # recorded / changed / withdrawn / refused / unanswered
    unsure: int  # pairs whose last click was not answered (or overlapped the one before): not checked


def what_members_were_told(clicks: list[Any], labels: dict[int, dict[int, str]]) -> Truth:
    """Ground truth: per (member, poll), the state the member was last told. A later unanswered click may or may
    not have been applied, so such pairs are left out (and counted)."""
    texts = told_texts(labels)
    expected: dict[tuple[int, int], int | None] = {}
    last: dict[tuple[int, int], Any] = {}
    unsure: set[tuple[int, int]] = set()
    outcomes = {"recorded": 0, "changed": 0, "withdrawn": 0, "refused": 0, "unanswered": 0}
    for click in clicks:
        key = (click.poll_id, click.member_id)
        previous = last.get(key)
        if previous is not None and (previous.handle.acked_at is None or previous.handle.acked_at > click.handle.created_at):
            unsure.add(key)  # two clicks of one member on one poll in flight at once: order unknown
        last[key] = click
        if not confirmed(click.handle):
            outcomes["unanswered"] += 1
            unsure.add(key)
            continue
        text = click.handle.content or ""
        if (click.poll_id, text) not in texts:
            outcomes["refused"] += 1
            continue
        unsure.discard(key)
        option = texts[(click.poll_id, text)]
        before = expected.get(key)
        outcomes["withdrawn" if option is None else "recorded" if before is None else "changed"] += 1
        expected[key] = option
    for key in unsure:
        expected.pop(key, None)
    return Truth(expected, outcomes, len(unsure))


async def stored_votes(database_url: str) -> dict[tuple[int, int], int]:
    from sqlalchemy import text

    from bot.storage.database import Database

    database = Database(database_url)
    try:
        async with database.session() as session:
            rows = (await session.execute(text("SELECT poll_id, member_id, option_id FROM votes"))).all()
    finally:
        await database.dispose()
    return {(poll, member): option for poll, member, option in rows}


def compare(truth: Truth, stored: dict[tuple[int, int], int]) -> tuple[int, int]:
    """(votes a member was told count that are not stored as told, withdrawals told that are still stored)."""
    missing = sum(1 for key, option in truth.expected.items() if option is not None and stored.get(key) != option)
    lingering = sum(1 for key, option in truth.expected.items() if option is None and key in stored)
    return missing, lingering


# ----- the bot's own account of its event loop --------------------------------------------------------------------

_BLOCKED = re.compile(r"event loop blocked for (?P<ms>\d+) ms \(CPU (?P<cpu>\d+) ms\)(?: by (?P<what>.*))?$")


@dataclass
class LoopBlock:
    ms: float
    cpu_ms: float
    what: str  # the first cause the watchdog named


def loop_blocks(logs: list[Path]) -> list[LoopBlock]:
    """Every 'event loop blocked' warning reader-bot logged (its loop watchdog), over all of its runs."""
    found = []
    for path in logs:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _BLOCKED.search(line)
            if match and "WARNING" in line:
                what = (match["what"] or "?").split("; ")[0].strip()
                found.append(LoopBlock(float(match["ms"]), float(match["cpu"]), what))
    return found


def describe_blocks(blocks: list[LoopBlock], threshold_ms: float = 20.0) -> list[str]:
    """How often, how long, and by what (the five commonest first causes; collector passes by generation)."""
    if not blocks:
        return ["reader-bot event loop blocked > 20 ms: 0 times"]
    own = [block for block in blocks if block.cpu_ms > threshold_ms]
    starved = sum(1 for block in blocks if block.what.startswith("waiting for a CPU"))
    lines = [f"reader-bot event loop blocked > 20 ms: {len(blocks)} times (longest {max(b.ms for b in blocks):.0f} ms); "
             f"{len(own)} of them with > {threshold_ms:g} ms of the loop's own CPU time (longest "
             f"{max((b.cpu_ms for b in own), default=0):.0f} ms), {starved} while the process waited for a CPU"]
    causes = Counter(re.sub(r" \(\d+ ms, \d+ ms CPU, \d+ objects freed\)| \(the longest of .*\)", "", b.what)
                     .split(" triggered in ")[0] for b in blocks)
    for what, count in causes.most_common(5):
        lines.append(f"  {count:5d} x {what[:160]}")
    return lines


def gc_summaries(logs: list[Path]) -> list[str]:
    """The watchdog's summary line of each run that ended with SIGTERM (collections and pauses by generation)."""
    return [line.split(": ", 1)[-1] for path in logs
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if "event loop summary" in line]
