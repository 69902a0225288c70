"""Alembic environment: always run programmatically on a connection the app provides."""

from __future__ import annotations

from alembic import context

from eskan_desk.models import Base
from eskan_desk.models.search_index import PREFIX as SEARCH_INDEX_PREFIX

config = context.config
connection = config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):
    """The FTS5 search index is made by hand in 0001; autogenerate must not drop it."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIX)


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_object=include_object,
    render_as_batch=True,
    compare_type=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
