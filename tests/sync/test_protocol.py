"""The batch body as HQ reads it: every change with the hash of its text as sent."""

from __future__ import annotations

import gzip
import io
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
    assert protocol.read_answer(io.BytesIO(out.getvalue()), key) == {
        "device_id": "d-1",
        "acks": [],
        "error": None,
        "pull": {"from": 0, "cursor": 0, "changes": []},
    }
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


def _paged_answer(key: str, pages: int = 3) -> bytes:
    import io

    out = io.BytesIO()
    protocol.write_answer_pages(
        out,
        key=key,
        device_id="d-1",
        acks=[{"seq": 1, "status": "applied"}],
        error=None,
        start=10,
        pages=(
            protocol.AnswerPage(10 + 5 * i, 15 + 5 * i, [["contacts", {"id": f"r{i}"}]])
            for i in range(pages)
        ),
    )
    return out.getvalue()


def test_a_paged_answer_is_read_one_verified_page_at_a_time():
    import io

    key = protocol.new_key()
    head, pages = protocol.open_answer(io.BytesIO(_paged_answer(key)), key)
    assert head == {
        "device_id": "d-1",
        "acks": [{"seq": 1, "status": "applied"}],
        "error": None,
        "start": 10,
    }
    got = list(pages)
    assert [(p.start, p.cursor) for p in got] == [(10, 15), (15, 20), (20, 25)]
    assert got[2].changes == [["contacts", {"id": "r2"}]]
    whole = protocol.read_answer(io.BytesIO(_paged_answer(key)), key)
    assert whole["pull"] == {
        "from": 10,
        "cursor": 25,
        "changes": [["contacts", {"id": f"r{i}"}] for i in range(3)],
    }


def _frames(data: bytes) -> list[bytes]:
    import struct

    at, frames = len(protocol.ANSWER_MAGIC), []
    while at < len(data):
        (n,) = struct.unpack(">Q", data[at : at + 8])
        frames.append(data[at + 8 : at + 8 + n])
        at += 8 + n
    return frames


def _joined(frames: list[bytes]) -> bytes:
    import struct

    return protocol.ANSWER_MAGIC + b"".join(struct.pack(">Q", len(f)) + f for f in frames)


class _Stream(io.RawIOBase):
    """A pipe-like reader: no seeking back."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        chunk = self._inner.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)


def test_a_damaged_paged_answer_changes_nothing_from_a_file_and_stops_at_the_damage_in_a_stream():
    """A file (seekable: the USB case) is checked whole before its first page is given, so a
    damaged one gives none. Read as a stream, each page is checked before it is given: the
    pages before a cut, a flipped byte, a page left out or put in twice are good steps of the
    pull, and nothing after them is taken."""

    key = protocol.new_key()
    data = _paged_answer(key)
    frames = _frames(data)  # head, (page head, body) x 3, end
    assert len(frames) == 8
    flipped = bytearray(frames[4])
    flipped[len(flipped) // 2] ^= 0x01
    cases = {
        "cut in the third page": (data[: len(data) - len(frames[7]) - 30], 2),
        "no end": (_joined(frames[:7]), 3),
        "second body flipped": (_joined([*frames[:4], bytes(flipped), *frames[5:]]), 1),
        "second page left out": (_joined([*frames[:3], *frames[5:]]), 1),
        "first page twice": (_joined([*frames[:3], *frames[1:]]), 1),
        "bytes after the end": (data + b"x", 3),
    }
    for name, (damaged, good) in cases.items():
        with pytest.raises(BatchError):
            protocol.open_answer(io.BytesIO(damaged), key)
        _head, pages = protocol.open_answer(io.BufferedReader(_Stream(damaged)), key)
        taken = []
        with pytest.raises(BatchError):
            for page in pages:
                taken.append(page)
        assert len(taken) == good, name
    with pytest.raises(BatchError) as other:
        protocol.open_answer(io.BytesIO(data), protocol.new_key())  # not this device's key
    assert other.value.code == "signature"
