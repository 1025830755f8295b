"""multiple-choice native polls: polls.multiple, votes.slot, one vote row per chosen answer (issue 16)

Revision ID: c16d2a7e5b30
Revises: a10c4e5f7b21
Create Date: 2026-11-29 17:00:00

Every existing vote gets slot 0, so the new unique key (poll, member, slot) holds exactly what the old one
(poll, member) held: one vote per member per poll.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c16d2a7e5b30"
down_revision: str | None = "a10c4e5f7b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("multiple", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("votes") as batch:
        batch.add_column(sa.Column("slot", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_votes_poll_id_member_id", type_="unique")
        batch.create_unique_constraint("uq_votes_poll_id_member_id_slot", ["poll_id", "member_id", "slot"])


def downgrade() -> None:
    # Keeps each member's first chosen answer of a multiple-choice poll: the old key allows one.
    op.execute("DELETE FROM votes WHERE slot <> 0 AND id NOT IN "
               "(SELECT MIN(id) FROM votes GROUP BY poll_id, member_id)")
    with op.batch_alter_table("votes") as batch:
        batch.drop_constraint("uq_votes_poll_id_member_id_slot", type_="unique")
        batch.create_unique_constraint("uq_votes_poll_id_member_id", ["poll_id", "member_id"])
        batch.drop_column("slot")
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("multiple")
