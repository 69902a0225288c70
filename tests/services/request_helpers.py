"""Builders for the support request tests."""

from __future__ import annotations

import io
import random
from dataclasses import replace

from sqlalchemy import func, select

from eskan_desk.app import AppContext
from eskan_desk.domain.enums import Role
from eskan_desk.models import (
    Attachment,
    AttachmentBlob,
    Counter,
    Declaration,
    DocumentRequirement,
    RequestDocument,
    RequestEvent,
    SupportRequest,
)
from eskan_desk.services.requests import create_request, record_declaration, set_document
from eskan_desk.services.staff import Actor

from .helpers import counts

REQUEST_TABLES = (
    SupportRequest,
    RequestEvent,
    Declaration,
    RequestDocument,
    Attachment,
    AttachmentBlob,
    DocumentRequirement,
)


def stored(ctx: AppContext) -> dict[str, int]:
    """Row counts of every table a request use case writes, and the numbers used up."""
    result = counts(ctx)
    with ctx.store.read() as s:
        for m in REQUEST_TABLES:
            result[m.__tablename__] = s.execute(select(func.count()).select_from(m)).scalar_one()
            if hasattr(m, "version"):  # an update changes the row's version
                result[f"{m.__tablename__}.versions"] = s.execute(
                    select(func.coalesce(func.sum(m.version % 1000003), 0))
                ).scalar_one()
        result["numbers"] = s.execute(
            select(func.coalesce(func.sum(Counter.last_value), 0))
        ).scalar_one()
    return result


def as_role(actor: Actor, role: Role) -> Actor:
    """The same staff member acting in another role (the services check the role only)."""
    return replace(actor, role=role)


def png(size: int = 64, seed: int = 0) -> bytes:
    """A noisy PNG, large enough that cutting it short breaks its image data."""
    from PIL import Image

    rnd = random.Random(seed)
    img = Image.frombytes("RGB", (size, size), rnd.randbytes(size * size * 3))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def jpeg(size: int = 64, seed: int = 1) -> bytes:
    from PIL import Image

    rnd = random.Random(seed)
    img = Image.frombytes("RGB", (size, size), rnd.randbytes(size * size * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    return buf.getvalue()


def pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Ejar lease contract")
    c.save()
    return buf.getvalue()


def signed_draft(ctx: AppContext, actor: Actor, beneficiary_id: str, type: str = "rent"):
    """A draft request whose applicant signed the declaration on paper."""
    req = create_request(ctx, actor, beneficiary_id=beneficiary_id, type=type, amount="3500")
    record_declaration(ctx, actor, req.id, method="paper")
    return req


def receive_all(ctx: AppContext, actor: Actor, req) -> None:
    """Mark every required document of ``req`` received."""
    for doc in req.documents:
        if doc.required:
            set_document(ctx, actor, req.id, doc.code, received=True)
