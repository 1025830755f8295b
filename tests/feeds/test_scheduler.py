from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.feeds.scheduler import FeedSchedule, feed_phase

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def test_next_slot_is_within_one_interval_and_keeps_the_phase() -> None:
    schedule = FeedSchedule.for_interval(600)
    first = schedule.next_slot(7, NOW)
    assert NOW < first <= NOW + timedelta(seconds=600)
    second = schedule.next_slot(7, first)
    assert second - first == timedelta(seconds=600)


@settings(max_examples=60, deadline=None)
@given(
    subscription_id=st.integers(min_value=1, max_value=10**6),
    interval=st.floats(min_value=0.5, max_value=86400),
    offset=st.floats(min_value=0, max_value=10**7),
)
def test_next_slot_is_strictly_after_now_and_at_most_one_interval_away(subscription_id: int, interval: float, offset: float) -> None:
    schedule = FeedSchedule.for_interval(interval)
    now = NOW + timedelta(seconds=offset)
    due = schedule.next_slot(subscription_id, now)
    assert now < due <= now + timedelta(seconds=interval * 1.000001)


def test_ten_feeds_are_spread_over_the_interval_not_bunched() -> None:
    schedule = FeedSchedule.for_interval(100)
    offsets = sorted((schedule.next_slot(subscription_id, NOW) - NOW).total_seconds() for subscription_id in range(1, 11))
    gaps = [later - earlier for earlier, later in zip(offsets, offsets[1:], strict=False)]
    assert min(gaps) > 3  # no two of ten feeds within 3 % of the interval
    assert offsets[-1] - offsets[0] > 80  # they use most of the interval


def test_phases_differ_between_neighbouring_ids() -> None:
    phases = {round(feed_phase(subscription_id), 3) for subscription_id in range(1, 50)}
    assert len(phases) == 49


def test_backoff_doubles_and_is_capped() -> None:
    schedule = FeedSchedule.for_interval(600)
    delays = [schedule.backoff_delay(failures) for failures in range(1, 10)]
    assert delays[:4] == [600, 1200, 2400, 4800]
    assert max(delays) == 600 * 32  # 32 intervals is less than the 6 h cap here
    assert FeedSchedule.for_interval(3600).backoff_delay(50) == 6 * 3600
    assert delays == sorted(delays)
    assert schedule.after_failure(3, NOW) == NOW + timedelta(seconds=2400)


def test_short_intervals_back_off_at_most_32_intervals() -> None:
    schedule = FeedSchedule.for_interval(1)
    assert schedule.backoff_delay(100) == 32
    assert schedule.backoff_delay(0) == 1


def test_overdue_feeds_at_start_move_to_their_slot_and_future_ones_stay() -> None:
    schedule = FeedSchedule.for_interval(60)
    overdue = NOW - timedelta(hours=5)
    moved = [schedule.spread_overdue(subscription_id, overdue, NOW) for subscription_id in range(1, 6)]
    assert all(NOW < due <= NOW + timedelta(seconds=60) for due in moved)
    assert len(set(moved)) == 5
    future = NOW + timedelta(seconds=30)
    assert schedule.spread_overdue(1, future, NOW) == future


def test_interval_must_be_positive() -> None:
    with pytest.raises(ValueError):
        FeedSchedule.for_interval(0)
