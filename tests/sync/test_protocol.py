"""The batch body as HQ reads it: every change with the hash of its text as sent."""

from __future__ import annotations

import gzip
import json

import pytest

from eskan_desk.sync import protocol
from eskan_desk.sync.protocol import Batch, BatchError

ROW = {"id": "c-1", "branch_id": "b-1", "summary": 'اتصال بخصوص "الطلب", وشكر', "n": 2}
CHANGES = [
    ["x-1", "contacts", "insert", 5, None, ROW],
    ["x-2", "beneficiaries", "update", 7, 6, {"id": "f-1", "branch_id": "b-1", "note": "]}"}],
]


def body_batch(raw: bytes, count: int) -> Batch:
    return Batch(header={"count": count}, body=gzip.compress(raw, mtime=0))


def outbox_rows(changes):
    return [(*c[:5], protocol.canonical(c[5]).decode()) for c in changes]


def test_each_change_is_read_with_the_hash_of_its_canonical_text():
    raw = protocol.changes_json(outbox_rows(CHANGES))
    changes, hashes = body_batch(raw, 2).read()
    assert changes == CHANGES
    assert hashes == [protocol.content_hash(protocol.canonical(c)) for c in CHANGES]


def test_the_same_change_sent_again_has_the_same_hash_and_other_content_another():
    first = body_batch(protocol.changes_json(outbox_rows(CHANGES)), 2).read()[1]
    again = body_batch(protocol.changes_json(outbox_rows(CHANGES[:1])), 1).read()[1]
    altered = [[*CHANGES[0][:5], dict(ROW, summary="محتوى آخر")]]
    other = body_batch(protocol.changes_json(outbox_rows(altered)), 1).read()[1]
    assert again == first[:1]
    assert other != again


def test_a_body_in_another_json_layout_is_read_and_hashed_canonically():
    pretty = json.dumps({"changes": CHANGES}, indent=2, ensure_ascii=True).encode()
    changes, hashes = body_batch(pretty, 2).read()
    assert changes == CHANGES
    assert hashes == [protocol.content_hash(protocol.canonical(c)) for c in CHANGES]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"changes":[["x-1","contacts","insert",5,null,{"id":"c"}]',
        b'{"changes":[["x-1","contacts","insert",5,null,{"id":"c"}]x]}',
        b'{"changes":[["x-1","contacts"]]}',
        b'{"changes":[]}',
        b'{"changes":[',
    ],
)
def test_a_damaged_body_is_refused(raw):
    with pytest.raises(BatchError):
        body_batch(raw, 1).read()
