"""The declaration (إقرار): the applicant's data as recorded, and their signature under it.

Policy, "Handling a beneficiary" step 4: the support applicant confirms the data is correct,
signs it, and is directly responsible for its correctness. The QR code carries the request
number and the hash of the attested data, so a scanned paper can be matched to what it attests.
"""

from __future__ import annotations

import io
import itertools

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Table, TableStyle

from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.markers import N_
from eskan_desk.printing.arabic import markup, style
from eskan_desk.printing.data import DeclarationDoc
from eskan_desk.printing.layout import (
    BODY,
    GRID,
    SMALL,
    Ctx,
    build,
    content_width,
    fields,
    title_block,
)
from eskan_desk.printing.sections import (
    DATE,
    SIGNATURE,
    applicant_record,
    blank_lines,
    gap,
    request_block,
)

TITLE = N_("Declaration")
STATEMENT = N_(
    "I, the undersigned, declare that all the data above, which I gave to the association, is "
    "correct and complete, and that I am responsible for its correctness. I understand that "
    "false or incomplete data may lead to the support being cancelled."
)
FINGERPRINT = N_("Data fingerprint")
SHORT_HASH = 16  # characters of the hash printed beside the QR code
QR_SIZE = 26 * mm
QR_MASK = 0
SIGNATURE_BOX = (50 * mm, 15 * mm)


def qr_payload(doc: DeclarationDoc) -> str:
    """What the QR code carries: ``"<request number>|<attested hash>"``."""
    return f"{doc.request.number}|{doc.attested_hash}"


class QrFlowable(Flowable):
    """A QR code drawn as one filled path (ReportLab's widget builds a shape per module and
    encodes twice: ten times slower for the same picture).

    The mask pattern is fixed: every reader decodes any of the eight masks (the pattern is
    written in the code's format bits), and scoring all eight in pure Python cost ~15 ms, a
    third of the declaration's time budget.
    """

    def __init__(self, payload: str, size: float = QR_SIZE, border: int = 2) -> None:
        super().__init__()
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(payload)
        code.version = code.calculate_version()
        code.makeImpl(False, QR_MASK)
        self.modules = [list(map(bool, row)) for row in code.modules]
        self.border = border
        self.width = self.height = size

    def draw(self) -> None:
        n = len(self.modules)
        box = self.width / (n + 2 * self.border)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.height - (r + self.border + 1) * box  # row 0 at the top
            c = 0
            for dark, run in itertools.groupby(row):
                count = len(list(run))
                if dark:
                    path.rect((c + self.border) * box, y, count * box, box)
                c += count
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def _signature_image(png: bytes) -> Image:
    """The on-screen signature, scaled to fit the box, proportions kept."""
    w, h = ImageReader(io.BytesIO(png)).getSize()
    box_w, box_h = SIGNATURE_BOX
    scale = min(box_w / w, box_h / h)
    return Image(io.BytesIO(png), width=w * scale, height=h * scale)


def _signature_block(ctx: Ctx, doc: DeclarationDoc, width: float) -> list[Flowable]:
    name = fields(ctx, [(ctx.t(N_("Name")), doc.person.full_name)], width, per_row=1)
    if doc.signature_png is None:
        return [name, blank_lines(ctx, [ctx.t(SIGNATURE), ctx.t(DATE)], width)]
    signed = ctx.date(to_riyadh(doc.printed_at).date())
    rows = [(ctx.t(SIGNATURE), _signature_image(doc.signature_png)), (ctx.t(DATE), signed)]
    return [name, fields(ctx, rows, width, per_row=1)]


def _seal(ctx: Ctx, doc: DeclarationDoc) -> list[Flowable]:
    return [
        QrFlowable(qr_payload(doc)),
        ctx.p(ctx.t(FINGERPRINT), SMALL - 1, align="center"),
        Paragraph(markup(doc.attested_hash[:SHORT_HASH]), style(False, SMALL, align="center")),
    ]


def render_declaration(doc: DeclarationDoc) -> bytes:
    """Render the declaration for the applicant to sign.

    Args:
        doc: The applicant's data, the request, the hash of the attested data, and the
            on-screen signature (PNG) if there is one; without it, lines for a wet signature.

    Returns:
        The PDF (A4).
    """
    ctx = Ctx.of(doc.lang)
    width = content_width()
    seal_w = QR_SIZE + 8 * mm
    sign_w = width - seal_w - 4 * mm
    bottom = Table(
        [ctx.row([_signature_block(ctx, doc, sign_w), _seal(ctx, doc)])],
        colWidths=ctx.row([sign_w + 4 * mm, seal_w]),
    )
    bottom.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    statement = Table([[ctx.p(ctx.t(STATEMENT), BODY + 1, bold=True)]], colWidths=[width])
    statement.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, GRID),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story: list[Flowable] = [
        *title_block(ctx, ctx.t(TITLE), doc.printed_at, doc.request.number),
        *applicant_record(ctx, doc.person, width),
        *request_block(ctx, doc.request, width),
        gap(3),
        KeepTogether([statement, gap(3), bottom]),
    ]
    return build(ctx, story, charity=doc.charity, title=ctx.t(TITLE), form_version=doc.form_version)
