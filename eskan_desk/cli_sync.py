"""``eskan sync`` (push then pull), ``sync enroll|export|import|status`` and ``eskan conflicts``.

Progress goes to standard error as one line rewritten in place; results go to standard output
(``--json`` for scripts and scheduled jobs).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eskan_desk.domain.markers import N_
from eskan_desk.i18n import _
from eskan_desk.sync import protocol

PHASES = {"push": N_("Sending"), "pull": N_("Receiving")}


def _progress(enabled: bool) -> Callable[[str, int, int], None]:
    def show(phase: str, done: int, total: int) -> None:
        if enabled:
            label = _(PHASES.get(phase, phase))
            sys.stderr.write(f"\r{label}: {done}/{total}   ")
            sys.stderr.flush()

    return show


def _client(args: argparse.Namespace, ctx: Any, *, progress: bool = False) -> Any:
    from eskan_desk.sync.client import SyncClient

    return SyncClient(
        ctx,
        hq_url=getattr(args, "hq", None),
        max_changes=getattr(args, "batch_size", None) or protocol.MAX_BATCH_CHANGES,
        progress=_progress(progress and sys.stderr.isatty()),
    )


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def _authorize(ctx: Any, args: argparse.Namespace, action: Any) -> Any:
    from eskan_desk.domain.permissions import authorize
    from eskan_desk.services.staff import resolve_actor

    actor = resolve_actor(ctx, args.user)
    authorize(actor.role, action)
    return actor


def cmd_sync(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.domain.permissions import Action

    ctx = context(args)
    try:
        _authorize(ctx, args, Action.SYNC)
        client = _client(args, ctx, progress=True)
        result = client.sync(attempts=args.attempts)
    finally:
        ctx.close()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    _emit(
        args,
        {
            "batches": result.batches,
            "changes_sent": result.changes,
            "conflicts": result.conflicts,
            "rows_received": result.pulled,
        },
        _("Sent {changes} changes in {batches} batches; received {rows} rows from HQ.").format(
            changes=result.changes, batches=result.batches, rows=result.pulled
        ),
    )
    return 0


def cmd_enroll(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.domain.permissions import Action

    ctx = context(args)
    try:
        _authorize(ctx, args, Action.ENROLL_DEVICE)
        identity = _client(args, ctx).enroll(
            args.hq, args.code, args.device_name, replace=args.replace
        )
    finally:
        ctx.close()
    _emit(
        args,
        {"device_id": identity.device_id, "hq": identity.hq_url, "branch": identity.branch_code},
        _("This PC is enrolled with HQ at {url} as device {device}.").format(
            url=identity.hq_url, device=identity.device_id
        ),
    )
    return 0


def cmd_export(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.domain.permissions import Action
    from eskan_desk.services.sync_status import pending_changes

    ctx = context(args)
    try:
        _authorize(ctx, args, Action.SYNC)
        pending = pending_changes(ctx)
        n = _client(args, ctx).export(Path(args.out))
    finally:
        ctx.close()
    _emit(
        args,
        {"out": str(args.out), "batches": n, "changes": pending},
        _("Wrote {batches} batches ({changes} changes) to {path}. Take it to HQ.").format(
            batches=n, changes=pending, path=args.out
        ),
    )
    return 0


def cmd_import(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.domain.permissions import Action

    ctx = context(args)
    try:
        _authorize(ctx, args, Action.SYNC)
        result = _client(args, ctx).import_answer(Path(args.file))
    finally:
        ctx.close()
    _emit(
        args,
        {"batches_acknowledged": result.batches, "rows_received": result.pulled},
        _("HQ acknowledged {batches} batches; received {rows} rows.").format(
            batches=result.batches, rows=result.pulled
        ),
    )
    return 0


def cmd_status(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.i18n import render_error
    from eskan_desk.services.sync_review import open_conflict_count

    ctx = context(args)
    try:
        st = _client(args, ctx).status()
        conflicts = open_conflict_count(ctx)
    finally:
        ctx.close()
    error = None
    if st.last_error:
        from eskan_desk.domain.errors import SyncError

        error = render_error(
            SyncError(st.last_error["code"], st.last_error["message"], st.last_error["params"])
        )
    data = {
        "enrolled": st.enrolled,
        "hq": st.hq_url,
        "device_id": st.device_id,
        "pending_changes": st.pending,
        "last_sync_at": st.last_sync_at.isoformat() if st.last_sync_at else None,
        "last_error": error,
        "open_conflicts": conflicts,
    }
    lines = [
        _("HQ: {url}").format(url=st.hq_url or _("not enrolled")),
        _("Changes waiting to be sent: {n}").format(n=st.pending),
        _("Last successful sync: {when}").format(
            when=st.last_sync_at.strftime("%Y-%m-%d %H:%M") if st.last_sync_at else "-"
        ),
        _("Open conflicts: {n}").format(n=conflicts),
    ]
    if error:
        lines.append(_("Last error: {error}").format(error=error))
    _emit(args, data, "\n".join(lines))
    return 0


def cmd_conflicts_list(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.services.staff import resolve_actor
    from eskan_desk.services.sync_review import list_conflicts

    ctx = context(args)
    try:
        items = list_conflicts(ctx, resolve_actor(ctx, args.user), include_resolved=args.all)
    finally:
        ctx.close()
    if args.json:
        json.dump(
            [
                {
                    "id": c.id,
                    "entity": c.entity,
                    "entity_id": c.entity_id,
                    "record": c.record,
                    "field": c.field,
                    "kept_value": c.kept_value,
                    "other_value": c.other_value,
                    "kept_device": c.kept_device,
                    "other_device": c.other_device,
                    "status": c.status,
                    "chosen": c.chosen,
                }
                for c in items
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
        return 0
    for c in items:
        print(f"{c.id}  {c.record}  {c.field}: {c.kept_value!s} | {c.other_value!s}  [{c.status}]")
    if not items:
        print(_("No open conflicts."))
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.services.staff import resolve_actor
    from eskan_desk.services.sync_review import KEPT, OTHER, list_conflicts, resolve_conflict

    ctx = context(args)
    try:
        actor = resolve_actor(ctx, args.user)
        key = args.conflict
        matches = [c.id for c in list_conflicts(ctx, actor) if c.id.startswith(key)]
        conflict_id = matches[0] if len(matches) == 1 else key
        view = resolve_conflict(ctx, actor, conflict_id, OTHER if args.other else KEPT)
    finally:
        ctx.close()
    _emit(
        args,
        {"id": view.id, "status": view.status, "chosen": view.chosen},
        _("Conflict resolved.") if not args.json else "",
    )
    return 0


def register_sync(sub: Any, add: Callable[..., argparse.ArgumentParser], context: Any) -> None:
    def bind(fn: Callable[..., int]) -> Callable[[argparse.Namespace], int]:
        return lambda args: fn(args, context)

    sp = add(sub, "sync", bind(cmd_sync), _("send pending changes to HQ, then receive HQ's"))
    sp.add_argument("--hq", help=_("HQ address (default: the one this PC is enrolled with)"))
    sp.add_argument("--attempts", type=int, default=5, help=_("tries when HQ cannot be reached"))
    sp.add_argument("--batch-size", type=int, help=_("changes per batch (default 3000)"))
    actions = sp.add_subparsers(dest="sync_action", metavar="ACTION")
    e = add(actions, "enroll", bind(cmd_enroll), _("enroll this PC with HQ using a one-time code"))
    e.add_argument("--hq", required=True, help=_("HQ address, e.g. https://hq.example.org"))
    e.add_argument("--code", required=True, help=_("the code printed by 'eskan-hq enroll'"))
    e.add_argument("--device-name", help=_("a name for this PC (default: its host name)"))
    e.add_argument(
        "--replace",
        action="store_true",
        help=_("enroll again, replacing this PC's identity (after HQ revoked it)"),
    )
    x = add(
        actions, "export", bind(cmd_export), _("write pending batches to a file for a USB stick")
    )
    x.add_argument("--out", required=True, help=_("the batch file to write"))
    x.add_argument("--batch-size", type=int, help=_("changes per batch (default 3000)"))
    i = add(actions, "import", bind(cmd_import), _("read HQ's answer file from a USB stick"))
    i.add_argument("file", help=_("the answer file written by 'eskan-hq import'"))
    add(actions, "status", bind(cmd_status), _("pending changes, last sync, last error"))

    con = sub.add_parser("conflicts", help=_("sync conflicts a supervisor resolves"))
    con_sub = con.add_subparsers(dest="action", required=True, metavar="ACTION")
    ls = add(con_sub, "list", bind(cmd_conflicts_list), _("open conflicts with both values"))
    ls.add_argument("--all", action="store_true", help=_("resolved ones too"))
    rs = add(con_sub, "resolve", bind(cmd_conflicts_resolve), _("keep one of the two values"))
    rs.add_argument("conflict", help=_("conflict id (or a unique prefix)"))
    choice = rs.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", action="store_true", help=_("keep the value in the record"))
    choice.add_argument("--other", action="store_true", help=_("write the other value"))
