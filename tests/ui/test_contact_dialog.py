"""Logging a contact on each channel through the real dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from eskan_desk.domain.enums import Channel
from eskan_desk.services.beneficiaries import get_beneficiary, register_beneficiary
from eskan_desk.ui.contact_dialog import ContactDialog

from ..services.helpers import applicant, counts
from .typing import type_text

DETAILS = {
    "phone": {"call_duration": "3:15"},
    "interview": {"visit_location": "مقر الجمعية"},
    "branch_rep": {"visit_location": "منزل المستفيد"},
    "letter": {"letter_ref": "1448/55"},
    "social": {},
    "help_request": {},
    "volunteer": {},
    "website": {},
}


@pytest.fixture
def ben(session):
    return register_beneficiary(session.ctx, session.actor, applicant())


@pytest.mark.parametrize("channel", [c.value for c in Channel])
def test_log_on_each_channel(session, qtbot, ben, channel):
    dialog = ContactDialog(
        session, beneficiary_id=ben.id, beneficiary_name=ben.full_name, channel=channel
    )
    qtbot.addWidget(dialog)
    dialog.show()
    visible = {
        code
        for code, _l in (
            ("call_duration", 0),
            ("visit_location", 0),
            ("letter_ref", 0),
            ("social_platform", 0),
        )
        if dialog.fields.editors[code].isVisibleTo(dialog)
    }
    expected = {
        "phone": {"call_duration"},
        "interview": {"visit_location"},
        "branch_rep": {"visit_location"},
        "letter": {"letter_ref"},
        "social": {"social_platform"},
    }.get(channel, set())
    assert visible == expected
    for code, text in DETAILS[channel].items():
        type_text(dialog.fields.editors[code], text)
    if channel == "social":
        dialog.fields.editors["social_platform"].set_value("whatsapp")
    type_text(dialog.summary, "استفسار عن موعد الزيارة")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.channel == channel
    assert [c.id for c in get_beneficiary(session.ctx, ben.id).contacts] == [dialog.saved.id]


def test_errors_show_beside_fields_and_nothing_is_stored(session, qtbot, ben):
    dialog = ContactDialog(session, beneficiary_id=ben.id, channel="letter")
    qtbot.addWidget(dialog)
    before = counts(session.ctx)
    type_text(dialog.summary, "خطاب")
    dialog.save()
    assert dialog.saved is None
    assert dialog.fields.errors["letter_ref"].text() == "مطلوب"
    assert counts(session.ctx) == before


def test_anonymous_inquiry(session, qtbot):
    dialog = ContactDialog(session, channel="phone")
    qtbot.addWidget(dialog)
    type_text(dialog.fields.editors["caller_name"], "أبو خالد")
    type_text(dialog.summary, "سؤال عن شروط التسجيل")
    dialog.save()
    assert dialog.saved.beneficiary_id is None and dialog.saved.caller_name == "أبو خالد"


def test_escape_cancels(session, qtbot, ben):
    dialog = ContactDialog(session, beneficiary_id=ben.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.saved is None


def test_the_follow_up_date_reads_year_month_day_in_arabic(session, qtbot, ben):
    """Qt's right-to-left date edit wrote its sections backwards (30-11-2026), and the default
    locale's short date was month first; the field writes the date as the tables do."""
    from PySide6.QtCore import QDate

    dialog = ContactDialog(session, beneficiary_id=ben.id, beneficiary_name=ben.full_name)
    qtbot.addWidget(dialog)
    dialog.follow_date.setDate(QDate(2026, 11, 30))
    assert dialog.follow_date.text() == "2026-11-30"
    assert dialog.follow_date.calendarWidget().layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_dialog_buttons_use_the_apps_own_words(session, qtbot, ben):
    """Qt's Arabic catalog says «احفظ» and «ألغِ»; every other button of the app says «حفظ»
    and «إلغاء»."""
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = ContactDialog(session, beneficiary_id=ben.id, beneficiary_name=ben.full_name)
    qtbot.addWidget(dialog)
    (box,) = dialog.findChildren(QDialogButtonBox)
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "حفظ"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "إلغاء"


def test_an_empty_summary_starts_on_the_right(session, qtbot, ben):
    dialog = ContactDialog(session, beneficiary_id=ben.id, beneficiary_name=ben.full_name)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.summary.setFocus()
    qtbot.waitUntil(dialog.summary.isVisible)
    assert dialog.summary.cursorRect().x() > dialog.summary.viewport().width() // 2
