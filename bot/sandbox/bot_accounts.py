"""Bot accounts in the sandbox's state: a bot user, its token, its application and its application commands.

Separate from bot.sandbox.state because a bot's application and commands are what the sandbox keeps per bot,
apart from the guilds and channels it shares with members.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.state import User


class BotAccount:
    """A bot user, its token and its application (one application per bot, as on Discord)."""

    def __init__(self, user: User, token: str, application_id: int, *, application_name: str,
                 privileged_intents: int) -> None:
        self.user = user
        self.token = token
        self.application_id = application_id
        self.application_name = application_name
        self.privileged_intents = privileged_intents
        self.global_commands: dict[int, ApplicationCommand] = {}
        self.guild_commands: dict[int, dict[int, ApplicationCommand]] = {}
        self.verify_key = secrets.token_hex(32)

    @property
    def id(self) -> int:
        return self.user.id

    def application_flags(self) -> int:
        from bot.sandbox.gateway import (
            INTENT_GUILD_MEMBERS,
            INTENT_GUILD_PRESENCES,
            INTENT_MESSAGE_CONTENT,
        )

        flags = 0
        if self.privileged_intents & INTENT_GUILD_PRESENCES:
            flags |= 1 << 13
        if self.privileged_intents & INTENT_GUILD_MEMBERS:
            flags |= 1 << 15
        if self.privileged_intents & INTENT_MESSAGE_CONTENT:
            flags |= 1 << 19
        return flags

    def application_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": self.application_name,
            "icon": None,
            "description": "A reader-bot sandbox application.",
            "summary": "",
            "type": None,
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.user.to_dict(),
            "team": None,
            "verify_key": self.verify_key,
            "flags": self.application_flags(),
            "bot": self.user.to_dict(),
            "hook": True,
            "interactions_endpoint_url": None,
            "install_params": None,
            "integration_types_config": {"0": {}},
            "redirect_uris": [],
            "tags": [],
        }

    def commands_for(self, guild_id: int | None) -> dict[int, ApplicationCommand]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    def find_command(self, name: str, guild_id: int | None, command_type: int = 1) -> ApplicationCommand | None:
        """Guild commands shadow global ones, as in Discord's client."""
        if guild_id is not None:
            for command in self.guild_commands.get(guild_id, {}).values():
                if command.name == name and command.type == command_type:
                    return command
        for command in self.global_commands.values():
            if command.name == name and command.type == command_type:
                return command
        return None


@dataclass
class ApplicationCommand:
    id: int
    application_id: int
    guild_id: int | None
    name: str
    type: int
    description: str
    options: list[dict[str, Any]]
    default_member_permissions: str | None
    raw: dict[str, Any]
    version: int

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.raw)
        data.update(
            id=str(self.id),
            application_id=str(self.application_id),
            version=str(self.version),
            name=self.name,
            type=self.type,
            description=self.description,
            options=self.options,
            default_member_permissions=self.default_member_permissions,
        )
        data.setdefault("dm_permission", True)
        data.setdefault("nsfw", False)
        data.setdefault("integration_types", [0])
        data.setdefault("contexts", None)
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data
