"""The weekly summary as a PDF for a manager: the week at a glance on page one, details after.

Page one: the letterhead the printed forms share, the week in the Hijri and the Gregorian
calendar, eight key figures (at HQ, then the same figures branch by branch), a bar chart of
contacts by channel and a line of overall satisfaction over five weeks. Then every section as a
table. Arabic is joined and laid out right to left by :mod:`eskan_desk.printing` (text
searchable, in logical order); the charts are reportlab.graphics drawings whose labels go
through the same shaping and bidi.
"""

from __future__ import annotations

import eskan_desk.printing  # noqa: F401 - ReportLab's bidi module before ReportLab itself

# isort: split
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from eskan_desk.domain.dates import GREGORIAN_MONTHS_AR, GREGORIAN_MONTHS_EN, to_riyadh
from eskan_desk.domain.markers import N_
from eskan_desk.printing.arabic import log2vis, markup, shape, style
from eskan_desk.printing.data import Charity
from eskan_desk.printing.fonts import BOLD, REGULAR, register_fonts
from eskan_desk.printing.layout import (
    BODY,
    GRID,
    LABEL_FILL,
    SMALL,
    Ctx,
    Ltr,
    build,
    content_width,
    heading,
)
from eskan_desk.reports.rows import (
    GREGORIAN,
    HIJRI,
    RESPONSES_CAPTION,
    THIS_WEEK,
    Section,
    display,
    state_line,
    summary_sections,
    title,
    trend_points,
    week_lines,
)
from eskan_desk.reports.summary import WeeklySummary

FORM_VERSION = "WS-1"
GREEN = colors.HexColor("#2e7d6b")
MUTED = colors.HexColor("#6b7b73")
CHART_HEIGHT = 48 * mm
TILE_KEYS = (
    "contacts_total",
    "new_beneficiaries",
    "requests_submitted",
    "decisions_made",
    "decisions_overdue",
    "satisfaction_overall",
    "response_rate",
    "follow_ups_missed",
)
CHANNELS_TITLE = N_("Contacts by channel")
PRINTED = N_("Printed on {date}")
# Sections laid out side by side, in reading order, after the contacts table.
SIDE_BY_SIDE = (
    ("registrations", "referrals", "follow_ups"),
    ("requests", "request_status"),
    ("satisfaction", "feedback"),
)


def render_pdf(summary: WeeklySummary, *, charity: Charity, lang: str | None = None) -> bytes:
    """The summary as an A4 PDF.

    Args:
        summary: The computed summary.
        charity: The letterhead (the association's names, licence and branch).
        lang: The language it is printed in (None: the language in force).

    Returns:
        The PDF.
    """
    ctx = Ctx.of(lang)
    width = content_width()
    sections = {s.key: s for s in summary_sections(summary, ctx.lang)}
    story: list[Flowable] = [
        *_header(ctx, summary),
        _tiles(ctx, sections["overview"], width),
        _gap(3),
        *(_block(ctx, sections["branches"], width) if "branches" in sections else []),
        _charts(ctx, summary, sections, width),
        _gap(2),
        *_block(ctx, sections["contacts"], width),
    ]
    for keys in SIDE_BY_SIDE:
        story += [_side_by_side(ctx, [sections[k] for k in keys], width), _gap(3)]
    story += _block(ctx, sections["workload"], width)
    return build(
        ctx, story, charity=charity, title=title(summary, ctx.lang), form_version=FORM_VERSION
    )


def _gap(height_mm: float) -> Flowable:
    from reportlab.platypus import Spacer

    return Spacer(1, height_mm * mm)


def _header(ctx: Ctx, s: WeeklySummary) -> list[Flowable]:
    """The title, the week in both calendars (Hijri first), the print date and the week's state.

    No ISO date line as on the forms: a line of digits alone comes out right to left.
    """
    hijri, gregorian = week_lines(s, ctx.lang)
    printed = ctx.t(PRINTED, date=ctx.date(to_riyadh(s.generated_at).date()))
    lines = [ctx.p(title(s, ctx.lang), 15, bold=True, align="center")]
    if hijri:
        lines.append(ctx.p(f"{ctx.t(HIJRI)}: {hijri}", BODY + 2.5, bold=True, align="center"))
    lines += [
        ctx.p(f"{ctx.t(GREGORIAN)}: {gregorian}", BODY + 1.5, align="center"),
        ctx.p(f"{printed} · {state_line(s, ctx.lang)}", SMALL, align="center"),
        _gap(2),
    ]
    return lines


# Key figures -------------------------------------------------------------------------------------
def _tiles(ctx: Ctx, overview: Section, width: float) -> Table:
    """Eight figures in two rows of four, the first on the reading side."""
    rows = {row.key: row for row in overview.rows}
    cells = []
    for key in TILE_KEYS:
        row = rows[key]
        number = Paragraph(
            markup(display(row.values[0], ctx.lang)), style(False, 17, bold=True, align="center")
        )
        cells.append([number, ctx.p(row.label, SMALL, align="center")])
    per_row = 4
    tile_w = width / per_row
    grid_rows = [
        ctx.row([_tile(c, tile_w) for c in cells[i : i + per_row]])
        for i in range(0, len(cells), per_row)
    ]
    t = Table(grid_rows, colWidths=[tile_w] * per_row)
    t.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def _tile(content: list, width: float) -> Table:
    t = Table([[c] for c in content], colWidths=[width - 4])
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LABEL_FILL),
                ("BOX", (0, 0), (-1, -1), 0.4, GRID),
                ("LINEABOVE", (0, 0), (-1, 0), 2, GREEN),
                ("TOPPADDING", (0, 0), (-1, 0), 5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
                ("TOPPADDING", (0, 1), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
            ]
        )
    )
    return t


# Charts ------------------------------------------------------------------------------------------
def _visual(ctx: Ctx, text: str) -> str:
    """Text for a drawing's String: letters joined and, on an Arabic page, in visual order
    (paragraphs get this from ReportLab; a drawing's strings do not)."""
    shaped = shape(text)
    return log2vis(shaped, "RTL") if ctx.rtl else shaped


def _charts(ctx: Ctx, s: WeeklySummary, sections: dict[str, Section], width: float) -> Table:
    half = width / 2
    channels = [
        (row.label, int(row.values[-1])) for row in sections["contacts"].rows if not row.emphasis
    ]
    left = [ctx.p(ctx.t(CHANNELS_TITLE), BODY + 1, bold=True), _bar_chart(ctx, channels, half - 8)]
    trend_title = sections["satisfaction_trend"].title
    right = [ctx.p(trend_title, BODY + 1, bold=True), _trend_chart(ctx, s, half - 8)]
    t = Table([ctx.row([left, right])], colWidths=[half, half])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (0, 0), 0.4, GRID),
                ("BOX", (1, 0), (1, 0), 0.4, GRID),
            ]
        )
    )
    return t


def _bar_chart(ctx: Ctx, bars: list[tuple[str, int]], width: float) -> Drawing:
    """One bar per channel; labels on the reading side, bars growing away from them."""
    register_fonts()
    d = Drawing(width, CHART_HEIGHT)
    size = 7.5
    step = CHART_HEIGHT / max(len(bars), 1)
    label_w = width * 0.42
    count_w = 26
    room = width - label_w - count_w - 8
    top = max((v for _, v in bars), default=0) or 1

    def x(pos: float, length: float = 0) -> float:  # left-to-right position, mirrored in RTL
        return width - pos - length if ctx.rtl else pos

    for i, (label, value) in enumerate(bars):
        y = CHART_HEIGHT - (i + 1) * step + step * 0.25
        anchor = "end" if ctx.rtl else "start"
        d.add(
            String(
                x(2), y + 1, _visual(ctx, label), fontName=REGULAR, fontSize=size, textAnchor=anchor
            )
        )
        length = room * value / top
        if value:
            d.add(
                Rect(
                    x(label_w, length),
                    y,
                    max(length, 1),
                    step * 0.55,
                    fillColor=GREEN,
                    strokeColor=None,
                )
            )
        d.add(
            String(
                x(label_w + length + 3),
                y + 1,
                f"{value:,}",
                fontName=BOLD,
                fontSize=size,
                textAnchor=anchor,
            )
        )
    return d


def _short_date(ctx: Ctx, d) -> str:
    months = GREGORIAN_MONTHS_AR if ctx.lang == "ar" else GREGORIAN_MONTHS_EN
    return f"{d.day} {months[d.month - 1]}"


def _trend_chart(ctx: Ctx, s: WeeklySummary, width: float) -> Drawing:
    """Overall satisfaction (1 to 5) over the four previous weeks and this one, in reading
    order; a week without answers is a gap, marked with a dash."""
    register_fonts()
    d = Drawing(width, CHART_HEIGHT)
    points = trend_points(s)
    axis_w, bottom, top_pad = 14, 22, 12
    plot_w = width - axis_w - 12
    plot_h = CHART_HEIGHT - bottom - top_pad

    def x(i: int) -> float:
        pos = axis_w + 6 + plot_w * (i + 0.5) / len(points)
        return width - pos if ctx.rtl else pos

    def y(score: float) -> float:
        return bottom + plot_h * (score - 1) / 4

    axis_x = width - axis_w if ctx.rtl else axis_w
    for score in range(1, 6):
        d.add(Line(axis_x, y(score), width - axis_x, y(score), strokeColor=GRID, strokeWidth=0.3))
        d.add(
            String(
                axis_x + (4 if ctx.rtl else -4),
                y(score) - 2.5,
                str(score),
                fontName=REGULAR,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="start" if ctx.rtl else "end",
            )
        )
    run: list[float] = []
    for i, (start, avg, n) in enumerate(points):
        current = start == s.week_start
        font = BOLD if current else REGULAR
        label = ctx.t(THIS_WEEK) if current else _short_date(ctx, start)
        d.add(String(x(i), 11, _visual(ctx, label), fontName=font, fontSize=7, textAnchor="middle"))
        d.add(
            String(
                x(i),
                2,
                _visual(ctx, ctx.t(RESPONSES_CAPTION).format(n=n)),
                fontName=REGULAR,
                fontSize=6,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        if avg is None:
            _flush(d, run)
            run = []
            d.add(
                String(
                    x(i),
                    y(1) + 3,
                    "—",
                    fontName=REGULAR,
                    fontSize=8,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
            continue
        run += [x(i), y(avg)]
        d.add(Circle(x(i), y(avg), 2.6 if current else 2, fillColor=GREEN, strokeColor=None))
        d.add(
            String(x(i), y(avg) + 4.5, f"{avg:.2f}", fontName=font, fontSize=7, textAnchor="middle")
        )
    _flush(d, run)
    return d


def _flush(d: Drawing, run: list[float]) -> None:
    if len(run) >= 4:
        d.add(PolyLine(run, strokeColor=GREEN, strokeWidth=1.4))


# Tables ------------------------------------------------------------------------------------------
def _table(ctx: Ctx, section: Section, width: float) -> Table:
    """A section as a table; a list of figures (one value column) needs no header row."""
    figures = len(section.columns) == 1 and section.columns[0][0] == "value"
    label_w = width * (0.66 if figures else 0.37)
    value_w = (width - label_w) / len(section.columns)
    rows = [
        ctx.row([ctx.cell(row.label), *(ctx.cell(Ltr(display(v, ctx.lang))) for v in row.values)])
        for row in section.rows
    ]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    first = 0
    if not figures:
        header = [section.label_header, *(h for _code, h in section.columns)]
        rows.insert(0, ctx.row([ctx.p(h, SMALL, bold=True) for h in header]))
        style.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL))
        first = 1
    style += [
        ("BACKGROUND", (0, r), (-1, r), LABEL_FILL)
        for r, row in enumerate(section.rows, start=first)
        if row.emphasis
    ]
    t = Table(
        rows, colWidths=ctx.row([label_w, *[value_w] * len(section.columns)]), repeatRows=first
    )
    t.setStyle(TableStyle(style))
    return t


def _parts(ctx: Ctx, section: Section, width: float) -> list[Flowable]:
    parts: list[Flowable] = [heading(ctx, section.title), _gap(1), _table(ctx, section, width)]
    if section.note:
        parts.append(ctx.p(section.note, SMALL))
    return parts


def _block(ctx: Ctx, section: Section, width: float) -> list[Flowable]:
    return [KeepTogether(_parts(ctx, section, width)), _gap(2)]


def _side_by_side(ctx: Ctx, sections: list[Section], width: float) -> Table:
    """Small sections next to each other, the first on the reading side."""
    gutter = 2 * mm
    column = width / len(sections)
    cells = [_parts(ctx, section, column - 2 * gutter) for section in sections]
    t = Table([ctx.row(cells)], colWidths=[column] * len(sections))
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), gutter),
                ("RIGHTPADDING", (0, 0), (-1, -1), gutter),
            ]
        )
    )
    return t


__all__ = ["FORM_VERSION", "render_pdf"]
