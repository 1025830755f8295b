"""The one interaction listener hands each click to the cog whose custom id prefix it carries (bot/cogs/routes.py)."""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest

from bot.cogs.routes import InteractionRoutes


def click(custom_id: object, kind: discord.InteractionType = discord.InteractionType.component) -> SimpleNamespace:
    return SimpleNamespace(type=kind, data={"custom_id": custom_id})


@pytest.fixture
def routes_and_calls() -> tuple[InteractionRoutes, list[tuple[str, str]]]:
    calls: list[tuple[str, str]] = []

    async def polls(interaction: object, custom_id: str) -> None:
        calls.append(("polls", custom_id))

    async def review(interaction: object, custom_id: str) -> None:
        calls.append(("review", custom_id))

    routes = InteractionRoutes()
    routes.add(("rb:vote:", "rb:answer:"), polls)
    routes.add(("rb:review:",), review)
    return routes, calls


async def test_each_click_reaches_the_handler_of_its_prefix_only(routes_and_calls) -> None:
    routes, calls = routes_and_calls
    await routes.dispatch(click("rb:vote:1:2"))
    await routes.dispatch(click("rb:review:7:approve"))
    await routes.dispatch(click("rb:answer:3", discord.InteractionType.modal_submit))
    assert calls == [("polls", "rb:vote:1:2"), ("review", "rb:review:7:approve"), ("polls", "rb:answer:3")]


async def test_clicks_of_others_commands_and_missing_ids_are_left_alone(routes_and_calls) -> None:
    routes, calls = routes_and_calls
    await routes.dispatch(click("someone-elses-button"))
    await routes.dispatch(click(None))
    await routes.dispatch(click("rb:vote:1:2", discord.InteractionType.application_command))
    assert calls == []


async def test_a_removed_handler_gets_nothing(routes_and_calls) -> None:
    routes, calls = routes_and_calls
    handler = routes.handler_for("rb:review:1")
    assert handler is not None
    routes.remove(handler)
    await routes.dispatch(click("rb:review:1:approve"))
    assert routes.handler_for("rb:review:1") is None and calls == []


def test_a_prefix_routed_twice_is_refused(routes_and_calls) -> None:
    routes, _ = routes_and_calls

    async def other(interaction: object, custom_id: str) -> None:
        return None

    with pytest.raises(ValueError, match="already routed"):
        routes.add(("rb:vote:x",), other)
    with pytest.raises(ValueError, match="already routed"):
        routes.add(("rb:",), other)


async def test_the_bot_gets_one_listener_however_many_cogs_ask() -> None:
    from discord.ext import commands

    from bot.cogs.routes import routes_for

    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    first, second = routes_for(bot), routes_for(bot)
    assert first is second
    assert bot.extra_events["on_interaction"] == [first.dispatch]
