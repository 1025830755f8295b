"""What a test holds after a member runs a command, clicks, selects or submits a modal.

An `InteractionHandle` records when the interaction was created and acknowledged (click-to-ack latency for the
vote benchmark), the bot's callback, the messages it produced, a modal it opened, autocomplete choices, and
callbacks the sandbox refused (too late, twice, invalid).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sandbox.message_state import FLAG_EPHEMERAL, FLAG_LOADING, iter_components

if TYPE_CHECKING:
    from bot.sandbox.bot_accounts import BotAccount
    from bot.sandbox.message_state import Message
    from bot.sandbox.state import Channel, Guild, Member, User

PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9

KIND_NAMES = {
    APPLICATION_COMMAND: "command",
    MESSAGE_COMPONENT: "component",
    APPLICATION_COMMAND_AUTOCOMPLETE: "autocomplete",
    MODAL_SUBMIT: "modal_submit",
}


class InteractionHandle:
    """One interaction as the member's Discord client experiences it."""

    def __init__(self, *, id: int, token: str, type: int, bot: BotAccount, user: User, member: Member | None,
                 guild: Guild | None, channel: Channel, data: dict[str, Any], message: Message | None = None,
                 custom_id: str | None = None, command_name: str | None = None,
                 values: Any = None) -> None:
        self.id = id
        self.token = token
        self.type = type
        self.bot = bot
        self.user = user
        self.member = member
        self.guild = guild
        self.channel = channel
        self.data = data
        self.message = message  # the message whose component was used (component and modal interactions)
        self.custom_id = custom_id
        self.command_name = command_name
        self.values = values
        self.created_at = time.perf_counter()
        self.created_monotonic = time.monotonic()
        self.delivered_sessions = 0
        self.acked_at: float | None = None
        self.callback_type: int | None = None
        self.callback_data: dict[str, Any] | None = None
        self.response: Message | None = None  # created by callback 4 or 5
        self.updated_message: Message | None = None  # the component's message, after 7 or an @original edit
        self.followups: list[Message] = []
        self.modal: dict[str, Any] | None = None
        self.modal_submitted = False
        self.choices: list[dict[str, Any]] | None = None
        self.rejected: list[tuple[int, int, str]] = []  # (status, Discord code, message) of refused callbacks
        self.origin: InteractionHandle | None = None  # for modal submits: the interaction that opened the modal
        self.counted = False  # included in Sandbox.acknowledged_count
        self._changed = asyncio.Event()

    # -- state -----------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return KIND_NAMES.get(self.type, str(self.type))

    @property
    def acknowledged(self) -> bool:
        return self.acked_at is not None

    @property
    def latency(self) -> float | None:
        """Seconds from the member's action to the bot's acknowledgement."""
        return None if self.acked_at is None else self.acked_at - self.created_at

    @property
    def deferred(self) -> bool:
        return self.callback_type in (CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE)

    @property
    def modal_opened(self) -> bool:
        return self.modal is not None

    @property
    def messages(self) -> list[Message]:
        """Every message this interaction produced for the member, in order (response first)."""
        found = [self.response] if self.response is not None else []
        return found + self.followups

    @property
    def ephemeral(self) -> bool:
        first = self.messages[0] if self.messages else None
        if first is not None:
            return first.ephemeral
        if self.callback_data is not None:
            return bool((self.callback_data.get("flags") or 0) & FLAG_EPHEMERAL)
        return False

    @property
    def flags(self) -> int:
        first = self.messages[0] if self.messages else None
        return first.flags if first is not None else int((self.callback_data or {}).get("flags") or 0)

    @property
    def content(self) -> str | None:
        """Text of the answer the member sees: the response (or the updated message), else the first follow-up."""
        shown = self.shown_message
        return shown.content if shown is not None else None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        shown = self.shown_message
        return shown.embeds if shown is not None else []

    @property
    def components(self) -> list[dict[str, Any]]:
        shown = self.shown_message
        return shown.components if shown is not None else []

    @property
    def shown_message(self) -> Message | None:
        if self.response is not None and not (self.response.flags & FLAG_LOADING):
            return self.response
        if self.updated_message is not None:
            return self.updated_message
        if self.followups:
            return self.followups[0]
        return self.response

    @property
    def text(self) -> str:
        """Everything readable in the answer: contents, embed titles, descriptions and fields, text displays."""
        parts: list[str] = []
        shown = [self.updated_message] if self.updated_message is not None else []
        for message in self.messages + shown:
            if message.content:
                parts.append(message.content)
            for embed in message.embeds:
                for key in ("title", "description"):
                    if embed.get(key):
                        parts.append(str(embed[key]))
                for embed_field in embed.get("fields") or []:
                    parts.append(f"{embed_field.get('name', '')}: {embed_field.get('value', '')}")
                footer = embed.get("footer")
                if isinstance(footer, dict) and footer.get("text"):
                    parts.append(str(footer["text"]))
            for component in iter_components(message.components):
                if component.get("type") == 10 and component.get("content"):
                    parts.append(str(component["content"]))
        return "\n".join(parts)

    @property
    def modal_fields(self) -> dict[str, dict[str, Any]]:
        """custom_id -> component (text inputs and selects) of the modal the bot opened."""
        if self.modal is None:
            return {}
        fields: dict[str, dict[str, Any]] = {}
        for component in iter_components(self.modal.get("components") or []):
            if component.get("type") in (3, 4, 5, 6, 7, 8) and "custom_id" in component:
                fields[component["custom_id"]] = component
        return fields

    def modal_field_id(self, key: str) -> str:
        """A field's custom_id, from its custom_id or its label (text on a Label or on the text input)."""
        if self.modal is None:
            raise KeyError(key)
        fields = self.modal_fields
        if key in fields:
            return key
        for component in iter_components(self.modal.get("components") or []):
            inner = component.get("component") if component.get("type") == 18 else component
            if isinstance(inner, dict) and inner.get("custom_id") in fields and component.get("label") == key:
                return inner["custom_id"]
        raise KeyError(key)

    # -- waiting ---------------------------------------------------------------------------------------------

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, predicate: Callable[[InteractionHandle], bool], timeout: float = 5.0,
                   what: str = "condition") -> InteractionHandle:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"interaction {self.id} ({self.kind} {self.command_name or self.custom_id}): "
                                   f"no {what} within {timeout}s; callback={self.callback_type} "
                                   f"rejected={self.rejected}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self

    async def wait_ack(self, timeout: float = 5.0) -> InteractionHandle:
        """Until the bot has answered the callback (any type)."""
        return await self.wait(lambda h: h.acknowledged, timeout, "acknowledgement")

    async def wait_response(self, timeout: float = 5.0) -> InteractionHandle:
        """Until the member sees a result: a message, an updated message, a modal or choices.

        A deferred response (5) counts once its loading message was edited or a follow-up sent; a deferred
        update (6) once the message was edited or a follow-up sent.
        """
        return await self.wait(_has_visible_result, timeout, "visible response")

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> InteractionHandle:
        return await self.wait(lambda h: len(h.followups) >= count, timeout, f"{count} follow-up(s)")

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly view, for the control API."""
        return {
            "id": str(self.id),
            "kind": self.kind,
            "type": self.type,
            "user_id": str(self.user.id),
            "guild_id": str(self.guild.id) if self.guild else None,
            "channel_id": str(self.channel.id),
            "message_id": str(self.message.id) if self.message else None,
            "custom_id": self.custom_id,
            "command_name": self.command_name,
            "values": self.values,
            "created_at": self.created_at,
            "acked_at": self.acked_at,
            "latency": self.latency,
            "callback_type": self.callback_type,
            "callback_data": self.callback_data,
            "ephemeral": self.ephemeral,
            "content": self.content,
            "text": self.text,
            "embeds": self.embeds,
            "components": self.components,
            "modal": self.modal,
            "choices": self.choices,
            "followups": [m.to_dict() for m in self.followups],
            "response": self.response.to_dict() if self.response else None,
            "rejected": self.rejected,
        }

    def __repr__(self) -> str:
        return (f"<InteractionHandle id={self.id} {self.kind} {self.command_name or self.custom_id!r} "
                f"callback={self.callback_type}>")


def _has_visible_result(handle: InteractionHandle) -> bool:
    kind = handle.callback_type
    if kind is None:
        return False
    if kind == CALLBACK_CHANNEL_MESSAGE:
        return True
    if kind == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
        return bool(handle.followups) or (handle.response is not None and not handle.response.flags & FLAG_LOADING)
    if kind == CALLBACK_DEFERRED_UPDATE_MESSAGE:
        return bool(handle.followups) or handle.updated_message is not None
    return True
