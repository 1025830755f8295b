"""Posting one poll on its own, after its article: an approved proposal or a poll an editor wrote by hand.

The same outbox as the article's steps (bot/posting/publish.py): the `poll:<id>` row is written PENDING before the
request, the message is looked for on Discord when a PENDING row is found again (a crash between the send and
its record), and the poll opens, with its deadline counted from its message, in the transaction that marks the
row SENT. So a SIGKILL anywhere between an Approve click and the post ends with the poll posted exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from bot.polls.closing import result_channel
from bot.posting.outbox import get_post, mark_sent, poll_key, record_intent
from bot.posting.publish import LOOKBACK, PostingTransport, SentMessage, open_poll
from bot.storage.database import Database
from bot.storage.models import Poll, PollState, utcnow


class PollPoster:
    """Posts single polls; one at a time per process, so a click and the restart sweep never both send one."""

    def __init__(self, database: Database, transport: PostingTransport, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.transport = transport
        self.clock = clock
        self._lock = asyncio.Lock()

    async def post(self, poll_id: int) -> SentMessage | None:
        """Post the poll in its article's thread unless it is on Discord already; None when there is nothing to post
        (not approved, dropped, deleted, or posted before)."""
        async with self._lock:
            async with self.database.session() as session:
                poll = await session.get(Poll, poll_id)
                if poll is None or poll.state != PollState.DRAFT:
                    return None
                channel_id = await result_channel(session, poll_id)
                if channel_id is None:
                    return None
                key = poll_key(poll_id)
                earlier = await get_post(session, key)
                if earlier is not None and earlier.sent:
                    return None
                post = earlier or await record_intent(session, key, guild_id=poll.guild_id, channel_id=channel_id,
                                                      now=self.clock(), article_id=poll.article_id, poll_id=poll_id)
            found = None
            if earlier is not None:  # a previous run may have sent it before it could record that
                found = await self.transport.find_poll_message(post.channel_id, poll_id, post.created_at - LOOKBACK)
            sent = found if found is not None else await self.transport.send_poll_message(post.channel_id, poll_id, post.nonce)
            async with self.database.session() as session:
                await mark_sent(session, key, message_id=sent.message_id, sent_at=sent.created_at, channel_id=sent.channel_id)
                await open_poll(session, poll_id, sent.created_at)
            return sent
