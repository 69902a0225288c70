"""Referring from the front desk and working the researcher's inbox, through the real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from eskan_desk import i18n
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import PermissionDeniedError
from eskan_desk.domain.permissions import Action
from eskan_desk.domain.referrals import ReferralReason, ReferralStatus
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.referrals import (
    accept_referral,
    refer_to_researcher,
    referrals_for_beneficiary,
)
from eskan_desk.ui import referrals_page
from eskan_desk.ui.referral_dialog import ReferralDialog
from eskan_desk.ui.referrals_page import RESEARCHER_COLUMN, ReferralsPage
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner

from ..services.helpers import applicant
from ..services.referral_helpers import build_team_store, copy_store, stored
from .typing import type_text

RTL = Qt.LayoutDirection.RightToLeft


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("referral_team_ui")
    return dest, build_team_store(template_store, dest)


@pytest.fixture
def data_dir(team_store, tmp_path: Path) -> Path:
    return copy_store(team_store[0], tmp_path / "data")


@pytest.fixture
def team(team_store):
    return team_store[1]


@pytest.fixture
def as_user(arabic_app, ctx, team):
    """A UI session for one staff member, recording what it announces."""

    def make(username: str) -> UiSession:
        events = UiEvents()
        s = UiSession(ctx=ctx, actor=team[username], runner=ImmediateRunner(), events=events)
        s.changed = []  # type: ignore[attr-defined]
        events.changed.connect(lambda kind, rid: s.changed.append((kind, rid)))
        return s

    return make


@pytest.fixture
def ben(ctx, team):
    return register_beneficiary(ctx, team["sara"], applicant())


@pytest.fixture
def errors(monkeypatch):
    """Message boxes would block: collect what they would have said."""
    shown: list[str] = []
    monkeypatch.setattr(
        referrals_page, "show_error", lambda _parent, exc: shown.append(i18n.render_error(exc))
    )
    return shown


def status_text(page: ReferralsPage, row: int) -> str:
    return page.table.item(row, 5).text()


# The dialog ------------------------------------------------------------------------------------
def test_dialog_refers_with_enter(qtbot, as_user, ben, team):
    session = as_user("sara")
    dialog = ReferralDialog(session, ben.id, ben.full_name)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.layoutDirection() == RTL
    reasons = [dialog.reason.itemText(i) for i in range(dialog.reason.count())]
    assert reasons == [i18n.gettext(r.label) for r in ReferralReason]
    researchers = [dialog.researcher.itemText(i) for i in range(dialog.researcher.count())]
    assert researchers == ["نورة القحطاني", "هند الأسمري"]
    dialog.reason.set_value("needs_research")
    dialog.researcher.setCurrentIndex(dialog.researcher.findData(team["hind"].staff_id))
    type_text(dialog.note, "الأسرة تسكن في منزل آيل للسقوط")
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    [ref] = referrals_for_beneficiary(session.ctx, ben.id)
    assert dialog.saved is not None and dialog.saved.id == ref.id
    assert (ref.reason, ref.researcher_id) == ("needs_research", team["hind"].staff_id)
    assert ref.note == "الأسرة تسكن في منزل آيل للسقوط"
    assert ref.referred_by == team["sara"].staff_id
    assert session.changed == [("referrals", ref.id)]


def test_dialog_shows_errors_beside_fields_and_escape_cancels(qtbot, as_user, ben):
    session = as_user("sara")
    dialog = ReferralDialog(session, ben.id, ben.full_name)
    qtbot.addWidget(dialog)
    dialog.show()
    before = stored(session.ctx)
    dialog.reason.set_value("other")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.fields.error_text("note") == i18n.gettext(
        "must say why when the reason is 'other'"
    )
    assert stored(session.ctx) == before
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert stored(session.ctx) == before and session.changed == []


def test_dialog_refused_for_a_researcher(qtbot, as_user, ben):
    dialog = ReferralDialog(as_user("noura"), ben.id, ben.full_name)
    qtbot.addWidget(dialog)
    dialog.save_button.click()
    refusal = PermissionDeniedError(
        "Your role ({role}) may not {action}.",
        {"role": Role.RESEARCHER, "action": Action.REFER_TO_RESEARCHER},
    )
    assert dialog.error.text() == i18n.render_error(refusal)  # in Arabic
    assert dialog.saved is None


# The inbox -------------------------------------------------------------------------------------
def test_researcher_accepts_and_completes_from_the_inbox(qtbot, as_user, ctx, ben, team):
    ref = refer_to_researcher(
        ctx,
        team["sara"],
        beneficiary_id=ben.id,
        reason="unclear_procedures",
        researcher_id="noura",
    )
    session = as_user("noura")
    opened: list[str] = []
    session.events.open_beneficiary.connect(opened.append)
    page = ReferralsPage(session)
    qtbot.addWidget(page)
    page.show()
    assert page.layoutDirection() == RTL
    assert page.table.rowCount() == 1
    assert page.table.isColumnHidden(RESEARCHER_COLUMN)
    cells = [page.table.item(0, c).text() for c in range(5)]
    assert ben.file_no in cells[0] and cells[1] == "فاطمة عبدالله سعيد الشهري"
    assert cells[2] == i18n.gettext(ReferralReason.UNCLEAR_PROCEDURES.label)
    assert cells[3] == "سارة الشهري"
    assert not page.accept_button.isEnabled()  # nothing selected yet
    page.select(ref.id)
    assert page.accept_button.isEnabled() and page.reject_button.isEnabled()
    assert not page.done_button.isEnabled()
    page.accept_button.click()
    assert status_text(page, 0) == i18n.gettext(ReferralStatus.ACCEPTED.label)
    assert page.selected().id == ref.id  # the selection survives the reload
    assert page.done_button.isEnabled() and not page.accept_button.isEnabled()
    dialog = page.complete_selected()
    assert dialog.layoutDirection() == RTL
    type_text(dialog.text, "شرحت لها خطوات طلب دعم الإيجار")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    [done] = referrals_for_beneficiary(ctx, ben.id)
    assert (done.status, done.status_reason) == ("done", "شرحت لها خطوات طلب دعم الإيجار")
    assert page.table.rowCount() == 0 and page.empty.isVisible()
    page.closed_check.setChecked(True)
    assert status_text(page, 0) == i18n.gettext(ReferralStatus.DONE.label)
    page.select(ref.id)
    page.open_button.click()
    assert opened == [ben.id]


def test_reject_asks_the_reason(qtbot, as_user, ctx, ben, team):
    ref = refer_to_researcher(
        ctx,
        team["sara"],
        beneficiary_id=ben.id,
        reason="needs_research",
        researcher_id="noura",
    )
    session = as_user("noura")
    page = ReferralsPage(session)
    qtbot.addWidget(page)
    page.select(ref.id)
    dialog = page.reject_selected()
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.error_text() == i18n.gettext("is required to reject a referral")
    type_text(dialog.text, "الحالة لا تحتاج بحثًا، تكفي مراجعة الاستقبال")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert page.table.rowCount() == 0
    assert session.changed == [("referrals", ref.id)]


def test_each_researcher_sees_their_own_and_the_supervisor_all(
    qtbot, as_user, ctx, ben, team, errors
):
    for to in ("noura", "hind"):
        refer_to_researcher(
            ctx,
            team["sara"],
            beneficiary_id=ben.id,
            reason="unclear_procedures",
            researcher_id=to,
        )
    hind = ReferralsPage(as_user("hind"))
    qtbot.addWidget(hind)
    assert hind.table.rowCount() == 1
    supervisor = ReferralsPage(as_user("saad"))
    qtbot.addWidget(supervisor)
    assert supervisor.table.rowCount() == 2
    assert not supervisor.table.isColumnHidden(RESEARCHER_COLUMN)
    names = {supervisor.table.item(r, RESEARCHER_COLUMN).text() for r in range(2)}
    assert names == {"نورة القحطاني", "هند الأسمري"}
    supervisor.select(supervisor.rows[0].id)
    assert supervisor.accept_button.isEnabled()
    # A change announced elsewhere reloads the page.
    accept_referral(ctx, team["noura"], supervisor.rows[0].id)
    supervisor.session.events.changed.emit("referrals", supervisor.rows[0].id)
    statuses = {supervisor.table.item(r, 5).text() for r in range(2)}
    assert i18n.gettext(ReferralStatus.ACCEPTED.label) in statuses
    receptionist = ReferralsPage(as_user("sara"))  # not in her navigation; shows nothing
    qtbot.addWidget(receptionist)
    assert receptionist.table.rowCount() == 0 and errors == []
