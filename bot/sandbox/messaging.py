"""Messages, attachments, threads and DMs in the sandbox, as Discord stores and announces them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.sandbox import permissions as perms
from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.gateway import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    GatewaySession,
)
from bot.sandbox.limits import DiscordError, validate_thread_name
from bot.sandbox.message_state import (
    FLAG_EPHEMERAL,
    FLAG_IS_COMPONENTS_V2,
    FLAG_SUPPRESS_EMBEDS,
    MESSAGE_DEFAULT,
    MESSAGE_THREAD_CREATED,
    Attachment,
    Message,
)
from bot.sandbox.state import DM_CHANNEL, PUBLIC_THREAD, Channel, Member, SandboxUsageError, User, iso_timestamp


class MessagingMixin:
    """Part of `Sandbox`: creating, editing and deleting messages and threads."""

    # -- messages ----------------------------------------------------------------------------------------------

    def create_message(self, channel: Channel, author: User, payload: Mapping[str, Any], *,
                       files: Sequence[tuple[str, bytes, str | None]] = (), type: int = MESSAGE_DEFAULT,
                       webhook_id: int | None = None, application_id: int | None = None,
                       interaction_metadata: dict[str, Any] | None = None,
                       message_reference: dict[str, Any] | None = None, ephemeral: bool = False) -> Message:
        """Store a message and tell the bots (ephemeral messages stay between the bot and one member)."""
        state = self.state
        message_id = state.next_id()
        attachments = self._attachments(channel, payload.get("attachments"), files)
        flags = int(payload.get("flags") or 0)
        if ephemeral:
            flags |= FLAG_EPHEMERAL
        embeds = [_normalise_embed(e) for e in payload.get("embeds") or []]
        poll = _normalise_poll(payload.get("poll")) if payload.get("poll") else None
        message = Message(message_id, channel, author, content=payload.get("content") or "", embeds=embeds,
                          components=list(payload.get("components") or []), attachments=attachments, flags=flags,
                          type=type, nonce=payload.get("nonce"), tts=bool(payload.get("tts")), poll=poll,
                          webhook_id=webhook_id, application_id=application_id,
                          interaction_metadata=interaction_metadata, message_reference=message_reference)
        message.resolve_mentions(payload.get("allowed_mentions"), channel.guild, state.users)
        state.messages[message_id] = message
        if poll is not None:
            self._schedule_poll_end(message, payload["poll"])  # bot/sandbox/polls.py
        if not message.ephemeral:
            channel.add_message(message_id)
            if channel.is_thread:
                message.position = channel.total_message_sent
                channel.message_count += 1
                channel.total_message_sent += 1
                channel.thread_member_ids.add(author.id)
            if channel.guild is not None:
                self._dispatch_message_event("MESSAGE_CREATE", message)
            else:
                self._dispatch_dm_event("MESSAGE_CREATE", message)
        self._changed()
        return message

    def _attachments(self, channel: Channel, declared: Any, files: Sequence[tuple[str, bytes, str | None]]
                     ) -> list[Attachment]:
        by_index: dict[int, Mapping[str, Any]] = {}
        for entry in declared or []:
            if isinstance(entry, Mapping):
                try:
                    by_index[int(entry.get("id"))] = entry
                except (TypeError, ValueError):
                    continue
        result = []
        for index, (filename, data, content_type) in enumerate(files):
            meta = by_index.get(index, {})
            attachment_id = self.state.next_id()
            name = meta.get("filename") or filename
            url = f"{self.urls.base_url}/attachments/{channel.id}/{attachment_id}/{name}"
            if not content_type or content_type == "application/octet-stream":
                content_type = _guess_type(name) or content_type
            attachment = Attachment(attachment_id, name, data, content_type, url, meta.get("description"))
            self._attachments_by_id[attachment_id] = attachment
            result.append(attachment)
        return result

    def attachment(self, attachment_id: int) -> Attachment:
        return self._attachments_by_id[attachment_id]

    def edit_message(self, message: Message, payload: Mapping[str, Any], *,
                     files: Sequence[tuple[str, bytes, str | None]] = (), clear_loading: bool = False) -> Message:
        """Apply an edit as Discord does (only the fields sent), keep the old version in `message.revisions`."""
        message.revisions.append(message.snapshot())
        if "content" in payload:
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = [_normalise_embed(e) for e in payload["embeds"] or []]
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if "attachments" in payload or files:
            kept: list[Attachment] = []
            declared = payload.get("attachments")
            if declared is not None:
                existing = {a.id: a for a in message.attachments}
                for entry in declared:
                    try:
                        attachment = existing.get(int(entry.get("id")))
                    except (TypeError, ValueError, AttributeError):
                        attachment = None
                    if attachment is not None:
                        kept.append(attachment)
            else:
                kept = list(message.attachments)
            new_declared = [e for e in declared or [] if isinstance(e, Mapping)
                            and not any(str(a.id) == str(e.get("id")) for a in kept)]
            message.attachments = kept + self._attachments(message.channel, new_declared, files)
        if "flags" in payload and payload["flags"] is not None:
            # Only "suppress embeds" can be toggled by an edit; components v2 can be switched on, never off.
            keep = message.flags & ~FLAG_SUPPRESS_EMBEDS
            message.flags = keep | (int(payload["flags"]) & (FLAG_SUPPRESS_EMBEDS | FLAG_IS_COMPONENTS_V2))
        if clear_loading:
            message.flags &= ~(1 << 7)
        if "allowed_mentions" in payload or "content" in payload:
            message.resolve_mentions(payload.get("allowed_mentions"), message.channel.guild, self.state.users)
        message.edited_timestamp = iso_timestamp()
        message.changed()
        if not message.ephemeral:
            if message.channel.guild is not None:
                self._dispatch_message_event("MESSAGE_UPDATE", message)
            else:
                self._dispatch_dm_event("MESSAGE_UPDATE", message)
        self._changed()
        return message

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        message.channel.remove_message(message.id)
        if message.channel.is_thread and message.channel.message_count > 0:
            message.channel.message_count -= 1
        data = {"id": str(message.id), "channel_id": str(message.channel.id)}
        if message.channel.guild is not None:
            data["guild_id"] = str(message.channel.guild.id)
            self._dispatch_guild_event(message.channel.guild, "MESSAGE_DELETE", data, intent=INTENT_GUILD_MESSAGES)
        self._changed()

    def _dispatch_message_event(self, event: str, message: Message) -> None:
        guild = message.channel.guild
        assert guild is not None
        data = dict(message.to_dict())
        author_member = guild.members.get(message.author.id)
        if author_member is not None and message.webhook_id is None:
            data["member"] = author_member.to_dict(with_user=False)
        mentioned_ids = {u.id for u in message.mentions}

        def for_session(session: GatewaySession) -> dict[str, Any]:
            if (session.intents & INTENT_MESSAGE_CONTENT or message.author.id == session.bot.id
                    or session.bot.id in mentioned_ids):
                return data
            return dict(data, content="", embeds=[], attachments=[], components=[], poll=None) \
                if "poll" in data else dict(data, content="", embeds=[], attachments=[], components=[])

        for bot in self._bots_in(guild):
            self.hub.dispatch(bot.id, event, None, guild_id=guild.id, intent=INTENT_GUILD_MESSAGES,
                              transform=for_session)

    def _dispatch_dm_event(self, event: str, message: Message) -> None:
        channel = message.channel
        data = message.to_dict()
        for user in channel.recipients + [message.author]:
            bot = self.state.bots_by_id.get(user.id)
            if bot is not None:
                self.hub.dispatch(bot.id, event, data, intent=INTENT_DIRECT_MESSAGES)

    def start_thread(self, channel: Channel, name: str, owner: User, *, message: Message | None = None,
                     thread_type: int = PUBLIC_THREAD, auto_archive_duration: int = 1440) -> Channel:
        """A thread on a message (thread id == message id) or standing alone in a text channel."""
        validate_thread_name(name)
        assert channel.guild is not None
        state = self.state
        if message is not None:
            if message.thread is not None or message.id in state.channels:
                raise DiscordError(400, 160004, "A thread has already been created for this message")
            thread_id = message.id
        else:
            thread_id = state.next_id()
        thread = Channel(thread_id, thread_type, guild=channel.guild, name=name, parent=channel)
        thread.owner_id = owner.id
        thread.auto_archive_duration = auto_archive_duration
        thread.thread_member_ids.add(owner.id)
        thread.starter_message_id = message.id if message is not None else None
        channel.guild.channels[thread.id] = thread
        state.channels[thread.id] = thread
        for bot in self._bots_in(channel.guild):
            self.hub.dispatch(bot.id, "THREAD_CREATE", None, guild_id=channel.guild.id, intent=INTENT_GUILDS,
                              transform=lambda s, t=thread: dict(t.to_dict(for_user_id=s.bot.id), newly_created=True))
        if message is not None:
            message.thread = thread
            message.changed()
            self._dispatch_message_event("MESSAGE_UPDATE", message)
        else:
            self.create_message(channel, owner, {"content": name}, type=MESSAGE_THREAD_CREATED,
                                message_reference={"type": 0, "channel_id": str(thread.id),
                                                   "guild_id": str(channel.guild.id)})
        self._changed()
        return thread

    def delete_thread(self, thread: Channel) -> None:
        """A moderator deletes a thread: it and its messages are gone (404 10003 Unknown Channel); the starter
        message stays without thread. THREAD_DELETE carries only id, guild_id, parent_id and type (Discord's
        documented subset of the channel object)."""
        if not thread.is_thread or thread.guild is None or thread.parent is None:
            raise SandboxUsageError("delete_thread takes a thread")
        guild = thread.guild
        guild.channels.pop(thread.id, None)
        self.state.channels.pop(thread.id, None)
        starter = self.state.messages.get(thread.starter_message_id or 0)
        if starter is not None and starter.thread is thread:
            starter.thread = None
            starter.changed()
        data = {"id": str(thread.id), "guild_id": str(guild.id), "parent_id": str(thread.parent.id), "type": thread.type}
        self._dispatch_guild_event(guild, "THREAD_DELETE", data)
        self._changed()

    def dm_channel(self, bot: BotAccount, user: User) -> Channel:
        key = (bot.id, user.id)
        channel = self.state.dm_channels.get(key)
        if channel is None:
            channel = Channel(self.state.next_id(), DM_CHANNEL)
            channel.recipients = [user]
            self.state.dm_channels[key] = channel
            self.state.channels[channel.id] = channel
        return channel

    async def member_send_message(self, member: Member | User, channel: Channel, content: str = "", *,
                                  embeds: Sequence[dict[str, Any]] = (), crafted: bool = False) -> Message:
        """A member writes in a channel or thread (thread activity, replies to the bot, DMs to the bot)."""
        user = member.user if isinstance(member, Member) else member
        if channel.guild is not None and not crafted:
            guild_member = channel.guild.members.get(user.id)
            if guild_member is None:
                raise SandboxUsageError(f"{user!r} is not a member of {channel.guild!r}")
            allowed = perms.channel_permissions(channel.guild, guild_member, channel)
            if not allowed & perms.VIEW_CHANNEL or not allowed & perms.send_permission(channel):
                raise SandboxUsageError(f"{user!r} cannot send messages in {channel!r}")
            if channel.is_thread and channel.locked:
                raise SandboxUsageError(f"{channel!r} is locked")
        if channel.is_thread and channel.archived:
            channel.archived = False
        return self.create_message(channel, user, {"content": content, "embeds": list(embeds)})

    async def member_send_dm(self, user: Member | User, content: str, bot: BotAccount | None = None) -> Message:
        bot = bot or self.default_bot()
        user = user.user if isinstance(user, Member) else user
        return self.create_message(self.dm_channel(bot, user), user, {"content": content})



def _normalise_embed(embed: Mapping[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in embed.items() if value is not None}
    data.setdefault("type", "rich")
    if "fields" in data:
        data["fields"] = [dict(f, inline=bool(f.get("inline", False))) for f in data["fields"]]
    return data


def _normalise_poll(poll: Mapping[str, Any]) -> dict[str, Any]:
    import datetime as dt

    hours = int(poll.get("duration") or 24)
    expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)
    answers = [{"answer_id": index + 1, "poll_media": answer.get("poll_media", {})}
               for index, answer in enumerate(poll.get("answers") or [])]
    return {
        "question": poll.get("question"),
        "answers": answers,
        "expiry": iso_timestamp(expiry),
        "allow_multiselect": bool(poll.get("allow_multiselect", False)),
        "layout_type": poll.get("layout_type") or 1,
        "results": {"is_finalized": False, "answer_counts": []},
    }


def _guess_type(filename: str) -> str | None:
    import mimetypes

    return mimetypes.guess_type(filename)[0]
