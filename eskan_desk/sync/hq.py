"""Headquarters: enrollment, applying batches exactly once, merging, and the pull feed.

Everything here runs in one database transaction per call and keeps no state in the process, so
any number of server workers may share one database: exactly-once rests on the primary key of
``hq_batches`` and the unique change id of ``hq_changes``, not on memory. On PostgreSQL, batch
applications take one transaction-level advisory lock first, which keeps the feed's sequence in
commit order (a puller never skips a row committed late) and rules out deadlocks between
batches of different branches touching the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any, BinaryIO

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    any_,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import UserDefinedType

from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.hlc import HybridClock
from eskan_desk.domain.ids import is_branch_code, uuid7
from eskan_desk.domain.markers import N_
from eskan_desk.models import Base, DuplicateAlert, SyncConflict, migrate
from eskan_desk.models.engine import make_engine
from eskan_desk.services.beneficiaries import ATTESTED_FIELDS
from eskan_desk.services.serialize import from_json_converter
from eskan_desk.services.sync_status import HQ_BRANCH_CODE
from eskan_desk.sync import protocol, rows
from eskan_desk.sync.hq_models import (
    BatchRecord,
    ChangeRecord,
    Device,
    Enrollment,
    HQBase,
    RowVersion,
)
from eskan_desk.sync.protocol import Batch, BatchError, canonical

log = logging.getLogger("eskan.hq")

HQ_WRITER = "hq"  # device id of rows HQ itself writes (merges, conflicts, alerts)
ENROLL_TTL = dt.timedelta(days=7)
PULL_LIMIT = 1000
APPLY_LOCK = 720_531  # pg_advisory_xact_lock key of batch application
CHUNK = 500
ATTESTED = frozenset(ATTESTED_FIELDS)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone
# Indexes only a branch's own screens read (its dashboard, a file's timeline, its follow-up
# list). HQ never queries by them, and every index is written again for every row a batch
# brings, so HQ's database goes without them: a push of contacts applies a third faster.
# HQ still reads contacts by id, by branch and by the week (the summary's own index).
BRANCH_ONLY_INDEXES = (
    "ix_contacts_at",
    "ix_contacts_at_channel",
    "ix_contacts_beneficiary_at",
    "ix_contacts_open_follow_ups",
)


def riyadh_minute(at: dt.datetime) -> str:
    """``2026-11-27 21:14``: an HQ timestamp as an administrator in Riyadh reads it."""
    return to_riyadh(at if at.tzinfo else at.replace(tzinfo=dt.UTC)).strftime("%Y-%m-%d %H:%M")


class HQError(Exception):
    """A refusal with an HTTP status, a stable code and a translatable message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        params: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message.format(**(params or {})))
        self.status = status
        self.code = code
        self.message = message
        self.params = params or {}
        self.extra = extra

    def as_json(self) -> dict[str, Any]:
        return {
            "error": self.code,
            "message": str(self),
            "message_id": self.message,  # the catalog's source text: the branch translates it
            "params": self.params,
            **self.extra,
        }


def _batch_error(exc: BatchError) -> HQError:
    status = 401 if exc.code == "signature" else 400
    return HQError(status, exc.code, exc.message, exc.params)


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


@dataclass
class _Outcome:
    applied: int = 0
    skipped: int = 0
    conflicts: int = 0
    feed: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    new_beneficiaries: list[dict[str, Any]] = field(default_factory=list)


class HQ:
    """The HQ database and what can be done to it."""

    def __init__(self, engine: Engine, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.engine = engine
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.clock = HybridClock()
        self.pull_limit = PULL_LIMIT
        self.is_pg = engine.dialect.name == "postgresql"
        self._writer = (
            engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            if engine.dialect.name == "sqlite"
            else engine
        )

    @classmethod
    def open(cls, url: str, *, create: bool = True, **kwargs: Any) -> HQ:
        engine = make_engine(url, **kwargs)
        hq = cls(engine)
        if create:
            hq.create_schema()
        return hq

    def create_schema(self) -> None:
        """Bring the branch tables to this version by the same Alembic migrations a branch runs
        (so an upgraded HQ gains new columns too), then create HQ's bookkeeping (idempotent).
        ``eskan-hq serve`` does this once before starting its workers.

        Then the :data:`BRANCH_ONLY_INDEXES` are dropped (a migration may have created them).
        A migration that drops or alters one must say ``if_exists``: at HQ it is not there;
        tests/sync/test_hq_schema.py reads every migration for it."""
        current = migrate.current_revision(self.engine)
        if current is None and not self._has_tables():
            # A new database: the models as they are now, stamped with the head revision
            # (tests/migrations checks the migrations build the same schema as the models).
            with self._writer.begin() as conn:
                Base.metadata.create_all(conn)
                conn.execute(
                    text(
                        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL "
                        "CONSTRAINT alembic_version_pkc PRIMARY KEY)"
                    )
                )
                conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": self.schema})
        elif current != self.schema:
            migrate.upgrade(self.engine)
        self._drop_branch_only_indexes()
        with self._writer.begin() as conn:
            HQBase.metadata.create_all(conn)

    def _drop_branch_only_indexes(self) -> None:
        """Drop the :data:`BRANCH_ONLY_INDEXES` that are there. Reads first: a server already
        running is not made to wait for a write lock when there is nothing to drop."""
        indexes = {ix.name: ix for t in Base.metadata.tables.values() for ix in t.indexes}
        with self.engine.connect() as conn:
            insp = inspect(conn)
            present = {
                ix["name"]
                for t in {indexes[n].table.name for n in BRANCH_ONLY_INDEXES}
                if insp.has_table(t)
                for ix in insp.get_indexes(t)
            }
        todo = [n for n in BRANCH_ONLY_INDEXES if n in present]
        if todo:
            with self._writer.begin() as conn:
                for name in todo:
                    indexes[name].drop(conn, checkfirst=True)

    def _has_tables(self) -> bool:
        with self.engine.connect() as conn:
            return bool(inspect(conn).get_table_names())

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def schema(self) -> str:
        return migrate.head_revision()

    # -- enrollment ------------------------------------------------------------------------

    def issue_code(self, branch_code: str) -> str:
        branch_code = (branch_code or "").strip().upper()
        if not is_branch_code(branch_code):  # what no branch store could be set up with
            raise HQError(
                400, "branch", N_("The branch code must be 2 to 4 Latin letters, e.g. KMS.")
            )
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
        now = self.now()
        with self._writer.begin() as conn:
            conn.execute(
                insert(Enrollment).values(
                    code_hash=_code_hash(code),
                    branch_code=branch_code,
                    created_at=now,
                    expires_at=now + ENROLL_TTL,
                )
            )
        return code

    def _lock_branch(self, conn: Connection, branch_code: str) -> None:
        """Serialise enrollments for one branch code until the transaction ends (PostgreSQL:
        a transaction-scoped advisory lock; SQLite's one writer serialises them anyway)."""
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"eskan-enroll:{branch_code}"},
            )

    def enroll(self, code: str, branch: dict[str, Any], device_name: str) -> dict[str, Any]:
        """Exchange a one-time code for a device id and key.

        Raises:
            HQError: the code is unknown, used, expired or for another branch, or the branch
                code is held by another store.
        """
        now = self.now()
        with self._writer.begin() as conn:
            # One enrollment at a time per code, and per branch: on PostgreSQL two requests
            # with the same code would otherwise both find it unused (SQLite's writer is
            # serialised already). The row lock waits for the first to commit, then reads it.
            self._lock_branch(conn, str(branch.get("code", "")).upper())
            enrollment = conn.execute(
                select(Enrollment).where(Enrollment.code_hash == _code_hash(code)).with_for_update()
            ).first()
            if enrollment is None:
                raise HQError(403, "enroll_code", N_("This enrollment code is not known at HQ."))
            if enrollment.used_at is not None:
                raise HQError(403, "enroll_code", N_("This enrollment code was already used."))
            if enrollment.expires_at < now:
                raise HQError(403, "enroll_code", N_("This enrollment code has expired."))
            code_branch = str(branch.get("code", "")).upper()
            if enrollment.branch_code != code_branch:
                raise HQError(
                    403,
                    "enroll_branch",
                    N_("This code is for branch {expected}, and this store is branch {actual}."),
                    {"expected": enrollment.branch_code, "actual": code_branch},
                )
            held = conn.execute(
                select(Device.branch_id).where(
                    Device.branch_code == code_branch,
                    Device.branch_id != branch["id"],
                    Device.revoked_at.is_(None),
                )
            ).first()
            if held is not None:
                raise HQError(
                    409,
                    "branch_held",
                    N_(
                        "Branch {code} is already enrolled from another store. Restore that "
                        "store's backup on this PC, or revoke the other device first."
                    ),
                    {"code": code_branch},
                )
            device_id = uuid7()
            key = protocol.new_key()
            conn.execute(
                insert(Device).values(
                    id=device_id,
                    branch_id=branch["id"],
                    branch_code=code_branch,
                    branch_name=str(branch.get("name", ""))[:120],
                    is_hq=code_branch == HQ_BRANCH_CODE,
                    name=(device_name or "device")[:80],
                    key=key,
                    enrolled_at=now,
                    last_seq=0,
                    last_pull_cursor=0,
                )
            )
            conn.execute(
                update(Enrollment)
                .where(Enrollment.code_hash == enrollment.code_hash)
                .values(used_at=now, device_id=device_id)
            )
            numbers = self._numbers_used(conn, branch["id"])
        log.info("enrolled", extra={"device": device_id, "branch": code_branch})
        return {
            "device_id": device_id,
            "key": key,
            "branch_id": branch["id"],
            "schema": self.schema,
            "numbers": numbers,
        }

    def _numbers_used(self, conn: Connection, branch_id: str) -> list[str]:
        """The highest file and request number of each year HQ holds for the branch.

        A store enrolled again after a backup was restored has counters from before the
        backup; with these it never gives a number that is already on another family's
        papers (and at HQ)."""
        tables = rows.synced_tables()
        highest: dict[tuple[str, str], str] = {}
        for table, column in (("beneficiaries", "file_no"), ("support_requests", "number")):
            col = tables[table].c[column]
            for (value,) in conn.execute(select(col).where(tables[table].c.branch_id == branch_id)):
                prefix, _sep, last = str(value).rpartition("-")
                key = (prefix, str(len(last)))
                if last.isdigit() and (key not in highest or value > highest[key]):
                    highest[key] = value
        return sorted(highest.values())

    def revoke(self, device_id: str) -> None:
        revoked = None
        with self._writer.begin() as conn:
            done = conn.execute(
                update(Device)
                .where(Device.id == device_id, Device.revoked_at.is_(None))
                .values(revoked_at=self.now())
            ).rowcount
            if not done:
                revoked = conn.execute(
                    select(Device.revoked_at).where(Device.id == device_id)
                ).scalar_one_or_none()
        if not done and revoked is not None:  # said again: no harm, but say it is so
            raise HQError(
                409,
                "device",
                N_("Device {device} was already revoked, on {time} (Riyadh time)."),
                {"device": device_id, "time": riyadh_minute(revoked)},
            )
        if not done:
            raise HQError(404, "device", N_("No enrolled device {device}."), {"device": device_id})

    def device(self, conn: Connection, device_id: str) -> Any:
        dev = conn.execute(select(Device).where(Device.id == device_id)).first()
        if dev is None:
            raise HQError(401, "unknown_device", N_("This device is not enrolled at HQ."))
        if dev.revoked_at is not None:
            raise HQError(403, "revoked", N_("This device was revoked at HQ; enroll it again."))
        return dev

    def device_key(self, device_id: str) -> str:
        with self.engine.connect() as conn:
            return self.device(conn, device_id).key

    # -- push --------------------------------------------------------------------------------

    def receive(self, data: bytes) -> dict[str, Any]:
        """Apply one batch frame (HTTP body or a frame of a file) and return its acknowledgement.

        Raises:
            HQError: refused; nothing of the batch was applied.
        """
        try:
            batch = protocol.parse_batch(data)
        except BatchError as exc:
            raise _batch_error(exc) from exc
        return self.apply(batch)

    def apply(self, batch: Batch) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            ack = self._apply(batch)
        except IntegrityError as exc:
            # Another worker applied the same (device, seq) between our check and our insert:
            # the primary key refused the second copy; answer as a replay.
            with self.engine.connect() as conn:
                stored = conn.execute(
                    select(BatchRecord).where(
                        BatchRecord.device_id == batch.device_id, BatchRecord.seq == batch.seq
                    )
                ).first()
            if stored is None or stored.body_sha256 != batch.sha256:
                raise _broken_rule(exc, batch.seq) from exc
            ack = json.loads(stored.ack)
        log.info(
            "batch",
            extra={
                "device": batch.device_id,
                "seq": batch.seq,
                "changes": batch.header.get("count"),
                "status": ack.get("status"),
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return ack

    def _apply(self, batch: Batch) -> dict[str, Any]:
        with self._writer.begin() as conn:
            dev = self.device(conn, batch.device_id)
            try:
                protocol.check_signature(batch, dev.key)
            except BatchError as exc:
                raise _batch_error(exc) from exc
            if _rev(batch.header.get("schema")) > _rev(self.schema):
                raise HQError(
                    426,
                    "schema_newer",
                    N_(
                        "This branch runs a newer version (schema {theirs}) than HQ (schema "
                        "{ours}). Upgrade Eskan Desk at HQ, then sync again."
                    ),
                    {"theirs": batch.header.get("schema"), "ours": self.schema},
                )
            if self.is_pg:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPLY_LOCK})
                dev = conn.execute(
                    select(Device).where(Device.id == dev.id).with_for_update()
                ).first()
            stored = conn.execute(
                select(BatchRecord).where(
                    BatchRecord.device_id == dev.id, BatchRecord.seq == batch.seq
                )
            ).first()
            if stored is not None:
                if stored.body_sha256 == batch.sha256:
                    return json.loads(stored.ack)
                raise HQError(
                    409,
                    "seq_reused",
                    N_("Batch {seq} was already received with other content."),
                    {"seq": batch.seq},
                    expected_seq=dev.last_seq + 1,
                )
            if batch.seq != dev.last_seq + 1:
                raise HQError(
                    409,
                    "gap",
                    N_("HQ expected batch {expected} and received batch {seq}."),
                    {"expected": dev.last_seq + 1, "seq": batch.seq},
                    expected_seq=dev.last_seq + 1,
                )
            try:
                changes, hashes = batch.read()
            except BatchError as exc:
                raise _batch_error(exc) from exc
            outcome = self._apply_changes(conn, dev, changes, hashes)
            now = self.now()
            ack = {
                "device_id": dev.id,
                "seq": batch.seq,
                "status": "applied",
                "applied": outcome.applied,
                "skipped": outcome.skipped,
                "conflicts": outcome.conflicts,
                "received_at": rows.json_value(now),
            }
            conn.execute(
                insert(BatchRecord).values(
                    device_id=dev.id,
                    seq=batch.seq,
                    body_sha256=batch.sha256,
                    received_at=now,
                    changes=len(changes),
                    ack=canonical(ack).decode(),
                )
            )
            conn.execute(
                update(Device)
                .where(Device.id == dev.id)
                .values(last_seq=batch.seq, last_batch_at=now)
            )
            return json.loads(canonical(ack))  # the very answer a replay gets, key for key

    def _apply_changes(
        self, conn: Connection, dev: Any, changes: list[list[Any]], hashes: list[str]
    ) -> _Outcome:
        tables = rows.synced_tables()
        for change in changes:
            entity, row = change[1], change[5]
            if (
                entity not in tables
                or not isinstance(row.get("id"), str)
                or not isinstance(change[0], str)
            ):
                raise HQError(
                    400,
                    "corrupt",
                    N_("The batch holds a change of an unknown kind {kind}."),
                    {"kind": str(entity)},
                )
            if not _well_formed(change, tables[entity]):
                raise HQError(400, "corrupt", N_("The batch holds a malformed change."))
            if not dev.is_hq and row.get("branch_id") != dev.branch_id:
                raise HQError(
                    403,
                    "foreign_branch",
                    N_("A branch device may write only its own branch's records ({kind} {id})."),
                    {"kind": entity, "id": row.get("id")},
                )
        ledger = self._ledger(conn, [c[0] for c in changes])
        existing = self._existing(conn, changes)
        out = _Outcome()
        # New rows wait here, by kind and as received, until a statement must see them (a
        # merge, a conflict, the end of the batch); then each kind goes in with one bulk insert,
        # every table before the tables that refer to it, decoded as it goes.
        pending: dict[str, list[dict[str, Any]]] = {}
        append_only, audience = rows.APPEND_ONLY, rows.audience

        def flush() -> None:
            for kind in _insert_order(pending):
                with _refusing_unreadable():
                    _insert_many(conn, tables[kind], pending[kind], received=True)
            pending.clear()

        for change, digest in zip(changes, hashes, strict=True):
            change_id, entity, _op, version, base_version, row = change
            seen = ledger.get(change_id)
            if seen is not None:
                if seen != digest:
                    flush()
                    self._conflict_same_id(conn, dev, change, out)
                else:
                    out.skipped += 1
                continue
            ledger[change_id] = digest
            feed = {
                "change_id": change_id,
                "device_id": dev.id,
                "entity": entity,
                "entity_id": row["id"],
                "audience": audience(entity, row),
                "content_hash": digest,
                "version": version,
            }
            current = existing.get(row["id"])
            if current is None:
                run = pending.get(entity)
                if run is None:
                    run = pending[entity] = []
                run.append(row)
                existing[row["id"]] = (entity, row["branch_id"], version)
                if entity not in append_only:
                    out.versions.append(_version(row))
                if entity == "beneficiaries":
                    out.new_beneficiaries.append(row)
                out.applied += 1
                out.feed.append(feed)
                continue
            flush()
            cur_entity, cur_branch, _cur_version = current
            if cur_entity != entity or (not dev.is_hq and cur_branch != dev.branch_id):
                raise HQError(
                    403,
                    "foreign_branch",
                    N_("A branch device may write only its own branch's records ({kind} {id})."),
                    {"kind": entity, "id": row["id"]},
                )
            merged = self._merge(conn, dev, entity, version, base_version, row, out)
            if merged is None:
                out.skipped += 1
                feed["version"] = None  # in the ledger, so a replay is known; nothing to send
                out.feed.append(feed)
                continue
            existing[row["id"]] = (entity, cur_branch, merged["version"])
            feed["version"] = merged["version"]
            out.applied += 1
            if merged is not row:
                feed["device_id"] = HQ_WRITER  # the sender must see what the merge made
            out.feed.append(feed)
        flush()
        if out.new_beneficiaries:
            self._duplicate_alerts(conn, out)  # adds versions and feed entries: before both
        if out.versions:
            _insert_many(conn, RowVersion.__table__, out.versions)
        if out.feed:
            _insert_many(conn, ChangeRecord.__table__, out.feed)
        return out

    def _ids_in(self, column: Any, ids: list[str]) -> Iterator[ColumnElement[bool]]:
        """``column IN ids`` in as few statements as the backend takes: one ``= ANY(array)``
        on PostgreSQL (a short statement, prepared once), chunks of ``CHUNK`` elsewhere."""
        if self.is_pg:
            yield column == any_(bindparam("ids", ids, type_=_IdArray()))
            return
        for i in range(0, len(ids), CHUNK):
            yield column.in_(ids[i : i + CHUNK])

    def _ledger(self, conn: Connection, change_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for where in self._ids_in(ChangeRecord.change_id, change_ids):
            for cid, digest in conn.execute(
                select(ChangeRecord.change_id, ChangeRecord.content_hash).where(where)
            ):
                found[cid] = digest
        return found

    def _existing(
        self, conn: Connection, changes: Iterable[list[Any]]
    ) -> dict[str, tuple[str, str, int]]:
        by_entity: dict[str, list[str]] = {}
        for change in changes:
            by_entity.setdefault(change[1], []).append(change[5]["id"])
        found: dict[str, tuple[str, str, int]] = {}
        tables = rows.synced_tables()
        for entity, ids in by_entity.items():
            t = tables[entity]
            for where in self._ids_in(t.c.id, ids):
                q = select(t.c.id, t.c.branch_id, t.c.version).where(where)
                for rid, branch_id, version in conn.execute(q):
                    found[rid] = (entity, branch_id, version)
        return found

    def _merge(
        self,
        conn: Connection,
        dev: Any,
        entity: str,
        version: int,
        base_version: int | None,
        incoming: dict[str, Any],
        out: _Outcome,
    ) -> dict[str, Any] | None:
        """Merge an update into HQ's row; None when there is nothing to change."""
        t = rows.synced_tables()[entity]
        cur_row = conn.execute(select(t).where(t.c.id == incoming["id"])).first()
        current = rows.encode(entity, dict(cur_row._mapping))
        if entity in rows.APPEND_ONLY:
            # Append-only kinds never conflict: the later version stands.
            if version <= current["version"]:
                return None
            result = incoming
        elif base_version == current["version"] or version == current["version"]:
            if version <= current["version"]:
                return None  # already here (delivered another way)
            result = incoming  # written on top of what HQ has: a fast-forward
        else:
            result = self._field_merge(conn, dev, entity, base_version, incoming, current, out)
            # The sender's own version is the base of its next offline edit: keep it too.
            out.versions.append(_version(incoming))
        with _refusing_unreadable():  # the sender's values, as the row will hold them
            merged = rows.decode(entity, result)
            _check_types(t, [merged])
            conn.execute(t.update().where(t.c.id == incoming["id"]).values(merged))
        if entity not in rows.APPEND_ONLY:
            out.versions.append(_version(result))
        if entity == "beneficiaries" and result["national_id"] != current["national_id"]:
            out.new_beneficiaries.append(result)  # a corrected ID may be held at another branch
        return result

    def _field_merge(
        self,
        conn: Connection,
        dev: Any,
        entity: str,
        base_version: int | None,
        incoming: dict[str, Any],
        current: dict[str, Any],
        out: _Outcome,
    ) -> dict[str, Any]:
        base = None
        written = [
            v["payload"]
            for v in out.versions
            if v["entity_id"] == incoming["id"] and v["version"] == base_version
        ]  # the base may be a version this very batch wrote (not inserted yet)
        if written:
            base = json.loads(written[-1])
        elif base_version is not None:
            payload = conn.execute(
                select(RowVersion.payload).where(
                    RowVersion.entity_id == incoming["id"], RowVersion.version == base_version
                )
            ).scalar_one_or_none()
            base = json.loads(payload) if payload else None
        norm = _normalizer(entity)
        owned = rows.HQ_OWNED.get(entity, frozenset())
        result = dict(current)
        other_device = None
        changed_here: set[str] = set()  # by the sender since the base
        changed_there: set[str] = set()  # at HQ since the base
        for key, value in incoming.items():
            if key in rows.META or key == "id":
                continue
            cur_v = current.get(key)
            base_v = base.get(key) if base is not None else None
            ours = base is None or norm(key, value) != norm(key, base_v)
            theirs = base is None or norm(key, cur_v) != norm(key, base_v)
            if ours:
                changed_here.add(key)
            if theirs:
                changed_there.add(key)
            if norm(key, value) == norm(key, cur_v):
                continue
            if ours and not theirs:
                result[key] = value
            elif theirs and not ours:
                continue
            elif key in owned:
                if dev.is_hq:
                    result[key] = value
            else:
                if other_device is None:
                    other_device = self._last_writer(conn, incoming["id"])
                self._record_conflict(
                    conn, entity, current, key, base_v, cur_v, value, other_device, dev, out
                )
        _check_verification(entity, result, changed_here, changed_there)
        self.clock.update(max(int(current["version"]), int(incoming["version"])))
        result["version"] = self.clock.now()
        result["updated_at"] = max(current["updated_at"], incoming["updated_at"])
        result["updated_by"] = incoming.get("updated_by")
        return result

    def _last_writer(self, conn: Connection, entity_id: str) -> str:
        device_id = conn.execute(
            select(ChangeRecord.device_id)
            .where(ChangeRecord.entity_id == entity_id)
            .order_by(ChangeRecord.seq.desc())
            .limit(1)
        ).scalar_one_or_none()
        return self._device_label(conn, device_id)

    def _device_label(self, conn: Connection, device_id: str | None) -> str:
        if device_id is None or device_id == HQ_WRITER:
            return HQ_BRANCH_CODE
        dev = conn.execute(select(Device).where(Device.id == device_id)).first()
        return _device_text(dev.branch_code, dev.name) if dev else device_id

    def _record_conflict(
        self,
        conn: Connection,
        entity: str,
        current: dict[str, Any],
        key: str,
        base_v: Any,
        kept: Any,
        other: Any,
        kept_device: str,
        dev: Any,
        out: _Outcome,
    ) -> None:
        row = {
            **self._hq_row(current["branch_id"]),
            "entity": entity,
            "entity_id": current["id"],
            "field": key,
            "base_value": canonical(base_v).decode(),
            "kept_value": canonical(kept).decode(),
            "other_value": canonical(other).decode(),
            "kept_device": kept_device,
            "other_device": _device_text(dev.branch_code, dev.name),
            "status": "open",
        }
        conn.execute(insert(SyncConflict.__table__), [row])
        out.versions.append(_version(rows.encode("sync_conflicts", row)))
        out.feed.append(_hq_feed("sync_conflicts", row["id"], current["branch_id"], row["version"]))
        out.conflicts += 1

    def _hq_row(self, branch_id: str) -> dict[str, Any]:
        """The synced columns of a row HQ itself writes (a conflict, an alert) for a branch."""
        now = self.now()
        return {
            "id": uuid7(),
            "branch_id": branch_id,
            "created_at": now,
            "updated_at": now,
            "created_by": None,
            "updated_by": None,
            "version": self.clock.now(),
            "deleted_at": None,
        }

    def _conflict_same_id(
        self, conn: Connection, dev: Any, change: list[Any], out: _Outcome
    ) -> None:
        """The same change id came again with other content: keep both, overwrite nothing."""
        entity, row = change[1], change[5]
        t = rows.synced_tables()[entity]
        cur = conn.execute(select(t).where(t.c.id == row["id"])).first()
        current = rows.encode(entity, dict(cur._mapping)) if cur else dict(row)
        self._record_conflict(
            conn,
            entity,
            current,
            "*",
            None,
            current,
            row,
            self._last_writer(conn, row["id"]),
            dev,
            out,
        )

    def _duplicate_alerts(self, conn: Connection, out: _Outcome) -> None:
        """The same national ID at another branch: one alert to each of the two branches."""
        ben = rows.synced_tables()["beneficiaries"]
        branches = rows.synced_tables()["branches"]
        names = {
            r.id: (r.code, r.name)
            for r in conn.execute(select(branches.c.id, branches.c.code, branches.c.name))
        }
        for dev_row in conn.execute(
            select(Device.branch_id, Device.branch_code, Device.branch_name)
        ):
            names.setdefault(dev_row.branch_id, (dev_row.branch_code, dev_row.branch_name))
        # Every holder of the batch's national IDs in one statement, not one per new file.
        nids = dict.fromkeys(b["national_id"] for b in out.new_beneficiaries)
        holders: dict[str, list[Any]] = {}
        for where in self._ids_in(ben.c.national_id, [n for n in nids if isinstance(n, str)]):
            q = select(ben.c.id, ben.c.branch_id, ben.c.file_no, ben.c.national_id).where(
                where, ben.c.deleted_at.is_(None)
            )
            for r in conn.execute(q):
                holders.setdefault(r.national_id, []).append(r)
        alerts: list[dict[str, Any]] = []
        known = {
            (a.beneficiary_id, a.other_beneficiary_id)
            for a in conn.execute(
                select(DuplicateAlert.beneficiary_id, DuplicateAlert.other_beneficiary_id).where(
                    DuplicateAlert.beneficiary_id.in_([b["id"] for b in out.new_beneficiaries])
                )
            )
        }
        for new in out.new_beneficiaries:
            nid = new["national_id"]
            if isinstance(nid, str):
                others = [r for r in holders.get(nid, ()) if r.branch_id != new["branch_id"]]
            else:  # not a national ID a file can hold: asked on its own, as it always was
                others = conn.execute(
                    select(ben.c.id, ben.c.branch_id, ben.c.file_no).where(
                        ben.c.national_id == new["national_id"],
                        ben.c.branch_id != new["branch_id"],
                        ben.c.deleted_at.is_(None),
                    )
                ).all()
            for other in others:
                pair = (
                    (new["id"], new["branch_id"], new["file_no"]),
                    (other.id, other.branch_id, other.file_no),
                )
                for mine, theirs in (pair, pair[::-1]):
                    if (mine[0], theirs[0]) in known:
                        continue
                    known.add((mine[0], theirs[0]))
                    code, name = names.get(theirs[1], ("?", "?"))
                    alerts.append(self._alert(new["national_id"], mine, theirs, code, name))
        if alerts:
            conn.execute(insert(DuplicateAlert.__table__), alerts)
            for a in alerts:
                out.versions.append(_version(rows.encode("duplicate_alerts", a)))
                out.feed.append(_hq_feed("duplicate_alerts", a["id"], a["branch_id"], a["version"]))

    def _alert(
        self,
        national_id: str,
        mine: tuple[str, str, str],
        theirs: tuple[str, str, str],
        code: str,
        name: str,
    ) -> dict[str, Any]:
        return {
            **self._hq_row(mine[1]),
            "national_id": national_id,
            "beneficiary_id": mine[0],
            "file_no": mine[2],
            "other_branch_code": code,
            "other_branch_name": name,
            "other_file_no": theirs[2],
            "other_beneficiary_id": theirs[0],
            "status": "open",
        }

    # -- pull --------------------------------------------------------------------------------

    def pull(self, device_id: str, cursor: int, limit: int | None = None) -> dict[str, Any]:
        """What this device must see after ``cursor``: rows written by other devices.

        Each feed entry sends the row as that change wrote it (from ``hq_row_versions``;
        append-only rows, which only ever point to older rows, as they are now), so rows arrive
        in the order they were written and never before a row they refer to. Within one page a
        row changed several times is sent once, at its last position: the branch applies a page
        in one transaction with foreign keys checked at commit.
        """
        limit = max(1, min(int(limit or self.pull_limit), 5000))
        with self._writer.begin() as conn:
            dev = self.device(conn, device_id)
            q = (
                select(
                    ChangeRecord.seq,
                    ChangeRecord.entity,
                    ChangeRecord.entity_id,
                    ChangeRecord.version,
                )
                .where(ChangeRecord.seq > cursor, ChangeRecord.device_id != dev.id)
                .order_by(ChangeRecord.seq)
                .limit(limit + 1)
            )
            if not dev.is_hq:
                q = q.where(ChangeRecord.audience.in_([dev.branch_id, rows.ALL]))
            entries = conn.execute(q).all()
            more = len(entries) > limit
            entries = entries[:limit]
            new_cursor = entries[-1].seq if entries else cursor
            last_in_page = {e.entity_id: e.seq for e in entries if e.version is not None}
            order = [e for e in entries if last_in_page.get(e.entity_id) == e.seq]
            found = self._rows(conn, order)
            changes = [[e.entity, r] for e, r in zip(order, found, strict=True) if r is not None]
            conn.execute(
                update(Device)
                .where(Device.id == dev.id)
                .values(last_pull_at=self.now(), last_pull_cursor=new_cursor)
            )
        return {"changes": changes, "cursor": new_cursor, "more": more}

    def _rows(self, conn: Connection, entries: list[Any]) -> list[dict[str, Any] | None]:
        """The JSON row for each feed entry: the version it wrote, or (append-only) as now."""
        versions: dict[tuple[str, int], dict[str, Any]] = {}
        mutable = [e for e in entries if e.entity not in rows.APPEND_ONLY]
        for i in range(0, len(mutable), CHUNK):
            chunk = mutable[i : i + CHUNK]
            q = select(RowVersion.entity_id, RowVersion.version, RowVersion.payload).where(
                RowVersion.entity_id.in_({e.entity_id for e in chunk}),
                RowVersion.version.in_({e.version for e in chunk}),
            )
            for eid, version, payload in conn.execute(q):
                versions[(eid, version)] = json.loads(payload)
        current: dict[str, dict[str, Any]] = {}
        tables = rows.synced_tables()
        by_entity: dict[str, list[str]] = {}
        for e in entries:
            if e.entity in rows.APPEND_ONLY:
                by_entity.setdefault(e.entity, []).append(e.entity_id)
        for entity, ids in by_entity.items():
            t = tables[entity]
            for i in range(0, len(ids), CHUNK):
                for r in conn.execute(select(t).where(t.c.id.in_(ids[i : i + CHUNK]))):
                    current[r.id] = rows.encode(entity, dict(r._mapping))
        return [
            current.get(e.entity_id)
            if e.entity in rows.APPEND_ONLY
            else versions.get((e.entity_id, e.version))
            for e in entries
        ]

    # -- USB files ---------------------------------------------------------------------------

    def import_file(self, inp: BinaryIO, out: BinaryIO) -> dict[str, Any]:
        """Apply a batch file brought on USB and write the signed answer file.

        Raises:
            HQError: the file cannot be trusted; nothing was applied and no answer written.
        """
        try:
            header, batches = protocol.read_batch_file(inp)
        except BatchError as exc:
            raise _batch_error(exc) from exc
        with self.engine.connect() as conn:
            dev = self.device(conn, header["device_id"])
        unsigned = {k: v for k, v in header.items() if k != "signature"}
        if not protocol.verify_signature(dev.key, unsigned, header["signature"]):
            raise HQError(401, "signature", N_("The file signature is wrong for this device."))
        for batch in batches:
            if batch.device_id != dev.id:
                raise HQError(401, "signature", N_("The file holds a batch of another device."))
        acks: list[dict[str, Any]] = []
        error = None
        for batch in batches:
            try:
                acks.append(self.apply(batch))
            except HQError as exc:
                error = exc.as_json()
                break
        start = int(header.get("pull_cursor", 0))

        def pages() -> Iterator[protocol.AnswerPage]:
            cursor, more = start, True
            while more:  # one page in memory at a time, however far behind the branch is
                page = self.pull(dev.id, cursor)
                yield protocol.AnswerPage(cursor, page["cursor"], page["changes"])
                cursor, more = page["cursor"], page["more"]

        _pages, pulled = protocol.write_answer_pages(
            out, key=dev.key, device_id=dev.id, acks=acks, error=error, start=start, pages=pages()
        )
        return {"batches": len(batches), "acked": len(acks), "pulled": pulled, "error": error}

    # -- reports -----------------------------------------------------------------------------

    def branches(self) -> list[dict[str, Any]]:
        """Per branch: devices, last batch, last sync, record counts."""
        tables = rows.synced_tables()
        counted = ("beneficiaries", "contacts", "support_requests", "satisfaction_surveys")
        with self.engine.connect() as conn:
            devices = conn.execute(select(Device).order_by(Device.enrolled_at)).all()
            branch_rows = {r.id: r for r in conn.execute(select(tables["branches"]))}
            counts: dict[str, dict[str, int]] = {}
            for entity in counted:
                t = tables[entity]
                for branch_id, n in conn.execute(
                    select(t.c.branch_id, func.count())
                    .where(t.c.deleted_at.is_(None))
                    .group_by(t.c.branch_id)
                ):
                    counts.setdefault(branch_id, {})[entity] = n
            open_conflicts = dict(
                conn.execute(
                    select(SyncConflict.branch_id, func.count())
                    .where(SyncConflict.status == "open")
                    .group_by(SyncConflict.branch_id)
                ).all()
            )
        out: dict[str, dict[str, Any]] = {}
        for d in devices:
            b = out.setdefault(
                d.branch_id,
                {
                    "branch_id": d.branch_id,
                    "code": d.branch_code,
                    "name": d.branch_name,
                    "devices": [],
                    "last_batch": None,
                    "last_sync": None,
                },
            )
            b["devices"].append(
                {
                    "id": d.id,
                    "name": d.name,
                    "enrolled_at": rows.json_value(d.enrolled_at),
                    "revoked": d.revoked_at is not None,
                    "last_seq": d.last_seq,
                    "last_batch_at": rows.json_value(d.last_batch_at),
                    "last_pull_at": rows.json_value(d.last_pull_at),
                }
            )
            if d.last_seq and (b["last_batch"] is None or d.last_seq > b["last_batch"]["seq"]):
                b["last_batch"] = {
                    "device_id": d.id,
                    "seq": d.last_seq,
                    "at": rows.json_value(d.last_batch_at),
                }
            for when in (d.last_batch_at, d.last_pull_at):
                w = rows.json_value(when)
                if w and (b["last_sync"] is None or w > b["last_sync"]):
                    b["last_sync"] = w
        for branch_id, b in out.items():
            if branch_id in branch_rows:
                b["name"] = branch_rows[branch_id].name
            b["records"] = {e: counts.get(branch_id, {}).get(e, 0) for e in counted}
            b["open_conflicts"] = open_conflicts.get(branch_id, 0)
        return sorted(out.values(), key=lambda b: b["code"])


def _check_verification(
    entity: str, result: dict[str, Any], changed_here: set[str], changed_there: set[str]
) -> None:
    """A verification covers the data its verifier saw: when one side verified the file and the
    other changed attested data meanwhile, the merged file must be verified again."""
    if entity != "beneficiaries" or result.get("verified_at") is None:
        return
    for verified, edited in ((changed_here, changed_there), (changed_there, changed_here)):
        if "verified_at" in verified and edited & ATTESTED:
            result["verified_at"] = result["verified_by"] = None
            result["registration_status"] = "incomplete"
            return


class _IdArray(UserDefinedType[list[str]]):
    """A list of ids bound as one PostgreSQL array literal that the statement types (as
    psycopg's own list dumper sends it, without checking each id for quoting: a third of a
    lookup's time)."""

    cache_ok = True
    render_bind_cast = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "VARCHAR[]"

    def bind_processor(self, dialect: Any) -> Callable[[list[str]], str]:
        def process(ids: list[str]) -> str:
            if not ids:
                return "{}"
            joined = '","'.join(ids)
            if "\\" in joined or '"' in joined:  # quoted elements escape both
                joined = '","'.join(i.replace("\\", "\\\\").replace('"', '\\"') for i in ids)
            return '{"' + joined + '"}'

        return process


def _broken_rule(exc: IntegrityError, seq: int) -> HQError:
    """A batch whose rows break one of HQ's table rules; nothing of it was applied.

    A number already held by another record (a file or request number given twice, as after
    a backup restored on the branch) is a 409 that says so; any other rule (a missing
    required value, a row that points at nothing) means a malformed change, a 400."""
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate key" in text:
        return HQError(
            409,
            "number_taken",
            N_(
                "Batch {seq} gives a file or request number that HQ already holds for another "
                "record. This happens when a backup is restored after the number was used; "
                "HQ support must renumber one of the two."
            ),
            {"seq": seq},
        )
    return HQError(400, "corrupt", N_("The batch holds a malformed change."))


_UNREADABLE = (ValueError, TypeError, ArithmeticError)  # ArithmeticError: Decimal, overflow


def _unreadable(exc: Exception) -> bool:
    """A value its column cannot hold: one decoding or binding cannot read (a time without its
    offset, a year out of range, text for an amount), or one the database refuses (too long)."""
    if isinstance(exc, DataError):
        return True
    if isinstance(exc, DBAPIError):
        return False  # a duplicate key, a lost connection: not the batch's values
    return isinstance(getattr(exc, "orig", exc), _UNREADABLE)


CHANGE_ID_MAX = 36  # ChangeRecord.change_id, an ID


def _device_text(branch_code: str, name: str) -> str:
    """A device as a conflict names it: its branch and name, cut to the column (a name may
    be 80 characters long itself)."""
    return f"{branch_code} · {name}"[: SyncConflict.__table__.c.kept_device.type.length]


def _is_int(value: Any) -> bool:
    return type(value) is int  # not a bool


@cache
def _column_names(table: Table) -> frozenset[str]:
    return frozenset(table.columns.keys())


def _is_id(value: Any) -> bool:
    """An id as HQ's ledgers and lookups hold one: text of at most 36 characters, no NUL,
    encodable (a lone surrogate is not)."""
    if not isinstance(value, str) or len(value) > CHANGE_ID_MAX or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _well_formed(change: list[Any], table: Table) -> bool:
    """What HQ reads of a change itself before its values: the ids it records and looks up,
    the columns it names (a conflict records the column), the versions it compares and the
    time it keeps the later of."""
    change_id, _entity, _op, version, base_version, row = change
    return (
        _is_id(change_id)
        and _is_id(row.get("id"))
        and row.keys() <= _column_names(table)
        and _is_int(version)
        and (base_version is None or _is_int(base_version))
        and _is_int(row.get("version"))
        and isinstance(row.get("updated_at"), str)
    )


@contextmanager
def _refusing_unreadable() -> Iterator[None]:
    """A value its column cannot hold, in a new row or an update, refuses the batch: 400."""
    try:
        yield
    except (*_UNREADABLE, StatementError) as exc:
        if not _unreadable(exc):
            raise
        raise HQError(400, "corrupt", N_("The batch holds a malformed change.")) from exc


def _rev(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 1 << 30  # an unknown form of version: newer than anything HQ knows


def _version(row: dict[str, Any]) -> dict[str, Any]:
    return {"entity_id": row["id"], "version": row["version"], "payload": canonical(row).decode()}


def _hq_feed(entity: str, entity_id: str, audience: str, version: int) -> dict[str, Any]:
    return {
        "change_id": uuid7(),
        "device_id": HQ_WRITER,
        "entity": entity,
        "entity_id": entity_id,
        "audience": audience,
        "content_hash": "",
        "version": version,
    }


@cache
def _table_rank() -> dict[str, int]:
    return {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}


def _insert_order(kinds: Iterable[str]) -> list[str]:
    """Kinds of rows in an order that inserts every referenced table before its referrers."""
    rank = _table_rank()
    return sorted(kinds, key=lambda kind: rank.get(kind, -1))


# The Python types a column of each type takes by COPY exactly as an INSERT would store them
# (exact types: a bool is not taken for an integer, nor a datetime for a date).
_COPY_TYPES: dict[type, frozenset[type]] = {
    sqltypes.String: frozenset({str}),
    sqltypes.Text: frozenset({str}),
    sqltypes.Integer: frozenset({int}),
    sqltypes.BigInteger: frozenset({int}),
    sqltypes.SmallInteger: frozenset({int}),
    sqltypes.Boolean: frozenset({bool}),
    sqltypes.DateTime: frozenset({dt.datetime}),
    sqltypes.Date: frozenset({dt.date}),
    sqltypes.Numeric: frozenset({Decimal}),
}
_NONE = frozenset({type(None)})
_MONTH_DAY = r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
# Received texts PostgreSQL reads as the very value the INSERT binds after decoding them: an
# instant with its offset (so the session's time zone plays no part; offsets PostgreSQL
# takes; years 1000-9998, which no offset carries out of Python's range either), a calendar
# day. ASCII digits only. Any other spelling is decoded first, and refused if it cannot be.
_COPY_TEXT: dict[Any, re.Pattern[str]] = {
    from_json_converter(sqltypes.DateTime()): re.compile(
        r"(?:[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])"
        + _MONTH_DAY
        + r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
        + r"(?:Z|[+-](?:0[0-9]|1[0-5]):[0-5][0-9])"
    ),
    from_json_converter(sqltypes.Date()): re.compile(r"[0-9]{4}" + _MONTH_DAY),
}


def _copy_columns(
    conn: Connection,
    table: Table,
    values: list[dict[str, Any]],
    keys: Any = None,
    received: dict[str, Any] | None = None,
) -> tuple[list[str], list[list[Any]]] | None:
    """Column names and, column by column, the values a COPY of ``values`` writes; None when a
    COPY might store anything other than the executemany INSERT would (the caller inserts).

    The values are those SQLAlchemy binds (each type's bind processor applied); a column absent
    from the rows gets its Python default as SQLAlchemy fills it, or is left to the database
    as an INSERT without it is. Every row must have the keys of the first (or ``keys``).

    ``received``: the rows are as a batch carries them, with these :func:`rows.decoders`; a
    column is decoded here, or written as received where its text is one of ``_COPY_TEXT``.

    Raises:
        ValueError: a received value its column's type cannot read.
    """
    keys = values[0].keys() if keys is None else keys
    if any(v.keys() != keys for v in values) or not all(k in table.c for k in keys):
        return None
    if received is not None and not keys <= received.keys():
        return None  # a column that does not travel: decoding drops it
    dialect = conn.dialect
    names: list[str] = []
    data: list[list[Any]] = []
    for col in table.columns:
        if col.key in keys:
            column = list(map(itemgetter(col.key), values))
            conv = received.get(col.key) if received else None
            if conv is not None:
                text_form = _COPY_TEXT.get(conv)
                if text_form is not None and all(
                    v is None or (type(v) is str and text_form.fullmatch(v)) for v in column
                ):
                    names.append(col.name)
                    data.append(column)
                    continue
                column = [v if v is None else conv(v) for v in column]
        elif col.default is not None:
            if not col.default.is_scalar:
                return None
            column = [col.default.arg] * len(values)
        else:
            continue
        ty = col.type
        allowed = _COPY_TYPES.get(type(ty.impl if isinstance(ty, sqltypes.TypeDecorator) else ty))
        if allowed is None:
            return None
        process = ty._cached_bind_processor(dialect)
        if process is not None:
            try:
                column = list(map(process, column))
            except Exception:
                return None  # the INSERT raises it, as SQLAlchemy raises it
        if not set(map(type, column)) <= allowed | _NONE:
            return None
        names.append(col.name)
        data.append(column)
    return names, data


COPY_CHUNK = 500  # rows planned at a time while PostgreSQL takes the previous ones


class _NotCopyableError(Exception):
    """A later chunk of rows cannot be written by the COPY the first chunk opened."""


def _insert_many(
    conn: Connection, table: Table, values: list[dict[str, Any]], *, received: bool = False
) -> None:
    """Insert ``values`` in order: by ``COPY`` on PostgreSQL (several times faster than the
    pipelined executemany, and storing the same), else one executemany ``INSERT``.

    ``received``: the values are rows as a batch carries them (:func:`rows.decode` reads them).

    The COPY is fed a chunk at a time, each planned while PostgreSQL writes the one before. A
    chunk the COPY cannot take as the INSERT would (a row of other columns, a value of another
    type) undoes it, to a savepoint, and the rows go in by INSERT.

    Errors come as SQLAlchemy raises them (an ``IntegrityError`` for a duplicate key, a
    ``DataError`` for a value the database refuses); a received value its column's type cannot
    read raises ``ValueError``.
    """
    if not values:
        return
    decode = rows.decoder(table.name) if received else None
    if conn.dialect.name == "postgresql":
        convs = dict(rows.decoders(table.name)) if received else None
        chunks = [values[i : i + COPY_CHUNK] for i in range(0, len(values), COPY_CHUNK)]
        plan = _copy_columns(conn, table, chunks[0], received=convs)
        if plan is not None:
            try:
                with conn.begin_nested():
                    _copy(conn, table, plan, chunks, convs)
                return
            except _NotCopyableError:
                pass
    if decode is None:
        _insert_runs(conn, table, values)
        return
    decoded = list(map(decode, values))
    _check_types(table, decoded)
    _insert_runs(conn, table, decoded)


def _check_types(table: Table, values: list[dict[str, Any]]) -> None:
    """Every decoded value is of its column's type (what a sender's JSON can hold: a list in
    a text column, a number for a flag, is not adapted by the database driver at all), and a
    text fits its column as PostgreSQL holds it: no longer than its length, no NUL character.
    SQLite would store either; HQ refuses them on every database alike.

    Raises:
        TypeError: naming the column, for a value of another type.
        ValueError: naming the column, for a text its column cannot hold.
    """
    for col in table.columns:
        ty = col.type
        base = ty.impl if isinstance(ty, sqltypes.TypeDecorator) else ty
        allowed = _COPY_TYPES.get(type(base))
        if allowed is None:
            continue
        key = col.key
        length = getattr(base, "length", None) if str in allowed else None
        for row in values:
            v = row.get(key)
            if v is None:
                continue
            if type(v) not in allowed:
                raise TypeError(f"{table.name}.{key} cannot hold a {type(v).__name__}")
            if str in allowed and ("\x00" in v or (length is not None and _too_long(v, length))):
                raise ValueError(f"{table.name}.{key} cannot hold this text")


def _too_long(text_value: str, length: int) -> bool:
    """Longer than ``varchar(length)`` takes: PostgreSQL cuts spaces past the length instead
    of refusing them."""
    return len(text_value) > length and len(text_value.rstrip(" ")) > length


def _insert_runs(conn: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    """An executemany INSERT per run of rows with the same columns (rows written before and
    after the sender's upgrade may travel in one batch; the columns it did not know yet get
    their defaults)."""
    for _keys, run in groupby(values, key=dict.keys):
        conn.execute(insert(table), list(run))


def _copy(
    conn: Connection,
    table: Table,
    plan: tuple[list[str], list[list[Any]]],
    chunks: list[list[dict[str, Any]]],
    received: dict[str, Any] | None,
) -> None:
    import psycopg

    names, data = plan
    keys = chunks[0][0].keys()
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    try:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:
            write = copy.write_row
            for row in zip(*data, strict=True):
                write(row)
            for chunk in chunks[1:]:
                more = _copy_columns(conn, table, chunk, keys, received)
                if more is None or more[0] != names:
                    raise _NotCopyableError
                for row in zip(*more[1], strict=True):
                    write(row)
    except psycopg.Error as exc:
        raise DBAPIError.instance(sql, None, exc, psycopg.Error, dialect=conn.dialect) from exc


def _normalizer(entity: str) -> Callable[[str, Any], Any]:
    convs = dict(rows.decoders(entity))

    def norm(key: str, value: Any) -> Any:
        conv = convs.get(key)
        if conv is None or value is None:
            return value
        try:
            return conv(value)
        except _UNREADABLE:  # compared as sent; writing it is refused later
            return value

    return norm
