"""``eskan-desk --screenshots DIR``: every main screen rendered to PNG, for review and docs.

Screens are shown as the first administrator of the store (no sign-in), with tasks run at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from eskan_desk.app import AppContext
from eskan_desk.services.search import list_beneficiaries
from eskan_desk.services.staff import resolve_actor
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner


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
