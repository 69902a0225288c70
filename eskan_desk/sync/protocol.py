"""The batch format: one framing for HTTP bodies and USB files, signed with the device key.

A batch frame is::

    4 bytes   header length N, big-endian
    N bytes   header: canonical JSON {"device_id", "seq", "schema", "count", "body_sha256",
              "body_bytes", "signature"}
    rest      body: gzip (mtime 0, so the same batch always has the same bytes) of canonical
              JSON {"changes": [[change_id, entity, op, version, base_version, row], ...]}

``signature`` is HMAC-SHA256 with the device key over the canonical header without it; the
header carries the body's SHA-256 and length, so the signature covers the body too. A USB file is
``MAGIC`` followed by a length-prefixed header of the file and then length-prefixed frames. HQ's
answer file is signed the same way with the same key, so a forged answer cannot mark changes as
received.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import secrets
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from eskan_desk.domain.markers import N_

FORMAT = 1
FILE_MAGIC = b"ESKAN-BATCHES/1\n"
ACK_MAGIC = b"ESKAN-ANSWER/1\n"  # the first answer format (one body), still read
MAX_BATCH_CHANGES = 3000
MAX_BATCH_BYTES = 4 * 1024 * 1024  # uncompressed body; HQ refuses bodies above MAX_BODY_BYTES
MAX_BODY_BYTES = 8 * 1024 * 1024  # on the wire, compressed
MAX_HEADER_BYTES = 64 * 1024
KEY_BYTES = 32


class BatchError(Exception):
    """A batch or answer that cannot be trusted or read; nothing of it is applied.

    ``message`` is an English source string for the translation catalog; ``params`` fill it.
    ``code`` is a stable machine name (HTTP answers and logs carry it).
    """

    def __init__(self, code: str, message: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message.format(**(params or {})))
        self.code = code
        self.message = message
        self.params = params or {}


# What json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) makes, without
# building a new encoder on every call (content_hash runs once per change at HQ).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_json_str = json.encoder.encode_basestring  # a str as canonical JSON (ensure_ascii=False)


def canonical(data: Any) -> bytes:
    return _CANONICAL.encode(data).encode()


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def sign(key: str, data: dict[str, Any]) -> str:
    raw = base64.b64decode(key)
    return hmac.new(raw, canonical(data), hashlib.sha256).hexdigest()


def verify_signature(key: str, data: dict[str, Any], signature: str) -> bool:
    if not isinstance(signature, str) or not signature.isascii():
        return False
    try:
        expected = sign(key, data)
    except (RecursionError, ValueError, TypeError):  # nothing HQ or a branch could have signed
        return False
    return hmac.compare_digest(expected, signature)


def _loads(data: bytes | str) -> Any:
    """JSON from a file or a request: RecursionError (nesting deeper than the parser goes) is
    raised as ValueError, like every other JSON that cannot be read."""
    try:
        return json.loads(data)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


# The batch header's fields and their JSON types (bool is an int to Python: refused apart).
_HEADER_TYPES: dict[str, type | tuple[type, ...]] = {
    "device_id": str,
    "seq": int,
    "schema": (str, int),
    "count": int,
    "body_sha256": str,
    "body_bytes": int,
    "signature": str,
}


def _header_ok(header: Any, fields: dict[str, type | tuple[type, ...]]) -> bool:
    if not isinstance(header, dict):
        return False
    if not all(
        k in header and isinstance(header[k], t) and not isinstance(header[k], bool)
        for k, t in fields.items()
    ):
        return False
    # Numbers HQ stores in 64-bit columns (a sequence of 2**70 overflowed into a 500).
    if not all(0 <= header[k] < 1 << 63 for k, t in fields.items() if t is int):
        return False
    device = header.get("device_id")
    return device is None or (len(device) <= 64 and "\x00" not in device)  # an id, as HQ keeps


def content_hash(text: bytes) -> str:
    """What makes two deliveries of one change id "the same": the change's JSON text as sent.

    A change is sent again byte for byte (a batch is re-sent as it was; a batch cut again after
    a re-enrollment is made from the same outbox payloads by the same canonical encoding), so
    hashing the text is exact and spares HQ encoding every change once more.
    """
    return hashlib.sha256(text).hexdigest()[:32]


@dataclass(frozen=True)
class Batch:
    header: dict[str, Any]
    body: bytes  # gzip

    @property
    def device_id(self) -> str:
        return self.header["device_id"]

    @property
    def seq(self) -> int:
        return int(self.header["seq"])

    @property
    def sha256(self) -> str:
        return self.header["body_sha256"]

    def to_bytes(self) -> bytes:
        head = canonical(self.header)
        return struct.pack(">I", len(head)) + head + self.body

    def changes(self) -> list[list[Any]]:
        return self.read()[0]

    def read(self) -> tuple[list[list[Any]], list[str]]:
        """The changes of the body and, for each, its :func:`content_hash`."""
        try:
            raw = gzip.decompress(self.body).decode()
            changes, hashes = _split_changes(raw)
        except (
            OSError,
            EOFError,
            zlib.error,
            ValueError,
            KeyError,
            TypeError,
            IndexError,
            RecursionError,
        ) as exc:
            raise BatchError("corrupt", N_("The batch body cannot be read.")) from exc
        if not isinstance(changes, list) or len(changes) != self.header.get("count"):
            raise BatchError("corrupt", N_("The batch body does not hold what its header says."))
        for change in changes:
            if not (isinstance(change, list) and len(change) == 6 and isinstance(change[5], dict)):
                raise BatchError("corrupt", N_("The batch holds a malformed change."))
        return changes, hashes


_DECODER = json.JSONDecoder()
_BODY_HEAD = '{"changes":['


def _split_changes(raw: str) -> tuple[Any, list[str]]:
    """Decode a body made by :func:`changes_json` one change at a time, keeping each change's
    text for its hash. Any other valid JSON body is read whole; its changes are then hashed by
    their canonical encoding. Raises ValueError, KeyError or TypeError when it cannot be read."""
    if raw.startswith(_BODY_HEAD) and raw.endswith("]}"):
        decode = _DECODER.raw_decode
        changes: list[Any] = []
        hashes: list[str] = []
        end = len(raw) - 2
        i = len(_BODY_HEAD)
        if i == end:
            return changes, hashes
        while True:
            change, j = decode(raw, i)
            changes.append(change)
            hashes.append(content_hash(raw[i:j].encode()))
            if j == end:
                return changes, hashes
            if raw[j] != ",":
                break  # not the compact form: read it the general way
            i = j + 1
    changes = _loads(raw)["changes"]
    if not isinstance(changes, list):
        return changes, []
    return changes, [content_hash(canonical(c)) for c in changes]


def build_batch(
    *, device_id: str, key: str, seq: int, schema: str, changes: list[list[Any]]
) -> Batch:
    return batch_from_json(
        device_id=device_id,
        key=key,
        seq=seq,
        schema=schema,
        count=len(changes),
        raw=canonical({"changes": changes}),
    )


def batch_from_json(
    *, device_id: str, key: str, seq: int, schema: str, count: int, raw: bytes
) -> Batch:
    """Compress and sign an uncompressed body ``raw`` of ``count`` changes (canonical JSON)."""
    body = gzip.compress(raw, compresslevel=6, mtime=0)
    header = {
        "format": FORMAT,
        "device_id": device_id,
        "seq": seq,
        "schema": schema,
        "count": count,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_bytes": len(body),
    }
    header["signature"] = sign(key, header)
    return Batch(header, body)


def _json_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is str:
        return _json_str(value)
    return canonical(value).decode()


def changes_json(stored: Iterable[Sequence[Any]]) -> bytes:
    """The uncompressed body of a batch of outbox rows ``(change_id, entity, op, version,
    base_version, payload)``, ``payload`` being the row's canonical JSON text as the outbox
    keeps it (:func:`eskan_desk.services.serialize.canonical_json`).

    The same bytes as ``canonical({"changes": [[..., json.loads(payload)], ...]})`` (canonical
    JSON read and written again is the same text), without parsing and re-encoding each row.
    """
    quote, scalar = _json_str, _json_scalar
    parts = []
    for cid, entity, op, version, base, payload in stored:
        if type(cid) is type(entity) is type(op) is str and type(version) is int:
            if base is None:
                base = "null"
            elif type(base) is not int:
                base = scalar(base)
            parts.append(f"[{quote(cid)},{quote(entity)},{quote(op)},{version},{base},{payload}]")
        else:
            parts.append(
                f"[{scalar(cid)},{scalar(entity)},{scalar(op)},{scalar(version)},"
                f"{scalar(base)},{payload}]"
            )
    return ('{"changes":[' + ",".join(parts) + "]}").encode()


def parse_batch(data: bytes) -> Batch:
    """Split a frame into header and body and check the body against the header.

    The signature is checked by HQ, which knows the device's key (:func:`check_signature`).

    Raises:
        BatchError: truncated, corrupted or not a batch.
    """
    if len(data) < 4:
        raise BatchError("truncated", N_("The batch is truncated."))
    (n,) = struct.unpack(">I", data[:4])
    if n > MAX_HEADER_BYTES or len(data) < 4 + n:
        raise BatchError("truncated", N_("The batch is truncated."))
    try:
        header = _loads(data[4 : 4 + n])
    except ValueError as exc:
        raise BatchError("corrupt", N_("The batch header cannot be read.")) from exc
    if not _header_ok(header, _HEADER_TYPES):
        raise BatchError("corrupt", N_("The batch header cannot be read."))
    body = data[4 + n :]
    if len(body) < int(header["body_bytes"]):
        raise BatchError("truncated", N_("The batch is truncated."))
    if len(body) > int(header["body_bytes"]):
        raise BatchError("corrupt", N_("The batch has bytes after its end."))
    if hashlib.sha256(body).hexdigest() != header["body_sha256"]:
        raise BatchError("checksum", N_("The batch is damaged: its checksum does not match."))
    return Batch(header, body)


def check_signature(batch: Batch, key: str) -> None:
    unsigned = {k: v for k, v in batch.header.items() if k != "signature"}
    if not verify_signature(key, unsigned, batch.header["signature"]):
        raise BatchError("signature", N_("The batch signature is wrong for this device."))


# -- files -----------------------------------------------------------------------------------


def _frame(data: bytes) -> bytes:
    return struct.pack(">Q", len(data)) + data


def write_batch_file(
    out: BinaryIO, *, header: dict[str, Any], key: str, batches: Iterator[Batch]
) -> int:
    """Write a USB file: magic, signed file header, then each batch; returns the batch count."""
    head = dict(header)
    head["signature"] = sign(key, header)
    out.write(FILE_MAGIC)
    out.write(_frame(canonical(head)))
    n = 0
    for batch in batches:
        out.write(_frame(batch.to_bytes()))
        n += 1
    out.write(_frame(b""))  # end mark: a file cut short lacks it
    return n


def _read_frame(inp: BinaryIO, limit: int) -> bytes:
    raw = inp.read(8)
    if len(raw) < 8:
        raise BatchError("truncated", N_("The file is truncated."))
    (n,) = struct.unpack(">Q", raw)
    if n > limit:
        raise BatchError("corrupt", N_("The file is damaged or not a batch file."))
    data = inp.read(n)
    if len(data) < n:
        raise BatchError("truncated", N_("The file is truncated."))
    return data


def read_batch_file(inp: BinaryIO) -> tuple[dict[str, Any], list[Batch]]:
    """Read a whole USB file (header, batches) and check every frame; signatures are HQ's job.

    Raises:
        BatchError: not a batch file, truncated or corrupted.
    """
    if inp.read(len(FILE_MAGIC)) != FILE_MAGIC:
        raise BatchError("not_a_batch_file", N_("This is not an Eskan Desk batch file."))
    try:
        header = _loads(_read_frame(inp, MAX_HEADER_BYTES))
    except ValueError as exc:
        raise BatchError("corrupt", N_("The file is damaged or not a batch file.")) from exc
    if not _header_ok(header, {"device_id": str, "signature": str}):
        raise BatchError("corrupt", N_("The file is damaged or not a batch file."))
    batches = []
    while True:
        frame = _read_frame(inp, MAX_BODY_BYTES + MAX_HEADER_BYTES)
        if not frame:
            break
        batches.append(parse_batch(frame))
    if inp.read(1):
        raise BatchError("corrupt", N_("The file has bytes after its end."))
    return header, batches


ANSWER_MAGIC = b"ESKAN-ANSWER/2\n"  # paged: written and read one page at a time
assert len(ANSWER_MAGIC) == len(ACK_MAGIC)
MAX_ANSWER_HEAD_BYTES = 16 * 1024 * 1024  # the acknowledgements of every batch of the file
MAX_PAGE_BYTES = 256 * 1024 * 1024  # one pull page, compressed


@dataclass(frozen=True)
class AnswerPage:
    """One page of the pull in an answer file: rows after ``start`` up to ``cursor``."""

    start: int
    cursor: int
    changes: list[list[Any]]


def _signed(key: str, fields: dict[str, Any]) -> bytes:
    return canonical({**fields, "signature": sign(key, fields)})


def write_answer_pages(
    out: BinaryIO,
    *,
    key: str,
    device_id: str,
    acks: list[dict[str, Any]],
    error: dict[str, Any] | None,
    start: int,
    pages: Iterable[AnswerPage],
) -> tuple[int, int]:
    """HQ's answer file, written as the pull is read: magic; a signed head (the
    acknowledgements, HQ's refusal if any, where the pull starts); then each page as a signed
    page head and its gzipped rows; then a signed end naming the page count and the last
    cursor. Memory holds one page, however far behind the branch is.

    Returns:
        ``(pages, rows)`` written.
    """
    out.write(ANSWER_MAGIC)
    head = {"device_id": device_id, "acks": acks, "error": error, "start": start}
    out.write(_frame(_signed(key, head)))
    n = rows = 0
    cursor = start
    for page in pages:
        body = gzip.compress(canonical({"changes": page.changes}), mtime=0)
        fields = {
            "device_id": device_id,
            "page": n,
            "start": page.start,
            "cursor": page.cursor,
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
        out.write(_frame(_signed(key, fields)))
        out.write(_frame(body))
        n, rows, cursor = n + 1, rows + len(page.changes), page.cursor
    end = {"device_id": device_id, "end": True, "pages": n, "cursor": cursor}
    out.write(_frame(_signed(key, end)))
    return n, rows


def write_answer(out: BinaryIO, answer: dict[str, Any], key: str) -> None:
    """An answer held whole in memory (``{"device_id", "acks", "error", "pull": {"from",
    "cursor", "changes"}}``), written as a one-page answer file."""
    pull = answer.get("pull") or {}
    start = int(pull.get("from", 0))
    pages = [AnswerPage(start, int(pull.get("cursor", start)), list(pull.get("changes", [])))]
    write_answer_pages(
        out,
        key=key,
        device_id=answer["device_id"],
        acks=list(answer.get("acks", [])),
        error=answer.get("error"),
        start=start,
        pages=pages if pull else [],
    )


def _damaged() -> BatchError:
    return BatchError("corrupt", N_("The answer file is damaged."))


def _verified(key: str, raw: bytes, device_id: str | None) -> dict[str, Any]:
    try:
        fields = _loads(raw)
    except ValueError as exc:
        raise _damaged() from exc
    if not isinstance(fields, dict) or not isinstance(fields.get("signature"), str):
        raise _damaged()
    unsigned = {k: v for k, v in fields.items() if k != "signature"}
    if not verify_signature(key, unsigned, fields["signature"]) or (
        device_id is not None and fields.get("device_id") != device_id
    ):
        raise BatchError("signature", N_("The answer file was not made by HQ for this device."))
    return unsigned


def open_answer(inp: BinaryIO, key: str) -> tuple[dict[str, Any], Iterator[AnswerPage]]:
    """Read an answer file made by HQ for this device, one page at a time.

    Returns the verified head (``device_id``, ``acks``, ``error``, ``start``) and an iterator
    of pages. A seekable file is checked whole first (every signature and checksum, one frame
    in memory at a time), so a damaged one raises here and nothing is taken from it. From a
    stream, each page is verified before it is yielded and the iterator raises at the first
    that cannot be trusted: the pages taken before are good steps of the pull. A file written
    by an earlier version (one signed body) is read as one page.

    Raises:
        BatchError: not an answer file, truncated, corrupted, or not signed for this device.
    """
    magic = inp.read(len(ANSWER_MAGIC))  # both versions' magics are the same length
    if magic == ACK_MAGIC:
        return _open_answer_v1(inp, key)
    if magic != ANSWER_MAGIC:
        raise BatchError("not_an_answer_file", N_("This is not an answer file from HQ."))
    at = inp.tell() if inp.seekable() else None
    head = _verified(key, _read_frame(inp, MAX_ANSWER_HEAD_BYTES), None)
    device_id = head.get("device_id")
    if not (
        isinstance(device_id, str)
        and isinstance(head.get("acks"), list)
        and isinstance(head.get("start"), int)
        and (head.get("error") is None or isinstance(head.get("error"), dict))
    ):
        raise _damaged()
    if at is not None:
        # A file (the USB case) is checked whole first, every signature and checksum,
        # holding one frame at a time: a damaged or forged file changes nothing at all.
        for _page in _answer_pages(inp, key, device_id, head["start"], unpack=False):
            pass
        inp.seek(at)
        _read_frame(inp, MAX_ANSWER_HEAD_BYTES)
    return head, _answer_pages(inp, key, device_id, head["start"])


def _answer_pages(
    inp: BinaryIO, key: str, device_id: str, start: int, *, unpack: bool = True
) -> Iterator[AnswerPage]:
    cursor, n = start, 0
    while True:
        fields = _verified(key, _read_frame(inp, MAX_HEADER_BYTES), device_id)
        if fields.get("end") is True:
            if fields.get("pages") != n or fields.get("cursor") != cursor or inp.read(1):
                raise _damaged()
            return
        if fields.get("page") != n or fields.get("start") != cursor:
            raise _damaged()  # a page left out, repeated or moved
        body = _read_frame(inp, MAX_PAGE_BYTES)
        if hashlib.sha256(body).hexdigest() != fields.get("body_sha256"):
            raise BatchError(
                "checksum", N_("The answer file is damaged: its checksum does not match.")
            )
        if not isinstance(fields.get("cursor"), int):
            raise _damaged()
        changes: list[list[Any]] = []
        if unpack:
            try:
                changes = _loads(gzip.decompress(body))["changes"]
            except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as exc:
                raise _damaged() from exc
            if not isinstance(changes, list):
                raise _damaged()
        cursor, n = fields["cursor"], n + 1
        yield AnswerPage(fields["start"], cursor, changes)


def _open_answer_v1(inp: BinaryIO, key: str) -> tuple[dict[str, Any], Iterator[AnswerPage]]:
    """``ESKAN-ANSWER/1``: a signed head and one gzipped body holding everything."""
    try:
        head = _loads(_read_frame(inp, MAX_HEADER_BYTES))
        body = _read_frame(inp, 1 << 34)
    except ValueError as exc:
        raise _damaged() from exc
    if not _header_ok(head, {"body_sha256": str, "signature": str}):
        raise _damaged()
    unsigned = {k: v for k, v in head.items() if k != "signature"}
    if hashlib.sha256(body).hexdigest() != head.get("body_sha256"):
        raise BatchError("checksum", N_("The answer file is damaged: its checksum does not match."))
    if not verify_signature(key, unsigned, head.get("signature", "")):
        raise BatchError("signature", N_("The answer file was not made by HQ for this device."))
    try:
        answer = _loads(gzip.decompress(body))
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise _damaged() from exc
    if not isinstance(answer, dict):
        raise _damaged()
    pull = answer.get("pull") or {}
    start = int(pull.get("from", 0))
    first = {
        "device_id": answer.get("device_id"),
        "acks": answer.get("acks", []),
        "error": answer.get("error"),
        "start": start,
    }
    pages = [AnswerPage(start, int(pull.get("cursor", start)), pull.get("changes", []))]
    return first, iter(pages if pull else [])


def read_answer(inp: BinaryIO, key: str) -> dict[str, Any]:
    """A whole answer file as one dictionary (``device_id``, ``acks``, ``error``, ``pull``
    with ``from``, ``cursor`` and every change): for inspection and tests; the branch imports
    with :func:`open_answer`, a page at a time.

    Raises:
        BatchError: as :func:`open_answer`.
    """
    head, pages = open_answer(inp, key)
    changes: list[list[Any]] = []
    cursor = head["start"]
    for page in pages:
        changes.extend(page.changes)
        cursor = page.cursor
    return {
        "device_id": head["device_id"],
        "acks": head["acks"],
        "error": head["error"],
        "pull": {"from": head["start"], "cursor": cursor, "changes": changes},
    }
