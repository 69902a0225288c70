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


def _frame(header: bytes, body: bytes = b"") -> bytes:
    import struct

    return struct.pack(">I", len(header)) + header + body


GOOD_HEADER = {
    "device_id": "d-1",
    "seq": 1,
    "schema": "0009",
    "count": 0,
    "body_sha256": "0" * 64,
    "body_bytes": 0,
    "signature": "ab",
}


@pytest.mark.parametrize(
    "header",
    [
        b"[" * 30_000 + b"]" * 30_000,  # deeper than the JSON parser goes
        json.dumps(dict(GOOD_HEADER, body_bytes="abc")).encode(),
        json.dumps(dict(GOOD_HEADER, device_id=["d-1"])).encode(),
        json.dumps(dict(GOOD_HEADER, device_id="d\x00-1")).encode(),
        json.dumps(dict(GOOD_HEADER, seq=True)).encode(),
        json.dumps(dict(GOOD_HEADER, signature=12)).encode(),
        json.dumps([GOOD_HEADER]).encode(),
    ],
)
def test_a_crafted_batch_header_is_refused_as_corrupt(header):
    with pytest.raises(BatchError) as err:
        protocol.parse_batch(_frame(header))
    assert err.value.code == "corrupt"


@pytest.mark.parametrize(
    "head",
    [
        b"[]",
        b"[" * 30_000 + b"]" * 30_000,
        json.dumps({"body_sha256": "x", "signature": 12}).encode(),
        json.dumps({"body_sha256": ["x"], "signature": "ab"}).encode(),
    ],
)
def test_a_crafted_answer_file_is_refused_as_damaged(head):
    import io
    import struct

    data = protocol.ACK_MAGIC + struct.pack(">Q", len(head)) + head + struct.pack(">Q", 0)
    with pytest.raises(BatchError):
        protocol.read_answer(io.BytesIO(data), protocol.new_key())


def test_an_answer_body_that_is_not_an_object_is_refused():
    import io

    key = protocol.new_key()
    out = io.BytesIO()
    protocol.write_answer(out, {"device_id": "d-1"}, key)
    assert protocol.read_answer(io.BytesIO(out.getvalue()), key) == {"device_id": "d-1"}
    body = gzip.compress(b"[1, 2]", mtime=0)
    head = {"body_sha256": __import__("hashlib").sha256(body).hexdigest(), "device_id": "d-1"}
    head["signature"] = protocol.sign(key, head)
    import struct

    head_bytes = protocol.canonical(head)
    data = (
        protocol.ACK_MAGIC
        + struct.pack(">Q", len(head_bytes))
        + head_bytes
        + struct.pack(">Q", len(body))
        + body
    )
    with pytest.raises(BatchError):
        protocol.read_answer(io.BytesIO(data), key)
