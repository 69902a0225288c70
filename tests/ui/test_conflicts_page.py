"""The sync conflicts inbox, on a real conflict: the branch and HQ's own desk (branch code HQ)
change the same family's mobile number before the two changes meet at a real HQ database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text

from eskan_desk.app import open_context
from eskan_desk.i18n import _
from eskan_desk.models import AuditEvent
from eskan_desk.services.auth import add_staff, sign_in
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
)
from eskan_desk.services.staff import initialize_store, resolve_actor
from eskan_desk.services.sync_review import list_conflicts
from eskan_desk.services.sync_status import pending_changes
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.transport import LocalTransport
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tables import select_index
from eskan_desk.ui.tasks import ImmediateRunner

from ..services.helpers import applicant

LRI, PDI = "\u2066", "\u2069"
HQ_MOBILE, BRANCH_MOBILE = "0559876543", "0561112223"


def plain(text_: str) -> str:
    return text_.replace(LRI, "").replace(PDI, "")


@pytest.fixture
def hq(tmp_path):
    h = HQ.open(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    yield h
    h.dispose()


@pytest.fixture
def hq_desk(tmp_path, clock):
    """HQ's own Eskan Desk: enrolled with branch code HQ, it may write any branch's records."""
    context = open_context(tmp_path / "hq-desk", now=clock)
    initialize_store(
        context,
        branch_code="HQ",
        branch_name="المقر الرئيسي",
        admin_username="admin",
        admin_password="correct-horse-42",
        admin_full_name="مدير المقر",
    )
    yield context
    context.close()


def client(ctx, hq: HQ) -> SyncClient:
    return SyncClient(ctx, LocalTransport(hq))


def set_mobile(ctx, beneficiary_id: str, mobile: str) -> None:
    data = input_from_file(get_beneficiary(ctx, beneficiary_id))
    data.mobile = mobile
    update_beneficiary(ctx, resolve_actor(ctx), beneficiary_id, data)


@pytest.fixture
def family(ctx, admin, hq, hq_desk):
    """A family whose mobile number HQ and the branch both changed: one open conflict here."""
    ben = register_beneficiary(ctx, admin, applicant())
    branch, desk = client(ctx, hq), client(hq_desk, hq)
    branch.enroll("local", hq.issue_code("KMS"))
    desk.enroll("local", hq.issue_code("HQ"))
    branch.sync()
    desk.sync()
    set_mobile(hq_desk, ben.id, HQ_MOBILE)
    desk.sync()
    set_mobile(ctx, ben.id, BRANCH_MOBILE)
    assert branch.sync().conflicts == 1
    return ben


def nav_item(w: MainWindow, page_id: str):
    for i in range(w.nav.count()):
        if w.nav.item(i).data(Qt.ItemDataRole.UserRole) == page_id:
            return w.nav.item(i)
    return None


def row_cells(page, row: int) -> list[str]:
    return [plain(page.table.item(row, c).text()) for c in range(page.table.columnCount())]


def test_a_real_conflict_is_listed_with_both_values_and_who_wrote_them(family, window):
    assert nav_item(window, "conflicts").text() == f"{_('Sync conflicts')} (1)"
    page = window.show_page("conflicts")
    assert page.table.rowCount() == 1 and not page.empty.isVisible()
    record, field, kept, kept_by, other, other_by, _when = row_cells(page, 0)
    assert family.full_name in record and family.file_no in record
    assert field == _("Mobile number")
    assert kept == "055 987 6543"  # the record keeps the value that reached HQ first
    assert other == "056 111 2223"
    assert kept_by.startswith("HQ · ") and other_by.startswith("KMS · ")
    assert not page.keep_button.isEnabled() and not page.other_button.isEnabled()
    select_index(page.table, 0)
    assert page.keep_button.isEnabled() and page.other_button.isEnabled()


def test_using_the_other_value_writes_it_and_the_conflict_leaves_the_list(
    family, window, ctx, admin, hq, qtbot
):
    page = window.show_page("conflicts")
    assert get_beneficiary(ctx, family.id).mobile == "+966559876543"
    waiting = pending_changes(ctx)
    select_index(page.table, 0)
    qtbot.mouseClick(page.other_button, Qt.MouseButton.LeftButton)

    assert get_beneficiary(ctx, family.id).mobile == "+966561112223"
    assert page.table.rowCount() == 0 and page.empty.isVisible()
    assert list_conflicts(ctx, admin) == []
    (resolved,) = list_conflicts(ctx, admin, include_resolved=True)
    assert resolved.chosen == "other" and resolved.status == "resolved"
    assert nav_item(window, "conflicts").text() == _("Sync conflicts")
    assert pending_changes(ctx) > waiting  # the choice travels to HQ like any change
    with ctx.store.read() as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert {"conflict.resolve", "beneficiaries.conflict_value"} <= actions
    client(ctx, hq).sync()
    with hq.engine.connect() as conn:
        mobile = conn.execute(
            text("SELECT mobile FROM beneficiaries WHERE id = :i"), {"i": family.id}
        ).scalar_one()
    assert mobile == "+966561112223"


def test_keeping_the_value_in_the_record_leaves_the_file_as_it_is(family, window, ctx, admin):
    page = window.show_page("conflicts")
    select_index(page.table, 0)
    page.keep_button.click()
    assert get_beneficiary(ctx, family.id).mobile == "+966559876543"
    assert page.table.rowCount() == 0
    (resolved,) = list_conflicts(ctx, admin, include_resolved=True)
    assert resolved.chosen == "kept"


def test_a_receptionist_does_not_see_the_conflicts_page_a_supervisor_does(
    family, ctx, admin, arabic_app, qtbot
):
    seen = {}
    for role in ("receptionist", "supervisor"):
        add_staff(
            ctx, admin, username=role, full_name=f"موظف {role}", role=role, password="pass-2026-x"
        )
        actor = sign_in(ctx, role, "pass-2026-x")
        w = MainWindow(UiSession(ctx, actor, ImmediateRunner(), UiEvents()))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda w=w: "KMS" in w.branch_label.text())  # the status read is in
        item = nav_item(w, "conflicts")
        seen[role] = item.text() if item is not None else None
    assert seen == {"receptionist": None, "supervisor": f"{_('Sync conflicts')} (1)"}
