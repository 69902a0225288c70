"""Satisfaction surveys (the beneficiary's right), and suggestions, complaints and thanks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base, Synced


class SurveyOffer(Synced, Base):
    """A survey offered after a contact or a delivered service: offered, declined or answered.

    Tracking offers (not only answers) makes the response rate real.
    """

    __tablename__ = "survey_offers"
    __table_args__ = (Index("ix_survey_offers_offered_at", "offered_at"),)

    beneficiary_id: Mapped[str | None] = mapped_column(ForeignKey("beneficiaries.id"))
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.id"))
    request_id: Mapped[str | None] = mapped_column(ForeignKey("support_requests.id"))
    offered_at: Mapped[dt.datetime]
    offered_by: Mapped[str | None] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(10))  # offered | declined | answered


class SatisfactionSurvey(Synced, Base):
    """One answer. Append-only. It names no employee: ratings improve the service, never punish
    (policy: "not for punishment or shaming"); an anonymous answer names no beneficiary either."""

    __tablename__ = "satisfaction_surveys"
    __table_args__ = (Index("ix_satisfaction_surveys_answered_at", "answered_at"),)

    offer_id: Mapped[str | None] = mapped_column(ForeignKey("survey_offers.id"))
    beneficiary_id: Mapped[str | None] = mapped_column(ForeignKey("beneficiaries.id"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[dt.datetime]
    courtesy: Mapped[int] = mapped_column(Integer)
    speed: Mapped[int] = mapped_column(Integer)
    clarity: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class Feedback(Synced, Base):
    """A suggestion, complaint or thanks (متطلباتهم ومقترحاتهم), who answers it, and the answer."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_received_at", "received_at"),
        Index("ix_feedback_status_due_on", "status", "due_on"),
    )

    kind: Mapped[str] = mapped_column(String(12))  # suggestion | complaint | thanks
    channel: Mapped[str] = mapped_column(String(16))
    beneficiary_id: Mapped[str | None] = mapped_column(ForeignKey("beneficiaries.id"))
    received_at: Mapped[dt.datetime]
    text: Mapped[str] = mapped_column(Text)
    assigned_to: Mapped[str | None] = mapped_column(ID)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # open | answered | closed
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None]
    answered_by: Mapped[str | None] = mapped_column(ID)
