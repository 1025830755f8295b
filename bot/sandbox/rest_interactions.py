"""REST routes for application commands, interaction callbacks and interaction webhooks."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.sandbox.bot_accounts import ApplicationCommand, BotAccount
from bot.sandbox.command_limits import validate_autocomplete, validate_command, validate_commands
from bot.sandbox.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    CALLBACK_AUTOCOMPLETE_RESULT,
    CALLBACK_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_UPDATE_MESSAGE,
    CALLBACK_MODAL,
    CALLBACK_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
)
from bot.sandbox.limits import DiscordError, FormError, validate_message, validate_modal
from bot.sandbox.message_state import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    MESSAGE_CHAT_INPUT_COMMAND,
    MESSAGE_CONTEXT_MENU_COMMAND,
    MESSAGE_DEFAULT,
    MESSAGE_REPLY,
    Message,
)

if TYPE_CHECKING:
    pass


from bot.sandbox.rest_common import Ctx, discord_error, unknown_message

_ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_MODAL},
    MESSAGE_COMPONENT: {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE,
                        CALLBACK_UPDATE_MESSAGE, CALLBACK_MODAL},
    APPLICATION_COMMAND_AUTOCOMPLETE: {CALLBACK_AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE,
                   CALLBACK_UPDATE_MESSAGE},
}


class InteractionRoutes:
    """Part of `RestApi`: application commands, interaction callbacks, follow-ups."""

    # -- application commands ----------------------------------------------------------------------------------

    def _command_scope(self, ctx: Ctx) -> tuple[BotAccount, int | None]:
        bot = ctx.require_bot
        if ctx.snowflake("application_id") != bot.application_id:
            raise discord_error(403, 20012, "You are not authorized to perform this action on this application")
        guild_id = None
        if "guild_id" in ctx.match:
            guild_id = self._guild_for_bot(ctx.snowflake("guild_id"), bot).id
        return bot, guild_id

    def _store_command(self, bot: BotAccount, guild_id: int | None, data: dict[str, Any],
                       existing: ApplicationCommand | None) -> ApplicationCommand:
        command_type = int(data.get("type", 1))
        dmp = data.get("default_member_permissions")
        command = ApplicationCommand(
            id=existing.id if existing else self.state.next_id(),
            application_id=bot.application_id,
            guild_id=guild_id,
            name=data["name"],
            type=command_type,
            description=data.get("description") or "",
            options=list(data.get("options") or []),
            default_member_permissions=str(dmp) if dmp is not None else None,
            raw={k: v for k, v in data.items() if k not in ("id", "application_id", "version", "guild_id")},
            version=self.state.next_id(),
        )
        bot.commands_for(guild_id)[command.id] = command
        return command

    async def list_commands(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id = self._command_scope(ctx)
        return 200, [c.to_dict() for c in bot.commands_for(guild_id).values()]

    async def overwrite_commands(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id = self._command_scope(ctx)
        validate_commands(ctx.body)
        current = bot.commands_for(guild_id)
        by_key = {(c.name, c.type): c for c in current.values()}
        current.clear()
        stored = [self._store_command(bot, guild_id, data, by_key.get((data["name"], int(data.get("type", 1)))))
                  for data in ctx.body]
        return 200, [c.to_dict() for c in stored]

    async def upsert_command(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id = self._command_scope(ctx)
        validate_command(ctx.body)
        current = bot.commands_for(guild_id)
        existing = next((c for c in current.values() if c.name == ctx.body["name"]
                         and c.type == int(ctx.body.get("type", 1))), None)
        command = self._store_command(bot, guild_id, ctx.body, existing)
        return (200 if existing else 201), command.to_dict()

    def _command(self, ctx: Ctx) -> tuple[BotAccount, int | None, ApplicationCommand]:
        bot, guild_id = self._command_scope(ctx)
        command = bot.commands_for(guild_id).get(ctx.snowflake("command_id"))
        if command is None:
            raise discord_error(404, 10063, "Unknown application command")
        return bot, guild_id, command

    async def get_command(self, ctx: Ctx) -> tuple[int, Any]:
        return 200, self._command(ctx)[2].to_dict()

    async def edit_command(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id, command = self._command(ctx)
        merged = dict(command.to_dict(), **(ctx.body or {}))
        validate_command(merged)
        return 200, self._store_command(bot, guild_id, merged, command).to_dict()

    async def delete_command(self, ctx: Ctx) -> tuple[int, Any]:
        bot, guild_id, command = self._command(ctx)
        del bot.commands_for(guild_id)[command.id]
        return 204, None

    async def command_permissions(self, ctx: Ctx) -> tuple[int, Any]:
        self._command_scope(ctx)
        return 200, []

    # -- interactions ------------------------------------------------------------------------------------------

    def _interaction_message_type(self, handle: InteractionHandle) -> int:
        if handle.type == APPLICATION_COMMAND:
            return MESSAGE_CHAT_INPUT_COMMAND if handle.data.get("type", 1) == 1 else MESSAGE_CONTEXT_MENU_COMMAND
        return MESSAGE_REPLY if handle.message is not None else MESSAGE_DEFAULT

    def _interaction_message(self, handle: InteractionHandle, payload: dict[str, Any], files, *,
                             ephemeral: bool, loading: bool = False) -> Message:
        metadata: dict[str, Any] = {
            "id": str(handle.id),
            "type": handle.type,
            "user": handle.user.to_dict(),
            "authorizing_integration_owners": {"0": str(handle.guild.id)} if handle.guild else {"1": str(handle.user.id)},
        }
        if handle.type == APPLICATION_COMMAND:
            metadata["name"] = handle.command_name
            metadata["command_type"] = handle.data.get("type", 1)
        if handle.message is not None:
            metadata["interacted_message_id"] = str(handle.message.id)
        reference = None
        if handle.message is not None and handle.type in (MESSAGE_COMPONENT, MODAL_SUBMIT):
            reference = {"type": 0, "message_id": str(handle.message.id), "channel_id": str(handle.channel.id)}
            if handle.guild is not None:
                reference["guild_id"] = str(handle.guild.id)
        body = dict(payload)
        if loading:
            body["flags"] = FLAG_LOADING | (FLAG_EPHEMERAL if ephemeral else 0)
        message = self.sandbox.create_message(
            handle.channel, handle.bot.user, body, files=files, type=self._interaction_message_type(handle),
            webhook_id=handle.bot.application_id, application_id=handle.bot.application_id,
            interaction_metadata=metadata, message_reference=reference, ephemeral=ephemeral)
        if ephemeral:
            message.visible_to = handle.user.id
        return message

    def _handle_for(self, ctx: Ctx, *, webhook: bool) -> InteractionHandle:
        handle = self.sandbox.interaction_by_token(ctx.match["token"])
        if webhook:
            if handle is None or str(handle.bot.application_id) != ctx.match["application_id"]:
                raise discord_error(404, 10015, "Unknown Webhook")
            if time.monotonic() - handle.created_monotonic > self.sandbox.interaction_token_lifetime:
                raise discord_error(401, 50027, "Invalid Webhook Token")
            return handle
        if handle is None or str(handle.id) != ctx.match["interaction_id"]:
            raise discord_error(404, 10062, "Unknown interaction")
        return handle

    async def interaction_callback(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=False)
        try:
            return self._callback(ctx, handle)
        except (FormError, DiscordError) as error:
            body = error.body()
            status = 400 if isinstance(error, FormError) else error.status
            handle.rejected.append((status, body.get("code", 0), body.get("message", "")))
            self.sandbox.interaction_changed(handle)
            raise

    def _callback(self, ctx: Ctx, handle: InteractionHandle) -> tuple[int, Any]:
        sandbox = self.sandbox
        if handle.acknowledged:
            raise discord_error(400, 40060, "Interaction has already been acknowledged.")
        timeout = sandbox.interaction_ack_timeout
        if timeout is not None and time.monotonic() - handle.created_monotonic > timeout:
            raise discord_error(404, 10062, "Unknown interaction")
        body = ctx.body
        if not isinstance(body, dict) or not isinstance(body.get("type"), int):
            error = FormError()
            error.add(("type",), "BASE_TYPE_REQUIRED", "This field is required")
            raise error
        callback_type = body["type"]
        data = body.get("data") or {}
        allowed = _ALLOWED_CALLBACKS.get(handle.type, set())
        if callback_type == CALLBACK_UPDATE_MESSAGE or callback_type == CALLBACK_DEFERRED_UPDATE_MESSAGE:
            if handle.type == MODAL_SUBMIT and handle.message is None:
                allowed = allowed - {CALLBACK_UPDATE_MESSAGE, CALLBACK_DEFERRED_UPDATE_MESSAGE}
        if callback_type not in allowed:
            error = FormError()
            error.add(("type",), "INTERACTION_CALLBACK_TYPE_INVALID",
                      f"Interaction callback type {callback_type} is not allowed for this interaction")
            raise error
        resource: dict[str, Any] | None = None
        files = ctx.files
        if callback_type == CALLBACK_CHANNEL_MESSAGE:
            validate_message(data, creating=True, file_count=len(files), interaction=True)
            ephemeral = bool((data.get("flags") or 0) & FLAG_EPHEMERAL)
            handle.acked_at = time.perf_counter()
            message = self._interaction_message(handle, data, files, ephemeral=ephemeral)
            handle.response = message
            resource = {"type": callback_type, "message": message.to_dict()}
        elif callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            ephemeral = bool((data.get("flags") or 0) & FLAG_EPHEMERAL)
            handle.acked_at = time.perf_counter()
            message = self._interaction_message(handle, {}, (), ephemeral=ephemeral, loading=True)
            handle.response = message
            resource = {"type": callback_type, "message": message.to_dict()}
        elif callback_type == CALLBACK_DEFERRED_UPDATE_MESSAGE:
            handle.acked_at = time.perf_counter()
        elif callback_type == CALLBACK_UPDATE_MESSAGE:
            validate_message(data, creating=False, file_count=len(files), interaction=True)
            assert handle.message is not None
            handle.acked_at = time.perf_counter()
            self._edit_checked(handle.message, data, files)
            handle.updated_message = handle.message
            resource = {"type": callback_type, "message": handle.message.to_dict()}
        elif callback_type == CALLBACK_AUTOCOMPLETE_RESULT:
            validate_autocomplete(data)
            handle.acked_at = time.perf_counter()
            handle.choices = list(data.get("choices") or [])
        elif callback_type == CALLBACK_MODAL:
            validate_modal(data)
            handle.acked_at = time.perf_counter()
            handle.modal = data
            sandbox.register_open_modal(handle)
            resource = {"type": callback_type}
        handle.callback_type = callback_type
        handle.callback_data = data
        sandbox.interaction_changed(handle)
        if ctx.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        response_message = handle.response
        interaction_info: dict[str, Any] = {
            "id": str(handle.id),
            "type": handle.type,
            "activity_instance_id": None,
            "response_message_id": str(response_message.id) if response_message else None,
            "response_message_loading": bool(response_message and response_message.flags & FLAG_LOADING),
            "response_message_ephemeral": bool(response_message and response_message.ephemeral),
        }
        result: dict[str, Any] = {"interaction": interaction_info}
        if resource is not None:
            result["resource"] = resource
        return 200, result

    def _original(self, handle: InteractionHandle) -> Message:
        if handle.response is not None:
            return handle.response
        if handle.callback_type in (CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE) and handle.message:
            return handle.message
        raise unknown_message()

    def _webhook_message(self, ctx: Ctx, handle: InteractionHandle) -> Message:
        if ctx.match["message_id"] == "@original":
            return self._original(handle)
        message_id = ctx.snowflake("message_id")
        for message in handle.followups:
            if message.id == message_id:
                return message
        if handle.response is not None and handle.response.id == message_id:
            return handle.response
        raise unknown_message()

    async def followup_create(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        if not handle.acknowledged:
            raise discord_error(404, 10015, "Unknown Webhook")
        payload = ctx.body
        validate_message(payload, creating=True, file_count=len(ctx.files), interaction=True)
        response = handle.response
        if (handle.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE and response is not None
                and response.flags & FLAG_LOADING):
            # Discord: the first follow-up after a deferred response edits the loading message instead.
            self._edit_checked(response, payload, ctx.files, clear_loading=True)
            message = response
        else:
            ephemeral = bool((payload.get("flags") or 0) & FLAG_EPHEMERAL)
            message = self._interaction_message(handle, payload, ctx.files, ephemeral=ephemeral)
            handle.followups.append(message)
        self.sandbox.interaction_changed(handle)
        if ctx.query.get("wait") in ("1", "true", "True"):
            return 200, message.to_dict()
        return 204, None

    async def webhook_message_get(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        return 200, self._webhook_message(ctx, handle).to_dict()

    async def webhook_message_edit(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        message = self._webhook_message(ctx, handle)
        validate_message(ctx.body, creating=False, file_count=len(ctx.files), interaction=True)
        self._edit_checked(message, ctx.body, ctx.files, clear_loading=True)
        if message is handle.message:
            handle.updated_message = message
        self.sandbox.interaction_changed(handle)
        return 200, message.to_dict()

    async def webhook_message_delete(self, ctx: Ctx) -> tuple[int, Any]:
        handle = self._handle_for(ctx, webhook=True)
        message = self._webhook_message(ctx, handle)
        self.sandbox.delete_message(message)
        self.sandbox.interaction_changed(handle)
        return 204, None
