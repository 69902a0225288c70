"""What sync asks a supervisor to look at: conflicts (both values kept) and duplicate alerts.

HQ records a conflict when a field was changed on both sides since their common version; the row
keeps the value written first and the conflict keeps the other. Resolving it writes the chosen
value (a normal, audited change that travels back to HQ) and closes the conflict.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.models import Base, Beneficiary, DuplicateAlert, HouseholdMember, SyncConflict
from eskan_desk.services import search_index_writer
from eskan_desk.services.serialize import from_json_converter
from eskan_desk.services.staff import Actor

KEPT, OTHER = "kept", "other"
WHOLE_ROW = "*"  # the same change id arrived twice with different content
META = frozenset(
    {"id", "branch_id", "version", "created_at", "created_by", "updated_at", "updated_by"}
)


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    entity_id: str
    record: str  # what a person recognises: the family's name and file number
    field: str
    base_value: Any
    kept_value: Any
    other_value: Any
    kept_device: str | None
    other_device: str | None
    created_at: dt.datetime
    status: str
    chosen: str | None


@dataclass(frozen=True)
class AlertView:
    id: str
    national_id: str
    beneficiary_id: str
    file_no: str
    full_name: str
    other_branch_code: str
    other_branch_name: str
    other_file_no: str
    created_at: dt.datetime
    status: str


def _model(entity: str) -> Any:
    for mapper in Base.registry.mappers:
        if mapper.class_.__tablename__ == entity:
            return mapper.class_
    raise NotFoundError(N_("Unknown kind of record {kind}"), {"kind": entity})


def _load(raw: str | None) -> Any:
    return None if raw is None else json.loads(raw)


def _record_label(session: Session, entity: str, entity_id: str) -> str:
    ben_id = entity_id
    if entity == "household_members":
        member = session.get(HouseholdMember, entity_id)
        ben_id = member.beneficiary_id if member else ""
    elif entity != "beneficiaries":
        row = session.get(_model(entity), entity_id)
        ben_id = getattr(row, "beneficiary_id", None) or ""
        number = getattr(row, "number", None)
        if number:
            return number
    ben = session.get(Beneficiary, ben_id) if ben_id else None
    return f"{ben.full_name} · {ben.file_no}" if ben else entity_id[:8]


def _conflict_view(session: Session, c: SyncConflict) -> ConflictView:
    return ConflictView(
        id=c.id,
        entity=c.entity,
        entity_id=c.entity_id,
        record=_record_label(session, c.entity, c.entity_id),
        field=c.field,
        base_value=_load(c.base_value),
        kept_value=_load(c.kept_value),
        other_value=_load(c.other_value),
        kept_device=c.kept_device,
        other_device=c.other_device,
        created_at=c.created_at,
        status=c.status,
        chosen=c.chosen,
    )


def list_conflicts(
    ctx: AppContext, actor: Actor, *, include_resolved: bool = False
) -> list[ConflictView]:
    """Open conflicts first, oldest first (resolved ones too when asked)."""
    authorize(actor.role, Action.RESOLVE_CONFLICTS)
    with ctx.store.read() as session:
        q = select(SyncConflict).where(SyncConflict.deleted_at.is_(None))
        if not include_resolved:
            q = q.where(SyncConflict.status == "open")
        q = q.order_by(SyncConflict.status, SyncConflict.created_at)
        return [_conflict_view(session, c) for c in session.scalars(q)]


def open_conflict_count(ctx: AppContext) -> int:
    rows = ctx.store.fetch(
        "SELECT count(*) FROM sync_conflicts WHERE status = 'open' AND deleted_at IS NULL"
    )
    return int(rows[0][0])


def resolve_conflict(ctx: AppContext, actor: Actor, conflict_id: str, choice: str) -> ConflictView:
    """Keep the value in the record (``kept``) or write the other one (``other``).

    Raises:
        ValidationError: ``choice`` is neither ``kept`` nor ``other``.
        NotFoundError: no such conflict.
        ConflictError: the conflict is already resolved.
    """
    authorize(actor.role, Action.RESOLVE_CONFLICTS)
    if choice not in (KEPT, OTHER):
        raise ValidationError("choice", N_("must be 'kept' or 'other'"))
    rec = ctx.recorder
    with ctx.store.write() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.deleted_at is not None:
            raise NotFoundError(N_("No conflict {id}"), {"id": conflict_id})
        if conflict.status != "open":
            raise ConflictError("choice", N_("this conflict is already resolved"))
        if choice == OTHER:
            _write_other(session, ctx, actor, conflict)
        conflict.status = "resolved"
        conflict.chosen = choice
        conflict.resolved_by = actor.staff_id
        conflict.resolved_at = ctx.now()
        base = rec.stamp_update(conflict, actor_id=actor.staff_id)
        rec.record(
            session,
            conflict,
            action="conflict.resolve",
            actor_id=actor.staff_id,
            details={"entity": conflict.entity, "field": conflict.field, "chosen": choice},
            base_version=base,
        )
        return _conflict_view(session, conflict)


def _write_other(session: Session, ctx: AppContext, actor: Actor, c: SyncConflict) -> None:
    model = _model(c.entity)
    row = session.get(model, c.entity_id)
    if row is None:
        raise NotFoundError(N_("No record {id}"), {"id": c.entity_id})
    other = _load(c.other_value)
    values = other if c.field == WHOLE_ROW else {c.field: other}
    columns = {col.key: col for col in inspect(model).columns}
    local = set(getattr(model, "__local_columns__", ()))
    for key, value in values.items():
        if key in META or key in local or key not in columns:
            continue
        conv = from_json_converter(columns[key].type)
        setattr(row, key, conv(value) if conv and value is not None else value)
    base = ctx.recorder.stamp_update(row, actor_id=actor.staff_id)
    ctx.recorder.record(
        session,
        row,
        action=f"{c.entity}.conflict_value",
        actor_id=actor.staff_id,
        details={"conflict": c.id, "field": c.field},
        base_version=base,
    )
    if isinstance(row, Beneficiary):
        members = session.scalars(
            select(HouseholdMember).where(
                HouseholdMember.beneficiary_id == row.id, HouseholdMember.deleted_at.is_(None)
            )
        ).all()
        search_index_writer.reindex(session, row, [{"national_id": m.national_id} for m in members])


def list_duplicate_alerts(
    ctx: AppContext, actor: Actor, *, include_reviewed: bool = False
) -> list[AlertView]:
    """Families whose national ID also has a file at another branch."""
    authorize(actor.role, Action.VIEW_REGISTRY)
    with ctx.store.read() as session:
        q = select(DuplicateAlert, Beneficiary).join(
            Beneficiary, Beneficiary.id == DuplicateAlert.beneficiary_id, isouter=True
        )
        if not include_reviewed:
            q = q.where(DuplicateAlert.status == "open")
        out = []
        for alert, ben in session.execute(q.order_by(DuplicateAlert.created_at)):
            out.append(
                AlertView(
                    id=alert.id,
                    national_id=alert.national_id,
                    beneficiary_id=alert.beneficiary_id,
                    file_no=alert.file_no,
                    full_name=ben.full_name if ben else "",
                    other_branch_code=alert.other_branch_code,
                    other_branch_name=alert.other_branch_name,
                    other_file_no=alert.other_file_no,
                    created_at=alert.created_at,
                    status=alert.status,
                )
            )
        return out


def review_alert(ctx: AppContext, actor: Actor, alert_id: str) -> None:
    """Mark a duplicate alert as looked into (it goes back to HQ like any change)."""
    authorize(actor.role, Action.RESOLVE_CONFLICTS)
    with ctx.store.write() as session:
        alert = session.get(DuplicateAlert, alert_id)
        if alert is None:
            raise NotFoundError(N_("No duplicate alert {id}"), {"id": alert_id})
        if alert.status != "open":
            return
        alert.status = "reviewed"
        alert.reviewed_by = actor.staff_id
        alert.reviewed_at = ctx.now()
        base = ctx.recorder.stamp_update(alert, actor_id=actor.staff_id)
        ctx.recorder.record(
            session,
            alert,
            action="duplicate_alert.review",
            actor_id=actor.staff_id,
            base_version=base,
        )
