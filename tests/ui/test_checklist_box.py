"""An administrator edits a request type's documents checklist; new requests use it."""

from __future__ import annotations

import re

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
    # The administrator sees names only: the codes stay out of sight.
    assert box.table.isColumnHidden(0) and not box.table.isColumnHidden(1)
    box.add_button.click()
    row = box.table.rowCount() - 1
    assert (box.table.currentRow(), box.table.currentColumn()) == (row, 1)
    assert box.table.state() == box.table.State.EditingState  # the name is open for typing
    box.table.item(row, 1).setText("تقرير مهندس عن حالة المبنى")
    box.table.item(row, 2).setCheckState(Qt.CheckState.Unchecked)
    box.save()
    stored = list_requirements(ctx, "repair")
    assert len(stored) == before + 1
    assert re.fullmatch(r"doc_[0-9a-f]{8}", stored[-1].code)
    assert stored[-1].label == "تقرير مهندس عن حالة المبنى"
    assert box.items()[-1][0] == stored[-1].code  # reloaded: saving again changes nothing
    ben = register_beneficiary(ctx, session.actor, applicant())
    r = create_request(ctx, session.actor, beneficiary_id=ben.id, type="repair")
    added = [d for d in r.documents if d.label == "تقرير مهندس عن حالة المبنى"]
    assert added and not added[0].required


def test_a_document_without_a_name_is_refused_beside_the_table(session, qtbot, ctx):
    box = ChecklistBox(session)
    qtbot.addWidget(box)
    box.add_button.click()
    before = list_requirements(ctx, box.type_box.value())
    box.save()
    last = box.table.rowCount()
    assert box.status.text() == f"قائمة المستندات المطلوبة: المستند {last} بلا اسم"
    assert list_requirements(ctx, box.type_box.value()) == before
    assert box.table.rowCount() == len(before) + 1  # what was on screen stays
