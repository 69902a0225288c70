"""Autosaved drafts of forms: kill the app mid-form, restart, and the draft is offered back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from sqlalchemy import delete, select

from eskan_desk.app import AppContext
from eskan_desk.domain.ids import uuid7
from eskan_desk.models import Draft
from eskan_desk.services.staff import Actor


@dataclass(frozen=True)
class DraftView:
    form: str
    key: str
    payload: dict[str, Any]
    updated_at: Any


def save_draft(ctx: AppContext, actor: Actor, form: str, key: str, payload: Any) -> None:
    """Replace this staff member's draft of ``form`` for ``key`` (``"new"`` or a record id)."""
    data = asdict(payload) if is_dataclass(payload) else payload
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    with ctx.store.write() as session:
        draft = session.execute(
            select(Draft).where(
                Draft.staff_id == actor.staff_id, Draft.form == form, Draft.key == key
            )
        ).scalar_one_or_none()
        if draft is None:
            session.add(
                Draft(
                    id=uuid7(),
                    staff_id=actor.staff_id,
                    form=form,
                    key=key,
                    payload=text,
                    updated_at=ctx.now(),
                )
            )
        elif draft.payload != text:
            draft.payload = text
            draft.updated_at = ctx.now()


def load_draft(ctx: AppContext, actor: Actor, form: str, key: str) -> DraftView | None:
    """The saved draft, if any."""
    with ctx.store.read() as session:
        draft = session.execute(
            select(Draft).where(
                Draft.staff_id == actor.staff_id, Draft.form == form, Draft.key == key
            )
        ).scalar_one_or_none()
    if draft is None:
        return None
    return DraftView(
        form=form, key=key, payload=json.loads(draft.payload), updated_at=draft.updated_at
    )


def list_drafts(ctx: AppContext, actor: Actor) -> list[DraftView]:
    """Every draft this staff member left, newest first (offered back after a restart)."""
    with ctx.store.read() as session:
        rows = session.scalars(
            select(Draft).where(Draft.staff_id == actor.staff_id).order_by(Draft.updated_at.desc())
        ).all()
    return [
        DraftView(form=d.form, key=d.key, payload=json.loads(d.payload), updated_at=d.updated_at)
        for d in rows
    ]


def discard_draft(ctx: AppContext, actor: Actor, form: str, key: str) -> None:
    """Forget the draft (after saving the form, or when the user throws it away)."""
    with ctx.store.write() as session:
        session.execute(
            delete(Draft).where(
                Draft.staff_id == actor.staff_id, Draft.form == form, Draft.key == key
            )
        )
