"""Editors decide: `/poll add`, `/poll edit`, `/poll delete`, the "Edit poll" message menu, and the review
channel's buttons and form.

Editors are members with Manage Server or the guild's editor role (`/config set editor_role:`); everyone else is
refused politely, and that is checked here, server side, for every command, button and form, whatever the client
showed. Every id a button or form carries is checked against the stored poll and guild (and a review button
against the review message it sits on). State rules are in bot/polls/review.py, option rules in
bot/polls/options.py; the review channel's message and background work in bot/cogs/review.py.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.cogs.checks import is_editor, message_has_component
from bot.cogs.errors import error_text, escape
from bot.cogs.errors import reply_ephemeral as reply  # every cog answers members one way
from bot.cogs.i18n import Language, language_for, t
from bot.cogs.review import ReviewDesk
from bot.cogs.routes import routes_for
from bot.cogs.startup import after_ready_spread
from bot.cogs.review_views import (
    DELETE_PREFIX,
    DYNAMIC_ITEMS,
    EDIT_MODAL_PREFIX,
    EDITORS_COG_NAME,
    OPTIONS_INPUT_ID,
    QUESTION_INPUT_ID,
    REVIEW_PREFIX,
    EditPollModal,
    delete_view,
    modal_values,
    parse_id,
)
from bot.errors import InvalidInput, NotFound, ReaderBotError
from bot.polls.closing import poll_for_message
from bot.polls.options import OPTIONS_INPUT_MAX_LENGTH, QUESTION_MAX_LENGTH, clean_question, parse_poll
from bot.polls.retry import run_write
from bot.polls.review import (
    add_poll,
    already_decided,
    approve_all,
    article_in_guild,
    articles_for_autocomplete,
    decide,
    deletable_question,
    delete_poll,
    edit_poll,
    editable_poll,
    poll_article,
    poll_question_and_state,
    polls_for_autocomplete,
    response_counts,
    review_key,
)
from bot.posting.outbox import get_post
from bot.questions.model import PollKind
from bot.storage.models import PollState, utcnow
from bot.storage.settings import GuildConfig, load_guild_config, parse_poll_duration

if TYPE_CHECKING:
    from bot.cogs.client import ReaderBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
SWEEP_SECONDS = 2.0  # how soon a review message goes out after its article, and how exact the review timeout is


async def defer_quietly(interaction: discord.Interaction) -> None:
    """Take the click at once (only the clicking editor sees "thinking"); the answer follows as a follow-up."""
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
    except discord.HTTPException as error:
        log.warning("could not defer interaction %s: %s", interaction.id, error.status)


def _cog(interaction: discord.Interaction) -> EditorsCog:
    cog = interaction.client.get_cog(EDITORS_COG_NAME)  # type: ignore[attr-defined]
    assert isinstance(cog, EditorsCog)
    return cog


class EditorsCog(commands.Cog, name=EDITORS_COG_NAME):
    def __init__(self, bot: ReaderBot) -> None:
        self.bot = bot
        self.database = bot.database
        self.desk = ReviewDesk(bot)
        self.sweep.change_interval(seconds=max(0.5, min(SWEEP_SECONDS, bot.settings.polls.review_timeout / 4)))
        self.edit_menu = app_commands.ContextMenu(name="Edit poll", callback=self.edit_from_message)
        self.edit_menu.guild_only = True
        self.edit_menu.default_permissions = discord.Permissions(manage_guild=True)

    async def cog_load(self) -> None:
        routes_for(self.bot).add((REVIEW_PREFIX, DELETE_PREFIX, EDIT_MODAL_PREFIX), self.on_review_interaction)
        group = self.bot.tree.get_command("poll")
        if isinstance(group, app_commands.Group):
            for command in POLL_COMMANDS:
                if group.get_command(command.name) is None:
                    group.add_command(command)
        self.bot.tree.add_command(self.edit_menu)
        self.sweep.start()

    async def cog_unload(self) -> None:
        routes_for(self.bot).remove(self.on_review_interaction)
        self.sweep.cancel()
        self.bot.tree.remove_command(self.edit_menu.name, type=self.edit_menu.type)
        group = self.bot.tree.get_command("poll")
        if isinstance(group, app_commands.Group):
            for command in POLL_COMMANDS:
                group.remove_command(command.name)

    @tasks.loop(seconds=2.0)
    async def sweep(self) -> None:
        try:
            await self.desk.sweep()
        except Exception:
            log.exception("review round failed; trying again on the next one")

    @sweep.before_loop
    async def _before_sweep(self) -> None:
        await after_ready_spread(self.bot, self.bot.settings.runtime.background_start_spread)

    # ----- who may ------------------------------------------------------------------------------------------

    async def editor_config(self, interaction: discord.Interaction) -> GuildConfig | None:
        """The guild's settings when the member is an editor here; None (and a polite refusal sent) otherwise."""
        config = None
        if interaction.guild_id is not None:
            async with self.database.session() as session:
                config = await load_guild_config(session, interaction.guild_id, self.bot.settings.polls)
        if config is None or not is_editor(interaction, config.editor_role_id):
            language = language_for(interaction.locale)
            await reply(interaction, t("error.not_allowed", language) + " " + t("editor.role_too", language))
            return None
        return config

    # ----- the review channel's buttons ---------------------------------------------------------------------

    async def handle_review_click(self, interaction: discord.Interaction, action: str | None, target_id: int | None) -> None:
        language = language_for(interaction.locale)
        config = await self.editor_config(interaction)
        if config is None:
            return
        guild_id = config.guild_id
        try:
            if action is None or target_id is None:
                raise NotFound("malformed custom id")
            async with self.database.session() as session:
                if action == "all":
                    article_id = (await article_in_guild(session, guild_id=guild_id, article_id=target_id)).id
                else:
                    article_id = await poll_article(session, guild_id=guild_id, poll_id=target_id)
                post = await get_post(session, review_key(article_id))
            if post is None or interaction.message is None or post.message_id != interaction.message.id:
                raise NotFound("not this article's review message")
        except NotFound:
            await reply(interaction, t("review.unknown", language))
            return
        if action == "edit":
            await self.open_edit_form(interaction, target_id, language, only_proposed=True)
            return
        await defer_quietly(interaction)  # the decision, the redraw and the posting may outlast Discord's 3 seconds
        editor_id, now = interaction.user.id, utcnow()
        try:
            if action == "all":
                approved = await run_write(self.database, lambda s: approve_all(
                    s, guild_id=guild_id, article_id=article_id, editor_id=editor_id, now=now))
                text = t("review.approved_all", language, count=len(approved)) if approved else t("review.nothing_waiting", language)
            else:
                decision = await run_write(self.database, lambda s: decide(
                    s, guild_id=guild_id, poll_id=target_id, editor_id=editor_id, approve=action == "approve", now=now))
                approved = [decision.poll_id] if decision.state == PollState.DRAFT else []
                async with self.database.session() as session:
                    question, _ = await poll_question_and_state(session, guild_id=guild_id, poll_id=decision.poll_id)
                text = t("review.approved" if approved else "review.dropped", language, question=escape(question))
        except ReaderBotError as error:
            await reply(interaction, error_text(error, interaction.locale))
            return
        await reply(interaction, text)
        await self.desk.refresh(article_id)
        await self.desk.post_approved(approved)
        if approved:
            await self.desk.refresh(article_id)
        else:
            await self.desk.announce_if_finished(article_id)

    # ----- the edit form -----------------------------------------------------------------------------------

    async def open_edit_form(self, interaction: discord.Interaction, poll_id: int | None, language: Language,
                             *, only_proposed: bool = False) -> None:
        try:
            if poll_id is None or interaction.guild_id is None:
                raise NotFound("no poll")
            async with self.database.session() as session:
                form = await editable_poll(session, guild_id=interaction.guild_id, poll_id=poll_id)
            if only_proposed and form.state != PollState.PROPOSED:
                raise already_decided(form.state)
        except ReaderBotError as error:
            await reply(interaction, error_text(error, interaction.locale))
            return
        modal = EditPollModal(poll_id, language=language, question=form.question, options=form.options,
                              options_locked=form.has_responses)
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException as error:
            log.warning("could not open the edit form for interaction %s: %s", interaction.id, error.status)

    async def handle_edit_submit(self, interaction: discord.Interaction) -> None:
        language = language_for(interaction.locale)
        config = await self.editor_config(interaction)
        if config is None:
            return
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        poll_id = parse_id(str(data.get("custom_id", ""))[len(EDIT_MODAL_PREFIX):])
        values = modal_values(data.get("components"))
        options = values.get(OPTIONS_INPUT_ID)
        try:
            if poll_id is None:
                raise NotFound("malformed custom id")
            question = clean_question(values.get(QUESTION_INPUT_ID))
            editor_id, guild_id = interaction.user.id, config.guild_id
            result = await run_write(self.database, lambda s: edit_poll(
                s, guild_id=guild_id, poll_id=poll_id, editor_id=editor_id, question=question,
                options=options, now=utcnow()))
        except ReaderBotError as error:
            await reply(interaction, error_text(error, interaction.locale) + _echo(values, language))
            return
        changed = result.question_changed or result.options_changed
        await reply(interaction, t("editor.edited", language, question=escape(question)) if changed else t("editor.unchanged", language))
        if changed:
            await self.after_edit(result.poll_id, result.article_id, options_changed=result.options_changed)

    async def after_edit(self, poll_id: int, article_id: int, *, options_changed: bool) -> None:
        polls = self.bot.get_cog("Polls")
        if polls is not None:
            if options_changed:
                writer = getattr(getattr(polls, "batcher", None), "writer", None)
                labels = getattr(writer, "option_labels", None)
                if labels is not None:
                    labels.forget([poll_id])
            try:
                await polls.refresh_poll_message(poll_id)  # type: ignore[attr-defined]
            except discord.HTTPException:
                log.exception("could not redraw poll %s after an edit", poll_id)
        await self.desk.refresh(article_id)

    async def edit_from_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        language = language_for(interaction.locale)
        if await self.editor_config(interaction) is None:
            return
        assert interaction.guild_id is not None
        async with self.database.session() as session:
            poll_id = await poll_for_message(session, guild_id=interaction.guild_id, message_id=message.id)
        if poll_id is None:
            await reply(interaction, t("editor.not_a_poll", language))
            return
        await self.open_edit_form(interaction, poll_id, language)

    # ----- delete -------------------------------------------------------------------------------------------

    async def ask_delete(self, interaction: discord.Interaction, poll_id: int | None) -> None:
        language = language_for(interaction.locale)
        if await self.editor_config(interaction) is None:
            return
        assert interaction.guild_id is not None
        try:
            if poll_id is None:
                raise InvalidInput("no poll", message_key="editor.bad_poll")
            async with self.database.session() as session:
                question = await deletable_question(session, guild_id=interaction.guild_id, poll_id=poll_id)
                counts = await response_counts(session, poll_id)
        except ReaderBotError as error:
            await reply(interaction, error_text(error, interaction.locale))
            return
        text = t("editor.delete_confirm", language, question=escape(question), votes=counts[0], answers=counts[1])
        await interaction.response.send_message(text[:2000], view=delete_view(poll_id, language), ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)

    async def handle_delete_click(self, interaction: discord.Interaction, answer: str | None, poll_id: int | None) -> None:
        language = language_for(interaction.locale)
        config = await self.editor_config(interaction)
        if config is None:
            return
        if answer == "no" and poll_id is not None:
            await interaction.response.edit_message(content=t("editor.delete_cancelled", language), view=None)
            return
        guild_id, editor_id = config.guild_id, interaction.user.id
        try:
            if answer != "yes" or poll_id is None:
                raise NotFound("malformed custom id")
            result = await run_write(self.database, lambda s: delete_poll(
                s, guild_id=guild_id, poll_id=poll_id, editor_id=editor_id, now=utcnow()))
        except ReaderBotError as error:
            await reply(interaction, error_text(error, interaction.locale))
            return
        text = t("editor.deleted", language, question=escape(result.question), votes=result.votes_removed,
                 answers=result.answers_removed)
        await interaction.response.edit_message(content=text[:2000], view=None)
        await self.desk.remove_deleted(poll_id)
        await self.desk.refresh(result.article_id)

    # ----- /poll add ---------------------------------------------------------------------------------------

    async def add(self, interaction: discord.Interaction, article: str, question: str, options: str | None,
                  duration: str | None, multiple: bool = False) -> None:
        language = language_for(interaction.locale)
        config = await self.editor_config(interaction)
        if config is None:
            return
        article_id = parse_id(article.strip())
        if article_id is None:
            raise InvalidInput("no article", message_key="editor.bad_article")
        async with self.database.session() as session:
            stored = await article_in_guild(session, guild_id=config.guild_id, article_id=article_id)
            poll_language = config.poll_language(stored.language)
        spec = parse_poll(question, options, poll_language)
        seconds = parse_poll_duration(duration) if duration else config.poll_duration_seconds
        native = config.poll_style == "native" and spec.kind != PollKind.OPEN  # never anonymous: Discord shows voters
        await interaction.response.defer(ephemeral=True, thinking=True)
        editor_id = interaction.user.id
        poll_id = await run_write(self.database, lambda s: add_poll(
            s, guild_id=config.guild_id, article_id=article_id, spec=spec, duration_seconds=seconds,
            anonymous=config.anonymous and not native, language=poll_language, editor_id=editor_id, native=native,
            multiple=multiple))
        await self.desk.post_approved([poll_id])
        await reply(interaction, t("editor.added", language, question=escape(spec.question)))

    # ----- forged ids and forms opened before a restart ----------------------------------------------------

    async def on_review_interaction(self, interaction: discord.Interaction, custom_id: str) -> None:
        """Review buttons and edit forms (bot/cogs/routes.py): the DynamicItems answer the buttons on their
        messages; here the forms, and a polite refusal for ids not on the message clicked (forged)."""
        if interaction.type == discord.InteractionType.modal_submit and custom_id.startswith(EDIT_MODAL_PREFIX):
            await self.handle_edit_submit(interaction)
            return
        if interaction.type != discord.InteractionType.component or not custom_id.startswith((REVIEW_PREFIX, DELETE_PREFIX)):
            return
        if message_has_component(interaction.message, custom_id):
            return  # the DynamicItem handles it
        await reply(interaction, t("review.unknown", language_for(interaction.locale)))


def _echo(values: dict[str, str], language: Language) -> str:
    """What the editor typed, so nothing is lost when the form is refused."""
    typed = "\n".join(v for v in (values.get(QUESTION_INPUT_ID), values.get(OPTIONS_INPUT_ID)) if v)
    if not typed:
        return ""
    return "\n```\n" + typed.replace("`", "ˋ")[:1500] + "\n```"


# ----- the /poll subcommands (added to the polls cog's /poll group when this cog loads) ----------------------


@app_commands.command(name="add", description="Post a poll you write in an article's thread (editors; no review)")
@app_commands.describe(
    article="The article (start typing its title)",
    question="The question, up to 300 characters",
    options="Options as “A | B | C” or one per line; empty: yes/no; “open”: written answers",
    duration="How long it stays open, e.g. 3d or 12h (default: this server's poll duration)",
    multiple="Members may choose several options (Discord's own polls only: /config set style:native)",
)
async def poll_add(interaction: discord.Interaction, article: str, question: app_commands.Range[str, 1, QUESTION_MAX_LENGTH],
                   options: app_commands.Range[str, 0, OPTIONS_INPUT_MAX_LENGTH] | None = None,
                   duration: app_commands.Range[str, 1, 40] | None = None, multiple: bool = False) -> None:
    await _cog(interaction).add(interaction, article, question, options, duration, multiple)


@poll_add.autocomplete("article")
async def _autocomplete_articles(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    cog = _cog(interaction)
    if interaction.guild_id is None:
        return []
    async with cog.database.session() as session:
        config = await load_guild_config(session, interaction.guild_id, cog.bot.settings.polls)
        if not is_editor(interaction, config.editor_role_id):
            return []
        articles = await articles_for_autocomplete(session, guild_id=interaction.guild_id, search=current[:100])
    return [app_commands.Choice(name=title[:100], value=str(article_id)) for article_id, title in articles]


async def _autocomplete_polls(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    cog = _cog(interaction)
    if interaction.guild_id is None:
        return []
    async with cog.database.session() as session:
        config = await load_guild_config(session, interaction.guild_id, cog.bot.settings.polls)
        if not is_editor(interaction, config.editor_role_id):
            return []
        polls = await polls_for_autocomplete(session, guild_id=interaction.guild_id, search=current[:100])
    language = language_for(interaction.locale)
    return [app_commands.Choice(name=f"{question[:80]} ({t(f'state.{state}', language)})"[:100], value=str(poll_id))
            for poll_id, question, state in polls]


@app_commands.command(name="edit", description="Change a poll's question or options (options only before its first vote)")
@app_commands.describe(poll="The poll (start typing its question)")
async def poll_edit(interaction: discord.Interaction, poll: str) -> None:
    cog = _cog(interaction)
    if await cog.editor_config(interaction) is None:
        return
    await cog.open_edit_form(interaction, parse_id(poll.strip()), language_for(interaction.locale))


@app_commands.command(name="delete", description="Delete a poll with its votes and answers (asks first)")
@app_commands.describe(poll="The poll (start typing its question)")
async def poll_delete(interaction: discord.Interaction, poll: str) -> None:
    await _cog(interaction).ask_delete(interaction, parse_id(poll.strip()))


poll_edit.autocomplete("poll")(_autocomplete_polls)
poll_delete.autocomplete("poll")(_autocomplete_polls)

POLL_COMMANDS: tuple[app_commands.Command[Any, Any, Any], ...] = (poll_add, poll_edit, poll_delete)


async def setup(bot: commands.Bot) -> None:
    """After bot.cogs.polls (it owns the /poll group these commands join)."""
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(EditorsCog(bot))  # type: ignore[arg-type]


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)

