"""The exports read back as their readers will: openpyxl, Excel's CSV import, a PDF reader."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import openpyxl
import pytest

from eskan_desk.domain.errors import OutputError, ValidationError
from eskan_desk.reports.csv_writer import render_csv
from eskan_desk.reports.export import export_summary, render_summary
from eskan_desk.reports.rows import summary_sections
from eskan_desk.reports.summary import compute_summary
from eskan_desk.reports.xlsx_writer import render_xlsx

from ..printing.conftest import page_count, pdf_text
from .known_week import ADMIN_NAME, EXPECTED, SARA, WEEK


@pytest.fixture
def summary(known):
    return compute_summary(known, WEEK)


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def data_rows(ws) -> list[tuple]:
    """The cells of the rows under the header (row 4), down to the first empty line."""
    rows = []
    for row in ws.iter_rows(min_row=5):
        if row[0].value is None:
            break
        rows.append(row)
    return rows


def sheet_rows(ws) -> dict[str, tuple]:
    """Data values under the header, keyed by their label."""
    return {r[0].value: tuple(c.value for c in r[1:]) for r in data_rows(ws)}


# XLSX ------------------------------------------------------------------------------------------
def test_xlsx_one_right_to_left_sheet_per_section(summary):
    wb = workbook(render_xlsx(summary))
    assert len(wb.sheetnames) == len(summary_sections(summary)) == 12
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert wb.worksheets[0]["A1"].value  # the section's title on top


def test_xlsx_numbers_are_numbers_with_formats(summary):
    wb = workbook(render_xlsx(summary))
    contacts = wb.worksheets[2]
    rows = sheet_rows(contacts)
    assert rows["الاتصالات الهاتفية"] == (1, 3, 4)
    total = next(r for r in contacts.iter_rows(min_row=5) if r[3].value == 6)
    assert all(isinstance(c.value, int) for c in total[1:4])
    assert total[3].number_format == "#,##0"
    assert len(contacts._charts) == 1  # a native bar chart by channel

    satisfaction = wb.worksheets[7]
    values = data_rows(satisfaction)
    rate = values[-1][1]
    assert isinstance(rate.value, float) and rate.value == pytest.approx(2 / 3)
    assert rate.number_format == "0%"  # a percentage, not the text "67%"
    assert values[0][1].value == pytest.approx(13 / 3) and values[0][1].number_format == "0.00"

    trend = wb.worksheets[8]
    first = next(trend.iter_rows(min_row=5, max_row=5))
    assert first[1].value == dt.datetime(2026, 10, 18) and first[1].is_date
    assert [r[2].value for r in data_rows(trend)] == [
        5.0,
        3.5,
        None,  # no answers that week: an empty cell, not a zero
        2.0,
        4.0,
    ]
    assert len(trend._charts) == 1  # a native line chart

    workload = wb.worksheets[-1]
    assert [r[0] for r in workload.iter_rows(min_row=5, max_row=6, values_only=True)] == [
        SARA,
        ADMIN_NAME,
    ]
    assert workload._charts == []  # no chart per person: it would read as a ranking


def test_xlsx_in_english_is_left_to_right(summary):
    wb = workbook(render_xlsx(summary, lang="en"))
    assert not any(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    assert wb.worksheets[2]["A5"].value == "In-person interview"


# CSV -------------------------------------------------------------------------------------------
def read_csv(data: bytes) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_csv_starts_with_a_bom_and_reads_back_as_excel_would(summary):
    data = render_csv(summary)
    assert data.startswith(b"\xef\xbb\xbf")  # without it Excel shows Arabic as mojibake
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][5:] == ["section_id", "item_id", "measure_id"]
    assert all(len(r) == 8 for r in rows)
    phone_out = [r for r in rows if r[5:] == ["contacts", "phone", "out"]]
    assert [(r[1], r[3]) for r in phone_out] == [("الاتصالات الهاتفية", "3")]


def test_csv_values_are_plain_numbers(summary):
    rows = read_csv(render_csv(summary, lang="en"))
    by_key = {(r["section_id"], r["item_id"], r["measure_id"]): r for r in rows}
    assert by_key[("overview", "contacts_total", "value")]["Value"] == "6"
    assert by_key[("contacts", "phone", "out")]["Value"] == "3"
    assert by_key[("contacts", "phone", "out")]["Item"] == "Phone call"
    rate = by_key[("satisfaction", "response_rate", "value")]
    assert (rate["Value"], rate["Unit"]) == ("66.7", "%")
    overall = by_key[("satisfaction", "overall", "value")]
    assert (overall["Value"], overall["Unit"]) == ("4.00", "/5")
    assert by_key[("week", "week_start", "value")]["Value"] == "2026-11-15"
    assert by_key[("satisfaction_trend", "2026-11-01", "overall_avg")]["Value"] == ""
    numeric = [r for r in rows if r["section_id"] not in {"week", "satisfaction_trend"}]
    assert all(float(r["Value"]) >= 0 for r in numeric if r["Value"])  # numbers, not text


def test_csv_in_arabic_keeps_arabic_labels(summary):
    text = render_csv(summary).decode("utf-8-sig")
    assert "الاتصالات الهاتفية" in text and SARA in text


# PDF -------------------------------------------------------------------------------------------
def test_pdf_text_has_the_figures_and_arabic_in_logical_order(known, summary):
    pdf = render_summary(known, summary, "pdf")
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 1
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "جمعية الإسكان والتنمية بخميس مشيط" in flat
    assert "فرع خميس مشيط" in flat
    assert "5 جمادى الآخرة 1448 هـ" in flat and "11 جمادى الآخرة 1448 هـ" in flat  # Hijri
    assert "15 نوفمبر 2026" in flat and "21 نوفمبر 2026" in flat  # Gregorian
    assert "الاتصالات الهاتفية" in flat and "المقابلة" in flat
    for figure in ("67%", "4.00", "4.33", "3.67", "4.67"):
        assert figure in flat
    assert flat.index(SARA) < flat.index(ADMIN_NAME)  # the workload, by name


def test_pdf_in_english(known, summary):
    flat = " ".join(pdf_text(render_summary(known, summary, "pdf", lang="en")).split())
    assert "Contacts with beneficiaries" in flat and "Phone call" in flat
    assert "5 Jumada al-Akhirah 1448 AH" in flat


def test_pdf_of_an_empty_branch_shows_dashes_not_errors(ctx):
    s = compute_summary(ctx, WEEK)
    flat = " ".join(pdf_text(render_summary(ctx, s, "pdf")).split())
    assert "—" in flat


# JSON and writing ------------------------------------------------------------------------------
@pytest.fixture
def out_dir(tmp_path):
    path = tmp_path / "out"
    path.mkdir()
    return path


def test_json_export_is_the_contract(known, summary):
    data = json.loads(render_summary(known, summary, "json"))
    assert data["contacts_total"] == EXPECTED["contacts_total"]
    assert data["contacts_by_channel"] == EXPECTED["contacts_by_channel"]


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv", "json"])
def test_export_writes_whole_files(known, out_dir, fmt):
    out = export_summary(known, WEEK, fmt, out_dir / f"week.{fmt}")
    assert out.stat().st_size > 0
    assert [p.name for p in out_dir.iterdir()] == [f"week.{fmt}"]  # no temporary file left


def test_an_unwritable_path_is_refused_and_leaves_nothing(known, out_dir):
    with pytest.raises(OutputError) as info:
        export_summary(known, WEEK, "pdf", out_dir / "missing" / "week.pdf")
    assert "does not exist" in str(info.value)
    with pytest.raises(OutputError):
        export_summary(known, WEEK, "xlsx", out_dir)  # a folder, not a file
    assert list(out_dir.iterdir()) == []


def test_a_write_that_fails_midway_leaves_no_partial_file(known, out_dir, monkeypatch):
    def full_disk(_src, _dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError):
        export_summary(known, WEEK, "csv", out_dir / "week.csv")
    assert list(out_dir.iterdir()) == []


def test_an_unknown_format_is_refused(known, out_dir):
    with pytest.raises(ValidationError) as info:
        export_summary(known, WEEK, "docx", out_dir / "week.docx")
    assert info.value.field == "format"
    assert list(out_dir.iterdir()) == []
