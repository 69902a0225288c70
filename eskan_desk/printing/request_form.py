"""The beneficiary support request form (طلب دعم مستفيد), with its documents checklist.

One of the tools the policy gives the beneficiary-relations employee: who asks, for what, which
documents were handed in, and who received the request.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from eskan_desk.domain.markers import N_
from eskan_desk.printing.data import DocumentItem, RequestFormDoc
from eskan_desk.printing.layout import (
    GRID,
    SMALL,
    Ctx,
    build_for_request,
    content_width,
    heading,
    title_block,
)
from eskan_desk.printing.sections import (
    DATE,
    SIGNATURE,
    applicant_summary,
    blank_lines,
    gap,
    request_block,
)

TITLE = N_("Beneficiary support request")
FORM_VERSION = "RF-1"
BOX = 3.6 * mm


class CheckBox(Flowable):
    """A square, ticked when the document was received (Amiri has no ☑/☐ glyphs)."""

    def __init__(self, checked: bool, size: float = BOX) -> None:
        super().__init__()
        self.checked = checked
        self.width = self.height = size

    def draw(self) -> None:
        c, s = self.canv, self.width
        c.setLineWidth(0.7)
        c.setStrokeColor(colors.black)
        c.rect(0, 0, s, s)
        if self.checked:
            c.setLineWidth(1.2)
            path = c.beginPath()
            path.moveTo(s * 0.18, s * 0.52)
            path.lineTo(s * 0.42, s * 0.22)
            path.lineTo(s * 0.86, s * 0.84)
            c.drawPath(path, stroke=1, fill=0)


def _checklist(ctx: Ctx, doc: RequestFormDoc, width: float) -> list[Flowable]:
    """Each document ticked when received, and marked required or optional; then how many
    required ones are still missing, so nobody reads an unticked box as optional."""
    items = [DocumentItem(*d) for d in doc.documents]
    need = ctx.t(N_("Required")), ctx.t(N_("Optional"))
    rows = [
        ctx.row([CheckBox(d.received), ctx.p(d.label), ctx.p(need[0 if d.required else 1], SMALL)])
        for d in items
    ]
    mark_w = 22 * mm
    t = Table(rows, colWidths=ctx.row([BOX + 6 * mm, width - BOX - 6 * mm - mark_w, mark_w]))
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    missing = sum(1 for d in items if d.required and not d.received)
    if not missing:
        return [t]
    note = ctx.t(N_("Required documents not received yet: {n}"), n=missing)
    return [t, gap(2), ctx.p(note, bold=True)]


def render_request_form(doc: RequestFormDoc) -> bytes:
    """Render the support request form.

    Args:
        doc: The applicant, the request and the documents checklist (label, received).

    Returns:
        The PDF (A4).
    """
    ctx = Ctx.of(doc.lang)
    width = content_width()
    story: list[Flowable] = [
        *title_block(ctx, ctx.t(TITLE), doc.printed_at, doc.request.number),
        *applicant_summary(ctx, doc.person, width),
        *request_block(ctx, doc.request, width),
    ]
    if doc.documents:
        story += [heading(ctx, ctx.t(N_("Documents"))), *_checklist(ctx, doc, width)]
    story += [
        gap(4),
        heading(ctx, ctx.t(N_("Received by (employee)"))),
        gap(2),
        blank_lines(ctx, [ctx.t(N_("Name")), ctx.t(SIGNATURE), ctx.t(DATE)], width),
    ]
    return build_for_request(ctx, story, doc, title=ctx.t(TITLE), form_version=FORM_VERSION)
