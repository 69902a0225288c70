"""``eskan-desk``: start Qt on the application context, sign in, open the main window."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from eskan_desk import i18n
from eskan_desk.app import AppContext, open_context
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import _
from eskan_desk.ui.look import apply_language, style_app


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


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Eskan Desk")
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
