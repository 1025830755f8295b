"""How a poll looks on Discord, and the custom ids its buttons carry.

`render_poll_message` is the single place a poll message is drawn, both when the publisher posts it and when the
polls cog refreshes or closes it. The buttons' custom ids carry the poll and the option (`rb:vote:<poll_id>:
<option_id>`, `rb:answer:<poll_id>`), so a click needs nothing but its own payload: the polls cog's
`on_interaction` listener answers every click on every poll message ever posted, across restarts.

The buttons have no callbacks, and the View that carries them is stopped before it is sent, so discord.py keeps no
View per poll message and builds none per click. A `DynamicItem` would rebuild a View of the whole message for
every click (`View.from_message`), which cost about a sixth of the bot's CPU per vote under load (issue 11).
Nothing in a custom id is trusted: the cog checks that it is on the message clicked and re-reads the poll (state,
guild) from the database for every click.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import discord

from bot.cogs.i18n import Language, t
from bot.polls.tally import PollSnapshot
from bot.questions.model import PollKind

VOTE_PREFIX = "rb:vote:"
ANSWER_PREFIX = "rb:answer:"
ANSWER_MODAL_PREFIX = "rb:answer-modal:"
ANSWER_INPUT_ID = "answer"
ANSWER_MAX_LENGTH = 1000
BUTTONS_PER_ROW = 5
MAX_OPTION_BUTTONS = 20  # four rows of options, the fifth stays free for "Answer"
BAR_WIDTH = 10

_ID = re.compile(r"[1-9][0-9]{0,18}")

COLOUR_OPEN = discord.Colour.blurple()
COLOUR_CLOSED = discord.Colour.dark_grey()


class PollMessage(NamedTuple):
    """What to send or edit: `channel.send(content=..., embed=..., view=...)`; unpacks as a tuple too."""

    content: str
    embed: discord.Embed
    view: discord.ui.View


def vote_custom_id(poll_id: int, option_id: int) -> str:
    return f"{VOTE_PREFIX}{poll_id}:{option_id}"


def answer_custom_id(poll_id: int) -> str:
    return f"{ANSWER_PREFIX}{poll_id}"


def answer_modal_custom_id(poll_id: int) -> str:
    return f"{ANSWER_MODAL_PREFIX}{poll_id}"


def parse_id(text: str) -> int | None:
    """A positive snowflake-sized integer, or None for anything else (custom ids come from the client)."""
    return int(text) if _ID.fullmatch(text) and int(text) < 2**63 else None


def parse_vote_custom_id(custom_id: str) -> tuple[int | None, int | None]:
    if not custom_id.startswith(VOTE_PREFIX):
        return None, None
    parts = custom_id[len(VOTE_PREFIX) :].split(":")
    if len(parts) != 2:
        return None, None
    return parse_id(parts[0]), parse_id(parts[1])


def parse_answer_custom_id(custom_id: str, prefix: str = ANSWER_PREFIX) -> int | None:
    return parse_id(custom_id[len(prefix) :]) if custom_id.startswith(prefix) else None


class VoteButton(discord.ui.Button[Any]):
    """One option of a poll; `PollsCog.on_poll_interaction` records, changes or withdraws the vote its click carries."""

    def __init__(self, custom_id: str, *, label: str | None = None, disabled: bool = False, row: int | None = None) -> None:
        super().__init__(style=discord.ButtonStyle.secondary, label=label, disabled=disabled, custom_id=custom_id, row=row)


class AnswerButton(discord.ui.Button[Any]):
    """Opens the written-answer form of an open poll (answered by `PollsCog.on_poll_interaction`)."""

    def __init__(self, custom_id: str, *, label: str | None = None, disabled: bool = False, row: int | None = None) -> None:
        super().__init__(style=discord.ButtonStyle.primary, label=label, disabled=disabled, custom_id=custom_id, row=row)


class AnswerModal(discord.ui.Modal):
    """The written-answer form. Its submission is handled by the polls cog's interaction listener (keyed by the
    custom id), not by `on_submit`, so a form opened before a restart is still accepted after it."""

    def __init__(self, poll_id: int, *, language: Language, default: str | None = None) -> None:
        super().__init__(title=t("poll.modal_title", language)[:45], custom_id=answer_modal_custom_id(poll_id), timeout=None)
        self.answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label=t("poll.modal_label", language)[:45],
            style=discord.TextStyle.paragraph,
            custom_id=ANSWER_INPUT_ID,
            placeholder=t("poll.modal_placeholder", language)[:100],
            default=default[:ANSWER_MAX_LENGTH] if default else None,
            required=True,
            max_length=ANSWER_MAX_LENGTH,
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        return None  # answered by the cog's listener (see the class docstring)


def modal_answer_text(components: Any) -> str | None:
    """The answer field's value from a MODAL_SUBMIT payload (action rows or labels), None when absent."""
    stack = list(components or [])
    while stack:
        component = stack.pop(0)
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == ANSWER_INPUT_ID and "value" in component:
            value = component.get("value")
            return value if isinstance(value, str) else None
        stack.extend(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
    return None


def _escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _timestamp(moment: Any, style: str = "R") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def _bar(share: float) -> str:
    filled = round(share * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _percent(share: float, language: Language) -> str:
    return f"{round(share * 100)} %" if language == "de" else f"{round(share * 100)}%"


def option_lines(snapshot: PollSnapshot, language: Language, *, show_counts: bool) -> list[str]:
    """One line per option: label, and with counts a bar, the share and the number of votes."""
    lines = []
    for option in snapshot.options:
        label = discord.utils.escape_markdown(option.label)
        if show_counts:
            lines.append(f"**{label}**\n`{_bar(option.share)}` {_percent(option.share, language)} ({option.votes})")
        else:
            lines.append(f"• **{label}**")
    return lines


def _description(snapshot: PollSnapshot, language: Language) -> str:
    parts: list[str] = []
    if snapshot.kind == PollKind.OPEN:
        if snapshot.results_visible:
            parts.append(t("poll.answers_total", language, count=snapshot.answer_count))
        if not snapshot.is_closed:
            parts.append(t("poll.how_to_answer", language))
    else:
        parts.append("\n".join(option_lines(snapshot, language, show_counts=snapshot.results_visible)))
        if snapshot.results_visible:
            parts.append(t("poll.votes_total", language, count=snapshot.total_votes))
        else:
            parts.append(t("poll.results_hidden", language))
        if not snapshot.is_closed:
            parts.append(t("poll.how_to_vote", language))
    if snapshot.is_closed:
        closed = snapshot.closed_at or snapshot.closes_at
        parts.append(t("poll.closed_at", language, when=_timestamp(closed, "f")) if closed else t("poll.closed", language))
    elif snapshot.closes_at is not None:
        parts.append(t("poll.closes", language, when=_timestamp(snapshot.closes_at)))
    if snapshot.anonymous:
        parts.append(t("poll.anonymous", language))
    return "\n\n".join(parts)[:4096]


def build_poll_view(snapshot: PollSnapshot, language: Language) -> discord.ui.View:
    """One button per option, five a row; "Answer" for open polls; everything disabled once closed.

    The View is returned stopped: discord.py then only draws its components and neither keeps it nor dispatches
    its clicks (see the module docstring)."""
    view = discord.ui.View(timeout=None)
    disabled = not snapshot.accepts_responses
    if snapshot.kind == PollKind.OPEN:
        view.add_item(
            AnswerButton(answer_custom_id(snapshot.poll_id), label=t("poll.answer_button", language), disabled=disabled, row=0)
        )
        view.stop()
        return view
    for index, option in enumerate(snapshot.options[:MAX_OPTION_BUTTONS]):
        view.add_item(
            VoteButton(
                vote_custom_id(snapshot.poll_id, option.option_id),
                label=option.label[:80],
                disabled=disabled,
                row=index // BUTTONS_PER_ROW,
            )
        )
    view.stop()
    return view


def render_poll_message(snapshot: PollSnapshot, language: Language | None = None) -> PollMessage:
    """The poll message as posted and as refreshed (`language` defaults to the poll's own)."""
    language = language or snapshot.language or "en"
    language = "de" if language == "de" else "en"
    heading = t("poll.heading_open" if snapshot.kind == PollKind.OPEN else "poll.heading", language)
    content = f"**{_escape(snapshot.question)}**"[:2000]
    embed = discord.Embed(
        title=heading,
        description=_description(snapshot, language),
        colour=COLOUR_CLOSED if snapshot.is_closed else COLOUR_OPEN,
    )
    if snapshot.edited_at is not None:
        embed.set_footer(text=t("poll.edited", language))
    return PollMessage(content=content, embed=embed, view=build_poll_view(snapshot, language))


def render_result_message(snapshot: PollSnapshot, language: Language | None = None) -> str:
    """The short result posted in the article's thread when a poll closes."""
    language = language or snapshot.language or "en"
    language = "de" if language == "de" else "en"
    lines = [t("poll.result_heading", language, question=_escape(snapshot.question))]
    if snapshot.kind == PollKind.OPEN:
        lines.append(t("poll.answers_total", language, count=snapshot.answer_count))
    elif snapshot.total_votes == 0:
        lines.append(t("poll.result_no_votes", language))
    else:
        for option in snapshot.options:
            label = discord.utils.escape_markdown(option.label)
            lines.append(f"**{label}**: {_percent(option.share, language)} ({option.votes})")
        if snapshot.voters is not None:
            lines.append(t("poll.voters_total", language, count=snapshot.voters))
        else:
            lines.append(t("poll.votes_total", language, count=snapshot.total_votes))
    return "\n".join(lines)[:2000]
