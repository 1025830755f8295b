"""Discord's native polls in the sandbox: the poll object's rules, members' votes, expiry and finalised results.

Shapes and limits follow Discord's OpenAPI spec (discord/discord-api-spec, specs/openapi.json: PollCreateRequest,
PollResponse, PollResultsResponse, PollAnswerDetailsResponse; the routes `/channels/{channel_id}/polls/{message_id}/
expire` and `/channels/{channel_id}/polls/{message_id}/answers/{answer_id}`) and the developer documentation
(question 300 characters, answers 55, at most 10 answers, 1 to 768 hours; the MESSAGE_POLL_VOTE_ADD/REMOVE gateway
events, sent only with the GUILD_MESSAGE_POLLS intent; the poll-result system message, type 46).

While a poll is open its `results.answer_counts` follow every vote with `is_finalized` false; when it ends (its
expiry passed, or its author called the expire endpoint) the counts are final, `is_finalized` turns true, the
message is updated and Discord's "poll result" message is posted in the same channel.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bot.sandbox.gateway import INTENT_DIRECT_MESSAGES
from bot.sandbox.limits import (
    POLL_ANSWER_MAX,
    POLL_ANSWERS_MAX,
    POLL_DURATION_HOURS_MAX,
    POLL_QUESTION_MAX,
    DiscordError,
    FormError,
)
from bot.sandbox.message_state import Message
from bot.sandbox.state import Member, SandboxUsageError, User, iso_timestamp

if TYPE_CHECKING:
    from bot.sandbox.state import StateIndex

INTENT_GUILD_MESSAGE_POLLS = 1 << 24
INTENT_DIRECT_MESSAGE_POLLS = 1 << 25
MESSAGE_POLL_RESULT = 46
POLL_LAYOUT_DEFAULT = 1
VOTERS_LIMIT_DEFAULT = 25
VOTERS_LIMIT_MAX = 100

# Discord's JSON error codes for polls.
POLL_VOTING_BLOCKED = 520000
POLL_EXPIRED = 520001
POLL_INVALID_CHANNEL = 520002
POLL_CANNOT_EDIT = 520003
POLL_NOT_A_POLL = 520006


# -- validation --------------------------------------------------------------------------------------------------


def _text(errors: FormError, path: tuple, value: Any, limit: int) -> None:
    if value is None:
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
    elif not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
    elif not 1 <= len(value) <= limit:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limit} in length.")


def validate_poll_request(errors: FormError, poll: Any, path: tuple = ("poll",)) -> None:
    """A PollCreateRequest as Discord checks it; every problem is added to `errors` under its field path."""
    if not isinstance(poll, Mapping):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    question = poll.get("question")
    if not isinstance(question, Mapping):
        if question is None:
            errors.add(path + ("question",), "BASE_TYPE_REQUIRED", "This field is required")
        else:
            errors.add(path + ("question",), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
    else:
        _text(errors, path + ("question", "text"), question.get("text"), POLL_QUESTION_MAX)
        if question.get("emoji") is not None:
            errors.add(path + ("question", "emoji"), "POLL_QUESTION_EMOJI_UNSUPPORTED",
                       "Only text is supported for the question of a poll")
    answers = poll.get("answers")
    if answers is None:
        errors.add(path + ("answers",), "BASE_TYPE_REQUIRED", "This field is required")
    elif not isinstance(answers, list):
        errors.add(path + ("answers",), "BASE_TYPE_ARRAY", "Must be an array.")
    elif not 1 <= len(answers) <= POLL_ANSWERS_MAX:
        errors.add(path + ("answers",), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {POLL_ANSWERS_MAX} in length.")
    else:
        for index, answer in enumerate(answers):
            answer_path = path + ("answers", index)
            media = answer.get("poll_media") if isinstance(answer, Mapping) else None
            if not isinstance(answer, Mapping):
                errors.add(answer_path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            elif not isinstance(media, Mapping):
                errors.add(answer_path + ("poll_media",), "BASE_TYPE_REQUIRED", "This field is required")
            elif media.get("text") is None and media.get("emoji"):
                continue  # an answer may be an emoji alone
            else:
                _text(errors, answer_path + ("poll_media", "text"), media.get("text"), POLL_ANSWER_MAX)
    duration = poll.get("duration")
    if duration is not None:
        # discord.py sends hours as a float (2.0); Discord takes any JSON number with no fraction as an int.
        if isinstance(duration, float) and duration.is_integer():
            duration = int(duration)
        if not isinstance(duration, int) or isinstance(duration, bool):
            errors.add(path + ("duration",), "NUMBER_TYPE_COERCE", f"Value \"{duration}\" is not int.")
        elif duration < 1:
            errors.add(path + ("duration",), "NUMBER_TYPE_MIN", "int value should be greater than or equal to 1.")
        elif duration > POLL_DURATION_HOURS_MAX:
            errors.add(path + ("duration",), "NUMBER_TYPE_MAX",
                       f"int value should be less than or equal to {POLL_DURATION_HOURS_MAX}.")
    multiselect = poll.get("allow_multiselect")
    if multiselect is not None and not isinstance(multiselect, bool):
        errors.add(path + ("allow_multiselect",), "BASE_TYPE_BOOLEAN", "Must be either true or false.")
    layout = poll.get("layout_type")
    if layout is not None and (isinstance(layout, bool) or layout != POLL_LAYOUT_DEFAULT):
        errors.add(path + ("layout_type",), "ENUM_TYPE_COERCE", f"Value \"{layout}\" is not a valid enum value.")


def parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- votes and ending ----------------------------------------------------------------------------------------------


class NativePollsMixin:
    """Part of `Sandbox`: members vote on native polls, polls end (by time or the expire endpoint)."""

    state: StateIndex
    poll_hour_seconds: float = 3600.0  # how long one hour of a poll's duration lasts here (tests shorten it)

    def _schedule_poll_end(self, message: Message, request: Mapping[str, Any]) -> None:
        """A new poll: its expiry from its duration, and a timer that ends it then, as Discord does."""
        hours = request.get("duration")
        hours = 24 if hours is None else int(hours)
        seconds = hours * self.poll_hour_seconds
        expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
        message.poll["expiry"] = iso_timestamp(expiry)  # type: ignore[index]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a synchronous caller): `end_expired_polls()` ends it
        loop.call_later(seconds, self._end_if_due, message.id)

    def _end_if_due(self, message_id: int) -> None:
        message = self.state.messages.get(message_id)
        if message is not None and not message.deleted and message.poll and not message.poll["results"]["is_finalized"]:
            self.end_poll(message)

    @property
    def poll_votes(self) -> dict[int, dict[int, dict[int, None]]]:
        """message id -> answer id -> voter ids in voting order (dicts keep order and are sets at once)."""
        votes = self.__dict__.get("_native_poll_votes")
        if votes is None:
            votes = self.__dict__["_native_poll_votes"] = {}
        return votes

    def poll_counts(self, message: Message) -> dict[int, int]:
        """The poll's votes per answer as Discord counts them (every answer, 0 included)."""
        self._require_poll(message)
        voters = self.poll_votes.get(message.id, {})
        return {answer["answer_id"]: len(voters.get(answer["answer_id"], {})) for answer in message.poll["answers"]}

    def poll_voters(self, message: Message, answer_id: int) -> list[int]:
        return sorted(self.poll_votes.get(message.id, {}).get(answer_id, {}))

    def member_poll_answers(self, message: Message, member: Member | User) -> set[int]:
        user_id = member.user.id if isinstance(member, Member) else member.id
        return {answer_id for answer_id, voters in self.poll_votes.get(message.id, {}).items() if user_id in voters}

    def poll_is_finalized(self, message: Message) -> bool:
        return bool(self._require_poll(message)["results"]["is_finalized"])

    def vote_native(self, member: Member | User, message: Message, answer_ids: Iterable[int]) -> None:
        """A member picks answers on a native poll, as their client would: answers they had and did not pick
        again are removed first (MESSAGE_POLL_VOTE_REMOVE), new ones added (MESSAGE_POLL_VOTE_ADD)."""
        poll = self._open_poll_for(member, message)
        wanted = list(dict.fromkeys(int(a) for a in answer_ids))
        known = {answer["answer_id"] for answer in poll["answers"]}
        if not wanted or any(answer_id not in known for answer_id in wanted):
            raise SandboxUsageError(f"answers {wanted} are not answers of this poll ({sorted(known)})")
        if len(wanted) > 1 and not poll["allow_multiselect"]:
            raise SandboxUsageError("this poll allows one answer only")
        user = member.user if isinstance(member, Member) else member
        current = self.member_poll_answers(message, user)
        for answer_id in sorted(current - set(wanted)):
            self._remove_vote(message, user, answer_id)
        for answer_id in wanted:
            if answer_id not in current:
                self._add_vote(message, user, answer_id)
        self._after_votes(message)

    def unvote_native(self, member: Member | User, message: Message, answer_ids: Iterable[int] | None = None) -> None:
        """A member removes their vote (all their answers, or the ones named)."""
        self._open_poll_for(member, message)
        user = member.user if isinstance(member, Member) else member
        current = self.member_poll_answers(message, user)
        for answer_id in sorted(current if answer_ids is None else current & {int(a) for a in answer_ids}):
            self._remove_vote(message, user, answer_id)
        self._after_votes(message)

    def end_poll(self, message: Message) -> Message:
        """End the poll now (its expiry, or the expire endpoint): final counts, MESSAGE_UPDATE, result message.
        Returns the poll-result message."""
        poll = self._require_poll(message)
        if poll["results"]["is_finalized"]:
            raise DiscordError(400, POLL_EXPIRED, "Poll expired")
        now = dt.datetime.now(dt.timezone.utc)
        if parse_timestamp(poll["expiry"]) > now:
            poll["expiry"] = iso_timestamp(now)
        poll["results"] = self._results(message, finalized=True)
        message.changed()
        if message.channel.guild is not None:
            self._dispatch_message_event("MESSAGE_UPDATE", message)  # type: ignore[attr-defined]
        result = self.create_message(  # type: ignore[attr-defined]
            message.channel, message.author, {"embeds": [self._result_embed(message)]}, type=MESSAGE_POLL_RESULT,
            message_reference=_reference(message))
        return result

    def end_expired_polls(self, now: dt.datetime | None = None) -> list[Message]:
        """End every open poll whose expiry has passed (Discord does this on its own; tests call it)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        ended = []
        for message_id in list(self.poll_votes) + [m.id for m in self.state.messages.values() if m.poll]:
            message = self.state.messages.get(message_id)
            if message is None or message.deleted or not message.poll or message.poll["results"]["is_finalized"]:
                continue
            if parse_timestamp(message.poll["expiry"]) <= now:
                ended.append(self.end_poll(message))
        return ended

    # -- internals ---------------------------------------------------------------------------------------------

    @staticmethod
    def _require_poll(message: Message) -> dict[str, Any]:
        if not message.poll:
            raise DiscordError(400, POLL_NOT_A_POLL, "Cannot expire a non-poll message")
        return message.poll

    def _open_poll_for(self, member: Member | User, message: Message) -> dict[str, Any]:
        if not message.poll:
            raise SandboxUsageError(f"{message!r} has no poll")
        poll = message.poll
        if message.deleted:
            raise SandboxUsageError(f"{message!r} is deleted")
        if poll["results"]["is_finalized"] or parse_timestamp(poll["expiry"]) <= dt.datetime.now(dt.timezone.utc):
            raise SandboxUsageError("the poll has ended")
        guild = message.channel.guild
        user = member.user if isinstance(member, Member) else member
        if guild is not None and user.id not in guild.members:
            raise SandboxUsageError(f"{user!r} is not a member of {guild!r}")
        return poll

    def _add_vote(self, message: Message, user: User, answer_id: int) -> None:
        self.poll_votes.setdefault(message.id, {}).setdefault(answer_id, {})[user.id] = None
        self._vote_event("MESSAGE_POLL_VOTE_ADD", message, user, answer_id)

    def _remove_vote(self, message: Message, user: User, answer_id: int) -> None:
        self.poll_votes.get(message.id, {}).get(answer_id, {}).pop(user.id, None)
        self._vote_event("MESSAGE_POLL_VOTE_REMOVE", message, user, answer_id)

    def _vote_event(self, event: str, message: Message, user: User, answer_id: int) -> None:
        data: dict[str, Any] = {"user_id": str(user.id), "channel_id": str(message.channel.id),
                                "message_id": str(message.id), "answer_id": answer_id}
        guild = message.channel.guild
        if guild is not None:
            data["guild_id"] = str(guild.id)
            for bot in self._bots_in(guild):  # type: ignore[attr-defined]
                self.hub.dispatch(bot.id, event, data, guild_id=guild.id,  # type: ignore[attr-defined]
                                  intent=INTENT_GUILD_MESSAGE_POLLS)
        else:
            for recipient in message.channel.recipients + [message.author]:
                bot = self.state.bots_by_id.get(recipient.id)
                if bot is not None:
                    self.hub.dispatch(bot.id, event, data,  # type: ignore[attr-defined]
                                      intent=INTENT_DIRECT_MESSAGE_POLLS | INTENT_DIRECT_MESSAGES)

    def _after_votes(self, message: Message) -> None:
        message.poll["results"] = self._results(message, finalized=False)  # type: ignore[index]
        message.changed()
        self._changed()  # type: ignore[attr-defined]

    def _results(self, message: Message, *, finalized: bool) -> dict[str, Any]:
        counts = self.poll_counts(message)
        return {"is_finalized": finalized,
                "answer_counts": [{"id": answer_id, "count": count, "me_voted": False}
                                  for answer_id, count in counts.items() if count]}

    def _result_embed(self, message: Message) -> dict[str, Any]:
        """The `poll_result` embed of Discord's result message: question, winner (none on a tie), totals."""
        poll = message.poll
        assert poll is not None
        counts = self.poll_counts(message)
        total = sum(counts.values())
        best = max(counts.values(), default=0)
        winners = [answer_id for answer_id, count in counts.items() if count == best and count]
        fields = [{"name": "poll_question_text", "value": poll["question"].get("text") or "", "inline": False},
                  {"name": "victor_answer_votes", "value": str(best if len(winners) == 1 else 0), "inline": False},
                  {"name": "total_votes", "value": str(total), "inline": False}]
        if len(winners) == 1:
            answer = next(a for a in poll["answers"] if a["answer_id"] == winners[0])
            fields.append({"name": "victor_answer_id", "value": str(winners[0]), "inline": False})
            if answer["poll_media"].get("text"):
                fields.append({"name": "victor_answer_text", "value": answer["poll_media"]["text"], "inline": False})
        return {"type": "poll_result", "fields": fields}

    def answer_voters_page(self, message: Message, answer_id: int, *, after: int = 0,
                           limit: int = VOTERS_LIMIT_DEFAULT) -> list[dict[str, Any]]:
        """One page of an answer's voters, by user id ascending, as GET .../answers/{answer_id} returns them."""
        voters = [user_id for user_id in self.poll_voters(message, answer_id) if user_id > after][:limit]
        return [self.state.users[user_id].to_dict() for user_id in voters]


def _reference(message: Message) -> dict[str, Any]:
    reference = {"type": 0, "message_id": str(message.id), "channel_id": str(message.channel.id)}
    if message.channel.guild is not None:
        reference["guild_id"] = str(message.channel.guild.id)
    return reference
