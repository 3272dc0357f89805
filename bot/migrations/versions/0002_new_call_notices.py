"""The new calls each chat (hashed) was told of: a claim taken before the notice is sent, so
that several replicas refreshing the portal tell a chat of a new call once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "new_call_notices",
        sa.Column("chat_hash", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_hash", "call_id"),
    )
    op.create_index("ix_new_call_notices_at", "new_call_notices", ["at"])


def downgrade() -> None:
    op.drop_index("ix_new_call_notices_at", table_name="new_call_notices")
    op.drop_table("new_call_notices")
