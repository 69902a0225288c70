"""Alembic environment: always run programmatically on a connection the app provides."""

from __future__ import annotations

from alembic import context

from eskan_desk.models import Base

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
