"""The schema as ``create_all`` made it before migrations: every table, and the adoption of a
database that code created (no ``alembic_version`` yet).

Revision ID: 0001
Revises:
Create Date: 2026-03-02

The tables are a frozen copy of the models of that day (not ``bot.db``, which moves on). On a
database made by the old code, the tables present are kept: only the missing tables, the missing
nullable columns (as the old start-up added them) and the missing indexes are created; Alembic then
records this revision and the later ones run as on any database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BASELINE = sa.MetaData()

sa.Table(
    "feedback",
    BASELINE,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("sources", sa.Text, nullable=False),
    sa.Column("abstained", sa.Boolean, nullable=False),
    sa.Column("vote", sa.Integer, nullable=False),
    sa.Column("answer_key", sa.String(32), nullable=False, unique=True),
)
sa.Table(
    "answer_sources",
    BASELINE,
    sa.Column("answer_key", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("sources", sa.Text, nullable=False),
    sa.Column("abstained", sa.Boolean, nullable=False),
)
sa.Table(
    "inactive_chats",
    BASELINE,
    sa.Column("chat_hash", sa.String(64), primary_key=True),
    sa.Column("since", sa.DateTime, nullable=False),
)
sa.Table(
    "subscriptions",
    BASELINE,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("call_id", sa.String(100), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("reminded", sa.String(32), nullable=False),
    sa.UniqueConstraint("chat_id", "call_id"),
)
sa.Table(
    "handoffs",
    BASELINE,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("request_key", sa.String(64), nullable=False, unique=True),
    sa.Column("network_id", sa.String(32), nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("user_chat_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(200), nullable=False),
    sa.Column("authority", sa.String(200), nullable=False),
    sa.Column("email", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(50), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("context", sa.Text, nullable=False),
    sa.Column("referent_chat_id", sa.BigInteger, nullable=True),
    sa.Column("referent_message_id", sa.BigInteger, nullable=True),
    sa.Column("history", sa.Text, nullable=True),
    sa.Column("consent_at", sa.DateTime, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
sa.Table(
    "outbox",
    BASELINE,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("handoff_id", sa.Integer, nullable=True, index=True),
    sa.Column("purpose", sa.String(16), nullable=False),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("buttons", sa.Text, nullable=False),
    sa.Column("edit_message_id", sa.BigInteger, nullable=True),
    sa.Column("message_id", sa.BigInteger, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime, nullable=True),
    sa.Column("failed", sa.Boolean, nullable=False),
    sa.Column("claimed_until", sa.DateTime, nullable=True),
)
sa.Table(
    "referent_chats",
    BASELINE,
    sa.Column("chat_id", sa.BigInteger, primary_key=True),
    sa.Column("network_id", sa.String(32), nullable=False, index=True),
    sa.Column("joined_at", sa.DateTime, nullable=False),
)
sa.Table(
    "audit",
    BASELINE,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor_chat_id", sa.BigInteger, nullable=False),
    sa.Column("network_id", sa.String(32), nullable=False),
    sa.Column("handoff_id", sa.Integer, nullable=True),
    sa.Column("action", sa.String(32), nullable=False),
)
sa.Table(
    "counters",
    BASELINE,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
sa.Table(
    "flow_states",
    BASELINE,
    sa.Column("chat_id", sa.BigInteger, primary_key=True),
    sa.Column("user_id", sa.BigInteger, primary_key=True),
    sa.Column("flow", sa.String(16), nullable=False),
    sa.Column("step", sa.String(16), nullable=False),
    sa.Column("draft", sa.Text, nullable=False),
    sa.Column("project", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False, index=True),
)
sa.Table(
    "user_settings",
    BASELINE,
    sa.Column("user_id", sa.BigInteger, primary_key=True),
    sa.Column("language", sa.String(8), nullable=False),
)
sa.Table(
    "processed_updates",
    BASELINE,
    sa.Column("update_id", sa.BigInteger, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
)


def upgrade() -> None:
    bind = op.get_bind()
    present = sa.inspect(bind)
    for table in BASELINE.sorted_tables:
        if not present.has_table(table.name):
            table.create(bind)
            continue
        # a table the old code made: add what it may lack, keep what it has
        have = {c["name"] for c in present.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have and column.nullable and not column.primary_key:
                op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))
                have.add(column.name)
        indexes = {i["name"] for i in present.get_indexes(table.name)}
        for index in table.indexes:
            columns = [c.name for c in index.columns]
            if index.name not in indexes and set(columns) <= have:
                op.create_index(str(index.name), table.name, columns, unique=bool(index.unique))


def downgrade() -> None:
    for table in reversed(BASELINE.sorted_tables):
        op.drop_table(table.name)
