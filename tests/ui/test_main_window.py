"""The main window: navigation by role, right to left everywhere, keyboard shortcuts."""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from eskan_desk.domain.enums import Role
from eskan_desk.services.auth import add_staff, sign_in
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner, _deliver

from ..services.helpers import applicant


def nav_ids(w: MainWindow) -> list[str]:
    return [w.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.nav.count())]


def test_every_screen_lays_out_right_to_left(window):
    for page_id in window.page_ids:
        page = window.show_page(page_id)
        assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft, page_id
        for child in page.findChildren(QWidget):
            if _within_neutral(child, page):
                continue
            assert child.layoutDirection() == Qt.LayoutDirection.RightToLeft, (page_id, child)


def _within_neutral(widget: QWidget, page: QWidget) -> bool:
    """A left-to-right value (a date field) or a drawing surface, or a part of one."""
    while widget is not None and widget is not page:
        if getattr(widget, "direction_neutral", False):
            return True
        widget = widget.parentWidget()
    return False


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


class DeferredRunner:
    """The database worker held still: each task waits until :meth:`run`, as it would wait for
    the worker thread, so a test sees what the UI thread does before the answer comes."""

    def __init__(self) -> None:
        self.pending: list = []

    def submit(self, fn, on_done=None, on_error=None) -> Future:
        future: Future = Future()
        self.pending.append((fn, on_done, on_error, future))
        return future

    def run(self) -> None:
        while self.pending:
            fn, on_done, on_error, future = self.pending.pop(0)
            try:
                future.set_result(fn())
            except Exception as exc:
                future.set_exception(exc)
            _deliver(future, on_done, on_error)

    def shutdown(self) -> None:
        self.run()


def test_the_status_bar_is_read_on_the_worker_and_again_after_a_change_meanwhile(session, qtbot):
    session.runner = runner = DeferredRunner()
    w = MainWindow(session)
    qtbot.addWidget(w)
    assert session.actor.full_name in w.user_label.text()
    assert not runner.pending  # nothing is read before the window is painted
    w.show()
    qtbot.waitUntil(lambda: bool(runner.pending))
    assert w.branch_label.text() == "" and w.sync_label.text() == ""  # nothing read here
    # Not empty boxes meanwhile: hidden until their figures are in; the date needs no read.
    assert not w.branch_label.isVisible() and not w.sync_label.isVisible()
    assert w.date_label.isVisible() and "1448 هـ" in w.date_label.text()
    fn, on_done, on_error, future = runner.pending.pop(0)  # the status read, on its way
    queued = len(runner.pending)
    register_beneficiary(session.ctx, session.actor, applicant())
    w.refresh_status()  # what a change asks for, while the read is out
    assert len(runner.pending) == queued  # not a second read at once
    future.set_result(fn())
    _deliver(future, on_done, on_error)
    assert "KMS" in w.branch_label.text() and w.sync_label.text()
    assert w.branch_label.isVisible() and w.sync_label.isVisible()
    assert len(runner.pending) == queued + 1  # but one more, now that the first is in
    runner.run()
    assert "KMS" in w.branch_label.text()


def test_a_registration_left_unsaved_is_offered_back_after_sign_in(session, qtbot, monkeypatch):
    """The app was killed mid-form: after the next sign-in the window asks, once the database
    worker has read the drafts, and on Yes opens the form as it was left. The question box is
    answered by a recorder: a modal box would wait for a click."""
    from PySide6.QtWidgets import QMessageBox

    from eskan_desk.services import drafts
    from eskan_desk.ui import main_window as main_window_module
    from eskan_desk.ui.registration_form import FORM

    drafts.save_draft(
        session.ctx, session.actor, FORM, "new", {"first_name": "هيا", "mobile": "0509"}
    )
    asked = []

    def answer_yes(*args):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(main_window_module.QMessageBox, "question", answer_yes)
    session.runner = runner = DeferredRunner()
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.reads_started)  # once the window is painted
    runner.run()  # what the window itself asked the worker for
    w.offer_left_drafts()
    assert asked == []  # the drafts are read on the worker: the window is usable meanwhile
    runner.run()
    assert len(asked) == 1
    form = w.pages["register"]
    assert w.stack.currentWidget() is form
    assert form.editor("first_name").text() == "هيا"
    assert form.editor("mobile").text() == "0509"
    form.cancel()  # closed and discarded (Yes again)
    runner.run()
    assert drafts.list_drafts(session.ctx, session.actor) == []


def _close(desk, app) -> None:
    desk.window.close()
    desk.session.runner.shutdown()
    app.removeEventFilter(desk.watcher)
    desk.watcher.deleteLater()


def test_the_full_start_freezes_what_is_loaded_before_the_window(
    arabic_app, ctx, admin, monkeypatch
):
    """Nothing frozen yet (the full start, or Enter before the warm-up froze the modules): the
    modules leave the collector's generations, the window built after them stays collectable."""
    import gc

    from eskan_desk.ui import main_thread_gc
    from eskan_desk.ui.main import Desk

    gc.unfreeze()  # as a process that has not frozen anything yet
    monkeypatch.setattr(main_thread_gc, "_frozen", False)
    desk = Desk(arabic_app, ctx, admin, 10)
    try:
        desk.start()
        assert desk.window.isVisible() and desk.window.pages["dashboard"].isVisible()
        assert main_thread_gc.frozen() and gc.get_freeze_count() > 0
        assert any(obj is desk.window for obj in gc.get_objects())  # not frozen
    finally:
        _close(desk, arabic_app)
        gc.unfreeze()


def test_after_the_quick_start_froze_its_modules_the_desk_freezes_nothing(
    arabic_app, ctx, admin, monkeypatch
):
    import gc

    from eskan_desk.ui import main_thread_gc
    from eskan_desk.ui.main import Desk

    gc.unfreeze()
    monkeypatch.setattr(main_thread_gc, "_frozen", False)
    assert main_thread_gc.freeze_loaded()  # what the warm-up did while the password was typed
    frozen = gc.get_freeze_count()
    desk = Desk(arabic_app, ctx, admin, 10)
    try:
        desk.start()
        assert gc.get_freeze_count() <= frozen  # nothing frozen again (frozen objects may die)
    finally:
        _close(desk, arabic_app)
        gc.unfreeze()


def test_the_desk_counts_activity_from_the_turn_after_its_window_is_shown(
    arabic_app, ctx, admin, qtbot
):
    """The idle watcher is installed once the window is on screen (the window's first show
    sends its filter hundreds of events), and from then on a key press restarts the interval."""
    from PySide6.QtTest import QTest

    from eskan_desk.ui.main import Desk

    desk = Desk(arabic_app, ctx, admin, 10)
    try:
        desk.start()
        desk.watcher.set_interval_ms(5000)
        qtbot.wait(800)
        assert desk.watcher.remaining_ms() < 4500
        QTest.keyClick(desk.window, Qt.Key.Key_Shift)
        assert desk.watcher.remaining_ms() > 4600
    finally:
        _close(desk, arabic_app)


def test_a_family_file_fits_a_768_line_screen_and_names_its_need_tier(window, session):
    """The profile scrolls instead of stretching the window; the need tier is a label."""
    from PySide6.QtWidgets import QLabel

    ben = register_beneficiary(
        session.ctx,
        session.actor,
        applicant(need_tier="B", marital_status="divorced", birth_date="1388"),
    )
    window.open_beneficiary(ben.id)
    assert window.minimumSizeHint().height() <= 768
    texts = [w.text() for w in window.file_page.profile.findChildren(QLabel)]
    assert "الفئة ب" in texts and "B" not in texts
    assert "مطلقة" in texts  # said of her, not «مطلق/مطلقة»
    assert "1388 هـ" in texts  # the year her ID gives, not the Gregorian 1968


def test_the_timeline_fits_the_page_with_long_texts_in_tooltips(window, session, qtbot):
    from eskan_desk.services.contacts import ContactInput, log_contact

    ben = register_beneficiary(session.ctx, session.actor, applicant())
    summary = "استفسار عن " + "شروط دعم الإيجار والمستندات المطلوبة " * 4
    log_contact(
        session.ctx,
        session.actor,
        ContactInput(
            channel="interview",
            visit_location="مقر الجمعية - مكتب الباحث الاجتماعي في الدور الثاني",
            summary=summary,
            outcome="أُحيل إلى الباحث الاجتماعي لدراسة الحالة وزيارة المنزل",
            beneficiary_id=ben.id,
        ),
    )
    window.resize(1280, 800)
    window.show()
    window.open_beneficiary(ben.id)
    page = window.file_page
    page.tabs.setCurrentWidget(page.timeline)
    qtbot.waitUntil(lambda: page.timeline.isVisible())
    assert page.timeline.horizontalScrollBar().maximum() == 0
    assert page.timeline.item(0, 4).toolTip() == summary.strip()


def test_the_timeline_says_a_calls_length_is_minutes(window, session, qtbot):
    from eskan_desk.services.contacts import ContactInput, log_contact

    ben = register_beneficiary(session.ctx, session.actor, applicant())
    log_contact(
        session.ctx,
        session.actor,
        ContactInput(
            channel="phone", call_duration="10:10", summary="سؤال عن الطلب", beneficiary_id=ben.id
        ),
    )
    window.open_beneficiary(ben.id)
    page = window.file_page
    assert page.timeline.horizontalHeaderItem(6).text() == "الموظف"
    cell = page.timeline.item(0, 1).text().replace("\u2066", "").replace("\u2069", "")
    assert cell == "الاتصالات الهاتفية (10:10 دقيقة)"  # not a time of day


def test_switching_to_english_rebuilds_the_window_with_its_status_bar(
    arabic_app, ctx, admin, qtbot
):
    """Saving another language rebuilds the window; what the worker was reading for the old
    one is dropped with it, and the new one fills its status bar from the worker."""
    import dataclasses

    import shiboken6

    from eskan_desk import i18n
    from eskan_desk.services.settings import load_settings
    from eskan_desk.services.settings_admin import update_settings
    from eskan_desk.ui.look import apply_language
    from eskan_desk.ui.main import Desk

    desk = Desk(arabic_app, ctx, admin, 10)
    try:
        desk.start()
        old = desk.window
        update_settings(ctx, admin, dataclasses.replace(load_settings(ctx), language="en"))
        old.session.events.changed.emit("settings", "")  # what the settings page announces
        assert desk.window is not old
        qtbot.waitUntil(lambda: not shiboken6.isValid(old), timeout=5000)
        qtbot.waitUntil(lambda: "Branch" in desk.window.branch_label.text(), timeout=5000)
        assert desk.window.windowTitle() == "Eskan Desk"
    finally:
        _close(desk, arabic_app)
        apply_language(arabic_app, "ar")
        i18n.set_language("ar")


def test_what_waits_for_the_first_paint_runs_once_and_never_for_a_window_not_on_screen(
    session, qtbot
):
    from eskan_desk.ui.main_window import FIRST_PAINT_WAIT_MS

    w = MainWindow(session, begin=False)
    qtbot.addWidget(w)
    ran: list[str] = []
    w.when_painted(lambda: ran.append("first"))
    qtbot.wait(FIRST_PAINT_WAIT_MS + 200)
    assert ran == []  # not on screen: it waits
    w.show()
    qtbot.waitUntil(lambda: ran == ["first"])
    w.update()
    qtbot.wait(100)
    assert ran == ["first"]  # once

    closed = MainWindow(session, begin=False)
    qtbot.addWidget(closed)
    closed.when_painted(lambda: ran.append("closed"))
    closed.show()
    closed.close()  # before its first paint came round
    qtbot.wait(FIRST_PAINT_WAIT_MS + 200)
    assert ran == ["first"]
