"""``eskan-desk``: start Qt on the application context, sign in, open the main window.

A store that is ready for sign-in (:func:`eskan_desk.boot.ready_store`) gets the sign-in
screen at once; the store, the services and the main window's code load on a background
thread while the receptionist types. Any other store starts the full way (first-run wizard,
migration with its backup, a clear message for a lost or locked store).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from eskan_desk import i18n
from eskan_desk.boot import ReadyStore, default_data_dir, ready_store
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import _
from eskan_desk.ui.look import apply_language, style_app

if TYPE_CHECKING:
    from eskan_desk.app import AppContext
    from eskan_desk.ui.sign_in import SignInDialog

# What signing in and the main window need, in the order they are first used.
PRELOAD = (
    "eskan_desk.app",
    "eskan_desk.services.auth",
    "eskan_desk.services.settings",
    "eskan_desk.ui.session",
    "eskan_desk.ui.tasks",
    "eskan_desk.ui.idle_lock",
    "eskan_desk.ui.main_window",
    "eskan_desk.ui.dashboard_page",
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="eskan-desk", description="Eskan Desk desktop application")
    p.add_argument("--data-dir", type=Path, help="data folder (default: ESKAN_DATA_DIR)")
    p.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=os.environ.get("ESKAN_LANG"),
        help="language (default: the saved setting, Arabic)",
    )
    p.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="render every main screen to DIR/*.png and exit",
    )
    return p.parse_args(argv)


def _fail(err: EskanError) -> int:
    QMessageBox.critical(None, _("Eskan Desk"), i18n.render_error(err))
    return 3


class Preload:
    """Imports :data:`PRELOAD` on a background thread (the sign-in screen is idle meanwhile).

    A failed import is left for the main thread, which imports the module again where it is
    used and reports the error there.
    """

    def __init__(self) -> None:
        self._thread = threading.Thread(target=self._run, name="eskan-preload", daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and self._thread.ident is None:
            self._thread.start()

    def _run(self) -> None:
        try:
            for name in PRELOAD:
                importlib.import_module(name)
            from sqlalchemy.orm import configure_mappers

            configure_mappers()
        except Exception:
            pass  # imported again, and reported, where the main thread uses it

    def wait(self) -> None:
        self.start()
        self._thread.join()


def quick_sign_in(
    app: QApplication, ready: ReadyStore, lang: str | None
) -> tuple[SignInDialog, Preload]:
    """The sign-in dialog for a ready store, its store opened when Enter is pressed; the
    preload starts once the dialog is on screen."""
    from eskan_desk.ui.sign_in import SignInDialog

    apply_language(app, lang or ready.language or i18n.DEFAULT_LANGUAGE, ready.digits or "latin")
    style_app(app)
    preload = Preload()

    def open_store() -> AppContext:
        preload.wait()
        from eskan_desk.app import open_context

        return open_context(ready.data_dir, create=False)

    dialog = SignInDialog(open_store)
    QTimer.singleShot(0, preload.start)  # after the dialog's first paint
    return dialog, preload


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Eskan Desk")
    ready = None if args.screenshots else ready_store(args.data_dir or default_data_dir())
    if ready is not None:
        return _run_ready(app, ready, args)
    from eskan_desk.app import open_context

    apply_language(app, args.lang or i18n.DEFAULT_LANGUAGE)
    style_app(app)
    try:
        ctx = open_context(args.data_dir, create=True)
    except EskanError as err:
        return _fail(err)
    try:
        return _run(app, ctx, args)
    except EskanError as err:
        return _fail(err)
    finally:
        ctx.close()


def _run_ready(app: QApplication, ready: ReadyStore, args: argparse.Namespace) -> int:
    dialog, preload = quick_sign_in(app, ready, args.lang)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    preload.wait()  # never leave an import running into interpreter shutdown
    if dialog.store_error is not None:
        return _fail(dialog.store_error)
    if not accepted:
        if dialog.ctx is not None:
            dialog.ctx.close()
        return 0
    ctx = dialog.ctx
    try:
        from eskan_desk.services.settings import load_settings

        settings = load_settings(ctx)
        desk = Desk(app, ctx, dialog.actor, settings.idle_lock_minutes)
        desk.start()
        return app.exec()
    except EskanError as err:
        return _fail(err)
    finally:
        ctx.close()


def _run(app: QApplication, ctx: AppContext, args: argparse.Namespace) -> int:
    from eskan_desk.services.settings import load_settings
    from eskan_desk.services.staff import is_initialized

    settings = load_settings(ctx)
    apply_language(app, args.lang or settings.language, settings.digits)
    if args.screenshots:
        from eskan_desk.ui.screenshots import render_all

        render_all(ctx, args.screenshots)
        return 0
    if not is_initialized(ctx):
        from eskan_desk.ui.first_run import FirstRunWizard

        wizard = FirstRunWizard(ctx)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return 0
    from eskan_desk.ui.sign_in import SignInDialog

    dialog = SignInDialog(ctx)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    desk = Desk(app, ctx, dialog.actor, settings.idle_lock_minutes)
    desk.start()
    return app.exec()


class Desk:
    """Owns the session and the window; rebuilds the window when the language changes."""

    def __init__(self, app: QApplication, ctx: AppContext, actor, idle_minutes: int) -> None:
        from eskan_desk.ui.idle_lock import IdleWatcher
        from eskan_desk.ui.session import UiEvents, UiSession
        from eskan_desk.ui.tasks import TaskRunner

        self.app = app
        self.session = UiSession(ctx=ctx, actor=actor, runner=TaskRunner(), events=UiEvents())
        self.watcher = IdleWatcher(minutes=idle_minutes, parent=app)
        self.watcher.idle.connect(self.lock)
        self.window = None
        app.aboutToQuit.connect(self.session.runner.shutdown)

    def start(self) -> None:
        self._open_window()
        self.window.offer_left_drafts()

    def _open_window(self) -> None:
        from eskan_desk.ui.main_window import MainWindow

        old = self.window
        self.window = MainWindow(self.session)
        self.window.language_changed.connect(self._relaunch)
        self.window.show()
        if old is not None:
            old.close()
            old.deleteLater()

    def _relaunch(self, _lang: str) -> None:
        from eskan_desk.services.settings import load_settings

        settings = load_settings(self.session.ctx)
        self.watcher.set_minutes(settings.idle_lock_minutes)
        apply_language(self.app, settings.language, settings.digits)
        self._open_window()

    def lock(self) -> None:
        from eskan_desk.ui.idle_lock import lock_now
        from eskan_desk.ui.kiosk import kiosk_open

        if kiosk_open():  # the kiosk is a lock itself: only the PIN leaves it
            self.watcher.poke()
            return

        if self.window is not None:
            lock_now(self.window, self.session)


if __name__ == "__main__":
    sys.exit(main())
