"""The weekly summary screen: pick a week, read the figures, export with progress, in Arabic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from eskan_desk.app import open_context
from eskan_desk.services.staff import resolve_actor
from eskan_desk.ui.reports_page import ReportsPage
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner

from ..reports.known_week import SARA, SUNDAY, WEEK, copy_known_week


@pytest.fixture
def known(template_store, tmp_path_factory, tmp_path, clock):
    context = open_context(
        copy_known_week(template_store, tmp_path_factory, tmp_path / "known"),
        create=False,
        now=clock,
    )
    yield context
    context.close()


@pytest.fixture
def page(arabic_app, qtbot, known, tmp_path):
    session = UiSession(known, resolve_actor(known, "admin"), ImmediateRunner(), UiEvents())
    p = ReportsPage(session)
    qtbot.addWidget(p)
    p.opened: list[Path] = []
    p.choose_path = lambda fmt: tmp_path / f"week.{fmt}"
    p.offer_to_open = p.opened.append  # never open anything from a test
    p.resize(1200, 900)
    p.on_shown()
    return p


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def plain(text: str) -> str:
    return text.replace("\u2066", "").replace("\u2069", "")


def test_it_opens_on_last_full_week(page):
    assert page.week() == SUNDAY  # the clock is Thursday 26 November: last week began the 15th
    assert page.summary is not None and page.summary.week_start == SUNDAY
    assert "جمادى الآخرة 1448" in page.hijri_label.text()
    assert "15 نوفمبر 2026" in page.gregorian_label.text()


def test_figures_and_charts_are_shown(page):
    assert plain(page.tiles["contacts_total"].text()) == "6"
    assert plain(page.tiles["response_rate"].text()) == "67%"
    assert plain(page.tiles["satisfaction_overall"].text()) == "4.00"
    bars = dict(page.channel_chart.bars())
    assert bars["الاتصالات الهاتفية"] == 4 and len(bars) == 8
    points = page.trend_chart.points()
    assert [p[1] for p in points] == [5.0, 3.5, None, 2.0, 4.0]
    contacts = cells(page.tables["contacts"])
    assert [plain(c) for c in contacts[-1][1:]] == ["3", "3", "6"]  # total: in, out, all
    names = [row[0] for row in cells(page.tables["workload"])]
    assert names[0] == SARA  # by name: Sara logged fewer contacts than the administrator


def test_picking_another_week_reloads(page):
    page.set_week(dt.date(2026, 11, 24))
    assert page.summary.week_start == dt.date(2026, 11, 22)
    assert plain(page.tiles["contacts_total"].text()) == "1"
    assert page.week_edit.maximumDate().toPython() == dt.date(2026, 11, 26)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv"])
def test_export_writes_the_file_then_offers_to_open_it(page, fmt, tmp_path):
    seen = []
    page._on_progress = lambda done, total, label: seen.append((done, total))
    page.export(fmt)
    out = tmp_path / f"week.{fmt}"
    assert out.exists() and out.stat().st_size > 0
    assert page.opened == [out] and page.last_export == out
    assert seen[-1] == (3, 3)
    assert page.export_buttons[fmt].isEnabled() and not page.progress.isVisible()


def test_an_unwritable_path_shows_the_error_and_leaves_nothing(page, tmp_path):
    page.choose_path = lambda fmt: tmp_path / "missing" / "week.pdf"
    page.export("pdf")
    assert not (tmp_path / "missing").exists()
    assert page.message.text() and page.opened == []


def test_cancelling_the_save_dialog_writes_nothing(page, tmp_path):
    page.choose_path = lambda fmt: None
    page.export("csv")
    assert page.opened == [] and list(tmp_path.glob("week.*")) == []


def test_the_page_is_right_to_left(page):
    assert page.isRightToLeft()
    assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert ReportsPage.roles == frozenset({"supervisor", "admin"})
    assert page.summary.week_start == WEEK - dt.timedelta(days=3)
