"""An administrator edits a request type's documents checklist; new requests use it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.requests import create_request
from eskan_desk.services.requirements import list_requirements
from eskan_desk.ui.checklist_box import ChecklistBox

from ..services.helpers import applicant


def test_admin_adds_a_document_and_new_requests_carry_it(session, qtbot, ctx):
    box = ChecklistBox(session)
    qtbot.addWidget(box)
    box.type_box.set_value("repair")
    before = len(box.items())
    assert before >= 2
    box.add_button.click()
    row = box.table.rowCount() - 1
    box.table.item(row, 0).setText("engineer_report")
    box.table.item(row, 1).setText("تقرير مهندس عن حالة المبنى")
    box.table.item(row, 2).setCheckState(Qt.CheckState.Unchecked)
    box.save()
    codes = [r.code for r in list_requirements(ctx, "repair")]
    assert codes[-1] == "engineer_report" and len(codes) == before + 1
    ben = register_beneficiary(ctx, session.actor, applicant())
    r = create_request(ctx, session.actor, beneficiary_id=ben.id, type="repair")
    added = [d for d in r.documents if d.code == "engineer_report"]
    assert added and not added[0].required


def test_a_bad_code_is_refused_beside_the_table(session, qtbot, ctx):
    box = ChecklistBox(session)
    qtbot.addWidget(box)
    box.add_button.click()
    row = box.table.rowCount() - 1
    box.table.item(row, 0).setText("Not A Code!")
    box.table.item(row, 1).setText("x")
    before = [r.code for r in list_requirements(ctx, box.type_box.value())]
    box.save()
    assert box.status.text()
    assert [r.code for r in list_requirements(ctx, box.type_box.value())] == before
