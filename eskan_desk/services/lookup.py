"""Finding a family file by whatever the user has in hand: id, file number or national ID."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import NotFoundError
from eskan_desk.domain.markers import N_
from eskan_desk.models import Beneficiary

T = TypeVar("T", bound=Any)


def find_beneficiary(session: Session, key: str) -> Beneficiary:
    """A live family file by id, file number (any case) or national ID (any digits).

    Raises:
        NotFoundError: No such beneficiary (or its file was deleted).
    """
    key = to_latin_digits((key or "").strip())
    ben = None
    if key:
        ben = session.scalars(
            select(Beneficiary)
            .where(
                or_(
                    Beneficiary.id == key,
                    func.upper(Beneficiary.file_no) == key.upper(),
                    Beneficiary.national_id == key,
                ),
                Beneficiary.deleted_at.is_(None),
            )
            .limit(1)
        ).first()
    if ben is None:
        raise NotFoundError(N_("No beneficiary with ID or file number {key}"), {"key": key})
    return ben


MIN_ID_PREFIX = 8


def find_by_id_or_prefix(session: Session, model: type[T], key: str, not_found: str) -> T:
    """A live row by id, or by the start of its id (at least 8 characters, unambiguous), so a
    person can type the first characters of an id they read off a screen.

    Raises:
        NotFoundError: no such row, or the start of the id fits more than one
            (``not_found`` is the catalog message, with ``{key}``).
    """
    key = (key or "").strip().lower()
    row = session.get(model, key) if key else None
    if row is None and len(key) >= MIN_ID_PREFIX:
        found = session.scalars(
            select(model).where(model.id.startswith(key, autoescape=True)).limit(2)
        ).all()
        row = found[0] if len(found) == 1 else None
    if row is None or row.deleted_at is not None:
        raise NotFoundError(not_found, {"key": key})
    return row
