"""Satisfaction figures for a period: the branch's averages, offers and the response rate.

POLICY.md: rating is a tool for improvement, not for punishment or shaming, so nothing here
breaks down by employee. The weekly summary can read these in its own transaction
(:func:`survey_stats_in`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.feedback import DIMENSIONS, SurveyStatus
from eskan_desk.models import SatisfactionSurvey, SurveyOffer


def survey_stats_in(session: Session, start_utc: dt.datetime, end_utc: dt.datetime) -> dict:
    """:func:`survey_stats`, read in an open session (the weekly summary reads in one go)."""
    offers = dict(
        session.execute(
            select(SurveyOffer.status, func.count())
            .where(
                SurveyOffer.offered_at >= start_utc,
                SurveyOffer.offered_at < end_utc,
                SurveyOffer.deleted_at.is_(None),
            )
            .group_by(SurveyOffer.status)
        ).all()
    )
    in_range = (
        SatisfactionSurvey.answered_at >= start_utc,
        SatisfactionSurvey.answered_at < end_utc,
        SatisfactionSurvey.deleted_at.is_(None),
    )
    columns = {dim: getattr(SatisfactionSurvey, dim) for dim in DIMENSIONS}
    totals = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((SatisfactionSurvey.anonymous.is_(True), 1), else_=0)), 0),
            *(func.avg(col) for col in columns.values()),
        ).where(*in_range)
    ).one()
    distribution: dict[str, dict[int, int]] = {}
    for dim, col in columns.items():
        found = dict(
            session.execute(select(col, func.count()).where(*in_range).group_by(col)).all()
        )
        distribution[dim] = {score: found.get(score, 0) for score in range(1, 6)}
    offered = sum(offers.values())
    answered = offers.get(SurveyStatus.ANSWERED.value, 0)
    return {
        "offers": offered,
        "answered_offers": answered,
        "declined": offers.get(SurveyStatus.DECLINED.value, 0),
        "pending": offers.get(SurveyStatus.OFFERED.value, 0),
        "responses": totals[0],
        "anonymous": int(totals[1]),
        "averages": {
            dim: None if avg is None else round(float(avg), 2)
            for dim, avg in zip(DIMENSIONS, totals[2:], strict=True)
        },
        "distribution": distribution,
        "response_rate": round(answered / offered, 4) if offered else None,
    }


def survey_stats(ctx: AppContext, start_utc: dt.datetime, end_utc: dt.datetime) -> dict:
    """Satisfaction figures for a period, for the whole branch (never per employee).

    Args:
        ctx: The application context.
        start_utc: Start of the period (inclusive), aware UTC.
        end_utc: End of the period (exclusive).

    Returns:
        ``offers`` made in the period, of which ``answered_offers``, ``declined`` and
        ``pending``; ``responses`` (answers given in the period, kiosk walk-ups and anonymous
        ones included) and how many were ``anonymous``; ``averages`` per dimension (None when
        nobody answered); ``distribution`` (dimension -> score -> count); ``response_rate`` =
        answered offers / offers (None when nothing was offered).
    """
    with ctx.store.read() as session:
        return survey_stats_in(session, start_utc, end_utc)
