"""`/config show`, `/config set`, `/config author`: a guild's settings, admins only (checked server-side)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.checks import manage_server_only
from bot.cogs.confirm import ConfirmView
from bot.cogs.errors import NO_MENTIONS, escape
from bot.cogs.i18n import Language, language_for, t
from bot.cogs.native_settings import send_polls_missing
from bot.errors import InvalidInput
from bot.storage.settings import (
    MAX_AUTHOR_NAME_LENGTH,
    WEEKDAYS,
    GuildConfig,
    author_links,
    describe_duration,
    link_author,
    load_guild_config,
    parse_digest,
    parse_max_per_article,
    parse_poll_duration,
    update_guild_settings,
)

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot

_WEEKDAY_NAMES = {
    "en": dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)),
    "de": dict(zip(WEEKDAYS, ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"), strict=True)),
}
MAX_AUTHORS_SHOWN = 20
NATIVE_CONFIRM_SECONDS = 600.0


def _yes_no(value: bool, language: Language) -> str:
    return t("config.yes" if value else "config.no", language)


def describe_config(config: GuildConfig, links: list[tuple[str, int]], language: Language) -> str:
    """The settings as an admin reads them, one per line."""
    if config.digest:
        day, hour = config.digest.split()
        digest = t("config.digest_value", language, weekday=_WEEKDAY_NAMES[language].get(day, day), hour=hour)
    else:
        digest = t("config.off", language)
    authors = ", ".join(f"{escape(name)} → <@{member_id}>" for name, member_id in links[:MAX_AUTHORS_SHOWN])
    if len(links) > MAX_AUTHORS_SHOWN:
        authors += f", … (+{len(links) - MAX_AUTHORS_SHOWN})"
    rows = [
        ("config.poll_duration", describe_duration(config.poll_duration_seconds)),
        ("config.anonymous", _yes_no(config.anonymous, language)),
        ("config.results", t(f"config.results_{config.results_visibility}", language)),
        ("config.language", t(f"config.language_{config.language}", language)),
        (
            "config.summary_channel",
            f"<#{config.summary_channel_id}>" if config.summary_channel_id else t("config.not_set", language),
        ),
        ("config.author_role", f"<@&{config.author_role_id}>" if config.author_role_id else t("config.not_set", language)),
        ("config.thread_per_article", _yes_no(config.thread_per_article, language)),
        ("config.digest", digest),
        ("config.alerts_channel", f"<#{config.alerts_channel_id}>" if config.alerts_channel_id else t("config.not_set", language)),
        ("config.lost_thread", t(f"config.lost_thread_{config.lost_thread}", language)),
        ("config.style", t(f"config.style_{config.poll_style}", language)),
        ("config.max_per_article", str(config.max_per_article)),
        ("config.authors", authors or t("config.none", language)),
        ("config.review", t("config.review_on", language, channel=f"<#{config.review_channel_id}>") if config.review
         else t("config.off", language)),
        ("config.editor_role", f"<@&{config.editor_role_id}>" if config.editor_role_id else t("config.not_set", language)),
        ("config.review_default", t(f"review.default_{config.review_default}", language)),
    ]
    return "\n".join(f"**{t(key, language)}:** {value}" for key, value in rows)[:2000]


def review_changes(guild_id: int, review: bool | None, channel: discord.TextChannel | None, role: discord.Role | None,
                   default: app_commands.Choice[str] | None) -> dict[str, Any]:
    """The review settings an admin gave (issue 13); channel and role must be this guild's."""
    changes: dict[str, Any] = {}
    if review is not None:
        changes["review"] = review
    if channel is not None:
        if channel.guild.id != guild_id:
            raise InvalidInput("channel of another guild", message_key="error.not_found")
        changes["review_channel_id"] = channel.id
    if role is not None:
        if role.guild.id != guild_id:
            raise InvalidInput("role of another guild", message_key="error.not_found")
        changes["editor_role_id"] = role.id
    if default is not None:
        changes["review_default"] = default.value
    return changes


class NativeStyleConfirm(ConfirmView):
    """Confirm switching an anonymous guild to native polls; only the admin who asked can press, once."""

    def __init__(self, bot: ReaderBot, admin_id: int, language: Language) -> None:
        super().__init__(admin_id, language, prefix="config-native", confirm_label=t("config.native_confirm_button", language),
                         cancel_label=t("config.native_cancel_button", language), timeout=NATIVE_CONFIRM_SECONDS)
        self.bot = bot

    async def confirmed(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        async with self.bot.database.session() as session:
            await update_guild_settings(session, interaction.guild_id, poll_style="native")
        text = t("config.native_confirmed", self.language) + await send_polls_missing(self.bot, interaction.guild,
                                                                                        self.language)
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NO_MENTIONS)

    async def cancelled(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=t("config.native_cancelled", self.language), view=None)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ConfigCommands(commands.GroupCog, group_name="config", group_description="This server's settings for articles and polls"):
    def __init__(self, bot: ReaderBot) -> None:
        self.bot = bot
        super().__init__()

    async def _describe(self, guild_id: int, language: Language) -> str:
        async with self.bot.database.session() as session:
            config = await load_guild_config(session, guild_id, self.bot.settings.polls)
            links = [(link.author_name, link.member_id) for link in await author_links(session, guild_id)]
        return describe_config(config, links, language)

    @app_commands.command(name="show", description="Show this server's settings")
    @manage_server_only()
    async def show(self, interaction: discord.Interaction) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild_id is not None
        text = f"__{t('config.heading', language)}__\n" + await self._describe(interaction.guild_id, language)
        await interaction.response.send_message(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="set", description="Change this server's settings (give only what you want to change)")
    @app_commands.describe(
        poll_duration="How long polls stay open, e.g. 3d, 12h or 90m",
        anonymous="Whether votes are anonymous (nobody, admins included, sees who voted what)",
        results="When members see the counts: live while voting, or only when the poll closes",
        language="Language of the polls: the article's own, or always German or English",
        summary_channel="Channel where poll summaries for authors are posted",
        author_role="Role of the blog's authors (they get summaries)",
        thread_per_article="Whether each article gets its own discussion thread",
        digest="Weekly digest: weekday and hour in UTC, e.g. “mon 09”, or “off”",
        clear="Remove a setting: the summary channel or the author role",
        alerts_channel="Channel where the bot tells admins when it cannot post (default: the summary channel)",
        lost_thread="When an article's thread is deleted: re-post the article with its open polls, or drop them",
        review="Review mode: proposed polls wait for an editor in the review channel",
        review_channel="Channel where editors approve, edit or drop proposed polls",
        editor_role="Role of editors (besides members with Manage Server)",
        review_default="What happens to proposals nobody decided in time",
        style="Poll style: the bot's buttons, or Discord's own polls (voters visible to everyone)",
        max_per_article="At most this many polls per article (0-10): the questions surest to be put to readers",
    )
    @app_commands.choices(
        results=[
            app_commands.Choice(name="live: counts shown while voting", value="live"),
            app_commands.Choice(name="on close: counts shown when the poll closes", value="on_close"),
        ],
        language=[
            app_commands.Choice(name="the article's language", value="article"),
            app_commands.Choice(name="German (Deutsch)", value="de"),
            app_commands.Choice(name="English", value="en"),
        ],
        style=[
            app_commands.Choice(name="buttons: the bot's own poll message", value="buttons"),
            app_commands.Choice(name="native: Discord's own polls (voters visible to everyone)", value="native"),
        ],
        clear=[
            app_commands.Choice(name="summary channel", value="summary_channel_id"),
            app_commands.Choice(name="author role", value="author_role_id"),
            app_commands.Choice(name="alerts channel", value="alerts_channel_id"),
            app_commands.Choice(name="review channel", value="review_channel_id"),
            app_commands.Choice(name="editor role", value="editor_role_id"),
        ],
        lost_thread=[
            app_commands.Choice(name="re-post the article and its open polls", value="repost"),
            app_commands.Choice(name="drop the polls", value="drop"),
        ],
        review_default=[
            app_commands.Choice(name="drop them", value="drop"),
            app_commands.Choice(name="publish them", value="publish"),
        ],
    )
    @manage_server_only()
    async def set_(
        self,
        interaction: discord.Interaction,
        poll_duration: app_commands.Range[str, 1, 40] | None = None,
        anonymous: bool | None = None,
        results: app_commands.Choice[str] | None = None,
        language: app_commands.Choice[str] | None = None,
        summary_channel: discord.TextChannel | None = None,
        author_role: discord.Role | None = None,
        thread_per_article: bool | None = None,
        digest: app_commands.Range[str, 1, 40] | None = None,
        clear: app_commands.Choice[str] | None = None,
        alerts_channel: discord.TextChannel | None = None,
        lost_thread: app_commands.Choice[str] | None = None,
        review: bool | None = None,
        review_channel: discord.TextChannel | None = None,
        editor_role: discord.Role | None = None,
        review_default: app_commands.Choice[str] | None = None,
        style: app_commands.Choice[str] | None = None,
        max_per_article: app_commands.Range[int, 0, 10] | None = None,
    ) -> None:
        member_language = language_for(interaction.locale)
        assert interaction.guild_id is not None
        changes: dict[str, Any] = {}
        if poll_duration is not None:
            changes["poll_duration_seconds"] = parse_poll_duration(poll_duration)
        if anonymous is not None:
            changes["anonymous"] = anonymous
        if results is not None:
            changes["results_visibility"] = results.value
        if language is not None:
            changes["language"] = language.value
        # Discord resolves these within the guild; only a crafted interaction could name another guild's.
        if summary_channel is not None:
            if summary_channel.guild.id != interaction.guild_id:
                raise InvalidInput("channel of another guild", message_key="error.not_found")
            changes["summary_channel_id"] = summary_channel.id
        if author_role is not None:
            if author_role.guild.id != interaction.guild_id:
                raise InvalidInput("role of another guild", message_key="error.not_found")
            changes["author_role_id"] = author_role.id
        if thread_per_article is not None:
            changes["thread_per_article"] = thread_per_article
        if digest is not None:
            changes["digest"] = parse_digest(digest)
        if alerts_channel is not None:
            if alerts_channel.guild.id != interaction.guild_id:
                raise InvalidInput("channel of another guild", message_key="error.not_found")
            changes["alerts_channel_id"] = alerts_channel.id
        if lost_thread is not None:
            changes["lost_thread"] = lost_thread.value
        if max_per_article is not None:
            changes["max_per_article"] = parse_max_per_article(max_per_article)
        if clear is not None and clear.value not in changes:
            changes[clear.value] = None
        changes.update(review_changes(interaction.guild_id, review, review_channel, editor_role, review_default))
        confirm_native = False
        async with self.bot.database.session() as session:
            review_at_stake = changes.get("review") or ("review_channel_id" in changes and changes["review_channel_id"] is None)
            if review_at_stake or style is not None:
                current = await load_guild_config(session, interaction.guild_id, self.bot.settings.polls)
            if review_at_stake:
                channel = changes.get("review_channel_id", current.review_channel_id)
                if channel is None and changes.get("review", current.review):
                    raise InvalidInput("review without channel", message_key="config.review_needs_channel")
            if style is not None:
                anonymous_after = changes.get("anonymous", current.anonymous)
                # Native polls show voters to everyone: with anonymous votes on, the admin confirms first.
                confirm_native = style.value == "native" and anonymous_after and current.poll_style != "native"
                if not confirm_native:
                    changes["poll_style"] = style.value
            changed = await update_guild_settings(session, interaction.guild_id, **changes) if changes else []
        heading = t("config.saved" if changed else "config.unchanged", member_language)
        text = f"{heading}\n" + await self._describe(interaction.guild_id, member_language)
        me = interaction.guild.me if interaction.guild is not None else None
        if summary_channel is not None and me is not None and not summary_channel.permissions_for(me).attach_files:
            # The summary's chart and CSV need Attach Files; without it summaries go out as text.
            text = t("config.summary_no_attach", member_language, channel=summary_channel.mention) + "\n\n" + text
        if confirm_native:
            view = NativeStyleConfirm(self.bot, interaction.user.id, member_language)
            text = t("config.native_confirm", member_language) + "\n\n" + text
            await interaction.response.send_message(text[:2000], view=view, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        if changes.get("poll_style") == "native":  # native polls need Send Polls in the feeds' channels
            text += await send_polls_missing(self.bot, interaction.guild, member_language)
        await interaction.response.send_message(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="author", description="Link an author name from the feed to a member of this server")
    @app_commands.describe(
        name="The author's name exactly as the feed spells it",
        member="The member who is this author (gets the summaries of their articles)",
    )
    @manage_server_only()
    async def author(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, MAX_AUTHOR_NAME_LENGTH],
        member: discord.Member,
    ) -> None:
        language = language_for(interaction.locale)
        assert interaction.guild_id is not None
        if getattr(member, "guild", None) is None or member.guild.id != interaction.guild_id:
            await interaction.response.send_message(t("config.author_not_member", language), ephemeral=True)
            return
        async with self.bot.database.session() as session:
            replaced = await link_author(session, interaction.guild_id, name, member.id)
        key = "config.author_relinked" if replaced else "config.author_linked"
        await interaction.response.send_message(
            t(key, language, name=escape(" ".join(name.split())), member=member.mention),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ConfigCommands(bot))  # type: ignore[arg-type]
