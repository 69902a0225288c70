"""The weekly summary as an Excel workbook: one right-to-left sheet per section, real numbers.

Every count is a number cell (``#,##0``), every average a number (``0.00``), every share a
percentage (``0%`` on a 0..1 value), every date a date cell: a supervisor can sum, sort and chart
them without converting text. The contacts sheet carries a native Excel bar chart by channel and
the trend sheet a line chart of overall satisfaction, which Excel users can restyle. There is
deliberately no chart of the workload: a bar per person reads as a ranking, and the summary never
ranks people (POLICY.md).

Written with openpyxl: the workbook is a few hundred cells, where xlsxwriter's speed buys nothing,
and openpyxl is what the tests read it back with, so the project needs one library, not two.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from eskan_desk import i18n
from eskan_desk.domain.markers import N_
from eskan_desk.reports.rows import (
    Ratio,
    Score,
    Section,
    Value,
    scope_name,
    summary_sections,
    title,
    translator,
    week_lines,
)
from eskan_desk.reports.summary import WeeklySummary

COUNT_FORMAT = "#,##0"
SCORE_FORMAT = "0.00"
RATIO_FORMAT = "0%"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_ROW = 4  # title, the week, a blank line, then the headers
LABEL_WIDTH = 46
VALUE_WIDTH = 18
HEADER_FILL = "EEF2EF"
GREEN = "2E7D6B"

# Sheet tabs hold at most 31 characters: short names of their own.
SHEET_NAMES = {
    "week": N_("About"),
    "overview": N_("Key figures"),
    "branches": N_("Branches"),
    "contacts": N_("Contacts"),
    "registrations": N_("Beneficiaries"),
    "requests": N_("Requests"),
    "request_status": N_("Requests by status"),
    "referrals": N_("Referrals"),
    "satisfaction": N_("Satisfaction"),
    "satisfaction_trend": N_("Satisfaction trend"),
    "feedback": N_("Feedback"),
    "follow_ups": N_("Follow-ups"),
    "workload": N_("Workload"),
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(section: Section, t=i18n.gettext) -> str:
    """The tab's name: short, without the characters Excel refuses, at most 31 characters."""
    name = t(SHEET_NAMES[section.key]) if section.key in SHEET_NAMES else section.title
    return _BAD_SHEET_CHARS.sub(" ", name)[:31]


def number_format(value: Value) -> str | None:
    """The Excel number format a value's cell gets (None: text, the default)."""
    if isinstance(value, Ratio):
        return RATIO_FORMAT
    if isinstance(value, Score):
        return SCORE_FORMAT
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return COUNT_FORMAT
    if isinstance(value, float):
        return SCORE_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


def render_xlsx(summary: WeeklySummary, *, lang: str | None = None) -> bytes:
    """The summary as an .xlsx workbook.

    Args:
        summary: The computed summary.
        lang: The language of the labels and the sheets' direction (None: the language in force).

    Returns:
        The file's bytes.
    """
    from openpyxl import Workbook

    lang = lang or i18n.current_language()
    t = translator(lang)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = f"{title(summary, lang)} {summary.week_start.isoformat()}"
    wb.properties.creator = "Eskan Desk"
    hijri, gregorian = week_lines(summary, lang)
    scope = title(summary, lang) if summary.all_branches else scope_name(summary, lang)
    week_text = f"{scope} · {hijri} · {gregorian}" if hijri else f"{scope} · {gregorian}"
    for section in summary_sections(summary, lang):
        ws = wb.create_sheet(sheet_name(section, t))
        ws.sheet_view.rightToLeft = i18n.is_rtl(lang)
        _fill(ws, section, week_text)
        if section.key == "contacts":
            _channel_chart(ws, section)
        elif section.key == "satisfaction_trend":
            _trend_chart(ws, section)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(ws, section: Section, week_text: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws["A1"] = section.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = week_text
    ws["A2"].font = Font(italic=True, color="555555")
    headers = [section.label_header, *(header for _code, header in section.columns)]
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(section.rows, start=HEADER_ROW + 1):
        label = ws.cell(r, 1, row.label)
        label.font = Font(bold=row.emphasis)
        for c, value in enumerate(row.values, start=2):
            cell = ws.cell(r, c, value)
            fmt = number_format(value)
            if fmt:
                cell.number_format = fmt
            if row.emphasis:
                cell.font = Font(bold=True)
    if section.note:
        note = ws.cell(HEADER_ROW + len(section.rows) + 2, 1, section.note)
        note.font = Font(italic=True, color="555555")
    ws.column_dimensions["A"].width = LABEL_WIDTH
    for col in range(2, len(headers) + 1):
        ws.column_dimensions[_letter(col)].width = VALUE_WIDTH
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _anchor(section: Section) -> str:
    return f"A{HEADER_ROW + len(section.rows) + 4}"


def _channel_chart(ws, section: Section) -> None:
    """Native bar chart: contacts per channel (the total column), totals row left out."""
    from openpyxl.chart import BarChart, Reference

    channels = [row for row in section.rows if not row.emphasis]
    first, last = HEADER_ROW + 1, HEADER_ROW + len(channels)
    total_col = 1 + len(section.columns)
    chart = BarChart()
    chart.type = "bar"
    chart.title = section.title
    chart.legend = None
    chart.add_data(Reference(ws, min_col=total_col, min_row=HEADER_ROW, max_row=last), True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.series[0].graphicalProperties.solidFill = GREEN
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, _anchor(section))


def _trend_chart(ws, section: Section) -> None:
    """Native line chart: overall satisfaction over the five weeks (a gap where none answered)."""
    from openpyxl.chart import LineChart, Reference

    first, last = HEADER_ROW + 1, HEADER_ROW + len(section.rows)
    chart = LineChart()
    chart.title = section.title
    chart.legend = None
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 1, 5
    chart.add_data(Reference(ws, min_col=3, min_row=HEADER_ROW, max_row=last), True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.series[0].graphicalProperties.line.solidFill = GREEN
    chart.series[0].marker.symbol = "circle"
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, _anchor(section))
