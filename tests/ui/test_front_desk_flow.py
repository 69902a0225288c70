"""The issue's acceptance path, through the real widgets: sign in with the admin password,
register a beneficiary by typing Arabic, log a call from the family file, see it on the
dashboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.sign_in import SignInDialog
from eskan_desk.ui.tasks import ImmediateRunner

from ..conftest import ADMIN_PASSWORD
from .typing import type_text


def table_texts(table: QTableWidget) -> list[str]:
    return [
        table.item(r, c).text()
        for r in range(table.rowCount())
        for c in range(table.columnCount())
        if table.item(r, c)
    ]


def test_sign_in_register_log_a_call_and_see_it_on_the_dashboard(arabic_app, qtbot, ctx):
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.username == "admin"

    session = UiSession(ctx=ctx, actor=dialog.actor, runner=ImmediateRunner(), events=UiEvents())
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()

    window.new_registration(restore=False)
    form = window.pages["register"]
    for code, text in {
        "national_id": "1000000008",
        "first_name": "منيرة",
        "father_name": "سعد",
        "grandfather_name": "مبارك",
        "family_name": "الأحمري",
        "mobile": "0551234567",
    }.items():
        type_text(form.editor(code), text)
    form.save()
    assert window.stack.currentWidget() is window.file_page
    assert window.file_page.file.full_name == "منيرة سعد مبارك الأحمري"

    call = window.log_contact(window.file_page.file.id, "phone")
    type_text(call.fields.editors["call_duration"], "2:30")
    type_text(call.summary, "اتصال للاستفسار عن موعد الزيارة المنزلية")
    call.save()
    assert call.saved is not None

    window.show_page("dashboard")
    recent = window.pages["dashboard"].recent_table
    assert any("منيرة سعد مبارك الأحمري" in t for t in table_texts(recent))
    assert any("الاتصالات الهاتفية" in t for t in table_texts(recent))
