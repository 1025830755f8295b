"""report links: a generation per article (revoking a link) and the key that finds an article by its link

Revision ID: 5e1f0c2a9b17
Revises: b13e0d170a11
Create Date: 2026-11-29 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5e1f0c2a9b17'
down_revision: str | None = "b13e0d170a11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('report_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_articles_report_key'), ['report_key'])


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_articles_report_key'), type_='unique')
        batch_op.drop_column('report_key')
        batch_op.drop_column('report_generation')
