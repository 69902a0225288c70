"""``eskan-hq``: the headquarters server and its administration.

The database is ``--database-url`` (or ``ESKAN_HQ_DATABASE_URL``); without one, a SQLite file in
the user data folder, so ``eskan-hq serve`` just works for a trial. Production uses PostgreSQL:
``--database-url postgresql+psycopg://user@host/dbname``.

Exit codes: 0 success; 1 refused; 2 wrong usage; 3 the database cannot be used.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import platformdirs

from eskan_desk import i18n
from eskan_desk.cli_parser import Parser, add_language, program, start_language
from eskan_desk.domain.errors import EskanError, SyncError
from eskan_desk.i18n import _

ENV_DATABASE_URL = "ESKAN_HQ_DATABASE_URL"


def default_database_url() -> str:
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return env
    folder = Path(platformdirs.user_data_dir("eskan-hq", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+pysqlite:///{folder / 'hq.sqlite3'}"


def _open(args: argparse.Namespace, *, create: bool = False) -> Any:
    """The HQ database. Only ``serve`` and ``enroll`` (``create``) may start a new SQLite
    file: for the other commands a missing file is a mistyped path, not a new HQ."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from eskan_desk.domain.markers import N_
    from eskan_desk.sync.hq import HQ

    try:
        url = make_url(args.database_url)
    except ArgumentError as exc:
        raise _DatabaseError(
            N_("Cannot use the HQ database address {url}: {reason}"),
            {"url": args.database_url, "reason": _first_line(exc)},
        ) from exc
    path = url.database if url.get_backend_name() == "sqlite" else None
    if not create and path and path != ":memory:" and not Path(path).is_file():
        raise _DatabaseError(
            N_("There is no HQ database at {path}. Check the address, or start HQ first."),
            {"path": path},
        )
    try:
        return HQ.open(args.database_url)
    except DBAPIError as exc:  # unreachable, refused, or not a database (a damaged file)
        reason = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
        raise _DatabaseError(
            N_("Cannot open the HQ database {url}: {reason}"),
            {"url": _safe_url(args.database_url), "reason": reason},
        ) from exc
    except (ArgumentError, ImportError) as exc:  # no such dialect, or its driver is missing
        raise _DatabaseError(
            N_("Cannot use the HQ database address {url}: {reason}"),
            {"url": _safe_url(args.database_url), "reason": _first_line(exc)},
        ) from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class _DatabaseError(EskanError):
    pass


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _refused(exc: Any) -> SyncError:
    return SyncError(exc.code, exc.message, exc.params, status=exc.status)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from eskan_desk.sync.server import ENV_DATABASE_URL as SERVER_ENV
    from eskan_desk.sync.server import configure_logging

    _check_serve(args)
    _open(args, create=True).dispose()  # create the schema once, before any worker starts
    os.environ[SERVER_ENV] = args.database_url
    configure_logging()
    print(
        _("HQ serving at {scheme}://{host}:{port} ({workers} workers), database {url}").format(
            scheme="https" if args.ssl_certfile else "http",
            host=args.host,
            port=args.port,
            workers=args.workers,
            url=_safe_url(args.database_url),
        ),
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        "eskan_desk.sync.server:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=10,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
    )
    return 0


def _check_serve(args: argparse.Namespace) -> None:
    """What would stop the server once started, told before: a busy port, a missing
    certificate or key."""
    import errno
    import socket

    from eskan_desk.domain.errors import ValidationError
    from eskan_desk.domain.markers import N_

    for option, path in (("ssl_certfile", args.ssl_certfile), ("ssl_keyfile", args.ssl_keyfile)):
        if path and not Path(path).is_file():
            raise ValidationError(option, N_("no such file: {path}"), {"path": path})
    if args.ssl_keyfile and not args.ssl_certfile:
        raise ValidationError("ssl_certfile", N_("is required with a private key"))
    try:
        with socket.create_server((args.host, args.port)):
            pass  # free: closed again at once, for uvicorn to take
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ValidationError(
                "port",
                N_("another program is already listening on {host}:{port}"),
                {"host": args.host, "port": args.port},
            ) from exc
        raise ValidationError(
            "port",
            N_("{host}:{port} cannot be used: {reason}"),
            {"host": args.host, "port": args.port, "reason": exc.strerror or str(exc)},
        ) from exc


def cmd_enroll(args: argparse.Namespace) -> int:
    from eskan_desk.sync.hq import HQError

    hq = _open(args, create=True)  # a new HQ's first command may be its first enrollment
    try:
        code = hq.issue_code(args.branch)
    except HQError as exc:
        raise _refused(exc) from exc
    finally:
        hq.dispose()
    branch = args.branch.strip().upper()
    if args.json:
        print(json.dumps({"branch": branch, "code": code}))
    else:
        print(code)
        print(
            _("One-time code for branch {branch}; valid for 7 days.").format(branch=branch),
            file=sys.stderr,
        )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from eskan_desk.sync.hq import HQError

    hq = _open(args)
    try:
        hq.revoke(args.device)
    except HQError as exc:
        raise _refused(exc) from exc
    finally:
        hq.dispose()
    print(
        _("Device {device} is revoked; its batches are refused from now on.").format(
            device=args.device
        )
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from eskan_desk.services.files import atomic_output, check_destination
    from eskan_desk.sync.hq import HQError

    check_destination(Path(args.out))  # before anything is applied
    hq = _open(args)
    try:
        # Written as the pull is read (memory holds one page); the answer takes its name
        # once whole. Opened first: an unreadable batch file leaves no answer behind.
        with open(args.file, "rb") as fh, atomic_output(Path(args.out)) as out:
            report = hq.import_file(fh, out)
    except OSError as exc:
        from eskan_desk.domain.markers import N_

        raise SyncError(
            "file",
            N_("Cannot write or read the file {path}: {reason}"),
            {"path": args.file, "reason": exc.strerror or type(exc).__name__},
        ) from exc
    except HQError as exc:
        raise _refused(exc) from exc
    finally:
        hq.dispose()
    if args.json:
        print(json.dumps({**report, "out": str(args.out)}, ensure_ascii=False, default=str))
    else:
        print(
            _("Applied {acked} of {batches} batches; {rows} rows for the branch in {path}.").format(
                acked=report["acked"],
                batches=report["batches"],
                rows=report["pulled"],
                path=args.out,
            )
        )
        if report["error"]:  # HQ's refusal, from the catalog in the language asked for
            error = report["error"]
            refusal = SyncError(
                error.get("error", "refused"),
                error.get("message_id") or error.get("message", ""),
                error.get("params") or {},
            )
            print(i18n.render_error(refusal), file=sys.stderr)
    return 0 if not report["error"] else 1


def cmd_branches(args: argparse.Namespace) -> int:
    hq = _open(args)
    try:
        data = hq.branches()
    finally:
        hq.dispose()
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for b in data:
        rec = b["records"]
        active = [d for d in b["devices"] if not d["revoked"]]
        print(
            _(
                "{code} {name}: {devices} devices, last sync {when}, {bens} families, "
                "{contacts} contacts, {requests} requests"
            ).format(
                code=b["code"],
                name=b["name"],
                devices=len(active),
                when=_riyadh(b["last_sync"]),
                bens=rec["beneficiaries"],
                contacts=rec["contacts"],
                requests=rec["support_requests"],
            )
        )
        for d in b["devices"]:  # each by its id, for "eskan-hq revoke"
            line = _("  device {id} ({name}): last batch {seq}, last sync {when}").format(
                id=d["id"],
                name=d["name"],
                seq=d["last_seq"],
                when=_riyadh(
                    max(filter(None, (d["last_batch_at"], d["last_pull_at"])), default="")
                ),
            )
            print(line + (" — " + _("revoked") if d["revoked"] else ""))
    if not data:
        print(_("No branch is enrolled yet."))
    return 0


def _riyadh(stamp: str | None) -> str:
    """An ISO UTC time from the JSON report, in Riyadh time to the minute; "-" for none."""
    import datetime as dt

    from eskan_desk.sync.hq import riyadh_minute

    return riyadh_minute(dt.datetime.fromisoformat(stamp)) if stamp else "-"


def cmd_summary(args: argparse.Namespace) -> int:
    """The weekly summary of every branch's rows in the HQ database (no role check: HQ's
    administrators run this on the server)."""
    import datetime as dt

    from eskan_desk.domain.dates import riyadh_today
    from eskan_desk.domain.errors import ValidationError
    from eskan_desk.domain.markers import N_
    from eskan_desk.reports.export import render_as
    from eskan_desk.reports.hq_summary import compute_hq_summary, hq_letterhead
    from eskan_desk.reports.summary import parse_week
    from eskan_desk.services.files import check_destination, write_atomically

    to_stdout = str(args.out) == "-"
    if to_stdout and args.format != "json":
        raise ValidationError("out", N_("'-' (standard output) is for --format json only"))
    if not to_stdout:
        check_destination(Path(args.out))
    now = dt.datetime.now(dt.UTC)
    week = parse_week(args.week, today=riyadh_today(now))
    hq = _open(args)
    try:
        summary = compute_hq_summary(hq.engine, week, now=now)
    finally:
        hq.dispose()
    data = render_as(summary, args.format, letterhead=hq_letterhead)
    if to_stdout:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    write_atomically(Path(args.out), data)
    if args.json:
        out = {
            "week_start": summary.week_start.isoformat(),
            "week_end": summary.week_end.isoformat(),
            "format": args.format,
            "out": str(args.out),
            "bytes": len(data),
            "branches": len(summary.branches or ()),
        }
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(_("Written: {path}").format(path=args.out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help=_(
            "SQLAlchemy URL of the HQ database (default: ESKAN_HQ_DATABASE_URL or a SQLite file)"
        ),
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=_("print JSON")
    )
    add_language(common)
    p, sub = program("eskan-hq", _("Eskan Desk headquarters"), common)

    def add(name: str, fn: Any, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, parents=[common], help=help_, description=help_)
        sp.set_defaults(func=fn)
        return sp

    sp = add("serve", cmd_serve, _("serve the sync API (FastAPI under uvicorn)"))
    sp.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)")
    )
    sp.add_argument("--port", type=_port, default=8765, help=_("port (default 8765)"))
    sp.add_argument(
        "--workers", type=_at_least_one, default=1, help=_("worker processes (default 1)")
    )
    sp.add_argument("--ssl-certfile", help=_("certificate for HTTPS (PEM)"))
    sp.add_argument("--ssl-keyfile", help=_("private key for HTTPS (PEM)"))
    sp = add("enroll", cmd_enroll, _("print a one-time enrollment code for a branch"))
    sp.add_argument(
        "--branch", required=True, help=_("branch code, e.g. KMS (HQ for the committee)")
    )
    sp = add("revoke", cmd_revoke, _("refuse a device's batches from now on"))
    sp.add_argument("device", help=_("device id (see 'eskan-hq branches')"))
    sp = add("import", cmd_import, _("apply a batch file brought on USB; write the answer file"))
    sp.add_argument("file", help=_("the batch file written by 'eskan sync export'"))
    sp.add_argument("--out", required=True, help=_("the answer file to take back to the branch"))
    add("branches", cmd_branches, _("per branch: devices, last batch, last sync, record counts"))
    sp = add(
        "summary",
        cmd_summary,
        _("the summary of all branches for the Sunday-Saturday week holding DATE, to a file"),
    )
    sp.add_argument(
        "--week", required=True, metavar="DATE", help=_("any date of the week, YYYY-MM-DD")
    )
    sp.add_argument(
        "--format", required=True, choices=("pdf", "xlsx", "csv", "json"), help=_("file format")
    )
    sp.add_argument(
        "--out", required=True, metavar="FILE", help=_("the file to write; '-' prints the JSON")
    )
    return p


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(i18n.gettext("must be a whole number")) from None


def _port(text: str) -> int:
    port = _whole(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(i18n.gettext("must be from 1 to 65535"))
    return port


def _at_least_one(text: str) -> int:
    n = _whole(text)
    if n < 1:
        raise argparse.ArgumentTypeError(i18n.gettext("must be at least 1"))
    return n


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    start_language(argv)
    args = build_parser().parse_args(argv)
    args.database_url = getattr(args, "database_url", None) or default_database_url()
    args.json = getattr(args, "json", False)
    i18n.set_language(getattr(args, "lang", None) or os.environ.get("ESKAN_LANG") or "ar")
    try:
        return args.func(args)
    except _DatabaseError as err:
        print(i18n.render_error(err), file=sys.stderr)
        return 3
    except EskanError as err:
        print(i18n.render_error(err), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``eskan-hq branches | head -1``)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
