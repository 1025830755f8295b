"""Native polls in the sandbox, checked against Discord's documented limits and shapes (discord/discord-api-spec,
specs/openapi.json: PollCreateRequest, PollResponse, get_answer_voters, poll_expire) and against discord.py 2.7's
own poll code (discord.Poll, Message.poll, PollAnswer.voters(), Poll.end(), on_raw_poll_vote_add/remove)."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
import discord
import pytest

from bot.sandbox import Sandbox
from bot.sandbox.limits import FormError
from bot.sandbox.polls import MESSAGE_POLL_RESULT, validate_poll_request

from .helpers import TOKEN, World, make_client, running, until


def _poll(question: str = "Tea or coffee?", answers: tuple[str, ...] = ("Tea", "Coffee"), **extra) -> dict:
    return {"question": {"text": question}, "answers": [{"poll_media": {"text": a}} for a in answers], **extra}


def _errors(poll) -> dict:
    errors = FormError()
    validate_poll_request(errors, poll)
    return errors.errors


def _leaf(errors: dict, path: str) -> str:
    node = errors
    for part in path.split("."):
        node = node[part]
    return node["_errors"][0]["code"]


@pytest.mark.parametrize(
    ("poll", "path", "code"),
    [
        (_poll("q" * 301), "poll.question.text", "BASE_TYPE_BAD_LENGTH"),
        (_poll(""), "poll.question.text", "BASE_TYPE_BAD_LENGTH"),
        ({"answers": [{"poll_media": {"text": "a"}}]}, "poll.question", "BASE_TYPE_REQUIRED"),
        (_poll(answers=("a" * 56,)), "poll.answers.0.poll_media.text", "BASE_TYPE_BAD_LENGTH"),
        (_poll(answers=tuple(str(i) for i in range(11))), "poll.answers", "BASE_TYPE_BAD_LENGTH"),
        (_poll(answers=()), "poll.answers", "BASE_TYPE_BAD_LENGTH"),
        ({"question": {"text": "q"}}, "poll.answers", "BASE_TYPE_REQUIRED"),
        (_poll(duration=0), "poll.duration", "NUMBER_TYPE_MIN"),
        (_poll(duration=769), "poll.duration", "NUMBER_TYPE_MAX"),
        (_poll(duration="24"), "poll.duration", "NUMBER_TYPE_COERCE"),
        (_poll(duration=1.5), "poll.duration", "NUMBER_TYPE_COERCE"),
        (_poll(allow_multiselect="yes"), "poll.allow_multiselect", "BASE_TYPE_BOOLEAN"),
        (_poll(layout_type=2), "poll.layout_type", "ENUM_TYPE_COERCE"),
        ({"question": {"text": "q", "emoji": {"name": "🍵"}}, "answers": [{"poll_media": {"text": "a"}}]},
         "poll.question.emoji", "POLL_QUESTION_EMOJI_UNSUPPORTED"),
    ],
)
def test_poll_object_refused_beyond_documented_limits(poll, path, code) -> None:
    assert _leaf(_errors(poll), path) == code


def test_poll_object_accepted_at_documented_limits() -> None:
    assert _errors(_poll("q" * 300, tuple("a" * 55 for _ in range(10)), duration=768, allow_multiselect=True,
                         layout_type=1)) == {}
    assert _errors(_poll(duration=1, allow_multiselect=None, layout_type=None)) == {}
    assert _errors({"question": {"text": "q"}, "answers": [{"poll_media": {"emoji": {"name": "👍"}}}]}) == {}


async def test_invalid_poll_is_400_50035_in_discords_nested_format(sandbox: Sandbox, world: World) -> None:
    url = f"{sandbox.api_base}/channels/{world.channel.id}/messages"
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"poll": _poll("q" * 301, duration=1000)}, headers=headers) as reply:
            body = await reply.json()
            assert reply.status == 400
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body"
    assert body["errors"]["poll"]["question"]["text"]["_errors"][0]["code"] == "BASE_TYPE_BAD_LENGTH"
    assert body["errors"]["poll"]["duration"]["_errors"][0]["code"] == "NUMBER_TYPE_MAX"
    assert sandbox.messages(world.channel) == []


class PollClient:
    """A discord.py client that records poll vote events and poll-result messages."""

    def __init__(self, intents: discord.Intents) -> None:
        self.client = make_client(intents=intents)
        self.events: list[tuple[str, int, int]] = []
        self.results: list[discord.Message] = []

        @self.client.event
        async def on_raw_poll_vote_add(payload: discord.RawPollVoteActionEvent) -> None:
            self.events.append(("add", payload.user_id, payload.answer_id))

        @self.client.event
        async def on_raw_poll_vote_remove(payload: discord.RawPollVoteActionEvent) -> None:
            self.events.append(("remove", payload.user_id, payload.answer_id))

        @self.client.event
        async def on_message(message: discord.Message) -> None:
            if message.type is discord.MessageType.poll_result:
                self.results.append(message)


def _intents(polls: bool) -> discord.Intents:
    intents = discord.Intents.default()
    intents.guild_polls = polls
    return intents


async def test_discord_py_poll_votes_voters_and_end(sandbox: Sandbox, world: World) -> None:
    members = sandbox.add_members(world.guild, 105)
    watcher = PollClient(_intents(polls=True))
    async with running(watcher.client) as client:
        channel = client.get_channel(world.channel.id)
        poll = discord.Poll(question="Tea or coffee?", duration=dt.timedelta(hours=2))
        poll.add_answer(text="Tea").add_answer(text="Coffee")
        sent = await channel.send(poll=poll)
        stored = sandbox.message(sent.id)
        assert stored.poll["answers"][1] == {"answer_id": 2, "poll_media": {"text": "Coffee"}}
        assert stored.poll["allow_multiselect"] is False and stored.poll["layout_type"] == 1
        expiry = dt.datetime.fromisoformat(stored.poll["expiry"])
        assert dt.timedelta(hours=1, minutes=59) < expiry - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(hours=2)

        for member in members:
            sandbox.vote_native(member, stored, [1])
        sandbox.vote_native(members[0], stored, [2])  # a change: remove 1, add 2
        sandbox.unvote_native(members[1], stored)
        await until(lambda: len(watcher.events) == 105 + 3)
        assert watcher.events[-3:] == [("remove", members[0].user.id, 1), ("add", members[0].user.id, 2),
                                       ("remove", members[1].user.id, 1)]
        assert sandbox.poll_counts(stored) == {1: 103, 2: 1}

        fetched = await channel.fetch_message(sent.id)
        assert fetched.poll is not None and not fetched.poll.is_finalised()
        tea = fetched.poll.get_answer(1)
        assert tea.vote_count == 103
        voters = [user.id async for user in tea.voters(limit=1000)]  # pages of 100 by user id
        assert sorted(voters) == sorted(m.user.id for m in members[2:])
        assert len(sandbox.requests_matching("GET", f"/polls/{sent.id}/answers/1")) == 3  # 100, 3, empty

        ended = await fetched.poll.end()
        assert ended.is_finalised()
        await until(lambda: len(watcher.results) == 1)
        result = watcher.results[0]
        assert result.type is discord.MessageType.poll_result and result.reference.message_id == sent.id
        fields = {field.name: field.value for field in result.embeds[0].fields}
        assert fields == {"poll_question_text": "Tea or coffee?", "victor_answer_votes": "103", "total_votes": "104",
                          "victor_answer_id": "1", "victor_answer_text": "Tea"}
        assert sandbox.messages(world.channel)[-1].type == MESSAGE_POLL_RESULT
        assert stored.poll["results"] == {"is_finalized": True, "answer_counts": [
            {"id": 1, "count": 103, "me_voted": False}, {"id": 2, "count": 1, "me_voted": False}]}
        with pytest.raises(discord.HTTPException) as again:
            await fetched.poll.end()
        assert again.value.status == 400 and again.value.code == 520001
        with pytest.raises(Exception, match="ended"):
            sandbox.vote_native(members[1], stored, [2])


async def test_vote_events_only_with_the_guild_polls_intent(sandbox: Sandbox, world: World) -> None:
    sandbox.add_bot_user("second-token", name="other-bot")  # joins every guild
    with_intent, without = PollClient(_intents(polls=True)), PollClient(_intents(polls=False))
    async with running(with_intent.client) as client, running(without.client, "second-token"):
        poll = discord.Poll(question="Yes?", duration=dt.timedelta(hours=1))
        poll.add_answer(text="Yes").add_answer(text="No")
        sent = await client.get_channel(world.channel.id).send(poll=poll)
        sandbox.vote_native(world.alice, sandbox.message(sent.id), [2])
        sandbox.unvote_native(world.alice, sandbox.message(sent.id))
        await until(lambda: len(with_intent.events) == 2)
        await asyncio.sleep(0.2)
        assert without.events == []


async def test_expire_is_for_the_author_and_voters_page_limits(sandbox: Sandbox, world: World) -> None:
    sandbox.add_bot_user("second-token", name="other-bot")  # joins every guild
    message = sandbox.create_message(world.channel, world.bot.user, {"poll": _poll(duration=1)})
    base = f"{sandbox.api_base}/channels/{world.channel.id}/polls/{message.id}"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}/expire", headers={"Authorization": "Bot second-token"}) as reply:
            assert reply.status == 403
        headers = {"Authorization": f"Bot {TOKEN}"}
        async with session.get(f"{base}/answers/1", params={"limit": "101"}, headers=headers) as reply:
            body = await reply.json()
            assert reply.status == 400 and body["errors"]["limit"]["_errors"][0]["code"] == "NUMBER_TYPE_MAX"
        async with session.get(f"{base}/answers/11", headers=headers) as reply:
            assert reply.status == 400
        sandbox.vote_native(world.alice, message, [1])
        sandbox.vote_native(world.bob, message, [1])
        first = min(world.alice.user.id, world.bob.user.id)
        async with session.get(f"{base}/answers/1", params={"after": str(first)}, headers=headers) as reply:
            assert [u["id"] for u in (await reply.json())["users"]] == [str(max(world.alice.user.id, world.bob.user.id))]
        async with session.patch(f"{sandbox.api_base}/channels/{world.channel.id}/messages/{message.id}",
                                 json={"poll": _poll()}, headers=headers) as reply:
            assert reply.status == 400 and (await reply.json())["code"] == 520003
    assert sandbox.end_expired_polls(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))
    assert sandbox.poll_is_finalized(message)


async def test_a_poll_ends_on_its_own_at_its_expiry(sandbox: Sandbox, world: World) -> None:
    sandbox.poll_hour_seconds = 0.3  # one hour of poll time lasts 0.3 s here
    watcher = PollClient(_intents(polls=True))
    async with running(watcher.client) as client:
        poll = discord.Poll(question="Soon over?", duration=dt.timedelta(hours=1))
        poll.add_answer(text="Yes").add_answer(text="No")
        sent = await client.get_channel(world.channel.id).send(poll=poll)
        message = sandbox.message(sent.id)
        sandbox.vote_native(world.alice, message, [1])
        assert not sandbox.poll_is_finalized(message)
        await until(lambda: len(watcher.results) == 1, timeout=5)
        assert sandbox.poll_is_finalized(message)
        cached = client.get_partial_messageable(world.channel.id)
        refreshed = await cached.fetch_message(sent.id)
        assert refreshed.poll.is_finalised() and refreshed.poll.get_answer(1).vote_count == 1
        with pytest.raises(Exception, match="ended"):
            sandbox.vote_native(world.bob, message, [2])
