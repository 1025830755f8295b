"""Members voting the way people do, and the ground truth to check the database against.

    polls = await seed_polls(database_url, sandbox, guild, channel, bot_account, polls=4)
    driver = VoteDriver(sandbox, rate=400)
    await driver.run(plan_votes(members, polls, random.Random(7)))
    assert compare(driver, stored_votes(database_path)) == []

A member clicks, reads the ephemeral answer, and clicks again until the answer says what they wanted. The bot's
answer is the member's only knowledge: "recorded X" or "changed to X" means X is their vote, "withdrawn" means
none. A click the bot never answers (it was killed, Discord's 3 seconds ran out, the gateway dropped it) is
*lost* to the member, who clicks again once the bot is back; whether the lost click was stored is unknown, but
the next answer tells. So whatever faults happen, the database must hold exactly what each member was last
told (`VoteDriver.told`), and that must be what they meant to vote (`final_targets`). A click stored without
being acknowledged and then counted again (a replayed or duplicated interaction applied twice) shows up as a
difference, because with toggle semantics a second application withdraws or changes the vote.

Clicks of one member on one poll are strictly sequential (the next only after the previous was answered or
is known to be lost), so "last told" is well defined. Used by tests/reliability and benchmarks/soak.py.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.cogs.i18n import MESSAGES
from bot.sandbox import Sandbox
from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.interactions import InteractionHandle
from bot.sandbox.message_state import Message
from bot.sandbox.state import Channel, Guild, Member

Target = int | None  # an option id, or None for "no vote"


# ----- polls -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeededPoll:
    """A poll whose message members can click: its id, its options (ids and labels, in order), its message."""

    poll_id: int
    option_ids: tuple[int, ...]
    labels: tuple[str, ...]
    message: Message

    def label_of(self, option_id: int) -> str:
        return self.labels[self.option_ids.index(option_id)]

    def option_of(self, label: str) -> int | None:
        return self.option_ids[self.labels.index(label)] if label in self.labels else None

    def custom_id(self, option_id: int) -> str:
        return f"rb:vote:{self.poll_id}:{option_id}"


async def seed_polls(
    database_url: str,
    sandbox: Sandbox,
    guild: Guild,
    channel: Channel,
    bot_account: BotAccount,
    *,
    polls: int,
    options: int = 3,
    title: str = "Reliability",
    results: str = "live",
) -> list[SeededPoll]:
    """An article with `polls` open choice polls whose messages the bot "posted" (outbox rows included), the way
    the publisher leaves them, in a migrated database the bot process will open."""
    from bot.cogs.poll_views import render_poll_message
    from bot.polls.tally import load_poll_snapshot
    from bot.questions.model import PollKind
    from bot.storage.database import Database
    from bot.storage.migrate import upgrade_to_head_async
    from bot.storage.models import Article, DiscordPost, GuildSettings, Poll, PollOption, PollState, PostState, utcnow

    await upgrade_to_head_async(database_url)
    database = Database(database_url)
    seeded: list[SeededPoll] = []
    try:
        async with database.session() as session:
            if await session.get(GuildSettings, guild.id) is None:
                session.add(GuildSettings(guild_id=guild.id, results_visibility=results))
            article = Article(guild_id=guild.id, channel_id=channel.id, entry_id=f"{title}-{channel.id}",
                              url=f"https://blog.example/{title.lower()}-{channel.id}", title=title, text_hash="0" * 64,
                              language="en")
            session.add(article)
            await session.flush()
            rows = []
            for position in range(polls):
                poll = Poll(article_id=article.id, guild_id=guild.id, position=position, question=f"{title} question {position + 1}?",
                            kind=PollKind.CHOICE, language="en", anonymous=True, duration_seconds=86400.0,
                            closes_at=utcnow() + timedelta(days=1), state=PollState.OPEN)
                poll.options = [PollOption(position=index, label=f"Option {chr(65 + index)}") for index in range(options)]
                session.add(poll)
                rows.append(poll)
            await session.flush()
            poll_ids = [poll.id for poll in rows]
        for poll_id in poll_ids:
            async with database.session() as session:
                snapshot = await load_poll_snapshot(session, poll_id)
            assert snapshot is not None
            content, embed, view = render_poll_message(snapshot)
            message = sandbox.create_message(channel, bot_account.user, {
                "content": content, "embeds": [embed.to_dict()], "components": view.to_components(),
                "allowed_mentions": {"parse": []},
            }, application_id=bot_account.application_id)
            async with database.session() as session:
                session.add(DiscordPost(key=f"poll:{poll_id}", guild_id=guild.id, article_id=snapshot.article_id,
                                        poll_id=poll_id, channel_id=channel.id, message_id=message.id,
                                        nonce=f"seed{poll_id}", state=PostState.SENT, sent_at=utcnow()))
            seeded.append(SeededPoll(poll_id, tuple(o.option_id for o in snapshot.options),
                                     tuple(o.label for o in snapshot.options), message))
    finally:
        await database.dispose()
    return seeded


async def seed_open_question(
    database_url: str, sandbox: Sandbox, guild: Guild, channel: Channel, bot_account: BotAccount, *, question: str = "What would you build?"
) -> tuple[int, Message]:
    """An open question (written answers) posted like `seed_polls` does; returns its poll id and message."""
    from bot.cogs.poll_views import render_poll_message
    from bot.polls.tally import load_poll_snapshot
    from bot.questions.model import PollKind
    from bot.storage.database import Database
    from bot.storage.models import Article, DiscordPost, Poll, PollState, PostState, utcnow

    database = Database(database_url)
    try:
        async with database.session() as session:
            article = Article(guild_id=guild.id, channel_id=channel.id, entry_id=f"open-{channel.id}",
                              url=f"https://blog.example/open-{channel.id}", title="Open", text_hash="1" * 64, language="en")
            session.add(article)
            await session.flush()
            poll = Poll(article_id=article.id, guild_id=guild.id, position=0, question=question, kind=PollKind.OPEN,
                        language="en", anonymous=True, duration_seconds=86400.0, closes_at=utcnow() + timedelta(days=1),
                        state=PollState.OPEN)
            session.add(poll)
            await session.flush()
            poll_id, article_id = poll.id, article.id
        async with database.session() as session:
            snapshot = await load_poll_snapshot(session, poll_id)
        assert snapshot is not None
        content, embed, view = render_poll_message(snapshot)
        message = sandbox.create_message(channel, bot_account.user, {
            "content": content, "embeds": [embed.to_dict()], "components": view.to_components(),
            "allowed_mentions": {"parse": []},
        }, application_id=bot_account.application_id)
        async with database.session() as session:
            session.add(DiscordPost(key=f"poll:{poll_id}", guild_id=guild.id, article_id=article_id, poll_id=poll_id,
                                    channel_id=channel.id, message_id=message.id, nonce=f"seed{poll_id}",
                                    state=PostState.SENT, sent_at=utcnow()))
    finally:
        await database.dispose()
    return poll_id, message


def polls_from_messages(messages: Iterable[Message]) -> list[SeededPoll]:
    """The vote polls among messages the bot posted (open questions, which take no votes, are left out)."""
    found = []
    for message in messages:
        buttons = [c for row in message.components for c in row.get("components", []) if str(c.get("custom_id", "")).startswith("rb:vote:")]
        if not buttons:
            continue
        poll_id = int(buttons[0]["custom_id"].split(":")[2])
        found.append(SeededPoll(poll_id, tuple(int(b["custom_id"].split(":")[3]) for b in buttons),
                                tuple(str(b["label"]) for b in buttons), message))
    return found


# ----- what the bot says ------------------------------------------------------------------------------------------


def _template_pattern(template: str) -> str:
    """A message template as a regex: {option} and {previous} become groups (repeats must match the same text)."""
    out, seen = [], set()
    for part in re.split(r"(\{option\}|\{previous\})", template):
        if part in ("{option}", "{previous}"):
            name = part[1:-1]
            out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        else:
            out.append(re.escape(part))
    return "".join(out)


_OUTCOMES = {
    kind: [re.compile(_template_pattern(text)) for text in MESSAGES[f"vote.{kind}"].values()]
    for kind in ("recorded", "changed", "withdrawn")
}
_BUSY = set(MESSAGES["vote.busy"].values())
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Outcome:
    kind: str  # recorded | changed | withdrawn | busy | other
    label: str | None = None
    text: str = ""


def read_outcome(text: str) -> Outcome:
    """What the member learns from the bot's answer to a click."""
    for kind, patterns in _OUTCOMES.items():
        for pattern in patterns:
            match = pattern.fullmatch(text)
            if match:
                return Outcome(kind, _MARKDOWN_ESCAPE.sub(r"\1", match["option"]), text)
    if text in _BUSY:
        return Outcome("busy", None, text)
    return Outcome("other", None, text)


def _visible(handle: InteractionHandle) -> bool:
    if handle.callback_type is None:
        return False
    if handle.callback_type == 5:
        return bool(handle.followups) or (handle.response is not None and not handle.response.flags & 128)
    return True


# ----- the members ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intent:
    """One member's wishes on one poll, in order: e.g. [A], [A, B] (changes their mind), [A, None] (withdraws)."""

    member: Member
    poll: SeededPoll
    targets: tuple[Target, ...]

    @property
    def key(self) -> tuple[int, int]:
        return (self.poll.poll_id, self.member.user.id)


def plan_votes(
    members: Sequence[Member],
    polls: Sequence[SeededPoll],
    rng: random.Random,
    *,
    pairs: int | None = None,
    change_share: float = 0.15,
    withdraw_share: float = 0.08,
) -> list[Intent]:
    """Random (member, poll) pairs (all of them unless `pairs`), each with a first choice and sometimes a change of
    mind or a withdrawal, shuffled."""
    every = [(member, poll) for member in members for poll in polls]
    chosen = rng.sample(every, pairs) if pairs is not None else every
    intents = []
    for member, poll in chosen:
        first = rng.choice(poll.option_ids)
        roll = rng.random()
        if roll < change_share:
            targets: tuple[Target, ...] = (first, rng.choice([o for o in poll.option_ids if o != first]))
        elif roll < change_share + withdraw_share:
            targets = (first, None)
        else:
            targets = (first,)
        intents.append(Intent(member, poll, targets))
    rng.shuffle(intents)
    return intents


def final_targets(intents: Iterable[Intent]) -> dict[tuple[int, int], int]:
    """(poll, member) -> option every member meant to end with (pairs ending with no vote left out)."""
    return {intent.key: intent.targets[-1] for intent in intents if intent.targets[-1] is not None}


@dataclass(eq=False)
class Attempt:
    intent: Intent
    option_id: int
    handle: InteractionHandle
    dead: bool = False


class Disagreement(AssertionError):
    """The bot told a member something that contradicts the click (e.g. a receipt for another option)."""


@dataclass
class VoteDriver:
    """Drives intents through the sandbox at an offered `rate` of clicks per second (see the module docstring)."""

    sandbox: Sandbox
    rate: float = 300.0
    dead_after: float = 3.5  # Discord refuses a first answer after 3 s: unanswered by then means lost
    retry_pause: float = 0.2  # a member notices the failure and clicks again
    response_timeout: float = 30.0  # a deferred answer must follow within this
    max_tries: int = 40
    told: dict[tuple[int, int], Target] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    surprises: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._next_slot = 0.0
        self._outstanding: set[Attempt] = set()

    # -- faults the test causes -------------------------------------------------------------------------------

    def pause(self) -> None:
        """Members stop clicking (the bot is down and they know it)."""
        self._open.clear()

    def resume(self) -> None:
        self._open.set()

    def lost_now(self) -> list[Attempt]:
        """Clicks in flight that have no answer yet."""
        return [attempt for attempt in self._outstanding if not _visible(attempt.handle)]

    def bot_died(self) -> int:
        """The bot process is gone: every click it has not answered yet never will be. Returns how many."""
        lost = self.lost_now()
        for attempt in lost:
            attempt.dead = True
            attempt.handle.notify()
        return len(lost)

    # -- clicking -----------------------------------------------------------------------------------------------

    @property
    def answered(self) -> int:
        return self.stats["answered"]

    async def _turn(self) -> None:
        while True:
            await self._open.wait()
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate
            if slot > now:
                await asyncio.sleep(slot - now)
            if self._open.is_set():
                return

    async def _settle(self, attempt: Attempt) -> str | None:
        """The text the member saw, or None when the click is lost."""
        handle = attempt.handle
        if handle.delivered_sessions == 0:  # no gateway session took it: Discord shows "interaction failed"
            attempt.dead = True
            return None

        def settled(h: InteractionHandle) -> bool:
            return attempt.dead or _visible(h)

        remaining = handle.created_monotonic + self.dead_after - time.monotonic()
        try:
            await handle.wait(settled, max(0.001, remaining), "answer")
        except TimeoutError:
            if not handle.acknowledged:
                attempt.dead = True
            else:  # deferred: the answer follows once the vote is stored
                await handle.wait(settled, self.response_timeout, "answer after a deferred response")
        if attempt.dead and not _visible(handle):
            return None
        return handle.text

    async def reach(self, intent: Intent) -> None:
        """Click until the member was told each of their targets in turn."""
        key = intent.key
        poll = intent.poll
        for target in intent.targets:
            for _ in range(self.max_tries):
                current = self.told.get(key)
                if current == target:
                    break
                option = target if target is not None else current
                assert option is not None
                await self._turn()
                handle = self.sandbox.click_button_now(intent.member, poll.message, poll.custom_id(option))
                attempt = Attempt(intent, option, handle)
                self.attempts.append(attempt)
                self._outstanding.add(attempt)
                self.stats["clicks"] += 1
                try:
                    text = await self._settle(attempt)
                finally:
                    self._outstanding.discard(attempt)
                if text is None:
                    self.stats["lost"] += 1
                    await asyncio.sleep(self.retry_pause * (1 if handle.delivered_sessions else 3))
                    continue
                outcome = read_outcome(text)
                if outcome.kind == "busy":
                    self.stats["busy"] += 1
                    await asyncio.sleep(self.retry_pause)
                    continue
                if outcome.kind == "other" or outcome.label != poll.label_of(option):
                    raise Disagreement(f"click on {poll.label_of(option)!r} of poll {poll.poll_id} answered: {text!r}")
                self.stats["answered"] += 1
                self.stats[outcome.kind] += 1
                if outcome.kind == "withdrawn":
                    if current != option:  # the member had no vote here as far as they knew: a lost click was stored
                        self.surprises.append(f"{key}: withdrawn {outcome.label} after a lost click")
                    self.told[key] = None
                else:
                    if outcome.kind == "changed" and current == option:
                        self.surprises.append(f"{key}: changed although {outcome.label} was already the vote")
                    self.told[key] = option
            else:
                raise AssertionError(f"member {key[1]} never reached {target} on poll {key[0]} in {self.max_tries} clicks")

    async def run(self, intents: Sequence[Intent]) -> None:
        await asyncio.gather(*(self.reach(intent) for intent in intents))

    def expected_votes(self) -> dict[tuple[int, int], int]:
        """(poll, member) -> option, as the members were last told."""
        return {key: option for key, option in self.told.items() if option is not None}


# ----- the database -----------------------------------------------------------------------------------------------


def sqlite_path(database_url: str) -> Path:
    return Path(database_url.split("///", 1)[1])


def stored_votes(database_path: Path) -> dict[tuple[int, int], int]:
    """(poll, member) -> option of every vote row (a read-only connection: the bot may still be running)."""
    connection = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True, timeout=10)
    try:
        rows = connection.execute("SELECT poll_id, member_id, option_id FROM votes").fetchall()
    finally:
        connection.close()
    stored: dict[tuple[int, int], int] = {}
    for poll_id, member_id, option_id in rows:
        assert (poll_id, member_id) not in stored, f"two vote rows for member {member_id} on poll {poll_id}"
        stored[(poll_id, member_id)] = option_id
    return stored


def compare(expected: dict[tuple[int, int], int], stored: dict[tuple[int, int], int]) -> list[str]:
    """Every difference between what members were told and what the database holds, one line each."""
    lines = []
    for key in sorted(expected.keys() | stored.keys()):
        if expected.get(key) != stored.get(key):
            lines.append(f"poll {key[0]} member {key[1]}: told {expected.get(key)}, stored {stored.get(key)}")
    return lines


def tallies(votes: dict[tuple[int, int], int]) -> Counter[int]:
    """option id -> votes."""
    return Counter(votes.values())


def describe(driver: VoteDriver) -> str:
    stats = driver.stats
    return (f"clicks {stats['clicks']}, answered {stats['answered']} (recorded {stats['recorded']}, changed "
            f"{stats['changed']}, withdrawn {stats['withdrawn']}), lost {stats['lost']}, busy {stats['busy']}")
