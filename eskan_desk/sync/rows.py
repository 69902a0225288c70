"""Which tables travel, how their rows become JSON and back, and how each kind merges."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from sqlalchemy import Table

from eskan_desk.models import Base
from eskan_desk.models.base import Synced
from eskan_desk.services.serialize import from_json_converter, to_json_value

# Append-only kinds never conflict: a later version simply replaces an earlier one.
APPEND_ONLY = frozenset({"contacts", "request_events", "satisfaction_surveys", "survey_offers"})
# Workflow fields the committee owns: when both sides changed one, the HQ device's value wins.
HQ_OWNED = {
    "support_requests": frozenset(
        {"status", "decision", "decision_reason", "decided_by", "decided_at"}
    ),
}
# Rows every branch sees whoever wrote them (the directory of branches, for duplicate alerts).
EVERYONE = frozenset({"branches"})
# Bookkeeping columns: never compared field by field.
META = frozenset({"version", "updated_at", "updated_by"})
ALL = "*"


@cache
def synced_tables() -> dict[str, Table]:
    """Every table whose rows travel, by name."""
    out = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Synced):
            out[cls.__tablename__] = cls.__table__
    return out


@cache
def local_columns(entity: str) -> frozenset[str]:
    for mapper in Base.registry.mappers:
        if mapper.class_.__tablename__ == entity:
            return frozenset(getattr(mapper.class_, "__local_columns__", ()))
    return frozenset()


@cache
def decoders(entity: str) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """(column, converter) for every synced column of ``entity``; None passes the JSON value."""
    table = synced_tables()[entity]
    local = local_columns(entity)
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for col in table.columns:
        if col.key in local:
            continue
        out.append((col.key, from_json_converter(col.type)))
    return tuple(out)


def decode(entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """JSON row → column values; columns the sender did not know keep their defaults.

    Raises:
        ValueError: a value cannot be read as its column's type.
    """
    out: dict[str, Any] = {}
    for key, conv in decoders(entity):
        if key in row:
            v = row[key]
            out[key] = conv(v) if conv is not None and v is not None else v
    return out


def decoder(entity: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """:func:`decode` for rows of one kind."""
    return partial(decode, entity)


json_value = to_json_value


def encode(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Column values (from a Core row) → the JSON row a change carries."""
    local = local_columns(entity)
    return {k: json_value(v) for k, v in values.items() if k not in local}


def audience(entity: str, row: dict[str, Any]) -> str:
    """Who must see this row by pull: its branch, or every branch."""
    return ALL if entity in EVERYONE else row["branch_id"]
