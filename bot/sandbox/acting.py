"""What a member's Discord client does: clicks, selects, modals, slash and context-menu commands."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.sandbox import permissions as perms
from bot.sandbox.bot_accounts import ApplicationCommand, BotAccount
from bot.sandbox.gateway import (
    dumps,
)
from bot.sandbox.interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
)
from bot.sandbox.message_state import Message
from bot.sandbox.state import Channel, Member, Role, SandboxUsageError, User

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024




class MemberActionsMixin:
    """Part of `Sandbox`: interactions a member starts, checked as Discord's client would."""

    # -- interactions ------------------------------------------------------------------------------------------

    def _new_handle(self, *, type: int, bot: BotAccount, member: Member | None, user: User, channel: Channel,
                    data: dict[str, Any], message: Message | None = None, custom_id: str | None = None,
                    command_name: str | None = None, values: Any = None) -> InteractionHandle:
        state = self.state
        handle = InteractionHandle(id=state.next_id(), token=f"aW50ZXJhY3Rpb246.{secrets.token_urlsafe(48)}",
                                   type=type, bot=bot, user=user, member=member, guild=channel.guild,
                                   channel=channel, data=data, message=message, custom_id=custom_id,
                                   command_name=command_name, values=values)
        self.interactions[handle.id] = handle
        self._interactions_by_token[handle.token] = handle
        return handle

    def _send_interaction(self, handle: InteractionHandle) -> InteractionHandle:
        bot = handle.bot
        guild = handle.guild
        channel = handle.channel
        payload: dict[str, Any] = {
            "id": str(handle.id),
            "application_id": str(bot.application_id),
            "type": handle.type,
            "data": handle.data,
            "token": handle.token,
            "version": 1,
            "locale": handle.member.locale if handle.member is not None else handle.user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
        }
        # The large, rarely changing parts (member, message) are cached JSON spliced into the frame.
        spliced: list[str] = []
        if guild is not None:
            member = handle.member
            assert member is not None
            member_permissions = str(perms.channel_permissions(guild, member, channel))
            payload["guild_id"] = str(guild.id)
            payload["guild"] = guild.partial_dict()
            payload["guild_locale"] = guild.locale
            payload["app_permissions"] = str(perms.channel_permissions(guild, guild.members[bot.id], channel))
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
            payload["context"] = 0
            payload["channel"] = dict(channel.to_dict(), permissions=member_permissions)
            spliced += [',"member":', member.to_json()[:-1], ',"permissions":"', member_permissions, '"}']
        else:
            payload["user"] = handle.user.to_dict()
            payload["app_permissions"] = str(perms.ALL_PERMISSIONS & ~perms.ADMINISTRATOR)
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["context"] = 1
            payload["channel"] = channel.to_dict()
        if handle.message is not None:
            spliced += [',"message":', handle.message.to_json()]
        encoded = dumps(payload)
        if spliced:
            encoded = encoded[:-1] + "".join(spliced) + "}"
        handle.delivered_sessions = self.hub.dispatch(bot.id, "INTERACTION_CREATE", None,
                                                      guild_id=guild.id if guild else None, single=True,
                                                      encoded=encoded)
        return handle

    def _bot_for_message(self, message: Message, bot: BotAccount | None) -> BotAccount:
        if bot is not None:
            return bot
        if message.application_id is not None and message.application_id in self.state.bots_by_application:
            return self.state.bots_by_application[message.application_id]
        found = self.state.bots_by_id.get(message.author.id)
        return found or self.default_bot()

    async def click_button(self, member: Member | User, message: Message, custom_id: str, *,
                           crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """A member clicks a button on a message. crafted=True sends it even if no such enabled button exists."""
        return self.click_button_now(member, message, custom_id, crafted=crafted, bot=bot)

    def click_button_now(self, member: Member | User, message: Message, custom_id: str, *,
                         crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """Synchronous click_button, for tight benchmark loops."""
        component = message.find_component(custom_id)
        if not crafted:
            if component is None or component.get("type") != 2:
                raise SandboxUsageError(f"no button with custom_id {custom_id!r} on {message!r}")
            if component.get("disabled"):
                raise SandboxUsageError(f"the button {custom_id!r} is disabled")
            self._check_can_see(member, message)
        guild_member, user = self._member_and_user(member, message.channel)
        data = {"custom_id": custom_id, "component_type": 2}
        if component is not None and "id" in component:
            data["id"] = component["id"]
        handle = self._new_handle(type=MESSAGE_COMPONENT, bot=self._bot_for_message(message, bot),
                                  member=guild_member, user=user, channel=message.channel, data=data,
                                  message=message, custom_id=custom_id)
        return self._send_interaction(handle)

    async def click_many(self, clicks: Iterable[tuple[Member | User, Message, str]], *,
                         rate: float | None = None, crafted: bool = False) -> list[InteractionHandle]:
        """Clicks at a steady offered rate (per second; None: as fast as possible), for load tests."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        handles: list[InteractionHandle] = []
        for index, (member, message, custom_id) in enumerate(clicks):
            if rate:
                delay = start + index / rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            handles.append(self.click_button_now(member, message, custom_id, crafted=crafted))
            if not rate and index % 50 == 49:
                await asyncio.sleep(0)
        return handles

    async def select(self, member: Member | User, message: Message, custom_id: str, values: Sequence[str], *,
                     crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """A member picks values in a select menu on a message."""
        component = message.find_component(custom_id)
        component_type = component.get("type", 3) if component else 3
        values = [str(v) for v in values]
        if not crafted:
            if component is None or component_type not in (3, 5, 6, 7, 8):
                raise SandboxUsageError(f"no select menu with custom_id {custom_id!r} on {message!r}")
            if component.get("disabled"):
                raise SandboxUsageError(f"the select menu {custom_id!r} is disabled")
            _check_select_values(component, values)
            self._check_can_see(member, message)
        guild_member, user = self._member_and_user(member, message.channel)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type, "values": values}
        handle = self._new_handle(type=MESSAGE_COMPONENT, bot=self._bot_for_message(message, bot),
                                  member=guild_member, user=user, channel=message.channel, data=data,
                                  message=message, custom_id=custom_id, values=values)
        return self._send_interaction(handle)

    async def submit_modal(self, member: Member | User, custom_id: str | InteractionHandle,
                           values: Mapping[str, str | Sequence[str]], *, crafted: bool = False,
                           channel: Channel | None = None, bot: BotAccount | None = None) -> InteractionHandle:
        """A member submits the modal the bot opened for them.

        custom_id: the modal's, or the handle of the interaction that opened it. values: field custom_id (or its
        label) -> text, or a list of choices for a select. Required fields, min/max lengths and choices are
        enforced as Discord's client does, unless crafted=True.
        """
        if isinstance(custom_id, InteractionHandle):
            if custom_id.modal is None:
                raise SandboxUsageError(f"{custom_id!r} did not open a modal")
            custom_id = str(custom_id.modal.get("custom_id"))
        user = member.user if isinstance(member, Member) else member
        origin = self._open_modals.get((user.id, custom_id))
        if origin is None and not crafted:
            raise SandboxUsageError(f"no modal {custom_id!r} is open for {user!r}")
        if origin is not None:
            channel = origin.channel
            bot = bot or origin.bot
            fields = origin.modal_fields
            renamed: dict[str, str | Sequence[str]] = {}
            for key, value in values.items():
                try:
                    renamed[origin.modal_field_id(key)] = value
                except KeyError:
                    renamed[key] = value
            values = renamed
            components = _modal_submit_components(origin.modal or {}, values)
            if not crafted:
                unknown = set(values) - set(fields)
                if unknown:
                    raise SandboxUsageError(f"the modal has no field(s) {sorted(unknown)}")
                _check_modal_values(fields, values)
                del self._open_modals[(user.id, custom_id)]
            origin.modal_submitted = True
        else:
            if channel is None:
                raise SandboxUsageError("a crafted modal submit needs channel=")
            components = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                          for k, v in values.items()]
        assert channel is not None
        guild_member, user = self._member_and_user(member, channel)
        data = {"custom_id": custom_id, "components": components}
        source_message = origin.message if origin is not None else None
        handle = self._new_handle(type=MODAL_SUBMIT, bot=bot or self.default_bot(), member=guild_member, user=user,
                                  channel=channel, data=data, message=source_message, custom_id=custom_id,
                                  values=dict(values))
        handle.origin = origin
        return self._send_interaction(handle)

    async def run_slash_command(self, member: Member | User, name: str, options: Mapping[str, Any] | None = None,
                                *, channel: Channel, subcommand: str | None = None, crafted: bool = False,
                                bot: BotAccount | None = None) -> InteractionHandle:
        """A member runs /name [subcommand] with options ({option: value}; members, channels, roles as objects).

        The command must be registered by the bot (guild commands first, then global), the options must
        match its schema, and a member lacking its default_member_permissions cannot run it, as in Discord's
        client; crafted=True skips those checks to imitate a forged request.
        """
        return self._command_interaction(member, name, options or {}, channel=channel, subcommand=subcommand,
                                         crafted=crafted, bot=bot, focused=None)

    async def autocomplete(self, member: Member | User, name: str, options: Mapping[str, Any], focused: str, *,
                           channel: Channel, subcommand: str | None = None, crafted: bool = False,
                           bot: BotAccount | None = None) -> InteractionHandle:
        """A member types in option `focused`; the handle's `choices` hold what the bot suggested."""
        return self._command_interaction(member, name, options, channel=channel, subcommand=subcommand,
                                         crafted=crafted, bot=bot, focused=focused)

    def _command_interaction(self, member: Member | User, name: str, options: Mapping[str, Any], *,
                             channel: Channel, subcommand: str | None, crafted: bool, bot: BotAccount | None,
                             focused: str | None) -> InteractionHandle:
        parts = name.split()
        if subcommand:
            parts += subcommand.split()
        root, path = parts[0], parts[1:]
        guild = channel.guild
        bots = [bot] if bot is not None else list(self.state.bots_by_id.values())
        command: ApplicationCommand | None = None
        for candidate in bots:
            command = candidate.find_command(root, guild.id if guild else None)
            if command is not None:
                bot = candidate
                break
        if command is None:
            if not crafted:
                raise SandboxUsageError(f"no command /{root} is registered")
            bot = bot or self.default_bot()
        assert bot is not None
        guild_member, user = self._member_and_user(member, channel)
        if command is not None and not crafted and guild_member is not None:
            self._check_default_permissions(command, guild_member)
        schema = command.options if command is not None else []
        resolved: dict[str, dict[str, Any]] = {}
        leaf_schema = schema
        for part in path:
            found = next((o for o in leaf_schema if o.get("name") == part and o.get("type") in (1, 2)), None)
            if found is None and not crafted:
                raise SandboxUsageError(f"/{root} has no subcommand {part!r}")
            leaf_schema = (found or {}).get("options") or []
        built = self._build_options(leaf_schema, options, guild_member, channel, resolved, focused=focused,
                                    crafted=crafted)
        for part, kind in reversed(list(zip(path, self._path_kinds(schema, path)))):
            built = [{"type": kind, "name": part, "options": built}]
        data: dict[str, Any] = {"id": str(command.id) if command else str(self.state.next_id()), "name": root,
                                "type": 1, "options": built}
        if resolved:
            data["resolved"] = resolved
        if command is not None and command.guild_id is not None:
            data["guild_id"] = str(command.guild_id)
        handle = self._new_handle(type=APPLICATION_COMMAND_AUTOCOMPLETE if focused else APPLICATION_COMMAND,
                                  bot=bot, member=guild_member, user=user, channel=channel, data=data,
                                  command_name=" ".join([root] + path), values=dict(options))
        return self._send_interaction(handle)

    async def use_message_command(self, member: Member | User, name: str, message: Message, *,
                                  crafted: bool = False, bot: BotAccount | None = None) -> InteractionHandle:
        """A member picks Apps -> `name` on a message (a message context-menu command, type 3)."""
        return self._context_menu(member, name, 3, message.channel, message.id,
                                  {"messages": {str(message.id): message.to_dict()}}, crafted=crafted, bot=bot)

    async def use_user_command(self, member: Member | User, name: str, target: Member | User, *,
                               channel: Channel, crafted: bool = False,
                               bot: BotAccount | None = None) -> InteractionHandle:
        """A member picks Apps -> `name` on another member (a user context-menu command, type 2)."""
        target_user = target.user if isinstance(target, Member) else target
        resolved: dict[str, Any] = {"users": {str(target_user.id): target_user.to_dict()}}
        target_member = channel.guild.members.get(target_user.id) if channel.guild else None
        if target_member is not None:
            resolved["members"] = {str(target_user.id): dict(
                target_member.to_dict(with_user=False),
                permissions=str(perms.channel_permissions(target_member.guild, target_member, channel)))}
        return self._context_menu(member, name, 2, channel, target_user.id, resolved, crafted=crafted, bot=bot)

    def _context_menu(self, member: Member | User, name: str, command_type: int, channel: Channel, target_id: int,
                      resolved: dict[str, Any], *, crafted: bool, bot: BotAccount | None) -> InteractionHandle:
        guild = channel.guild
        command = None
        for candidate in ([bot] if bot is not None else list(self.state.bots_by_id.values())):
            command = candidate.find_command(name, guild.id if guild else None, command_type)
            if command is not None:
                bot = candidate
                break
        if command is None and not crafted:
            raise SandboxUsageError(f"no {'message' if command_type == 3 else 'user'} command {name!r} is registered")
        bot = bot or self.default_bot()
        guild_member, user = self._member_and_user(member, channel)
        if command is not None and not crafted and guild_member is not None:
            self._check_default_permissions(command, guild_member)
        data: dict[str, Any] = {"id": str(command.id) if command else str(self.state.next_id()), "name": name,
                                "type": command_type, "target_id": str(target_id), "resolved": resolved}
        if command is not None and command.guild_id is not None:
            data["guild_id"] = str(command.guild_id)
        handle = self._new_handle(type=APPLICATION_COMMAND, bot=bot, member=guild_member, user=user,
                                  channel=channel, data=data, command_name=name)
        return self._send_interaction(handle)

    @staticmethod
    def _check_default_permissions(command: ApplicationCommand, member: Member) -> None:
        required = command.default_member_permissions
        if required is None:
            return
        have = perms.base_permissions(member.guild, member)
        needed = int(required)
        if not have & perms.ADMINISTRATOR and (needed == 0 or have & needed != needed):
            raise SandboxUsageError(f"{command.name!r} is hidden from {member!r} by default_member_permissions")

    @staticmethod
    def _path_kinds(schema: list[dict[str, Any]], path: list[str]) -> list[int]:
        kinds = []
        level = schema
        for part in path:
            found = next((o for o in level if o.get("name") == part), None)
            kinds.append(found.get("type", 1) if found else (2 if len(kinds) < len(path) - 1 else 1))
            level = (found or {}).get("options") or []
        return kinds

    def _build_options(self, schema: list[dict[str, Any]], options: Mapping[str, Any], member: Member | None,
                       channel: Channel, resolved: dict[str, dict[str, Any]], *, focused: str | None,
                       crafted: bool) -> list[dict[str, Any]]:
        by_name = {o.get("name"): o for o in schema}
        if not crafted:
            unknown = [n for n in options if n not in by_name]
            if unknown:
                raise SandboxUsageError(f"unknown option(s) {unknown}; the command has {sorted(by_name)}")
            if focused is None:
                missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
                if missing:
                    raise SandboxUsageError(f"missing required option(s) {missing}")
        built = []
        for option_name, value in options.items():
            option_schema = by_name.get(option_name, {})
            kind = option_schema.get("type") or _infer_option_type(value)
            entry: dict[str, Any] = {"name": option_name, "type": kind}
            if kind in (6, 9) and isinstance(value, (Member, User)):
                target_user = value.user if isinstance(value, Member) else value
                resolved.setdefault("users", {})[str(target_user.id)] = target_user.to_dict()
                guild_member = channel.guild.members.get(target_user.id) if channel.guild else None
                if guild_member is not None:
                    resolved.setdefault("members", {})[str(target_user.id)] = dict(
                        guild_member.to_dict(with_user=False),
                        permissions=str(perms.channel_permissions(channel.guild, guild_member, channel)))
                entry["value"] = str(target_user.id)
            elif kind in (8, 9) and isinstance(value, Role):
                resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
                entry["value"] = str(value.id)
            elif kind == 7 and isinstance(value, Channel):
                channel_data = value.to_dict()
                if member is not None and value.guild is not None:
                    channel_data["permissions"] = str(perms.channel_permissions(value.guild, member, value))
                else:
                    channel_data["permissions"] = "0"
                resolved.setdefault("channels", {})[str(value.id)] = channel_data
                entry["value"] = str(value.id)
                allowed_types = option_schema.get("channel_types")
                if allowed_types and value.type not in allowed_types and not crafted:
                    raise SandboxUsageError(f"option {option_name!r} accepts channel types {allowed_types}")
            elif option_name == focused:
                entry["value"] = "" if value is None else str(value)
                entry["focused"] = True
            elif kind == 4:
                entry["value"] = int(value)
            elif kind == 10:
                entry["value"] = float(value)
            elif kind == 5:
                entry["value"] = bool(value)
            elif kind in (6, 7, 8, 9):
                entry["value"] = str(getattr(value, "id", value))
            else:
                entry["value"] = str(value)
            choices = option_schema.get("choices")
            if choices and not crafted and option_name != focused:
                if entry["value"] not in [c.get("value") for c in choices]:
                    raise SandboxUsageError(f"{entry['value']!r} is not a choice of option {option_name!r}")
            built.append(entry)
        return built

    def _member_and_user(self, member: Member | User, channel: Channel) -> tuple[Member | None, User]:
        if isinstance(member, Member):
            if channel.guild is not None and member.guild is not channel.guild:
                other = channel.guild.members.get(member.user.id)
                if other is None:
                    raise SandboxUsageError(f"{member!r} is not a member of {channel.guild!r}")
                return other, member.user
            return (member if channel.guild is not None else None), member.user
        if channel.guild is not None:
            guild_member = channel.guild.members.get(member.id)
            if guild_member is None:
                raise SandboxUsageError(f"{member!r} is not a member of {channel.guild!r}")
            return guild_member, member
        return None, member

    def _check_can_see(self, member: Member | User, message: Message) -> None:
        user = member.user if isinstance(member, Member) else member
        if message.ephemeral:
            owner = getattr(message, "visible_to", None)
            if owner is not None and owner != user.id:
                raise SandboxUsageError("an ephemeral message is only visible to the member it was sent to")
        if message.deleted:
            raise SandboxUsageError("the message was deleted")

    def interaction_by_token(self, token: str) -> InteractionHandle | None:
        return self._interactions_by_token.get(token)

    def register_open_modal(self, handle: InteractionHandle) -> None:
        assert handle.modal is not None
        self._open_modals[(handle.user.id, str(handle.modal.get("custom_id")))] = handle



def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    if isinstance(value, (Member, User)):
        return 6
    if isinstance(value, Channel):
        return 7
    if isinstance(value, Role):
        return 8
    return 3


def _check_select_values(component: Mapping[str, Any], values: Sequence[str]) -> None:
    min_values = component.get("min_values", 1)
    max_values = component.get("max_values", 1)
    if not min_values <= len(values) <= max_values:
        raise SandboxUsageError(f"choose between {min_values} and {max_values} values")
    if component.get("type", 3) == 3:
        offered = {o.get("value") for o in component.get("options") or []}
        unknown = [v for v in values if v not in offered]
        if unknown:
            raise SandboxUsageError(f"{unknown} are not options of the select menu")


def _check_modal_values(fields: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any]) -> None:
    for custom_id, field in fields.items():
        value = values.get(custom_id)
        if field.get("type") == 4:
            text = "" if value is None else str(value)
            required = field.get("required", True)
            if required and not text:
                raise SandboxUsageError(f"the field {custom_id!r} is required")
            if text:
                if len(text) < int(field.get("min_length") or 0):
                    raise SandboxUsageError(f"{custom_id!r} needs at least {field.get('min_length')} characters")
                if len(text) > int(field.get("max_length") or 4000):
                    raise SandboxUsageError(f"{custom_id!r} takes at most {field.get('max_length') or 4000} characters")
        elif value is not None:
            _check_select_values(field, [str(v) for v in value])


def _modal_submit_components(modal: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """MODAL_SUBMIT components mirror the modal's layout: action rows or labels around each field."""

    def submitted(component: Mapping[str, Any]) -> dict[str, Any]:
        custom_id = component.get("custom_id")
        value = values.get(custom_id) if custom_id is not None else None
        entry: dict[str, Any] = {"type": component.get("type"), "custom_id": custom_id}
        if "id" in component:
            entry["id"] = component["id"]
        if component.get("type") == 4:
            entry["value"] = "" if value is None else str(value)
        else:
            entry["values"] = [str(v) for v in (value or [])]
        return entry

    result = []
    for component in modal.get("components") or []:
        kind = component.get("type")
        if kind == 1:
            result.append({"type": 1, "components": [submitted(c) for c in component.get("components") or []]})
        elif kind == 18 and isinstance(component.get("component"), Mapping):
            label: dict[str, Any] = {"type": 18, "component": submitted(component["component"])}
            if "id" in component:
                label["id"] = component["id"]
            result.append(label)
    return result


