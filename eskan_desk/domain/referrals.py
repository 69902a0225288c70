"""The referral to the social research officer (مسؤول البحث الاجتماعي): its reasons, its states,
and who may move it.

POLICY.md, step 3: "If procedures are unclear to the beneficiary, refer them to the social research
officer." A referral names the researcher it is assigned to; that researcher accepts or rejects it
(a rejection says why) and marks it done once the beneficiary has been seen. The staff member who
made the referral may revoke it while it is still open or accepted. Supervisors and administrators
may make every move. Pure values and rules, no I/O: the services enforce them on every write.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from eskan_desk.domain.enums import LabeledEnum, Role
from eskan_desk.domain.errors import FIELD_LABELS, PermissionDeniedError, ValidationError
from eskan_desk.domain.markers import N_


class _ReferralEnum(LabeledEnum):
    @property
    def label(self) -> str:
        """The member's English label (a catalog msgid; translate it to show it)."""
        return REFERRAL_LABELS[type(self)][self]


class ReferralReason(_ReferralEnum):
    """Why the beneficiary is referred to the social research officer."""

    UNCLEAR_PROCEDURES = "unclear_procedures"  # الإجراءات غير واضحة للمستفيد
    NEEDS_RESEARCH = "needs_research"  # الحالة تحتاج إلى بحث اجتماعي
    OTHER = "other"


class ReferralStatus(_ReferralEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DONE = "done"
    REVOKED = "revoked"


REFERRAL_LABELS: dict[type[LabeledEnum], dict[LabeledEnum, str]] = {
    ReferralReason: {
        ReferralReason.UNCLEAR_PROCEDURES: N_("Procedures unclear to the beneficiary"),
        ReferralReason.NEEDS_RESEARCH: N_("The case needs social research"),
        ReferralReason.OTHER: N_("Other reason"),
    },
    # Own wording, not the request's "Accepted"/"Rejected": here it is the researcher who accepts
    # the referral, not the committee the request (and Arabic agrees with إحالة, feminine).
    ReferralStatus: {
        ReferralStatus.OPEN: N_("Open referral"),
        ReferralStatus.ACCEPTED: N_("Accepted by the researcher"),
        ReferralStatus.REJECTED: N_("Rejected by the researcher"),
        ReferralStatus.DONE: N_("Referral done"),
        ReferralStatus.REVOKED: N_("Referral revoked"),
    },
}


class Party(StrEnum):
    """How the acting staff member relates to a referral, beside their role."""

    ASSIGNEE = "assignee"  # the researcher it is assigned to
    REFERRER = "referrer"  # the staff member who made it


class Movers(NamedTuple):
    """Who may make a move: the parties to the referral, and roles that may whatever their part."""

    parties: frozenset[Party]
    roles: frozenset[Role]
    refusal: str  # catalog message when the actor is neither


_S = ReferralStatus
_SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
_RESEARCHER_MOVE = Movers(
    frozenset({Party.ASSIGNEE}),
    _SUPERVISORS,
    N_(
        "Only the researcher the referral is assigned to, a supervisor or an administrator "
        "may move it from {current} to {target}."
    ),
)
_REVOKE = Movers(
    frozenset({Party.REFERRER}),
    _SUPERVISORS,
    N_(
        "Only the staff member who made the referral, a supervisor or an administrator "
        "may revoke it."
    ),
)

# (from, to) -> who may make the move. Anything not here is out of order.
TRANSITIONS: dict[tuple[ReferralStatus, ReferralStatus], Movers] = {
    (_S.OPEN, _S.ACCEPTED): _RESEARCHER_MOVE,
    (_S.OPEN, _S.REJECTED): _RESEARCHER_MOVE,
    (_S.ACCEPTED, _S.DONE): _RESEARCHER_MOVE,
    (_S.OPEN, _S.REVOKED): _REVOKE,
    (_S.ACCEPTED, _S.REVOKED): _REVOKE,
}

# Still waiting on the researcher: the inbox and the dashboard show these.
ACTIVE = frozenset({_S.OPEN, _S.ACCEPTED})
CLOSED = frozenset({_S.REJECTED, _S.DONE, _S.REVOKED})
MAX_NOTE = 2000


def parties(*, actor_id: str, researcher_id: str | None, referred_by: str | None) -> set[Party]:
    """The parts the staff member ``actor_id`` plays in a referral.

    Args:
        actor_id: The acting staff member.
        researcher_id: The researcher the referral is assigned to.
        referred_by: The staff member who made the referral.

    Returns:
        ``assignee`` and/or ``referrer``, or an empty set.
    """
    found = set()
    if actor_id and actor_id == researcher_id:
        found.add(Party.ASSIGNEE)
    if actor_id and actor_id == referred_by:
        found.add(Party.REFERRER)
    return found


def may_move(movers: Movers, role: Role | str, acting_as: set[Party]) -> bool:
    """Whether a staff member with ``role`` playing ``acting_as`` is among ``movers``."""
    return role in movers.roles or bool(movers.parties & acting_as)


def check_referral_move(
    current: ReferralStatus | str,
    target: ReferralStatus | str,
    role: Role | str,
    acting_as: set[Party],
) -> None:
    """Refuse a move the referral's states do not have, or one this staff member may not make.

    Args:
        current: The referral's status now.
        target: The status asked for.
        role: The acting staff member's role.
        acting_as: Their parts in the referral (see :func:`parties`).

    Raises:
        ValidationError: On field ``referral_status``: the move is out of order.
        PermissionDeniedError: The move exists but the staff member may not make it.
    """
    cur, to = ReferralStatus(current), ReferralStatus.parse(target, "referral_status")
    movers = TRANSITIONS.get((cur, to))
    if movers is None:
        raise ValidationError(
            "referral_status",
            N_("A referral that is {current} cannot become {target}."),
            {"current": cur, "target": to},
        )
    if not may_move(movers, role, acting_as):
        raise PermissionDeniedError(movers.refusal, {"current": cur, "target": to})


def allowed_moves(
    current: ReferralStatus | str, role: Role | str, acting_as: set[Party]
) -> list[ReferralStatus]:
    """The statuses this staff member may move a referral to from ``current`` (for buttons).

    Args:
        current: The referral's status now.
        role: The acting staff member's role.
        acting_as: Their parts in the referral.

    Returns:
        The targets, in :class:`ReferralStatus` order.
    """
    cur = ReferralStatus(current)
    return [
        to
        for to in ReferralStatus
        if (movers := TRANSITIONS.get((cur, to))) is not None and may_move(movers, role, acting_as)
    ]


def check_status_reason(target: ReferralStatus | str, reason: str | None) -> None:
    """A rejection must say why; the other moves may carry a note or none.

    Args:
        target: The status asked for.
        reason: The cleaned reason or note (None or empty when none was given).

    Raises:
        ValidationError: On field ``rejection_reason``: a rejection without a reason.
    """
    if ReferralStatus(target) is ReferralStatus.REJECTED and not (reason or "").strip():
        raise ValidationError("rejection_reason", N_("is required to reject a referral"))


def check_referral_note(reason: ReferralReason | str, note: str | None) -> None:
    """The reason "other" must be explained in the note.

    Raises:
        ValidationError: On field ``note``: reason ``other`` with no note.
    """
    if ReferralReason(reason) is ReferralReason.OTHER and not (note or "").strip():
        raise ValidationError("note", N_("must say why when the reason is 'other'"))


# Field codes these rules report; registered beside the others so errors name them.
REFERRAL_FIELD_LABELS: dict[str, str] = {
    "referral": N_("Referral"),
    "referral_reason": N_("Reason for the referral"),
    "referral_status": N_("Referral status"),
    "researcher": N_("Social research officer"),
    "rejection_reason": N_("Reason for rejecting"),
    "status_reason": N_("Reason"),
    "note": N_("Note"),
    "request": N_("Request"),
}
for _code, _label in REFERRAL_FIELD_LABELS.items():
    FIELD_LABELS.setdefault(_code, _label)
