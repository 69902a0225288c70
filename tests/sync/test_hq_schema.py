"""HQ's database: the branch schema by the branch's own migrations, less the indexes only a
branch's screens read (:data:`eskan_desk.sync.hq.BRANCH_ONLY_INDEXES`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import inspect

from eskan_desk.models import Base, migrate
from eskan_desk.models.engine import make_engine
from eskan_desk.sync.hq import BRANCH_ONLY_INDEXES, HQ


def _indexes(engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    return {  # PostgreSQL lists a unique constraint's index too: the models name it a constraint
        t: {ix["name"] for ix in insp.get_indexes(t) if "duplicates_constraint" not in ix}
        for t in insp.get_table_names()
    }


def _model_indexes() -> dict[str, set[str]]:
    return {t.name: {ix.name for ix in t.indexes} for t in Base.metadata.tables.values()}


def test_the_branch_only_indexes_are_the_models_own():
    models = {name for names in _model_indexes().values() for name in names}
    assert set(BRANCH_ONLY_INDEXES) <= models
    # HQ's own queries still have theirs: the summary's week, rows by branch.
    assert "ix_contacts_week_summary" not in BRANCH_ONLY_INDEXES
    assert "ix_contacts_branch_id" not in BRANCH_ONLY_INDEXES


def test_a_new_hq_database_has_every_index_but_the_branch_only_ones(hq_url):
    hq = HQ.open(hq_url)
    try:
        found = _indexes(hq.engine)
        for table, names in _model_indexes().items():
            assert found[table] == names - set(BRANCH_ONLY_INDEXES), table
        hq.create_schema()  # again, as every `eskan-hq serve` does: nothing changes
        assert _indexes(hq.engine) == found
    finally:
        hq.dispose()


@pytest.mark.parametrize("revision", ["0001", "0003", "0007"])
def test_an_hq_database_at_an_older_revision_is_migrated_then_the_indexes_go(hq_url, revision):
    """Migrations run as written (one of them creates two of these indexes), then HQ drops
    them: the same schema as a new HQ database."""
    engine = make_engine(hq_url)
    migrate.upgrade(engine, target=revision)
    engine.dispose()
    hq = HQ.open(hq_url)
    try:
        assert migrate.current_revision(hq.engine) == migrate.head_revision()
        found = _indexes(hq.engine)
        for table, names in _model_indexes().items():
            assert found[table] == names - set(BRANCH_ONLY_INDEXES), table
    finally:
        hq.dispose()


def _unguarded_drops(source: str) -> list[str]:
    """Branch-only indexes an ``upgrade()`` drops without ``if_exists=True``."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not (isinstance(fn, ast.FunctionDef) and fn.name == "upgrade"):
            continue
        for call in ast.walk(fn):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "drop_index"
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and call.args[0].value in BRANCH_ONLY_INDEXES
            ):
                continue
            guarded = any(
                k.arg == "if_exists" and isinstance(k.value, ast.Constant) and k.value.value
                for k in call.keywords
            )
            if not guarded:
                found.append(call.args[0].value)
    return found


def test_no_migration_drops_a_branch_only_index_that_hq_does_not_have():
    """HQ has none of them: a migration dropping one (to alter it) must say if_exists."""
    unguarded = """
def upgrade():
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_at")
        batch_op.drop_index("ix_contacts_at_channel", if_exists=True)
def downgrade():
    op.drop_index("ix_contacts_beneficiary_at")
"""
    assert _unguarded_drops(unguarded) == ["ix_contacts_at"]  # the check itself
    versions = Path(migrate.__file__).parent / "migrations" / "versions"
    for path in sorted(versions.glob("[0-9]*_*.py")):
        assert _unguarded_drops(path.read_text(encoding="utf-8")) == [], path.name
