"""Sign-in, the idle lock, the first-run wizard, and the staff and settings screens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QVBoxLayout, QWidget

from eskan_desk import i18n
from eskan_desk.app import open_context
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import ValidationError
from eskan_desk.services import auth
from eskan_desk.services.settings import load_settings
from eskan_desk.services.staff import current_branch, is_initialized
from eskan_desk.ui import staff_page
from eskan_desk.ui.first_run import FirstRunWizard
from eskan_desk.ui.idle_lock import IdleWatcher, LockDialog, lock_now
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.settings_page import SettingsPage
from eskan_desk.ui.sign_in import SignInDialog
from eskan_desk.ui.staff_page import StaffPage
from eskan_desk.ui.tasks import ImmediateRunner

from ..conftest import ADMIN_PASSWORD
from .typing import type_text

RTL = Qt.LayoutDirection.RightToLeft


@pytest.fixture
def errors(monkeypatch):
    """Message boxes would block: collect what they would have said."""
    shown: list[str] = []

    def fake(_parent, exc):
        shown.append(i18n.render_error(exc))

    monkeypatch.setattr(staff_page, "show_error", fake)
    return shown


def sign_in_dialog(qtbot, ctx, username, password):
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.username
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    return dialog


def test_sign_in_with_typed_credentials(arabic_app, qtbot, ctx, admin):
    dialog = sign_in_dialog(qtbot, ctx, "admin", ADMIN_PASSWORD)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.actor == admin
    assert dialog.layoutDirection() == RTL


def test_wrong_password_shows_the_error_in_arabic(arabic_app, qtbot, ctx):
    dialog = sign_in_dialog(qtbot, ctx, "admin", "not-my-password")
    assert dialog.isVisible() and dialog.actor is None
    expected = i18n.render_error(ValidationError("password", auth.WRONG_CREDENTIALS))
    assert dialog.error.text() == expected
    assert dialog.error.text().startswith("كلمة المرور")  # the field label, in Arabic
    assert dialog.password.text() == ""


def test_escape_cancels_sign_in(arabic_app, qtbot, ctx):
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)
    assert dialog.result() == SignInDialog.DialogCode.Rejected and not dialog.isVisible()


def test_idle_watcher_fires_after_the_interval(arabic_app, qtbot):
    watcher = IdleWatcher(ms=50)
    try:
        with qtbot.waitSignal(watcher.idle, timeout=2000):
            pass
    finally:
        watcher.stop()


def test_a_key_press_restarts_the_idle_interval(arabic_app, qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    watcher = IdleWatcher(ms=5000)
    try:
        qtbot.wait(800)
        assert watcher.remaining_ms() < 4500
        QTest.keyClick(edit, Qt.Key.Key_A)
        assert watcher.remaining_ms() > 4600
        watcher.set_minutes(3)
        assert watcher.minutes == 3
    finally:
        watcher.stop()


@pytest.fixture
def locked_window(qtbot, session):
    window = QWidget()
    QVBoxLayout(window)
    form_field = QLineEdit(window)
    window.layout().addWidget(form_field)
    qtbot.addWidget(window)
    window.show()
    type_text(form_field, "نورة العسيري")
    dialog = LockDialog(session, window)
    dialog.show()
    return window, form_field, dialog


def test_lock_dialog_cannot_be_escaped(locked_window, qtbot):
    _window, _field, dialog = locked_window
    assert dialog.isModal() and dialog.layoutDirection() == RTL
    assert "مدير النظام" in dialog.findChild(QLabel, "who").text()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
    dialog.reject()
    dialog.close()
    assert dialog.isVisible()
    assert not dialog.windowFlags() & Qt.WindowType.WindowCloseButtonHint


def test_wrong_password_keeps_it_locked_and_the_right_one_unlocks(locked_window, qtbot):
    window, form_field, dialog = locked_window
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.unlocked
    assert dialog.error.text().startswith("كلمة المرور")
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    dialog.unlock_button.click()
    assert dialog.unlocked and not dialog.isVisible()
    assert form_field.text() == "نورة العسيري"  # what was on screen is still there
    assert window.isVisible()


def test_lock_now_blocks_until_unlocked_and_keeps_the_window(qtbot, session):
    window = QMainWindow()
    form_field = QLineEdit()
    window.setCentralWidget(form_field)
    qtbot.addWidget(window)
    window.show()
    type_text(form_field, "طلب ترميم")

    def unlock():
        dialog = window.findChild(LockDialog)
        assert lock_now(window, session) is dialog  # a second idle while locked: no new dialog
        assert form_field.graphicsEffect() is not None  # hidden from the counter while locked
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.unlock()

    QTimer.singleShot(50, unlock)
    dialog = lock_now(window, session)
    assert dialog.unlocked
    assert form_field.text() == "طلب ترميم" and form_field.graphicsEffect() is None


def test_first_run_wizard_sets_up_an_empty_store(arabic_app, qtbot, tmp_path):
    ctx = open_context(tmp_path / "empty")
    try:
        assert not is_initialized(ctx)
        wizard = FirstRunWizard(ctx)
        qtbot.addWidget(wizard)
        wizard.show()
        assert wizard.layoutDirection() == RTL
        qtbot.keyClicks(wizard.editor("branch_code"), "k1")
        wizard.next_button.click()
        assert wizard.stack.currentIndex() == 0
        assert wizard.error_text("branch_code") == i18n.gettext(
            "must be 2 to 4 Latin letters, e.g. KMS"
        )
        assert wizard.error_text("branch_name") == i18n.gettext("is required")
        wizard.editor("branch_code").setText("kms")
        type_text(wizard.editor("branch_name"), "فرع خميس مشيط")
        wizard.next_button.click()
        assert wizard.stack.currentIndex() == 1
        qtbot.keyClicks(wizard.editor("username"), "manager")
        type_text(wizard.editor("full_name"), "سعد القحطاني")
        qtbot.keyClicks(wizard.editor("password"), "first-admin-1")
        qtbot.keyClicks(wizard.editor("password_again"), "first-admin-2")
        wizard.next_button.click()
        assert wizard.error_text("password_again") == i18n.gettext("the two passwords differ")
        assert not is_initialized(ctx)
        wizard.editor("password_again").setText("first-admin-1")
        wizard.next_button.click()
        assert wizard.result() == FirstRunWizard.DialogCode.Accepted
        assert wizard.actor.role == Role.ADMIN and wizard.actor.full_name == "سعد القحطاني"
        assert current_branch(ctx).code == "KMS"
        assert auth.sign_in(ctx, "manager", "first-admin-1").username == "manager"
    finally:
        ctx.close()


def test_staff_page_adds_resets_and_deactivates(qtbot, session, errors):
    changed = []
    session.events.changed.connect(lambda kind, rid: changed.append((kind, rid)))
    page = StaffPage(session)
    qtbot.addWidget(page)
    assert page.layoutDirection() == RTL
    assert page.table.rowCount() == 1
    dialog = page.add_staff()
    assert dialog.layoutDirection() == RTL
    qtbot.keyClicks(dialog.editor("username"), "noura")
    type_text(dialog.editor("full_name"), "نورة الشهري")
    role = dialog.editor("role")
    role.setCurrentIndex(role.findData("representative"))
    assert role.currentText() == i18n.gettext(Role.REPRESENTATIVE.label)
    qtbot.keyClicks(dialog.editor("password"), "short")
    dialog.ok_button.click()
    assert dialog.isVisible() and errors == [
        i18n.render_error(ValidationError("password", "must be at least {n} characters", {"n": 8}))
    ]
    dialog.editor("password").setText("noura-pass-1")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert page.table.rowCount() == 2
    added = next(r for r in page.rows if r.username == "noura")
    assert changed[-1] == ("staff", added.id)
    row = page.rows.index(added)
    assert page.table.item(row, 2).text() == i18n.gettext("Branch representative")
    page.select(added.id)
    reset = page.reset_password()
    reset.editor("password").setText("noura-pass-2")
    reset.editor("password_again").setText("noura-pass-2")
    reset.ok_button.click()
    assert auth.sign_in(session.ctx, "noura", "noura-pass-2").role == Role.REPRESENTATIVE
    page.toggle_active()
    assert not next(r for r in page.rows if r.id == added.id).active
    assert page.active_button.text() == i18n.gettext("Reactivate")
    page.select(session.actor.staff_id)
    page.toggle_active()  # yourself: refused by the service, shown in Arabic
    assert errors[-1].startswith("اسم المستخدم")


def test_settings_page_saves_for_admin_only(qtbot, session, ctx):
    page = SettingsPage(session)
    qtbot.addWidget(page)
    assert page.layoutDirection() == RTL and page.save_button.isEnabled()
    assert page.idle_minutes.value() == 10
    page.idle_minutes.setValue(3)
    with qtbot.waitSignal(session.events.changed) as signal:
        page.save_button.click()
    assert signal.args == ["settings", ""]
    assert load_settings(ctx).idle_lock_minutes == 3
    auth.add_staff(
        ctx,
        session.actor,
        username="huda",
        full_name="هدى",
        role="receptionist",
        password="huda-pass-1",
    )
    other = UiSession(
        ctx=ctx,
        actor=auth.sign_in(ctx, "huda", "huda-pass-1"),
        runner=ImmediateRunner(),
        events=UiEvents(),
    )
    page = SettingsPage(other)
    qtbot.addWidget(page)
    assert not page.save_button.isEnabled() and page.note.text()
