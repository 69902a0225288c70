"""Registering a beneficiary by typing Arabic into the real form; drafts survive a crash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from eskan_desk.services import drafts
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.search import search_beneficiaries
from eskan_desk.ui.registration_form import RegistrationPage

from ..services.helpers import applicant, counts
from .typing import type_text


@pytest.fixture
def form(session, qtbot):
    page = RegistrationPage(session)
    qtbot.addWidget(page)
    page.show()
    page.start_new(restore=False)
    return page


def fill(form, values: dict[str, str]) -> None:
    for code, text in values.items():
        widget = form.editor(code)
        widget.setFocus()
        type_text(widget, text)


VALID = {
    "national_id": "١٠٠٠٠٠٠٠٠٨",  # Arabic-Indic digits
    "first_name": "نورة",
    "father_name": "عبد الله",
    "grandfather_name": "سعيد",
    "family_name": "القحطاني",
    "mobile": "055 123 4567",
    "birth_date": "1405",
}


def test_register_by_typing_arabic(form, session, qtbot):
    opened = []
    session.events.open_beneficiary.connect(opened.append)
    fill(form, VALID)
    assert form.editor("first_name").text() == "نورة"
    assert form.validate() == []
    form.save()
    assert len(opened) == 1
    found = search_beneficiaries(session.ctx, "نوره عبدالله القحطانى")
    assert [r.id for r in found] == opened
    assert found[0].national_id == "1000000008" and found[0].mobile == "+966551234567"
    # the draft is gone once the file is saved
    assert drafts.load_draft(session.ctx, session.actor, "beneficiary", "new") is None


def test_inline_errors_appear_beside_the_field_in_arabic_and_nothing_is_stored(form, session):
    before = counts(session.ctx)
    fill(form, {**VALID, "national_id": "1000000009", "mobile": "011 234 5678"})
    assert "رقم التحقق" in form.fields.errors["national_id"].text()
    assert form.fields.errors["mobile"].text()  # shown while typing, in Arabic
    assert form.fields.errors["first_name"].text() == ""
    form.save()
    assert counts(session.ctx) == before
    assert form.editor("first_name").text() == "نورة"  # the form keeps what was typed


def test_an_untouched_field_shows_no_error_until_save(form):
    type_text(form.editor("first_name"), "نورة")
    assert form.fields.errors["national_id"].text() == ""
    form.save()
    assert form.fields.errors["national_id"].text() != ""


def test_a_registered_national_id_jumps_to_the_existing_file(form, session):
    existing = register_beneficiary(session.ctx, session.actor, applicant())
    opened = []
    session.events.open_beneficiary.connect(opened.append)
    type_text(form.editor("national_id"), "1000000008")
    assert existing.file_no in form.fields.errors["national_id"].text()
    assert form.duplicate_button.isVisibleTo(form)
    form.duplicate_button.click()
    assert opened == [existing.id]


def test_enter_saves(form, session, qtbot):
    opened = []
    session.events.open_beneficiary.connect(opened.append)
    fill(form, VALID)
    qtbot.keyClick(form.editor("mobile"), Qt.Key.Key_Return)
    assert len(opened) == 1


def test_draft_survives_the_window_being_destroyed(session, qtbot):
    page = RegistrationPage(session)  # not handed to qtbot: this test destroys it itself
    page.start_new(restore=False)
    fill(page, {"first_name": "هيا", "family_name": "الشهري", "mobile": "0509"})
    page.save_draft()  # what the autosave timer does a moment after the last keystroke
    page.deleteLater()  # killed: never saved, never cancelled
    qtbot.wait(10)
    again = RegistrationPage(session)
    qtbot.addWidget(again)
    again.start_new(restore=True)
    assert again.editor("first_name").text() == "هيا"
    assert again.editor("mobile").text() == "0509"
    assert again.fields.errors["mobile"].text()  # still invalid, still shown


def test_autosave_timer_writes_the_draft(form, session, qtbot):
    type_text(form.editor("first_name"), "مريم")
    qtbot.waitUntil(
        lambda: drafts.load_draft(session.ctx, session.actor, "beneficiary", "new") is not None,
        timeout=3000,
    )
    d = drafts.load_draft(session.ctx, session.actor, "beneficiary", "new")
    assert d.payload["first_name"] == "مريم"


def test_form_is_right_to_left(form):
    assert form.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert form.editor("first_name").isRightToLeft()
