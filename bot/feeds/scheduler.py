"""When each feed is fetched next: spread over the poll interval, backing off while a feed keeps failing.

Pure functions of time and counters, so the schedule can be tested without a clock or a network.

Spreading: every subscription gets a fixed phase inside the interval (a low-discrepancy sequence over its id,
so ten feeds land in ten different tenths of the interval instead of clumping) and is due at the next instant
with that phase. A restart after a long downtime therefore does not fetch every feed in the same second:
overdue feeds are moved to their next slot, one interval at most away.

Backing off: after `failures` consecutive failures the next fetch waits `interval * 2**(failures - 1)`, capped
at `max_backoff`; the first success puts the feed back on its regular slot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

GOLDEN_RATIO_FRACTION = 0.6180339887498949
DEFAULT_MAX_BACKOFF_SECONDS = 6 * 3600.0
MAX_BACKOFF_INTERVALS = 32  # backoff never exceeds this many intervals, so short test intervals recover fast
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def feed_phase(subscription_id: int) -> float:
    """A fraction in [0, 1): where inside the interval this feed is fetched."""
    return (subscription_id * GOLDEN_RATIO_FRACTION) % 1.0


@dataclass(frozen=True)
class FeedSchedule:
    """How often feeds are fetched and how far failing feeds back off."""

    interval: float  # seconds between two fetches of a healthy feed
    max_backoff: float  # seconds: the longest wait after repeated failures

    @classmethod
    def for_interval(cls, interval: float) -> FeedSchedule:
        """The cap is 6 hours, or fewer intervals for short ones (32), but never less than one interval."""
        if interval <= 0 or not math.isfinite(interval):
            raise ValueError("the poll interval must be a positive number of seconds")
        cap = min(DEFAULT_MAX_BACKOFF_SECONDS, interval * MAX_BACKOFF_INTERVALS)
        return cls(interval=interval, max_backoff=max(interval, cap))

    def next_slot(self, subscription_id: int, now: datetime) -> datetime:
        """The first instant strictly after `now` that falls on this feed's phase."""
        offset = feed_phase(subscription_id) * self.interval
        elapsed = (now - _EPOCH).total_seconds() - offset
        cycles = math.floor(elapsed / self.interval) + 1
        due = _EPOCH + timedelta(seconds=cycles * self.interval + offset)
        if due <= now:  # floating point at an exact boundary
            due += timedelta(seconds=self.interval)
        return due

    def backoff_delay(self, failures: int) -> float:
        """Seconds to wait after `failures` consecutive failures (1 -> one interval, then doubling)."""
        if failures <= 0:
            return self.interval
        exponent = min(failures - 1, 62)
        return min(self.interval * (2.0**exponent), self.max_backoff)

    def after_success(self, subscription_id: int, now: datetime) -> datetime:
        """The feed's next slot, but never within half an interval: a feed fetched off its phase (resumed by an
        admin, taken over from a dead process) is not fetched again a moment later, at its slot."""
        due = self.next_slot(subscription_id, now)
        if (due - now).total_seconds() < self.interval / 2:
            due += timedelta(seconds=self.interval)
        return due

    def after_failure(self, failures: int, now: datetime) -> datetime:
        return now + timedelta(seconds=self.backoff_delay(failures))

    def first_due(self, subscription_id: int, now: datetime) -> datetime:
        """A new subscription was fetched when it was added; its next fetch is its next slot."""
        return self.next_slot(subscription_id, now)

    def spread_overdue(self, subscription_id: int, due: datetime, now: datetime) -> datetime:
        """At start-up: a feed that fell due while the bot was down waits for its slot instead of all at once."""
        if due > now:
            return due
        return self.next_slot(subscription_id, now)
