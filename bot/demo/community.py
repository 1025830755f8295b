"""A simulated community: members who join, vote (and change their minds), answer open questions and chat.

Two halves. `plan_article` is pure: from an article's polls and the members it decides, with a seeded random
generator, who does what and when (a `MemberScript` of timed `Step`s per member) and what the result must be
(a `Ledger`: each member's final vote and answer). `CommunityRunner` plays the scripts against the sandbox as
members' Discord clients would (button clicks, the answer form, messages in the thread) and counts what
happened. At the end the demo compares the ledger with the bot's summary: every click must have landed.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.demo.texts import AnswerWriter, answer_pool, chat_lines, member_names
from bot.sandbox import Channel, Guild, InteractionHandle, Member, Message, Sandbox

VOTE_PREFIX = "rb:vote:"
ANSWER_PREFIX = "rb:answer:"
NATIVE_PREFIX = "native:"
UNSURE_LABELS = frozenset({"not sure", "weiß nicht", "unsure", "don't know", "keine ahnung", "egal"})
RESPONSE_TIMEOUT = 8.0  # the bot must answer every action within this (Discord allows 3 s for the first reply)

StepKind = Literal["vote", "answer", "chat"]


@dataclass(frozen=True)
class PollTarget:
    """A poll as members see it: its message and the buttons on it."""

    poll_id: int
    message: Message
    question: str
    options: tuple[tuple[str, str], ...]  # (custom_id, label) of the vote buttons, in order
    answer_custom_id: str | None  # the "Answer" button of an open question
    native: bool = False  # Discord's own poll: options are ("native:<answer id>", text); members vote in it

    @property
    def is_open_question(self) -> bool:
        return self.answer_custom_id is not None


def _plain_question(content: str) -> str:
    """The question from a poll message's content (`**question**`, markdown-escaped)."""
    text = content.strip()
    if text.startswith("**") and text.endswith("**") and len(text) >= 4:
        text = text[2:-2]
    return re.sub(r"\\(.)", r"\1", text).strip()


def _buttons(message: Message) -> list[dict]:
    found = []
    for row in message.components:
        for component in row.get("components") or [row]:
            if component.get("type") == 2 and component.get("custom_id"):
                found.append(component)
    return found


def poll_targets(messages: Iterable[Message], native_poll_ids: Mapping[str, int] | None = None) -> list[PollTarget]:
    """The poll messages among `messages` (recognised by the bot's button ids, or, for Discord's own polls, by
    their question in `native_poll_ids`: question -> poll id), in message order."""
    targets = []
    for message in messages:
        if message.poll and native_poll_ids and message.poll["question"].get("text") in native_poll_ids:
            question = message.poll["question"]["text"]
            targets.append(PollTarget(
                poll_id=native_poll_ids[question], message=message, question=question,
                options=tuple((f"{NATIVE_PREFIX}{a['answer_id']}", str(a["poll_media"].get("text") or ""))
                              for a in message.poll["answers"]),
                answer_custom_id=None, native=True))
            continue
        buttons = _buttons(message)
        votes = [b for b in buttons if b["custom_id"].startswith(VOTE_PREFIX)]
        answers = [b for b in buttons if b["custom_id"].startswith(ANSWER_PREFIX)]
        if not votes and not answers:
            continue
        first = (votes or answers)[0]["custom_id"]
        poll_id = int(first.removeprefix(VOTE_PREFIX if votes else ANSWER_PREFIX).split(":")[0])
        targets.append(PollTarget(
            poll_id=poll_id,
            message=message,
            question=_plain_question(message.content),
            options=tuple((b["custom_id"], str(b.get("label") or "")) for b in votes),
            answer_custom_id=answers[0]["custom_id"] if answers else None,
        ))
    return targets


@dataclass(frozen=True)
class Persona:
    """How a member behaves: how often they take part, change their mind, write, chat."""

    name: str
    locale: str
    engagement: float  # chance to vote in a poll
    writer: float  # chance to answer an open question
    fickle: float  # chance to change a vote later
    chatty: float  # chance to write in an article's thread


def make_personas(count: int, rng: random.Random) -> list[Persona]:
    personas = []
    for name, locale in member_names(count, rng):
        engagement = rng.uniform(0.55, 0.97)
        personas.append(Persona(
            name=name,
            locale=locale,
            engagement=engagement,
            writer=rng.uniform(0.25, 0.8) * engagement,
            fickle=rng.choice((0.0, 0.0, 0.05, 0.15, 0.3)),
            chatty=rng.choice((0.0, 0.1, 0.2, 0.45)),
        ))
    return personas


@dataclass(frozen=True, order=True)
class Step:
    at: float  # seconds after the article's activity window opened
    kind: StepKind
    poll_id: int = 0
    custom_id: str = ""
    label: str = ""  # the option clicked
    text: str = ""  # answer or chat message


@dataclass
class MemberScript:
    member: str
    steps: list[Step] = field(default_factory=list)


@dataclass
class Ledger:
    """What the community did, in final state: the bot's summary must show exactly this."""

    votes: dict[int, dict[str, str]] = field(default_factory=dict)  # poll -> member -> option label
    answers: dict[int, dict[str, str]] = field(default_factory=dict)  # poll -> member -> text
    chat: Counter[str] = field(default_factory=Counter)  # member -> thread messages

    def option_counts(self, poll_id: int) -> Counter[str]:
        return Counter(self.votes.get(poll_id, {}).values())

    def answer_count(self, poll_id: int) -> int:
        return len(self.answers.get(poll_id, {}))

    @property
    def voters(self) -> int:
        """Distinct members with a vote or an answer in any poll of the article (the summary's definition)."""
        members: set[str] = set()
        for chosen in list(self.votes.values()) + list(self.answers.values()):
            members.update(chosen)
        return len(members)

    def apply(self, member: str, step: Step) -> str | None:
        """Replay one step as the bot counts it; returns "recorded"/"changed"/"withdrawn"/"stored"/"replaced"."""
        if step.kind == "vote":
            chosen = self.votes.setdefault(step.poll_id, {})
            previous = chosen.get(member)
            if previous == step.label:
                del chosen[member]
                return "withdrawn"
            chosen[member] = step.label
            return "recorded" if previous is None else "changed"
        if step.kind == "answer":
            written = self.answers.setdefault(step.poll_id, {})
            replaced = member in written
            written[member] = step.text
            return "replaced" if replaced else "stored"
        self.chat[member] += 1
        return None


@dataclass
class ArticlePlan:
    scripts: list[MemberScript]
    ledger: Ledger
    themes: dict[int, Counter[str]]  # poll -> theme -> answers written with it (what the summary should find)

    @property
    def step_count(self) -> int:
        return sum(len(s.steps) for s in self.scripts)


def _option_weights(options: Sequence[tuple[str, str]], rng: random.Random) -> list[float]:
    """A community's leaning on one poll: some options clearly ahead, "not sure" rarely chosen."""
    weights = []
    for _, label in options:
        weight = rng.gammavariate(1.6, 1.0) + 0.3  # every option convinces somebody
        if label.strip().casefold() in UNSURE_LABELS:
            weight *= 0.3
        weights.append(weight)
    return weights


def plan_article(title: str, language: str, targets: Sequence[PollTarget], personas: Sequence[Persona],
                 rng: random.Random, window: float) -> ArticlePlan:
    """Who votes, changes, withdraws, answers and chats on one article, within `window` seconds."""
    scripts = {p.name: MemberScript(p.name) for p in personas}
    themes: dict[int, Counter[str]] = {}
    for target in targets:
        if target.is_open_question:
            writer = AnswerWriter(answer_pool(target.question, language), rng)
            counted: Counter[str] = Counter()
            for persona in personas:
                if rng.random() >= persona.writer:
                    continue
                theme, text = writer.write()
                counted[theme] += 1
                scripts[persona.name].steps.append(
                    Step(rng.uniform(0.1, 0.7) * window, "answer", target.poll_id, target.answer_custom_id or "",
                         text=text))
                if rng.random() < 0.06:  # thinks again and rewrites the answer
                    theme, text = writer.write()
                    scripts[persona.name].steps.append(
                        Step(rng.uniform(0.72, 0.82) * window, "answer", target.poll_id,
                             target.answer_custom_id or "", text=text))
            themes[target.poll_id] = counted
            continue
        if not target.options:
            continue
        weights = _option_weights(target.options, rng)
        for persona in personas:
            if rng.random() >= persona.engagement:
                continue
            custom_id, label = rng.choices(target.options, weights)[0]
            script = scripts[persona.name]
            script.steps.append(Step(rng.uniform(0.03, 0.5) * window, "vote", target.poll_id, custom_id, label))
            roll = rng.random()
            if roll < persona.fickle and len(target.options) > 1:  # changes their mind
                others = [o for o in target.options if o[0] != custom_id]
                other_id, other_label = rng.choice(others)
                script.steps.append(Step(rng.uniform(0.55, 0.8) * window, "vote", target.poll_id, other_id,
                                         other_label))
            elif roll < persona.fickle + 0.03:  # takes the vote back
                script.steps.append(Step(rng.uniform(0.55, 0.8) * window, "vote", target.poll_id, custom_id, label))
    lines = list(chat_lines(title, language))
    rng.shuffle(lines)
    for persona in personas:
        if not lines:
            break
        if rng.random() < persona.chatty:
            scripts[persona.name].steps.append(Step(rng.uniform(0.0, 0.85) * window, "chat", text=lines.pop()))
    ledger = Ledger()
    for script in scripts.values():
        script.steps.sort()
        for step in script.steps:
            ledger.apply(script.member, step)
    return ArticlePlan([s for s in scripts.values() if s.steps], ledger, themes)


@dataclass
class ActivityStats:
    """Counters for the progress display and the closing line."""

    clicks: int = 0
    votes: int = 0
    changes: int = 0
    withdrawals: int = 0
    answers: int = 0
    rewrites: int = 0
    chat: int = 0
    joined: int = 0
    failures: list[str] = field(default_factory=list)


class CommunityRunner:
    """Plays member scripts in the sandbox: clicks, answer forms and thread messages, as members' clients would."""

    def __init__(self, sandbox: Sandbox, guild: Guild, personas: Sequence[Persona]) -> None:
        self.sandbox = sandbox
        self.guild = guild
        self.personas = {p.name: p for p in personas}
        self.members: dict[str, Member] = {}
        self.stats = ActivityStats()
        self._current_votes: dict[tuple[int, int], str | None] = {}  # (member, poll) -> button of their vote

    def join(self, personas: Iterable[Persona]) -> list[Member]:
        """These members join the server now (the bot sees GUILD_MEMBER_ADD where its intents allow)."""
        joined = []
        for persona in personas:
            if persona.name in self.members:
                continue
            member = self.sandbox.add_member(self.guild, persona.name, locale=persona.locale)
            self.members[persona.name] = member
            joined.append(member)
        self.stats.joined = len(self.members)
        return joined

    async def run(self, plan: ArticlePlan, thread: Channel, targets: Sequence[PollTarget]) -> None:
        """Play every member's script from now on; members act in parallel, each one's steps in order."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        by_poll = {t.poll_id: t for t in targets}
        await asyncio.gather(*(self._play(script, start, thread, by_poll) for script in plan.scripts))

    async def _play(self, script: MemberScript, start: float, thread: Channel,
                    targets: dict[int, PollTarget]) -> None:
        loop = asyncio.get_running_loop()
        member = self.members[script.member]
        for step in script.steps:
            delay = start + step.at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                if step.kind == "chat":
                    await self.sandbox.member_send_message(member, thread, step.text)
                    self.stats.chat += 1
                elif step.kind == "vote":
                    await self._vote(member, targets[step.poll_id], step)
                else:
                    await self._answer(member, targets[step.poll_id], step)
            except Exception as error:  # noqa: BLE001 - every failed action is reported, none stops the others
                self.stats.failures.append(f"{script.member} {step.kind} on poll {step.poll_id}: "
                                           f"{type(error).__name__}: {error}")

    async def _answered(self, handle: InteractionHandle) -> InteractionHandle:
        await handle.wait_response(RESPONSE_TIMEOUT)
        if handle.rejected:
            raise RuntimeError(f"the sandbox refused the bot's answer: {handle.rejected}")
        return handle

    async def _vote(self, member: Member, target: PollTarget, step: Step) -> None:
        chosen = self._current_votes.get((member.id, target.poll_id))
        if target.native:  # in Discord's poll: picking your own answer again removes the vote, as in the ledger
            if chosen == step.custom_id:
                self.sandbox.unvote_native(member, target.message)
            else:
                self.sandbox.vote_native(member, target.message, [int(step.custom_id.removeprefix(NATIVE_PREFIX))])
        else:
            handle = await self.sandbox.click_button(member, target.message, step.custom_id)
            await self._answered(handle)
        self.stats.clicks += 1
        if chosen == step.custom_id:
            self.stats.withdrawals += 1
            self._current_votes[(member.id, target.poll_id)] = None
        else:
            if chosen is None:
                self.stats.votes += 1
            else:
                self.stats.changes += 1
            self._current_votes[(member.id, target.poll_id)] = step.custom_id

    async def _answer(self, member: Member, target: PollTarget, step: Step) -> None:
        assert target.answer_custom_id is not None
        click = await self.sandbox.click_button(member, target.message, target.answer_custom_id)
        self.stats.clicks += 1
        await self._answered(click)
        if click.modal is None:
            raise RuntimeError(f"the answer button opened no form; the bot said: {click.text[:200]!r}")
        fields = [key for key, component in click.modal_fields.items() if component.get("type") == 4]
        if len(fields) != 1:
            raise RuntimeError(f"expected one text field in the answer form, found {fields}")
        had_answer = bool(click.modal_fields[fields[0]].get("value"))
        submit = await self.sandbox.submit_modal(member, str(click.modal["custom_id"]), {fields[0]: step.text})
        await self._answered(submit)
        if had_answer:
            self.stats.rewrites += 1
        else:
            self.stats.answers += 1
