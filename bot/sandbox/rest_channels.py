"""REST routes for channels, messages, threads and guilds."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.sandbox import permissions as perms
from bot.sandbox.gateway import INTENT_GUILD_MEMBERS
from bot.sandbox.limits import (
    FormError,
    validate_message,
    validate_thread_name,
)
from bot.sandbox.message_state import MESSAGE_DEFAULT, MESSAGE_REPLY, Message
from bot.sandbox.state import PRIVATE_THREAD, PUBLIC_THREAD, TEXT_CHANNEL, Channel

if TYPE_CHECKING:
    pass


from bot.sandbox.rest_common import (
    Ctx,
    discord_error,
    missing_access,
    missing_permissions,
    now_iso,
)


class ChannelRoutes:
    """Part of `RestApi`: channels, messages, threads, guilds and members."""

    # -- channels ----------------------------------------------------------------------------------------------

    async def get_channel(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        return 200, channel.to_dict(for_user_id=bot.id)

    async def typing(self, ctx: Ctx) -> tuple[int, Any]:
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)
        if channel.guild is not None and not value & perms.send_permission(channel):
            raise missing_permissions()
        return 204, None

    async def edit_channel(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        if channel.guild is None:
            raise discord_error(400, 50024, "Cannot execute action on this channel type")
        if channel.is_thread:
            owner = channel.owner_id == bot.id
            if "locked" in body and not value & perms.MANAGE_THREADS:
                raise missing_permissions()
            if not (owner or value & perms.MANAGE_THREADS):
                raise missing_permissions()
            if "name" in body:
                validate_thread_name(body["name"])
                channel.name = body["name"]
            if "archived" in body:
                channel.archived = bool(body["archived"])
                channel.archive_timestamp = now_iso()
            if "locked" in body:
                channel.locked = bool(body["locked"])
            if "auto_archive_duration" in body:
                channel.auto_archive_duration = int(body["auto_archive_duration"])
            event = "THREAD_UPDATE"
        else:
            if not value & perms.PERMISSION_BITS["manage_channels"]:
                raise missing_permissions()
            if "name" in body:
                channel.name = str(body["name"])
            if "topic" in body:
                channel.topic = body["topic"]
            event = "CHANNEL_UPDATE"
        self.sandbox._dispatch_guild_event(channel.guild, event, channel.to_dict())
        self.sandbox._changed()
        return 200, channel.to_dict(for_user_id=bot.id)

    async def list_messages(self, ctx: Ctx) -> tuple[int, Any]:
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)
        if channel.guild is not None and not value & perms.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        query = ctx.query
        try:
            limit = int(query.get("limit", 50))
            before = int(query["before"]) if "before" in query else None
            after = int(query["after"]) if "after" in query else None
            around = int(query["around"]) if "around" in query else None
        except ValueError:
            error = FormError()
            error.add(("limit",), "NUMBER_TYPE_COERCE", "Value is not int.")
            raise error from None
        if not 1 <= limit <= 100:
            error = FormError()
            error.add(("limit",), "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")
            raise error
        ids = channel.history_ids(limit=limit, before=before, after=after, around=around)
        messages = self.state.messages
        return 200, [messages[i].to_dict() for i in ids]

    async def get_message(self, ctx: Ctx) -> tuple[int, Any]:
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)
        if channel.guild is not None and not value & perms.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        return 200, self._message_in(channel, ctx.snowflake("message_id")).to_dict()

    def _check_send(self, channel: Channel, value: int, payload: dict[str, Any], file_count: int) -> None:
        if channel.guild is None:
            recipient = channel.recipients[0]
            if not recipient.accepts_dms or recipient.bot:
                raise discord_error(403, 50007, "Cannot send messages to this user")
            return
        if not value & perms.send_permission(channel):
            raise missing_permissions()
        if payload.get("embeds") and not value & perms.EMBED_LINKS:
            raise missing_permissions()
        if file_count and not value & perms.ATTACH_FILES:
            raise missing_permissions()
        if payload.get("poll") and not value & perms.SEND_POLLS:
            raise missing_permissions()
        if channel.is_thread:
            if channel.locked and not value & perms.MANAGE_THREADS:
                if channel.archived:
                    raise discord_error(400, 50083, "Thread is archived")
                raise missing_permissions()
            if channel.archived:
                channel.archived = False

    async def create_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        payload = ctx.body
        validate_message(payload, creating=True, file_count=len(ctx.files))
        if channel.type not in (TEXT_CHANNEL, 1) and not channel.is_thread:
            raise discord_error(400, 50008, "Cannot send messages in a non-text channel")
        self._check_send(channel, value, payload, len(ctx.files))
        nonce = payload.get("nonce")
        key = None
        if nonce is not None and payload.get("enforce_nonce"):
            key = (bot.id, str(nonce))
            previous = self.state.nonces.get(key)
            if previous is not None and time.monotonic() - previous[1] < self.sandbox.nonce_window:
                existing = self.state.messages.get(previous[0])
                if existing is not None and not existing.deleted:
                    return 200, existing.to_dict()
        reference = None
        message_type = MESSAGE_DEFAULT
        ref = payload.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            referenced = self.state.messages.get(int(ref["message_id"]))
            if referenced is None or referenced.deleted:
                if ref.get("fail_if_not_exists", True):
                    error = FormError()
                    error.add(("message_reference",), "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
                    raise error
            else:
                reference = {"type": 0, "message_id": str(referenced.id), "channel_id": str(referenced.channel.id)}
                if referenced.channel.guild is not None:
                    reference["guild_id"] = str(referenced.channel.guild.id)
                message_type = MESSAGE_REPLY
        message = self.sandbox.create_message(channel, bot.user, payload, files=ctx.files, type=message_type,
                                              message_reference=reference)
        if key is not None:
            self.state.nonces[key] = (message.id, time.monotonic())
        return 200, message.to_dict()

    async def edit_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        message = self._message_in(channel, ctx.snowflake("message_id"))
        payload = ctx.body
        if message.author.id != bot.id:
            raise discord_error(403, 50005, "Cannot edit a message authored by another user")
        validate_message(payload, creating=False, file_count=len(ctx.files))
        if isinstance(payload, dict) and payload.get("poll") is not None:
            raise discord_error(400, 520003, "Cannot edit a poll message")
        if payload.get("embeds") and channel.guild is not None and not value & perms.EMBED_LINKS:
            raise missing_permissions()
        if channel.is_thread and channel.locked and not value & perms.MANAGE_THREADS:
            raise missing_permissions()
        self._edit_checked(message, payload, ctx.files)
        return 200, message.to_dict()

    def _edit_checked(self, message: Message, payload: dict[str, Any], files, *, clear_loading: bool = False
                      ) -> None:
        self.sandbox.edit_message(message, payload, files=files, clear_loading=clear_loading)
        if not (message.content or message.embeds or message.components or message.attachments or message.poll):
            # Discord refuses the edit; put the message back the way it was.
            previous = message.revisions.pop()
            message.content, message.embeds = previous.content, previous.embeds
            message.components, message.attachments = previous.components, previous.attachments
            message.changed()
            raise discord_error(400, 50006, "Cannot send an empty message")

    async def delete_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        message = self._message_in(channel, ctx.snowflake("message_id"))
        if message.author.id != bot.id and not value & perms.MANAGE_MESSAGES:
            raise missing_permissions()
        self.sandbox.delete_message(message)
        return 204, None

    async def thread_from_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if channel.type != TEXT_CHANNEL:
            raise discord_error(400, 50024, "Cannot execute action on this channel type")
        if not value & perms.CREATE_PUBLIC_THREADS:
            raise missing_permissions()
        message = self._message_in(channel, ctx.snowflake("message_id"))
        body = ctx.body if isinstance(ctx.body, dict) else {}
        thread = self.sandbox.start_thread(channel, body.get("name"), bot.user, message=message,
                                           auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        return 201, thread.to_dict(for_user_id=bot.id)

    async def thread_without_message(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if channel.type != TEXT_CHANNEL:
            raise discord_error(400, 50024, "Cannot execute action on this channel type")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        thread_type = int(body.get("type") or PRIVATE_THREAD)
        if thread_type not in (PUBLIC_THREAD, PRIVATE_THREAD):
            error = FormError()
            error.add(("type",), "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.")
            raise error
        needed = perms.CREATE_PUBLIC_THREADS if thread_type == PUBLIC_THREAD else perms.CREATE_PRIVATE_THREADS
        if not value & needed:
            raise missing_permissions()
        thread = self.sandbox.start_thread(channel, body.get("name"), bot.user, thread_type=thread_type,
                                           auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        return 201, thread.to_dict(for_user_id=bot.id)

    async def join_thread(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if not channel.is_thread:
            raise discord_error(400, 50024, "Cannot execute action on this channel type")
        if channel.archived:
            raise discord_error(400, 50083, "Thread is archived")
        channel.thread_member_ids.add(bot.id)
        return 204, None

    async def leave_thread(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)
        if not channel.is_thread:
            raise discord_error(400, 50024, "Cannot execute action on this channel type")
        channel.thread_member_ids.discard(bot.id)
        return 204, None

    # -- guilds ------------------------------------------------------------------------------------------------

    async def get_guild(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        data = guild.to_dict(members=False)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at", "large",
                    "member_count", "lazy", "unavailable"):
            data.pop(key, None)
        if ctx.query.get("with_counts") in ("1", "true", "True"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return 200, data

    async def get_guild_channels(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        return 200, [c.to_dict() for c in guild.channels.values() if not c.is_thread]

    async def get_roles(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        return 200, [r.to_dict() for r in guild.roles.values()]

    async def list_members(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), bot)
        if not bot.privileged_intents & INTENT_GUILD_MEMBERS:
            raise missing_access()
        limit = max(1, min(1000, int(ctx.query.get("limit", 1))))
        after = int(ctx.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)[:limit]
        return 200, [m.to_dict() for m in members]

    async def get_member(self, ctx: Ctx) -> tuple[int, Any]:
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), ctx.require_bot)
        member = guild.members.get(ctx.snowflake("user_id"))
        if member is None:
            raise discord_error(404, 10007, "Unknown Member")
        return 200, member.to_dict()

    async def active_threads(self, ctx: Ctx) -> tuple[int, Any]:
        bot = ctx.require_bot
        guild = self._guild_for_bot(ctx.snowflake("guild_id"), bot)
        threads = [c for c in guild.channels.values() if c.is_thread and not c.archived]
        members = [{"id": str(t.id), "user_id": str(bot.id), "join_timestamp": t.created_at, "flags": 0}
                   for t in threads if bot.id in t.thread_member_ids]
        return 200, {"threads": [t.to_dict(for_user_id=bot.id) for t in threads], "members": members}

