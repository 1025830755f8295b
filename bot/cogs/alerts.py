"""Telling a guild's admins about delivery problems (issue 12): one notice per problem, one more when it is fixed.

Where: the guild's alerts channel (`/config set alerts_channel:`), else its summary channel, else a direct
message to the admin who added the feed. A notice that cannot be sent in a channel goes to that admin instead;
a notice that cannot be sent at all is logged (it is never retried in a loop).
"""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from bot.cogs.checks import POSTING_PERMISSIONS
from bot.cogs.i18n import language_for, t
from bot.storage.database import Database
from bot.storage.delivery import ProblemChange, alerts_destination, article_notice_info

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


def permission_names(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(name.replace("_", " ").title().replace(" In ", " in ") for name in names)


def problem_text(language: str, problem: str, *, feed: str, channel_id: int, detail: str | None, since: str = "") -> str:
    """The notice (and `/feed list` line) for a problem: what is wrong and what to do."""
    channel = f"<#{channel_id}>"
    feed = discord.utils.escape_markdown(feed)
    if problem == "missing_permissions":
        names = permission_names(detail.split(",") if detail else POSTING_PERMISSIONS)
        return t("delivery.missing_permissions", language, feed=feed, channel=channel, permissions=names)
    if problem == "channel_deleted":
        return t("delivery.channel_deleted", language, feed=feed)
    if problem == "feed_gone":
        return t("delivery.feed_gone", language, feed=feed, since=since, error=discord.utils.escape_markdown(detail or "?"))
    if problem == "no_attach_files":
        summary_channel = f"<#{detail}>" if detail and detail.isdigit() else channel
        return t("delivery.no_attach_files", language, feed=feed, channel=summary_channel)
    return t("delivery.other", language, feed=feed, channel=channel, problem=problem)


class Alerts:
    """Sends the notices; `sent` keeps (guild id, text) of each one sent by this process (for logs and tests)."""

    def __init__(self, bot: discord.Client, database: Database) -> None:
        self.bot = bot
        self.database = database
        self.sent: list[tuple[int, str]] = []

    async def _language(self, guild_id: int, chosen: str | None) -> str:
        if chosen in ("de", "en"):
            return chosen
        guild = self.bot.get_guild(guild_id)
        return language_for(guild.preferred_locale) if guild is not None else "en"

    async def send(self, guild_id: int, admin_id: int | None, render: object) -> bool:
        """`render(language) -> text`; True when the notice reached someone."""
        async with self.database.session() as session:
            alerts_channel, summary_channel, chosen = await alerts_destination(session, guild_id)
        language = await self._language(guild_id, chosen)
        text = render(language)  # type: ignore[operator]
        for channel_id in (alerts_channel, summary_channel):
            if channel_id is None:
                continue
            try:
                await self.bot.get_partial_messageable(channel_id).send(text, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not send a notice to channel %s of guild %s: %s", channel_id, guild_id, error)
                continue
            self.sent.append((guild_id, text))
            log.info("notice to guild %s in channel %s: %s", guild_id, channel_id, text)
            return True
        if admin_id is not None:
            try:
                user = self.bot.get_user(admin_id) or await self.bot.fetch_user(admin_id)
                await user.send(text, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("could not send a notice to admin %s of guild %s: %s", admin_id, guild_id, error)
            else:
                self.sent.append((guild_id, text))
                log.info("notice to guild %s by DM to %s: %s", guild_id, admin_id, text)
                return True
        log.warning("notice for guild %s reached nobody: %s", guild_id, text)
        return False

    async def problem(self, change: ProblemChange, *, since: str = "") -> bool:
        assert change.problem is not None
        return await self.send(
            change.guild_id,
            change.created_by,
            lambda language: problem_text(
                language, change.problem or "", feed=change.feed, channel_id=change.channel_id, detail=change.detail, since=since
            ),
        )

    async def feed_gone(self, change: ProblemChange, since: datetime) -> bool:
        return await self.problem(change, since=f"<t:{int(since.timestamp())}:f>")

    async def problem_fixed(self, change: ProblemChange) -> bool:
        if change.problem == "no_attach_files":
            return await self.send(
                change.guild_id,
                change.created_by,
                lambda language: t("delivery.attach_fixed", language, feed=discord.utils.escape_markdown(change.feed)),
            )
        return await self.send(
            change.guild_id,
            change.created_by,
            lambda language: t("delivery.fixed", language, feed=discord.utils.escape_markdown(change.feed), channel=f"<#{change.channel_id}>"),
        )

    async def polls_dropped(self, article_id: int, count: int) -> bool:
        async with self.database.session() as session:
            info = await article_notice_info(session, article_id)
        if info is None:
            return False
        guild_id, admin_id, title = info
        return await self.send(
            guild_id,
            admin_id,
            lambda language: t("delivery.polls_dropped", language, title=discord.utils.escape_markdown(title), count=count),
        )

    async def result_lost(self, article_id: int, question: str, channel_id: int, *, attempts: int | None) -> bool:
        """A poll's result that will not be posted (the bot gave up): said once, so nobody waits for it."""
        async with self.database.session() as session:
            info = await article_notice_info(session, article_id)
        if info is None:
            return False
        guild_id, admin_id, _title = info
        shown = discord.utils.escape_markdown(question)
        if attempts is None:
            return await self.send(guild_id, admin_id, lambda language: t(
                "delivery.result_lost_gone", language, question=shown, channel=f"<#{channel_id}>"))
        return await self.send(guild_id, admin_id, lambda language: t(
            "delivery.result_lost_permissions", language, question=shown, channel=f"<#{channel_id}>", attempts=attempts))
