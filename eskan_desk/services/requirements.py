"""The documents checklist of each request type, which an administrator may change.

Until an administrator first edits a type's list, its checklist is the default from
``domain.requests.DEFAULT_DOCUMENTS`` (nothing is stored: a read never writes, and an improved
default reaches every branch that never customised the type). The first edit writes the whole
list as rows, through the change recorder, so it is audited and synced; from then on the rows
are the list (a removed line is a tombstone, and that also marks the type as customised).
A request copies its type's checklist when it is opened: editing the list later changes the
checklists of new requests only.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import StoreError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.requests import DEFAULT_DOCUMENTS, RequestType
from eskan_desk.domain.text import clean_text
from eskan_desk.models import DocumentRequirement, SyncState
from eskan_desk.services.dto import JsonMixin
from eskan_desk.services.staff import BRANCH_KEY, Actor

MAX_ITEMS = 40
MAX_LABEL = 120
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class RequirementView(JsonMixin):
    """One line of a checklist. ``label`` is English for the defaults (translate it to show it;
    an administrator's own label passes through the catalog unchanged)."""

    code: str
    label: str
    required: bool
    sort_order: int


def requirements_in(session: Session, branch_id: str, request_type: str) -> list[RequirementView]:
    """A type's checklist, read in an open session (the stored list, else the default)."""
    rows = session.scalars(
        select(DocumentRequirement)
        .where(
            DocumentRequirement.branch_id == branch_id,
            DocumentRequirement.request_type == request_type,
        )
        .order_by(DocumentRequirement.sort_order, DocumentRequirement.code)
    ).all()
    if not rows:
        return _defaults(RequestType(request_type))
    return [
        RequirementView(r.code, r.label, r.required, r.sort_order)
        for r in rows
        if r.deleted_at is None
    ]


def _defaults(request_type: RequestType) -> list[RequirementView]:
    return [
        RequirementView(code, label, required, i)
        for i, (code, label, required) in enumerate(DEFAULT_DOCUMENTS[request_type])
    ]


def _branch_id(session: Session) -> str:
    state = session.get(SyncState, BRANCH_KEY)
    if state is None:
        raise StoreError(N_("This store is not set up yet. Run 'eskan init' first."))
    return state.value


def list_requirements(ctx: AppContext, request_type: str) -> list[RequirementView]:
    """The documents checklist of a request type, in the order it is shown.

    Args:
        ctx: The application context.
        request_type: A request type code, e.g. ``"rent"``.

    Returns:
        The lines of the list: the administrator's if edited, otherwise the defaults.

    Raises:
        ValidationError: Unknown request type.
    """
    kind = RequestType.parse(request_type, "request_type")
    with ctx.store.read() as session:
        return requirements_in(session, _branch_id(session), kind.value)


def _clean_items(items: Iterable[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    cleaned: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    items = list(items)
    taken = {(code or "").strip().lower() for code, _label, _required in items}
    for line, (code_raw, label_raw, required) in enumerate(items, start=1):
        code = (code_raw or "").strip().lower()
        if not code:  # a document the administrator added: it gets a code of its own
            code = _new_code(taken)
            taken.add(code)
        if not _CODE.match(code):
            raise ValidationError(
                "requirements",
                N_("{code} is not a valid code: Latin lower-case letters, digits and '_'"),
                {"code": code_raw},
            )
        if code in seen:
            raise ValidationError("requirements", N_("{code} is listed twice"), {"code": code})
        seen.add(code)
        # The line is named: a screen of names shows no codes to point at.
        label = clean_text(label_raw, "requirements", max_len=len(label_raw or "") + 1)
        if not label:
            raise ValidationError("requirements", N_("document {line} has no name"), {"line": line})
        if len(label) > MAX_LABEL:
            raise ValidationError(
                "requirements",
                N_("the name of document {line} is longer than {max} characters"),
                {"line": line, "max": MAX_LABEL},
            )
        cleaned.append((code, str(label), bool(required)))
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError(
            "requirements", N_("must have at most {max} documents"), {"max": MAX_ITEMS}
        )
    return cleaned


def _new_code(taken: set[str]) -> str:
    """A code for a new document, random so that two devices adding one never collide."""
    while True:
        code = f"doc_{secrets.token_hex(4)}"
        if code not in taken:
            return code


def set_requirements(
    ctx: AppContext, actor: Actor, request_type: str, items: Iterable[tuple[str, str, bool]]
) -> list[RequirementView]:
    """Replace a request type's documents checklist (administrators only).

    Args:
        ctx: The application context.
        actor: The administrator.
        request_type: The type whose list changes.
        items: ``(code, label, required)`` in the order to show them; an empty list means the
            type asks for no documents. An empty code is a new document: it gets a code of its
            own (the screen never shows codes; they tie a request's checklist to the list).

    Returns:
        The list as now stored.

    Raises:
        PermissionDeniedError: The actor is not an administrator.
        ValidationError: Unknown type, a bad or repeated code, an empty or too long label.
    """
    authorize(actor.role, Action.EDIT_DOCUMENT_REQUIREMENTS)
    kind = RequestType.parse(request_type, "request_type")
    wanted = _clean_items(items)
    rec = ctx.recorder
    with ctx.store.write() as session:
        rows = {
            r.code: r
            for r in session.scalars(
                select(DocumentRequirement).where(
                    DocumentRequirement.branch_id == actor.branch_id,
                    DocumentRequirement.request_type == kind.value,
                )
            )
        }
        for order, (code, label, required) in enumerate(wanted):
            row = rows.pop(code, None)
            if row is None:
                row = DocumentRequirement(
                    request_type=kind.value, code=code, label=label, required=required
                )
                row.sort_order = order
                rec.stamp_new(row, branch_id=actor.branch_id, actor_id=actor.staff_id)
                session.add(row)
                rec.record(session, row, action="requirement.add", actor_id=actor.staff_id)
                continue
            new = (label, required, order, None)
            if (row.label, row.required, row.sort_order, row.deleted_at) != new:
                row.label, row.required, row.sort_order, row.deleted_at = new
                base = rec.stamp_update(row, actor_id=actor.staff_id)
                rec.record(
                    session,
                    row,
                    action="requirement.update",
                    actor_id=actor.staff_id,
                    base_version=base,
                )
        for row in rows.values():
            if row.deleted_at is None:
                row.deleted_at = ctx.now()
                base = rec.stamp_update(row, actor_id=actor.staff_id)
                rec.record(
                    session,
                    row,
                    action="requirement.remove",
                    actor_id=actor.staff_id,
                    base_version=base,
                )
        if not wanted and not rows:
            # An empty list on a type never edited: keep a marker so the defaults do not return.
            _mark_customised(session, ctx, actor, kind)
        session.flush()
        return requirements_in(session, actor.branch_id, kind.value)


def _mark_customised(session: Session, ctx: AppContext, actor: Actor, kind: RequestType) -> None:
    rec = ctx.recorder
    for order, (code, label, required) in enumerate(DEFAULT_DOCUMENTS[kind]):
        row = DocumentRequirement(
            request_type=kind.value, code=code, label=label, required=required, sort_order=order
        )
        rec.stamp_new(row, branch_id=actor.branch_id, actor_id=actor.staff_id)
        row.deleted_at = row.created_at
        session.add(row)
        rec.record(session, row, action="requirement.remove", actor_id=actor.staff_id)
