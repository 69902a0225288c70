"""Canonical JSON of rows: the same bytes for the same data, for hashes and sync payloads."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def canonical_json(data: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def row_dict(obj: Any) -> dict[str, Any]:
    """The column values of a mapped object, by column name, less its device-local columns."""
    mapper = inspect(obj).mapper
    local = getattr(obj, "__local_columns__", ())
    return {col.key: getattr(obj, col.key) for col in mapper.column_attrs if col.key not in local}


def _to_datetime(v: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(v)


def _to_date(v: Any) -> dt.date:
    return dt.date.fromisoformat(v)


def _to_decimal(v: Any) -> Decimal:
    return Decimal(str(v))


def from_json_converter(col_type: Any) -> Any:
    """How to turn a column's JSON value back into its Python value (None: as it is)."""
    from sqlalchemy import Date, DateTime, Numeric
    from sqlalchemy.types import TypeDecorator

    t = col_type.impl if isinstance(col_type, TypeDecorator) else col_type
    if isinstance(t, DateTime):
        return _to_datetime
    if isinstance(t, Date):
        return _to_date
    if isinstance(t, Numeric):
        return _to_decimal
    return None


def to_json_value(value: Any) -> Any:
    """A column value as it travels in JSON (the inverse of :func:`from_json_converter`)."""
    if isinstance(value, dt.datetime | dt.date | Decimal):
        return _default(value)
    return value
