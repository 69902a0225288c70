"""Find a beneficiary by any spelling of a name, national ID, mobile (any typed form) or file no."""

from __future__ import annotations

import re
from typing import Any

from eskan_desk.app import AppContext
from eskan_desk.domain.arabic import search_tokens
from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.phone import mobile_search_key
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
    "WHERE fts_beneficiary MATCH ? AND b.deleted_at IS NULL LIMIT ?"
)
_EXACT_SQL = (
    f"SELECT {_COLUMNS} FROM beneficiaries b WHERE b.{{column}} = ? "
    "AND b.deleted_at IS NULL LIMIT ?"
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
    plan = search_plan(raw)
    if plan is None:
        return []
    sql, value = plan
    return [_summary(r) for r in ctx.store.fetch(sql, (value, limit))]


def search_plan(raw: str) -> tuple[str, str] | None:
    """The SQL and its parameter for a query as typed (limit bound separately), or None."""
    latin = to_latin_digits(raw).strip()
    file_no = _FILE_NO.match(latin.upper().replace(" ", ""))
    if file_no:
        code, year, n = file_no.groups()
        return _EXACT_SQL.format(column="file_no"), f"{code}-{year}-{int(n):06d}"
    if _NUMBERISH.match(latin):
        digits = re.sub(r"\D", "", latin)
        mobile = mobile_search_key(latin)
        if mobile:
            return _EXACT_SQL.format(column="mobile"), mobile
        if len(digits) == 10 and digits[0] in "12":
            return _EXACT_SQL.format(column="national_id"), digits
        if len(digits) < 2:
            return None
        return _FTS_SQL, "numbers : " + fts_phrase(digits, prefix=True)
    match = name_query(raw)
    return (_FTS_SQL, match) if match else None


def _summary(r: Any) -> BeneficiarySummary:
    return BeneficiarySummary(
        id=r[0],
        file_no=r[1],
        national_id=r[2],
        full_name=f"{r[3]} {r[4]} {r[5]} {r[6]}",
        mobile=r[7],
        gender=r[8],
        category=r[9],
        city=r[10],
        district=r[11],
        registration_status=r[12],
    )


def list_beneficiaries(
    ctx: AppContext, *, after_file_no: str | None = None, limit: int = 200
) -> list[BeneficiarySummary]:
    """The registry page by page, newest file first (keyset paging: fast at any depth)."""
    where = "b.deleted_at IS NULL" + (" AND b.file_no < ?" if after_file_no else "")
    params = (after_file_no, limit) if after_file_no else (limit,)
    rows = ctx.store.fetch(
        f"SELECT {_COLUMNS} FROM beneficiaries b WHERE {where} ORDER BY b.file_no DESC LIMIT ?",
        params,
    )
    return [_summary(r) for r in rows]


def count_beneficiaries(ctx: AppContext) -> int:
    """How many live files the registry holds."""
    return ctx.store.fetch("SELECT count(*) FROM beneficiaries WHERE deleted_at IS NULL")[0][0]


def find_by_national_id(ctx: AppContext, national_id: str) -> BeneficiarySummary | None:
    """The live file holding this national ID, if any (the form jumps to it)."""
    rows = ctx.store.fetch(_EXACT_SQL.format(column="national_id"), (national_id, 1))
    return _summary(rows[0]) if rows else None
