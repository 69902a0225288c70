"""Keeps the FTS5 search index in step with the family file, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from eskan_desk.domain.arabic import normalize_for_search
from eskan_desk.models import Beneficiary
from eskan_desk.models.search_index import index_rows, unindex


def index_text(first: str, father: str, grandfather: str, family: str) -> str:
    """The normalised four-part name of the head of household.

    Members' names are left out on purpose: a search for "أحمد" should list people called
    Ahmad, not every family with a son called Ahmad. Members' ID numbers are indexed instead.
    """
    parts = [first, father, grandfather, family]
    return normalize_for_search(" ".join(p for p in parts if p))


def index_numbers(
    national_id: str, mobile: str | None, file_no: str, member_ids: Iterable[str | None] = ()
) -> str:
    """Numbers people read out: ID, the mobile as typed locally (05…, 5…), the file number."""
    out = [national_id, file_no.replace("-", "")]
    if mobile:
        nsn = mobile.removeprefix("+966")
        out += ["0" + nsn, nsn]
    out += [m for m in member_ids if m]
    return " ".join(out).lower()


def reindex(session: Session, ben: Beneficiary, members: list[dict[str, Any]]) -> None:
    if session.get_bind().dialect.name != "sqlite":
        return
    session.flush()
    conn = session.connection()
    if ben.deleted_at is not None:
        unindex(conn, ben.id)
        return
    name = index_text(ben.first_name, ben.father_name, ben.grandfather_name, ben.family_name)
    numbers = index_numbers(
        ben.national_id, ben.mobile, ben.file_no, [m.get("national_id") for m in members]
    )
    index_rows(conn, [(ben.id, name, numbers)])
