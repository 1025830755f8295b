"""Summaries for the web, each built once in a while rather than once per request.

A summary is cached per article for `OPEN_TTL` seconds while any of its polls is open and `CLOSED_TTL` once all
are closed; the HTTP caches may keep a response for `max_age()` more. Together they keep the figures at most a
minute old while polls are open (15 s here + 30 s in a browser or proxy). Concurrent requests for the same
article share one build.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.storage.database import Database
from bot.summaries.report import Summary, build_summary

OPEN_TTL = 15.0
CLOSED_TTL = 120.0
OPEN_MAX_AGE = 30
CLOSED_MAX_AGE = 300
CACHE_LIMIT = 1000


@dataclass
class CachedReport:
    summary: Summary
    expires: float
    bodies: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # kind -> (body, etag)

    def body(self, kind: str, render: Callable[[Summary], str]) -> tuple[bytes, str]:
        """The rendered body of one kind (page, embed, chart, csv, json) and its strong ETag."""
        found = self.bodies.get(kind)
        if found is None:
            data = render(self.summary).encode("utf-8")
            found = self.bodies[kind] = (data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"')
        return found


def max_age(summary: Summary) -> int:
    return CLOSED_MAX_AGE if summary.closed else OPEN_MAX_AGE


class ReportCache:
    def __init__(self, database: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.database = database
        self.clock = clock
        self._entries: dict[int, CachedReport] = {}
        self._building: dict[int, asyncio.Future[CachedReport]] = {}
        self.builds = 0

    async def get(self, article_id: int) -> CachedReport:
        entry = self._entries.get(article_id)
        if entry is not None and entry.expires > self.clock():
            return entry
        pending = self._building.get(article_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[CachedReport] = asyncio.get_running_loop().create_future()
        self._building[article_id] = future
        try:
            summary = await build_summary(self.database, article_id)
            self.builds += 1
            ttl = CLOSED_TTL if summary.closed else OPEN_TTL
            entry = CachedReport(summary, self.clock() + ttl)
            if len(self._entries) >= CACHE_LIMIT:
                self._entries.clear()
            self._entries[article_id] = entry
            future.set_result(entry)
            return entry
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters get it, nobody else must see "never retrieved"
            raise
        finally:
            del self._building[article_id]

    def forget(self, article_id: int) -> None:
        self._entries.pop(article_id, None)
