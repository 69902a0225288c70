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


# ``eskan-desk`` with no options, in a process of its own (QApplication.exec() runs there, and
# quitting it leaves Qt's quit pending in the process): a timer types the password once the
# window is built ahead, presses Enter, and reports the window that came up.
READY_START = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from eskan_desk.ui import main as desk_main
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.sign_in import SignInDialog

seen = {}

def tops(cls):
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, cls)]

def drive():
    if "shown" in seen:
        return
    dialog = next((d for d in tops(SignInDialog) if d.isVisible()), None)
    if dialog is not None and "ahead" not in seen:
        ahead = [w for w in tops(MainWindow) if not w.isVisible()]
        if dialog.warm_up.done and ahead:
            seen["ahead"] = ahead[0]
            dialog.username.setText("admin")
            dialog.password.setText(sys.argv[2])
            dialog.sign_in_button.click()
        return
    shown = [w for w in tops(MainWindow) if w.isVisible()]
    if shown and shown[0].pages["dashboard"].board is not None:
        seen["shown"] = shown[0]
        seen["nav"] = shown[0].nav.count()
        seen["user"] = shown[0].user_label.text()
        QApplication.quit()

timer = QTimer(interval=20)
timer.timeout.connect(drive)
timer.start()
QTimer.singleShot(30_000, QApplication.closeAllWindows)  # give up: the sign-in or the window
code = desk_main.main(["--data-dir", sys.argv[1]])
print(json.dumps({
    "code": code,
    "built_ahead": "ahead" in seen,
    "shown_is_ahead": "shown" in seen and seen["shown"] is seen["ahead"],
    "nav": seen.get("nav", 0),
    "user": seen.get("user", ""),
}))
"""


def test_a_ready_store_opens_the_window_built_while_the_password_was_typed(data_dir):
    """The real start on a ready store: the sign-in screen, the window built ahead while the
    password is typed, Enter, and that very window on screen with the dashboard's figures."""
    from ..conftest import ADMIN_PASSWORD
    from .probe import run_probe

    open_context(data_dir).close()  # set up, at the newest migration: ready for the quick start
    result = run_probe(READY_START, str(data_dir), ADMIN_PASSWORD)
    assert result["code"] == 0 and result["built_ahead"] and result["shown_is_ahead"]
    assert result["nav"] > 0 and "(" in result["user"]  # the admin's pages and name, by role


def test_the_app_is_made_in_the_fusion_style_whatever_the_environment_asks():
    """eskan-desk names its style when QApplication is made (new_application), so that no
    QStyle reaches Python on the way to the sign-in screen; a style asked for in the
    environment does not win over it."""
    import os
    import subprocess
    import sys

    probe = (
        "from eskan_desk.ui.look import new_application, style_app\n"
        "app = new_application('eskan-desk')\n"
        "style_app(app)\n"
        "print(app.style().name())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_STYLE_OVERRIDE": "windows"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "fusion"
