"""``eskan referrals``: referring beneficiaries to the social research officer, and the inbox.

::

    eskan referrals add --beneficiary ID --reason REASON --researcher USERNAME
                        [--note TEXT] [--request NUMBER] [--json]
    eskan referrals list [--all] [--json]          the acting user's inbox (--user / ESKAN_USER)
    eskan referrals accept|reject|done|revoke REFERRAL [--reason TEXT] [--json]

``REFERRAL`` is the referral's id, or its first characters (at least 8) when no other referral
shares them. A referral in ``--json`` has ``id``, ``status``, ``reason``, ``beneficiary_id``,
``file_no``, ``researcher_id``, ``referred_by``, ``created_at`` and the fields of
``services.referrals.ReferralView``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from eskan_desk.cli import _actor, _context, _print_json, with_store
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.referrals import ReferralReason, ReferralStatus
from eskan_desk.i18n import N_, _

# Adds one subcommand: (parent, name, function, help) -> its parser (``cli.build_parser.add``).
AddCommand = Callable[[Any, str, Callable[[argparse.Namespace], int], str], Any]


def referral_line(v: Any) -> str:
    """One referral on one line: id, status, file number, name, reason, researcher, date."""
    return "\t".join(
        (
            v.id,
            _(ReferralStatus(v.status).label),
            v.file_no,
            v.beneficiary_name,
            _(ReferralReason(v.reason).label),
            v.researcher_name or "-",
            to_riyadh(v.created_at).strftime("%Y-%m-%d"),
        )
    )


def _print(view: Any, args: argparse.Namespace) -> None:
    if args.json:
        _print_json(view.to_json())
    else:
        print(
            _("Referral {id}: {status}.").format(
                id=view.id, status=_(ReferralStatus(view.status).label)
            )
        )


def cmd_add(args: argparse.Namespace) -> int:
    from eskan_desk.services.referrals import refer_to_researcher

    view = with_store(
        args,
        lambda ctx: refer_to_researcher(
            ctx,
            _actor(ctx, args),
            beneficiary_id=args.beneficiary,
            reason=args.reason,
            researcher_id=args.researcher,
            note=args.note or "",
            request_id=args.request,
        ),
    )
    _print(view, args)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from eskan_desk.services.referrals import researcher_inbox

    rows = with_store(
        args, lambda ctx: researcher_inbox(ctx, _actor(ctx, args), include_closed=args.all)
    )
    if args.json:
        _print_json([r.to_json() for r in rows])
        return 0
    for r in rows:
        print(referral_line(r))
    if not rows:
        print(_("No referrals."))
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    from eskan_desk.services import referrals

    ctx = _context(args)
    try:
        actor = _actor(ctx, args)
        reason = args.reason or ""
        moves = {
            "accept": lambda: referrals.accept_referral(ctx, actor, args.referral, reason),
            "reject": lambda: referrals.reject_referral(ctx, actor, args.referral, reason),
            "done": lambda: referrals.complete_referral(ctx, actor, args.referral, reason),
            "revoke": lambda: referrals.revoke_referral(ctx, actor, args.referral, reason),
        }
        view = moves[args.move]()
    finally:
        ctx.close()
    _print(view, args)
    return 0


MOVE_HELP = {
    "accept": (N_("the assigned researcher takes the referral on"), N_("a note")),
    "reject": (N_("the assigned researcher turns the referral down"), N_("why (required)")),
    "done": (N_("the researcher has seen the beneficiary"), N_("the outcome")),
    "revoke": (N_("withdraw an open or accepted referral"), N_("why")),
}


def register(sub: Any, add: AddCommand) -> None:
    """Add ``eskan referrals ...`` to the parser (called from ``cli.build_parser``)."""
    ref = sub.add_parser(
        "referrals", help=_("referrals to the social research officer")
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    sp = add(ref, "add", cmd_add, _("refer a beneficiary to the social research officer"))
    sp.add_argument("--beneficiary", required=True, help=_("id, file number or national ID"))
    sp.add_argument("--reason", required=True, help=", ".join(r.value for r in ReferralReason))
    sp.add_argument("--researcher", required=True, help=_("the researcher's username"))
    sp.add_argument("--note", help=_("what the researcher should know (required for 'other')"))
    sp.add_argument("--request", help=_("a support request it concerns (number or id)"))
    sp = add(ref, "list", cmd_list, _("the referrals waiting on the acting user, oldest first"))
    sp.add_argument(
        "--all", action="store_true", help=_("also rejected, done and revoked referrals")
    )
    for move, (help_, reason_help) in MOVE_HELP.items():
        sp = add(ref, move, cmd_move, _(help_))
        sp.set_defaults(move=move)
        sp.add_argument(
            "referral", metavar="REFERRAL", help=_("referral id (or its first 8+ chars)")
        )
        sp.add_argument("--reason", "--note", dest="reason", help=_(reason_help))
