"""The shared building blocks of :mod:`eskan_desk.printing.layout`, drawn on the canvas.

Same geometry, fonts, colours and page template as the platypus Tables there (headings over a
rule, shaded labels on the start side, grids with a repeated header, the letterhead and the
footer), laid out as :mod:`~eskan_desk.printing.blocks` in one pass: for a form made of many
short fields, several times faster than Tables of Paragraphs. The forms' own texts are set once
and reused (:func:`~eskan_desk.printing.pen.set_fixed_text`); the recorded values are set
for each document.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eskan_desk.printing.blocks import (
    Block,
    Cell,
    Gap,
    Grid,
    GridStyle,
    Text,
    paginate,
)
from eskan_desk.printing.data import Charity
from eskan_desk.printing.layout import (
    BODY,
    BOTTOM_MARGIN,
    DASH,
    GRID,
    LABEL_FILL,
    MARGIN,
    RULE,
    SMALL,
    TOP_MARGIN,
    Ctx,
    draw_footer,
    draw_letterhead,
    printed_line,
)
from eskan_desk.printing.layout import Cell as Value
from eskan_desk.printing.pen import Pen, set_fixed_text, set_text, text_style
from eskan_desk.printing.sections import Fields, Listing, Section

# layout.fields / layout.grid: 1 pt above, 2 below, 4 either side, a 0.4 pt grid
FIELDS = GridStyle(padding=(1, 4, 2, 4), grid=(0.4, GRID))
HEADING = GridStyle(padding=(3, 2, 0, 2), below=(0.8, RULE))


def label(ctx: Ctx, text: str, width: float, size: float = SMALL, *, bold: bool = True) -> Text:
    """One of the form's own texts (translated, the same on every form) in the page's
    direction."""
    return Text(set_fixed_text(text, text_style(ctx.rtl, size, bold=bold), width), width)


def fixed(
    ctx: Ctx,
    text: str,
    width: float,
    size: float = BODY,
    *,
    bold: bool = False,
    align: str | None = None,
) -> Text:
    """A form's own text, any size and alignment."""
    return Text(
        set_fixed_text(text, text_style(ctx.rtl, size, bold=bold, align=align), width), width
    )


def value(ctx: Ctx, v: Value | Block, width: float, size: float = BODY) -> Block:
    """A recorded value (:meth:`Ctx.cell`): a dash when empty, ``Ltr`` left to right, text in
    its own direction aligned on the page's start side; a block as it is."""
    if v is None or v == "":
        return Text(set_fixed_text(DASH, text_style(ctx.rtl, size), width), width)
    if isinstance(v, str):
        style = text_style(ctx.value_rtl(v), size, align=ctx.start)
        return Text(set_text(v, style, width), width)
    return v


def heading(ctx: Ctx, text: str, width: float) -> Grid:
    """A section heading: bold text over a thin rule, kept with what follows it."""
    cell = Cell(label(ctx, text, HEADING.inner(width), BODY + 1.5))
    return Grid([width], [[cell]], HEADING, keep_with_next=True)


def fields(
    ctx: Ctx, pairs: Sequence[tuple[str, Value | Block]], width: float, per_row: int = 2
) -> Grid:
    """Label | value pairs, ``per_row`` pairs a row; the label, shaded, on the start side."""
    label_w = min(width / per_row * 0.36, width * 0.17)
    value_w = width / per_row - label_w
    label_in, value_in = FIELDS.inner(label_w), FIELDS.inner(value_w)
    rows = []
    for start in range(0, len(pairs), per_row):
        cells: list[Cell | None] = []
        for text, v in pairs[start : start + per_row]:
            cells += [Cell(label(ctx, text, label_in), LABEL_FILL), Cell(value(ctx, v, value_in))]
        cells += [None, None] * (per_row - len(cells) // 2)
        rows.append(ctx.row(cells))
    return Grid(ctx.row([label_w, value_w] * per_row), rows, FIELDS)


def listing(ctx: Ctx, part: Listing, width: float) -> Grid:
    """A table with a shaded header row, repeated when it runs on to the next page."""
    widths = [width * f for f in part.fractions]
    inner = [FIELDS.inner(w) for w in widths]
    header = [Cell(label(ctx, h, w), LABEL_FILL) for h, w in zip(part.header, inner, strict=True)]
    body = [[Cell(value(ctx, v, w)) for v, w in zip(row, inner, strict=True)] for row in part.rows]
    return Grid(ctx.row(widths), [ctx.row(r) for r in [header, *body]], FIELDS, repeat=1)


def section(ctx: Ctx, s: Section, width: float) -> list[Block]:
    """A section: its heading, then each part."""
    blocks: list[Block] = [heading(ctx, s.title, width)]
    for part in s.parts:
        if isinstance(part, Fields):
            blocks.append(fields(ctx, part.pairs, width, part.per_row))
        else:
            blocks.append(listing(ctx, part, width))
    return blocks


def blank_lines(ctx: Ctx, labels: Sequence[str], width: float, height: float = 12 * mm) -> Grid:
    """Labels followed by lines to write on by hand, side by side."""
    style = GridStyle(valign="bottom")
    n = len(labels)
    label_w = width / n * 0.3
    cells: list[Cell | None] = []
    for text in labels:
        cells += [
            Cell(label(ctx, text, style.inner(label_w))),
            Cell(rule_below=(0.6, colors.black)),
        ]
    return Grid(
        ctx.row([label_w, width / n - label_w] * n), [ctx.row(cells)], style, row_height=height
    )


def title_block(
    ctx: Ctx, title: str, printed_at: datetime, reference: str, width: float
) -> list[Block]:
    """The title, the reference on a line of its own, the print date; centred."""
    return [
        fixed(ctx, title, width, 15, bold=True, align="center"),
        Text(set_text(reference, text_style(False, 11, bold=True, align="center"), width), width),
        Text(
            set_text(
                printed_line(ctx, printed_at), text_style(ctx.rtl, SMALL, align="center"), width
            ),
            width,
        ),
        Gap(1 * mm),
    ]


def render(
    ctx: Ctx,
    blocks: Sequence[Block],
    *,
    charity: Charity,
    title: str,
    form_version: str,
    pagesize: tuple[float, float] = A4,
    reference: str = "",
    initials: bool = False,
) -> bytes:
    """Lay ``blocks`` out on the pages of :func:`eskan_desk.printing.layout.build` and return
    the PDF; ``reference`` and ``initials`` go in every page's footer (see
    :func:`eskan_desk.printing.layout.draw_footer`)."""
    page_h = pagesize[1]
    top = page_h - TOP_MARGIN
    pages = paginate(blocks, top - BOTTOM_MARGIN)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=pagesize, lang=ctx.lang)
    canvas.setTitle(title)
    canvas.setAuthor(charity.name_en)
    canvas.setCreator("Eskan Desk")
    pen = Pen(canvas)
    pen.prepare(lines for block in blocks for lines in block.texts())
    for number, placed in enumerate(pages, start=1):
        draw_letterhead(pen, ctx, charity, pagesize)
        for block, offset in placed:
            block.draw(pen, MARGIN, top - offset)
        draw_footer(
            pen,
            ctx,
            number,
            len(pages),
            form_version,
            pagesize[0],
            reference=reference,
            initials=initials,
        )
        pen.flush()
        canvas.showPage()
    canvas.save()
    return out.getvalue()
