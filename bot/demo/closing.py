"""Stages 5 and 6 of the demo: the bot closes the polls on its own and posts the author summaries; the demo
waits for both, with a deadline each.

Separate from the run (bot/demo/__init__.py) because nobody acts any more in these stages: the demo only watches
the database and the sandbox until the bot has finished.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from bot.demo.names import SUMMARY_CHANNEL
from bot.demo.stages import DemoFailed

if TYPE_CHECKING:
    from bot.summaries.report import Summary

CLOSE_GRACE_SECONDS = 15.0  # after the last deadline, how long the bot gets to close everything
SUMMARY_TIMEOUT_SECONDS = 15.0


class ClosingMixin:
    """Part of `Demo`: waiting for the polls to close and the summaries to arrive."""

    # ----- 5: the polls close ------------------------------------------------------------------------------

    async def _summaries(self) -> list[Summary]:
        from bot.summaries.report import build_summary

        return [await build_summary(self.database, article.article_id) for article in self.articles]

    async def _wait_for_closing(self) -> None:
        self.progress.stage(5, "the polls close")
        summaries = await self._summaries()
        deadlines = [p.closes_at.timestamp() for s in summaries for p in s.polls if p.closes_at is not None]
        give_up = max(deadlines, default=time.time()) + CLOSE_GRACE_SECONDS
        total = sum(len(s.polls) for s in summaries)
        while True:
            summaries = await self._summaries()
            closed = sum(1 for s in summaries for p in s.polls if p.closed)
            waiting = max(0.0, max(deadlines, default=0.0) - time.time())
            self.progress.detail(f"{closed}/{total} closed" + (f", last one in {waiting:.0f} s" if waiting else ""))
            if closed == total and self._polls_shown_closed():
                break
            if time.time() > give_up:
                raise DemoFailed(f"only {closed} of {total} polls closed (and shown closed on Discord) "
                                 f"{CLOSE_GRACE_SECONDS:.0f} s after the last deadline")
            await asyncio.sleep(0.25)
        self.progress.detail(f"{total}/{total} closed", force=True)

    def _polls_shown_closed(self) -> bool:
        """Every poll message shows its final state (buttons disabled; Discord's own polls ended)."""
        return all(bool(t.message.poll["results"]["is_finalized"]) if t.native else
                   all(b.get("disabled") for row in t.message.components for b in row.get("components") or [row])
                   for a in self.articles for t in a.targets)

    # ----- 6: summaries for the authors --------------------------------------------------------------------

    async def _wait_for_summaries(self) -> None:
        """Each article's summary in the summary channel, and in its author's DMs (both authors are mapped)."""
        from bot.demo.transcript import mentions_any

        self.progress.stage(6, f"author summaries appear in #{SUMMARY_CHANNEL} and in the authors' DMs")
        authors = {"Mara Lindner": self.admin, "Sam Okafor": self.second_author}
        deadline = time.monotonic() + SUMMARY_TIMEOUT_SECONDS
        while True:
            posted = self.sandbox.messages(self.summary_channel)
            missing = [f"#{SUMMARY_CHANNEL}: {a.title!r}" for a in self.articles if not mentions_any(posted, [a.url])]
            for article in self.articles:
                author = authors.get(article.author)
                if author is not None and not mentions_any(self.sandbox.dm_messages(author), [article.url]):
                    missing.append(f"DM to {author.name}: {article.title!r}")
            expected = len(self.articles) + sum(1 for a in self.articles if a.author in authors)
            self.progress.detail(f"{expected - len(missing)}/{expected} posted")
            if not missing:
                break
            if time.monotonic() > deadline:
                raise DemoFailed(f"{len(missing)} summaries did not arrive within {SUMMARY_TIMEOUT_SECONDS:.0f} s "
                                 f"of the polls closing: {'; '.join(missing)}")
            await asyncio.sleep(0.25)
        self.progress.detail(f"{expected}/{expected} posted", force=True)
