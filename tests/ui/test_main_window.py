"""The main window: navigation by role, right to left everywhere, keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from eskan_desk.domain.enums import Role
from eskan_desk.services.auth import add_staff, sign_in
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner

from ..services.helpers import applicant


def nav_ids(w: MainWindow) -> list[str]:
    return [w.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.nav.count())]


def test_every_screen_lays_out_right_to_left(window):
    for page_id in window.page_ids:
        page = window.show_page(page_id)
        assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft, page_id
        for child in page.findChildren(QWidget):
            if getattr(child, "direction_neutral", False):
                continue
            assert child.layoutDirection() == Qt.LayoutDirection.RightToLeft, (page_id, child)


def test_admin_sees_staff_but_a_receptionist_does_not(window, session, ctx, arabic_app, qtbot):
    assert "staff" in nav_ids(window)
    add_staff(
        ctx,
        session.actor,
        username="huda",
        full_name="هدى الشهري",
        role="receptionist",
        password="reception-2026",
    )
    actor = sign_in(ctx, "huda", "reception-2026")
    assert actor.role is Role.RECEPTIONIST
    w = MainWindow(UiSession(ctx=ctx, actor=actor, runner=ImmediateRunner(), events=UiEvents()))
    qtbot.addWidget(w)
    assert "staff" not in nav_ids(w)
    assert {"dashboard", "registry", "register", "settings"} <= set(nav_ids(w))


def test_ctrl_f_focuses_search_from_anywhere(window, qtbot):
    window.show_page("dashboard")
    # Qt delivers a shortcut only to the active window, which offscreen runs in parallel
    # workers do not guarantee; the test checks the binding and what it does.
    (shortcut,) = [s for s in window.findChildren(QShortcut) if s.key() == QKeySequence("Ctrl+F")]
    shortcut.activated.emit()
    registry = window.pages["registry"]
    assert window.stack.currentWidget() is registry
    assert window.focusWidget() is registry.search_box


def test_status_bar_names_user_branch_dates_and_pending_changes(window, session):
    assert session.actor.full_name in window.user_label.text()
    assert "KMS" in window.branch_label.text()
    assert "هـ" in window.date_label.text()  # Hijri
    assert "2026" in window.date_label.text()  # Gregorian
    before = window.sync_label.text()
    register_beneficiary(session.ctx, session.actor, applicant())
    window.refresh_status()
    assert window.sync_label.text() != before


def test_open_a_file_and_log_a_call_from_it(window, session):
    ben = register_beneficiary(session.ctx, session.actor, applicant())
    session.events.open_beneficiary.emit(ben.id)
    assert window.stack.currentWidget() is window.file_page
    assert window.file_page.file.id == ben.id
    dialog = window.log_contact(ben.id, "phone")
    assert dialog.channel.value() == "phone"
    dialog.close()


def test_qt_own_buttons_are_arabic(arabic_app, qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in t) for t in texts), texts
