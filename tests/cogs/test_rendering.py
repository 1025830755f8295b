"""Pieces of the Discord adapter that need no connection: embeds, error sentences, log redaction."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from datetime import UTC, datetime

from discord import app_commands

from bot.cogs.checks import MissingManageServer
from bot.cogs.client import RedactingFormatter, tick_seconds
from bot.cogs.errors import describe_error, error_text
from bot.cogs.feeds import chunk_lines
from bot.cogs.i18n import MESSAGES
from bot.cogs.publisher import article_embed
from bot.errors import AlreadyExists, InvalidInput, NotFound
from bot.feeds.errors import AddressRefused, FetchFailed, NotAFeed
from bot.posting.content import article_card


def test_article_embed_escapes_markdown_and_stays_within_limits() -> None:
    card = article_card(
        article_id=1, url="https://blog.example/a/", title="*_`~|>" * 60, author="A" * 300, excerpt="**x** " * 100,
        image="https://blog.example/a.png", published=datetime(2026, 1, 2, tzinfo=UTC), language="en", feed_title="Blog",
    )
    embed = article_embed(card).to_dict()
    assert len(embed["title"]) <= 256 and "\\*" in embed["title"]
    assert len(embed["author"]["name"]) <= 256
    assert embed["description"].startswith("\\*\\*x\\*\\*")
    assert embed["url"] == "https://blog.example/a/" and embed["image"]["url"] == "https://blog.example/a.png"
    assert embed["timestamp"].startswith("2026-01-02")
    assert sum(len(str(value)) for value in (embed["title"], embed["description"], embed["author"]["name"])) <= 6000


def test_every_error_gets_its_own_sentence_in_both_languages() -> None:
    cases = [
        (app_commands.CommandInvokeError(SimpleNamespace(name="feed"), NotFound("x")), "error.not_found"),  # type: ignore[arg-type]
        (AlreadyExists("x", message_key="feed.already_subscribed", values={"url": "*bold* @everyone"}), "feed.already_subscribed"),
        (InvalidInput("x"), "error.invalid_input"),
        (MissingManageServer(), "error.not_allowed"),
        (app_commands.NoPrivateMessage(), "error.guild_only"),
        (AddressRefused("127.0.0.1 is a loopback address"), "feed.private_address"),
        (FetchFailed("the server answered HTTP 500"), "feed.unreachable"),
        (NotAFeed("an HTML page", feed_links=("https://a/feed",)), "feed.not_a_feed_links"),
        (RuntimeError("boom"), "error.generic"),
    ]
    for error, key in cases:
        assert describe_error(error)[0] == key, error
        assert key in MESSAGES and {"en", "de"} <= set(MESSAGES[key])
        assert error_text(error, "de") and error_text(error, "en-US")
    shown = error_text(cases[1][0], "en-US")  # outside text is escaped: no formatting, no mention
    assert "\\*bold\\*" in shown and "@everyone" not in shown


def test_the_token_never_reaches_the_log() -> None:
    formatter = RedactingFormatter(["secret.token.value"], "%(message)s")
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "sent %s", ("Bot secret.token.value",), None)
    assert formatter.format(record) == "sent Bot [redacted]"


def test_long_lists_are_split_into_messages_discord_accepts() -> None:
    chunks = chunk_lines([f"line {i} " + "x" * 180 for i in range(40)])
    assert len(chunks) > 1 and all(len(chunk) <= 2000 for chunk in chunks)
    assert "".join(chunks).count("line ") == 40


def test_the_loop_ticks_often_enough_but_never_busy() -> None:
    assert tick_seconds(600) == 5.0
    assert tick_seconds(1) == 0.25
    assert tick_seconds(0.01) == 0.05
