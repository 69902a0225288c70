"""The family file: profile, household, documents checklist and the timeline of contacts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.channels import format_duration
from eskan_desk.domain.dates import format_birth_year, format_dual, to_riyadh
from eskan_desk.domain.enums import (
    BuildingCondition,
    Category,
    Channel,
    ContactTopic,
    Direction,
    Gender,
    HousingType,
    IncomeKind,
    NeedTier,
    Occupation,
    RegistrationStatus,
    Relation,
    SocialPlatform,
)
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.iban import format_iban
from eskan_desk.domain.permissions import Action, can
from eskan_desk.domain.phone import format_mobile_local
from eskan_desk.i18n import N_, _, current_language
from eskan_desk.services.beneficiaries import get_beneficiary, verify_beneficiary_data
from eskan_desk.services.dto import BeneficiaryFile
from eskan_desk.ui.look import leading_alignment, ui_font
from eskan_desk.ui.session import Page
from eskan_desk.ui.tables import add_row, make_table

LRI, PDI = "\u2066", "\u2069"

# The papers Saudi housing charities ask for (DOMAIN-NOTES.md); ticked per support request.
DOCUMENTS = (
    N_("National ID of the head of household"),
    N_("Family card"),
    N_("Income statement (no older than 3 months)"),
    N_("IBAN letter"),
    N_("Lease contract (Ejar) or ownership deed, or the latest electricity bill"),
    N_("Death certificate, guardianship and inheritance deeds (orphans' families)"),
    N_("Divorce deed (where relevant)"),
    N_("Medical reports"),
)


def label_of(enum, code) -> str:
    return _(enum(code).label) if code else "—"


def ltr(text: str | None) -> str:
    return f"{LRI}{text}{PDI}" if text else "—"


TIMELINE_SUMMARY = 4  # the timeline's summary column
TIMELINE_WIDTHS = {1: 235, 5: 150, 6: 110}  # channel (with its details), outcome, staff


class BeneficiaryPage(Page):
    page_id = "beneficiary"
    title = N_("Family file")

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.file: BeneficiaryFile | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel(self)
        self.heading.setFont(ui_font(16, bold=True))
        self.status = QLabel(self)
        top.addWidget(self.heading, 1)
        top.addWidget(self.status)
        layout.addLayout(top)
        actions = QHBoxLayout()
        self.call_button = QPushButton(_("Log a call"), self)
        self.contact_button = QPushButton(_("Log a contact"), self)
        self.edit_button = QPushButton(_("Edit the file"), self)
        self.verify_button = QPushButton(_("Record data as verified"), self)
        self.request_button = QPushButton(_("New support request"), self)
        self.refer_button = QPushButton(_("Refer to the research officer"), self)
        self.refer_button.setVisible(can(session.actor.role, Action.REFER_TO_RESEARCHER))
        for b in (
            self.call_button,
            self.contact_button,
            self.edit_button,
            self.verify_button,
            self.request_button,
            self.refer_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        # The profile's eighteen lines scroll: unscrolled, they made the window 860 px tall,
        # taller than a branch's 768-line screen.
        self.profile = QWidget()
        self.profile_form = QFormLayout(self.profile)
        profile_scroll = QScrollArea()
        profile_scroll.setWidgetResizable(True)
        profile_scroll.setFrameShape(QFrame.Shape.NoFrame)
        profile_scroll.setWidget(self.profile)
        self.tabs.addTab(profile_scroll, _("Profile"))
        self.members = self._table(
            [
                _("Name"),
                _("Relation"),
                _("National ID"),
                _("Birth date"),
                _("Occupation"),
                _("Health"),
            ]
        )
        self.tabs.addTab(self.members, _("Household members"))
        self.documents = QListWidget()
        self.tabs.addTab(self.documents, _("Documents"))
        self.timeline = self._table(
            [
                _("Time"),
                _("Channel"),
                _("Direction"),
                _("Topic"),
                _("Summary"),
                _("Outcome"),
                _("Staff member"),
            ],
            stretch=TIMELINE_SUMMARY,
        )
        # The summary takes the spare width; the other free texts get a fixed one (a long
        # visit place or outcome pushed the summary, the outcome and the staff off screen).
        # Every cell's full text is in its tooltip.
        header = self.timeline.horizontalHeader()
        for column, width in TIMELINE_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.timeline.setColumnWidth(column, width)
        self.tabs.addTab(self.timeline, _("Timeline"))
        self.call_button.clicked.connect(lambda: self._log("phone"))
        self.contact_button.clicked.connect(lambda: self._log("interview"))
        self.edit_button.clicked.connect(self._edit)
        self.verify_button.clicked.connect(self._verify)
        self.refer_button.clicked.connect(self._refer)
        self.request_button.clicked.connect(
            lambda: self.file and self.session.events.changed.emit("new_request", self.file.id)
        )
        session.events.changed.connect(self._on_changed)

    def _table(self, headers: list[str], stretch: int | None = None) -> QTableWidget:
        return make_table(None, headers, stretch=stretch)

    # Loading ---------------------------------------------------------------------------
    def show_file(self, beneficiary_id: str) -> None:
        self.show_loaded(get_beneficiary(self.session.ctx, beneficiary_id))

    def show_loaded(self, f: BeneficiaryFile) -> None:
        self.file = f
        self.heading.setText(f"{f.full_name}  —  {ltr(f.file_no)}")
        verified = (
            _("verified {date}").format(
                date=format_dual(to_riyadh(f.verified_at).date(), current_language())
            )
            if f.verified_at
            else _("data not verified yet")
        )
        self.status.setText(f"{label_of(RegistrationStatus, f.registration_status)} · {verified}")
        self._fill_profile(f)
        self._fill_members(f)
        self._fill_documents()
        self._fill_timeline(f)

    def _fill_profile(self, f: BeneficiaryFile) -> None:
        while self.profile_form.rowCount():
            self.profile_form.removeRow(0)
        lang = current_language()
        a = f.address
        address = "، ".join(p for p in (a.get("street"), a.get("district"), a.get("city")) if p)
        numbers = " · ".join(
            ltr(p)
            for p in (a.get("building_no"), a.get("postal_code"), a.get("additional_no"))
            if p
        )
        rows = [
            (_("National ID / iqama"), ltr(f.national_id)),
            (_("Mobile number"), ltr(format_mobile_local(f.mobile)) if f.mobile else "—"),
            (_("Gender"), label_of(Gender, f.gender)),
            (
                _("Birth date"),
                (
                    format_birth_year(f.birth_date, f.birth_calendar, lang)
                    if f.birth_precision == "year"
                    else format_dual(f.birth_date, lang)
                )
                if f.birth_date
                else "—",
            ),
            (_("Marital status"), i18n.marital_label(f.marital_status, f.gender) or "—"),
            (_("Category"), label_of(Category, f.category)),
            (_("Need tier"), label_of(NeedTier, f.need_tier)),
            (_("National address"), address or "—"),
            (_("Building number · postal code · additional number"), numbers or "—"),
            (_("Short address"), ltr(a.get("short_address"))),
            (_("IBAN"), ltr(format_iban(f.iban)) if f.iban else "—"),
            (_("Housing"), label_of(HousingType, f.housing_type)),
            (_("Annual rent (riyals)"), ltr(f"{f.rent_amount:,.0f}") if f.rent_amount else "—"),
            (_("Ejar contract number"), ltr(f.ejar_no)),
            (_("Building condition"), label_of(BuildingCondition, f.building_condition)),
            (
                _("Income sources"),
                "، ".join(
                    f"{label_of(IncomeKind, i.kind)} {ltr(f'{i.monthly_amount:,.0f}')}"
                    for i in f.incomes
                )
                or "—",
            ),
            (_("Notes"), f.notes or "—"),
        ]
        for label, value in rows:
            text = QLabel(value)
            text.setWordWrap(True)
            # Align by the page's direction, not by each value's own first letter (digits).
            text.setAlignment(leading_alignment())
            self.profile_form.addRow(label, text)

    def _fill_members(self, f: BeneficiaryFile) -> None:
        self.members.setRowCount(0)
        for m in f.members:
            health = "، ".join(
                x
                for x, on in (
                    (_("Disability"), m.has_disability),
                    (_("Chronic illness"), m.has_chronic_illness),
                )
                if on
            )
            self._row(
                self.members,
                [
                    m.name,
                    label_of(Relation, m.relation),
                    ltr(m.national_id),
                    str(m.birth_date or "—"),
                    label_of(Occupation, m.occupation),
                    health or "—",
                ],
            )

    def _fill_documents(self) -> None:
        self.documents.clear()
        note = QListWidgetItem(
            _(
                "Documents are ticked on each support request; this is the "
                "list the applicant is asked to bring."
            )
        )
        self.documents.addItem(note)
        for doc in DOCUMENTS:
            self.documents.addItem(QListWidgetItem("☐  " + _(doc)))

    def _fill_timeline(self, f: BeneficiaryFile) -> None:
        self.timeline.setRowCount(0)
        for c in f.contacts:
            when = to_riyadh(c.at)
            if c.call_duration_s:
                # Translators: a call's length, minutes:seconds (or h:mm:ss).
                detail = _("{duration} min").format(
                    duration=ltr(format_duration(c.call_duration_s))
                )
            elif c.letter_ref:
                detail = ltr(c.letter_ref)
            elif c.social_platform:
                detail = label_of(SocialPlatform, c.social_platform)
            else:
                detail = c.visit_location or ""
            channel = label_of(Channel, c.channel) + (f" ({detail})" if detail else "")
            items = add_row(
                self.timeline,
                [
                    ltr(when.strftime("%Y-%m-%d %H:%M")),
                    channel,
                    label_of(Direction, c.direction),
                    label_of(ContactTopic, c.topic),
                    c.summary,
                    c.outcome or "",
                    c.staff_name or "",
                ],
            )
            for item in items:
                item.setToolTip(item.text())
        self.tabs.setTabText(3, _("Timeline ({n})").format(n=len(f.contacts)))

    @staticmethod
    def _row(table: QTableWidget, cells: list[str]) -> None:
        add_row(table, cells)

    # Actions ---------------------------------------------------------------------------
    def _log(self, channel: str) -> None:
        if self.file:
            self.session.events.log_contact.emit(self.file.id, channel)

    def _refer(self) -> None:
        if self.file:
            from eskan_desk.ui.referral_dialog import ReferralDialog

            self.referral_dialog = ReferralDialog(
                self.session, self.file.id, self.file.full_name, self
            )
            self.referral_dialog.open()

    def _edit(self) -> None:
        if self.file:
            self.session.events.changed.emit("edit_request", self.file.id)

    def _verify(self) -> None:
        if not self.file:
            return
        ctx, actor, fid = self.session.ctx, self.session.actor, self.file.id
        self.session.runner.submit(
            lambda: verify_beneficiary_data(ctx, actor, fid),
            on_done=self._verified,
            on_error=self._failed,
        )

    def _verified(self, f: BeneficiaryFile) -> None:
        self.show_loaded(f)
        self.session.events.changed.emit("beneficiaries", f.id)

    def _failed(self, exc: BaseException) -> None:
        text = i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc)
        QMessageBox.warning(self, _("Eskan Desk"), text)

    def _on_changed(self, kind: str, _id: str) -> None:
        if self.file and kind == "contacts" and self.isVisible():
            self.show_file(self.file.id)
