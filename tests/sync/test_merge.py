"""HQ's merge rules, end to end through the real services, a real HQ database and real stores.

A branch (KMS, ABH) and the committee's HQ device (a store of branch ``HQ``) work offline on the
same records and sync in either order; each test states one guarantee of DESIGN.md "Sync" and
"Where the committee sits" and checks it on every side: HQ's database, the branch, the HQ device.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from eskan_desk.app import AppContext
from eskan_desk.domain.enums import Channel, Role
from eskan_desk.models import SupportRequest
from eskan_desk.services.auth import add_staff
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
    verify_beneficiary_data,
)
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.dashboard import mark_follow_up_done
from eskan_desk.services.dto import BeneficiaryFile
from eskan_desk.services.requests import get_request, move_request, submit_paper_request
from eskan_desk.services.search import search_beneficiaries
from eskan_desk.services.staff import Actor, current_branch, resolve_actor
from eskan_desk.services.sync_review import (
    list_conflicts,
    list_duplicate_alerts,
    open_conflict_count,
    resolve_conflict,
    review_alert,
)
from eskan_desk.sync import rows
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.transport import LocalTransport
from tests.services.helpers import VALID_IDS, applicant
from tests.services.request_helpers import receive_all
from tests.sync.conftest import PASSWORD, enroll_local

ADDRESS = {"building_no": "1234", "district": "النسيم", "city": "خميس مشيط", "postal_code": "62431"}
ORDERS = ["hq_device_first", "branch_first"]


# -- reading the three sides -------------------------------------------------------------------
def engine_of(side: HQ | AppContext) -> Engine:
    return side.engine if isinstance(side, HQ) else side.store.engine


def synced_rows(side: HQ | AppContext, entity: str, **where: Any) -> dict[str, dict[str, Any]]:
    """``{id: row}`` of a synced table, as a change carries it (local columns left out), read
    back into column values so SQLite and PostgreSQL compare equal (3500 == 3500.00)."""
    table = rows.synced_tables()[entity]
    q = select(table)
    for key, value in where.items():
        q = q.where(table.c[key] == value)
    with engine_of(side).connect() as conn:
        found = [dict(r._mapping) for r in conn.execute(q)]
    return {r["id"]: rows.decode(entity, rows.encode(entity, r)) for r in found}


def row(side: HQ | AppContext, entity: str, row_id: str) -> dict[str, Any]:
    return synced_rows(side, entity, id=row_id)[row_id]


def conflicts(side: HQ | AppContext, entity_id: str) -> list[dict[str, Any]]:
    return sorted(
        synced_rows(side, "sync_conflicts", entity_id=entity_id).values(),
        key=lambda c: c["created_at"],
    )


def value(raw: str | None) -> Any:
    return None if raw is None else json.loads(raw)


# -- the world: a branch and the committee's HQ device, both enrolled with one HQ ----------------
@dataclass
class World:
    hq: HQ
    kms: AppContext
    hqd: AppContext
    kms_sync: SyncClient
    hqd_sync: SyncClient
    kms_admin: Actor
    hqd_admin: Actor
    family: BeneficiaryFile  # a KMS file, synced, and pulled by the HQ device

    def client(self, side: str) -> SyncClient:
        return self.hqd_sync if side == "hq" else self.kms_sync

    def sync_in_order(self, order: str) -> list[str]:
        """Both sides sync (HQ device first or the branch first); returns that order."""
        sides = ["hq", "kms"] if order == "hq_device_first" else ["kms", "hq"]
        for side in sides:
            self.client(side).sync()
        return sides

    def sync_all(self) -> None:
        for client in (self.kms_sync, self.hqd_sync, self.kms_sync, self.hqd_sync):
            client.sync()


def edit(ctx: AppContext, actor: Actor, ben_id: str, **fields: str) -> BeneficiaryFile:
    """Edit a family file the way the form does: the saved file as typed, a few fields changed."""
    data = input_from_file(get_beneficiary(ctx, ben_id))
    for key, val in fields.items():
        setattr(data, key, val)
    return update_beneficiary(ctx, actor, ben_id, data)


@pytest.fixture
def world(make_branch, hq: HQ) -> World:
    kms, hqd = make_branch("KMS"), make_branch("HQ")
    kms_sync, hqd_sync = enroll_local(kms, hq), enroll_local(hqd, hq)
    kms_admin, hqd_admin = resolve_actor(kms), resolve_actor(hqd)
    family = register_beneficiary(kms, kms_admin, applicant(**ADDRESS))
    kms_sync.sync()
    hqd_sync.sync()  # the HQ device pulls KMS's rows first
    kms_sync.sync()  # and the branch learns of the HQ device's branch
    assert get_beneficiary(hqd, family.id).file_no == family.file_no
    return World(hq, kms, hqd, kms_sync, hqd_sync, kms_admin, hqd_admin, family)


def staff(ctx: AppContext, admin: Actor, username: str, role: Role) -> Actor:
    add_staff(ctx, admin, username=username, full_name=username, role=role, password=PASSWORD)
    return resolve_actor(ctx, username)


# -- profile fields: field by field against the base ---------------------------------------------
@pytest.mark.parametrize("order", ORDERS)
def test_one_field_changed_on_both_sides_is_a_conflict_keeping_both_values(world, order):
    w, fid = world, world.family.id
    mobile_kms = edit(w.kms, w.kms_admin, fid, mobile="0553333333").mobile
    mobile_hq = edit(w.hqd, w.hqd_admin, fid, mobile="0552222222").mobile
    first, second = w.sync_in_order(order)
    w.client(first).sync()  # the first to sync learns what the second one's sync made
    by_side = {"kms": (mobile_kms, "KMS"), "hq": (mobile_hq, "HQ")}

    # HQ: the row holds the value that arrived first, the conflict the other; nothing lost.
    at_hq = row(w.hq, "beneficiaries", fid)
    assert at_hq["mobile"] == by_side[first][0]
    [c] = conflicts(w.hq, fid)
    assert (c["field"], c["status"], c["branch_id"]) == ("mobile", "open", w.kms_admin.branch_id)
    assert value(c["base_value"]) == w.family.mobile
    assert value(c["kept_value"]) == by_side[first][0]
    assert value(c["other_value"]) == by_side[second][0]
    assert c["kept_device"].startswith(by_side[first][1])
    assert c["other_device"].startswith(by_side[second][1])
    # Both stores now show HQ's row: the losing side's value lives on in the conflict only.
    assert (
        get_beneficiary(w.kms, fid).mobile == get_beneficiary(w.hqd, fid).mobile == at_hq["mobile"]
    )

    # The branch supervisor sees it after the pull, with both values and the family's file.
    supervisor = staff(w.kms, w.kms_admin, "supervisor1", Role.SUPERVISOR)
    [view] = list_conflicts(w.kms, supervisor)
    assert view.id == c["id"] and view.field == "mobile"
    assert (view.kept_value, view.other_value) == (by_side[first][0], by_side[second][0])
    assert w.family.file_no in view.record
    resolved = resolve_conflict(w.kms, supervisor, view.id, "other")
    assert (resolved.status, resolved.chosen) == ("resolved", "other")
    assert get_beneficiary(w.kms, fid).mobile == by_side[second][0]

    w.kms_sync.sync()
    assert row(w.hq, "beneficiaries", fid)["mobile"] == by_side[second][0]
    [c] = conflicts(w.hq, fid)  # the resolution made no new conflict
    assert (c["status"], c["chosen"], c["resolved_by"]) == (
        "resolved",
        "other",
        supervisor.staff_id,
    )
    w.hqd_sync.sync()
    assert get_beneficiary(w.hqd, fid).mobile == by_side[second][0]
    [c] = conflicts(w.hqd, fid)
    assert (c["status"], c["chosen"]) == ("resolved", "other")
    assert open_conflict_count(w.kms) == open_conflict_count(w.hqd) == 0
    assert row(w.kms, "beneficiaries", fid) == row(w.hq, "beneficiaries", fid)
    assert row(w.hqd, "beneficiaries", fid) == row(w.hq, "beneficiaries", fid)


@pytest.mark.parametrize("order", ORDERS)
def test_different_fields_changed_on_both_sides_merge_without_conflict(world, order):
    w, fid = world, world.family.id
    mobile = edit(w.kms, w.kms_admin, fid, mobile="0553333333").mobile
    edit(w.hqd, w.hqd_admin, fid, district="الربوة")
    w.sync_in_order(order)
    w.sync_all()
    for side in (w.hq, w.kms, w.hqd):
        merged = row(side, "beneficiaries", fid)
        assert (merged["mobile"], merged["district"]) == (mobile, "الربوة")
        assert conflicts(side, fid) == []
    assert row(w.kms, "beneficiaries", fid) == row(w.hq, "beneficiaries", fid)
    assert row(w.hqd, "beneficiaries", fid) == row(w.hq, "beneficiaries", fid)


@pytest.mark.parametrize("order", ORDERS)
def test_a_verification_concurrent_with_an_attested_change_does_not_stand(world, order):
    """A verification covers the data its verifier saw: merged with an attested field changed
    elsewhere meanwhile, the file must be verified again (or a supervisor asked)."""
    w, fid = world, world.family.id
    verify_beneficiary_data(w.kms, w.kms_admin, fid)  # checked against the old mobile
    edit(w.hqd, w.hqd_admin, fid, mobile="0552222222")
    w.sync_in_order(order)
    w.sync_all()
    at_hq = row(w.hq, "beneficiaries", fid)
    assert at_hq["mobile"] == "+966552222222"
    assert at_hq["verified_at"] is None or conflicts(w.hq, fid)


def test_two_offline_edits_of_one_row_merge_against_their_own_base(world):
    """The second of two offline edits has the first (as the branch wrote it, merged at HQ in
    the same batch) as its base: one-sided changes merge, no spurious conflict appears."""
    w, fid = world, world.family.id
    edit(w.hqd, w.hqd_admin, fid, notes="ملاحظة المقر")
    w.hqd_sync.sync()
    mobile = edit(w.kms, w.kms_admin, fid, mobile="0553333333").mobile  # merged at HQ
    edit(w.kms, w.kms_admin, fid, district="الربوة")  # its base is the edit before
    w.sync_all()
    at_hq = row(w.hq, "beneficiaries", fid)
    assert (at_hq["mobile"], at_hq["district"], at_hq["notes"]) == (
        mobile,
        "الربوة",
        "ملاحظة المقر",
    )
    assert conflicts(w.hq, fid) == []


# -- append-only kinds ---------------------------------------------------------------------------
def _contact(ctx: AppContext, actor: Actor, ben_id: str, summary: str, **kw: str):
    return log_contact(
        ctx,
        actor,
        ContactInput(channel=Channel.PHONE.value, summary=summary, beneficiary_id=ben_id, **kw),
    )


def _follow_up_contact(w: World):
    """A KMS contact with a follow-up date, synced to HQ and pulled by the HQ device."""
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).date().isoformat()
    c = _contact(w.kms, w.kms_admin, w.family.id, "اتصال للمتابعة", follow_up_on=due)
    w.sync_all()
    return c


def _done_on_both_sides(w: World, contact_id: str) -> None:
    """The HQ device, then the branch a moment later, mark the same follow-up done."""
    mark_follow_up_done(w.hqd, w.hqd_admin, contact_id)
    time.sleep(0.005)  # the branch's version is the later one
    mark_follow_up_done(w.kms, w.kms_admin, contact_id)
    assert (
        row(w.kms, "contacts", contact_id)["version"]
        > row(w.hqd, "contacts", contact_id)["version"]
    )


def test_contacts_from_both_sides_never_conflict(world):
    w, fid = world, world.family.id
    followed = _follow_up_contact(w)
    mine = [_contact(w.kms, w.kms_admin, fid, f"من الفرع {i}").id for i in range(2)]
    theirs = [_contact(w.hqd, w.hqd_admin, fid, f"من المقر {i}").id for i in range(2)]
    _done_on_both_sides(w, followed.id)
    w.sync_in_order("hq_device_first")  # the later version arrives last and stands
    w.sync_all()
    at_hq = synced_rows(w.hq, "contacts", beneficiary_id=fid)
    assert set(at_hq) == {followed.id, *mine, *theirs}
    assert synced_rows(w.hq, "sync_conflicts") == {}
    assert at_hq[followed.id] == row(w.kms, "contacts", followed.id)  # the later version
    assert at_hq[followed.id]["updated_by"] == w.kms_admin.staff_id
    assert synced_rows(w.hqd, "contacts", beneficiary_id=fid) == at_hq
    # The branch holds every contact about its family, the HQ device's calls included.
    assert synced_rows(w.kms, "contacts", beneficiary_id=fid) == at_hq


def test_an_older_append_only_version_arriving_last_still_converges(world):
    w = world
    followed = _follow_up_contact(w)
    _done_on_both_sides(w, followed.id)
    w.sync_in_order("branch_first")  # the older version (the HQ device's) arrives last
    w.sync_all()
    at_hq = row(w.hq, "contacts", followed.id)
    assert at_hq == row(w.kms, "contacts", followed.id)  # the later version stands at HQ
    assert synced_rows(w.hq, "sync_conflicts") == {}
    assert row(w.hqd, "contacts", followed.id) == at_hq


# -- the committee's decisions: HQ-authoritative ---------------------------------------------------
def _before_the_committee(w: World) -> str:
    """A KMS request (submitted on paper three weeks ago) moved to the committee, synced."""
    verify_beneficiary_data(w.kms, w.kms_admin, w.family.id)
    submitted = dt.datetime.now(dt.UTC) - dt.timedelta(days=21)
    req = submit_paper_request(
        w.kms,
        w.kms_admin,
        beneficiary_id=w.family.id,
        type="rent",
        signed_declaration=True,
        amount="3500",
        description="إيجار ستة أشهر",
        submitted_at=submitted.isoformat(),
    )
    receive_all(w.kms, w.kms_admin, req)
    move_request(w.kms, w.kms_admin, req.id, "in_committee")
    w.sync_all()
    assert get_request(w.hqd, req.id).status == "in_committee"
    return req.id


def _edit_request(ctx: AppContext, actor: Actor, request_id: str, **values: Any) -> None:
    """A branch edit of the request row, written as every service writes (no service edits a
    request's amount yet): stamped, audited, queued for HQ with its base version."""
    with ctx.store.write() as session:
        req = session.get(SupportRequest, request_id)
        for key, val in values.items():
            setattr(req, key, val)
        base = ctx.recorder.stamp_update(req, actor_id=actor.staff_id)
        ctx.recorder.record(
            session, req, action="request.edit", actor_id=actor.staff_id, base_version=base
        )


@pytest.mark.parametrize("branch_status", [None, "withdrawn"], ids=["amount", "amount+status"])
@pytest.mark.parametrize("order", ORDERS)
def test_the_committee_decision_stands_and_the_branch_edit_survives(world, order, branch_status):
    w = world
    req_id = _before_the_committee(w)
    committee = staff(w.hqd, w.hqd_admin, "committee1", Role.COMMITTEE)
    decided = move_request(w.hqd, committee, req_id, "accepted", "مستوفٍ للشروط")
    assert decided.status == "accepted"
    edits: dict[str, Any] = {"amount": Decimal("4200"), "description": "إيجار سنة كاملة"}
    if branch_status:
        edits["status"] = branch_status  # a stale branch writes a status of its own
    _edit_request(w.kms, w.kms_admin, req_id, **edits)
    w.sync_in_order(order)
    w.sync_all()

    at_hq = row(w.hq, "support_requests", req_id)
    assert at_hq["status"] == at_hq["decision"] == "accepted"
    assert at_hq["decision_reason"] == "مستوفٍ للشروط"
    assert at_hq["decided_by"] == committee.staff_id and at_hq["decided_at"] is not None
    assert (at_hq["amount"], at_hq["description"]) == (Decimal("4200"), "إيجار سنة كاملة")
    assert conflicts(w.hq, req_id) == []  # the committee's fields are not a matter for review
    for side in (w.kms, w.hqd):
        assert row(side, "support_requests", req_id) == at_hq
    view = get_request(w.kms, req_id)
    assert view.status == "accepted" and view.decided_by == committee.staff_id
    assert ("in_committee", "accepted") in [(e.from_status, e.to_status) for e in view.events]


# -- duplicate alerts ------------------------------------------------------------------------------
def test_the_same_national_id_at_two_branches_alerts_both(make_branch, hq):
    kms, abh = make_branch("KMS"), make_branch("ABH")
    hqd = make_branch("HQ")
    clients = [enroll_local(ctx, hq) for ctx in (kms, abh, hqd)]
    admins = {id(ctx): resolve_actor(ctx) for ctx in (kms, abh, hqd)}
    nid = VALID_IDS[2]
    at_kms = register_beneficiary(kms, admins[id(kms)], applicant(national_id=nid))
    register_beneficiary(kms, admins[id(kms)], applicant(national_id=VALID_IDS[3]))  # no twin
    register_beneficiary(abh, admins[id(abh)], applicant(national_id=VALID_IDS[4]))  # no twin
    at_abh = register_beneficiary(
        abh, admins[id(abh)], applicant(national_id=nid, first_name="نورة")
    )
    for _ in range(2):
        for client in clients:
            client.sync()

    at_hq = synced_rows(hq, "duplicate_alerts")
    assert len(at_hq) == 2
    expected = [
        (kms, at_kms, at_abh, "ABH", "فرع أبها"),
        (abh, at_abh, at_kms, "KMS", "فرع خميس مشيط"),
    ]
    for ctx, mine, other, code, name in expected:
        [alert] = list_duplicate_alerts(ctx, admins[id(ctx)])
        assert alert.national_id == nid
        assert (alert.beneficiary_id, alert.file_no, alert.full_name) == (
            mine.id,
            mine.file_no,
            mine.full_name,
        )
        assert (alert.other_branch_code, alert.other_branch_name) == (code, name)
        assert alert.other_file_no == other.file_no
        assert synced_rows(ctx, "duplicate_alerts") == {alert.id: at_hq[alert.id]}

    # A later edit of either file raises no second alert.
    edit(kms, admins[id(kms)], at_kms.id, mobile="0559998888")
    [alert] = list_duplicate_alerts(kms, admins[id(kms)])
    review_alert(kms, admins[id(kms)], alert.id)
    assert list_duplicate_alerts(kms, admins[id(kms)]) == []
    for client in clients:
        client.sync()
    reviewed = row(hq, "duplicate_alerts", alert.id)
    assert (reviewed["status"], reviewed["reviewed_by"]) == ("reviewed", admins[id(kms)].staff_id)
    assert len(synced_rows(hq, "duplicate_alerts")) == 2
    [still_open] = list_duplicate_alerts(abh, admins[id(abh)])
    assert still_open.other_branch_code == "KMS"
    assert row(hqd, "duplicate_alerts", alert.id) == reviewed


def test_a_national_id_corrected_to_another_branchs_family_alerts_both(make_branch, hq):
    """A mistyped national ID corrected later to one held at another branch alerts both, as a
    new registration would."""
    kms, abh = make_branch("KMS"), make_branch("ABH")
    clients = [enroll_local(ctx, hq) for ctx in (kms, abh)]
    kms_admin, abh_admin = resolve_actor(kms), resolve_actor(abh)
    typo = register_beneficiary(kms, kms_admin, applicant(national_id=VALID_IDS[0]))
    theirs = register_beneficiary(abh, abh_admin, applicant(national_id=VALID_IDS[1]))
    for client in clients:
        client.sync()
    edit(kms, kms_admin, typo.id, national_id=VALID_IDS[1])  # the ID was mistyped at intake
    for client in (*clients, *clients):
        client.sync()
    [at_kms] = list_duplicate_alerts(kms, kms_admin)
    assert (at_kms.other_branch_code, at_kms.other_file_no) == ("ABH", theirs.file_no)
    [at_abh] = list_duplicate_alerts(abh, abh_admin)
    assert (at_abh.other_branch_code, at_abh.other_file_no) == ("KMS", typo.file_no)


# -- pull ------------------------------------------------------------------------------------------
def _pull_all(hq: HQ, client: SyncClient, cursor: int, limit: int) -> list[list[Any]]:
    changes: list[list[Any]] = []
    while True:
        page = hq.pull(client.identity.device_id, cursor, limit)
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["more"]:
            return changes


class PagedTransport(LocalTransport):
    """HQ in this process, answering pulls in small pages (a long backlog in a few rows)."""

    def __init__(self, hq: HQ, limit: int) -> None:
        super().__init__(hq)
        self.limit = limit

    def pull(self, device_id: str, key: str, cursor: int) -> dict[str, Any]:
        return self._call(self.hq.pull, device_id, cursor, self.limit)


def test_a_row_changed_several_times_arrives_once_in_its_final_state(world):
    w, fid = world, world.family.id
    cursor = w.kms_sync.status().pull_cursor
    for mobile in ("0551111111", "0552222222", "0553333333"):
        final = edit(w.hqd, w.hqd_admin, fid, mobile=mobile)
    w.hqd_sync.sync()
    page = w.hq.pull(w.kms_sync.identity.device_id, cursor)
    sent = [r for entity, r in page["changes"] if entity == "beneficiaries"]
    assert [r["id"] for r in sent] == [fid]
    assert (sent[0]["mobile"], sent[0]["version"]) == (final.mobile, final.version)
    assert not page["more"]
    w.kms_sync.sync()
    assert get_beneficiary(w.kms, fid).mobile == final.mobile
    assert row(w.kms, "beneficiaries", fid) == row(w.hq, "beneficiaries", fid)


def test_a_row_changed_across_pages_arrives_in_order_and_ends_final(world):
    w, fid = world, world.family.id
    cursor = w.kms_sync.status().pull_cursor
    for mobile in ("0551111111", "0552222222", "0553333333"):
        final = edit(w.hqd, w.hqd_admin, fid, mobile=mobile)
    w.hqd_sync.sync()
    changes = _pull_all(w.hq, w.kms_sync, cursor, limit=1)
    versions = [r["version"] for entity, r in changes if entity == "beneficiaries"]
    assert versions == sorted(set(versions)) and versions[-1] == final.version
    paged = SyncClient(w.kms, PagedTransport(w.hq, limit=1))
    paged.sync()
    assert row(w.kms, "beneficiaries", fid) == row(w.hq, "beneficiaries", fid)
    assert get_beneficiary(w.kms, fid).mobile == final.mobile


def test_pulled_beneficiaries_are_found_by_search(world):
    w, fid = world, world.family.id
    # The HQ device finds the branch's family by name and by national ID, as pulled.
    assert [r.id for r in search_beneficiaries(w.hqd, "فاطمه الشهري")] == [fid]
    assert [r.id for r in search_beneficiaries(w.hqd, w.family.national_id)] == [fid]
    # A name corrected at the HQ device reaches the branch's search index too.
    edit(w.hqd, w.hqd_admin, fid, family_name="القحطاني")
    w.hqd_sync.sync()
    w.kms_sync.sync()
    assert [r.id for r in search_beneficiaries(w.kms, "القحطاني")] == [fid]
    assert search_beneficiaries(w.kms, "الشهري") == []


def _everything(ctx: AppContext) -> dict[str, dict[str, dict[str, Any]]]:
    return {entity: synced_rows(ctx, entity) for entity in rows.synced_tables()}


def test_a_pull_leaves_a_row_with_an_unsent_change_to_the_merge(world):
    w, fid = world, world.family.id
    mobile = edit(w.kms, w.kms_admin, fid, mobile="0553333333").mobile  # not sent yet
    edit(w.hqd, w.hqd_admin, fid, district="الربوة")
    w.hqd_sync.sync()
    pulled = w.kms_sync.pull()  # no push first: the branch's change is still pending
    assert pulled.skipped_pulled >= 1
    mine = get_beneficiary(w.kms, fid)
    assert (mine.mobile, mine.address["district"]) == (mobile, ADDRESS["district"])
    w.kms_sync.sync()  # HQ merges the change and sends the merged row back
    w.hqd_sync.sync()
    for side in (w.hq, w.kms, w.hqd):
        merged = row(side, "beneficiaries", fid)
        assert (merged["mobile"], merged["district"]) == (mobile, "الربوة")
    assert synced_rows(w.hq, "sync_conflicts") == {}


def test_pulling_twice_changes_nothing(world):
    w, fid = world, world.family.id
    edit(w.hqd, w.hqd_admin, fid, district="الربوة")
    _contact(w.hqd, w.hqd_admin, fid, "من المقر")
    w.hqd_sync.sync()
    # The district, and the HQ device's call: a contact belongs to the family's branch.
    assert w.kms_sync.pull().pulled == 2
    before, cursor = _everything(w.kms), w.kms_sync.status().pull_cursor
    assert w.kms_sync.pull().pulled == 0
    # The same pages applied again (an answer file imported twice): nothing applied or moved.
    for client, ctx in ((w.kms_sync, w.kms), (w.hqd_sync, w.hqd)):
        page = w.hq.pull(client.identity.device_id, 0)
        seen = _everything(ctx)
        applied, skipped = client.apply_pulled(page["changes"], 0, page["cursor"])
        assert (applied, skipped) == (0, len(page["changes"]))
        assert _everything(ctx) == seen
    assert _everything(w.kms) == before
    assert w.kms_sync.status().pull_cursor == cursor
    assert get_beneficiary(w.kms, fid).address["district"] == "الربوة"


def test_a_branch_receives_only_its_own_branchs_records(make_branch, hq):
    stores = {code: make_branch(code) for code in ("KMS", "ABH", "HQ")}
    clients = {code: enroll_local(ctx, hq) for code, ctx in stores.items()}
    for i, code in enumerate(("KMS", "ABH")):
        ctx = stores[code]
        admin = resolve_actor(ctx)
        f = register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[i]))
        _contact(ctx, admin, f.id, f"اتصال {code}")
    hqd_admin = resolve_actor(stores["HQ"])
    for _ in range(2):
        for client in clients.values():
            client.sync()
    ids = {code: current_branch(ctx).id for code, ctx in stores.items()}
    everything_at_hq = {e: synced_rows(hq, e) for e in rows.synced_tables()}
    assert len(everything_at_hq["beneficiaries"]) == 2
    # The HQ device receives every branch's records and may edit them.
    assert _everything(stores["HQ"]) == everything_at_hq
    for code in ("KMS", "ABH"):
        held = _everything(stores[code])
        for entity, found in held.items():
            mine = {
                i: r for i, r in everything_at_hq[entity].items() if r["branch_id"] == ids[code]
            }
            if entity in rows.EVERYONE:  # the directory of branches reaches everyone
                assert found == everything_at_hq[entity]
            else:
                assert found == mine, entity
    ben = next(iter(synced_rows(stores["HQ"], "beneficiaries", branch_id=ids["ABH"])))
    edit(stores["HQ"], hqd_admin, ben, notes="مراجعة المقر")
    clients["HQ"].sync()
    clients["KMS"].sync()
    assert synced_rows(stores["KMS"], "beneficiaries", id=ben) == {}
    clients["ABH"].sync()
    assert get_beneficiary(stores["ABH"], ben).notes == "مراجعة المقر"


def test_a_backlog_pulled_in_pages_keeps_every_reference(make_branch, hq):
    kms, hqd = make_branch("KMS"), make_branch("HQ")
    kms_sync = enroll_local(kms, hq)
    admin = resolve_actor(kms)
    f = register_beneficiary(kms, admin, applicant(**ADDRESS))
    _contact(kms, admin, f.id, "اتصال")
    edit(kms, admin, f.id, mobile="0553333333")  # the file's last position: after the contact
    kms_sync.sync()
    hqd_sync = SyncClient(hqd, PagedTransport(hq, limit=2))
    hqd_sync.enroll("local", hq.issue_code("HQ"))
    hqd_sync.sync()
    assert synced_rows(hqd, "beneficiaries", id=f.id)
    assert synced_rows(hqd, "contacts") == synced_rows(hq, "contacts")


def test_a_conflict_names_devices_with_the_longest_names_within_its_columns(world):
    """Device names may be 80 characters; a conflict names a device by branch and name, in a
    column of 80: the label is cut, never refused (a 500 on PostgreSQL before)."""
    from sqlalchemy import update

    from eskan_desk.sync.hq_models import Device

    w, fid = world, world.family.id
    long_name = "جهاز الاستقبال الرئيسي في الفرع " * 3
    long_name = long_name[: Device.__table__.c.name.type.length]
    with w.hq.engine.begin() as conn:
        conn.execute(update(Device).values(name=long_name))
    edit(w.kms, w.kms_admin, fid, mobile="0553333333")
    edit(w.hqd, w.hqd_admin, fid, mobile="0552222222")
    w.sync_in_order("branch_first")
    [c] = conflicts(w.hq, fid)
    assert c["kept_device"].startswith("KMS · جهاز") and c["other_device"].startswith("HQ · جهاز")
    assert len(c["kept_device"]) == len(c["other_device"]) == 80
