"""``eskan-desk``: start Qt on the application context, sign in, open the main window.

A store that is ready for sign-in (:func:`eskan_desk.boot.ready_store`) gets the sign-in
screen at once; the store, the services and the main window's code load on a background
thread while the receptionist types. Any other store starts the full way (first-run wizard,
migration with its backup, a clear message for a lost or locked store).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtWidgets import QApplication, QDialog

from eskan_desk import i18n
from eskan_desk.boot import ReadyStore, default_data_dir, ready_store
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import _
from eskan_desk.ui import main_thread_gc
from eskan_desk.ui.look import apply_language, new_application, style_app

if TYPE_CHECKING:
    import argparse

    from eskan_desk.app import AppContext
    from eskan_desk.services.staff import Actor
    from eskan_desk.ui.main_window import MainWindow
    from eskan_desk.ui.sign_in import SignInDialog

# What signing in needs, then what the main window needs, in the order they are first used.
PRELOAD_SIGN_IN = ("eskan_desk.app", "eskan_desk.services.auth", "eskan_desk.services.settings")
PRELOAD_WINDOW = (
    "eskan_desk.ui.session",
    "eskan_desk.ui.tasks",
    "eskan_desk.ui.idle_lock",
    "eskan_desk.ui.main_window",
)


class DeskArgs(NamedTuple):
    """``eskan-desk``'s command line, read."""

    data_dir: Path | None
    lang: str | None
    screenshots: Path | None


def parse_args(argv: Sequence[str] | None) -> DeskArgs:
    """``argv`` (default: the process's), read by :func:`build_parser`. No arguments at all,
    the desktop shortcut's start, gives the defaults without argparse: building and running
    the parser cost 3-6 ms before the sign-in screen (a test holds both answers equal)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return DeskArgs(data_dir=None, lang=os.environ.get("ESKAN_LANG"), screenshots=None)
    from eskan_desk.cli_parser import start_language

    start_language(argv)  # for a mistake in argv
    args = build_parser().parse_args(argv)
    return DeskArgs(data_dir=args.data_dir, lang=args.lang, screenshots=args.screenshots)


def build_parser() -> argparse.ArgumentParser:
    """``eskan-desk``'s options, worded in the current language."""
    from eskan_desk.cli_parser import Parser

    p = Parser(prog="eskan-desk", description=_("Eskan Desk desktop application"))
    p.add_argument("--data-dir", type=Path, help=_("data folder (default: ESKAN_DATA_DIR)"))
    p.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=os.environ.get("ESKAN_LANG"),
        help=_("language (default: the saved setting, Arabic)"),
    )
    p.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help=_("render every main screen to DIR/*.png and exit"),
    )
    return p


def _fail(err: EskanError) -> int:
    from PySide6.QtWidgets import QMessageBox  # not on the way to the sign-in screen

    QMessageBox.critical(None, _("Eskan Desk"), i18n.render_error(err))
    return 3


class Preload:
    """On a background thread, while the sign-in screen waits for the receptionist (the main
    thread is idle then): imports :data:`PRELOAD_SIGN_IN`, opens the store, then imports
    :data:`PRELOAD_WINDOW` and every page.

    A failed import is left for the main thread, which imports the module again where it is
    used and reports the error there; a store that fails to open is reported by
    :meth:`context`.
    """

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._ctx: AppContext | None = None
        self._error: Exception | None = None
        self._taken = False
        self._window: MainWindow | None = None
        self._dress_for: Actor | None = None
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._run, name="eskan-preload", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def _run(self) -> None:
        try:
            self._open()
        finally:
            self._opened.set()
        try:
            for name in PRELOAD_WINDOW:
                importlib.import_module(name)
            from eskan_desk.ui.main_window import navigation_pages

            navigation_pages()  # imports every page's module
        except Exception:
            pass  # imported again, and reported, where the main thread uses it

    def _open(self) -> None:
        try:
            for name in PRELOAD_SIGN_IN:
                importlib.import_module(name)
            from sqlalchemy.orm import configure_mappers

            configure_mappers()
        except Exception:
            return  # imported again, and reported, where the main thread uses it
        from eskan_desk.app import open_context

        try:
            self._ctx = open_context(self._data_dir, create=False)
        except Exception as exc:  # raised again on the main thread by context()
            self._error = exc

    def opened(self) -> AppContext | None:
        """The store if it is open by now, without waiting and without taking it."""
        return self._ctx if self._opened.is_set() else None

    def finished(self) -> bool:
        """Whether the thread has run to its end."""
        return self._thread.ident is not None and not self._thread.is_alive()

    def wait(self) -> None:
        self.start()
        self._thread.join()

    def context(self) -> AppContext:
        """The opened store (the caller owns it from now on). The window's modules may still
        be loading: the password check runs meanwhile (argon2 leaves the interpreter free);
        :meth:`wait` before building the window.

        Raises:
            StoreError: the store could not be opened (lost, locked, damaged since start-up).
        """
        self.start()
        self._opened.wait()
        if self._error is not None:
            raise self._error
        if self._ctx is None:
            from eskan_desk.app import open_context

            self._ctx = open_context(self._data_dir, create=False)
        self._taken = True
        return self._ctx

    def build_window(self) -> None:
        """On the main thread, once the thread is done: the main window, built ahead for
        whoever signs in (:meth:`MainWindow.ahead`). Not once the store is taken or failed."""
        if self._window is None and self._ctx is not None and not self._taken:
            from eskan_desk.ui.main_window import MainWindow

            self._window = MainWindow.ahead(self._ctx)
            self._window.session.runner.start()  # its worker waits for the first reads

    def paint_window(self) -> None:
        """Lay out and paint the window built ahead once, off screen: fonts, glyphs, styles
        and layouts are ready when Enter shows it."""
        if self._window is not None:
            if self._dress_for is not None:
                self._window.dress(self._dress_for)
            self._window.grab()

    def dress_window(self, actor: Actor) -> None:
        """On the main thread, when the password typed matches (the sign-in screen's
        ``on_checked``): the window built ahead laid out for ``actor`` and painted again off
        screen (their navigation and name, 8-10 ms of Enter's first paint), or remembered for
        :meth:`paint_window` if it is not built yet. Enter still decides who signs in."""
        self._dress_for = actor
        if self._window is not None and self._window.isHidden():
            self._window.dress(actor)
            self._window.grab()

    def take_window(self) -> MainWindow | None:
        """The window built ahead, if any (the caller owns it from now on)."""
        window, self._window = self._window, None
        return window

    def discard(self) -> None:
        """Wait for the thread (never leave an import running into shutdown), and close a
        window built ahead and a store it opened that nobody took."""
        self.wait()
        window = self.take_window()
        if window is not None:
            window.session.runner.shutdown()
            window.deleteLater()
        if self._ctx is not None and not self._taken:
            self._ctx.close()
            self._ctx = None


def quick_sign_in(
    app: QApplication, ready: ReadyStore, lang: str | None
) -> tuple[SignInDialog, Preload]:
    """The sign-in dialog for a ready store; the preload starts once the dialog is on screen
    and Enter takes the store it opened. PySide6's own one-time work follows the preload."""
    from eskan_desk.ui.sign_in import SignInDialog
    from eskan_desk.ui.warm_up import STEPS as WARM_UP
    from eskan_desk.ui.warm_up import WarmUp

    apply_language(app, lang or ready.language or i18n.DEFAULT_LANGUAGE, ready.digits or "latin")
    style_app(app)
    preload = Preload(ready.data_dir)
    dialog = SignInDialog(preload.context, opened=preload.opened)
    dialog.after_first_paint(preload.start)
    dialog.on_checked = preload.dress_window
    # What was typed before the store opened is checked once it is; PySide6's one-time work
    # waits for the whole preload.
    dialog.check_opened = WarmUp(
        lambda: preload.opened() is not None or preload.finished(),
        dialog,
        steps=(dialog.check_ahead,),
    )
    dialog.check_opened.start()
    # Then the main window is built and painted off screen, for whoever signs in.
    steps = (*WARM_UP, preload.build_window, preload.paint_window)
    dialog.warm_up = WarmUp(preload.finished, dialog, steps=steps)
    dialog.warm_up.start()
    return dialog, preload


def prepare(argv: Sequence[str] | None) -> tuple[DeskArgs, QApplication, ReadyStore | None]:
    """What every start does before its first screen: the command line, the application,
    and whether the store is ready to go straight to sign-in (:func:`ready_store`). The
    startup benchmark runs this too, so that it measures the app's own way in."""
    args = parse_args(argv)
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or new_application(sys.argv[0] if sys.argv else "eskan-desk")
    app.setApplicationName("Eskan Desk")
    main_thread_gc.install(app)  # before any worker thread starts
    ready = None if args.screenshots else ready_store(args.data_dir or default_data_dir())
    return args, app, ready


def main(argv: Sequence[str] | None = None) -> int:
    args, app, ready = prepare(argv)
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


def _run_ready(app: QApplication, ready: ReadyStore, args: DeskArgs) -> int:
    dialog, preload = quick_sign_in(app, ready, args.lang)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    window = preload.take_window() if accepted else None
    preload.discard()  # the window's modules are loaded (and no import runs into shutdown)
    if dialog.store_error is not None:
        return _fail(dialog.store_error)
    if not accepted:
        if dialog.ctx is not None:
            dialog.ctx.close()
        return 0
    ctx = dialog.ctx
    try:
        open_desk(app, dialog, window, ready.idle_lock_minutes)
        return app.exec()
    except EskanError as err:
        return _fail(err)
    finally:
        ctx.close()


def open_desk(
    app: QApplication, dialog: SignInDialog, window: MainWindow | None, idle_minutes: int | None
) -> Desk:
    """After a sign-in on the quick way: the signed-in window (``window``, built ahead, when
    there is one) on screen. The startup benchmark runs this too.

    The idle lock counts ``idle_minutes`` (what the boot check read, None: the default) until
    the saved setting, read again on the database worker once the window is painted, replaces
    it: Enter does not wait for a read (3 ms) whose answer matters minutes later.
    """
    from eskan_desk.services.settings import Settings, load_settings

    ctx = dialog.ctx
    minutes = idle_minutes or Settings().idle_lock_minutes
    desk = Desk(app, ctx, dialog.actor, minutes, window=window)

    def saved(settings: Settings) -> None:
        desk.watcher.set_minutes(settings.idle_lock_minutes)

    desk.after_paint.append(
        lambda: desk.session.runner.submit(lambda: load_settings(ctx), on_done=saved)
    )
    desk.start()
    return desk


def _run(app: QApplication, ctx: AppContext, args: DeskArgs) -> int:
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

    def __init__(
        self,
        app: QApplication,
        ctx: AppContext,
        actor,
        idle_minutes: int,
        *,
        window: MainWindow | None = None,
    ) -> None:
        """``window``: one built ahead on ``ctx`` while the password was typed
        (:meth:`Preload.take_window`); :meth:`start` gives it to ``actor`` and shows it."""
        from eskan_desk.ui.idle_lock import IdleWatcher
        from eskan_desk.ui.session import UiEvents, UiSession
        from eskan_desk.ui.tasks import TaskRunner

        self.app = app
        if window is not None and window.session.ctx is ctx:
            self.session = window.session
            self.session.actor = actor
            self._ahead: MainWindow | None = window
        else:
            if window is not None:  # built on another store: not for this one
                window.session.runner.shutdown()
                window.deleteLater()
            self.session = UiSession(ctx=ctx, actor=actor, runner=TaskRunner(), events=UiEvents())
            self._ahead = None
        # Watching starts once the window is on screen (see IdleWatcher); the interval runs now.
        self.watcher = IdleWatcher(minutes=idle_minutes, parent=app, install=False)
        self.watcher.idle.connect(self.lock)
        self.window = None
        # Run once the window is first painted, after the offer of a left draft.
        self.after_paint: list[Callable[[], object]] = []
        app.aboutToQuit.connect(self.session.runner.shutdown)

    def start(self) -> None:
        if not main_thread_gc.frozen():
            # The full start, or Enter before the warm-up froze the modules: every module
            # loaded, then frozen out of the collector's generations (a full pass over them
            # took 50 ms of the main thread, main_thread_gc). Before the window, so that its
            # cycles stay collectable. Not collected first: that took 75 ms to find about
            # 600 objects of start-up garbage, which stay.
            from eskan_desk.ui.main_window import navigation_pages

            navigation_pages()
            main_thread_gc.freeze_loaded()
        self._open_window()
        # Watching starts once the window is painted: a zero timer can fire before the first
        # paint, and the watcher's filter would then see its 400 events (see IdleWatcher).
        self.window.when_painted(self._painted)

    def _painted(self) -> None:
        self.watcher.watch()
        self.window.offer_left_drafts()
        for then in self.after_paint:
            then()

    def _open_window(self) -> None:
        from eskan_desk.ui.main_window import MainWindow

        old = self.window
        if self._ahead is not None:
            self.window, self._ahead = self._ahead, None
            self.window.begin()
        else:
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
