"""Finding a family file by whatever the user has in hand: id, file number or national ID."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import NotFoundError
from eskan_desk.domain.markers import N_
from eskan_desk.models import Beneficiary


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
