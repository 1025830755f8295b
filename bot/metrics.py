"""Operator metrics in Prometheus' text format (served at /metrics by bot/web/).

One registry per process, like the process itself: the code paths that do the work call the small functions
below (a click acknowledged, a feed fetched), and gauges that are cheaper to ask the database for (open polls,
the posting backlog) are set right before each scrape. Counters only ever count; nothing here names a member.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.process_collector import ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
CONTENT_TYPE = CONTENT_TYPE_LATEST

VOTES_STORED = Counter("reader_bot_votes_stored", "Votes committed to the database (recorded, changed or withdrawn).",
                       registry=REGISTRY)
VOTES_ACKNOWLEDGED = Counter("reader_bot_votes_acknowledged", "Vote clicks answered on Discord after their commit.",
                             registry=REGISTRY)
ACK_LATENCY = Histogram(
    "reader_bot_vote_ack_seconds", "From a vote click reaching the bot to Discord accepting the answer.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0), registry=REGISTRY,
)
FEED_FETCHES = Counter("reader_bot_feed_fetches", "Feed fetches by outcome (ok, failed: the feed was unusable, "
                       "error: a bug while handling it).", ["outcome"], registry=REGISTRY)
OPEN_POLLS = Gauge("reader_bot_open_polls", "Polls open for votes.", registry=REGISTRY)
OUTBOX_BACKLOG = Gauge("reader_bot_outbox_backlog", "Articles waiting to be posted plus outbox messages not sent yet.",
                       registry=REGISTRY)
GATEWAY_CONNECTED = Gauge("reader_bot_gateway_connected", "1 while the gateway connection is up.", registry=REGISTRY)
GATEWAY_RECONNECTS = Counter("reader_bot_gateway_reconnects", "Gateway connections after the first (resumed or new).",
                             registry=REGISTRY)
RATE_LIMIT_WAITS = Counter("reader_bot_rate_limit_waits", "Discord answered 429 and the request waited to retry.",
                           registry=REGISTRY)
RATE_LIMIT_SECONDS = Counter("reader_bot_rate_limit_wait_seconds", "Time spent waiting on 429s.", registry=REGISTRY)
FEED_CYCLE_AGE = Gauge("reader_bot_feed_cycle_age_seconds", "Seconds since the feed loop last finished a round.",
                       registry=REGISTRY)

for outcome in ("ok", "failed", "error"):
    FEED_FETCHES.labels(outcome)


def votes_stored(count: int) -> None:
    VOTES_STORED.inc(count)


def vote_acknowledged(seconds: float) -> None:
    VOTES_ACKNOWLEDGED.inc()
    ACK_LATENCY.observe(seconds)


def feed_fetched(outcome: str) -> None:
    FEED_FETCHES.labels(outcome).inc()


def exposition() -> bytes:
    return generate_latest(REGISTRY)


class RateLimitCounter(logging.Filter):
    """Counts discord.py's 429 waits. discord.py handles rate limits itself and offers no hook, but it logs each
    wait as a warning: "We are being rate limited. ... Retrying in 1.23 seconds." (REST, discord.http) and
    "Webhook ID ... is rate limited. Retrying in 0.20 seconds." (interaction answers, discord.webhook.async_).
    This filter reads those records and lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg
        if isinstance(message, str) and "rate limited. Retrying in" in message:
            RATE_LIMIT_WAITS.inc()
            if isinstance(record.args, tuple) and record.args and isinstance(record.args[-1], int | float):
                RATE_LIMIT_SECONDS.inc(float(record.args[-1]))
        return True


RATE_LIMIT_LOGGERS = ("discord.http", "discord.webhook.async_")


def count_rate_limits() -> None:
    """Install the counter once on the loggers of discord.py's REST and webhook (interaction) clients."""
    for name in RATE_LIMIT_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RateLimitCounter) for existing in logger.filters):
            logger.addFilter(RateLimitCounter())
