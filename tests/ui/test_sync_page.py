"""The sync page and the automatic sync, against a real HQ: ``eskan-hq serve`` on loopback for
HTTP, or the same HQ database in-process (LocalTransport) where the page lets it be injected."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from eskan_desk.app import open_context
from eskan_desk.domain.errors import PermissionDeniedError, SyncError
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.i18n import _, render_error
from eskan_desk.services.auth import add_staff, sign_in
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.staff import initialize_store, resolve_actor
from eskan_desk.services.sync_status import pending_changes
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.transport import LocalTransport
from eskan_desk.ui import sync_page
from eskan_desk.ui.forms import ERROR_STYLE
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.sync_page import SyncCoordinator, SyncPage
from eskan_desk.ui.tables import select_index
from eskan_desk.ui.tasks import ImmediateRunner, TaskRunner
from tests.sync.conftest import HQServer, run_cli

from ..services.helpers import applicant

LRI, PDI = "\u2066", "\u2069"


def plain(text_: str) -> str:
    return text_.replace(LRI, "").replace(PDI, "")


@pytest.fixture
def hq_db(tmp_path) -> str:
    return f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}"


@pytest.fixture
def hq(hq_db):
    h = HQ.open(hq_db)
    yield h
    h.dispose()


@pytest.fixture
def hq_server(hq, hq_db, tmp_path):
    server = HQServer(hq_db, tmp_path / "hq-server.log").start()
    yield server
    server.stop()


@pytest.fixture
def no_dialogs(monkeypatch):
    """Sync never interrupts anyone with a message box: a test fails if one opens."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a message box was opened")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)


def waiting_text(n: int) -> str:
    return _("Changes waiting to sync: {n}").format(n=f"{n:,}")


def hq_count(hq: HQ, sql: str) -> int:
    with hq.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def enroll_local(ctx, hq: HQ) -> SyncClient:
    client = SyncClient(ctx, LocalTransport(hq))
    client.enroll("local", hq.issue_code(resolve_actor(ctx).branch_code))
    return client


def test_enroll_through_the_form_then_sync_now_empties_the_queue(
    window, session, ctx, admin, hq, hq_server, qtbot, no_dialogs
):
    register_beneficiary(ctx, admin, applicant())
    page = window.show_page("sync")
    assert page.enroll_panel.isVisible() and not page.state_panel.isVisible()
    qtbot.keyClicks(page.url_edit, hq_server.url)
    qtbot.keyClicks(page.code_edit, hq.issue_code("KMS"))
    qtbot.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)

    assert page.state_panel.isVisible() and not page.enroll_panel.isVisible()
    assert plain(page.hq_label.text()) == hq_server.url
    assert SyncClient(ctx).status().device_id in plain(page.device_label.text())
    waiting = pending_changes(ctx)
    assert waiting > 0
    assert window.sync_label.text() == waiting_text(waiting)
    assert plain(page.pending_label.text()) == f"{waiting:,}"
    assert page.last_sync_label.text() == _("Not yet")

    reports = []
    page.coordinator.progressed.connect(lambda *r: reports.append(r))
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)

    assert pending_changes(ctx) == 0
    assert window.sync_label.text() == waiting_text(0)
    assert plain(page.pending_label.text()) == "0"
    assert ("push", waiting, waiting) in reports
    assert hq_count(hq, "SELECT count(*) FROM beneficiaries WHERE national_id = '1000000008'") == 1
    # The clock says 07:00 UTC on 26 November 2026: 10:00 in Riyadh, Hijri and Gregorian.
    last = plain(page.last_sync_label.text())
    assert "1448 هـ" in last and "26 نوفمبر 2026" in last and "10:00" in last
    assert page.error_label.text() == "—"
    assert str(waiting) in plain(page.result_label.text())


def test_hq_unreachable_shows_the_error_on_the_page_and_keeps_the_changes(
    window, session, ctx, admin, hq, hq_server, qtbot, no_dialogs
):
    SyncClient(ctx).enroll(hq_server.url, hq.issue_code("KMS"))
    hq_server.stop()  # HQ goes away: nothing answers on that port any more
    register_beneficiary(ctx, admin, applicant())
    waiting = pending_changes(ctx)
    page = window.show_page("sync")
    page.coordinator.attempts, page.coordinator.backoff_s = 2, 0.01

    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)

    assert pending_changes(ctx) == waiting
    assert window.sync_label.text() == waiting_text(waiting)
    stored = SyncClient(ctx).status().last_error
    assert stored["code"] == "unreachable"
    expected = render_error(SyncError(stored["code"], stored["message"], stored["params"]))
    shown = plain(page.error_label.text())
    assert shown.startswith(expected)  # in the UI language, from the catalog
    assert hq_server.url in shown
    assert "10:00" in shown  # when it happened, Riyadh time
    assert f"{LRI}{hq_server.url}{PDI}" in page.error_label.text()  # read left to right
    assert page.error_label.styleSheet() == ERROR_STYLE
    assert not page.message.isVisible()  # said once, as the last error
    assert page.sync_button.isEnabled()


def test_export_writes_a_file_hq_imports_and_its_answer_completes_the_round(
    window, session, ctx, admin, hq, hq_db, tmp_path, no_dialogs
):
    enroll_local(ctx, hq)
    register_beneficiary(ctx, admin, applicant())
    waiting = pending_changes(ctx)
    page = window.show_page("sync")
    assert page.suggested_export_name() == "eskan-KMS-20261126-1000.eskb"
    out, answer = tmp_path / page.suggested_export_name(), tmp_path / "answer.eska"
    page.choose_export_path = lambda: out
    page.choose_answer_path = lambda: answer

    page.export_button.click()
    assert out.exists()
    assert plain(page.result_label.text()).count(str(out)) == 1
    assert pending_changes(ctx) == waiting  # sent only once HQ answers

    done = run_cli("hq", "--database-url", hq_db, "import", str(out), "--out", str(answer))
    assert done.returncode == 0, done.stderr
    assert hq_count(hq, "SELECT count(*) FROM beneficiaries") == 1

    page.import_button.click()
    assert pending_changes(ctx) == 0
    assert window.sync_label.text() == waiting_text(0)
    assert page.error_label.text() == "—"
    assert "1448 هـ" in page.last_sync_label.text()


def test_a_damaged_answer_file_is_refused_on_the_page(window, ctx, hq, tmp_path, no_dialogs):
    enroll_local(ctx, hq)
    page = window.show_page("sync")
    bad = tmp_path / "answer.eska"
    bad.write_bytes(b"not an answer")
    page.choose_answer_path = lambda: bad
    page.import_button.click()
    assert page.message.isVisible() and page.message.text()
    assert page.message.styleSheet() == ERROR_STYLE


@pytest.fixture
def abh(tmp_path, clock):
    """A second branch's store (Abha), for alerts about the same family at two branches."""
    folder = tmp_path / "abh"
    context = open_context(folder, now=clock)
    initialize_store(
        context,
        branch_code="ABH",
        branch_name="فرع أبها",
        admin_username="admin",
        admin_password="correct-horse-42",
        admin_full_name="مدير فرع أبها",
    )
    yield context
    context.close()


def team_session(ctx, admin, role: str, events: UiEvents | None = None) -> UiSession:
    username = f"{role}.one"
    add_staff(
        ctx, admin, username=username, full_name=f"موظف {role}", role=role, password="pass-2026-x"
    )
    actor = sign_in(ctx, username, "pass-2026-x")
    return UiSession(ctx=ctx, actor=actor, runner=ImmediateRunner(), events=events or UiEvents())


def test_a_family_registered_at_another_branch_is_listed_and_a_supervisor_marks_it_reviewed(
    ctx, admin, abh, hq, arabic_app, qtbot, no_dialogs
):
    enroll_local(ctx, hq)
    enroll_local(abh, hq)
    mine = register_beneficiary(ctx, admin, applicant())
    theirs = register_beneficiary(abh, resolve_actor(abh), applicant())
    SyncClient(abh, LocalTransport(hq)).sync()
    supervisor = team_session(ctx, admin, "supervisor")
    SyncCoordinator.of(supervisor).transport = LocalTransport(hq)
    page = SyncPage(supervisor)
    qtbot.addWidget(page)
    page.show()

    page.sync_button.click()

    assert page.alerts_panel.isVisible() and page.alert_table.rowCount() == 1
    cells = [plain(page.alert_table.item(0, c).text()) for c in range(6)]
    assert cells[:5] == [mine.full_name, mine.file_no, "1000000008", "فرع أبها", theirs.file_no]
    assert page.review_button.isVisible()
    select_index(page.alert_table, 0)
    page.review_button.click()
    assert page.alert_table.rowCount() == 0
    assert page.alerts_empty.isVisible()


def test_only_supervisors_and_administrators_mark_duplicate_alerts_reviewed(
    ctx, admin, qtbot, arabic_app
):
    events = UiEvents()
    for role, may in (("supervisor", True), ("receptionist", False), ("researcher", False)):
        page = SyncPage(team_session(ctx, admin, role, events))
        qtbot.addWidget(page)
        assert page.may_review is may
        assert page.review_button.isHidden() is not may


def test_only_an_administrator_enrolls_this_pc(ctx, admin, qtbot, arabic_app):
    receptionist = team_session(ctx, admin, "receptionist")
    page = SyncPage(receptionist)
    qtbot.addWidget(page)
    page.show()
    assert page.enroll_panel.isVisible()
    assert not page.enroll_button.isEnabled() and not page.url_edit.isEnabled()
    assert page.enroll_note.text() == _("Only an administrator can enroll this PC with HQ.")
    # Refused on the worker too, whatever a screen forgets to hide.
    SyncCoordinator.of(receptionist).enroll("http://127.0.0.1:9", "ABCD-EFGH-JKLM")
    with pytest.raises(PermissionDeniedError) as refused:
        authorize(receptionist.actor.role, Action.ENROLL_DEVICE)
    assert page.enroll_error.text() == render_error(refused.value)
    assert not (ctx.data_dir / "sync-device.json").exists()


# -- the automatic sync ------------------------------------------------------------------------


@pytest.fixture
def threaded(session):
    """The real task runner: work on the database thread, results back on the UI thread."""
    session.runner = TaskRunner()
    yield session
    session.runner.shutdown()
    SyncCoordinator.of(session).shutdown()


def test_automatic_sync_sends_pending_changes_in_the_background(
    threaded, ctx, admin, hq, monkeypatch, qtbot, no_dialogs
):
    monkeypatch.setattr(sync_page, "AUTO_SYNC_FIRST_MS", 20)
    monkeypatch.setattr(sync_page, "AUTO_SYNC_INTERVAL_MS", 200)
    enroll_local(ctx, hq)
    register_beneficiary(ctx, admin, applicant())
    assert pending_changes(ctx) > 0
    SyncCoordinator.of(threaded).transport = LocalTransport(hq)
    w = MainWindow(threaded)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.sync_label.text() == waiting_text(0), timeout=15_000)
    assert pending_changes(ctx) == 0
    assert hq_count(hq, "SELECT count(*) FROM beneficiaries") == 1
    assert SyncClient(ctx, LocalTransport(hq)).status().last_sync_at is not None
    w.close()
    assert not w.auto_sync.active  # stops with the window


def test_automatic_sync_never_runs_twice_nor_beside_other_work_nor_while_locked(
    threaded, ctx, admin, hq, monkeypatch, qtbot, no_dialogs
):
    from eskan_desk.ui.idle_lock import LockDialog

    monkeypatch.setattr(sync_page, "AUTO_SYNC_FIRST_MS", 3_600_000)  # the test ticks itself
    monkeypatch.setattr(sync_page, "AUTO_SYNC_INTERVAL_MS", 3_600_000)
    enroll_local(ctx, hq)
    register_beneficiary(ctx, admin, applicant())
    asked_on = []

    class Watched(LocalTransport):
        def health(self):
            asked_on.append(threading.current_thread())
            return super().health()

    coordinator = SyncCoordinator.of(threaded)
    coordinator.transport = Watched(hq)
    w = MainWindow(threaded)
    qtbot.addWidget(w)
    w.show()
    auto = w.auto_sync
    qtbot.waitUntil(lambda: w.reads_started, timeout=5_000)  # once the window is painted
    qtbot.waitUntil(lambda: threaded.runner.in_flight == 0, timeout=5_000)  # start-up reads
    db_thread = threaded.runner.submit(threading.current_thread).result(5)

    # Someone else's work on the database thread: the automatic sync waits for the next tick.
    release = threading.Event()
    threaded.runner.submit(lambda: release.wait(10))
    assert not auto.tick()
    release.set()
    qtbot.waitUntil(lambda: threaded.runner.in_flight == 0, timeout=5_000)

    # Locked: nothing starts until the same user unlocks.
    lock = LockDialog(threaded, w)
    lock.show()
    assert auto.tick() is False
    lock.hide()

    # While the automatic sync runs, neither the timer nor the button starts another one.
    started, refused = [], []

    def meanwhile(operation: str) -> None:
        started.append(operation)
        refused.append((auto.tick(), coordinator.sync_now(), coordinator.export(Path("x"))))

    coordinator.started.connect(meanwhile)
    assert auto.tick()  # asks HQ, off the database thread
    assert not auto.tick()  # already asking
    qtbot.waitUntil(lambda: bool(started) and not coordinator.busy, timeout=15_000)
    assert started == ["auto"]
    assert refused == [(False, False, False)]
    assert pending_changes(ctx) == 0
    assert not coordinator.probing
    # HQ was asked on a thread of its own: a slow answer never holds up the database worker.
    assert len(asked_on) == 1
    assert asked_on[0] not in (db_thread, threading.main_thread())


def test_automatic_sync_is_quiet_when_hq_is_away(
    window, session, ctx, admin, hq, hq_server, qtbot, no_dialogs
):
    SyncClient(ctx).enroll(hq_server.url, hq.issue_code("KMS"))
    hq_server.stop()
    register_beneficiary(ctx, admin, applicant())
    waiting = pending_changes(ctx)
    page = window.show_page("sync")
    failures = []
    page.coordinator.failed.connect(lambda op, exc: failures.append((op, exc)))

    assert window.auto_sync.tick()  # asks HQ whether it is up: it is not

    assert [op for op, _exc in failures] == ["check"]
    assert isinstance(failures[0][1], SyncError) and failures[0][1].code == "unreachable"
    assert pending_changes(ctx) == waiting
    expected = _("At {time} HQ could not be reached; the next try is automatic.").format(
        time="10:00"
    )
    assert expected in plain(page.auto_label.text())
    assert not page.message.isVisible()


def test_not_enrolled_the_automatic_sync_does_nothing(window, ctx, qtbot):
    assert not window.auto_sync.tick()
    assert not Path(ctx.data_dir / "sync-device.json").exists()
