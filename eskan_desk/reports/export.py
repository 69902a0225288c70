"""Exporting the weekly summary: compute it, render it in a format, write it whole or not at all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.reports.summary import WeeklySummary, compute_summary
from eskan_desk.services.files import check_destination, write_atomically

if TYPE_CHECKING:
    from eskan_desk.printing.data import Charity

FORMATS = ("pdf", "xlsx", "csv", "json")
SUFFIXES = {"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv", "json": ".json"}
Progress = Callable[[int, int, str], None]
COMPUTING = N_("Computing the week's figures")
RENDERING = N_("Preparing the file")
WRITING = N_("Writing the file")


def check_format(fmt: str) -> str:
    """The format code, lower-cased.

    Raises:
        ValidationError: On field ``format``: not one of pdf, xlsx, csv, json.
    """
    code = (fmt or "").strip().lower()
    if code not in FORMATS:
        raise ValidationError(
            "format", N_("must be one of: {choices}"), {"choices": ", ".join(FORMATS)}
        )
    return code


def render_summary(
    ctx: AppContext, summary: WeeklySummary, fmt: str, *, lang: str | None = None
) -> bytes:
    """The summary in ``fmt`` (pdf, xlsx, csv, json), as bytes.

    Raises:
        ValidationError: An unknown format.
    """
    from eskan_desk.services.print_jobs import charity

    return render_as(summary, fmt, letterhead=lambda: charity(ctx), lang=lang)


def render_as(
    summary: WeeklySummary,
    fmt: str,
    *,
    letterhead: Callable[[], Charity],
    lang: str | None = None,
) -> bytes:
    """The summary in ``fmt``, without an application context (HQ has none).

    Args:
        summary: The computed summary.
        fmt: ``pdf``, ``xlsx``, ``csv`` or ``json``.
        letterhead: Gives the PDF's letterhead (called for a PDF only).
        lang: The language of the file (None: the language in force).

    Raises:
        ValidationError: An unknown format.
    """
    code = check_format(fmt)
    if code == "json":
        text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    if code == "csv":
        from eskan_desk.reports.csv_writer import render_csv

        return render_csv(summary, lang=lang)
    if code == "xlsx":
        from eskan_desk.reports.xlsx_writer import render_xlsx

        return render_xlsx(summary, lang=lang)
    from eskan_desk.reports.pdf_writer import render_pdf

    return render_pdf(summary, charity=letterhead(), lang=lang)


def export_summary(
    ctx: AppContext,
    week_of: dt.date,
    fmt: str,
    out: Path,
    *,
    lang: str | None = None,
    progress: Progress | None = None,
    summary: WeeklySummary | None = None,
) -> Path:
    """Compute (unless ``summary`` is given), render and write the week's summary to ``out``.

    The file is written whole or not at all: on any error nothing is left at ``out``.

    Args:
        ctx: The application context.
        week_of: Any date of the week.
        fmt: ``pdf``, ``xlsx``, ``csv`` or ``json``.
        out: The file to write (replaced if it exists).
        lang: The language of the file (None: the language in force).
        progress: Told ``(done, total, label)`` after each of the three steps.
        summary: An already computed summary of that week (the screen has one).

    Returns:
        ``out``.

    Raises:
        ValidationError: An unknown format; a week in the future.
        OutputError: ``out`` cannot be written (missing folder, a folder, no permission, full).
    """
    code = check_format(fmt)
    check_destination(out)
    report = progress or (lambda _done, _total, _label: None)
    report(0, 3, COMPUTING)
    if summary is None:
        summary = compute_summary(ctx, week_of)
    report(1, 3, RENDERING)
    data = render_summary(ctx, summary, code, lang=lang)
    report(2, 3, WRITING)
    write_atomically(Path(out), data)
    report(3, 3, WRITING)
    return Path(out)
