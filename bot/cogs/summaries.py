"""Summaries on Discord: /summary, the closing summary, the weekly digest, /summary-dms, /forget-me, thread counts.

Thin adapter: every decision and every query lives in bot/summaries/ (report, members, delivery); this cog turns
interactions and gateway events into calls there and the results into messages. Everything is scoped to the
guild the interaction or event came from. Nothing it sends can mention anyone (allowed_mentions none, and the
renderers defuse mentions in reader text as well).
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.cogs.checks import has_manage_server
from bot.cogs.confirm import ConfirmView
from bot.cogs.errors import NO_MENTIONS, reply_ephemeral
from bot.cogs.i18n import Language, language_for, t
from bot.cogs.startup import after_ready_spread
from bot.errors import NotAllowed
from bot.polls.native import forget_on_native_polls, native_poll_ids
from bot.storage.database import Database
from bot.storage.delivery import clear_attach_problem, record_attach_problem
from bot.storage.models import utcnow
from bot.summaries import delivery
from bot.summaries.members import (
    author_member_id,
    forget_member,
    may_summarise,
    record_thread_message,
    set_summary_dms,
    summary_dms_enabled,
)
from bot.summaries.render import (
    escape_markdown,
    group_embeds,
    one_line,
    render_csv,
    render_digest_lines,
    render_embeds,
)
from bot.summaries.report import (
    ArticleNotFound,
    Summary,
    build_summary,
    find_article,
    recent_articles,
)

log = logging.getLogger(__name__)

SUMMARIES_COG_NAME = "Summaries"
DIGEST_CHECK_SECONDS = 300.0
FORGET_CONFIRM_SECONDS = 120.0
AUTOCOMPLETE_LIMIT = 25
CHOICE_NAME_LIMIT = 100
COUNTED_MESSAGE_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def _discord_embeds(embeds: list[dict[str, Any]]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(embed) for embed in embeds]


async def summary_files(summary: Summary, language: Language) -> list[discord.File]:
    """The chart (drawn in a worker thread: matplotlib is CPU work) and the CSV table, as attachments."""
    from bot.summaries.chart import chart_png

    png = await asyncio.to_thread(chart_png, summary, language)
    stem = f"summary-{summary.article.id}"
    return [
        discord.File(io.BytesIO(png), filename=f"{stem}.png"),
        discord.File(io.BytesIO(render_csv(summary).encode("utf-8")), filename=f"{stem}.csv"),
    ]


async def send_summary(
    destination: discord.abc.Messageable, summary: Summary, language: Language, content: str | None = None,
    *, attach: bool = True,
) -> discord.Message:
    """Post a summary as embeds (split over messages when Discord's limits demand) with chart and CSV attached;
    without `attach` (the bot lacks Attach Files there) as text with a note saying what is missing."""
    groups = group_embeds(render_embeds(summary, language))
    if attach:
        files = await summary_files(summary, language)
    else:
        files = []
        note = t("summary.no_attach_note", language)
        content = f"{content}\n{note}" if content else note
    first = await destination.send(content=content, embeds=_discord_embeds(groups[0]), files=files, allowed_mentions=NO_MENTIONS)
    for group in groups[1:]:
        await destination.send(embeds=_discord_embeds(group), allowed_mentions=NO_MENTIONS)
    return first


def _choice_name(title: str, created_at: datetime, article_id: int) -> str:
    date = created_at.strftime("%Y-%m-%d")
    suffix = f" · {date}"
    name = one_line(title, CHOICE_NAME_LIMIT - len(suffix)) or f"#{article_id}"
    return name + suffix


class ForgetMeView(ConfirmView):
    """Confirm or cancel /forget-me; only the member who asked can press, and only once."""

    def __init__(self, cog: SummariesCog, member_id: int, language: Language) -> None:
        super().__init__(member_id, language, prefix="forget-me", confirm_label=t("forget.button_confirm", language),
                         cancel_label=t("forget.button_cancel", language), timeout=FORGET_CONFIRM_SECONDS)
        self.cog = cog

    async def confirmed(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        forgotten = await self.cog.forget(interaction.guild_id, self.owner_id)
        text = t("forget.done", self.language, votes=forgotten.votes, answers=forgotten.answers, threads=forgotten.thread_counts)
        async with self.cog.database.session() as session:
            if await native_poll_ids(session, forgotten.poll_ids):  # Discord keeps showing those votes
                text += "\n" + t("forget.native_note", self.language)
        await interaction.response.edit_message(content=text, view=None)

    async def cancelled(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=t("forget.cancelled", self.language), view=None)


class SummariesCog(commands.Cog, name=SUMMARIES_COG_NAME):
    def __init__(
        self,
        bot: commands.Bot,
        database: Database,
        *,
        digest_check_seconds: float = DIGEST_CHECK_SECONDS,
        clock: Callable[[], datetime] = utcnow,
        start_spread: float = 0.0,
    ) -> None:
        self.bot = bot
        self.database = database
        self.clock = clock
        self.start_spread = start_spread  # see bot/cogs/startup.py
        self._background: set[asyncio.Task[Any]] = set()
        self.scheduled_work.change_interval(seconds=digest_check_seconds)

    async def cog_load(self) -> None:
        self.scheduled_work.start()

    async def cog_unload(self) -> None:
        self.scheduled_work.cancel()
        for task in list(self._background):
            task.cancel()

    # ----- /summary --------------------------------------------------------------------------------------------

    @app_commands.command(name="summary", description="What readers answered to an article's polls (for its author and admins)")
    @app_commands.describe(article="The article (start typing its title)")
    @app_commands.guild_only()
    async def summary_command(self, interaction: discord.Interaction, article: str) -> None:
        assert interaction.guild_id is not None
        language = language_for(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id
        found = await self._authorised_article(interaction, article)
        summary = await build_summary(self.database, found, guild_id=guild_id)
        groups = group_embeds(render_embeds(summary, language))
        files = await summary_files(summary, language)
        await interaction.followup.send(
            await self._with_link(t("summary.attached", language), found, language), embeds=_discord_embeds(groups[0]),
            files=files, ephemeral=True, allowed_mentions=NO_MENTIONS,
        )
        for group in groups[1:]:
            await interaction.followup.send(embeds=_discord_embeds(group), ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _authorised_article(self, interaction: discord.Interaction, reference: str) -> int:
        """The article the member asked for, if they may see its summary (its author, the author role, admins)."""
        assert interaction.guild_id is not None
        roles = [role.id for role in getattr(interaction.user, "roles", [])]
        async with self.database.session() as session:
            found = await self._resolve_article(session, reference, interaction.guild_id)
            allowed = await may_summarise(
                session, guild_id=interaction.guild_id, article_id=found, member_id=interaction.user.id, role_ids=roles,
                manages_guild=has_manage_server(interaction),
            )
        if not allowed:
            raise NotAllowed("summary refused", message_key="summary.not_allowed")
        return found

    async def _with_link(self, text: str, article_id: int, language: Language) -> str:
        """`text` and, when [web] is configured, the line with the article's report link."""
        links = getattr(self.bot, "report_links", None)
        if links is None:
            return text
        try:
            url = await links.link_for(article_id)
        except Exception:  # the summary matters more than its link
            log.exception("could not issue the report link of article %s", article_id)
            return text
        return f"{text}\n{t('summary.link', language, url=url)}"

    @app_commands.command(name="summary-revoke", description="Make an article's report link stop working and get a new one")
    @app_commands.describe(article="The article (start typing its title)")
    @app_commands.guild_only()
    async def summary_revoke_command(self, interaction: discord.Interaction, article: str) -> None:
        language = language_for(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self._authorised_article(interaction, article)
        links = getattr(self.bot, "report_links", None)
        if links is None:
            await interaction.followup.send(t("summary.web_off", language), ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        url = await links.revoke(found)
        log.info("report link of article %s revoked by a member of guild %s", found, interaction.guild_id)
        await interaction.followup.send(t("summary.revoked", language, url=url), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @staticmethod
    async def _resolve_article(session: Any, reference: str, guild_id: int) -> int:
        """An id (what autocomplete sends), a URL, or a title typed without picking: this guild's articles only."""
        try:
            return (await find_article(session, reference, guild_id=guild_id)).id
        except ArticleNotFound:
            matches = await recent_articles(session, guild_id, reference, limit=2)
            if len(matches) == 1:
                return matches[0].id
            raise

    @summary_command.autocomplete("article")
    @summary_revoke_command.autocomplete("article")
    async def _article_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        async with self.database.session() as session:
            articles = await recent_articles(session, interaction.guild_id, current[:100], limit=AUTOCOMPLETE_LIMIT)
        return [app_commands.Choice(name=_choice_name(a.title, a.created_at, a.id), value=str(a.id)) for a in articles]

    # ----- /summary-dms and /forget-me ------------------------------------------------------------------------

    @app_commands.command(name="summary-dms", description="Get (on) or stop (off) summaries of your articles by direct message")
    @app_commands.describe(state="on or off")
    @app_commands.guild_only()
    async def summary_dms_command(self, interaction: discord.Interaction, state: Literal["on", "off"]) -> None:
        assert interaction.guild_id is not None
        async with self.database.session() as session:
            await set_summary_dms(session, interaction.guild_id, interaction.user.id, state == "on")
        key = "summary.dms_on" if state == "on" else "summary.dms_off"
        await reply_ephemeral(interaction, t(key, language_for(interaction.locale)))

    @app_commands.command(name="forget-me", description="Delete all your votes and answers in this server")
    @app_commands.guild_only()
    async def forget_me_command(self, interaction: discord.Interaction) -> None:
        language = language_for(interaction.locale)
        view = ForgetMeView(self, interaction.user.id, language)
        await interaction.response.send_message(
            t("forget.confirm", language), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def forget(self, guild_id: int, member_id: int) -> Any:
        """Delete the member's data in this guild; the polls cog may refresh the counts its messages show."""
        async with self.database.session() as session:
            forgotten = await forget_member(session, guild_id, member_id)
            await forget_on_native_polls(session, guild_id, member_id)  # bot/polls/native.py
        self.bot.dispatch("member_forgotten", guild_id, member_id)
        log.info("forgot a member's data in guild %s: %d votes, %d answers", guild_id, forgotten.votes, forgotten.answers)
        if forgotten.poll_ids:
            self.bot.dispatch("member_data_forgotten", guild_id, forgotten.poll_ids)
        return forgotten

    # ----- thread activity ------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Count a member's message in an article's thread: who and how many, never what."""
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in COUNTED_MESSAGE_TYPES:
            return
        channel = message.channel
        if not isinstance(channel, discord.Thread | discord.PartialMessageable):
            return
        try:
            async with self.database.session() as session:
                await record_thread_message(session, guild_id=message.guild.id, thread_id=channel.id, member_id=message.author.id)
        except Exception:  # a lost count is not worth a crash
            log.exception("could not count a thread message")

    # ----- closing summary ------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_article_polls_closed(self, article_id: int) -> None:
        await self.deliver_closing_summary(article_id)

    async def deliver_closing_summary(self, article_id: int) -> bool:
        """Post the summary to the guild's summary channel and DM the mapped author (unless they said no).

        Claimed first, so it goes out once; released again when the channel post fails.
        """
        async with self.database.session() as session:
            if not await delivery.claim_summary_delivery(session, article_id, self.clock()):
                return False
            target = await delivery.delivery_target(session, article_id)
            if target is None:
                return False
            author_id = await author_member_id(session, target.guild_id, target.author)
            wants_dm = author_id is not None and await summary_dms_enabled(session, target.guild_id, author_id)
        try:
            summary = await build_summary(self.database, article_id, guild_id=target.guild_id)
            title = escape_markdown(one_line(summary.article.title, 200))
            if target.summary_channel_id is not None:
                channel = self.bot.get_partial_messageable(target.summary_channel_id, guild_id=target.guild_id)
                attach = self._may_attach(target.guild_id, target.summary_channel_id)
                content = await self._with_link(t("summary.closed_post", target.language, title=title), article_id,
                                                target.language)
                try:
                    await send_summary(channel, summary, target.language, content, attach=attach)
                except discord.Forbidden as error:
                    if not attach or error.code != 50013 or self._may_attach(target.guild_id, target.summary_channel_id):
                        raise
                    attach = False  # the permission went missing since the cache last heard of it
                    await send_summary(channel, summary, target.language, content, attach=False)
                await self._attach_state(article_id, target.summary_channel_id, attach)
        except Exception:
            log.exception("could not post the closing summary of article %s; will retry", article_id)
            async with self.database.session() as session:
                await delivery.release_summary_delivery(session, article_id)
            return False
        if wants_dm and author_id is not None:
            try:
                user = self.bot.get_user(author_id) or await self.bot.fetch_user(author_id)
                text = await self._with_link(t("summary.closed_dm", target.language, title=title), article_id, target.language)
                await send_summary(user, summary, target.language, text)
            except discord.HTTPException as error:  # DMs closed, user gone: the channel post stands
                log.info("could not send the summary of article %s by DM: %s", article_id, error.status)
        return True

    def _may_attach(self, guild_id: int, channel_id: int) -> bool:
        """Whether the bot has Attach Files in the channel, as discord.py's cache knows (True when unknown)."""
        guild = self.bot.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild is not None else None
        if guild is None or channel is None or guild.me is None:
            return True
        return channel.permissions_for(guild.me).attach_files

    async def _attach_state(self, article_id: int, channel_id: int, attached: bool) -> None:
        """Tell the admins once when summaries go out without chart and CSV, and once when that is fixed."""
        alerts = getattr(getattr(self.bot, "publisher", None), "alerts", None)
        async with self.database.session() as session:
            if attached:
                change = await clear_attach_problem(session, article_id)
            else:
                change = await record_attach_problem(session, article_id, channel_id, self.clock())
        if change is None or not change.notify or alerts is None:
            return
        if attached:
            await alerts.problem_fixed(change)
        else:
            await alerts.problem(change)

    # ----- scheduled: missed closing summaries, weekly digest -------------------------------------------------

    @tasks.loop(seconds=DIGEST_CHECK_SECONDS)
    async def scheduled_work(self) -> None:
        try:
            now = self.clock()
            # Closing summaries whose event was missed (bot down) or whose post failed: sent (again) here.
            async with self.database.session() as session:
                missed = await delivery.closed_articles_without_summary(
                    session, now - delivery.CATCH_UP_WINDOW, shards=getattr(self.bot, "shard_plan", None)
                )
            for article_id in missed:
                await self.deliver_closing_summary(article_id)
            await self.send_due_digests(now)
        except Exception:
            log.exception("scheduled summary work failed")

    @scheduled_work.before_loop
    async def _before_scheduled_work(self) -> None:
        await after_ready_spread(self.bot, self.start_spread)

    async def send_due_digests(self, now: datetime) -> int:
        async with self.database.session() as session:
            plans = await delivery.due_digests(session, now, shards=getattr(self.bot, "shard_plan", None))
        sent = 0
        for plan in plans:
            async with self.database.session() as session:
                if not await delivery.claim_digest(session, plan):
                    continue
            try:
                await self._send_digest(plan)
                sent += 1
            except Exception:
                log.exception("could not post the weekly digest of guild %s", plan.guild_id)
                async with self.database.session() as session:
                    await delivery.release_digest(session, plan)
        return sent

    async def _send_digest(self, plan: delivery.DigestPlan) -> None:
        since = plan.slot - delivery.DIGEST_PERIOD
        async with self.database.session() as session:
            article_ids = await delivery.articles_between(session, plan.guild_id, since, plan.slot)
        summaries = [await build_summary(self.database, article_id, guild_id=plan.guild_id) for article_id in article_ids]
        title = t("summary.digest_title", plan.language, start=since.strftime("%Y-%m-%d"), end=(plan.slot - timedelta(seconds=1)).strftime("%Y-%m-%d"))
        embeds = []
        description: list[str] = []
        for line in render_digest_lines(summaries, plan.language):
            if sum(len(part) + 1 for part in description) + len(line) > 4000:
                embeds.append({"title": title, "description": "\n".join(description)})
                description = []
            description.append(line[:1000])
        embeds.append({"title": title, "description": "\n".join(description)})
        channel = self.bot.get_partial_messageable(plan.summary_channel_id, guild_id=plan.guild_id)
        for group in group_embeds(embeds):
            await channel.send(embeds=_discord_embeds(group), allowed_mentions=NO_MENTIONS)


async def setup(bot: commands.Bot) -> None:
    """The summaries cog (`bot.database` is the bot's Database)."""
    await bot.add_cog(SummariesCog(bot, bot.database,  # type: ignore[attr-defined]
                                   start_spread=bot.settings.runtime.background_start_spread))  # type: ignore[attr-defined]
