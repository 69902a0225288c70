from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def qapp_args():
    return ["eskan-desk-tests"]


@pytest.fixture
def arabic_app(qapp):
    from eskan_desk.ui.look import apply_language, style_app

    apply_language(qapp, "ar")
    style_app(qapp)
    return qapp


@pytest.fixture
def session(arabic_app, ctx, admin):
    from eskan_desk.ui.session import UiEvents, UiSession
    from eskan_desk.ui.tasks import ImmediateRunner

    return UiSession(ctx=ctx, actor=admin, runner=ImmediateRunner(), events=UiEvents())


@pytest.fixture
def window(session, qtbot):
    """The main window of ``session``, shown."""
    from eskan_desk.ui.main_window import MainWindow

    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.reads_started)  # the status bar and the dashboard, once painted
    return w


@pytest.fixture(scope="session", autouse=True)
def _gc_on_the_main_thread(qapp):
    """As the app does (``eskan_desk.ui.main_thread_gc``): worker threads (the database
    worker, the sync client's batch builder) must never destroy Qt objects left in cycles by
    earlier tests. Each test ends with a collection that is due (tests/conftest.py)."""
    from eskan_desk.ui import main_thread_gc

    main_thread_gc.install(qapp)
