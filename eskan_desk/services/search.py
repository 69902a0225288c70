"""Find a beneficiary by any spelling of a name, national ID, mobile (any typed form) or file no."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, select, text

from eskan_desk.app import AppContext
from eskan_desk.domain.arabic import normalize_for_search, search_tokens
from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.phone import mobile_search_key
from eskan_desk.models import Beneficiary
from eskan_desk.services.dto import BeneficiarySummary

MAX_LIMIT = 500
MAX_QUERY = 200
_FILE_NO = re.compile(r"^([A-Z]{2,4})-?(\d{4})-?(\d{1,6})$")
_NUMBERISH = re.compile(r"^\+?[\d\s\-().]+$")

_COLUMNS = (
    "b.id, b.file_no, b.national_id, b.first_name, b.father_name, b.grandfather_name, "
    "b.family_name, b.mobile, b.gender, b.category, b.city, b.district, b.registration_status"
)
_FTS_SQL = (
    f"SELECT {_COLUMNS} FROM fts_beneficiary f "
    "JOIN fts_beneficiary_keys k ON k.rowid = f.rowid "
    "JOIN beneficiaries b ON b.id = k.beneficiary_id "
    "WHERE fts_beneficiary MATCH :q AND b.deleted_at IS NULL LIMIT :n"
)


def fts_phrase(token: str, *, prefix: bool) -> str:
    """One FTS5 string token, quoted so nothing the user types is read as query syntax."""
    quoted = '"' + token.replace('"', '""') + '"'
    return quoted + ("*" if prefix else "")


def name_query(raw: str) -> str | None:
    """The FTS5 MATCH expression for a name typed in any spelling (every word a prefix)."""
    tokens = search_tokens(raw)
    if not tokens:
        return None
    return "name : (" + " AND ".join(fts_phrase(t, prefix=True) for t in tokens) + ")"


def search_beneficiaries(
    ctx: AppContext, query: str, *, limit: int = 50
) -> list[BeneficiarySummary]:
    """Beneficiaries matching ``query``: exact numbers first, else names by prefix.

    Raises:
        ValidationError: the query or the limit is out of range.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("limit", N_("must be between 1 and {max}"), {"max": MAX_LIMIT})
    raw = (query or "").strip()
    if len(raw) > MAX_QUERY:
        raise ValidationError("query", N_("must be at most {max} characters"), {"max": MAX_QUERY})
    if not raw:
        return []
    with ctx.store.read() as session:
        conn = session.connection()
        rows = _search(conn, raw, limit)
    results = [_summary(r) for r in rows]
    return results


def _search(conn: Connection, raw: str, limit: int) -> list[Any]:
    latin = to_latin_digits(raw).strip()
    file_no = _FILE_NO.match(latin.upper().replace(" ", ""))
    if file_no:
        code, year, n = file_no.groups()
        return _exact(conn, Beneficiary.file_no == f"{code}-{year}-{int(n):06d}", limit)
    if _NUMBERISH.match(latin):
        digits = re.sub(r"\D", "", latin)
        mobile = mobile_search_key(latin)
        if mobile:
            return _exact(conn, Beneficiary.mobile == mobile, limit)
        if len(digits) == 10 and digits[0] in "12":
            return _exact(conn, Beneficiary.national_id == digits, limit)
        if len(digits) < 2:
            return []
        match = "numbers : " + fts_phrase(digits, prefix=True)
    else:
        match = name_query(raw)
        if match is None:
            return []
    return conn.execute(text(_FTS_SQL), {"q": match, "n": limit}).all()


def _exact(conn: Connection, where: Any, limit: int) -> list[Any]:
    b = Beneficiary
    cols = (
        b.id,
        b.file_no,
        b.national_id,
        b.first_name,
        b.father_name,
        b.grandfather_name,
        b.family_name,
        b.mobile,
        b.gender,
        b.category,
        b.city,
        b.district,
        b.registration_status,
    )
    return conn.execute(select(*cols).where(where, b.deleted_at.is_(None)).limit(limit)).all()


def _summary(r: Any) -> BeneficiarySummary:
    return BeneficiarySummary(
        id=r.id,
        file_no=r.file_no,
        national_id=r.national_id,
        full_name=f"{r.first_name} {r.father_name} {r.grandfather_name} {r.family_name}",
        mobile=r.mobile,
        gender=r.gender,
        category=r.category,
        city=r.city,
        district=r.district,
        registration_status=r.registration_status,
    )


__all__ = ["name_query", "normalize_for_search", "search_beneficiaries"]


def list_beneficiaries(
    ctx: AppContext, *, after_file_no: str | None = None, limit: int = 200
) -> list[BeneficiarySummary]:
    """The registry page by page, newest file first (keyset paging: fast at any depth)."""
    b = Beneficiary
    cols = (
        b.id,
        b.file_no,
        b.national_id,
        b.first_name,
        b.father_name,
        b.grandfather_name,
        b.family_name,
        b.mobile,
        b.gender,
        b.category,
        b.city,
        b.district,
        b.registration_status,
    )
    query = select(*cols).where(b.deleted_at.is_(None))
    if after_file_no is not None:
        query = query.where(b.file_no < after_file_no)
    with ctx.store.read() as session:
        rows = session.execute(query.order_by(b.file_no.desc()).limit(limit)).all()
    return [_summary(r) for r in rows]


def count_beneficiaries(ctx: AppContext) -> int:
    """How many live files the registry holds."""
    with ctx.store.read() as session:
        return session.execute(
            text("SELECT count(*) FROM beneficiaries WHERE deleted_at IS NULL")
        ).scalar_one()
