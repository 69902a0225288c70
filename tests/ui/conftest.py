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
    return w
