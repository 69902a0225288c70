"""The page all three documents share, and the right-to-left building blocks they use.

One A4 (or A5) page template: a letterhead on every page (the charity's Arabic name in bold, its
English name, licence number and branch), then the document title and the print date in both
calendars, and a footer with "page n of N" and the form's version. Tables put the label on the
start side of its value: on the right in Arabic, on the left in English.

The letterhead and the footer are drawn with a :class:`~eskan_desk.printing.pen.Pen`, the same
for the platypus documents built here and for those laid out by
:mod:`eskan_desk.printing.sheet`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Protocol

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import format_dual, to_riyadh
from eskan_desk.domain.markers import N_
from eskan_desk.printing.arabic import markup, style
from eskan_desk.printing.data import Charity, Person, RequestInfo
from eskan_desk.printing.pen import Pen, set_fixed_text, text_style

MARGIN = 14 * mm
HEADER_HEIGHT = 24 * mm
FOOTER_HEIGHT = 13 * mm  # two lines in the middle: the reference and the initials
TOP_MARGIN = MARGIN + HEADER_HEIGHT - 4 * mm  # where the body starts, under the letterhead
BOTTOM_MARGIN = MARGIN + FOOTER_HEIGHT - 6 * mm  # where it ends, over the footer
BODY = 9
SMALL = 8
DASH = "—"
RULE = colors.HexColor("#4a6a5a")
LABEL_FILL = colors.HexColor("#eef2ef")
GRID = colors.HexColor("#9aa7a0")

_ARABIC = re.compile("[\u0600-\u06ff]")
_LICENCE = N_("Licence no. {licence}")
_PRINTED = N_("Printed on {date}")
_PAGE = N_("Page {page} of {pages}")
_FORM = N_("Form {version}")
_INITIALS = N_("Applicant's initials: ..........")


class Ltr(str):
    """Text that reads left to right whatever the page: numbers, codes, IBANs, phone numbers.

    Laid out in its own left-to-right paragraph, so "050 123 4567" keeps its groups in order
    on an Arabic page (the bidi algorithm would otherwise run the groups right to left).
    """


Cell = str | Ltr | Flowable | None


@dataclass(frozen=True)
class Ctx:
    """The language a document is printed in, and the helpers that depend on it."""

    lang: str

    @classmethod
    def of(cls, lang: str | None) -> Ctx:
        return cls(lang or i18n.current_language())

    @cached_property
    def rtl(self) -> bool:
        return i18n.is_rtl(self.lang)

    def t(self, msgid: str, **params: object) -> str:
        """Translate one of the documents' fixed texts into the document's language."""
        if self.lang == i18n.current_language():
            text = i18n.gettext(msgid)
        else:  # printed in another language than the UI's: ask that language's catalog
            text = i18n._catalog(self.lang).gettext(msgid)
        return text.format(**params) if params else text

    def p(self, text: str, size: float = BODY, *, bold: bool = False, align: str | None = None):
        """A paragraph in the document's direction."""
        return Paragraph(markup(text), style(self.rtl, size, bold=bold, align=align))

    def ltr(self, text: str, size: float = BODY, *, bold: bool = False):
        """A left-to-right paragraph aligned where the page's lines start."""
        return Paragraph(markup(text), style(False, size, bold=bold, align=self.start))

    @property
    def start(self) -> str:
        return "right" if self.rtl else "left"

    def cell(self, value: Cell, size: float = BODY, *, bold: bool = False):
        """A table cell: text as a paragraph (``Ltr`` left to right), a flowable as it is."""
        if value is None or value == "":
            return self.p(DASH, size)
        if isinstance(value, str):
            rtl = self.value_rtl(value)
            return Paragraph(markup(value), style(rtl, size, bold=bold, align=self.start))
        return value

    def value_rtl(self, value: str) -> bool:
        """Whether a recorded value is laid out right to left: ``Ltr`` never; recorded Arabic
        (names, addresses) keeps its own direction on an English page."""
        if isinstance(value, Ltr):
            return False
        return self.rtl or _ARABIC.search(value) is not None

    def row(self, cells: Sequence) -> list:
        """Cells given in reading order, placed left to right on the page."""
        return list(reversed(cells)) if self.rtl else list(cells)

    def date(self, d: date | None) -> str:
        return format_dual(d, self.lang) if d else DASH


def money(amount: Decimal | None) -> Ltr | None:
    """``1,500`` or ``1,500.50``: whole riyals without decimals."""
    if amount is None:
        return None
    return Ltr(f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}")


def heading(ctx: Ctx, text: str) -> Table:
    """A section heading: bold text over a thin rule."""
    t = Table([[ctx.p(text, BODY + 1.5, bold=True)]], colWidths=["100%"])
    t.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.8, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def fields(ctx: Ctx, pairs: Sequence[tuple[str, Cell]], width: float, per_row: int = 2) -> Table:
    """Label | value pairs, ``per_row`` pairs a row; the label sits on the start side."""
    # at least 26 mm: "رقم الهوية / الإقامة" on one line on an A5 receipt too
    label_w = min(width / per_row * 0.36, max(width * 0.17, 26 * mm))
    value_w = width / per_row - label_w
    rows, shade = [], []
    for r, start in enumerate(range(0, len(pairs), per_row)):
        cells: list = []
        for i, (label, value) in enumerate(pairs[start : start + per_row]):
            cells += [ctx.p(label, SMALL, bold=True), ctx.cell(value)]
            col = 2 * i if not ctx.rtl else 2 * per_row - 1 - 2 * i
            shade.append(("BACKGROUND", (col, r), (col, r), LABEL_FILL))
        cells += ["", ""] * (per_row - len(cells) // 2)
        rows.append(ctx.row(cells))
    t = Table(rows, colWidths=ctx.row([label_w, value_w] * per_row))
    t.setStyle(TableStyle([*_grid(), *shade]))
    return t


def grid(
    ctx: Ctx, header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float]
) -> Table:
    """A table with a shaded header row; columns run from the start side."""
    body = [ctx.row([ctx.p(h, SMALL, bold=True) for h in header])]
    body += [ctx.row([ctx.cell(c) for c in r]) for r in rows]
    t = Table(body, colWidths=ctx.row(list(widths)), repeatRows=1)
    t.setStyle(TableStyle([*_grid(), ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL)]))
    return t


def _grid() -> list[tuple]:
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]


def title_block(ctx: Ctx, title: str, printed_at: datetime, reference: str) -> list[Flowable]:
    """The title, the request number and the print date in both calendars, centred.

    The request number stands on a line of its own: PDF viewers built on pdfium (QtPdf among
    them) scramble a Latin code that shares a line with Arabic text when they extract or
    search it; alone, it reads back as printed.
    """
    return [
        ctx.p(title, 15, bold=True, align="center"),
        Paragraph(markup(reference), style(False, 11, bold=True, align="center")),
        ctx.p(printed_line(ctx, printed_at), SMALL, align="center"),
        Spacer(1, 1 * mm),
    ]


def printed_line(ctx: Ctx, printed_at: datetime) -> str:
    """The line saying when the form was printed: the date in Riyadh, in both calendars."""
    return ctx.t(_PRINTED, date=ctx.date(to_riyadh(printed_at).date()))


def draw_letterhead(pen: Pen, ctx: Ctx, charity: Charity, pagesize: tuple[float, float]) -> None:
    """The charity's names stacked, never side by side (the Arabic and the English name on one
    line would read back in the wrong word order from pdfium-based viewers), then the licence
    and the branch, over a rule."""
    page_w, page_h = pagesize
    width = page_w - 2 * MARGIN
    inner = width - 12  # 6 pt on either side
    licence = f"{ctx.t(_LICENCE, licence=charity.licence)} · {charity.branch_name}"
    top = page_h - MARGIN + 4 * mm
    for text, text_st in (
        (charity.name_ar, text_style(True, 13, bold=True, align="center")),
        (charity.name_en, text_style(False, 9.5, align="center")),
        (licence, text_style(ctx.rtl, SMALL, align="center")),
    ):
        lines = set_fixed_text(text, text_st, inner)
        pen.text(lines, MARGIN + 6, top, inner)
        top -= lines.height
    top -= 3
    pen.rules(1.2, RULE, [(MARGIN, top, MARGIN + width, top)])


class RequestDoc(Protocol):
    """A document about one support request: the declaration, the form, the receipt."""

    charity: Charity
    person: Person
    request: RequestInfo


def page_reference(doc: RequestDoc) -> str:
    """What every page of a request's document says it belongs to: ``KMS-REQ-… · KMS-…``."""
    return " · ".join(x for x in (doc.request.number, doc.person.file_no) if x)


def build_for_request(
    ctx: Ctx,
    story: list[Flowable],
    doc: RequestDoc,
    *,
    title: str,
    form_version: str,
    pagesize: tuple[float, float] = A4,
) -> bytes:
    """:func:`build` for a request's document: every page's footer names the request and
    the file."""
    return build(
        ctx,
        story,
        charity=doc.charity,
        title=title,
        form_version=form_version,
        pagesize=pagesize,
        reference=page_reference(doc),
    )


def draw_footer(
    pen: Pen,
    ctx: Ctx,
    number: int,
    total: int,
    form_version: str,
    page_w: float,
    *,
    reference: str = "",
    initials: bool = False,
) -> None:
    """Under a rule: the page number ("page n of N") on the start side, the form's version on
    the other, and between them ``reference`` (the request and file numbers), so that no page
    of a form can be taken for another's. With ``initials``, a form of more than one page asks
    for the applicant's initials on every page but the last, which they sign."""
    side = (page_w - 2 * MARGIN) / 4  # the page number and the form: short
    middle_w = 2 * side
    page = set_fixed_text(ctx.t(_PAGE, page=number, pages=total), text_style(ctx.rtl, SMALL), side)
    form = set_fixed_text(
        ctx.t(_FORM, version=form_version),
        text_style(ctx.rtl, SMALL, align="left" if ctx.rtl else "right"),
        side,
    )
    # Latin alone on its line: pdfium-based viewers scramble a code sharing a line with Arabic.
    middle = [set_fixed_text(reference, text_style(False, SMALL, align="center"), middle_w)]
    if initials and number < total:
        middle.append(
            set_fixed_text(ctx.t(_INITIALS), text_style(ctx.rtl, SMALL, align="center"), middle_w)
        )
    bottom = MARGIN - 6 * mm
    height = max(page.height, form.height, sum(m.height for m in middle)) + 6  # 3 pt margins
    for x, lines in zip((MARGIN, MARGIN + 3 * side), ctx.row([page, form]), strict=True):
        pen.text(lines, x, bottom + 3 + lines.height, side)
    y = bottom + height - 3
    for lines in middle:
        pen.text(lines, MARGIN + side, y, middle_w)
        y -= lines.height
    top = bottom + height
    pen.rules(0.5, GRID, [(MARGIN, top, MARGIN + 4 * side, top)])


def _numbered_canvas(write_footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that knows the page count when it writes each page's footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                write_footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build(
    ctx: Ctx,
    story: list[Flowable],
    *,
    charity: Charity,
    title: str,
    form_version: str,
    pagesize: tuple[float, float] = A4,
    reference: str = "",
) -> bytes:
    """Lay out ``story`` on the shared page template and return the PDF; ``reference`` goes
    in every page's footer (:func:`draw_footer`)."""

    def on_page(canvas: Canvas, _doc) -> None:
        pen = Pen(canvas)
        draw_letterhead(pen, ctx, charity, pagesize)
        pen.flush()

    def footer(canvas: Canvas, number: int, total: int) -> None:
        pen = Pen(canvas)
        draw_footer(pen, ctx, number, total, form_version, pagesize[0], reference=reference)
        pen.flush()

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=charity.name_en,
        creator="Eskan Desk",
        lang=ctx.lang,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return out.getvalue()


def content_width(pagesize: tuple[float, float] = A4) -> float:
    """The width the story has on a page of this size."""
    return pagesize[0] - 2 * MARGIN
