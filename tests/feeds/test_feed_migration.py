"""Issue 14's migration moves subscriptions of the old shape (each with its own fetch state) onto shared feeds
without losing a subscription, a seen entry or an article, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import text

from bot.storage.database import Database
from bot.storage.migrate import alembic_config, upgrade_to_head_async

BEFORE = "5d1e7a3c9b02"  # issue 12's schema: fetch state on each subscription


def _upgrade(connection: Any, revision: str) -> None:
    config = alembic_config(str(connection.engine.url.render_as_string(hide_password=False)))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Any, revision: str) -> None:
    config = alembic_config(str(connection.engine.url.render_as_string(hide_password=False)))
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


OLD_SUBSCRIPTIONS = [
    # id, guild, channel, url as typed, etag, last_success_at, next_due_at, failures
    (1, 100, 1001, "https://Blog.Example/feed.xml", '"old"', "2026-05-01 08:00:00", "2026-05-01 08:10:00", 0),
    (2, 200, 2001, "https://blog.example:443/feed.xml#top", '"new"', "2026-05-01 09:00:00", "2026-05-01 09:05:00", 0),
    (3, 200, 2002, "https://other.example/rss", None, None, "2026-05-01 07:00:00", 3),
]


async def _old_shape(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade, BEFORE)
        for sid, guild, channel, url, etag, success, due, failures in OLD_SUBSCRIPTIONS:
            await connection.execute(
                text(
                    "INSERT INTO feed_subscriptions (id, guild_id, channel_id, feed_url, title, etag, last_success_at, "
                    "last_error, consecutive_failures, next_due_at, created_at, delivery_attempts, delivery_notified, paused) "
                    "VALUES (:id, :guild, :channel, :url, :title, :etag, :success, :error, :failures, :due, :created, 0, false, false)"
                ),
                {"id": sid, "guild": guild, "channel": channel, "url": url, "title": f"Blog {sid}", "etag": etag,
                 "success": _when(success), "error": "HTTP 500" if failures else None, "failures": failures,
                 "due": _when(due), "created": _when("2026-04-01 00:00:00")},
            )
        for index, sid in enumerate((1, 1, 2, 3)):
            await connection.execute(
                text(
                    "INSERT INTO seen_entries (id, subscription_id, entry_key, entry_id, url, title, state, attempts, seen_at) "
                    "VALUES (:id, :sid, :key, :entry, :url, 'Post', :state, 0, :seen)"
                ),
                {"id": index + 1, "sid": sid, "key": f"{index}".ljust(64, "k"), "entry": f"e{index}",
                 "url": f"https://blog.example/{index}/", "state": "posted" if index else "baseline", "seen": _when("2026-05-01 08:00:00")},
            )
        await connection.execute(
            text(
                "INSERT INTO articles (id, guild_id, subscription_id, channel_id, entry_id, url, title, language, excerpt, text_hash, created_at) "
                "VALUES (1, 100, 1, 1001, 'e1', 'https://blog.example/1/', 'Post', 'en', '', 'h', :created)"
            ),
            {"created": _when("2026-05-01 08:00:00")},
        )


def _when(value: str | None) -> Any:
    from datetime import UTC, datetime

    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


async def test_old_subscriptions_move_onto_shared_feeds_without_loss(empty_database: Database) -> None:
    await _old_shape(empty_database)
    if empty_database.engine.dialect.name == "sqlite":  # the way `reader-bot migrate` and `run` do it: own engine
        await empty_database.dispose()
        await upgrade_to_head_async(empty_database.engine.url.render_as_string(hide_password=False))
    else:
        async with empty_database.engine.begin() as connection:
            await connection.run_sync(_upgrade, "head")
    async with empty_database.engine.connect() as connection:
        subscriptions = (await connection.execute(text(
            "SELECT s.id, s.guild_id, s.channel_id, s.feed_url, s.feed_id FROM feed_subscriptions s ORDER BY s.id"
        ))).all()
        feeds = {row.id: row for row in (await connection.execute(text(
            "SELECT id, url, etag, consecutive_failures, last_error, next_due_at FROM feeds"
        ))).all()}
        entries = (await connection.execute(text("SELECT id, subscription_id, entry_key, state FROM seen_entries ORDER BY id"))).all()
        articles = (await connection.execute(text("SELECT id, guild_id, subscription_id, url FROM articles"))).all()
    assert [(s.id, s.guild_id, s.channel_id, s.feed_url) for s in subscriptions] == [row[:4] for row in OLD_SUBSCRIPTIONS]
    # Two spellings of one address are one feed; it keeps the state of the freshest fetch and the earliest due time.
    assert subscriptions[0].feed_id == subscriptions[1].feed_id != subscriptions[2].feed_id
    shared, other = feeds[subscriptions[0].feed_id], feeds[subscriptions[2].feed_id]
    assert (shared.url, shared.etag, shared.consecutive_failures) == ("https://blog.example/feed.xml", '"new"', 0)
    assert str(shared.next_due_at).startswith("2026-05-01 08:10:00")
    assert (other.url, other.consecutive_failures, other.last_error) == ("https://other.example/rss", 3, "HTTP 500")
    assert len(feeds) == 2
    assert [(e.id, e.subscription_id, e.state) for e in entries] == [(1, 1, "baseline"), (2, 1, "posted"), (3, 2, "posted"), (4, 3, "posted")]
    assert [tuple(a) for a in articles] == [(1, 100, 1, "https://blog.example/1/")]


async def test_downgrade_gives_each_subscription_its_feeds_state_back(empty_database: Database) -> None:
    await _old_shape(empty_database)
    async with empty_database.engine.begin() as connection:
        await connection.run_sync(_upgrade, "head")
        await connection.run_sync(_downgrade, BEFORE)
    async with empty_database.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, etag, consecutive_failures FROM feed_subscriptions ORDER BY id"))).all()
    assert [tuple(row) for row in rows] == [(1, '"new"', 0), (2, '"new"', 0), (3, None, 3)]
