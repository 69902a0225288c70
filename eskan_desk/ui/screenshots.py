"""``eskan-desk --screenshots DIR``: every main screen rendered to PNG, for review and docs.

Screens are shown as the first administrator of the store (no sign-in), with tasks run at once.

The sync screens need HQ. For a store not enrolled yet, they are rendered from a copy of it
enrolled with a throwaway HQ database in a temporary folder (:func:`sync_scene`): a real push,
an edit of the same family's mobile number written at HQ and at the branch (a real conflict),
and the same family registered at a second branch (a real duplicate alert). The store itself is
never touched. An enrolled store shows its own state.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.domain.errors import EskanError
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
)
from eskan_desk.services.search import list_beneficiaries
from eskan_desk.services.staff import current_branch, initialize_store, resolve_actor
from eskan_desk.sync.client import IDENTITY_FILE, SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.transport import LocalTransport
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner

# Mobile numbers for the conflict: the first two that are not the family's own.
SCENE_MOBILES = ("0555550101", "0555550202", "0555550303")
SECOND_BRANCH = ("ABH", "فرع أبها")
HQ_DESK = ("HQ", "المقر الرئيسي")


def _grab(widget: QWidget, path: Path) -> Path:
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def render_all(ctx: AppContext, out_dir: Path) -> list[Path]:
    """Render each screen of the desk to ``out_dir``; returns the files written."""
    from eskan_desk.ui.contact_dialog import ContactDialog
    from eskan_desk.ui.main_window import MainWindow
    from eskan_desk.ui.sign_in import SignInDialog

    out_dir.mkdir(parents=True, exist_ok=True)
    session = UiSession(
        ctx=ctx, actor=resolve_actor(ctx), runner=ImmediateRunner(), events=UiEvents()
    )
    shots = [_grab(SignInDialog(ctx), out_dir / "sign-in.png")]
    window = MainWindow(session)
    window.auto_sync.stop()  # screenshots never talk to HQ
    window.resize(1280, 800)
    for page_id in (
        "dashboard",
        "registry",
        "requests",
        "referrals",
        "feedback",
        "reports",
        "staff",
        "settings",
    ):
        window.show_page(page_id)
        shots.append(_grab(window, out_dir / f"{page_id}.png"))
    registry = window.show_page("registry")
    registry.search_box.setText("عبد الله")  # type: ignore[attr-defined]
    shots.append(_grab(window, out_dir / "search.png"))
    window.new_registration(restore=False)
    form = window.pages["register"]
    form.editor("national_id").setText("1000000009")  # type: ignore[attr-defined]
    form.editor("mobile").setText("0112345678")  # type: ignore[attr-defined]
    form.touched = {"national_id", "mobile"}  # type: ignore[attr-defined]
    form.validate()  # type: ignore[attr-defined]
    shots.append(_grab(window, out_dir / "registration.png"))
    first = list_beneficiaries(ctx, limit=1)
    if first:
        window.open_beneficiary(first[0].id)
        shots.append(_grab(window, out_dir / "beneficiary-profile.png"))
        window.file_page.tabs.setCurrentIndex(3)
        shots.append(_grab(window, out_dir / "beneficiary-timeline.png"))
        dialog = ContactDialog(
            session,
            beneficiary_id=first[0].id,
            beneficiary_name=first[0].full_name,
            channel="phone",
        )
        shots.append(_grab(dialog, out_dir / "contact-dialog.png"))
        dialog.close()
        window.new_request(first[0].id)
        shots.append(_grab(window, out_dir / "request-wizard.png"))
        window.pages["request_wizard"].go(3)
        shots.append(_grab(window, out_dir / "request-signature.png"))
    window.close()
    shots += _sync_shots(ctx, session, out_dir)
    from eskan_desk.services.surveys import kiosk_ready
    from eskan_desk.ui.kiosk import SurveyKiosk

    if not kiosk_ready(ctx):  # no kiosk PIN set in this store: the kiosk cannot start
        return shots
    kiosk = SurveyKiosk(ctx)
    kiosk.resize(1366, 768)
    shots.append(_grab(kiosk, out_dir / "survey-kiosk.png"))
    kiosk._may_close = True  # screenshots only: no PIN is typed here
    kiosk.hide()
    return shots


def _sync_shots(ctx: AppContext, session: UiSession, out_dir: Path) -> list[Path]:
    """``sync.png`` and ``conflicts.png``: from a copy enrolled with a throwaway HQ when the store
    is not enrolled, else from the store itself."""
    from eskan_desk.ui.main_window import MainWindow
    from eskan_desk.ui.sync_page import SyncCoordinator

    with sync_scene(ctx) as scene:
        if scene is not None:
            session = UiSession(
                ctx=scene.branch,
                actor=resolve_actor(scene.branch),
                runner=ImmediateRunner(),
                events=UiEvents(),
            )
            SyncCoordinator.of(session).transport = scene.transport
        window = MainWindow(session)
        window.auto_sync.stop()
        window.resize(1280, 800)
        shots = []
        window.show_page("sync")
        shots.append(_grab(window, out_dir / "sync.png"))
        conflicts = window.show_page("conflicts")
        if conflicts.rows:  # type: ignore[attr-defined]
            conflicts.select(conflicts.rows[0].id)  # type: ignore[attr-defined]
        shots.append(_grab(window, out_dir / "conflicts.png"))
        window.close()
        return shots


@dataclass
class SyncScene:
    branch: AppContext  # the copy of the store, enrolled, with a conflict and an alert
    transport: LocalTransport  # the throwaway HQ


@contextlib.contextmanager
def sync_scene(ctx: AppContext) -> Iterator[SyncScene | None]:
    """A copy of the store synced with a throwaway HQ (see the module docstring).

    Yields None when the store is already enrolled with HQ, or when the scene cannot be made
    (the sync screens then show the store as it is).
    """
    if (ctx.data_dir / IDENTITY_FILE).exists():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="eskan-screenshots-") as tmp:
        root = Path(tmp)
        opened: list[AppContext] = []
        hq = HQ.open(f"sqlite:///{root / 'hq.sqlite3'}")
        try:
            try:
                branch = _copy_store(ctx, root / "branch")
                opened.append(branch)
                transport = LocalTransport(hq)
                _stage(branch, hq, transport, root, opened)
            except EskanError as exc:
                print(f"sync screenshots show the store as it is: {exc}")
                yield None
                return
            yield SyncScene(branch=branch, transport=transport)
        finally:
            for opened_ctx in opened:
                opened_ctx.close()
            hq.dispose()


def _copy_store(ctx: AppContext, folder: Path) -> AppContext:
    """SQLite's online backup of the live store (WAL included) into ``folder``, opened."""
    folder.mkdir()
    with (
        contextlib.closing(sqlite3.connect(ctx.db_path)) as source,
        contextlib.closing(sqlite3.connect(folder / STORE_FILE)) as target,
    ):
        source.backup(target)
    return open_context(folder, create=False, now=ctx.now)


def _desk(
    code_name: tuple[str, str], hq: HQ, transport: LocalTransport, root: Path, opened: list
) -> AppContext:
    """Another store (HQ's own desk, or a second branch), initialised and enrolled."""
    code, name = code_name
    desk = open_context(root / code, now=opened[0].now)
    opened.append(desk)
    initialize_store(
        desk,
        branch_code=code,
        branch_name=name,
        admin_username="admin",
        admin_password=secrets.token_urlsafe(18),
        admin_full_name=resolve_actor(opened[0]).full_name,
    )
    SyncClient(desk, transport).enroll(transport.url, hq.issue_code(code))
    return desk


def _stage(branch: AppContext, hq: HQ, transport: LocalTransport, root: Path, opened: list) -> None:
    client = SyncClient(branch, transport)
    client.enroll(transport.url, hq.issue_code(current_branch(branch).code))
    client.sync()
    families = list_beneficiaries(branch, limit=2)
    if not families:
        return  # nothing to conflict over: the pages show their empty states
    # HQ's own desk (branch code HQ may write any branch's records) receives the branch's files.
    desk = _desk(HQ_DESK, hq, transport, root, opened)
    desk_client = SyncClient(desk, transport)
    desk_client.sync()
    # The same family's mobile number, changed at HQ and at the branch before they meet.
    family = get_beneficiary(branch, families[0].id)
    mobiles = [m for m in SCENE_MOBILES if "+966" + m[1:] != family.mobile]
    for ctx, mobile in ((desk, mobiles[0]), (branch, mobiles[1])):
        data = input_from_file(get_beneficiary(ctx, family.id))
        data.mobile = mobile
        update_beneficiary(ctx, resolve_actor(ctx), family.id, data)
    desk_client.sync()
    client.sync()  # the branch's change meets HQ's: a conflict comes back
    if len(families) > 1:
        # The second family also registered at another branch: a duplicate alert for each.
        other = _desk(SECOND_BRANCH, hq, transport, root, opened)
        data = input_from_file(get_beneficiary(branch, families[1].id))
        register_beneficiary(other, resolve_actor(other), data)
        SyncClient(other, transport).sync()
        client.sync()
