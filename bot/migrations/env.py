"""Alembic's environment, run by :mod:`bot.migrations` on a connection it opened (the URL comes
from the settings through the ``Database``; nothing is read from an ini file or the
environment here)."""

from __future__ import annotations

from alembic import context

from bot.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through `inspire-bot db …`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    compare_type=True,
    # SQLite cannot alter most of a table: later revisions copy and swap it instead
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
