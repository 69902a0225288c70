"""The declaration (إقرار): the applicant's data as recorded, and their signature under it.

Policy, "Handling a beneficiary" step 4: the support applicant confirms the data is correct,
signs it, and is directly responsible for its correctness. The QR code carries the request
number and the hash of the attested data, so a scanned paper can be matched to what it attests.
"""

from __future__ import annotations

import io
import re

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.markers import N_
from eskan_desk.printing import sheet
from eskan_desk.printing.blocks import (
    Block,
    Cell,
    FlowableBox,
    Gap,
    Grid,
    GridStyle,
    Group,
    Picture,
    Stack,
    Text,
)
from eskan_desk.printing.data import DeclarationDoc
from eskan_desk.printing.layout import BODY, GRID, SMALL, Ctx, content_width, page_reference
from eskan_desk.printing.pen import set_text, text_style
from eskan_desk.printing.qr import LEVEL_M, qr_modules
from eskan_desk.printing.sections import DATE, SIGNATURE, applicant_record, request_section

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
STATEMENT_BOX = GridStyle(padding=(4, 8, 6, 8), box=(0.8, GRID))
BOTTOM = GridStyle(padding=(3, 0, 3, 0), valign="top", align="center")


def qr_payload(doc: DeclarationDoc) -> str:
    """What the QR code carries: ``"<request number>|<attested hash>"``."""
    return f"{doc.request.number}|{doc.attested_hash}"


class QrFlowable(Flowable):
    """A QR code drawn as one filled path of rectangles, one per run of dark modules.

    The mask pattern is fixed: every reader decodes any of the eight masks (the pattern is
    written in the code's format bits), and scoring all eight in pure Python cost ~15 ms, a
    third of the declaration's time budget.
    """

    def __init__(self, payload: str, size: float = QR_SIZE, border: int = 2) -> None:
        super().__init__()
        self.modules = qr_modules(payload, LEVEL_M, QR_MASK)
        self.border = border
        self.width = self.height = size

    def draw(self) -> None:
        size = len(self.modules) + 2 * self.border
        box = self.width / size
        rects = []
        for r, row in enumerate(self.modules):
            y = size - self.border - 1 - r  # in modules from the bottom: row 0 at the top
            for run in _DARK_RUN.finditer(row):
                rects.append(f"{run.start() + self.border} {y} {run.end() - run.start()} 1 re")
        # drawn in module units, scaled to the code's size
        self.canv.addLiteral(f"q 0 g {box:.5f} 0 0 {box:.5f} 0 0 cm\n" + "\n".join(rects) + "\nf Q")


_DARK_RUN = re.compile(b"\x01+")


def _signature(png: bytes) -> Picture:
    """The on-screen signature, scaled to fit the box, proportions kept.

    Only the part with ink is embedded, where it stands in the pad: the rest is blank paper.
    A transparent background is flattened onto white, the paper it is printed on: one RGB
    image instead of the colours and a soft mask, the same on paper, half the work (the
    pad's own PNG is on white already).
    """
    with PILImage.open(io.BytesIO(png)) as image:
        image.load()
    w, h = image.size
    box_w, box_h = SIGNATURE_BOX
    scale = min(box_w / w, box_h / h)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        strokes = image.convert("RGBA")
        alpha = strokes.getchannel("A")
        ink = alpha.getbbox()
        if ink:
            strokes, alpha = strokes.crop(ink), alpha.crop(ink)
        paper = PILImage.new("RGB", strokes.size, "white")
        paper.paste(strokes, mask=alpha)
    else:
        ink = ImageOps.invert(image.convert("L")).getbbox()  # what is not white
        paper = image.crop(ink) if ink else image
    if not ink:  # a blank pad: embedded as it is
        return Picture(ImageReader(paper), w * scale, h * scale)
    left, top, right, bottom = ink
    area = (left * scale, top * scale, (right - left) * scale, (bottom - top) * scale)
    return Picture(ImageReader(paper), w * scale, h * scale, area)


def _signature_block(ctx: Ctx, doc: DeclarationDoc, width: float) -> list[Block]:
    name = sheet.fields(ctx, [(ctx.t(N_("Name")), doc.person.full_name)], width, per_row=1)
    if doc.signature_png is None:
        return [name, sheet.blank_lines(ctx, [ctx.t(SIGNATURE), ctx.t(DATE)], width)]
    signed = ctx.date(to_riyadh(doc.printed_at).date())
    rows = [(ctx.t(SIGNATURE), _signature(doc.signature_png)), (ctx.t(DATE), signed)]
    return [name, sheet.fields(ctx, rows, width, per_row=1)]


def _seal(ctx: Ctx, doc: DeclarationDoc, width: float) -> list[Block]:
    fingerprint = doc.attested_hash[:SHORT_HASH]
    return [
        FlowableBox(QrFlowable(qr_payload(doc))),
        sheet.fixed(ctx, ctx.t(FINGERPRINT), width, SMALL - 1, align="center"),
        Text(set_text(fingerprint, text_style(False, SMALL, align="center"), width), width),
    ]


def _attestation(ctx: Ctx, doc: DeclarationDoc, width: float) -> Group:
    """The statement in a box, then the signature beside the QR code: never apart."""
    statement = sheet.fixed(ctx, ctx.t(STATEMENT), STATEMENT_BOX.inner(width), BODY + 1, bold=True)
    seal_w = QR_SIZE + 8 * mm
    sign_w = width - seal_w - 4 * mm
    sign = Stack(_signature_block(ctx, doc, sign_w), sign_w + 4 * mm)
    seal = Stack(_seal(ctx, doc, seal_w), seal_w)
    return Group(
        [
            Grid([width], [[Cell(statement)]], STATEMENT_BOX),
            Gap(3 * mm),
            Grid(ctx.row([sign.width, seal_w]), [ctx.row([Cell(sign), Cell(seal)])], BOTTOM),
        ]
    )


def render_declaration(doc: DeclarationDoc) -> bytes:
    """Render the declaration for the applicant to sign.

    Args:
        doc: The applicant's data, the request, the hash of the attested data, and the
            on-screen signature (PNG) if there is one; without it, lines for a wet signature.

    Returns:
        The PDF (A4); a large household runs on to further pages.
    """
    ctx = Ctx.of(doc.lang)
    width = content_width()
    title = ctx.t(TITLE)
    blocks = sheet.title_block(ctx, title, doc.printed_at, doc.request.number, width)
    for s in applicant_record(ctx, doc.person):
        blocks += sheet.section(ctx, s, width)
    # What is asked for stays with the statement and the signature: a page that is signed
    # never holds the signature alone.
    asked = sheet.section(ctx, request_section(ctx, doc.request), width)
    blocks.append(Group([*asked, Gap(3 * mm), _attestation(ctx, doc, width)]))
    # Every page names the request and the file, and asks for initials until the signed one.
    return sheet.render(
        ctx,
        blocks,
        charity=doc.charity,
        title=title,
        form_version=doc.form_version,
        reference=page_reference(doc),
        initials=True,
    )
