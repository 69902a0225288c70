"""Guards against a Qt binding that breaks Python's reference counts.

PySide6 6.12.0 on Python 3.11 returned ``None`` from void methods without taking a reference:
every call to ``processEvents()`` or ``beginResetModel()`` lowered None's count by one, and the
app died ("deallocating None") after a few thousand keystrokes in the search box.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QStringListModel


def test_void_methods_do_not_consume_none(qapp):
    model = QStringListModel(["a", "b"])
    before = sys.getrefcount(None)
    for _ in range(500):
        model.beginResetModel()
        model.endResetModel()
        qapp.processEvents()
    assert sys.getrefcount(None) - before > -50
