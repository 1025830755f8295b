"""The poll message as posted and refreshed: counts, hidden results, buttons, closing."""

from __future__ import annotations

import discord
from sqlalchemy import update

from bot.cogs.poll_views import (
    AnswerButton,
    VoteButton,
    parse_vote_custom_id,
    render_poll_message,
    render_result_message,
)
from bot.polls.tally import load_poll_snapshot
from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import PollState, Poll, Vote
from tests.polls.conftest import GUILD, OTHER_GUILD, MakePoll, set_visibility


async def _vote(database: Database, poll, member: int, option_index: int) -> None:
    async with database.session() as session:
        session.add(Vote(poll_id=poll.poll_id, guild_id=poll.guild_id, member_id=member, option_id=poll.option_ids[option_index]))


def _buttons(view: discord.ui.View) -> list[dict]:
    return [component for row in view.to_components() for component in row["components"]]


async def test_snapshot_counts_and_shares_come_from_sql(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    for member, option in [(1, 0), (2, 0), (3, 1), (4, 0)]:
        await _vote(database, poll, member, option)
    async with database.session() as session:
        snapshot = await load_poll_snapshot(session, poll.poll_id)
    assert snapshot is not None
    assert [(o.label, o.votes) for o in snapshot.options] == [("Ja", 3), ("Nein", 1), ("Weiß nicht", 0)]
    assert [round(o.share, 2) for o in snapshot.options] == [0.75, 0.25, 0.0]
    assert snapshot.total_votes == 4
    assert snapshot.results_visibility == "live"


async def test_snapshot_is_scoped_to_the_guild(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(guild_id=OTHER_GUILD)
    async with database.session() as session:
        assert await load_poll_snapshot(session, poll.poll_id, guild_id=GUILD) is None
        assert await load_poll_snapshot(session, poll.poll_id, guild_id=OTHER_GUILD) is not None
        assert await load_poll_snapshot(session, 987654) is None


async def test_live_message_shows_counts_and_one_button_per_option(database: Database, make_poll: MakePoll) -> None:
    labels = [f"Option {n}" for n in range(7)]
    poll = await make_poll(options=labels, language="en")
    await _vote(database, poll, 1, 2)
    async with database.session() as session:
        snapshot = await load_poll_snapshot(session, poll.poll_id)
    content, embed, view = render_poll_message(snapshot, language="en")
    assert "Sollten wir mehr Bäume pflanzen?" in content
    assert "100%" in embed.description and "(1)" in embed.description
    assert "<t:" in embed.description and ":R>" in embed.description
    rows = view.to_components()
    assert [len(row["components"]) for row in rows] == [5, 2]
    ids = [button["custom_id"] for button in _buttons(view)]
    assert ids == [f"rb:vote:{poll.poll_id}:{option_id}" for option_id in poll.option_ids]
    assert all(not button.get("disabled") for button in _buttons(view))
    assert all(isinstance(item, VoteButton) for item in view.children)
    assert view.is_finished()  # drawn only: discord.py neither keeps it nor dispatches its clicks


async def test_on_close_visibility_hides_counts_until_closed(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll()
    await set_visibility(database, GUILD, "on_close")
    await _vote(database, poll, 1, 0)
    async with database.session() as session:
        snapshot = await load_poll_snapshot(session, poll.poll_id)
    message = render_poll_message(snapshot, language="de")
    assert "erscheinen, wenn die Umfrage endet" in message.embed.description
    assert "100" not in message.embed.description and "(1)" not in message.embed.description
    async with database.session() as session:
        await session.execute(update(Poll).where(Poll.id == poll.poll_id).values(state=PollState.CLOSED))
    async with database.session() as session:
        closed = await load_poll_snapshot(session, poll.poll_id)
    message = render_poll_message(closed, language="de")
    assert "100 %" in message.embed.description and "(1)" in message.embed.description
    assert all(button["disabled"] for button in _buttons(message.view))
    assert "Umfrage beendet" in render_result_message(closed)


async def test_open_question_gets_an_answer_button(database: Database, make_poll: MakePoll) -> None:
    poll = await make_poll(kind=PollKind.OPEN, question="Was meint ihr dazu?")
    async with database.session() as session:
        snapshot = await load_poll_snapshot(session, poll.poll_id)
    message = render_poll_message(snapshot, language="de")
    (button,) = _buttons(message.view)
    assert button["custom_id"] == f"rb:answer:{poll.poll_id}" and button["label"] == "Antworten"
    assert isinstance(message.view.children[0], AnswerButton)
    english = render_poll_message(snapshot, language="en")
    assert _buttons(english.view)[0]["label"] == "Answer"


def test_markdown_and_mentions_in_questions_are_defused() -> None:
    from bot.cogs.poll_views import _escape

    assert "@\u200beveryone" in _escape("@everyone *look*")
    assert "\\*look\\*" in _escape("@everyone *look*")


def test_custom_id_parsing_refuses_garbage() -> None:
    assert parse_vote_custom_id("rb:vote:12:34") == (12, 34)
    assert parse_vote_custom_id("rb:vote:12") == (None, None)
    assert parse_vote_custom_id("rb:vote:-1:34") == (None, 34)
    assert parse_vote_custom_id("rb:vote:99999999999999999999:1") == (None, 1)
    assert parse_vote_custom_id("rb:vote:1:2:3") == (None, None)
