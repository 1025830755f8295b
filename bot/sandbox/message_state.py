"""Messages in the sandbox's state: the message object, its attachments and edits, message types and flags.

Separate from bot.sandbox.state because a message is the largest object the sandbox holds and the one the hot
paths serialise most (every button click embeds it); what a message does to channels and gateway events lives in
bot.sandbox.messaging.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.sandbox.state import iso_timestamp, snowflake_time

if TYPE_CHECKING:
    from bot.sandbox.state import Channel, Guild, User

# Message types Discord uses for what the sandbox creates.
MESSAGE_DEFAULT = 0
MESSAGE_THREAD_CREATED = 18
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20
MESSAGE_CONTEXT_MENU_COMMAND = 23

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_COMPONENTS_V2 = 1 << 15


@dataclass
class Attachment:
    """An uploaded file; `data` holds the bytes so a test can open the PNG or CSV the bot sent."""

    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        if self.content_type and self.content_type.startswith("image/png") and len(self.data) >= 24:
            data["width"] = int.from_bytes(self.data[16:20], "big")
            data["height"] = int.from_bytes(self.data[20:24], "big")
        return data


_USER_MENTION = re.compile(r"<@!?(\d{1,20})>")
_ROLE_MENTION = re.compile(r"<@&(\d{1,20})>")


@dataclass
class MessageRevision:
    """What a message looked like before an edit."""

    edited_at: str | None
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    attachments: list[Attachment]


class Message:
    """A message as Discord would show it: content, embeds, components, attachments, thread, and its edits."""

    def __init__(self, id: int, channel: Channel, author: User, *, content: str = "",
                 embeds: list[dict[str, Any]] | None = None, components: list[dict[str, Any]] | None = None,
                 attachments: list[Attachment] | None = None, flags: int = 0, type: int = MESSAGE_DEFAULT,
                 nonce: str | int | None = None, tts: bool = False, poll: dict[str, Any] | None = None,
                 webhook_id: int | None = None, application_id: int | None = None,
                 interaction_metadata: dict[str, Any] | None = None,
                 message_reference: dict[str, Any] | None = None) -> None:
        self.id = id
        self.channel = channel
        self.author = author
        self.content = content
        self.embeds = embeds or []
        self.components = components or []
        self.attachments = attachments or []
        self.flags = flags
        self.type = type
        self.nonce = nonce
        self.tts = tts
        self.poll = poll
        self.webhook_id = webhook_id
        self.application_id = application_id
        self.interaction_metadata = interaction_metadata
        self.message_reference = message_reference
        self.timestamp = iso_timestamp(snowflake_time(id))
        self.edited_timestamp: str | None = None
        self.mentions: list[User] = []
        self.mention_roles: list[int] = []
        self.mention_everyone = False
        self.thread: Channel | None = None
        self.position: int | None = None
        self.deleted = False
        self.visible_to: int | None = None  # the one member who sees an ephemeral message
        self.revisions: list[MessageRevision] = []
        self.created_monotonic = time.monotonic()
        self._dict: dict[str, Any] | None = None
        self._json: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def guild(self) -> Guild | None:
        return self.channel.guild

    def changed(self) -> None:
        self._dict = None
        self._json = None

    def to_json(self) -> str:
        """The message's JSON, cached: component clicks embed it in every INTERACTION_CREATE."""
        if self._json is None:
            from bot.sandbox.gateway import dumps

            self._json = dumps(self.to_dict())
        return self._json

    def snapshot(self) -> MessageRevision:
        return MessageRevision(self.edited_timestamp, self.content, self.embeds, self.components,
                               list(self.attachments))

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        for component in iter_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        return None

    def resolve_mentions(self, allowed_mentions: dict[str, Any] | None, guild: Guild | None,
                         users: dict[int, User]) -> None:
        """Who actually gets pinged, given the content and allowed_mentions (as Discord decides it)."""
        content = self.content or ""
        if allowed_mentions is None:
            parse = {"users", "roles", "everyone"}
            allowed_users: set[int] = set()
            allowed_roles: set[int] = set()
        else:
            parse = set(allowed_mentions.get("parse") or [])
            allowed_users = {int(u) for u in allowed_mentions.get("users") or []}
            allowed_roles = {int(r) for r in allowed_mentions.get("roles") or []}
        mentioned: list[User] = []
        seen: set[int] = set()
        for match in _USER_MENTION.finditer(content):
            user_id = int(match.group(1))
            if user_id in seen or ("users" not in parse and user_id not in allowed_users):
                continue
            user = users.get(user_id)
            if user is not None:
                seen.add(user_id)
                mentioned.append(user)
        roles: list[int] = []
        if guild is not None:
            for match in _ROLE_MENTION.finditer(content):
                role_id = int(match.group(1))
                if role_id in guild.roles and role_id not in roles and (
                    "roles" in parse or role_id in allowed_roles
                ):
                    roles.append(role_id)
        self.mentions = mentioned
        self.mention_roles = roles
        self.mention_everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)

    def to_dict(self) -> dict[str, Any]:
        if self._dict is not None:
            return self._dict
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel.id),
            "author": self.author.to_dict(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [u.to_dict() for u in self.mentions],
            "mention_roles": [str(r) for r in self.mention_roles],
            "attachments": [a.to_dict() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
        }
        if self.channel.guild is not None:
            data["guild_id"] = str(self.channel.guild.id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.poll is not None:
            data["poll"] = self.poll
        if self.position is not None:
            data["position"] = self.position
        if self.thread is not None:
            data["thread"] = self.thread.to_dict()
        self._dict = data
        return data

    def __repr__(self) -> str:
        return f"<Message id={self.id} channel={self.channel.id} author={self.author.username!r} content={self.content[:40]!r}>"


def iter_components(components: list[dict[str, Any]]):
    """Every component, nested ones included (action rows, sections, containers, labels)."""
    stack = list(reversed(components))
    while stack:
        component = stack.pop()
        yield component
        children = component.get("components")
        if children:
            stack.extend(reversed(children))
        inner = component.get("component")
        if inner:
            stack.append(inner)
        accessory = component.get("accessory")
        if accessory:
            stack.append(accessory)
