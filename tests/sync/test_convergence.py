"""Model-based: whatever two branches and the committee's HQ device do offline, in whatever order
they sync, once everyone has synced twice every store agrees with HQ and nothing was lost.

Hypothesis drives KMS, ABH and the HQ device (branch ``HQ``, with a committee member) through the
real services: register families (national IDs from a small pool, so the same ID often lands at
both branches), edit profile fields (a branch its own files, the HQ device any file), log
contacts, bring requests before the committee, decide them at the HQ device, resolve conflicts at
the owning branch, and sync any of the three at any moment. HQ is a SQLite database in this
process, reached through ``LocalTransport``.

At the end, after every device synced twice:

* each branch holds exactly HQ's rows of its own branch (as a change carries them) and no row of
  another branch but the directory of branches; the HQ device holds exactly what HQ holds;
* every conflict HQ recorded is at the owning branch; every change id of every outbox is in HQ's
  ledger and nothing is pending;
* a family registered at both branches gives each branch one alert naming the other's file;
* no edit was silently lost: every value a device wrote in a tracked field, unless a later write
  replaced it knowingly (its writer had seen it, or wrote over that very value, which a three-way
  merge takes as a change on one side only), is in HQ's row or kept in a conflict on that field.

Runs are steered towards conflicts: files are picked mostly among the first ones, values come
from three per field, and one rule edits the same field at the branch and at the HQ device.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select, text

from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.domain.enums import Channel, Role
from eskan_desk.domain.national_id import check_digit
from eskan_desk.models import SupportRequest, SyncConflict
from eskan_desk.services.auth import add_staff
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
    verify_beneficiary_data,
)
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.requests import (
    get_request,
    move_request,
    record_decision,
    set_document,
    submit_paper_request,
)
from eskan_desk.services.staff import Actor, current_branch, resolve_actor
from eskan_desk.services.sync_review import resolve_conflict
from eskan_desk.sync import rows
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.hq_models import ChangeRecord
from eskan_desk.sync.transport import LocalTransport
from tests.services.helpers import applicant
from tests.sync.conftest import PASSWORD, enroll_local

BRANCHES = ("KMS", "ABH")
DEVICES = (*BRANCHES, "HQ")
HQ_FILE = "hq.sqlite3"


def _nid(n: int) -> str:
    return f"1{n:08d}" + check_digit(f"1{n:08d}")


# Each branch starts with a family of its own before the committee; new families come from one
# small pool, so the same national ID often lands at both branches (a duplicate alert each).
FIRST_FAMILY = {"KMS": _nid(1), "ABH": _nid(2)}
POOL = [_nid(n) for n in (11, 12, 13)]
# Tracked profile fields and the few values each may take: equal concurrent values happen too.
FIELDS = {
    "mobile": ("0551000001", "0551000002", "0551000003"),
    "district": ("النسيم", "الربوة", "المنسك"),
    "notes": ("زيارة ميدانية", "اتصال هاتفي", "بانتظار المستندات"),
}
ADDRESS = {"building_no": "1234", "district": "النسيم", "city": "خميس مشيط", "postal_code": "62431"}
MAX_REQUESTS = 3  # per run: a request brought to the committee takes a dozen writes
ROW = st.integers(0, 3)  # which record, modulo how many there are: mostly the first ones


def _to_the_committee(ctx: AppContext, admin: Actor, ben_id: str) -> str:
    """A paper request of three weeks ago: file verified, documents in, before the committee."""
    verify_beneficiary_data(ctx, admin, ben_id)
    req = submit_paper_request(
        ctx,
        admin,
        beneficiary_id=ben_id,
        type="rent",
        signed_declaration=True,
        amount="3000",
        submitted_at=(dt.datetime.now(dt.UTC) - dt.timedelta(days=21)).isoformat(),
    )
    for doc in req.documents:
        if doc.required:
            set_document(ctx, admin, req.id, doc.code, received=True)
    return move_request(ctx, admin, req.id, "in_committee").id


@pytest.fixture(scope="session")
def world_template(branch_templates: dict[str, Path], tmp_path_factory) -> Path:
    """KMS, ABH and the HQ device (with a committee member) enrolled with one SQLite HQ; each
    branch with a family whose request is before the committee; everyone synced. Each example
    copies this directory and starts from it."""
    root = tmp_path_factory.mktemp("convergence-world")
    hq = HQ.open(f"sqlite+pysqlite:///{root / HQ_FILE}")
    stores = {}
    for code in DEVICES:
        (root / code).mkdir()
        shutil.copy(branch_templates[code] / STORE_FILE, root / code / STORE_FILE)
        stores[code] = ctx = open_context(root / code, create=False)
        enroll_local(ctx, hq)
        admin = resolve_actor(ctx)
        if code == "HQ":
            add_staff(
                ctx,
                admin,
                username="committee",
                full_name="اللجنة",
                role=Role.COMMITTEE,
                password=PASSWORD,
            )
        else:
            family = register_beneficiary(
                ctx, admin, applicant(national_id=FIRST_FAMILY[code], **ADDRESS)
            )
            _to_the_committee(ctx, admin, family.id)
    for _ in range(2):
        for ctx in stores.values():
            SyncClient(ctx, LocalTransport(hq)).sync()
    for ctx in stores.values():
        ctx.close()
    hq.dispose()
    return root


@dataclass(frozen=True)
class Write:
    """A value a device wrote in a tracked field over ``prev``, and the writes it had seen."""

    wid: int
    device: str
    row_id: str
    field: str
    prev: Any
    value: Any
    seen: frozenset[int]

    def replaces(self, other: Write) -> bool:
        """This write replaced ``other`` knowingly: its writer had seen ``other``, or wrote over
        the very value ``other`` wrote (a three-way merge takes it then, as "changed on one
        side only")."""
        same_cell = (self.row_id, self.field) == (other.row_id, other.field)
        return (
            same_cell
            and self.wid != other.wid
            and (
                other.wid in self.seen or (self.device != other.device and self.prev == other.value)
            )
        )


class Convergence(RuleBasedStateMachine):
    template: Path  # set by the test before running

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="eskan-conv-"))
        shutil.copytree(self.template, self.dir, dirs_exist_ok=True)
        self.hq = HQ.open(f"sqlite+pysqlite:///{self.dir / HQ_FILE}", create=False)
        self.ctx: dict[str, AppContext] = {}
        self.client: dict[str, SyncClient] = {}
        for code in DEVICES:
            ctx = self.ctx[code] = open_context(self.dir / code, create=False)
            self.client[code] = SyncClient(ctx, LocalTransport(self.hq))
        self.admin = {code: resolve_actor(ctx) for code, ctx in self.ctx.items()}
        self.committee = resolve_actor(self.ctx["HQ"], "committee")
        self.branch_id = {code: current_branch(ctx).id for code, ctx in self.ctx.items()}
        self.requests = 0
        # The model: what each device wrote and had seen, what HQ has received.
        self.writes: list[Write] = []
        self.pending: dict[str, set[int]] = {code: set() for code in DEVICES}
        self.seen: dict[str, set[int]] = {code: set() for code in DEVICES}
        self.at_hq: set[int] = set()

    # -- helpers -----------------------------------------------------------------------------------
    def _ids(self, code: str, table: Any, *where: Any) -> list[str]:
        with self.ctx[code].store.read() as s:
            return list(s.scalars(select(table.c.id).where(*where).order_by(table.c.id)))

    def _families(self, code: str, branch: str) -> list[str]:
        """The files of ``branch`` in the store of ``code``, oldest first."""
        t = rows.synced_tables()["beneficiaries"]
        with self.ctx[code].store.read() as s:
            return list(
                s.scalars(
                    select(t.c.id).where(t.c.branch_id == self.branch_id[branch]).order_by(t.c.id)
                )
            )

    def _wrote(self, code: str, row_id: str, field: str, prev: Any, value: Any) -> None:
        w = Write(len(self.writes), code, row_id, field, prev, value, frozenset(self.seen[code]))
        self.writes.append(w)
        self.seen[code].add(w.wid)
        self.pending[code].add(w.wid)

    def _sync(self, code: str) -> None:
        self.client[code].sync()
        self.at_hq |= self.pending[code]
        self.pending[code].clear()
        self.seen[code] |= self.at_hq  # pull brought HQ's rows: the device saw all HQ had

    def _edit(self, code: str, ben_id: str, field: str, choice: int) -> None:
        ctx = self.ctx[code]
        before = get_beneficiary(ctx, ben_id)
        data = input_from_file(before)
        setattr(data, field, FIELDS[field][choice])
        after = update_beneficiary(ctx, self.admin[code], ben_id, data)
        if _field(after, field) != _field(before, field):
            self._wrote(code, ben_id, field, _field(before, field), _field(after, field))

    # -- rules -------------------------------------------------------------------------------------
    @rule(code=st.sampled_from(BRANCHES), i=st.integers(0, 2))
    def register(self, code, i):
        nid = POOL[i]
        t = rows.synced_tables()["beneficiaries"]
        if self._ids(code, t, t.c.national_id == nid):
            return  # one file per national ID per branch
        register_beneficiary(
            self.ctx[code], self.admin[code], applicant(national_id=nid, **ADDRESS)
        )

    @rule(
        code=st.sampled_from(BRANCHES),
        pick=ROW,
        field=st.sampled_from(sorted(FIELDS)),
        choice=st.integers(0, 2),
    )
    def edit_at_the_branch(self, code, pick, field, choice):
        families = self._families(code, code)
        if families:
            self._edit(code, families[pick % len(families)], field, choice)

    @rule(
        branch=st.sampled_from(BRANCHES),
        pick=ROW,
        field=st.sampled_from(sorted(FIELDS)),
        choice=st.integers(0, 2),
    )
    def edit_at_the_hq_device(self, branch, pick, field, choice):
        families = self._families("HQ", branch)  # any branch's file, as pulled
        if families:
            self._edit("HQ", families[pick % len(families)], field, choice)

    @rule(
        branch=st.sampled_from(BRANCHES),
        pick=ROW,
        field=st.sampled_from(sorted(FIELDS)),
        choices=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    )
    def edit_on_both_sides(self, branch, pick, field, choices):
        """The branch and the HQ device edit the same field of one file, each offline (two of
        the edits above in a row: what makes conflicts likely in a short run)."""
        families = self._families("HQ", branch)
        if families:
            ben_id = families[pick % len(families)]
            self._edit(branch, ben_id, field, choices[0])
            self._edit("HQ", ben_id, field, choices[1])

    @rule(code=st.sampled_from(DEVICES), pick=ROW, anonymous=st.booleans())
    def contact(self, code, pick, anonymous):
        families = [] if anonymous else self._families(code, "KMS" if code == "HQ" else code)
        ben_id = families[pick % len(families)] if families else ""
        log_contact(
            self.ctx[code],
            self.admin[code],
            ContactInput(
                channel=Channel.PHONE.value,
                summary=f"اتصال {pick}",
                beneficiary_id=ben_id,
                caller_name="" if ben_id else "متصل",
            ),
        )

    @precondition(lambda self: self.requests < MAX_REQUESTS)
    @rule(code=st.sampled_from(BRANCHES), pick=ROW)
    def to_the_committee(self, code, pick):
        families = self._families(code, code)
        if families:
            _to_the_committee(self.ctx[code], self.admin[code], families[pick % len(families)])
            self.requests += 1

    @rule(pick=ROW, outcome=st.sampled_from(["accepted", "rejected", "needs_info"]))
    def decide(self, pick, outcome):
        t = SupportRequest.__table__
        waiting = self._ids("HQ", t, t.c.status == "in_committee")
        if not waiting:
            return
        req_id = waiting[pick % len(waiting)]
        record_decision(self.ctx["HQ"], self.committee, req_id, outcome=outcome, reason="قرار")
        assert get_request(self.ctx["HQ"], req_id).status == outcome

    @rule(
        code=st.sampled_from(DEVICES),
        settle=st.sampled_from([None, "kept", "other"]),
        pick=ROW,
    )
    def sync(self, code, settle, pick):
        """A device syncs; at a branch, the supervisor may then settle an open conflict."""
        self._sync(code)
        if code == "HQ" or settle is None:
            return
        t = SyncConflict.__table__
        waiting = self._ids(code, t, t.c.status == "open", t.c.branch_id == self.branch_id[code])
        if not waiting:
            return
        with self.ctx[code].store.read() as s:
            c = s.get(SyncConflict, waiting[pick % len(waiting)])
        tracked = settle == "other" and c.entity == "beneficiaries" and c.field in FIELDS
        prev = _field(get_beneficiary(self.ctx[code], c.entity_id), c.field) if tracked else None
        resolve_conflict(self.ctx[code], self.admin[code], c.id, settle)
        if tracked:
            self._wrote(code, c.entity_id, c.field, prev, json.loads(c.other_value))

    @rule()
    def sync_the_hq_device(self):
        """The HQ device sits at HQ, online more often than not: it syncs more often."""
        self._sync("HQ")

    # -- the end -----------------------------------------------------------------------------------
    def teardown(self) -> None:
        try:
            for _ in range(2):
                for code in DEVICES:
                    self._sync(code)
            self.check()
        finally:
            for ctx in self.ctx.values():
                ctx.close()
            self.hq.dispose()
            shutil.rmtree(self.dir, ignore_errors=True)

    def check(self) -> None:
        at_hq = {e: _rows(self.hq.engine, e) for e in rows.synced_tables()}
        held = {
            code: {e: _rows(ctx.store.engine, e) for e in at_hq} for code, ctx in self.ctx.items()
        }
        # The HQ device holds exactly what HQ holds.
        for entity, expected in at_hq.items():
            assert held["HQ"][entity] == expected, f"HQ device differs from HQ on {entity}"
        for code in BRANCHES:
            mine = self.branch_id[code]
            for entity, expected in at_hq.items():
                got = held[code][entity]
                if entity in rows.EVERYONE:
                    assert got == expected, f"{code}: {entity} differs from HQ"
                    continue
                own = {i: r for i, r in expected.items() if r["branch_id"] == mine}
                assert got == own, f"{code}: its {entity} differ from HQ's"
            # Every conflict HQ recorded for this branch is there, in the same state.
            for cid, c in at_hq["sync_conflicts"].items():
                if c["branch_id"] == mine:
                    assert held[code]["sync_conflicts"].get(cid) == c
        self.check_ledger()
        self.check_alerts(held)
        self.check_nothing_lost(at_hq)

    def check_ledger(self) -> None:
        with self.hq.engine.connect() as conn:
            ledger = set(conn.scalars(select(ChangeRecord.change_id)))
        for code, ctx in self.ctx.items():
            assert self.client[code].status().pending == 0, f"{code} still has changes to send"
            with ctx.store.engine.connect() as conn:
                sent = set(conn.scalars(text("SELECT change_id FROM sync_outbox")))
            assert sent <= ledger, f"{code}: changes missing from HQ's ledger: {sent - ledger}"

    def check_alerts(self, held: dict[str, dict[str, dict[str, dict[str, Any]]]]) -> None:
        files = {
            code: {r["national_id"]: r for r in held[code]["beneficiaries"].values()}
            for code in BRANCHES
        }
        for code, other in (("KMS", "ABH"), ("ABH", "KMS")):
            alerts = sorted(
                (a["national_id"], a["file_no"], a["other_branch_code"], a["other_file_no"])
                for a in held[code]["duplicate_alerts"].values()
            )
            twins = files[code].keys() & files[other].keys()
            assert alerts == sorted(
                (nid, files[code][nid]["file_no"], other, files[other][nid]["file_no"])
                for nid in twins
            ), f"{code}: duplicate alerts"

    def check_nothing_lost(self, at_hq: dict[str, dict[str, dict[str, Any]]]) -> None:
        kept: dict[tuple[str, str], list[Any]] = {}
        for c in at_hq["sync_conflicts"].values():
            for key in ("kept_value", "other_value"):
                kept.setdefault((c["entity_id"], c["field"]), []).append(json.loads(c[key]))
        for w in self.writes:
            if any(later.replaces(w) for later in self.writes):
                continue
            now = at_hq["beneficiaries"][w.row_id][w.field]
            assert now == w.value or w.value in kept.get((w.row_id, w.field), []), (
                f"{w.device} wrote {w.field}={w.value!r}: neither in HQ's row ({now!r}) "
                "nor kept in a conflict"
            )


def _field(f: Any, field: str) -> Any:
    return f.address["district"] if field == "district" else getattr(f, field)


def _rows(engine: Engine, entity: str) -> dict[str, dict[str, Any]]:
    """``{id: row}``: the canonical JSON rows a change carries (device-local columns left out)."""
    table = rows.synced_tables()[entity]
    with engine.connect() as conn:
        return {r.id: rows.encode(entity, dict(r._mapping)) for r in conn.execute(select(table))}


def _run(machine: type[Convergence], template: Path, **kw: Any) -> None:
    machine.template = template
    run_state_machine_as_test(
        machine,
        settings=settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], **kw),
    )


def test_every_store_converges_and_nothing_is_lost(world_template):
    _run(Convergence, world_template, max_examples=15, stateful_step_count=25)


@pytest.mark.slow
def test_every_store_converges_and_nothing_is_lost_soak(world_template):
    _run(Convergence, world_template, max_examples=150, stateful_step_count=50)
