"""The branch side of sync: enrollment, cutting the outbox into batches, push, pull, USB files.

Push is resumable and bounded in memory: batches are cut from the outbox one at a time (at most
``MAX_BATCH_CHANGES`` rows and ``MAX_BATCH_BYTES`` bytes), numbered once and for all when cut,
and marked acknowledged only when HQ's answer for that number arrives. A batch cut and not yet
acknowledged is sent again with the very same bytes, so HQ answers a replay with the same
acknowledgement. While one batch is on its way, the next is cut and built (and the answer to the
one before is written) beside it, so the branch's own work hides behind HQ's. A killed process
or a dropped link costs at most the batch in flight and the answer just received: both are sent
again and answered from HQ's record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import SyncError
from eskan_desk.domain.markers import N_
from eskan_desk.models import Beneficiary, HouseholdMember, SyncState, migrate
from eskan_desk.services import search_index_writer
from eskan_desk.services.staff import current_branch
from eskan_desk.services.sync_status import ACKED_KEY, IDENTITY_FILE
from eskan_desk.sync import protocol, rows
from eskan_desk.sync.lock import sync_lock
from eskan_desk.sync.protocol import Batch, BatchError
from eskan_desk.sync.transport import HttpTransport, Transport

CUT_KEY = "batch_cut"  # last batch number cut from the outbox
BATCH_ACKED_KEY = "batch_acked"  # last batch number HQ acknowledged
CURSOR_KEY = "pull_cursor"
NUMBERING_KEY = "batch_device"  # the device the batch numbers were given for
LAST_SYNC_KEY = "last_sync_at"
LAST_ERROR_KEY = "last_error"
LAST_ERROR_AT_KEY = "last_error_at"

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class Identity:
    """This device as HQ knows it; the key signs every batch. Kept owner-readable only."""

    hq_url: str
    device_id: str
    key: str
    branch_id: str
    branch_code: str
    enrolled_at: str

    @classmethod
    def load(cls, data_dir: Path) -> Identity | None:
        path = Path(data_dir) / IDENTITY_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def save(self, data_dir: Path) -> None:
        path = Path(data_dir) / IDENTITY_FILE
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.__dict__, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        os.chmod(path, 0o600)


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    hq_url: str | None
    device_id: str | None
    pending: int
    last_sync_at: dt.datetime | None
    last_error: dict[str, Any] | None
    last_error_at: dt.datetime | None
    pull_cursor: int


@dataclass
class SyncResult:
    batches: int = 0
    changes: int = 0
    conflicts: int = 0
    pulled: int = 0
    skipped_pulled: int = 0


def _not_enrolled() -> SyncError:
    return SyncError(
        "not_enrolled",
        N_("This PC is not enrolled with HQ yet. Ask HQ for an enrollment code."),
    )


class SyncClient:
    """Sync of one branch store with HQ.

    Args:
        ctx: The branch store.
        transport: How to reach HQ; by default HTTP to the enrolled HQ address (or ``hq_url``).
        max_changes, max_bytes: Batch bounds (tests use small ones to make many batches).
    """

    def __init__(
        self,
        ctx: AppContext,
        transport: Transport | None = None,
        *,
        hq_url: str | None = None,
        max_changes: int = protocol.MAX_BATCH_CHANGES,
        max_bytes: int = protocol.MAX_BATCH_BYTES,
        progress: Progress | None = None,
    ) -> None:
        self.ctx = ctx
        self.identity = Identity.load(ctx.data_dir)
        url = hq_url or (self.identity.hq_url if self.identity else None)
        self._url = url
        self._transport = transport
        self.max_changes = max_changes
        self.max_bytes = max_bytes
        self.progress = progress or (lambda _phase, _done, _total: None)

    # -- state -------------------------------------------------------------------------------

    def _state(self, session: Session, key: str, default: str = "0") -> str:
        row = session.get(SyncState, key)
        return row.value if row else default

    def _set(self, session: Session, key: str, value: Any) -> None:
        session.merge(SyncState(key=key, value=str(value)))

    def status(self) -> SyncStatus:
        from eskan_desk.services.sync_status import pending_changes

        with self.ctx.store.read() as session:
            last = self._state(session, LAST_SYNC_KEY, "")
            err = self._state(session, LAST_ERROR_KEY, "")
            err_at = self._state(session, LAST_ERROR_AT_KEY, "")
            cursor = int(self._state(session, CURSOR_KEY))
        return SyncStatus(
            enrolled=self.identity is not None,
            hq_url=self.identity.hq_url if self.identity else None,
            device_id=self.identity.device_id if self.identity else None,
            pending=pending_changes(self.ctx),
            last_sync_at=dt.datetime.fromisoformat(last) if last else None,
            last_error=json.loads(err) if err else None,
            last_error_at=dt.datetime.fromisoformat(err_at) if err_at else None,
            pull_cursor=cursor,
        )

    @property
    def transport(self) -> Transport | None:
        """The way to HQ, made when first needed: status, export and import need no network
        (and a store enrolled through an in-process HQ has no HTTP address)."""
        if self._transport is None and self._url:
            self._transport = HttpTransport(self._url)
        return self._transport

    @transport.setter
    def transport(self, value: Transport | None) -> None:
        self._transport = value

    def _require(self) -> tuple[Identity, Transport]:
        if self.identity is None:
            raise _not_enrolled()
        if self.transport is None:
            raise _not_enrolled()
        return self.identity, self.transport

    # -- enrollment --------------------------------------------------------------------------

    def enroll(
        self, hq_url: str, code: str, device_name: str | None = None, *, replace: bool = False
    ) -> Identity:
        """Exchange HQ's one-time code for this device's identity and key.

        ``replace`` enrolls a PC that is enrolled already (its device was revoked at HQ, or the
        PC is being moved to another HQ); the old identity is overwritten.

        Raises:
            SyncError: HQ unreachable or the code refused.
        """
        if self.identity is not None and not replace:
            raise SyncError(
                "enrolled",
                N_(
                    "This PC is already enrolled with HQ at {url}. To enroll it again "
                    "(after HQ revoked it), use --replace."
                ),
                {"url": self.identity.hq_url},
            )
        transport = self._transport or HttpTransport(hq_url)
        branch = current_branch(self.ctx)
        answer = transport.enroll(
            {
                "code": code.strip(),
                "branch": {"id": branch.id, "code": branch.code, "name": branch.name},
                "device_name": device_name or socket.gethostname(),
                "schema": migrate.head_revision(),
            }
        )
        identity = Identity(
            hq_url=hq_url.rstrip("/"),
            device_id=answer["device_id"],
            key=answer["key"],
            branch_id=branch.id,
            branch_code=branch.code,
            enrolled_at=self.ctx.now().isoformat(),
        )
        identity.save(self.ctx.data_dir)
        self.identity = identity
        self.transport = transport
        with self.ctx.store.write() as session:
            _raise_counters(session, branch, answer.get("numbers") or [])
            self.ctx.recorder.audit(
                session,
                action="sync.enroll",
                entity="device",
                entity_id=identity.device_id,
                actor_id=None,
                branch_id=branch.id,
                details={"hq": identity.hq_url},
            )
        return identity

    # -- batches -----------------------------------------------------------------------------

    def next_batch(self) -> Batch | None:
        """The oldest batch not acknowledged yet, cutting a new one from the outbox if needed."""
        identity, _ = self._require()
        with self.ctx.store.write() as session:
            self._own_numbering(session, identity)
            acked = int(self._state(session, BATCH_ACKED_KEY))
            cut = int(self._state(session, CUT_KEY))
            seq = acked + 1
            stored = self._cut_rows(session, seq) if seq > cut else None
            if seq > cut and stored is None:
                return None
        if stored is None:
            return self._build(identity, seq)
        return self._batch(identity, seq, stored)

    def _own_numbering(self, session: Session, identity: Identity) -> None:
        """Batch numbers belong to one device: a store enrolled anew (restored from a backup,
        or re-enrolled after a revocation) numbers its unsent changes from 1 for the new one.
        Changes HQ already holds are recognised there by their change ids."""
        owner = self._state(session, NUMBERING_KEY, "")
        if owner == identity.device_id:
            return
        if owner:
            conn = session.connection()
            acked = {"a": int(self._state(session, ACKED_KEY))}
            conn.execute(text("UPDATE sync_outbox SET batch_seq = NULL WHERE seq > :a"), acked)
            conn.execute(
                text("UPDATE sync_outbox SET batch_seq = 0 WHERE seq <= :a AND batch_seq > 0"),
                acked,
            )
            self._set(session, CUT_KEY, 0)
            self._set(session, BATCH_ACKED_KEY, 0)
        self._set(session, NUMBERING_KEY, identity.device_id)

    def _cut(self, session: Session, seq: int) -> bool:
        return self._cut_rows(session, seq) is not None

    def _cut_rows(self, session: Session, seq: int) -> list[Sequence[Any]] | None:
        """Number the oldest uncut changes batch ``seq`` (at most ``max_changes`` of them and
        about ``max_bytes``); return their rows as :meth:`_build` reads them, None if none.

        Reads each change once: the rows cut are the rows the batch is built from.
        """
        conn = session.connection()
        found = conn.execute(
            text(
                "SELECT seq, length(payload), change_id, entity, op, version, base_version, "
                "payload FROM sync_outbox WHERE batch_seq IS NULL ORDER BY seq LIMIT :n"
            ),
            {"n": self.max_changes},
        )
        stored: list[Sequence[Any]] = []
        total = last = 0
        for oseq, size, *change in found:
            if total and total + size + 100 > self.max_bytes:
                break
            total += size + 100
            last = oseq
            stored.append(change)
        found.close()
        if not stored:
            return None
        conn.execute(
            text("UPDATE sync_outbox SET batch_seq = :b WHERE batch_seq IS NULL AND seq <= :s"),
            {"b": seq, "s": last},
        )
        self._set(session, CUT_KEY, seq)
        return stored

    def _build(self, identity: Identity, seq: int) -> Batch:
        rows_ = self.ctx.store.fetch(
            "SELECT change_id, entity, op, version, base_version, payload FROM sync_outbox "
            "WHERE batch_seq = ? ORDER BY seq",
            (seq,),
        )
        return self._batch(identity, seq, rows_)

    def _batch(self, identity: Identity, seq: int, stored: Sequence[Sequence[Any]]) -> Batch:
        # The stored payloads are spliced into the body as they are (canonical JSON): the same
        # bytes as parsing and encoding them again, whichever version cut the batch.
        return protocol.batch_from_json(
            device_id=identity.device_id,
            key=identity.key,
            seq=seq,
            schema=migrate.head_revision(),
            count=len(stored),
            raw=protocol.changes_json(stored),
        )

    def _mark_acked(self, ack: dict[str, Any], batch_seq: int) -> None:
        self._check_ack(ack, batch_seq)
        with self.ctx.store.write() as session:
            self._write_ack(session, batch_seq)

    def _check_ack(self, ack: dict[str, Any], batch_seq: int) -> None:
        identity, _ = self._require()
        if ack.get("device_id") != identity.device_id or int(ack.get("seq", -1)) != batch_seq:
            raise SyncError("ack", N_("HQ answered for another batch; nothing was marked sent."))

    def _write_ack(self, session: Session, batch_seq: int) -> None:
        """Mark batch ``batch_seq`` acknowledged (its answer already checked)."""
        acked = int(self._state(session, BATCH_ACKED_KEY))
        if batch_seq <= acked:
            return  # already (the same answer imported twice)
        if batch_seq != acked + 1 or (
            # Another process enrolled this store anew and renumbered its batches since this
            # one read its identity: this answer numbers another device's batches.
            self.identity is None
            or self._state(session, NUMBERING_KEY, "") != self.identity.device_id
        ):
            raise SyncError("ack", N_("HQ answered for another batch; nothing was marked sent."))
        # Batches are runs of the oldest changes, acknowledged in order: the changes HQ holds
        # are those up to the batch's newest (no row of the batch is written again).
        top = (
            session.connection()
            .execute(
                text("SELECT max(seq) FROM sync_outbox WHERE batch_seq = :b"), {"b": batch_seq}
            )
            .scalar_one()
        )
        self._set(session, BATCH_ACKED_KEY, batch_seq)
        if top is not None and top > int(self._state(session, ACKED_KEY)):
            self._set(session, ACKED_KEY, top)  # never backwards: it is the acknowledged prefix

    def _advance(self, identity: Identity, answered: int | None, seq: int) -> Batch | None:
        """In one transaction, mark batch ``answered`` acknowledged (if given) and cut batch
        ``seq`` unless it is cut already; then build batch ``seq``. None: nothing to send."""
        with self.ctx.store.write() as session:
            if answered is not None:
                self._write_ack(session, answered)
            if seq <= int(self._state(session, CUT_KEY)):
                stored = (
                    session.connection()
                    .execute(
                        text(
                            "SELECT change_id, entity, op, version, base_version, payload "
                            "FROM sync_outbox WHERE batch_seq = :b ORDER BY seq"
                        ),
                        {"b": seq},
                    )
                    .all()
                )
            else:
                stored = self._cut_rows(session, seq)
                if stored is None:
                    return None
        return self._batch(identity, seq, stored)

    def _settle(self, job: Future[Batch | None], *answered: int | None) -> Batch | None:
        """The batch ``job`` prepared. If the job failed, the batches HQ has acknowledged
        (``answered``, in order) are marked here before its error goes on."""
        try:
            return job.result()
        except BaseException:
            with contextlib.suppress(Exception), self.ctx.store.write() as session:
                for seq in answered:
                    if seq is not None:
                        self._write_ack(session, seq)
            raise

    # -- push and pull -----------------------------------------------------------------------

    def push(self) -> SyncResult:
        """Send every pending change, batch by batch, and mark each acknowledged batch."""
        identity, transport = self._require()
        result = SyncResult()
        from eskan_desk.services.sync_status import pending_changes

        total = pending_changes(self.ctx)
        batch = self.next_batch()
        answered: int | None = None  # acknowledged by HQ, not yet marked here
        with ThreadPoolExecutor(1, thread_name_prefix="eskan-sync") as beside:
            while batch is not None:
                # The next batch is cut and built (and the last answer marked) while this one
                # travels and HQ applies it.
                job = beside.submit(self._advance, identity, answered, batch.seq + 1)
                carried, answered = answered, None
                try:
                    ack = transport.push(batch)
                    self._check_ack(ack, batch.seq)
                except BaseException:
                    with contextlib.suppress(Exception):
                        self._settle(job, carried)
                    raise
                upcoming = self._settle(job, carried, batch.seq)
                answered = batch.seq
                result.batches += 1
                result.changes += batch.header["count"]
                result.conflicts += int(ack.get("conflicts", 0))
                self.progress("push", result.changes, max(total, result.changes))
                batch = upcoming
        if answered is not None:
            with self.ctx.store.write() as session:
                self._write_ack(session, answered)
        return result

    def pull(self) -> SyncResult:
        """Apply, page by page, what HQ has for this branch; each page in one transaction."""
        identity, transport = self._require()
        result = SyncResult()
        while True:
            with self.ctx.store.read() as session:
                cursor = int(self._state(session, CURSOR_KEY))
            page = transport.pull(identity.device_id, identity.key, cursor)
            applied, skipped = self.apply_pulled(page["changes"], cursor, int(page["cursor"]))
            result.pulled += applied
            result.skipped_pulled += skipped
            self.progress("pull", result.pulled, result.pulled)
            if not page.get("more"):
                return result

    def apply_pulled(
        self, changes: list[list[Any]], from_cursor: int, to_cursor: int
    ) -> tuple[int, int]:
        """Apply pulled rows in one transaction and move the cursor; idempotent.

        A row with a change here that HQ has not acknowledged is left as it is: HQ merges that
        change when it arrives and sends the merged row back.
        """
        tables = rows.synced_tables()
        applied = skipped = 0
        with self.ctx.store.write() as session:
            conn = session.connection()
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            acked = int(self._state(session, ACKED_KEY))
            touched: set[str] = set()
            top = 0
            for entity, row in changes:
                table = tables.get(entity)
                if table is None:
                    skipped += 1
                    continue
                pending = conn.execute(
                    text("SELECT 1 FROM sync_outbox WHERE entity_id = :i AND seq > :a LIMIT 1"),
                    {"i": row["id"], "a": acked},
                ).first()
                if pending is not None:
                    skipped += 1
                    continue
                local = conn.execute(
                    select(table.c.version).where(table.c.id == row["id"])
                ).scalar_one_or_none()
                values = rows.decode(entity, row)
                if local is None:
                    conn.execute(insert(table).values(values))
                elif int(row["version"]) > int(local):
                    conn.execute(table.update().where(table.c.id == row["id"]).values(values))
                else:
                    skipped += 1
                    continue
                applied += 1
                top = max(top, int(row["version"]))
                if entity == "beneficiaries":
                    touched.add(row["id"])
                elif entity == "household_members":
                    touched.add(row["beneficiary_id"])
            if top:
                self.ctx.recorder.clock.update(top)
                self._set(session, "hlc", max(top, self.ctx.recorder.clock.last))
            self._reindex(session, touched)
            self._set(session, CURSOR_KEY, max(to_cursor, int(self._state(session, CURSOR_KEY))))
            if applied:
                branch = current_branch(self.ctx)
                self.ctx.recorder.audit(
                    session,
                    action="sync.pull",
                    entity="device",
                    entity_id=self.identity.device_id if self.identity else "",
                    actor_id=None,
                    branch_id=branch.id,
                    details={"applied": applied, "skipped": skipped, "cursor": to_cursor},
                )
        return applied, skipped

    def _reindex(self, session: Session, ids: set[str]) -> None:
        for ben_id in ids:
            ben = session.get(Beneficiary, ben_id)
            if ben is None:
                continue
            session.refresh(ben)
            members = session.scalars(
                select(HouseholdMember).where(
                    HouseholdMember.beneficiary_id == ben_id, HouseholdMember.deleted_at.is_(None)
                )
            ).all()
            search_index_writer.reindex(
                session, ben, [{"national_id": m.national_id} for m in members]
            )

    def sync(self, *, attempts: int = 5, backoff_s: float = 0.5) -> SyncResult:
        """Push then pull, retrying what may pass later with exponential back-off.

        The outcome (last success, or the last error) is kept for the sync page.
        """
        with sync_lock(self.ctx.data_dir):  # one sync of this store at a time
            return self._sync(attempts, backoff_s)

    def _sync(self, attempts: int, backoff_s: float) -> SyncResult:
        delay = backoff_s
        attempts = max(1, attempts)  # "--attempts 0" still makes the one try asked for
        for attempt in range(1, attempts + 1):
            try:
                pushed = self.push()
                pulled = self.pull()
            except SyncError as exc:
                if exc.retry and attempt < attempts:
                    time.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                self._record_error(exc)
                raise
            pushed.pulled, pushed.skipped_pulled = pulled.pulled, pulled.skipped_pulled
            self._record_success()
            return pushed
        raise AssertionError("unreachable")  # pragma: no cover

    def _record_success(self) -> None:
        with self.ctx.store.write() as session:
            self._set(session, LAST_SYNC_KEY, self.ctx.now().isoformat())
            session.execute(
                text("DELETE FROM sync_state WHERE key IN (:a, :b)"),
                {"a": LAST_ERROR_KEY, "b": LAST_ERROR_AT_KEY},
            )

    def _record_error(self, exc: SyncError) -> None:
        with contextlib.suppress(Exception), self.ctx.store.write() as session:
            self._set(
                session,
                LAST_ERROR_KEY,
                json.dumps(
                    {"code": exc.code, "message": exc.message, "params": exc.params},
                    ensure_ascii=False,
                    default=str,
                ),
            )
            self._set(session, LAST_ERROR_AT_KEY, self.ctx.now().isoformat())

    # -- USB ---------------------------------------------------------------------------------

    def _pending_batches(self) -> Iterator[Batch]:
        identity, _ = self._require_identity()
        with self.ctx.store.write() as session:
            self._own_numbering(session, identity)
            acked = int(self._state(session, BATCH_ACKED_KEY))
        seq = acked + 1
        while True:
            with self.ctx.store.write() as session:
                cut = int(self._state(session, CUT_KEY))
                if seq > cut and not self._cut(session, seq):
                    return
            yield self._build(identity, seq)
            seq += 1

    def _require_identity(self) -> tuple[Identity, None]:
        if self.identity is None:
            raise _not_enrolled()
        return self.identity, None

    def export(self, out: Path) -> int:
        """Write every pending batch to one signed file for a USB stick; returns the count.

        The file appears whole or not at all (written beside, then renamed).
        """
        identity, _ = self._require_identity()
        with sync_lock(self.ctx.data_dir):
            return self._export(identity, Path(out))

    def _export(self, identity: Identity, out: Path) -> int:
        with self.ctx.store.read() as session:
            cursor = int(self._state(session, CURSOR_KEY))
        header = {
            "format": protocol.FORMAT,
            "device_id": identity.device_id,
            "branch_code": identity.branch_code,
            "pull_cursor": cursor,
            "schema": migrate.head_revision(),
            "created_at": self.ctx.now().isoformat(),
        }
        out = Path(out)
        try:
            fd, tmp = tempfile.mkstemp(prefix=".eskan-export-", dir=out.parent or ".")
        except OSError as exc:
            raise _file_error(out, exc) from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                n = protocol.write_batch_file(
                    fh, header=header, key=identity.key, batches=self._pending_batches()
                )
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, out)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise _file_error(out, exc) from exc
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return n

    def import_answer(self, path: Path) -> SyncResult:
        """Complete a USB round with HQ's answer file: acknowledgements, then the pull.

        Importing the same answer twice changes nothing.

        Raises:
            SyncError: not an answer for this device, damaged or forged; nothing applied.
        """
        identity, _ = self._require_identity()
        with sync_lock(self.ctx.data_dir):
            return self._import_answer(identity, Path(path))

    def _import_answer(self, identity: Identity, path: Path) -> SyncResult:
        result = SyncResult()
        try:
            with open(path, "rb") as fh:
                head, pages = protocol.open_answer(fh, identity.key)
                if head.get("device_id") != identity.device_id:
                    raise SyncError(
                        "signature", N_("The answer file was not made by HQ for this device.")
                    )
                for ack in head.get("acks", []):
                    seq = int(ack["seq"])
                    with self.ctx.store.read() as session:
                        acked = int(self._state(session, BATCH_ACKED_KEY))
                    if seq > acked:
                        self._mark_acked(ack, seq)
                        result.batches += 1
                # Page by page, each verified, then applied in its own transaction: memory
                # holds one page; a file cut short keeps the pages before the cut.
                for page in pages:
                    applied, skipped = self.apply_pulled(page.changes, page.start, page.cursor)
                    result.pulled += applied
                    result.skipped_pulled += skipped
        except OSError as exc:
            raise _file_error(Path(path), exc) from exc
        except BatchError as exc:
            raise SyncError(exc.code, exc.message, exc.params) from exc
        error = head.get("error")
        if error:
            exc = SyncError(
                error.get("error", "refused"),
                error.get("message_id") or error.get("message", ""),
                error.get("params") or {},
            )
            self._record_error(exc)
            raise exc
        self._record_success()
        return result


def _file_error(path: Path, exc: OSError) -> SyncError:
    return SyncError(
        "file",
        N_("Cannot write or read the file {path}: {reason}"),
        {"path": str(path), "reason": exc.strerror or type(exc).__name__},
    )


def _raise_counters(session: Session, branch: Any, numbers: list[Any]) -> None:
    """Set the file and request counters past the numbers HQ holds for this branch (from the
    enrollment's answer): a store restored from a backup then never gives a number that is
    already on another family's papers. Counters only ever go up."""
    from eskan_desk.models import Counter
    from eskan_desk.services.request_core import NUMBER_KIND

    kinds = {branch.code: "file", f"{branch.code}-REQ": NUMBER_KIND}
    for number in numbers:
        prefix, _sep, last = str(number).rpartition("-")
        code, _sep, year = prefix.rpartition("-")
        if code not in kinds or not (year.isdigit() and last.isdigit()):
            continue  # not this branch's numbering: left alone
        key = (branch.id, kinds[code], int(year))
        counter = session.get(Counter, key)
        if counter is None:
            counter = Counter(branch_id=branch.id, kind=kinds[code], year=int(year), last_value=0)
            session.add(counter)
        counter.last_value = max(counter.last_value or 0, int(last))
