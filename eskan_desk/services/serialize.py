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
