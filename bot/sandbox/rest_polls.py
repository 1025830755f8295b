"""REST routes for native polls: ending a poll early and listing an answer's voters (Discord's OpenAPI spec:
`poll_expire` and `get_answer_voters`)."""

from __future__ import annotations

from typing import Any

from bot.sandbox import permissions as perms
from bot.sandbox.limits import FormError
from bot.sandbox.polls import POLL_EXPIRED, VOTERS_LIMIT_DEFAULT, VOTERS_LIMIT_MAX, parse_timestamp
from bot.sandbox.rest_common import Ctx, RestRoute, discord_error, missing_permissions


class PollRoutes:
    """Part of `RestApi`: /channels/{channel_id}/polls/..."""

    def poll_routes(self) -> list[RestRoute]:
        r = RestRoute
        return [
            r("POST", "/channels/{channel_id}/polls/{message_id}/expire", self.expire_poll, bucket="message.edit",
              major="channel_id"),
            r("GET", "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}", self.answer_voters,
              bucket="message.read", major="channel_id"),
        ]

    async def expire_poll(self, ctx: Ctx) -> tuple[int, Any]:
        """Only the poll's author may end it early; an ended poll answers 520001 "Poll expired"."""
        import datetime as dt

        bot = ctx.require_bot
        channel, _ = self._channel_for_bot(ctx.snowflake("channel_id"), bot)  # type: ignore[attr-defined]
        message = self._message_in(channel, ctx.snowflake("message_id"))  # type: ignore[attr-defined]
        poll = self.sandbox._require_poll(message)  # type: ignore[attr-defined]
        if message.author.id != bot.id:
            raise discord_error(403, 50005, "Cannot edit a message authored by another user")
        if poll["results"]["is_finalized"] or parse_timestamp(poll["expiry"]) <= dt.datetime.now(dt.timezone.utc):
            if not poll["results"]["is_finalized"]:
                self.sandbox.end_poll(message)  # type: ignore[attr-defined]
            raise discord_error(400, POLL_EXPIRED, "Poll expired")
        self.sandbox.end_poll(message)  # type: ignore[attr-defined]
        return 200, message.to_dict()

    async def answer_voters(self, ctx: Ctx) -> tuple[int, Any]:
        """{"users": [...]}: one page of the answer's voters by user id, `after` a user id, `limit` 1..100."""
        channel, value = self._channel_for_bot(ctx.snowflake("channel_id"), ctx.require_bot)  # type: ignore[attr-defined]
        if channel.guild is not None and not value & perms.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        message = self._message_in(channel, ctx.snowflake("message_id"))  # type: ignore[attr-defined]
        errors = FormError()
        answer_id = _int(errors, ("answer_id",), ctx.match.get("answer_id"), 1, 10)
        after = _int(errors, ("after",), ctx.query.get("after", "0"), 0, 2**64 - 1)
        limit = _int(errors, ("limit",), ctx.query.get("limit", str(VOTERS_LIMIT_DEFAULT)), 1, VOTERS_LIMIT_MAX)
        if errors:
            raise errors
        if not message.poll:
            raise discord_error(404, 10008, "Unknown Message")
        users = self.sandbox.answer_voters_page(message, answer_id, after=after, limit=limit)  # type: ignore[attr-defined]
        return 200, {"users": users}


def _int(errors: FormError, path: tuple, raw: Any, low: int, high: int) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        errors.add(path, "NUMBER_TYPE_COERCE", f"Value \"{raw}\" is not int.")
        return low
    if value < low:
        errors.add(path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {low}.")
    elif value > high:
        errors.add(path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {high}.")
    return value
