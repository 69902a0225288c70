"""The weekly summary as one CSV file, for Excel and for scheduled jobs.

Layout (one table, one figure a line, so it filters and pivots without any cleaning):

    section | item | measure | value | unit | section_id | item_id | measure_id

The first five columns are for people, in the summary's language; the three ``*_id`` columns are
stable English codes for programs (a section's key, a channel or status code, a column's code).
``value`` is a plain number with a dot for decimals (counts ``12``, averages out of 5 ``4.25``,
percentages ``66.7`` with unit ``%``), an ISO date (``2026-11-15``), text for the few
descriptive lines, or empty when the figure does not exist (no survey answered, none offered).

UTF-8 with a byte-order mark: Excel opens a UTF-8 CSV as mojibake without it. Lines end with
CRLF, as RFC 4180 and Excel expect.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from eskan_desk.domain.markers import N_
from eskan_desk.reports.rows import Ratio, Score, Value, summary_sections, translator
from eskan_desk.reports.summary import WeeklySummary

BOM = "\ufeff"
HEADER = (N_("Section"), N_("Item"), N_("Measure"), N_("Value"), N_("Unit"))
ID_HEADER = ("section_id", "item_id", "measure_id")


def plain(value: Value) -> tuple[str, str]:
    """``(value, unit)`` as written in the file."""
    if value is None:
        return "", ""
    if isinstance(value, Ratio):
        return f"{value * 100:.1f}", "%"
    if isinstance(value, Score):
        return f"{value:.2f}", "/5"
    if isinstance(value, bool):
        return str(int(value)), ""
    if isinstance(value, int):
        return str(value), ""
    if isinstance(value, float):
        return f"{value:.2f}", ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    return str(value), ""


def render_csv(summary: WeeklySummary, *, lang: str | None = None) -> bytes:
    """The summary as CSV bytes (UTF-8 with BOM).

    Args:
        summary: The computed summary.
        lang: The language of the labels (None: the language in force).

    Returns:
        The file's bytes.
    """
    t = translator(lang)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*(t(h) for h in HEADER), *ID_HEADER])
    for section in summary_sections(summary, lang):
        for row in section.rows:
            for (code, header), value in zip(section.columns, row.values, strict=True):
                text, unit = plain(value)
                writer.writerow(
                    [section.title, row.label, header, text, unit, section.key, row.key, code]
                )
    return (BOM + out.getvalue()).encode("utf-8")
