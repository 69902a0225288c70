"""The suggestions and complaints screen, its dialogs, and the survey offered after a contact."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from eskan_desk import i18n
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.feedback import get_feedback, list_feedback, record_feedback
from eskan_desk.services.surveys import check_kiosk_pin, get_offer, kiosk_ready, set_kiosk_pin
from eskan_desk.ui import feedback_page
from eskan_desk.ui.contact_dialog import ContactDialog
from eskan_desk.ui.feedback_dialog import FeedbackDialog, KioskPinDialog
from eskan_desk.ui.feedback_page import COLUMNS, FeedbackPage
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tables import select_index
from eskan_desk.ui.tasks import ImmediateRunner

from ..services.helpers import applicant
from ..services.referral_helpers import build_team_store, copy_store
from .typing import type_text

STATUS = COLUMNS.index("Status")


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("feedback_team_ui")
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
def errors(monkeypatch):
    """Message boxes would block: collect what they would have said."""
    shown: list[str] = []
    monkeypatch.setattr(
        feedback_page, "show_error", lambda _parent, exc: shown.append(i18n.render_error(exc))
    )
    return shown


def page_for(qtbot, session: UiSession) -> FeedbackPage:
    page = FeedbackPage(session)
    qtbot.addWidget(page)
    page.show()
    return page


def complaint(ctx, team, assign="maha"):
    return record_feedback(
        ctx, team["sara"], kind="complaint", channel="phone", text="تأخر الرد", assigned_to=assign
    )


def test_new_feedback_through_the_dialog(as_user, qtbot, ctx, team):
    ben = register_beneficiary(ctx, team["sara"], applicant())
    session = as_user("sara")
    page = page_for(qtbot, session)
    assert page.table.rowCount() == 0 and page.empty.isVisible()
    dialog = page.new_feedback()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, FeedbackDialog)
    assert dialog.due_check.isChecked()  # a complaint: due in 3 days
    assert dialog.due_date.date().toString("yyyy-MM-dd") == "2026-11-29"
    dialog.kind.set_value("thanks")
    assert not dialog.due_check.isChecked()
    dialog.kind.set_value("suggestion")
    assert dialog.due_date.date().toString("yyyy-MM-dd") == "2026-12-03"
    dialog.channel.set_value("website")
    type_text(dialog.text, "نقترح إضافة موعد مسائي للمراجعين")
    type_text(dialog.beneficiary, ben.file_no)
    names = [dialog.assignee.itemText(i) for i in range(dialog.assignee.count())]
    assert "نورة القحطاني" in names and "مدير النظام" in names
    dialog.assignee.setCurrentIndex(dialog.assignee.findData(team["noura"].staff_id))
    dialog.save()
    assert dialog.saved is not None and dialog.result() == dialog.DialogCode.Accepted
    saved = get_feedback(ctx, dialog.saved.id)
    assert (saved.kind, saved.channel, saved.beneficiary_id) == ("suggestion", "website", ben.id)
    assert saved.assigned_to == team["noura"].staff_id
    assert session.changed == [("feedback", saved.id)]
    assert page.table.rowCount() == 1  # the page heard "feedback" and reloaded
    assert page.table.item(0, COLUMNS.index("Assigned to")).text() == "نورة القحطاني"


def test_dialog_errors_show_beside_their_fields(as_user, qtbot, ctx):
    dialog = FeedbackDialog(as_user("sara"))
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.saved is None and dialog.fields.error_text("feedback_text")
    type_text(dialog.text, "نص")
    type_text(dialog.beneficiary, "KMS-2026-999999")
    dialog.save()
    assert dialog.saved is None and dialog.fields.error_text("beneficiary")
    assert list_feedback(ctx) == []


def test_the_assignee_answers_then_closes(as_user, qtbot, ctx, team):
    item = complaint(ctx, team)
    page = page_for(qtbot, as_user("maha"))
    select_index(page.table, 0)
    assert page.answer_button.isEnabled() and not page.close_button.isEnabled()
    dialog = page.answer_selected()
    qtbot.addWidget(dialog)
    type_text(dialog.text, "تم الاتصال بالمستفيدة وشرح الإجراءات")
    dialog.ok_button.click()
    assert get_feedback(ctx, item.id).status == "answered"
    assert page.table.item(0, STATUS).toolTip() == "تم الاتصال بالمستفيدة وشرح الإجراءات"
    select_index(page.table, 0)
    assert not page.answer_button.isEnabled() and page.close_button.isEnabled()
    page.close_button.click()
    assert get_feedback(ctx, item.id).status == "closed"
    assert page.table.rowCount() == 0  # the default filter leaves closed ones out
    page.filter.setCurrentIndex(3)
    assert page.table.rowCount() == 1
    page.filter.setCurrentIndex(1)
    assert page.table.rowCount() == 0


def test_others_cannot_answer_what_is_not_theirs(as_user, qtbot, ctx, team, errors):
    complaint(ctx, team)
    page = page_for(qtbot, as_user("sara"))
    select_index(page.table, 0)
    assert not page.answer_button.isEnabled() and not page.close_button.isEnabled()
    supervisor = page_for(qtbot, as_user("saad"))
    select_index(supervisor.table, 0)
    assert supervisor.answer_button.isEnabled()


def test_overdue_filter_and_colour(as_user, qtbot, ctx, team, clock):
    complaint(ctx, team)
    clock.advance(days=4)
    page = page_for(qtbot, as_user("saad"))
    page.filter.setCurrentIndex(2)
    assert page.table.rowCount() == 1
    due = page.table.item(0, COLUMNS.index("Due date"))
    assert due.foreground().color().name() == "#b3261e" and due.toolTip()


def test_buttons_by_role(as_user, qtbot):
    admin = page_for(qtbot, as_user("admin"))
    assert admin.pin_button.isVisibleTo(admin) and admin.new_button.isVisibleTo(admin)
    clerk = page_for(qtbot, as_user("sara"))
    assert not clerk.pin_button.isVisibleTo(clerk) and clerk.kiosk_button.isVisibleTo(clerk)
    committee = page_for(qtbot, as_user("omar"))
    assert not committee.new_button.isVisibleTo(committee)
    assert not committee.kiosk_button.isVisibleTo(committee)
    assert admin.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_the_admin_sets_the_pin_and_the_kiosk_opens(as_user, qtbot, ctx):
    session = as_user("admin")
    page = page_for(qtbot, session)
    assert not page.kiosk_button.isEnabled() and page.kiosk_button.toolTip()
    dialog = page.set_pin()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, KioskPinDialog)
    type_text(dialog.pin, "2580")
    type_text(dialog.repeat, "2589")
    dialog.save()
    assert dialog.fields.error_text("kiosk_pin_repeat") and not kiosk_ready(ctx)
    dialog.repeat.clear()
    type_text(dialog.repeat, "2580")
    dialog.save()
    assert check_kiosk_pin(ctx, "2580") and ("kiosk_pin", "") in session.changed
    assert page.kiosk_button.isEnabled()
    kiosk = page.open_kiosk(fullscreen=False)
    qtbot.addWidget(kiosk)
    assert kiosk.isVisible() and not page.isVisible()  # the app is covered
    kiosk.enter_pin("2580")
    assert page.isVisible() and not kiosk.isVisible()


def test_a_refused_pin_shows_beside_the_field(as_user, qtbot, ctx):
    dialog = KioskPinDialog(as_user("admin"))
    qtbot.addWidget(dialog)
    type_text(dialog.pin, "1234")
    type_text(dialog.repeat, "1234")
    dialog.save()
    assert dialog.fields.error_text("kiosk_pin") and not kiosk_ready(ctx)


# The survey offered after a contact ------------------------------------------------------------
def test_a_ticked_contact_offers_the_survey_and_announces_it(as_user, qtbot, ctx, team):
    set_kiosk_pin(ctx, team["admin"], "2580")
    ben = register_beneficiary(ctx, team["sara"], applicant())
    session = as_user("sara")
    dialog = ContactDialog(session, beneficiary_id=ben.id, channel="interview")
    qtbot.addWidget(dialog)
    assert dialog.survey_check.isEnabled() and not dialog.survey_check.isChecked()
    dialog.survey_check.setChecked(True)
    type_text(dialog.summary, "تسليم مستندات")
    dialog.save()
    offer = get_offer(ctx, dialog.offer.id)
    assert (offer.contact_id, offer.beneficiary_id, offer.status) == (
        dialog.saved.id,
        ben.id,
        "offered",
    )
    assert session.changed == [("contacts", dialog.saved.id), ("survey_offered", offer.id)]


def test_an_unticked_contact_offers_nothing(as_user, qtbot, ctx, team):
    set_kiosk_pin(ctx, team["admin"], "2580")
    session = as_user("sara")
    dialog = ContactDialog(session, channel="phone")
    qtbot.addWidget(dialog)
    type_text(dialog.summary, "سؤال")
    dialog.save()
    assert dialog.offer is None and [k for k, _ in session.changed] == ["contacts"]


def test_no_pin_no_survey_box_and_none_for_the_committee(as_user, qtbot, ctx, team):
    dialog = ContactDialog(as_user("sara"), channel="phone")
    qtbot.addWidget(dialog)
    assert not dialog.survey_check.isEnabled() and dialog.survey_check.toolTip()
    set_kiosk_pin(ctx, team["admin"], "2580")
    committee = ContactDialog(as_user("omar"), channel="phone")
    qtbot.addWidget(committee)
    assert committee.survey_check.isHidden() and not committee.wants_survey()
    committee.survey_check.setChecked(True)  # even if ticked by mistake: no offer
    type_text(committee.summary, "سؤال")
    committee.save()
    assert committee.offer is None and committee.saved is not None
