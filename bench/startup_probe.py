"""Run in a fresh process by startup_bench: start, sign in, show the main window, report times.

``python -m bench.startup_probe bare`` shows an empty QWidget instead (the baseline).
Prints one JSON line: seconds from process start to a usable window.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _settle(app) -> None:
    for _ in range(5):
        app.processEvents()


def bare() -> dict:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    w = QWidget()
    w.resize(1280, 800)
    w.show()
    _settle(app)
    return {"usable": time.perf_counter() - T0}


def desk(data_dir: str, password: str) -> dict:
    from PySide6.QtWidgets import QApplication

    from eskan_desk.app import open_context
    from eskan_desk.services.auth import sign_in
    from eskan_desk.ui.look import apply_language, style_app
    from eskan_desk.ui.main_window import MainWindow
    from eskan_desk.ui.session import UiEvents, UiSession
    from eskan_desk.ui.tasks import TaskRunner

    app = QApplication([])
    apply_language(app, "ar")
    style_app(app)
    marks = {"qt": time.perf_counter() - T0}
    ctx = open_context(data_dir, create=False)
    marks["store"] = time.perf_counter() - T0
    actor = sign_in(ctx, "admin", password)
    marks["signed_in"] = time.perf_counter() - T0
    # The real runner: the window is usable (search, navigation) while the dashboard's figures
    # load on the database worker; both moments are reported.
    session = UiSession(ctx=ctx, actor=actor, runner=TaskRunner(), events=UiEvents())
    window = MainWindow(session)
    window.show()
    _settle(app)
    marks["usable"] = time.perf_counter() - T0
    dashboard = window.pages["dashboard"]
    while dashboard.board is None:
        app.processEvents()
    marks["dashboard"] = time.perf_counter() - T0
    session.runner.shutdown()
    ctx.close()
    return marks


if __name__ == "__main__":
    result = bare() if sys.argv[1] == "bare" else desk(sys.argv[2], sys.argv[3])
    print(json.dumps(result))
