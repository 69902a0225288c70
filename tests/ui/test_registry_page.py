"""The registry page: right to left, bundled font, search as you type over a lazy table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo

from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.demo import generate_demo
from eskan_desk.ui.beneficiary_table import PAGE
from eskan_desk.ui.registry_page import RegistryPage

from ..services.helpers import applicant
from .typing import type_text


@pytest.fixture
def window(session, qtbot, ctx, admin):
    register_beneficiary(
        ctx, admin, applicant(first_name="أحمد", father_name="عبد الله", family_name="العسيري")
    )
    w = RegistryPage(session)
    qtbot.addWidget(w)
    w.show()
    return w


def test_window_is_right_to_left_with_the_bundled_font(window):
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.search_box.isRightToLeft()
    assert QFontInfo(window.search_box.font()).family() in ("Noto Sans Arabic", "Noto Sans")
    assert window.model.headerData(1, Qt.Orientation.Horizontal) == "الاسم"


def test_typing_arabic_searches_as_you_type(window):
    type_text(window.search_box, "احمد عبدالله")
    assert window.search_box.text() == "احمد عبدالله"
    assert window.model.rowCount() == 1
    assert window.model.row_at(0).full_name == "أحمد عبد الله سعيد العسيري"
    assert window.open_button.isEnabled() and window.call_button.isEnabled()
    window.search_box.clear()
    type_text(window.search_box, "زززز")
    assert window.model.rowCount() == 0
    assert not window.open_button.isEnabled() and not window.call_button.isEnabled()


def test_stale_results_are_dropped(window):
    window._generation = 5
    window._show_results(4, [])
    assert window.model.rowCount() == 1  # still the registry, not the stale empty answer


def test_registry_scrolls_lazily(session, qtbot, ctx, admin):
    generate_demo(ctx, admin, beneficiaries=PAGE * 2 + 10, contacts=0, seed=1, casework=False)
    w = RegistryPage(session)
    qtbot.addWidget(w)
    assert w.model.rowCount() == PAGE
    while w.model.canFetchMore():
        w.model.fetchMore()
    assert w.model.rowCount() == PAGE * 2 + 10
    numbers = [w.model.row_at(i).file_no for i in range(w.model.rowCount())]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)


def test_mobile_is_isolated_left_to_right(window):
    from eskan_desk.ui.beneficiary_table import cell_text

    text = cell_text(window.model.row_at(0), "mobile")
    assert text == "\u2066055 123 4567\u2069"
