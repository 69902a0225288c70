"""Start-up problems reach the user as a message, never a traceback.

QMessageBox.critical is replaced by a recorder here: a modal box would wait for a click that an
offscreen test cannot give (the one boundary these tests do not cross for real).
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from eskan_desk.app import STORE_FILE, open_context
from eskan_desk.ui import main as desk_main


@pytest.fixture
def shown(monkeypatch, arabic_app):
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    return messages


def test_lost_store_gives_an_arabic_message(shown, data_dir):
    open_context(data_dir).close()
    (data_dir / STORE_FILE).unlink()
    code = desk_main.main(["--data-dir", str(data_dir), "--lang", "ar"])
    assert code == 3
    assert len(shown) == 1 and str(data_dir) in shown[0]
    assert any("\u0600" <= ch <= "\u06ff" for ch in shown[0])


def test_locked_store_gives_a_message(shown, data_dir, monkeypatch):
    from eskan_desk.models import engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(data_dir / STORE_FILE)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = desk_main.main(["--data-dir", str(data_dir)])
    finally:
        holder.rollback()
        holder.close()
    assert code == 3 and len(shown) == 1


def test_screenshots_render_every_main_screen(data_dir, arabic_app, tmp_path):
    from eskan_desk.services.beneficiaries import register_beneficiary
    from eskan_desk.services.staff import resolve_actor

    from ..services.helpers import applicant

    ctx = open_context(data_dir)
    register_beneficiary(ctx, resolve_actor(ctx), applicant())
    ctx.close()
    out = tmp_path / "shots"
    assert desk_main.main(["--data-dir", str(data_dir), "--screenshots", str(out)]) == 0
    names = {p.name for p in out.glob("*.png")}
    assert {
        "sign-in.png",
        "dashboard.png",
        "registry.png",
        "search.png",
        "registration.png",
        "beneficiary-profile.png",
        "beneficiary-timeline.png",
        "contact-dialog.png",
        "staff.png",
        "settings.png",
    } <= names


def test_a_ready_store_opens_the_window_built_while_the_password_was_typed(
    data_dir, arabic_app, qtbot
):
    """The real start on a ready store (eskan-desk with no options): the sign-in screen, the
    window built ahead while the password is typed, Enter, and that very window on screen with
    the dashboard's figures."""
    import gc

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from eskan_desk.ui.idle_lock import IdleWatcher
    from eskan_desk.ui.main_window import MainWindow
    from eskan_desk.ui.sign_in import SignInDialog

    from ..conftest import ADMIN_PASSWORD

    open_context(data_dir).close()  # set up, at the newest migration: ready for the quick start
    seen: dict = {}

    def tops(cls):
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, cls)]

    def drive() -> None:
        dialog = next((d for d in tops(SignInDialog) if d.isVisible()), None)
        if dialog is not None and "ahead" not in seen:
            ahead = [w for w in tops(MainWindow) if not w.isVisible()]
            if dialog.warm_up.done and ahead:
                seen["ahead"] = ahead[0]
                dialog.username.setText("admin")
                dialog.password.setText(ADMIN_PASSWORD)
                dialog.sign_in_button.click()
            return
        shown = [w for w in tops(MainWindow) if w.isVisible()]
        if shown and shown[0].pages["dashboard"].board is not None:
            seen["shown"] = shown[0]
            seen["nav"] = shown[0].nav.count()
            shown[0].close()
            QApplication.quit()

    timer = QTimer(interval=20)
    timer.timeout.connect(drive)
    timer.start()
    give_up = QTimer(singleShot=True, interval=60_000)  # never hang the suite
    give_up.timeout.connect(QApplication.quit)
    give_up.start()
    try:
        assert desk_main.main(["--data-dir", str(data_dir)]) == 0
    finally:
        timer.stop()
        give_up.stop()
        for watcher in arabic_app.findChildren(IdleWatcher):
            arabic_app.removeEventFilter(watcher)
            watcher.deleteLater()
        gc.unfreeze()  # the warm-up froze this test process's objects
    assert seen.get("shown") is not None and seen["shown"] is seen["ahead"]
    assert seen["nav"] > 0
