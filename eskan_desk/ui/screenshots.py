"""``eskan-desk --screenshots DIR``: every main screen rendered to PNG, for review and docs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from eskan_desk.app import AppContext
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.tasks import ImmediateRunner


def _grab(widget, path: Path) -> Path:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def render_all(ctx: AppContext, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    window = MainWindow(ctx, runner=ImmediateRunner())
    shots = [_grab(window, out_dir / "registry.png")]
    window.search_box.setText("عبد الله")
    shots.append(_grab(window, out_dir / "search.png"))
    window.close()
    return shots
