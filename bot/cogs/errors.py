"""One place that turns every error a command can end in into one polite, ephemeral sentence in the member's
language: domain errors (bot/errors.py), feed errors (bot/feeds/errors.py) and app_commands check failures.
Anything unexpected is logged with its traceback and the member hears that nothing was changed.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.cogs.checks import MissingManageServer
from bot.cogs.i18n import MESSAGES, language_for, t
from bot.errors import AlreadyExists, InvalidInput, NotAllowed, NotFound, PollClosed, ReaderBotError
from bot.feeds.errors import AddressRefused, FeedError, FetchFailed, InvalidUrl, NotAFeed, TooManyRedirects

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

_DOMAIN_KEYS: tuple[tuple[type[ReaderBotError], str], ...] = (
    (NotAllowed, "error.not_allowed"),
    (NotFound, "error.not_found"),
    (PollClosed, "error.poll_closed"),
    (AlreadyExists, "error.already_exists"),
    (InvalidInput, "error.invalid_input"),
)


def escape(text: str) -> str:
    """Text from outside (URLs, titles, reasons) shown in our sentences: no markdown, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(str(text)))


def _escaped(values: dict[str, Any]) -> dict[str, Any]:
    return {name: escape(value) if isinstance(value, str) else value for name, value in values.items()}


def feed_error_message(error: FeedError) -> tuple[str, dict[str, Any]]:
    reason = error.reason.rstrip(".")
    if isinstance(error, InvalidUrl):
        return "feed.url_invalid", {"reason": reason}
    if isinstance(error, AddressRefused):
        return "feed.private_address", {"reason": reason}
    if isinstance(error, FetchFailed | TooManyRedirects):
        return "feed.unreachable", {"reason": reason}
    if isinstance(error, NotAFeed):
        if error.feed_links:
            return "feed.not_a_feed_links", {"links": " ".join(f"<{link}>" for link in error.feed_links[:5])}
        return "feed.not_a_feed", {"reason": reason}
    return "feed.unreadable", {"reason": reason}


def describe_error(error: BaseException) -> tuple[str, dict[str, Any]]:
    """The MESSAGES key and its values for `error`; ("error.generic", {}) for anything unexpected."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, ReaderBotError):
        if error.message_key and error.message_key in MESSAGES:
            return error.message_key, _escaped(error.values)
        for error_type, key in _DOMAIN_KEYS:
            if isinstance(error, error_type):
                return key, {}
        return "error.generic", {}
    if isinstance(error, FeedError):
        key, values = feed_error_message(error)
        return key, _escaped(values) if key != "feed.not_a_feed_links" else values
    if isinstance(error, MissingManageServer | app_commands.MissingPermissions):
        return "error.not_allowed", {}
    if isinstance(error, app_commands.NoPrivateMessage):
        return "error.guild_only", {}
    if isinstance(error, app_commands.TransformerError):
        return "error.invalid_input", {}
    if isinstance(error, app_commands.BotMissingPermissions | discord.Forbidden):
        return "error.bot_forbidden", {}
    if isinstance(error, app_commands.CheckFailure):
        return "error.not_allowed", {}
    return "error.generic", {}


def error_text(error: BaseException, locale: object) -> str:
    key, values = describe_error(error)
    try:
        return t(key, language_for(locale), **values)
    except (KeyError, IndexError, ValueError):  # a template and its values disagree: still say something polite
        log.exception("message %s could not be formatted", key)
        return t("error.generic", language_for(locale))


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> bool:
    """Answer the interaction (or follow up when it was deferred) so only the member sees it; False when Discord
    refused it (the interaction expired, the member's client is gone). That is logged in one line: a traceback per
    click would only slow a bot that is already behind."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as error:
        log.warning("could not answer interaction %s: %s %s", interaction.id, error.status, error.text or "")
        return False
    return True


async def on_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    key, _values = describe_error(error)
    command = interaction.command.qualified_name if interaction.command else "?"
    if key == "error.generic":
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error("command /%s failed", command, exc_info=(type(original), original, original.__traceback__))
    else:
        log.info("command /%s refused: %s", command, key)
    await reply_ephemeral(interaction, error_text(error, interaction.locale))


def install_error_handler(tree: app_commands.CommandTree[Any]) -> None:
    tree.error(on_app_command_error)
