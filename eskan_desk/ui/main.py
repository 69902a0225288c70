"""``eskan-desk``: start Qt on the application context."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from eskan_desk import i18n
from eskan_desk.app import open_context
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import _
from eskan_desk.ui.look import apply_language, style_app


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="eskan-desk", description="Eskan Desk desktop application")
    p.add_argument("--data-dir", type=Path, help="data folder (default: ESKAN_DATA_DIR)")
    p.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=os.environ.get("ESKAN_LANG", i18n.DEFAULT_LANGUAGE),
    )
    p.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="render every main screen to DIR/*.png and exit",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Eskan Desk")
    apply_language(app, args.lang)
    style_app(app)
    try:
        ctx = open_context(args.data_dir, create=False)
        from eskan_desk.services.staff import current_branch

        current_branch(ctx)
    except EskanError as err:
        QMessageBox.critical(None, _("Eskan Desk"), i18n.render_error(err))
        return 3
    from eskan_desk.ui.main_window import MainWindow

    if args.screenshots:
        from eskan_desk.ui.screenshots import render_all

        render_all(ctx, args.screenshots)
        ctx.close()
        return 0
    window = MainWindow(ctx)
    window.show()
    code = app.exec()
    ctx.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
