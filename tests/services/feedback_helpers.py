"""Builders for the survey and feedback tests: rows counted, a contact, a delivered request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, update

from eskan_desk.app import AppContext
from eskan_desk.models import (
    AuditEvent,
    Feedback,
    OutboxChange,
    SatisfactionSurvey,
    Setting,
    SupportRequest,
    SurveyOffer,
)
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.requests import create_request
from eskan_desk.services.staff import Actor

TABLES = (SurveyOffer, SatisfactionSurvey, Feedback, AuditEvent, OutboxChange, Setting)


def stored(ctx: AppContext) -> dict[str, int]:
    """Rows of every table these use cases write, and the versions: a refusal changes none."""
    with ctx.store.read() as s:
        found = {
            m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in TABLES
        }
        for m in (SurveyOffer, Feedback):
            found[f"{m.__tablename__}.versions"] = s.execute(
                select(func.coalesce(func.sum(m.version % 1000003), 0))
            ).scalar_one()
    return found


def refused(ctx: AppContext, error: type[Exception], fn: Callable[[], Any]) -> Exception:
    """Run ``fn``, expect ``error``, and check that nothing at all was stored."""
    before = stored(ctx)
    with pytest.raises(error) as info:
        fn()
    assert stored(ctx) == before
    return info.value


def last_writes(ctx: AppContext, n: int) -> tuple[list[AuditEvent], list[OutboxChange]]:
    """The last ``n`` audit events and outbox changes, oldest first."""
    with ctx.store.read() as s:
        audit = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(n)).all()
        outbox = s.scalars(select(OutboxChange).order_by(OutboxChange.seq.desc()).limit(n)).all()
    return list(reversed(audit)), list(reversed(outbox))


def contact(ctx: AppContext, actor: Actor, beneficiary_id: str = "") -> str:
    view = log_contact(
        ctx,
        actor,
        ContactInput(
            channel="interview", summary="استفسار عن دعم الإيجار", beneficiary_id=beneficiary_id
        ),
    )
    return view.id


def request_in(ctx: AppContext, actor: Actor, beneficiary_id: str, status: str) -> str:
    """A request of the beneficiary, put straight into ``status`` (the workflow has its tests)."""
    req = create_request(ctx, actor, beneficiary_id=beneficiary_id, type="rent", amount="3500")
    with ctx.store.write() as s:
        s.execute(update(SupportRequest).where(SupportRequest.id == req.id).values(status=status))
    return req.id
