"""``eskan``: the command-line face of Eskan Desk, over the same services as the desktop app.

Exit codes: 0 success; 1 refused (a field broke a rule, a record is missing or already exists);
2 wrong usage; 3 the data store cannot be used. On failure one line on stderr names the field and
the rule, in the chosen language (``--lang``, ``ESKAN_LANG``; Arabic by default).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from eskan_desk import i18n
from eskan_desk.app import AppContext, open_context
from eskan_desk.cli_parser import Parser, add_language, program, start_language
from eskan_desk.domain.enums import (
    Category,
    Channel,
    ContactTopic,
    HousingType,
    LabeledEnum,
    MaritalStatus,
    NeedTier,
)
from eskan_desk.domain.errors import FIELD_LABELS, EskanError, StoreError, ValidationError
from eskan_desk.i18n import N_, _

EXIT_REFUSED, EXIT_USAGE, EXIT_STORE = 1, 2, 3
T = TypeVar("T")
# Records, not interface text: the demo store holds them in Arabic whatever --lang says.
DEMO_BRANCH_NAME = "فرع خميس مشيط"
DEMO_ADMIN_NAME = "مدير النظام"


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False)
    sys.stdout.write("\n")


def _context(args: argparse.Namespace, *, create: bool = False) -> AppContext:
    return open_context(args.data_dir, create=create)


def with_store(args: argparse.Namespace, work: Callable[[AppContext], T]) -> T:
    """Run one use case on the store named by ``--data-dir``, closing it whatever happens."""
    ctx = _context(args)
    try:
        return work(ctx)
    finally:
        ctx.close()


def _actor(ctx: AppContext, args: argparse.Namespace):
    from eskan_desk.services.staff import resolve_actor

    return resolve_actor(ctx, args.user)


# --- commands -------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from eskan_desk.services.staff import initialize_store

    password = os.environ.get("ESKAN_ADMIN_PASSWORD")
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass(_("Password for {user}: ").format(user=args.admin))
            if getpass.getpass(_("Repeat the password: ")) != password:
                raise ValidationError("password", N_("the two passwords differ"))
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    ctx = _context(args, create=True)
    try:
        actor = initialize_store(
            ctx,
            branch_code=args.branch,
            branch_name=args.branch_name,
            admin_username=args.admin,
            admin_password=password,
            admin_full_name=args.admin_name,
        )
    finally:
        ctx.close()
    if args.json:
        _print_json(
            {
                "branch_id": actor.branch_id,
                "branch": actor.branch_code,
                "admin": actor.username,
                "data_dir": str(ctx.data_dir),
            }
        )
    else:
        print(
            _("Store ready in {path}: branch {code}, administrator {user}.").format(
                path=ctx.data_dir, code=actor.branch_code, user=actor.username
            )
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from eskan_desk.services.demo import generate_demo

    ctx = _context(args)
    try:
        actor = _actor(ctx, args)
        quiet = args.json or not sys.stderr.isatty()
        result = generate_demo(
            ctx,
            actor,
            beneficiaries=args.beneficiaries,
            contacts=args.contacts,
            seed=args.seed,
            progress=None if quiet else _progress_line,
            casework=not args.no_casework,
        )
    finally:
        ctx.close()
    if not quiet:
        sys.stderr.write("\n")
    if args.json:
        _print_json(result)
    else:
        print(
            _("Demo data added: {b} beneficiaries, {c} contacts ({s:.1f} s).").format(
                b=result["beneficiaries"], c=result["contacts"], s=result["seconds"]
            )
        )
    return 0


def cmd_quickstart(args: argparse.Namespace) -> int:
    """First run of ``make run``: a demo branch, an administrator and demo data, once."""
    import secrets

    from eskan_desk.services.demo import generate_demo
    from eskan_desk.services.staff import current_branch, initialize_store, is_initialized

    ctx = _context(args, create=True)
    try:
        if is_initialized(ctx):
            branch = current_branch(ctx)
            print(
                _("Store ready in {path} (branch {code}).").format(
                    path=ctx.data_dir, code=branch.code
                )
            )
            return 0
        password = secrets.token_urlsafe(9)
        actor = initialize_store(
            ctx,
            branch_code="KMS",
            branch_name=DEMO_BRANCH_NAME,
            admin_username="admin",
            admin_password=password,
            admin_full_name=DEMO_ADMIN_NAME,
        )
        generate_demo(
            ctx,
            actor,
            beneficiaries=args.beneficiaries,
            contacts=args.contacts,
            seed=args.seed,
            casework=not args.no_casework,
        )
    finally:
        ctx.close()
    print(_("A demo store was created in {path}.").format(path=ctx.data_dir))
    print(_("Sign in as 'admin' with the password: {password}").format(password=password))
    print(_("This password is shown only once: write it down."))
    return 0


def _progress_line(done: int, total: int, label: str) -> None:
    sys.stderr.write(f"\r{label}: {done:,}/{total:,}".ljust(40))
    sys.stderr.flush()


def _beneficiary_input(args: argparse.Namespace):
    from eskan_desk.services.beneficiary_input import BeneficiaryInput

    keys = (
        "national_id",
        "first_name",
        "father_name",
        "grandfather_name",
        "family_name",
        "mobile",
        "gender",
        "birth_date",
        "category",
        "need_tier",
        "marital_status",
        "building_no",
        "street",
        "district",
        "city",
        "postal_code",
        "additional_no",
        "unit_no",
        "short_address",
        "iban",
        "housing_type",
        "rent_amount",
        "ejar_no",
        "rooms",
        "notes",
    )
    return BeneficiaryInput(**{k: getattr(args, k) or "" for k in keys})


def cmd_beneficiaries_add(args: argparse.Namespace) -> int:
    from eskan_desk.services.beneficiaries import register_beneficiary

    data = _beneficiary_input(args)
    f = with_store(args, lambda ctx: register_beneficiary(ctx, _actor(ctx, args), data))
    if args.json:
        _print_json(f.to_json())
    else:
        print(_("Registered {name}, file {file_no}.").format(name=f.full_name, file_no=f.file_no))
    return 0


def cmd_beneficiaries_show(args: argparse.Namespace) -> int:
    from eskan_desk.services.beneficiaries import get_beneficiary

    f = with_store(args, lambda ctx: get_beneficiary(ctx, args.key))
    if args.json:
        _print_json(f.to_json())
        return 0
    from eskan_desk.cli_format import print_file

    print_file(f)
    return 0


def cmd_beneficiaries_verify(args: argparse.Namespace) -> int:
    from eskan_desk.services.beneficiaries import get_beneficiary, verify_beneficiary_data

    f = with_store(
        args,
        lambda ctx: verify_beneficiary_data(
            ctx, _actor(ctx, args), get_beneficiary(ctx, args.key).id
        ),
    )
    if args.json:
        _print_json(f.to_json())
    else:
        print(_("Data of file {file_no} verified.").format(file_no=f.file_no))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from eskan_desk.services.search import search_beneficiaries

    results = with_store(args, lambda ctx: search_beneficiaries(ctx, args.text, limit=args.limit))
    if args.json:
        _print_json([r.to_json() for r in results])
        return 0
    for r in results:
        print(f"{r.file_no}\t{r.national_id}\t{r.mobile or '-'}\t{r.full_name}")
    if not results:
        print(_("No matches."))
    return 0


def cmd_contacts_add(args: argparse.Namespace) -> int:
    from eskan_desk.services.contacts import ContactInput, log_contact

    data = ContactInput(
        channel=args.channel,
        summary=args.summary,
        beneficiary_id=args.beneficiary or "",
        direction=args.direction,
        topic=args.topic,
        outcome=args.outcome or "",
        at=args.at or "",
        follow_up_on=args.follow_up or "",
        caller_name=args.caller_name or "",
        caller_mobile=args.caller_mobile or "",
        call_duration=args.duration or "",
        visit_location=args.location or "",
        letter_ref=args.letter_ref or "",
        letter_date=args.letter_date or "",
        social_platform=args.platform or "",
    )
    c = with_store(args, lambda ctx: log_contact(ctx, _actor(ctx, args), data))
    if args.json:
        _print_json(c.to_json())
    else:
        print(_("Contact recorded ({channel}).").format(channel=_(Channel(c.channel).label)))
    return 0


def _request_line(view: Any) -> str:
    from eskan_desk.domain.requests import RequestStatus

    return _("Request {number}: {status}.").format(
        number=view.number, status=_(RequestStatus(view.status).label)
    )


def _print_request(view: Any, args: argparse.Namespace) -> None:
    if args.json:
        _print_json(view.to_json())
        return
    from eskan_desk.cli_requests import print_request

    print_request(view)


def cmd_requests_submit(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import submit_paper_request

    view = with_store(
        args,
        lambda ctx: submit_paper_request(
            ctx,
            _actor(ctx, args),
            beneficiary_id=args.beneficiary,
            type=args.type,
            signed_declaration=args.signed_declaration,
            amount=args.amount or "",
            description=args.description or "",
            submitted_at=args.submitted_at or "",
        ),
    )
    if args.json:
        _print_json(view.to_json())
    else:
        from eskan_desk.domain.dates import format_dual

        print(
            _("Request {number} submitted; the committee may decide on or after {date}.").format(
                number=view.number,
                date=format_dual(view.earliest_decision_date, i18n.current_language()),
            )
        )
    return 0


def cmd_requests_decide(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import record_decision

    outcome = "accepted" if args.accept else "rejected" if args.reject else "needs_info"
    view = with_store(
        args,
        lambda ctx: record_decision(
            ctx, _actor(ctx, args), args.request, outcome=outcome, reason=args.reason
        ),
    )
    if args.json:
        _print_json(view.to_json())
    else:
        print(_request_line(view))
    return 0


def cmd_requests_move(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import move_request

    view = with_store(
        args,
        lambda ctx: move_request(ctx, _actor(ctx, args), args.request, args.to, args.note or ""),
    )
    if args.json:
        _print_json(view.to_json())
    else:
        print(_request_line(view))
    return 0


def cmd_requests_communicate(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import record_communication

    view = with_store(
        args,
        lambda ctx: record_communication(
            ctx,
            _actor(ctx, args),
            args.request,
            channel=args.channel,
            summary=args.summary or "",
            direction=args.direction,
        ),
    )
    if args.json:
        _print_json(view.to_json())
    else:
        print(
            _("Decision on request {number} communicated ({channel}).").format(
                number=view.number, channel=_(Channel(view.communicated_channel).label)
            )
        )
    return 0


def cmd_requests_document(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import set_document

    try:
        data = args.file.read_bytes() if args.file else None
    except OSError as exc:  # no such file, a folder, not readable
        raise ValidationError(
            "file",
            N_("cannot be read: {path} ({reason})"),
            {"path": args.file, "reason": exc.strerror or exc},
        ) from exc
    view = with_store(
        args,
        lambda ctx: set_document(
            ctx,
            _actor(ctx, args),
            args.request,
            args.code,
            received=not args.missing,
            attachment=data,
            filename=args.file.name if args.file else "",
        ),
    )
    _print_request(view, args)
    return 0


def cmd_requests_show(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import get_request

    view = with_store(args, lambda ctx: get_request(ctx, args.request))
    _print_request(view, args)
    return 0


def cmd_requests_list(args: argparse.Namespace) -> int:
    from eskan_desk.services.requests import list_requests

    rows = with_store(
        args,
        lambda ctx: list_requests(ctx, status=args.status, overdue=args.overdue, limit=args.limit),
    )
    if args.json:
        _print_json([r.to_json() for r in rows])
        return 0
    from eskan_desk.cli_requests import print_summary_line

    for r in rows:
        print_summary_line(r)
    if not rows:
        print(_("No requests."))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from eskan_desk.services.backup import backup_store

    info = with_store(args, lambda ctx: backup_store(ctx, Path(args.out)))
    if args.json:
        _print_json(
            {
                "out": str(info.path),
                "bytes": info.bytes,
                "branch": info.branch_code,
                "schema": info.schema,
            }
        )
    else:
        print(
            _("Backup of branch {branch} written to {path}.").format(
                branch=info.branch_code, path=info.path
            )
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from eskan_desk.app import default_data_dir
    from eskan_desk.services.backup import restore_store

    info = restore_store(args.data_dir or default_data_dir(), Path(args.file))
    with_store(args, lambda ctx: None)  # opens it once: migrations run if the backup is older
    if args.json:
        _print_json({"restored": str(info.path), "branch": info.branch_code, "schema": info.schema})
    else:
        print(
            _(
                "The store of branch {branch} was restored from {path}. To sync it, enroll "
                "this PC with HQ again."
            ).format(branch=info.branch_code, path=info.path)
        )
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from eskan_desk.services.audit import verify_audit_chain

    report = with_store(args, lambda ctx: verify_audit_chain(ctx))
    if args.json:
        _print_json(report)
    elif report["ok"]:
        print(_("Audit trail intact: {n} events.").format(n=report["events"]))
    else:
        print(_("Audit trail broken at event {seq}.").format(seq=report["broken_at"]))
    return 0 if report["ok"] else EXIT_REFUSED


# --- parser ---------------------------------------------------------------------------------


# The codes a field of ``beneficiaries add`` takes, shown in its --help after its label.
_FIELD_CODES: dict[str, type[LabeledEnum]] = {
    "category": Category,
    "need-tier": NeedTier,
    "marital-status": MaritalStatus,
    "housing-type": HousingType,
}
_FIELD_FORMATS = {"birth-date": "YYYY-MM-DD", "iban": "SA…", "mobile": "05XXXXXXXX"}


def _field_help(option: str) -> str:
    """``--help`` for a field option: the form's label for it, then its codes or format."""
    label = i18n.gettext(FIELD_LABELS[option.replace("-", "_")])
    if option in _FIELD_CODES:
        return f"{label}: " + ", ".join(c.value for c in _FIELD_CODES[option])
    if option in _FIELD_FORMATS:
        return f"{label}: {_FIELD_FORMATS[option]}"
    return label


def _demo_sizes(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--beneficiaries", type=int, default=300, help=_("families to add (default 300)")
    )
    sp.add_argument("--contacts", type=int, default=3000, help=_("contacts to add (default 3000)"))
    sp.add_argument(
        "--seed", type=int, default=2111, help=_("the same seed gives the same data (default 2111)")
    )


def build_parser() -> argparse.ArgumentParser:
    from eskan_desk.domain.requests import RequestStatus

    common = Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("data folder (default: ESKAN_DATA_DIR or the user data folder)"),
    )
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_("print JSON (stable, documented in the README)"),
    )
    add_language(common)
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help=_("staff username to act as (default: ESKAN_USER or the first admin)"),
    )

    p, sub = program("eskan", _("Eskan Desk command line"), common)

    def add(parent: Any, name: str, fn: Callable[..., int], help_: str) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, parents=[common], help=help_, description=help_)
        sp.set_defaults(func=fn)
        return sp

    sp = add(sub, "init", cmd_init, _("set up a new store: branch and first administrator"))
    sp.add_argument("--branch", required=True, help=_("branch code, e.g. KMS"))
    sp.add_argument("--branch-name", required=True, help=_("branch name"))
    sp.add_argument("--admin", required=True, help=_("administrator username"))
    sp.add_argument("--admin-name", help=_("administrator's full name"))

    sp = add(sub, "demo", cmd_demo, _("add realistic demo data over the last 12 weeks"))
    _demo_sizes(sp)
    sp.add_argument(
        "--no-casework",
        action="store_true",
        help=_("families and contacts only: no requests, referrals, surveys or feedback"),
    )

    sp = add(
        sub,
        "quickstart",
        cmd_quickstart,
        _("first run: create a demo store with an administrator, unless one exists"),
    )
    _demo_sizes(sp)
    sp.add_argument(
        "--no-casework",
        action="store_true",
        help=_("families and contacts only: no requests, referrals, surveys or feedback"),
    )

    ben = sub.add_parser("beneficiaries", help=_("the beneficiary registry")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sp = add(ben, "add", cmd_beneficiaries_add, _("register a beneficiary (open a family file)"))
    for name in (
        "national-id",
        "first-name",
        "father-name",
        "grandfather-name",
        "family-name",
        "mobile",
    ):
        sp.add_argument(f"--{name}", required=True, help=_field_help(name))
    sp.add_argument("--gender", choices=("m", "f"), help=_field_help("gender"))
    for name in (
        "birth-date",
        "category",
        "need-tier",
        "marital-status",
        "building-no",
        "street",
        "district",
        "city",
        "postal-code",
        "additional-no",
        "unit-no",
        "short-address",
        "iban",
        "housing-type",
        "rent-amount",
        "ejar-no",
        "rooms",
        "notes",
    ):
        sp.add_argument(f"--{name}", help=_field_help(name))
    sp = add(ben, "show", cmd_beneficiaries_show, _("show a family file with its timeline"))
    sp.add_argument("key", metavar="ID_OR_FILE_NO", help=_("id, file number or national ID"))
    sp = add(
        ben,
        "verify",
        cmd_beneficiaries_verify,
        _("record that the file's data was checked against the applicant's documents"),
    )
    sp.add_argument("key", metavar="ID_OR_FILE_NO", help=_("id, file number or national ID"))

    sp = add(
        sub, "search", cmd_search, _("find by name (any spelling), national ID, mobile, file no.")
    )
    sp.add_argument(
        "text", help=_("a name in any spelling, a national ID, a mobile or a file number")
    )
    sp.add_argument("--limit", type=int, default=50, help=_("at most this many (default 50)"))

    con = sub.add_parser("contacts", help=_("the contact log")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sp = add(con, "add", cmd_contacts_add, _("record a contact on one of the eight channels"))
    sp.add_argument("--beneficiary", help=_("id, file number or national ID; omit if anonymous"))
    sp.add_argument("--channel", required=True, help=", ".join(c.value for c in Channel))
    sp.add_argument("--summary", required=True, help=_("what was asked, said or handed over"))
    sp.add_argument(
        "--direction",
        default="in",
        choices=("in", "out"),
        help=_("in: the beneficiary reached the charity; out: the charity reached them"),
    )
    sp.add_argument(
        "--topic",
        default="inquiry",
        help=", ".join(t.value for t in ContactTopic) + " (" + _("default: inquiry") + ")",
    )
    sp.add_argument("--outcome", help=_("what came of it"))
    sp.add_argument(
        "--at", help=_("ISO date-time (Riyadh time if no offset): back-enter a paper record")
    )
    sp.add_argument("--follow-up", help=_("follow-up date, YYYY-MM-DD"))
    sp.add_argument("--caller-name", help=_("an anonymous caller's name, if they give one"))
    sp.add_argument("--caller-mobile", help=_("an anonymous caller's mobile, if they give one"))
    sp.add_argument("--duration", help=_("phone: call duration, e.g. 4:30 or 270"))
    sp.add_argument("--location", help=_("interview / branch_rep: where the visit took place"))
    sp.add_argument("--letter-ref", help=_("letter: reference number"))
    sp.add_argument("--letter-date", help=_("letter: date on the letter"))
    sp.add_argument("--platform", help=_("social: whatsapp, x, snapchat, instagram, ..."))

    req = sub.add_parser("requests", help=_("support requests")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sp = add(
        req,
        "submit",
        cmd_requests_submit,
        _("open and submit a request whose applicant signed the printed declaration"),
    )
    sp.add_argument("--beneficiary", required=True, help=_("id, file number or national ID"))
    sp.add_argument(
        "--type", required=True, help=_("rent, repair, housing_unit, furnishing, utilities, other")
    )
    sp.add_argument(
        "--signed-declaration",
        action="store_true",
        help=_("the applicant signed the printed declaration (required)"),
    )
    sp.add_argument("--amount", help=_("amount asked for, in riyals"))
    sp.add_argument("--description", help=_("what the family asks for, in a few words"))
    sp.add_argument(
        "--submitted-at",
        help=_("ISO date-time (Riyadh time if no offset): back-enter a paper request"),
    )
    sp = add(req, "decide", cmd_requests_decide, _("record the research committee's decision"))
    sp.add_argument("request", metavar="REQUEST", help=_("request id or number"))
    outcome = sp.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--accept", action="store_true", help=_("the committee accepts"))
    outcome.add_argument("--reject", action="store_true", help=_("the committee rejects"))
    outcome.add_argument(
        "--needs-info", action="store_true", help=_("defer until the information is complete")
    )
    sp.add_argument("--reason", required=True, help=_("the reason for the decision"))
    sp = add(
        req,
        "communicate",
        cmd_requests_communicate,
        _("record that the beneficiary was told the decision (logs a contact)"),
    )
    sp.add_argument("request", metavar="REQUEST", help=_("request id or number"))
    sp.add_argument("--channel", required=True, help=", ".join(c.value for c in Channel))
    sp.add_argument("--summary", help=_("what was said (default: the decision's reason)"))
    sp.add_argument(
        "--direction",
        default="out",
        choices=("in", "out"),
        help=_("out (default): the charity told them; in: they asked"),
    )
    sp = add(req, "move", cmd_requests_move, _("move a request to another status"))
    sp.add_argument("request", metavar="REQUEST", help=_("request id or number"))
    sp.add_argument(
        "--to", required=True, metavar="STATUS", help=", ".join(s.value for s in RequestStatus)
    )
    sp.add_argument("--note", help=_("a note kept with the move"))
    sp = add(
        req, "document", cmd_requests_document, _("mark a checklist document received or missing")
    )
    sp.add_argument("request", metavar="REQUEST", help=_("request id or number"))
    sp.add_argument("code", help=_("document code, e.g. lease_contract"))
    sp.add_argument("--missing", action="store_true", help=_("mark it not received"))
    sp.add_argument("--file", type=Path, help=_("scanned document (PNG, JPEG or PDF)"))
    sp = add(req, "show", cmd_requests_show, _("show a request with its documents and history"))
    sp.add_argument("request", metavar="REQUEST", help=_("request id or number"))
    sp = add(req, "list", cmd_requests_list, _("list requests, newest first"))
    sp.add_argument("--status", help=", ".join(s.value for s in RequestStatus))
    sp.add_argument(
        "--overdue", action="store_true", help=_("only those past their earliest decision date")
    )
    sp.add_argument("--limit", type=int, default=500, help=_("at most this many (default 500)"))

    from eskan_desk.cli_referrals import register as register_referrals

    register_referrals(sub, add)
    from eskan_desk.cli_feedback import register as register_feedback

    register_feedback(sub, add)

    sp = add(sub, "backup", cmd_backup, _("copy the store to a file, while it is in use"))
    sp.add_argument("--out", required=True, help=_("the backup file to write"))
    sp = add(sub, "restore", cmd_restore, _("put a backup in place of the store (app closed)"))
    sp.add_argument("file", help=_("a file written by 'eskan backup'"))

    aud = sub.add_parser("audit", help=_("the audit trail")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(aud, "verify", cmd_audit_verify, _("check the audit trail's hash chain"))
    from eskan_desk.cli_print import register as register_print

    register_print(sub, add, _context)
    from eskan_desk.cli_summary import register as register_summary
    from eskan_desk.cli_sync import register_sync

    register_summary(sub, add, _context)
    register_sync(sub, add, _context)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    start_language(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = getattr(args, "data_dir", None)
    args.json = getattr(args, "json", False)
    args.user = getattr(args, "user", None) or os.environ.get("ESKAN_USER")
    i18n.set_language(getattr(args, "lang", None) or os.environ.get("ESKAN_LANG") or "ar")
    try:
        return args.func(args)
    except StoreError as err:
        print(i18n.render_error(err), file=sys.stderr)
        return EXIT_STORE
    except EskanError as err:
        print(i18n.render_error(err), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``eskan search … | head -1``)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
