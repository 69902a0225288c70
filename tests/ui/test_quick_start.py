"""The quick start: a ready store shows the sign-in screen before the ORM loads.

``eskan_desk.boot`` decides from the store file alone (sqlite3) whether sign-in can come first;
anything unusual sends the app the full way, which explains the problem.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from eskan_desk import boot
from eskan_desk.app import STORE_FILE, open_context
from eskan_desk.models import migrate
from eskan_desk.services.settings import Settings, load_settings, save_settings
from eskan_desk.ui.main import quick_sign_in

from ..conftest import ADMIN_PASSWORD
from .probe import run_probe

ARABIC = "\u0600"


def test_head_revision_without_alembic_is_the_migrations_head():
    assert boot.head_revision() == migrate.head_revision()
    assert boot.head_revision() == max(p.name[:4] for p in (boot.MIGRATIONS).glob("[0-9]*_*.py"))


def test_a_set_up_store_is_ready_with_its_saved_preferences(ctx, data_dir):
    save_settings(ctx, Settings(language="en", idle_lock_minutes=7, digits="arab"))
    ready = boot.ready_store(data_dir)
    assert ready == boot.ReadyStore(
        data_dir=data_dir, language="en", digits="arab", idle_lock_minutes=7
    )
    assert load_settings(ctx).idle_lock_minutes == 7


def test_a_store_never_given_settings_is_ready_with_none_saved(data_dir):
    ready = boot.ready_store(data_dir)
    assert ready is not None and ready.language is None and ready.idle_lock_minutes is None


@pytest.mark.parametrize("case", ["missing", "new", "older", "damaged", "locked"])
def test_anything_unusual_goes_the_full_way(case, data_dir, tmp_path):
    db = data_dir / STORE_FILE
    blocker = None
    if case == "missing":
        db.unlink()
    elif case == "new":  # migrated but never set up: the first-run wizard
        fresh = tmp_path / "fresh"
        open_context(fresh).close()
        data_dir = fresh
    elif case == "older":  # a migration is due: the full start backs the store up first
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0001'")
    elif case == "damaged":
        db.write_bytes(b"this is not a database" * 100)
    else:
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("PRAGMA locking_mode = EXCLUSIVE")
        blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert boot.ready_store(data_dir) is None
    finally:
        if blocker is not None:
            blocker.close()


def test_the_sign_in_screen_loads_neither_the_orm_nor_the_services():
    # Nor the DB-API layer of sqlite3 and datetime: the boot check reads with sqlite3's core.
    code = (
        "import sys, json\n"
        "import eskan_desk.boot, eskan_desk.ui.main, eskan_desk.ui.sign_in\n"
        "import eskan_desk.ui.warm_up, eskan_desk.mofile\n"
        "print(json.dumps(sorted(m for m in ('sqlalchemy', 'argon2', 'reportlab', "
        "'eskan_desk.app', 'eskan_desk.models', 'eskan_desk.services', 'sqlite3', "
        "'datetime') if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout) == []
    boot_only = "import sys, eskan_desk.boot; print(sorted(sys.modules).__len__() and " + (
        "[m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", boot_only], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


@pytest.fixture
def quick(qapp, qtbot, data_dir):
    dialog, preload = quick_sign_in(qapp, boot.ready_store(data_dir), None)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog, preload
    preload.discard()
    if dialog.ctx is not None:
        dialog.ctx.close()


def test_quick_sign_in_opens_the_store_on_enter_and_signs_in(quick, qtbot):
    dialog, _ = quick
    assert dialog.ctx is None  # the store is the preload's until Enter
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "admin"
    assert dialog.ctx is not None and dialog.ctx.db_path.exists()


def test_quick_sign_in_refuses_a_wrong_password_in_arabic_and_stays_open(quick, qtbot):
    dialog, _ = quick
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "not-the-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.actor is None
    assert any(ARABIC <= ch <= "\u06ff" for ch in dialog.error.text())
    assert dialog.password.text() == ""


def test_cancelling_closes_the_store_the_preload_opened(quick, qtbot):
    dialog, preload = quick
    preload.wait()
    assert preload._ctx is not None
    qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Rejected
    preload.discard()
    assert preload._ctx is None and dialog.ctx is None


def test_a_store_lost_after_the_check_is_reported_not_raised(qapp, qtbot, data_dir):
    ready = boot.ready_store(data_dir)
    (data_dir / STORE_FILE).unlink()  # between the quick check and the preload
    dialog, preload = quick_sign_in(qapp, ready, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    preload.discard()
    assert dialog.result() == dialog.DialogCode.Rejected
    assert dialog.store_error is not None and dialog.actor is None and dialog.ctx is None
    assert str(Path(data_dir / STORE_FILE)) in str(dialog.store_error.params.values())


def test_the_sign_in_screen_reads_right_without_the_qt_namespace(quick):
    """Alignment and direction are set by value (``eskan_desk.ui.look``); these are Qt's."""
    from eskan_desk.ui import look

    dialog, _ = quick
    assert Qt.AlignmentFlag.AlignCenter.value == look.ALIGN_CENTER
    assert (
        Qt.LayoutDirection.LeftToRight.value,
        Qt.LayoutDirection.RightToLeft.value,
    ) == (look.LEFT_TO_RIGHT, look.RIGHT_TO_LEFT)
    header = dialog.findChild(QLabel, "charity_name")
    assert header.alignment() == Qt.AlignmentFlag.AlignCenter
    assert dialog.username.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert dialog.password.layoutDirection() == Qt.LayoutDirection.RightToLeft
    buttons = dialog.findChildren(QPushButton)  # Sign in, and Qt's own Cancel in Arabic
    assert len(buttons) == 2 and all(ARABIC <= b.text()[0] <= "\u06ff" for b in buttons)


# In a fresh process: the quick sign-in screen for the store in argv[1], painted; then either
# Enter-time work at once ("cold") or after the warm-up has run ("warm"). Prints whether the
# Qt namespace existed when the screen was up, and how many enum types PySide6 created while
# a list widget was built under an application event filter, as the main window is.
WARM_UP_PROBE = """
import enum, json, os, sys, time
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication
from eskan_desk.boot import ready_store
from eskan_desk.ui.main import quick_sign_in

app = QApplication([])
dialog, preload = quick_sign_in(app, ready_store(Path(sys.argv[1])), None)
dialog.show()
for _ in range(3):
    app.processEvents()
namespace_at_screen = "Qt" in vars(QtCore)
if sys.argv[2] == "warm":
    deadline = time.monotonic() + 60
    while not dialog.warm_up.done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
preload.discard()
created = []
create = enum.EnumType._create_
enum.EnumType._create_ = lambda *a, **k: created.append(a[1]) or create(*a, **k)

from PySide6.QtWidgets import QListWidget, QMainWindow, QWidget

class Filter(QtCore.QObject):
    def eventFilter(self, obj, event):
        return False

watcher = Filter()
app.installEventFilter(watcher)
window = QMainWindow()
QListWidget(QWidget(window))
print(json.dumps({"namespace_at_screen": namespace_at_screen,
                  "warm_up_done": dialog.warm_up.done, "created": len(created)}))
"""


# In a fresh process: which of PySide6's costlier types exist when the preload starts, that
# is once the sign-in screen is on display. PySide6 builds a type, with all its enums, the
# first time it is used; a type in this list was never needed to show the screen.
TYPES_AT_SCREEN_PROBE = """
import json, os, sys
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtCore, QtGui, QtWidgets
from eskan_desk.boot import ready_store
from eskan_desk.ui import main
from eskan_desk.ui.look import new_application

NAMES = {QtCore: ("Qt", "QEvent"), QtGui: ("QIcon",),
         QtWidgets: ("QDialogButtonBox", "QFormLayout", "QStyle")}
seen = []
start = main.Preload.start
def noting(self):
    if not seen:
        seen.append(sorted(n for mod, names in NAMES.items() for n in names if n in vars(mod)))
    start(self)
main.Preload.start = noting
app = new_application("probe")
dialog, preload = main.quick_sign_in(app, ready_store(Path(sys.argv[1])), None)
dialog.show()
while not seen:
    app.processEvents()
preload.discard()
print(json.dumps({"built": seen[0]}))
"""


def test_the_sign_in_screen_builds_none_of_the_costly_types_it_does_not_need(data_dir):
    """A Python paintEvent built QEvent (a 179-value enum), a button made with its text
    QIcon (151 values), a button box its own; none is needed to show the screen."""
    assert run_probe(TYPES_AT_SCREEN_PROBE, str(data_dir)) == {"built": []}


def _warm_up_probe(data_dir: Path, mode: str) -> dict:
    return run_probe(WARM_UP_PROBE, str(data_dir), mode)


def test_pyside_one_time_work_is_done_while_the_password_is_typed(data_dir):
    cold = _warm_up_probe(data_dir, "cold")
    warm = _warm_up_probe(data_dir, "warm")
    assert cold["namespace_at_screen"] is False and warm["namespace_at_screen"] is False
    assert cold["created"] > 50  # what Enter used to pay: the types built for a hidden class
    assert warm["warm_up_done"] is True and warm["created"] == 0


class _Paints(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_preload_starts_once_the_sign_in_screen_is_painted(qapp, qtbot, data_dir, monkeypatch):
    """Its imports hold the interpreter: begun before the first paint, they slowed it."""
    from eskan_desk.ui import sign_in
    from eskan_desk.ui.main import Preload

    monkeypatch.setattr(sign_in, "FIRST_PAINT_WAIT_MS", 60_000)  # a slow machine: no fallback
    paints = _Paints()
    started_after: list[int] = []
    real_start = Preload.start

    def start(self: Preload) -> None:
        started_after.append(paints.count)
        real_start(self)

    monkeypatch.setattr(Preload, "start", start)
    dialog, preload = quick_sign_in(qapp, boot.ready_store(data_dir), None)
    qtbot.addWidget(dialog)
    dialog.installEventFilter(paints)
    try:
        qtbot.wait(50)
        assert started_after == [] and preload._thread.ident is None  # not shown: not yet
        dialog.show()
        qtbot.waitUntil(lambda: bool(started_after), timeout=5000)
        assert started_after[0] >= 1  # the screen had been painted
    finally:
        preload.discard()
        if dialog.ctx is not None:
            dialog.ctx.close()


def test_what_waits_for_the_first_paint_runs_once_and_anyway_if_never_painted(qapp, qtbot):
    from eskan_desk.ui.sign_in import FIRST_PAINT_WAIT_MS, SignInDialog

    dialog = SignInDialog(lambda: None)
    qtbot.addWidget(dialog)
    calls: list[str] = []
    dialog.after_first_paint(lambda: calls.append("ran"))
    qtbot.wait(FIRST_PAINT_WAIT_MS // 3)
    assert calls == []
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)  # never painted: it runs anyway
    dialog.show()
    qtbot.wait(100)
    assert calls == ["ran"]


def test_the_warm_up_waits_for_the_preload_thread(qapp, qtbot):
    from eskan_desk.ui.warm_up import STEPS, WarmUp, freeze_loaded_modules

    ran: list[str] = []
    preload_done = [False]
    warm = WarmUp(lambda: preload_done[0])
    warm._steps = [lambda: ran.append("first"), lambda: ran.append("second")]
    warm.start()
    qtbot.wait(100)
    assert ran == [] and not warm.done
    preload_done[0] = True
    qtbot.waitUntil(lambda: warm.done, timeout=5000)
    assert ran == ["first", "second"]
    assert STEPS[0] is freeze_loaded_modules  # before the collector's first pass over them


def test_a_warm_up_step_may_let_go_of_what_owns_the_warm_up(qapp, qtbot):
    """A sign-in screen whose last reference is its own warm-up step (a test that returned
    while the screen's timers still ran) is deleted, with the warm-up and its timer, as the
    step returns: the warm-up must not touch them after it."""
    from PySide6.QtCore import QObject

    from eskan_desk.ui.warm_up import WarmUp

    ran: list[str] = []
    owners = [QObject()]  # the only reference to the warm-up's parent
    warm = WarmUp(lambda: True, owners[0], steps=(lambda: (ran.append("step"), owners.clear()),))
    warm.start()
    qtbot.waitUntil(lambda: ran == ["step"], timeout=5000)
    qtbot.wait(50)  # an exception in the timer's slot would be reported by pytest-qt here
    assert not owners


def test_the_password_is_checked_while_typed_and_enter_takes_the_answer(quick, qtbot, monkeypatch):
    from eskan_desk.services import auth

    dialog, preload = quick
    preload.wait()  # the store is open: each change of the password is checked on the worker
    auth.forget_checks()
    checked: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checked.append(p) or real(h, p))
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: ADMIN_PASSWORD in checked, timeout=10_000)
    qtbot.waitUntil(lambda: all(c.done() for c in auth._checks.values()), timeout=10_000)
    dialog._checker.submit(lambda: None).result()  # nothing left queued on the one worker
    done_before_enter = len(checked)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.actor.username == "admin"
    assert dialog.password.text() == ""  # the password typed does not outlive the screen
    assert len(checked) == done_before_enter  # Enter found the answer ready
    assert dialog._checker is None  # the worker is joined before the store can be closed
    assert not auth._checks  # and nothing typed is kept


def test_a_password_typed_before_the_store_opened_is_checked_once_it_has(qapp, qtbot, data_dir):
    from eskan_desk.services import auth

    auth.forget_checks()
    dialog, preload = quick_sign_in(qapp, boot.ready_store(data_dir), None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)  # the preload has not opened the store yet
    qtbot.waitUntil(lambda: dialog.warm_up.done, timeout=30_000)
    qtbot.waitUntil(lambda: len(auth._checks) == 1, timeout=10_000)
    dialog.reject()
    assert not auth._checks
    preload.discard()
    assert preload._ctx is None
    gc.unfreeze()  # the warm-up froze this test process's objects


def test_the_warm_up_freezes_nothing_once_the_desk_has(monkeypatch):
    """Enter before the warm-up: the desk froze the modules before its window; the warm-up's
    step coming after must not freeze the window with them."""
    from eskan_desk.ui import main_thread_gc
    from eskan_desk.ui.warm_up import freeze_loaded_modules

    gc.unfreeze()
    monkeypatch.setattr(main_thread_gc, "_frozen", False)
    assert main_thread_gc.freeze_loaded()  # what the desk did
    try:
        frozen = gc.get_freeze_count()
        window_like = [[] for _ in range(100)]
        freeze_loaded_modules()
        # Not one more object frozen (fewer is fine: a frozen object still dies when its
        # last reference goes, e.g. one another test's thread let go of meanwhile).
        assert gc.get_freeze_count() <= frozen
        assert any(obj is window_like for obj in gc.get_objects())
    finally:
        gc.unfreeze()


def _warmed(qtbot, quick) -> tuple:
    dialog, preload = quick
    qtbot.waitUntil(lambda: dialog.warm_up.done, timeout=30_000)
    return dialog, preload


def test_the_main_window_is_built_ahead_and_knows_nobody_until_enter(quick, qtbot):
    from eskan_desk.ui.session import NOBODY_YET

    _dialog, preload = _warmed(qtbot, quick)
    try:
        window = preload._window
        assert window is not None and not window.isVisible()
        assert window.session.actor is NOBODY_YET
        with pytest.raises(RuntimeError, match="nobody has signed in"):
            _ = window.session.actor.role
        qtbot.wait(300)  # longer than the window waits for its first paint
        assert window.nav.count() == 0  # no page chosen for anyone
        assert not window.auto_sync.active  # nothing talks to HQ before someone signs in
        assert not window.reads_started and window.pages["dashboard"].board is None
        assert window.user_label.text() == "" and window.branch_label.text() == ""
        assert window.pages["dashboard"].greeting.text() == ""
    finally:
        gc.unfreeze()  # the warm-up froze this test process's objects


def test_enter_shows_the_window_built_ahead_for_whoever_signed_in(quick, qtbot, qapp, ctx, admin):
    from eskan_desk.domain.enums import Role
    from eskan_desk.services.auth import add_staff
    from eskan_desk.ui.main import Desk
    from eskan_desk.ui.main_window import navigation_pages

    add_staff(
        ctx,
        admin,
        username="reem",
        full_name="ريم القحطاني",
        role="receptionist",
        password="front-desk-2026",
    )
    dialog, preload = _warmed(qtbot, quick)
    ahead = preload._window
    desk = None
    try:
        dialog.username.setText("reem")
        dialog.password.setText("front-desk-2026")
        dialog.accept()
        assert dialog.actor is not None and dialog.actor.role == Role.RECEPTIONIST
        window = preload.take_window()
        assert window is ahead
        desk = Desk(qapp, dialog.ctx, dialog.actor, 10, window=window)
        desk.start()
        assert desk.window is ahead and desk.session.actor == dialog.actor
        # A receptionist's pages: none of the supervisor's or the administrator's.
        shown = [ahead.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(ahead.nav.count())]
        expected = [
            c.page_id for c in navigation_pages() if c.roles is None or Role.RECEPTIONIST in c.roles
        ]
        assert shown == expected and "staff" not in shown
        assert "ريم القحطاني" in ahead.user_label.text()
        assert "ريم القحطاني" in ahead.pages["dashboard"].greeting.text()
        qtbot.waitUntil(lambda: ahead.pages["dashboard"].board is not None, timeout=10_000)
        qtbot.waitUntil(lambda: "KMS" in ahead.branch_label.text(), timeout=10_000)
    finally:
        if desk is not None:
            desk.window.close()
            desk.session.runner.shutdown()
        gc.unfreeze()


def _nav_ids(window) -> list[str]:
    return [window.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(window.nav.count())]


def _pages_of(role) -> list[str]:
    from eskan_desk.ui.main_window import navigation_pages

    return [c.page_id for c in navigation_pages() if c.roles is None or role in c.roles]


@pytest.fixture
def reem(ctx, admin):
    """A receptionist of the store the quick screen opens."""
    from eskan_desk.services.auth import add_staff

    add_staff(
        ctx, admin, username="reem", full_name="ريم القحطاني", role="receptionist",
        password="front-desk-2026",
    )  # fmt: skip


@contextlib.contextmanager
def _entered(qapp, dialog, preload):
    """Enter on the quick screen, and the desk it opens on the window built ahead."""
    from eskan_desk.ui.main import Desk

    dialog.accept()
    desk = Desk(qapp, dialog.ctx, dialog.actor, 10, window=preload.take_window())
    try:
        desk.start()
        yield desk
    finally:
        desk.window.close()
        desk.session.runner.shutdown()


def test_a_password_that_matches_lays_the_window_out_for_its_owner_before_enter(
    quick, qtbot, qapp, reem
):
    from eskan_desk.domain.enums import Role
    from eskan_desk.ui.session import NOBODY_YET

    dialog, preload = _warmed(qtbot, quick)
    ahead = preload._window
    try:
        dialog.username.setText("reem")
        dialog.password.setText("front-desk-2026x")  # a wrong password lays nothing out
        qtbot.waitUntil(lambda: dialog._answer is None, timeout=10_000)
        assert ahead.nav.count() == 0 and ahead.user_label.text() == ""
        dialog.password.setText("front-desk-2026")
        qtbot.waitUntil(lambda: ahead.nav.count() > 0, timeout=10_000)
        # Her navigation, name and greeting, off screen; nothing read, started or signed in.
        assert _nav_ids(ahead) == _pages_of(Role.RECEPTIONIST)
        assert "ريم القحطاني" in ahead.user_label.text()
        assert "ريم القحطاني" in ahead.pages["dashboard"].greeting.text()
        assert not ahead.isVisible() and ahead.session.actor is NOBODY_YET
        dashboard = ahead.pages["dashboard"]  # what needs no read is there for the first frame
        assert "هـ" in dashboard.date_label.text() and "هـ" in ahead.date_label.text()
        assert dashboard.due_panel.title.text() == "متابعات مستحقة اليوم"
        assert dashboard.loading.text() == "جارٍ تحميل لوحة المتابعة…"
        assert not ahead.reads_started and not ahead.auto_sync.active
        first_item = ahead.nav.item(0)
        with _entered(qapp, dialog, preload) as desk:
            assert desk.window is ahead and ahead.nav.item(0) is first_item  # Enter kept it
            assert _nav_ids(ahead) == _pages_of(Role.RECEPTIONIST)
            qtbot.waitUntil(lambda: dashboard.board is not None, timeout=10_000)
            assert dashboard.loading.text() == ""  # the figures are in
    finally:
        gc.unfreeze()


def test_enter_by_someone_else_than_the_window_was_laid_out_for_gets_their_own(
    quick, qtbot, qapp, ctx, admin, reem
):
    from eskan_desk.domain.enums import Role
    from eskan_desk.services.auth import check_ahead

    dialog, preload = _warmed(qtbot, quick)
    ahead = preload._window
    try:
        preload.dress_window(check_ahead(ctx, "reem", "front-desk-2026"))
        assert _nav_ids(ahead) == _pages_of(Role.RECEPTIONIST)
        dialog.on_checked = None  # the administrator signs in before any answer lays it out
        dialog.username.setText("admin")
        dialog.password.setText(ADMIN_PASSWORD)
        with _entered(qapp, dialog, preload) as desk:
            assert desk.window is ahead
            assert _nav_ids(ahead) == _pages_of(Role.ADMIN) and "staff" in _nav_ids(ahead)
            greeting = ahead.pages["dashboard"].greeting.text()
            assert "ريم" not in ahead.user_label.text() and "ريم" not in greeting
            assert admin.full_name in greeting
    finally:
        gc.unfreeze()


def test_cancelling_closes_the_window_built_ahead(quick, qtbot):
    dialog, preload = _warmed(qtbot, quick)
    try:
        window = preload._window
        assert window is not None
        destroyed = []
        window.destroyed.connect(lambda: destroyed.append(True))
        qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)
        preload.discard()
        assert preload.take_window() is None
        qtbot.waitUntil(lambda: bool(destroyed))  # deleted, not left hidden
    finally:
        gc.unfreeze()


def test_a_window_built_ahead_on_another_context_is_not_used(quick, qtbot, qapp, ctx, admin):
    from eskan_desk.ui.main import Desk

    _dialog, preload = _warmed(qtbot, quick)
    window = preload.take_window()
    desk = Desk(qapp, ctx, admin, 10, window=window)  # ctx: not the store the preload opened
    try:
        desk.start()
        assert desk.window is not window and desk.window.session.ctx is ctx
    finally:
        desk.window.close()
        desk.session.runner.shutdown()
        gc.unfreeze()


@pytest.mark.parametrize("lang", [None, "en", "ar"])
def test_no_arguments_read_as_argparse_reads_them(monkeypatch, lang):
    from eskan_desk.ui import main as desk_main

    if lang is None:
        monkeypatch.delenv("ESKAN_LANG", raising=False)
    else:
        monkeypatch.setenv("ESKAN_LANG", lang)
    parsed = desk_main.build_parser().parse_args([])
    assert desk_main.parse_args([]) == desk_main.DeskArgs(
        data_dir=parsed.data_dir, lang=parsed.lang, screenshots=parsed.screenshots
    )
    assert set(vars(parsed)) == set(desk_main.DeskArgs._fields)  # no option left out


def test_arguments_still_go_through_argparse(tmp_path):
    from eskan_desk.ui import main as desk_main

    args = desk_main.parse_args(["--data-dir", str(tmp_path), "--lang", "en"])
    assert args == desk_main.DeskArgs(data_dir=tmp_path, lang="en", screenshots=None)


@contextlib.contextmanager
def _signed_in_desk(quick, qtbot, qapp, idle_minutes: int | None, before_show=None):
    """The admin signs in on the quick way and the desk opens (``before_show(window)`` first);
    the window and its worker are closed afterwards."""
    from eskan_desk.ui.main import open_desk

    dialog, preload = _warmed(qtbot, quick)
    desk = None
    try:
        dialog.username.setText("admin")
        dialog.password.setText(ADMIN_PASSWORD)
        dialog.accept()
        window = preload.take_window()
        if before_show is not None:
            before_show(window)
        desk = open_desk(qapp, dialog, window, idle_minutes)
        yield desk
    finally:
        if desk is not None:
            desk.window.close()
            desk.session.runner.shutdown()
        gc.unfreeze()


def test_enter_does_not_wait_for_the_idle_setting_which_arrives_after_the_paint(
    quick, qtbot, qapp, ctx
):
    from eskan_desk.services.settings import Settings, save_settings

    save_settings(ctx, Settings(idle_lock_minutes=7))  # saved after the boot check read 3
    with _signed_in_desk(quick, qtbot, qapp, 3) as desk:
        assert desk.watcher.minutes == 3  # the window is on screen before the read
        qtbot.waitUntil(lambda: desk.watcher.minutes == 7, timeout=10_000)
        assert desk.window.isVisible()


def test_the_idle_watcher_starts_after_the_first_paint(quick, qtbot, qapp, monkeypatch):
    # An application filter installed before the first paint sees its ~120 events (5-10 ms
    # of Python on the way to the window); a zero timer fires before that paint.
    from PySide6.QtCore import QEvent, QObject

    from eskan_desk.ui.idle_lock import IdleWatcher

    class Paints(QObject):
        count = 0

        def eventFilter(self, _watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    at_watch: list[int] = []
    watch = IdleWatcher.watch
    monkeypatch.setattr(IdleWatcher, "watch", lambda w: at_watch.append(paints.count) or watch(w))
    with _signed_in_desk(quick, qtbot, qapp, None, lambda w: w.installEventFilter(paints)) as desk:
        qtbot.waitUntil(lambda: bool(at_watch), timeout=5_000)
        desk.window.removeEventFilter(paints)
    assert at_watch[0] >= 1, "the idle watcher started before the window was painted"
