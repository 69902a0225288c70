"""Scanned documents and signatures: checked, content-addressed by SHA-256, stored once.

An attachment row (synced metadata: hash, type, size, name) is written through the change
recorder like every synced row; the bytes go to the local ``attachment_blobs`` table, once per
hash, so the same scan attached twice costs nothing and is one attachment.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import PurePath
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import NotFoundError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Attachment, AttachmentBlob
from eskan_desk.services.staff import Actor

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200
PNG, JPEG, PDF = "image/png", "image/jpeg", "application/pdf"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"%PDF-", PDF))
_PDF_EOF_WINDOW = 2048  # %%EOF closes the file; writers may add a little trailing white space
_NOT_READABLE = N_("is not a readable image or PDF")


def sniff_media_type(data: bytes) -> str:
    """Check that ``data`` is a whole PNG, JPEG or PDF file and tell which.

    The type comes from the bytes themselves, never from the file name. An image must decode
    completely with Pillow; a PDF must start with ``%PDF-`` and end with ``%%EOF``.

    Args:
        data: The file's bytes.

    Returns:
        ``"image/png"``, ``"image/jpeg"`` or ``"application/pdf"``.

    Raises:
        ValidationError: On field ``attachment``: empty, larger than the limit (named in MB), or
            not a readable image or PDF (a renamed text file, a truncated scan).
    """
    if not data:
        raise ValidationError("attachment", N_("is empty"))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "attachment",
            N_("is larger than {mb} MB"),
            {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
        )
    media_type = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if media_type is None:
        raise ValidationError("attachment", _NOT_READABLE)
    if media_type == PDF:
        if b"%%EOF" not in data[-_PDF_EOF_WINDOW:]:
            raise ValidationError("attachment", _NOT_READABLE)
    else:
        _check_image(data)
    return media_type


def _check_image(data: bytes) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                img.verify()  # structure and checksums
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # every pixel: a truncated file fails here
    except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, ValueError...)
        raise ValidationError("attachment", _NOT_READABLE) from exc


def _clean_filename(raw: str) -> str | None:
    name = PurePath((raw or "").replace("\\", "/")).name  # never a path from another PC
    if len(name) > MAX_FILENAME:  # keep the extension when shortening
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_FILENAME - len(ext) - 1] + dot + ext) if dot else name[:MAX_FILENAME]
    return clean_text(name, "attachment", max_len=MAX_FILENAME)


def store_attachment(
    session: Session, ctx: AppContext, actor: Actor, data: bytes, filename: str = ""
) -> Attachment:
    """Check and keep a file in the caller's transaction; the same bytes give the same row.

    Args:
        session: The caller's write session (the attachment commits or rolls back with it).
        ctx: The application context.
        actor: Who attaches the file.
        data: The file's bytes.
        filename: The name it had, for display only (the path is dropped).

    Returns:
        The attachment row: a new one, or the existing one with the same SHA-256.

    Raises:
        ValidationError: See :func:`sniff_media_type`.
    """
    media_type = sniff_media_type(data)
    digest = hashlib.sha256(data).hexdigest()
    rec = ctx.recorder
    if session.get(AttachmentBlob, digest) is None:
        session.add(AttachmentBlob(sha256=digest, data=data))
    existing = session.execute(
        select(Attachment).where(
            Attachment.branch_id == actor.branch_id, Attachment.sha256 == digest
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.deleted_at is not None:  # one row per hash: bring a tombstoned one back
            existing.deleted_at = None
            base = rec.stamp_update(existing, actor_id=actor.staff_id)
            rec.record(
                session,
                existing,
                action="attachment.restore",
                actor_id=actor.staff_id,
                base_version=base,
            )
        return existing
    row = Attachment(
        sha256=digest, media_type=media_type, size=len(data), filename=_clean_filename(filename)
    )
    rec.stamp_new(row, branch_id=actor.branch_id, actor_id=actor.staff_id)
    session.add(row)
    rec.record(
        session,
        row,
        action="attachment.add",
        actor_id=actor.staff_id,
        details={"sha256": digest, "media_type": media_type, "size": len(data)},
    )
    return row


def read_attachment(ctx: AppContext, attachment_id: str) -> bytes:
    """The bytes of an attachment.

    Raises:
        NotFoundError: No such attachment, or its bytes are not on this PC.
    """
    with ctx.store.read() as session:
        row = session.get(Attachment, attachment_id)
        blob = session.get(AttachmentBlob, row.sha256) if row is not None else None
        if blob is None:
            raise NotFoundError(N_("No attachment with ID {key}"), {"key": attachment_id})
        return cast(bytes, blob.data)
