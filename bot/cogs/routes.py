"""One listener for every component click and form the bot's cogs answer, routed by custom id prefix.

discord.py runs each `on_interaction` listener as a task of its own for every interaction, so with one listener
per cog every vote click started a task per cog, most of them only to find that the click was not theirs (issue
11: the second listener cost about as much per click as storing the vote). The bot's own `on_interaction` hands
each click to the one cog whose prefix its custom id carries: `routes_for(bot)` installs that one listener on
the bot the first time a cog asks for it. Slash commands and context menus do not come here:
discord.py's command tree answers them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import discord
from discord.ext import commands

log = logging.getLogger(__name__)

InteractionHandler = Callable[[discord.Interaction, str], Awaitable[None]]


class InteractionRoutes:
    """Custom id prefixes and the handler each belongs to; a cog adds its own when loaded, removes them when
    unloaded."""

    def __init__(self) -> None:
        self._routes: list[tuple[tuple[str, ...], InteractionHandler]] = []

    def add(self, prefixes: Iterable[str], handler: InteractionHandler) -> None:
        wanted = tuple(prefixes)
        for owned, owner in self._routes:
            clash = [prefix for prefix in wanted if prefix.startswith(owned) or any(o.startswith(prefix) for o in owned)]
            if clash and owner != handler:
                raise ValueError(f"custom id prefixes {clash} are already routed to {owner!r}")
        self._routes.append((wanted, handler))

    def remove(self, handler: InteractionHandler) -> None:
        self._routes = [(prefixes, owner) for prefixes, owner in self._routes if owner != handler]

    def handler_for(self, custom_id: str) -> InteractionHandler | None:
        for prefixes, handler in self._routes:
            if custom_id.startswith(prefixes):
                return handler
        return None

    async def dispatch(self, interaction: discord.Interaction) -> None:
        """Hand a component click or form submission to the handler of its custom id; anything else is not ours."""
        if interaction.type not in (discord.InteractionType.component, discord.InteractionType.modal_submit):
            return
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        custom_id = data.get("custom_id")
        if not isinstance(custom_id, str):
            return
        handler = self.handler_for(custom_id)
        if handler is not None:
            await handler(interaction, custom_id)


def routes_for(bot: commands.Bot) -> InteractionRoutes:
    """The bot's routes, made (with their one `on_interaction` listener) when the first cog asks."""
    routes = getattr(bot, "interaction_routes", None)
    if not isinstance(routes, InteractionRoutes):
        routes = InteractionRoutes()
        bot.interaction_routes = routes  # type: ignore[attr-defined]
        bot.add_listener(routes.dispatch, "on_interaction")
    return routes
