"""HQ's bulk insert of a batch's new rows: on PostgreSQL a COPY fed a chunk at a time, which
must store exactly what an INSERT of the same rows stores; elsewhere the INSERT itself."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError

from eskan_desk.sync import hq as hq_module
from eskan_desk.sync import rows

# Texts a COPY must escape (tab, newline, backslash, carriage return) and Arabic.
SUMMARIES = [
    "اتصال بخصوص الطلب\tرقم ٢٥",
    "سطر أول\nسطر ثانٍ",
    "مسار C:\\eskan\\نموذج",
    "نهاية\r\nسطر",
    "عادي",
    "\\N ليس فراغًا",
]


def contact(i: int, **over) -> dict:
    """A contact as a batch carries it (JSON values)."""
    row = {
        "id": f"c-{i:06d}",
        "branch_id": "b-1",
        "beneficiary_id": None,  # an anonymous inquiry: no family row needed
        "channel": ("phone", "visit", "letter", "email")[i % 4],
        "direction": ("in", "out")[i % 2],
        "at": f"2026-11-{1 + i % 27:02d}T{i % 24:02d}:{i % 60:02d}:07.{i % 999:03d}250+00:00",
        "staff_id": "s-1",
        "topic": "inquiry",
        "summary": SUMMARIES[i % len(SUMMARIES)],
        "outcome": None if i % 3 else "سيُعاد الاتصال",
        "follow_up_on": None if i % 5 else "2026-12-02",
        # Spellings PostgreSQL would read as written, and others HQ decodes first (a space for
        # the T, an offset PostgreSQL refuses, seven digits of a second).
        "follow_up_done_at": (
            None,
            "2026-11-23T09:00:00.5Z",
            "2026-11-23 09:00:00+00:00",
            "2026-11-23T09:00:00+16:00",
            "2026-11-23T09:00:00.1234567+00:00",
        )[i % 5]
        if i % 7
        else None,
        "caller_name": None,
        "caller_mobile": "0551234567" if i % 7 == 0 else None,
        "call_duration_s": i % 600 if i % 4 == 0 else None,
        "visit_location": None,
        "letter_ref": None,
        "letter_date": "2026-10-30" if i % 4 == 2 else None,
        "social_platform": None,
        "back_entered": i % 2 == 0,
        "created_at": "2026-11-22T08:13:34+03:00",  # another offset: the same instant stored
        "updated_at": "2026-11-22T05:13:34+00:00",
        "created_by": "s-1",
        "updated_by": "s-1",
        "version": 117688264154939392 + i,
        "deleted_at": None,
    }
    row.update(over)
    return row


def stored(hq, prefix: str) -> list[tuple]:
    t = rows.synced_tables()["contacts"]
    with hq.engine.connect() as conn:
        found = conn.execute(select(t).where(t.c.id.like(f"{prefix}%")).order_by(t.c.id)).all()
    return [tuple(v for k, v in r._mapping.items() if k != "id") for r in found]


def bulk(hq, values: list[dict]) -> None:
    t = rows.synced_tables()["contacts"]
    with hq.engine.begin() as conn:
        hq_module._insert_many(conn, t, values, received=True)


def by_insert(hq, values: list[dict]) -> None:
    """The reference: an INSERT of each row."""
    t = rows.synced_tables()["contacts"]
    with hq.engine.begin() as conn:
        for v in values:
            conn.execute(insert(t).values(rows.decode("contacts", v)))


N = 2 * hq_module.COPY_CHUNK + 37  # three chunks, the last one short
REFUSALS = (*hq_module._UNREADABLE, StatementError)


def test_the_bulk_insert_stores_what_an_insert_stores(hq):
    bulk(hq, [contact(i, id=f"a-{i:06d}") for i in range(N)])
    by_insert(hq, [contact(i, id=f"b-{i:06d}") for i in range(N)])
    a, b = stored(hq, "a-"), stored(hq, "b-")
    assert len(a) == N
    assert a == b


@pytest.mark.parametrize(
    "spelling",
    [
        "2026-11-23T09:00:00Z",
        "2026-11-23T09:00:00.5+03:00",
        "2026-11-23T23:59:59.999999-05:30",
        "2026-11-23T09:00:00+16:00",  # Python reads it; PostgreSQL refuses such an offset
        "2026-11-23T09:00:00.1234567Z",  # Python cuts the seventh digit; PostgreSQL rounds
        "2026-11-23 09:00:00+00:00",
        "2026-11-23T09:00:00",  # no offset: refused, as the INSERT refuses it
        "0001-01-01T00:30:00+01:00",  # before year 1 in UTC: PostgreSQL would take it
        "9999-12-31T23:30:00-01:00",  # after 9999 in UTC: PostgreSQL would take it
        "٢٠٢٦-11-23T09:00:00Z",  # Arabic-Indic digits: not a spelling either side reads
    ],
)
def test_every_spelling_of_an_instant_is_stored_as_the_insert_stores_it(hq, spelling):
    """A column whose every value has one spelling: PostgreSQL reads it as sent only where
    that is the value the INSERT stores; HQ decodes the others first."""

    def make(prefix):
        return [contact(i, id=f"{prefix}-{i:06d}", follow_up_done_at=spelling) for i in range(N)]

    try:
        by_insert(hq, make("b"))
    except REFUSALS as exc:  # decoding or binding it (SQLAlchemy's StatementError)
        assert hq_module._unreadable(exc)
        with pytest.raises(REFUSALS) as refused:
            bulk(hq, make("a"))
        assert hq_module._unreadable(refused.value)  # HQ answers 400, not 500
        assert stored(hq, "a-") == []
        return
    bulk(hq, make("a"))
    assert stored(hq, "a-") == stored(hq, "b-")


def test_a_later_chunk_the_copy_cannot_take_goes_in_by_insert(hq):
    """A row of an older sender (a column it did not know) in the third chunk: the COPY the
    first chunk opened is undone and every row goes in by INSERT, the column at its default."""
    older = 2 * hq_module.COPY_CHUNK + 5
    values = [contact(i, id=f"a-{i:06d}") for i in range(N)]
    del values[older]["back_entered"]
    bulk(hq, values)
    expected = [contact(i, id=f"b-{i:06d}") for i in range(N)]
    del expected[older]["back_entered"]
    by_insert(hq, expected)
    a = stored(hq, "a-")
    assert len(a) == N
    assert a == stored(hq, "b-")


def test_a_value_its_column_cannot_read_stores_nothing(hq):
    values = [contact(i, id=f"a-{i:06d}") for i in range(N)]
    values[hq_module.COPY_CHUNK + 3]["at"] = "not a time"
    with pytest.raises(ValueError):
        bulk(hq, values)
    assert stored(hq, "a-") == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", 12345),
        ("follow_up_on", 5),
        ("summary", {"نص": 1}),
        ("summary", ["x"]),
        ("call_duration_s", "ثلاث دقائق"),
        ("back_entered", "yes"),
        ("call_duration_s", 2**70),
    ],
)
def test_a_value_of_another_type_is_refused_as_unreadable(hq, field, value):
    """What a sender's JSON can hold but the column cannot: refused whole (HQ answers 400)."""
    values = [contact(i, id=f"a-{i:06d}") for i in range(N)]
    values[hq_module.COPY_CHUNK + 7][field] = value
    with pytest.raises(REFUSALS) as refused:
        bulk(hq, values)
    assert hq_module._unreadable(refused.value)
    assert stored(hq, "a-") == []


def test_a_duplicate_id_in_a_later_chunk_stores_nothing(hq):
    from sqlalchemy.exc import IntegrityError

    values = [contact(i, id=f"a-{i:06d}") for i in range(N)]
    values[-1]["id"] = values[0]["id"]
    with pytest.raises(IntegrityError):
        bulk(hq, values)
    assert stored(hq, "a-") == []


def test_ids_of_any_spelling_are_found_by_one_lookup(hq):
    """HQ looks up a batch's ids in one statement (PostgreSQL: one array literal)."""
    odd = ['q"uote', "back\\slash", "com,ma", "{brace}", "NULL", "مسافة وعربي", " lead", "x"]
    bulk(hq, [contact(i, id=rid) for i, rid in enumerate(odd)])
    changes = [["c", "contacts", "insert", 1, None, {"id": rid}] for rid in [*odd, "absent"]]
    with hq.engine.connect() as conn:
        found = hq._existing(conn, changes)
        assert set(found) == set(odd)
        assert hq._ledger(conn, []) == {}
