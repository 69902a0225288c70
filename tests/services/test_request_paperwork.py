"""A request's paperwork: scanned documents, the signed declaration, the checklists."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from eskan_desk import i18n
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from eskan_desk.models import Attachment, AttachmentBlob, OutboxChange
from eskan_desk.services.attachments import (
    MAX_ATTACHMENT_BYTES,
    read_attachment,
    sniff_media_type,
    store_attachment,
)
from eskan_desk.services.beneficiaries import register_beneficiary, verify_beneficiary_data
from eskan_desk.services.requests import (
    attested_hash,
    attested_snapshot,
    create_request,
    get_request,
    move_request,
    record_declaration,
    set_document,
    submit_request,
)
from eskan_desk.services.requirements import list_requirements, set_requirements

from .helpers import applicant
from .request_helpers import as_role, jpeg, pdf, png, receive_all, signed_draft, stored


@pytest.fixture
def family(ctx, admin):
    f = register_beneficiary(ctx, admin, applicant())
    return verify_beneficiary_data(ctx, admin, f.id)


@pytest.fixture
def draft(ctx, admin, family):
    return create_request(ctx, admin, beneficiary_id=family.id, type="rent", amount="3500")


def refused(ctx, exc_type, fn, *args, **kwargs):
    before = stored(ctx)
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert stored(ctx) == before
    return info.value


# Attachments ---------------------------------------------------------------------------------
def test_png_jpeg_and_pdf_are_recognised_by_their_bytes():
    assert sniff_media_type(png()) == "image/png"
    assert sniff_media_type(jpeg()) == "image/jpeg"
    assert sniff_media_type(pdf()) == "application/pdf"


def test_a_scan_marks_its_document_received_and_the_same_bytes_are_stored_once(ctx, admin, draft):
    scan = png(seed=7)
    view = set_document(
        ctx,
        admin,
        draft.id,
        "lease_contract",
        received=False,
        attachment=scan,
        filename="C:\\x\\عقد.png",
    )
    lease = next(d for d in view.documents if d.code == "lease_contract")
    assert lease.received and lease.received_at == ctx.now() and lease.attachment_id
    again = set_document(ctx, admin, draft.id, "iban_letter", received=True, attachment=scan)
    iban = next(d for d in again.documents if d.code == "iban_letter")
    assert iban.attachment_id == lease.attachment_id  # content-addressed: one attachment
    with ctx.store.read() as s:
        assert s.execute(select(func.count()).select_from(Attachment)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(AttachmentBlob)).scalar_one() == 1
        row = s.get(Attachment, lease.attachment_id)
        assert (row.media_type, row.size, row.filename) == ("image/png", len(scan), "عقد.png")
        assert (
            s.execute(
                select(func.count())
                .select_from(OutboxChange)
                .where(OutboxChange.entity == "attachments")
            ).scalar_one()
            == 1
        )
    assert read_attachment(ctx, lease.attachment_id) == scan
    with pytest.raises(NotFoundError):
        read_attachment(ctx, "no-such-id")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png()[: len(png()) // 2], "is not a readable image or PDF"),  # a truncated PNG
        (b"just some notes\n" * 20, "is not a readable image or PDF"),  # a .txt renamed .pdf
        (b"%PDF-1.4\n" + b"cut short" * 50, "is not a readable image or PDF"),  # no %%EOF
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "is not a readable image or PDF"),  # fake PNG
        (jpeg()[:300], "is not a readable image or PDF"),  # a truncated JPEG
        (b"", "is empty"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_is_stored(ctx, admin, draft, data, message):
    err = refused(
        ctx,
        ValidationError,
        set_document,
        ctx,
        admin,
        draft.id,
        "lease_contract",
        received=True,
        attachment=data,
        filename="lease.pdf",
    )
    assert (err.field, err.message) == ("attachment", message)
    assert not next(
        d for d in get_request(ctx, draft.id).documents if d.code == "lease_contract"
    ).received


def test_a_file_over_ten_megabytes_is_refused_naming_the_limit(ctx, admin, draft):
    tail = b"\n%%EOF\n"
    big = b"%PDF-1.4\n" + b"0" * (MAX_ATTACHMENT_BYTES + 1 - 9 - len(tail)) + tail
    assert len(big) == MAX_ATTACHMENT_BYTES + 1
    err = refused(
        ctx,
        ValidationError,
        set_document,
        ctx,
        admin,
        draft.id,
        "family_card",
        received=True,
        attachment=big,
    )
    assert err.params == {"mb": 10}
    i18n.set_language("en")
    assert i18n.render_error(err) == "Attachment: is larger than 10 MB"
    exactly = big[:9] + big[10:]
    assert len(exactly) == MAX_ATTACHMENT_BYTES
    assert sniff_media_type(exactly) == "application/pdf"


def test_store_attachment_runs_in_the_callers_transaction(ctx, admin):
    with pytest.raises(RuntimeError), ctx.store.write() as session:
        store_attachment(session, ctx, admin, png(seed=3), "x.png")
        raise RuntimeError("the use case failed after attaching")
    with ctx.store.read() as s:
        assert s.execute(select(func.count()).select_from(AttachmentBlob)).scalar_one() == 0


# The checklist -------------------------------------------------------------------------------
def test_unmarking_a_document_and_unknown_codes(ctx, admin, draft):
    set_document(ctx, admin, draft.id, "family_card", received=True, attachment=pdf())
    view = set_document(ctx, admin, draft.id, "family_card", received=False)
    card = next(d for d in view.documents if d.code == "family_card")
    assert (card.received, card.received_at, card.attachment_id) == (False, None, None)
    err = refused(
        ctx, ValidationError, set_document, ctx, admin, draft.id, "passport", received=True
    )
    assert (err.field, err.params) == ("document", {"code": "passport"})
    refused(
        ctx,
        PermissionDeniedError,
        set_document,
        ctx,
        as_role(admin, Role.COMMITTEE),
        draft.id,
        "family_card",
        received=True,
    )


def test_the_checklist_is_frozen_once_the_committee_has_the_request(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    submit_request(ctx, admin, req.id)
    receive_all(ctx, admin, req)
    move_request(ctx, admin, req.id, "in_committee")
    err = refused(
        ctx, ValidationError, set_document, ctx, admin, req.id, "lease_contract", received=False
    )
    assert err.field == "documents"
    err = refused(ctx, ValidationError, record_declaration, ctx, admin, req.id, method="paper")
    assert err.field == "declaration"


def test_an_administrator_edits_a_types_checklist_for_new_requests(ctx, admin, family, draft):
    assert [r.code for r in list_requirements(ctx, "rent")][-1] == "enforcement_judgment"
    refused(
        ctx,
        PermissionDeniedError,
        set_requirements,
        ctx,
        as_role(admin, Role.SUPERVISOR),
        "rent",
        [("lease_contract", "عقد إيجار موثق في إيجار", True)],
    )
    items = [
        ("lease_contract", "عقد إيجار موثق في إيجار", True),
        ("national_id_copy", "صورة الهوية", True),
        ("rent_arrears", "مطالبة بالمتأخرات", False),
    ]
    stored_list = set_requirements(ctx, admin, "rent", items)
    assert [(r.code, r.label, r.required) for r in stored_list] == items
    new = create_request(ctx, admin, beneficiary_id=family.id, type="rent")
    assert [d.code for d in new.documents] == ["lease_contract", "national_id_copy", "rent_arrears"]
    assert len(get_request(ctx, draft.id).documents) == 6  # opened before: unchanged
    # put a line back, drop the others; other types keep their defaults
    assert [r.code for r in set_requirements(ctx, admin, "rent", items[2:])] == ["rent_arrears"]
    assert set_requirements(ctx, admin, "rent", items[:1])[0].code == "lease_contract"
    assert list_requirements(ctx, "repair")[-2].code == "ownership_deed"


def test_an_empty_checklist_stays_empty(ctx, admin, family):
    assert set_requirements(ctx, admin, "other", []) == []
    assert list_requirements(ctx, "other") == []
    req = create_request(ctx, admin, beneficiary_id=family.id, type="other")
    assert req.documents == [] and req.missing_documents == []


@pytest.mark.parametrize(
    "items",
    [
        [("Lease Contract!", "x", True)],
        [("lease", "x", True), ("lease", "y", False)],
        [("lease", "   ", True)],
        [("lease", "x", True), ("", "", True)],
        [("", "x" * 121, True)],
    ],
)
def test_bad_checklists_are_refused(ctx, admin, items):
    err = refused(ctx, ValidationError, set_requirements, ctx, admin, "rent", items)
    assert err.field == "requirements"
    if not items[-1][0]:  # a new line is named by its place in the list
        assert err.params["line"] == len(items)


def test_new_documents_get_codes_of_their_own(ctx, admin):
    items = [("lease_contract", "عقد الإيجار", True), ("", "تقرير مهندس", False), (" ", "صك", True)]
    stored = set_requirements(ctx, admin, "rent", items)
    codes = [r.code for r in stored]
    assert codes[0] == "lease_contract" and len(set(codes)) == 3
    assert all(re.fullmatch(r"doc_[0-9a-f]{8}", c) for c in codes[1:])
    assert [(r.label, r.required) for r in stored] == [(label, req) for _c, label, req in items]
    # Saved again as the screen sends it back (codes kept): nothing changes.
    again = [(r.code, r.label, r.required) for r in stored]
    assert [r.code for r in set_requirements(ctx, admin, "rent", again)] == codes


# The declaration -----------------------------------------------------------------------------
def test_a_pad_signature_is_a_png_image(ctx, admin, draft):
    err = refused(ctx, ValidationError, record_declaration, ctx, admin, draft.id, method="pad")
    assert err.field == "signature"
    err = refused(
        ctx,
        ValidationError,
        record_declaration,
        ctx,
        admin,
        draft.id,
        method="pad",
        signature_png=jpeg(),
    )
    assert err.field == "signature"
    refused(ctx, ValidationError, record_declaration, ctx, admin, draft.id, method="fax")
    done = record_declaration(
        ctx, admin, draft.id, method="pad", signature_png=png(seed=9), printed_at=ctx.now()
    )
    assert done.state == "signed" and done.method == "pad" and done.signature_attachment_id
    assert read_attachment(ctx, done.signature_attachment_id) == png(seed=9)
    assert get_request(ctx, draft.id).declaration.id == done.id


def test_a_paper_declaration_may_carry_its_scan(ctx, admin, draft):
    done = record_declaration(ctx, admin, draft.id, method="paper", scan=pdf())
    assert done.scan_attachment_id and done.signature_attachment_id is None
    refused(
        ctx,
        ValidationError,
        record_declaration,
        ctx,
        admin,
        draft.id,
        method="paper",
        scan=b"not a scan at all",
    )


def test_the_researcher_does_not_sign_declarations(ctx, admin, draft):
    refused(
        ctx,
        PermissionDeniedError,
        record_declaration,
        ctx,
        as_role(admin, Role.RESEARCHER),
        draft.id,
        method="paper",
    )


def test_the_attested_data_and_its_hash(ctx, admin, family, draft):
    from eskan_desk.models import SupportRequest

    with ctx.store.read() as s:
        req = s.get(SupportRequest, draft.id)
        snap = attested_snapshot(s, family.id, req)
        digest = attested_hash(s, family.id, req)
        assert digest == attested_hash(s, family.id, req) and len(digest) == 64
    assert snap["applicant"]["first_name"] == "فاطمة"
    assert snap["applicant"]["mobile"] == "+966551234567"
    assert snap["request"] == {"type": "rent", "amount": "3500.00"}
    assert snap["members"] == [] and snap["incomes"] == []
