"""HQ's database: the branch schema by the branch's own migrations, less the indexes only a
branch's screens read (:data:`eskan_desk.sync.hq.BRANCH_ONLY_INDEXES`)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from eskan_desk.models import Base, migrate
from eskan_desk.models.engine import make_engine
from eskan_desk.sync import hq as hq_module
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


def test_an_hq_database_upgraded_by_migration_ends_the_same(hq_url):
    """An HQ database at an older revision: the migrations run, then the indexes go."""
    engine = make_engine(hq_url)
    migrate.upgrade(engine, target="0007")
    engine.dispose()
    hq = HQ.open(hq_url)
    try:
        assert migrate.current_revision(hq.engine) == migrate.head_revision()
        found = _indexes(hq.engine)
        assert not set(BRANCH_ONLY_INDEXES) & set().union(*found.values())
        assert "ix_contacts_week_summary" in found["contacts"]
    finally:
        hq.dispose()


def test_a_migration_due_finds_the_branch_only_indexes_in_place(hq_url, monkeypatch):
    """A migration is written against the branch's schema: it may alter or drop one of these
    indexes, so HQ puts them back before migrating and drops them after."""
    HQ.open(hq_url).dispose()  # at the head, without them
    engine = make_engine(hq_url)
    with engine.begin() as conn:  # a migration is due (the next release's, say)
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0007'")
    engine.dispose()
    seen: list[set[str]] = []

    def upgrade(engine, **kwargs):  # records what the migration would find, then "runs"
        seen.append(set().union(*_indexes(engine).values()))
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :v"),
                {"v": migrate.head_revision()},
            )
        return True

    monkeypatch.setattr(hq_module.migrate, "upgrade", upgrade)
    hq = HQ.open(hq_url)
    try:
        assert len(seen) == 1 and set(BRANCH_ONLY_INDEXES) <= seen[0]
        assert not set(BRANCH_ONLY_INDEXES) & set().union(*_indexes(hq.engine).values())
    finally:
        hq.dispose()
