"""Registering or editing a family file, validated field by field as the user types.

Nothing is stored until every field is valid. What is typed is saved as a draft a moment after
each keystroke, so a crash or a killed app loses nothing: the draft is offered back next time.
"""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import riyadh_today
from eskan_desk.domain.enums import (
    BuildingCondition,
    Category,
    Gender,
    HousingType,
    MaritalStatus,
    NeedTier,
)
from eskan_desk.domain.errors import ConflictError, EskanError, ValidationError
from eskan_desk.domain.national_id import is_valid_national_id, normalize_national_id
from eskan_desk.i18n import N_, _
from eskan_desk.services import drafts
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
)
from eskan_desk.services.beneficiary_input import (
    BeneficiaryInput,
    IncomeInput,
    MemberInput,
    check_beneficiary,
)
from eskan_desk.services.search import find_by_national_id
from eskan_desk.ui.forms import ChoiceBox, FieldSet
from eskan_desk.ui.household_editor import IncomesEditor, MembersEditor
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.session import Page

FORM = "beneficiary"
DRAFT_DELAY_MS = 400

SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        N_("Applicant"),
        [
            ("national_id", N_("National ID / iqama"), "line"),
            ("first_name", N_("First name"), "line"),
            ("father_name", N_("Father's name"), "line"),
            ("grandfather_name", N_("Grandfather's name"), "line"),
            ("family_name", N_("Family name"), "line"),
            ("gender", N_("Gender"), "gender"),
            ("birth_date", N_("Birth date (Hijri or Gregorian, or the year)"), "line"),
            ("mobile", N_("Mobile number"), "line"),
            ("marital_status", N_("Marital status"), "marital"),
            ("category", N_("Category"), "category"),
            ("need_tier", N_("Need tier"), "tier"),
        ],
    ),
    (
        N_("National address"),
        [
            ("building_no", N_("Building number"), "line"),
            ("street", N_("Street"), "line"),
            ("district", N_("District"), "line"),
            ("city", N_("City"), "line"),
            ("postal_code", N_("Postal code"), "line"),
            ("additional_no", N_("Additional number"), "line"),
            ("unit_no", N_("Unit number"), "line"),
            ("short_address", N_("Short address"), "line"),
        ],
    ),
    (
        N_("Bank and housing"),
        [
            ("iban", N_("IBAN"), "line"),
            ("housing_type", N_("Housing"), "housing"),
            ("rent_amount", N_("Annual rent (riyals)"), "line"),
            ("ejar_no", N_("Ejar contract number"), "line"),
            ("rooms", N_("Number of rooms"), "line"),
            ("building_condition", N_("Building condition"), "condition"),
            ("has_arrears", N_("Rent arrears or an enforcement judgment"), "check"),
            ("notes", N_("Notes"), "text"),
        ],
    ),
]
CHOICES = {
    "gender": Gender,
    "marital": MaritalStatus,
    "category": Category,
    "tier": NeedTier,
    "housing": HousingType,
    "condition": BuildingCondition,
}
PLACEHOLDERS = {
    "national_id": "1XXXXXXXXX",
    "mobile": "05XXXXXXXX",
    "iban": "SA",
    "short_address": "RRRD2929",
    "birth_date": "1985-03-14 / 1405-06-20 / 1405",
}


class RegistrationPage(Page):
    page_id = "register"
    title = N_("New registration")

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.editing_id: str | None = None
        self.touched: set[str] = set()
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        self._build()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.cancel)

    # Layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.heading = QLabel(_("New registration"), self)
        self.heading.setFont(ui_font(15, bold=True))
        outer.addWidget(self.heading)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        grid = QGridLayout(body)
        self.fields = FieldSet()
        sets = []
        for index, (title, rows) in enumerate(SECTIONS):
            box = QGroupBox(_(title), body)
            fs = self.fields if not sets else FieldSet()
            QVBoxLayout(box).addWidget(fs)
            for code, label, kind in rows:
                fs.add(code, label, self._editor(kind, code))
            fs.edited.connect(self._on_edited)
            sets.append(fs)
            grid.addWidget(box, index // 2, index % 2, Qt.AlignmentFlag.AlignTop)
        self.sets = sets
        household = QWidget(body)
        lists = QVBoxLayout(household)
        lists.setContentsMargins(0, 0, 0, 0)
        members_box = QGroupBox(_("Household members"), household)
        self.members = MembersEditor(members_box)
        QVBoxLayout(members_box).addWidget(self.members)
        incomes_box = QGroupBox(_("Income sources"), household)
        self.incomes = IncomesEditor(incomes_box)
        QVBoxLayout(incomes_box).addWidget(self.incomes)
        lists.addWidget(members_box)
        lists.addWidget(incomes_box)
        grid.addWidget(household, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.duplicate_button = QPushButton(self)
        self.duplicate_button.hide()
        self.duplicate_button.clicked.connect(self._open_duplicate)
        outer.addWidget(self.duplicate_button)
        self.members.changed.connect(lambda: self._on_edited("members"))
        self.incomes.changed.connect(lambda: self._on_edited("income"))
        self.list_error = QLabel(self)
        self.list_error.setStyleSheet("color: #b3261e;")
        outer.addWidget(self.list_error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

    def _editor(self, kind: str, code: str) -> QWidget:
        if kind == "line":
            w = QLineEdit()
            w.setPlaceholderText(PLACEHOLDERS.get(code, ""))
            w.returnPressed.connect(self.save)  # Enter saves
            return w
        if kind == "text":
            w = QPlainTextEdit()
            w.setMaximumHeight(70)
            return w
        if kind == "check":
            return QCheckBox()
        return ChoiceBox(CHOICES[kind])

    def editor(self, code: str) -> QWidget:
        for fs in self.sets:
            if code in fs.editors:
                return fs.editors[code]
        raise KeyError(code)

    # Values ----------------------------------------------------------------------------
    def current_input(self) -> BeneficiaryInput:
        data = BeneficiaryInput()
        for fs in self.sets:
            for code in fs.editors:
                setattr(data, code, fs.value(code))
        data.members = list(self.members.members)
        data.incomes = list(self.incomes.incomes)
        return data

    def load_input(self, data: BeneficiaryInput) -> None:
        for fs in self.sets:
            for code in fs.editors:
                fs.set_value(code, getattr(data, code))
        self.members.set_members(data.members)
        self.incomes.set_incomes(data.incomes)

    # Starting --------------------------------------------------------------------------
    def start_new(self, *, restore: bool | None = None) -> None:
        """Open an empty form; a left-over draft is offered back (``restore=None`` asks)."""
        self._start(None, BeneficiaryInput(), _("New registration"), restore)

    def start_edit(self, beneficiary_id: str, *, restore: bool | None = None) -> None:
        f = get_beneficiary(self.session.ctx, beneficiary_id)
        self._start(
            f.id, input_from_file(f), _("Edit file {file_no}").format(file_no=f.file_no), restore
        )

    def _start(
        self, editing_id: str | None, data: BeneficiaryInput, heading: str, restore: bool | None
    ) -> None:
        self.editing_id = editing_id
        self.touched = set()
        self.heading.setText(heading)
        self.load_input(data)
        self._show_errors([])
        self.duplicate_button.hide()
        draft = drafts.load_draft(self.session.ctx, self.session.actor, FORM, self.draft_key)
        if draft and (restore if restore is not None else self._offer_draft()):
            self.load_input(input_from_payload(draft.payload))
            self.touched = {code for fs in self.sets for code in fs.editors}
            self.validate()
        self.editor("national_id").setFocus()

    def _offer_draft(self) -> bool:
        answer = QMessageBox.question(
            self,
            _("Unsaved draft"),
            _("A draft of this form was left unsaved. Restore it?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    @property
    def draft_key(self) -> str:
        return self.editing_id or "new"

    # Live validation ---------------------------------------------------------------------
    def _on_edited(self, code: str) -> None:
        self.touched.add(code)
        self.validate()
        self._draft_timer.start()
        if code == "national_id":
            self._check_duplicate()

    def validate(self, *, all_fields: bool = False) -> list[ValidationError]:
        today = riyadh_today(self.session.ctx.now())
        *_values, errors = check_beneficiary(self.current_input(), today=today)
        shown = [
            e
            for e in errors
            if all_fields
            or e.field in self.touched
            or e.field in {"relation", "members", "income_kind", "amount"}
        ]
        self._show_errors(shown)
        return errors

    def _show_errors(self, errors: list[ValidationError]) -> None:
        for fs in self.sets:
            fs.show_errors(errors)
        lists = [
            i18n.render_error(e)
            for e in errors
            if e.field in {"members", "relation", "income_kind", "amount"}
        ]
        self.list_error.setText("\n".join(lists))

    def _check_duplicate(self) -> None:
        raw = self.fields.value("national_id")
        self.duplicate_button.hide()
        if not is_valid_national_id(raw):
            return
        nid = normalize_national_id(raw)
        ctx = self.session.ctx  # read here: the worker never touches this widget
        self.session.runner.submit(
            lambda: find_by_national_id(ctx, nid), on_done=self._show_duplicate
        )

    def _show_duplicate(self, found) -> None:
        if found is None or found.id == self.editing_id:
            return
        self._duplicate_id = found.id
        self.fields.show_error(
            "national_id",
            _("is already registered in file {file_no}").format(file_no=found.file_no),
        )
        self.duplicate_button.setText(
            _("Open file {file_no} ({name})").format(file_no=found.file_no, name=found.full_name)
        )
        self.duplicate_button.show()

    def _open_duplicate(self) -> None:
        self.session.events.open_beneficiary.emit(self._duplicate_id)

    # Saving ----------------------------------------------------------------------------
    def save_draft(self) -> None:
        data = self.current_input()
        if data == BeneficiaryInput() and self.editing_id is None:
            return
        ctx, actor, key = self.session.ctx, self.session.actor, self.draft_key
        self.session.runner.submit(lambda: drafts.save_draft(ctx, actor, FORM, key, data))

    def save(self) -> None:
        if self.validate(all_fields=True):
            return
        data = self.current_input()
        ctx, actor, editing = self.session.ctx, self.session.actor, self.editing_id
        self._draft_timer.stop()

        def work():
            if editing:
                return update_beneficiary(ctx, actor, editing, data)
            return register_beneficiary(ctx, actor, data)

        self.session.runner.submit(work, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, f) -> None:
        key = self.draft_key
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(lambda: drafts.discard_draft(ctx, actor, FORM, key))
        self.editing_id = f.id
        self.session.events.changed.emit("beneficiaries", f.id)
        self.session.events.open_beneficiary.emit(f.id)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError) and exc.field == "national_id":
            self._duplicate_id = exc.params.get("beneficiary_id")
            self._show_duplicate_conflict(exc)
        elif isinstance(exc, ValidationError):
            self._show_errors([exc])
        elif isinstance(exc, EskanError):
            QMessageBox.warning(self, _("Not saved"), i18n.render_error(exc))
        else:
            QMessageBox.critical(self, _("Not saved"), str(exc))

    def _show_duplicate_conflict(self, exc: ConflictError) -> None:
        self.fields.show_error("national_id", i18n.render_validation_field(exc)[1])
        self.duplicate_button.setText(
            _("Open file {file_no}").format(file_no=exc.params.get("file_no"))
        )
        self.duplicate_button.show()

    def cancel(self) -> None:
        if self.current_input() != BeneficiaryInput() or self.editing_id:
            answer = QMessageBox.question(
                self,
                _("Discard"),
                _("Close this form and discard what was typed?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        key = self.draft_key
        self._draft_timer.stop()
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(lambda: drafts.discard_draft(ctx, actor, FORM, key))
        self.load_input(BeneficiaryInput())
        self.session.events.changed.emit("drafts", key)


def input_from_payload(payload: dict) -> BeneficiaryInput:
    """A draft's JSON back into the form's input (members and incomes included)."""
    known = set(asdict(BeneficiaryInput()))
    data = BeneficiaryInput(
        **{k: v for k, v in payload.items() if k in known and k not in ("members", "incomes")}
    )
    data.members = [MemberInput(**m) for m in payload.get("members", [])]
    data.incomes = [IncomeInput(**i) for i in payload.get("incomes", [])]
    return data
