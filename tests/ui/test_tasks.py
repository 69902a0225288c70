"""The task runner: work on one worker thread, results and progress back on the UI thread."""

from __future__ import annotations

import threading
import time

from eskan_desk.services.demo import generate_demo
from eskan_desk.services.search import count_beneficiaries
from eskan_desk.ui.demo_data_box import DemoDataBox
from eskan_desk.ui.tasks import TaskRunner


def test_work_runs_off_the_ui_thread_and_callbacks_come_back(qtbot, arabic_app):
    runner = TaskRunner()
    seen = {}
    done = []
    runner.submit(
        lambda: threading.current_thread().name,
        on_done=lambda name: (
            seen.update(worker=name, callback=threading.current_thread()),
            done.append(1),
        ),
    )
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    assert seen["worker"].startswith("eskan-db")
    assert seen["callback"] is threading.main_thread()
    runner.shutdown()


def test_errors_reach_on_error(qtbot, arabic_app):
    runner = TaskRunner()
    errors = []

    def fail():
        raise ValueError("boom")

    runner.submit(fail, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], ValueError)
    runner.shutdown()


def test_demo_data_from_the_app_reports_progress_and_keeps_the_ui_responsive(session, qtbot, ctx):
    session.runner = TaskRunner()
    box = DemoDataBox(session)
    qtbot.addWidget(box)
    box.families.setValue(60)
    box.contacts.setValue(400)
    values = []
    box.progress.valueChanged.connect(values.append)
    ticks = []
    box.start()
    # The UI thread keeps processing events while the worker writes.
    qtbot.waitUntil(lambda: ticks.append(1) or box.button.isEnabled(), timeout=60_000)
    assert box.progress.value() == 1000 and len(values) >= 2
    assert len(ticks) > 1
    assert count_beneficiaries(ctx) == 60
    session.runner.shutdown()


def test_demo_generation_is_refused_for_a_receptionist(ctx, admin):
    import pytest

    from eskan_desk.domain.errors import PermissionDeniedError
    from eskan_desk.services.auth import add_staff, sign_in

    add_staff(
        ctx,
        admin,
        username="sara",
        full_name="سارة",
        role="receptionist",
        password="reception-2026",
    )
    with pytest.raises(PermissionDeniedError):
        generate_demo(ctx, sign_in(ctx, "sara", "reception-2026"), beneficiaries=1, contacts=0)


def test_a_task_cancelled_at_shutdown_is_delivered_to_nobody():
    """The app quitting cancels what the worker had not started: no callback, no error."""
    from concurrent.futures import Future

    from eskan_desk.ui.tasks import _deliver

    future: Future = Future()
    future.cancel()
    heard: list = []
    _deliver(future, heard.append, heard.append)
    assert heard == []


def test_an_answer_for_a_widget_deleted_meanwhile_goes_nowhere(qtbot, arabic_app):
    """A window rebuilt for a new language, a dialog closed: what the worker read for them is
    dropped, instead of reaching a deleted Qt object (RuntimeError in the relay)."""
    import shiboken6
    from PySide6.QtWidgets import QLabel

    runner = TaskRunner()
    release = threading.Event()
    label, kept = QLabel(), QLabel()
    try:
        runner.submit(lambda: release.wait(10))
        runner.submit(lambda: "late", on_done=label.setText)
        runner.submit(lambda: 1 / 0, on_error=label.setWindowTitle)
        runner.submit(lambda: "still here", on_done=kept.setText)
        shiboken6.delete(label)
        release.set()
        qtbot.waitUntil(lambda: kept.text() == "still here", timeout=3000)
    finally:
        runner.shutdown()


def test_quitting_keeps_queued_saves_and_drops_long_jobs_not_started(qapp):
    """A save queued behind a running job (an automatic sync, say) still runs when the app
    quits; a long job with progress that has not started is dropped."""
    runner = TaskRunner()
    release, ran = threading.Event(), []
    runner.submit(lambda: release.wait(10))  # the job running at quit
    save = runner.submit(lambda: ran.append("save"))
    long_job = runner.submit_with_progress(lambda progress: ran.append("sync"), lambda *a: None)
    quitting = threading.Thread(target=runner.shutdown)
    quitting.start()
    deadline = time.monotonic() + 10
    while not long_job.cancelled() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert long_job.cancelled() and not save.done()
    release.set()
    quitting.join(10)
    assert not quitting.is_alive()
    assert ran == ["save"] and save.done() and not save.cancelled()
