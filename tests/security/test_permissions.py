"""Server-side permission checks: Discord's `default_member_permissions` only hides commands in the client, so a
crafted interaction from a member without Manage Server must be refused by the bot itself, for every admin command
(found from what the bot registered, so a new one cannot slip through), every admin context-menu action, and the
autocomplete behind them; /summary is refused to members who are neither the author, an author-role member nor an
admin."""

from __future__ import annotations

from typing import Any

from bot.cogs.client import ReaderBot
from bot.cogs.i18n import MESSAGES
from bot.sandbox.bot_accounts import ApplicationCommand
from e2e.articles import FOUR_DAY_WEEK
from e2e.harness import BlogServer, SandboxWorld
from security.helpers import blog_with_article, command, database_rows, settled_database_rows, subscribe, wait_for_article

NOT_ALLOWED = MESSAGES["error.not_allowed"]["de"]  # bob's client is German
KNOWN_ADMIN_ACTIONS = {"feed add", "feed remove", "feed list", "config show", "config set", "config author", "poll close", "Close poll",
                       "poll add", "poll edit", "poll delete", "Edit poll"}  # editors (issue 13)
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


def _admin_commands(world: SandboxWorld) -> list[ApplicationCommand]:
    """Every command the bot registered that Discord's client would show to admins only."""
    registered = list(world.bot.global_commands.values())
    for commands in world.bot.guild_commands.values():
        registered += list(commands.values())
    return [c for c in registered if c.default_member_permissions not in (None, "0")]


def _leaves(command: ApplicationCommand) -> list[tuple[str, list[dict[str, Any]]]]:
    """(subcommand path, its options) for each runnable leaf of a slash command."""
    subcommands = [o for o in command.options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if not subcommands:
        return [("", command.options)]
    leaves = []
    for option in subcommands:
        if option["type"] == SUB_COMMAND:
            leaves.append((option["name"], option.get("options") or []))
        else:
            leaves += [(f"{option['name']} {leaf['name']}", leaf.get("options") or []) for leaf in option.get("options") or []]
    return leaves


def _value(option: dict[str, Any], world: SandboxWorld, known: dict[str, Any]) -> Any:
    """A value an admin could really have sent for this option (the most damaging one where there is a choice)."""
    if option["name"] in known:
        return known[option["name"]]
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == 3:
        return "1"
    if kind == 4:
        return int(option.get("max_value", 1))
    if kind == 5:
        return False
    if kind == 6:
        return world.admin
    if kind == 7:
        return world.channel
    if kind == 8:
        return world.sandbox.bot_role(world.guild)
    return 1


async def test_every_admin_command_and_action_refuses_a_crafted_interaction_without_manage_server(
    blog: BlogServer, running_bot: ReaderBot, world: SandboxWorld
) -> None:
    sandbox = world.sandbox
    await subscribe(world, world.admin, blog.feed_url, world.channel)
    url = blog_with_article(blog, "week", "A four-day week", FOUR_DAY_WEEK)
    article, polls = await wait_for_article(world, world.channel, url, 3)
    poll_id = polls[0].components[0]["components"][0]["custom_id"].split(":")[2]
    known = {"url": blog.feed_url, "poll": poll_id, "poll_duration": "5m", "digest": "mon 09", "name": "Ada Lovelace",
             "summary_channel": world.channel, "member": world.member}
    before = await settled_database_rows(running_bot)
    requests_before = len(sandbox.requests)

    tried: set[str] = set()
    for registered in _admin_commands(world):
        if registered.type == 3:  # a message context menu: used on a poll message
            handles = [await sandbox.use_message_command(world.member, registered.name, polls[0], crafted=True)]
            tried.add(registered.name)
        else:
            handles = []
            for path, options in _leaves(registered):
                values = {option["name"]: _value(option, world, known) for option in options}
                handles.append(await sandbox.run_slash_command(world.member, registered.name, values, subcommand=path or None,
                                                               channel=world.channel, crafted=True))
                tried.add(f"{registered.name} {path}".strip())
                # The autocomplete behind an admin option offers members nothing.
                for option in options:
                    if option.get("autocomplete"):
                        suggestions = await sandbox.autocomplete(world.member, registered.name, {option["name"]: ""}, option["name"],
                                                                 subcommand=path or None, channel=world.channel, crafted=True)
                        await suggestions.wait_response(timeout=5)
                        assert suggestions.choices == [], (registered.name, path, suggestions.choices)
        for handle in handles:
            await handle.wait_response(timeout=10)
            assert handle.ephemeral and NOT_ALLOWED in handle.text, (handle.command_name, handle.text)
    assert KNOWN_ADMIN_ACTIONS <= tried, KNOWN_ADMIN_ACTIONS - tried

    # Nothing changed: no row, no message, no edit, no thread; only the refusals went out.
    assert await database_rows(running_bot) == before
    sent = [r for r in sandbox.requests[requests_before:] if r.method != "GET" and "/interactions/" not in r.path]
    assert sent == [], [(r.method, r.path) for r in sent]
    assert len(world.channel_messages()) == 1 and len(world.thread_messages(article)) == 3

    # The same commands work for the admin (the refusals above were about the member, not the commands).
    listed = await command(world, world.admin, "feed", subcommand="list")
    assert blog.feed_url in listed.text


async def test_summary_is_refused_to_members_who_are_neither_author_nor_admin(
    blog: BlogServer, running_bot: ReaderBot, world: SandboxWorld
) -> None:
    await subscribe(world, world.admin, blog.feed_url, world.channel)
    url = blog_with_article(blog, "week", "A four-day week", FOUR_DAY_WEEK, author="Grace Hopper")
    await wait_for_article(world, world.channel, url, 3)
    refused = await command(world, world.member, "summary", {"article": url}, timeout=15)
    assert refused.ephemeral and MESSAGES["summary.not_allowed"]["de"] in refused.text, refused.text
    assert not refused.shown_message.attachments and "█" not in refused.text
    allowed = await command(world, world.admin, "summary", {"article": url}, timeout=20)
    assert allowed.ephemeral and "Would you work four days a week" in allowed.text
