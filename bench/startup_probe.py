"""Run in a fresh process by startup_bench: start, sign in, show the main window, report times.

``python -m bench.startup_probe bare`` shows an empty QWidget instead (the baseline).
Prints one JSON line: seconds from this module's first line to a usable window, and with
``ESKAN_BENCH_LAUNCHED`` set, ``started``: seconds from the launch to that first line.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()
T0_WALL = time.time()
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


def desk(password: str, typing_s: float) -> dict:
    """The app's own start on a ready store, as ``eskan-desk`` with no arguments starts (the
    store found in the user data directory): the sign-in screen, the receptionist typing for
    ``typing_s`` seconds (0: Enter the moment the screen is usable), then the main window."""
    import PySide6.QtWidgets  # noqa: F401 (first, as in eskan_desk.ui.main and bare())

    from eskan_desk.ui.main import open_desk, prepare, quick_sign_in

    args, app, ready = prepare([])  # as eskan_desk.ui.main.main does
    assert ready is not None, "the bench store is not ready for sign-in"
    dialog, preload = quick_sign_in(app, ready, args.lang)
    dialog.show()
    _settle(app)
    marks = {"form": time.perf_counter() - T0}
    dialog.username.setText("admin")
    dialog.password.setText(password)
    typed = time.perf_counter() + typing_s
    while time.perf_counter() < typed:  # the event loop runs, the preload with it
        app.processEvents()
        time.sleep(0.002)
    enter = time.perf_counter()
    dialog.accept()
    assert dialog.actor is not None, dialog.error.text()
    window = preload.take_window()  # built ahead while the password was typed
    preload.discard()  # as the app does: the window's modules finish loading
    marks["signed_in"] = time.perf_counter() - T0
    # The real runner: the window is usable (search, navigation) while the dashboard's figures
    # load on the database worker; both moments are reported.
    desk = open_desk(
        app, dialog, window, ready.idle_lock_minutes
    )  # as eskan_desk.ui.main.main does
    _settle(app)
    marks["usable"] = time.perf_counter() - T0
    marks["after_enter"] = time.perf_counter() - enter
    dashboard = desk.window.pages["dashboard"]
    while dashboard.board is None:
        app.processEvents()
    marks["dashboard"] = time.perf_counter() - T0
    desk.session.runner.shutdown()
    preload.discard()
    dialog.ctx.close()
    return marks


if __name__ == "__main__":
    result = bare() if sys.argv[1] == "bare" else desk(sys.argv[2], float(sys.argv[3]))
    launched = os.environ.get("ESKAN_BENCH_LAUNCHED")  # time.time() just before the launch
    if launched:  # the interpreter's own start-up, up to this module's first line
        result["started"] = T0_WALL - float(launched)
    print(json.dumps(result))
