"""How editors' things look on Discord: the review message, the edit form, the delete confirmation, and the
persistent buttons that carry their decisions.

Buttons are `discord.ui.DynamicItem`s registered once at start, so buttons of review messages posted before a
restart keep working. Their custom ids carry only the action and an id (`rb:review:approve:<poll>`,
`rb:review:all:<article>`, `rb:poll-delete:yes:<poll>`); the cogs check every click against the stored poll, its
guild, the message it came from and the member's role, never trusting the id.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from bot.cogs.i18n import Language, t
from bot.polls.options import OPTIONS_INPUT_MAX_LENGTH, QUESTION_MAX_LENGTH
from bot.polls.review import ProposalView, ReviewSheet, ReviewState
from bot.questions.model import PollKind

EDITORS_COG_NAME = "Editors"
REVIEW_PREFIX = "rb:review:"
DELETE_PREFIX = "rb:poll-delete:"
EDIT_MODAL_PREFIX = "rb:poll-edit:"
QUESTION_INPUT_ID = "question"
OPTIONS_INPUT_ID = "options"
REVIEW_ACTIONS = ("approve", "edit", "drop", "all")
PROPOSALS_WITH_BUTTONS = 4  # a row (Approve, Edit, Drop) each; the fifth row holds "Approve all"
REVIEW_TEMPLATE = re.compile(r"rb:review:(?P<rest>.*)", re.DOTALL)
DELETE_TEMPLATE = re.compile(r"rb:poll-delete:(?P<rest>.*)", re.DOTALL)
_ID = re.compile(r"[1-9][0-9]{0,18}")
DESCRIPTION_LIMIT = 4000

STATE_MARKS = {
    ReviewState.PROPOSED: "⏳",
    ReviewState.APPROVED: "✅",
    ReviewState.POSTED: "✅",
    ReviewState.DROPPED: "🗑️",
    ReviewState.DELETED: "🗑️",
}


def parse_id(text: str) -> int | None:
    return int(text) if _ID.fullmatch(text) and int(text) < 2**63 else None


def review_custom_id(action: str, target_id: int) -> str:
    return f"{REVIEW_PREFIX}{action}:{target_id}"


def parse_action_custom_id(custom_id: str, prefix: str, actions: tuple[str, ...]) -> tuple[str | None, int | None]:
    if not custom_id.startswith(prefix):
        return None, None
    action, _, rest = custom_id[len(prefix):].partition(":")
    return (action if action in actions else None), parse_id(rest)


def edit_modal_custom_id(poll_id: int) -> str:
    return f"{EDIT_MODAL_PREFIX}{poll_id}"


def delete_custom_id(answer: str, poll_id: int) -> str:
    return f"{DELETE_PREFIX}{answer}:{poll_id}"


class EditorHandler(Protocol):
    async def handle_review_click(self, interaction: discord.Interaction, action: str | None, target_id: int | None) -> None: ...

    async def handle_delete_click(self, interaction: discord.Interaction, answer: str | None, poll_id: int | None) -> None: ...


def _handler(interaction: discord.Interaction) -> EditorHandler | None:
    get_cog = getattr(interaction.client, "get_cog", None)
    return get_cog(EDITORS_COG_NAME) if get_cog else None


class ReviewButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=REVIEW_TEMPLATE):
    """Approve / Edit / Drop one proposal, or Approve all of an article's."""

    def __init__(self, custom_id: str, *, label: str | None = None, style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                 row: int | None = None) -> None:
        super().__init__(discord.ui.Button(style=style, label=label, custom_id=custom_id, row=row))
        self.action, self.target_id = parse_action_custom_id(custom_id, REVIEW_PREFIX, REVIEW_ACTIONS)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /) -> ReviewButton:
        return cls(match.string, label=getattr(item, "label", None))

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = _handler(interaction)
        if handler is not None:
            await handler.handle_review_click(interaction, self.action, self.target_id)


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DELETE_TEMPLATE):
    """Confirm or cancel deleting a poll."""

    def __init__(self, custom_id: str, *, label: str | None = None, style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(discord.ui.Button(style=style, label=label, custom_id=custom_id))
        self.answer, self.poll_id = parse_action_custom_id(custom_id, DELETE_PREFIX, ("yes", "no"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /) -> DeleteButton:
        return cls(match.string, label=getattr(item, "label", None))

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = _handler(interaction)
        if handler is not None:
            await handler.handle_delete_click(interaction, self.answer, self.poll_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ReviewButton, DeleteButton)


def delete_view(poll_id: int, language: Language) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteButton(delete_custom_id("yes", poll_id), label=t("editor.delete_button", language),
                               style=discord.ButtonStyle.danger))
    view.add_item(DeleteButton(delete_custom_id("no", poll_id), label=t("editor.cancel_button", language)))
    return view


class EditPollModal(discord.ui.Modal):
    """Question and options of a poll. The submission is handled by the editors cog's interaction listener (keyed
    by the custom id), so a form opened before a restart is still accepted after it."""

    def __init__(self, poll_id: int, *, language: Language, question: str, options: str, options_locked: bool) -> None:
        super().__init__(title=t("editor.modal_title", language)[:45], custom_id=edit_modal_custom_id(poll_id), timeout=None)
        self.question: discord.ui.TextInput[EditPollModal] = discord.ui.TextInput(
            label=t("editor.modal_question", language)[:45], style=discord.TextStyle.paragraph, custom_id=QUESTION_INPUT_ID,
            default=question[:QUESTION_MAX_LENGTH], required=True, max_length=QUESTION_MAX_LENGTH,
        )
        hint = t("editor.modal_options_hint", language) + (t("editor.options_locked", language) if options_locked else "")
        self.options: discord.ui.TextInput[EditPollModal] = discord.ui.TextInput(
            label=t("editor.modal_options_locked" if options_locked else "editor.modal_options", language)[:45],
            style=discord.TextStyle.paragraph, custom_id=OPTIONS_INPUT_ID,
            default=options[:OPTIONS_INPUT_MAX_LENGTH] or None, required=False, max_length=OPTIONS_INPUT_MAX_LENGTH,
            placeholder=hint[:100],
        )
        self.add_item(self.question)
        self.add_item(self.options)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        return None  # answered by the cog's listener (see the class docstring)


def modal_values(components: Any) -> dict[str, str]:
    """Field custom id -> value from a MODAL_SUBMIT payload (action rows or labels)."""
    values: dict[str, str] = {}
    stack = list(components or [])
    while stack:
        component = stack.pop(0)
        if not isinstance(component, dict):
            continue
        if isinstance(component.get("custom_id"), str) and isinstance(component.get("value"), str):
            values[component["custom_id"]] = component["value"]
        stack.extend(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
    return values


def _escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _proposal_block(number: int, proposal: ProposalView, language: Language, budget: int) -> str:
    mark = STATE_MARKS[proposal.state]
    question = _escape(_shorten(proposal.question, max(40, budget // 2)))
    if proposal.kind == PollKind.OPEN:
        options = t("review.kind_open", language)
    elif proposal.kind == PollKind.YES_NO:
        options = t("review.kind_yes_no", language) + ": " + " / ".join(_escape(label) for label in proposal.labels)
    else:
        options = " / ".join(_escape(label) for label in proposal.labels)
    shown = ReviewState.APPROVED if proposal.state == ReviewState.POSTED else proposal.state
    state = t(f"state.{shown.value}", language)
    if proposal.state != ReviewState.PROPOSED:
        who = proposal.deleted_by if proposal.state == ReviewState.DELETED else proposal.decided_by
        if who is not None:
            when = f"<t:{int(proposal.decided_at.timestamp())}:R>" if proposal.decided_at else ""
            state = t("review.decided_by", language, state=state, member=f"<@{who}>", when=when).strip()
        elif proposal.decided_at is not None:
            state = t("review.decided_by_timeout", language, state=state)
    if proposal.state == ReviewState.POSTED:
        state += ", " + t("state.posted", language)
    if proposal.edited_by is not None:
        state += ", " + t("review.edited_by", language, member=f"<@{proposal.edited_by}>")
    return f"{mark} **{number}. {question}**\n{_shorten(options, max(40, budget // 3))}\n*{state}*"


def render_review_message(sheet: ReviewSheet, language: Language, *, default: str, deadline: Any) -> tuple[discord.Embed, discord.ui.View]:
    """The review message of one article: every proposal with its state and who decided it; buttons for the first
    few still waiting, and Approve all while any waits."""
    budget = DESCRIPTION_LIMIT // max(1, len(sheet.proposals)) - 20
    blocks = [_proposal_block(number, proposal, language, budget) for number, proposal in enumerate(sheet.proposals, 1)]
    if sheet.waiting:
        when = f"<t:{int(deadline.timestamp())}:R>" if deadline is not None else ""
        intro = t("review.intro", language, default=t(f"review.default_{default}", language), when=when)
    else:
        intro = t("review.all_decided", language)
    thread = f"<#{sheet.thread_id}>\n" if sheet.thread_id else ""
    description = (thread + intro + "\n\n" + "\n\n".join(blocks))[:DESCRIPTION_LIMIT]
    embed = discord.Embed(
        title=_shorten(t("review.heading", language, title=sheet.title), 256),
        url=sheet.url,
        description=description,
        colour=discord.Colour.gold() if sheet.waiting else discord.Colour.dark_grey(),
    )
    view = discord.ui.View(timeout=None)
    waiting = [(number, p) for number, p in enumerate(sheet.proposals, 1) if p.state == ReviewState.PROPOSED]
    for row, (number, proposal) in enumerate(waiting[:PROPOSALS_WITH_BUTTONS]):
        view.add_item(ReviewButton(review_custom_id("approve", proposal.poll_id), label=t("review.approve", language, number=number),
                                   style=discord.ButtonStyle.success, row=row))
        view.add_item(ReviewButton(review_custom_id("edit", proposal.poll_id), label=t("review.edit", language, number=number),
                                   style=discord.ButtonStyle.primary, row=row))
        view.add_item(ReviewButton(review_custom_id("drop", proposal.poll_id), label=t("review.drop", language, number=number),
                                   style=discord.ButtonStyle.danger, row=row))
    if waiting:
        view.add_item(ReviewButton(review_custom_id("all", sheet.article_id), label=t("review.approve_all", language),
                                   style=discord.ButtonStyle.success, row=PROPOSALS_WITH_BUTTONS))
    return embed, view


def is_review_message_for(message: discord.Message, article_id: int) -> bool:
    """A review message found in history after a crash: it carries this article's Approve all button, or its link."""
    wanted = review_custom_id("all", article_id)
    for row in message.components:
        for child in getattr(row, "children", ()):
            if getattr(child, "custom_id", None) == wanted:
                return True
    return False
