"""Plain-text rendering of support requests for the ``eskan requests`` commands."""

from __future__ import annotations

from eskan_desk.domain.dates import format_dual, to_riyadh
from eskan_desk.domain.requests import RequestStatus, RequestType
from eskan_desk.i18n import _, current_language
from eskan_desk.services.request_dto import RequestSummary, RequestView


def _when(value) -> str:
    return to_riyadh(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def print_summary_line(r: RequestSummary) -> None:
    """One request on one line: number, status, type, file number, name, earliest date."""
    earliest = r.earliest_decision_date.isoformat() if r.earliest_decision_date else "-"
    print(
        "\t".join(
            (
                r.number,
                _(RequestStatus(r.status).label),
                _(RequestType(r.type).label),
                r.file_no,
                r.beneficiary_name,
                earliest,
            )
        )
    )


def print_request(v: RequestView) -> None:
    """A request with its checklist and history."""
    lang = current_language()
    earliest = format_dual(v.earliest_decision_date, lang) if v.earliest_decision_date else "-"
    rows = [
        (_("Request number"), v.number),
        (_("Status"), _(RequestStatus(v.status).label)),
        (_("Request type"), _(RequestType(v.type).label)),
        (_("Name"), f"{v.beneficiary_name} ({v.file_no})"),
        (_("Amount"), f"{v.amount}" if v.amount is not None else "-"),
        (_("Submitted on"), _when(v.submitted_at)),
        (_("Earliest decision date"), earliest),
        (_("Declaration"), v.declaration_state),
        (_("Committee decision"), v.decision_reason or "-"),
        (_("Communicated"), _when(v.communicated_at)),
    ]
    for label, value in rows:
        print(f"{label}: {value}")
    print(_("Required documents") + ":")
    for d in v.documents:
        mark = "x" if d.received else " "
        star = "*" if d.required else " "
        print(f"  [{mark}]{star} {_(d.label)}")
    print(_("History") + ":")
    for e in v.events:
        status = _(RequestStatus(e.to_status).label)
        print(f"  {_when(e.at)}  {status}  {e.actor_name or '-'}  {e.note or ''}".rstrip())
