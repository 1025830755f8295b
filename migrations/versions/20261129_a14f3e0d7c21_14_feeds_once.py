"""feeds stored once per canonical URL, subscriptions point at them; leases for sharing fetches (issue 14)

Revision ID: a14f3e0d7c21
Revises: 5d1e7a3c9b02
Create Date: 2026-11-29 14:30:00

Data: one `feeds` row per canonical subscription URL (bot.feeds.identity.canonical_url), taking the fetch state
of the subscription fetched most recently successfully, the earliest next due time, and the failure state of that
same subscription. Every subscription then points at its feed; the fetch columns leave `feed_subscriptions`.
Downgrade copies the feed's state back onto each subscription.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.feeds.identity import canonical_url

revision: str = "a14f3e0d7c21"
down_revision: str | None = "5d1e7a3c9b02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = ("title", "etag", "last_modified", "last_fetch_at", "last_success_at", "last_error", "consecutive_failures",
         "next_due_at", "gone_since")


def _sort_key(value: object) -> str:
    return "" if value is None else str(value)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_fetch_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gone_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
        sa.UniqueConstraint("url", name=op.f("uq_feeds_url")),
    )
    op.create_index(op.f("ix_feeds_next_due_at"), "feeds", ["next_due_at"], unique=False)
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_id", sa.Integer(), nullable=True))

    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":  # TZDateTime keeps UTC without offset there
        now = now.replace(tzinfo=None)
    rows = bind.execute(
        sa.text(f"SELECT id, feed_url, created_at, {', '.join(MOVED)} FROM feed_subscriptions ORDER BY id")
    ).mappings().all()
    groups: dict[str, list[sa.RowMapping]] = {}
    for row in rows:
        groups.setdefault(canonical_url(row["feed_url"]), []).append(row)
    feeds = sa.table(
        "feeds", *(sa.column(name) for name in ("id", "url", "created_at", *MOVED))
    )
    subscriptions = sa.table("feed_subscriptions", sa.column("id"), sa.column("feed_id"))
    for url, members in groups.items():
        freshest = max(members, key=lambda r: (_sort_key(r["last_success_at"]), _sort_key(r["last_fetch_at"])))
        values = {name: freshest[name] for name in MOVED}
        values["consecutive_failures"] = values["consecutive_failures"] or 0
        values["next_due_at"] = min((r["next_due_at"] for r in members if r["next_due_at"] is not None), key=_sort_key,
                                    default=None) or now
        values["created_at"] = min((r["created_at"] for r in members if r["created_at"] is not None), key=_sort_key,
                                   default=None) or now
        feed_id = bind.execute(sa.insert(feeds).values(url=url[:2048], **values).returning(feeds.c.id)).scalar_one()
        bind.execute(
            sa.update(subscriptions).where(subscriptions.c.id.in_([r["id"] for r in members])).values(feed_id=feed_id)
        )

    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.alter_column("feed_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_feed_subscriptions_feed_id"), ["feed_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_feed_subscriptions_feed_id_feeds"), "feeds", ["feed_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.drop_index(batch_op.f("ix_feed_subscriptions_next_due_at"))
        for name in MOVED:
            if name != "title":  # the subscription keeps the title it showed its guild
                batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("etag", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("last_fetch_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("consecutive_failures", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("gone_since", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    for name in MOVED:
        if name != "title":
            bind.execute(sa.text(
                f"UPDATE feed_subscriptions SET {name} = (SELECT feeds.{name} FROM feeds WHERE feeds.id = feed_subscriptions.feed_id)"
            ))
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.alter_column("consecutive_failures", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("next_due_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f("ix_feed_subscriptions_next_due_at"), ["next_due_at"], unique=False)
        batch_op.drop_constraint(batch_op.f("fk_feed_subscriptions_feed_id_feeds"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_feed_subscriptions_feed_id"))
        batch_op.drop_column("feed_id")
    op.drop_index(op.f("ix_feeds_next_due_at"), table_name="feeds")
    op.drop_table("feeds")
