"""``eskan-hq summary``: the weekly summary of all branches, on a real HQ filled by real sync.

Two branch stores (KMS and ABH) are built through the services (the known week and demo data),
enrolled with a real one-time code and synced to HQ through the real sync code; then
``eskan-hq summary`` must find, over HQ's rows, exactly the sum of the two branches' own
summaries, and each branch's own figures on its line. HQ is a SQLite file, and also a new
PostgreSQL database when ``ESKAN_TEST_PG_URL`` is set.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from eskan_desk import cli_hq, i18n
from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.domain.enums import Role
from eskan_desk.domain.national_id import make_national_id
from eskan_desk.reports import rows
from eskan_desk.reports.hq_summary import compute_hq_summary
from eskan_desk.reports.summary import (
    WeeklySummary,
    compute_figures,
    compute_summary,
    summary_window,
)
from eskan_desk.services.beneficiaries import register_beneficiary, verify_beneficiary_data
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.demo import generate_demo
from eskan_desk.services.feedback import record_feedback
from eskan_desk.services.requests import move_request, record_decision, submit_request
from eskan_desk.services.staff import current_branch, initialize_store, resolve_actor
from eskan_desk.services.surveys import record_paper_survey
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.transport import LocalTransport
from tests.sync.conftest import pg_database

from ..conftest import ADMIN_PASSWORD, FrozenClock
from ..printing.conftest import page_count, pdf_text
from ..services.helpers import applicant
from ..services.request_helpers import as_role, receive_all, signed_draft
from .known_week import NOW, SATURDAY, SUNDAY, WEEK, riyadh

PG_ENV = "ESKAN_TEST_PG_URL"
BRANCHES = {"KMS": "فرع خميس مشيط", "ABH": "فرع أبها"}


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


# Building ----------------------------------------------------------------------------------------
def _work_in_the_week(ctx: AppContext, clock: FrozenClock, files: int, body: int) -> None:
    """Through the services (so every row enters the outbox): a request before the committee
    since 1 November decided on Tuesday 17, and ``files`` new families in the week, each with a
    call, a paper survey and a suggestion; the first one's request submitted on Monday 16."""
    admin = resolve_actor(ctx, "admin")

    def family(n: int):
        data = applicant(
            national_id=make_national_id("1", f"{body + n:08d}"),
            mobile=f"0559{body % 1000:03d}{n:03d}",
            short_address="RRRD2929",
        )
        return verify_beneficiary_data(ctx, admin, register_beneficiary(ctx, admin, data).id)

    clock.value = riyadh("2026-11-01T09:00")
    older = family(0)
    waiting = signed_draft(ctx, admin, older.id)
    submit_request(ctx, admin, waiting.id)
    receive_all(ctx, admin, waiting)
    move_request(ctx, admin, waiting.id, "in_committee")
    new = []
    for n in range(1, files + 1):
        clock.value = riyadh(f"2026-11-{14 + n:02d}T10:00")
        ben = family(n)
        new.append(ben)
        call = log_contact(
            ctx,
            admin,
            ContactInput(
                channel="phone", summary="استفسار", beneficiary_id=ben.id, follow_up_on="2026-11-20"
            ),
        )
        record_paper_survey(
            ctx, admin, courtesy=5, speed=4, clarity=5, overall=3 + n % 3, contact_id=call.id
        )
        record_feedback(
            ctx, admin, kind="suggestion", channel="phone", text="اقتراح", beneficiary_id=ben.id
        )
    clock.value = riyadh("2026-11-16T12:00")
    submit_request(ctx, admin, signed_draft(ctx, admin, new[0].id).id)
    clock.value = riyadh("2026-11-17T10:00")
    committee = as_role(admin, Role.COMMITTEE)
    record_decision(ctx, committee, waiting.id, outcome="accepted", reason="الحالة مستحقة")
    clock.value = riyadh(NOW)


def _build_branch(path: Path, code: str) -> None:
    """A branch store: 12 weeks of demo data (with casework), then its own week's work."""
    clock = FrozenClock(riyadh(NOW))
    ctx = open_context(path, now=clock)
    try:
        initialize_store(
            ctx,
            branch_code=code,
            branch_name=BRANCHES[code],
            admin_username="admin",
            admin_password=ADMIN_PASSWORD,
            admin_full_name="مدير النظام",
        )
        admin = resolve_actor(ctx, "admin")
        kms = code == "KMS"
        generate_demo(
            ctx, admin, beneficiaries=30, contacts=250 if kms else 400, seed=11 if kms else 12
        )
        _work_in_the_week(ctx, clock, files=2 if kms else 4, body=77000000 if kms else 88000000)
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def branch_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two branch stores, built once, never enrolled: each backend syncs copies."""
    out = {}
    for code in BRANCHES:
        path = tmp_path_factory.mktemp(f"hq-summary-{code}")
        _build_branch(path, code)
        out[code] = path
    return out


_pg_database = contextmanager(lambda: pg_database("eskan_hq_summary"))


@dataclass(frozen=True)
class Synced:
    url: str  # the HQ database
    branches: dict[str, WeeklySummary]  # each branch's own summary of the week, by code
    branch_ids: dict[str, str]


def _sync_copies(templates: dict[str, Path], url: str, root: Path) -> Synced:
    hq = HQ.open(url)
    summaries, ids = {}, {}
    try:
        for code, template in templates.items():
            dest = root / code
            dest.mkdir(parents=True)
            shutil.copy(template / STORE_FILE, dest / STORE_FILE)
            ctx: AppContext = open_context(dest, create=False, now=FrozenClock(riyadh(NOW)))
            try:
                client = SyncClient(ctx, LocalTransport(hq))
                client.enroll("local", hq.issue_code(code))
                result = client.sync()
                assert result.changes > 0 and result.conflicts == 0
                assert client.status().pending == 0
                summaries[code] = compute_summary(ctx, WEEK)
                ids[code] = current_branch(ctx).id
            finally:
                ctx.close()
        # A second round: each branch pulls the other's directory row; nothing more to push.
        for code in templates:
            ctx = open_context(root / code, create=False, now=FrozenClock(riyadh(NOW)))
            try:
                SyncClient(ctx, LocalTransport(hq)).sync()
                assert compute_summary(ctx, WEEK).to_json() | {"generated_at": ""} == (
                    summaries[code].to_json() | {"generated_at": ""}
                )
            finally:
                ctx.close()
    finally:
        hq.dispose()
    return Synced(url=url, branches=summaries, branch_ids=ids)


@pytest.fixture(scope="module", params=_backends())
def synced(
    request: pytest.FixtureRequest,
    branch_templates: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Synced]:
    """HQ (SQLite, or a new PostgreSQL database) holding both branches, pushed by real sync."""
    root = tmp_path_factory.mktemp(f"hq-summary-{request.param}")
    if request.param == "sqlite":
        yield _sync_copies(branch_templates, f"sqlite+pysqlite:///{root / 'hq.sqlite3'}", root)
        return
    with _pg_database() as url:
        yield _sync_copies(branch_templates, url, root)


def hq_cli(synced: Synced, *args: str) -> int:
    return cli_hq.main(["--database-url", synced.url, *args])


def hq_json(synced: Synced, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert hq_cli(synced, "summary", "--week", "2026-11-18", "--format", "json", "--out", "-") == 0
    return json.loads(capsys.readouterr().out)


# Figures -----------------------------------------------------------------------------------------
def _add(*dicts: dict) -> dict:
    """Key-wise sum of nested dicts of counts."""
    out: dict = {}
    for d in dicts:
        for key, value in d.items():
            if isinstance(value, dict):
                out[key] = _add(out.get(key, {}), value)
            else:
                out[key] = out.get(key, 0) + value
    return out


def test_the_totals_are_the_sum_of_the_branches(synced, capsys):
    data = hq_json(synced, capsys)
    kms, abh = synced.branches["KMS"], synced.branches["ABH"]
    both = (kms, abh)
    assert (data["week_start"], data["week_end"]) == (SUNDAY.isoformat(), SATURDAY.isoformat())
    assert data["complete"] is True and data["all_branches"] is True and data["branch"] is None
    # The contract's fields.
    assert data["contacts_total"] == kms.contacts.total + abh.contacts.total
    assert data["contacts_by_channel"] == _add(*(s.contacts.by_channel for s in both))
    assert list(data["contacts_by_channel"]) == list(kms.contacts.by_channel)
    assert data["new_beneficiaries"] == kms.registrations.new_files + abh.registrations.new_files
    assert data["requests_submitted"] == kms.requests.submitted + abh.requests.submitted
    assert data["decisions_made"] == kms.requests.decisions + abh.requests.decisions
    sat = data["satisfaction"]
    responses = [s.satisfaction.responses for s in both]
    assert sat["responses"] == sum(responses)
    weighted = sum(s.satisfaction.overall_avg * s.satisfaction.responses for s in both)
    assert sat["overall_avg"] == pytest.approx(weighted / sum(responses), abs=0.005)
    # Every other count adds up too.
    for section in ("contacts", "registrations", "requests", "referrals", "feedback"):
        expected = _add(*(dataclasses.asdict(getattr(s, section)) for s in both))
        assert data[section] == expected, section
    assert data["follow_ups"] == _add(*(dataclasses.asdict(s.follow_ups) for s in both))
    assert sat["offers"] == sum(s.satisfaction.offers for s in both)
    # The week has something in every figure the contract names, so the sums mean something.
    assert data["contacts_total"] > 20 and data["new_beneficiaries"] >= 6
    assert data["requests_submitted"] >= 2 and data["decisions_made"] >= 2
    assert sat["responses"] >= 6


def test_each_branch_has_its_own_line(synced, capsys):
    data = hq_json(synced, capsys)
    assert [b["code"] for b in data["branches"]] == ["ABH", "KMS"]  # by code
    for line in data["branches"]:
        own = synced.branches[line["code"]]
        assert line == {
            "code": own.branch_code,
            "name": own.branch_name,
            "contacts_total": own.contacts.total,
            "new_beneficiaries": own.registrations.new_files,
            "requests_submitted": own.requests.submitted,
            "decisions_made": own.requests.decisions,
        }
    lines = {b["code"]: b for b in data["branches"]}
    assert lines["ABH"]["new_beneficiaries"] >= lines["KMS"]["new_beneficiaries"] + 2
    for key in ("contacts_total", "new_beneficiaries", "requests_submitted", "decisions_made"):
        assert sum(b[key] for b in data["branches"]) == data[key]


def test_every_figure_of_a_branch_at_hq_is_the_branch_own(synced):
    """The branch filter on every query: HQ's rows of one branch give that branch's summary."""
    hq = HQ.open(synced.url)
    try:
        window = summary_window(WEEK, now=riyadh(NOW))
        for code, own in synced.branches.items():
            with Session(hq.engine) as session, session.begin():
                figures = compute_figures(session, window, synced.branch_ids[code])
            for name, value in figures.items():
                assert value == getattr(own, name), (code, name)
    finally:
        hq.dispose()


def test_workload_names_carry_their_branch(synced):
    hq = HQ.open(synced.url)
    try:
        s = compute_hq_summary(hq.engine, WEEK, now=riyadh(NOW))
    finally:
        hq.dispose()
    names = [w.name for w in s.workload if w.staff_id]
    assert "مدير النظام · KMS" in names and "مدير النظام · ABH" in names
    assert sum(w.contacts for w in s.workload) == s.contacts.total
    assert sum(w.files_registered for w in s.workload) == s.registrations.new_files
    assert sum(w.requests_submitted for w in s.workload) == s.requests.submitted


# Files -------------------------------------------------------------------------------------------
def write(synced: Synced, tmp_path: Path, fmt: str, *more: str) -> bytes:
    out = tmp_path / f"all.{fmt}"
    assert (
        hq_cli(synced, "summary", "--week", "2026-11-18", "--format", fmt, "--out", str(out), *more)
        == 0
    )
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind
    return out.read_bytes()


def test_pdf_says_all_branches_and_has_the_branch_table(synced, tmp_path, capsys):
    pdf = write(synced, tmp_path, "pdf")
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 2
    flat = " ".join(pdf_text(pdf).split())
    assert " ".join(i18n.gettext(rows.TITLE_ALL_BRANCHES).split()) in flat
    assert "جمعية الإسكان والتنمية بخميس مشيط" in flat
    assert "فرع خميس مشيط · KMS" in flat and "فرع أبها · ABH" in flat
    assert "15 نوفمبر 2026" in flat and "21 نوفمبر 2026" in flat
    kms, abh = synced.branches["KMS"], synced.branches["ABH"]
    for figure in (kms.contacts.total, abh.contacts.total, kms.contacts.total + abh.contacts.total):
        assert f"{figure:,}" in flat
    assert str(tmp_path / "all.pdf") in capsys.readouterr().out  # "Written: ..."


def test_xlsx_has_a_sheet_of_branches_with_numbers(synced, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(write(synced, tmp_path, "xlsx")))
    title = i18n.gettext(rows.TITLE_ALL_BRANCHES)
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    assert all(title in ws["A2"].value for ws in wb.worksheets)
    assert wb.properties.title.startswith(title)
    ws = wb[i18n.gettext("Branches")]
    lines = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] is None:
            break
        lines[row[0]] = row[1:]
    kms, abh = synced.branches["KMS"], synced.branches["ABH"]
    assert lines["فرع خميس مشيط · KMS"] == (
        kms.contacts.total,
        kms.registrations.new_files,
        kms.requests.submitted,
        kms.requests.decisions,
    )
    assert lines[i18n.gettext("Total")][0] == kms.contacts.total + abh.contacts.total
    about = {r[0]: r[1] for r in wb.worksheets[0].iter_rows(min_row=5, values_only=True) if r[0]}
    assert about[i18n.gettext("Branch")] == i18n.gettext(rows.ALL_BRANCHES)


def test_csv_has_the_branch_lines(synced, tmp_path):
    data = write(synced, tmp_path, "csv")
    assert data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    got = {
        (r["item_id"], r["measure_id"]): int(r[i18n.gettext("Value")])
        for r in table
        if r["section_id"] == "branches"
    }
    for code, own in synced.branches.items():
        assert got[(code, "contacts_total")] == own.contacts.total
        assert got[(code, "new_beneficiaries")] == own.registrations.new_files
        assert got[(code, "requests_submitted")] == own.requests.submitted
        assert got[(code, "decisions_made")] == own.requests.decisions
    assert got[("total", "contacts_total")] == sum(
        s.contacts.total for s in synced.branches.values()
    )


def test_json_file_and_the_json_flag(synced, tmp_path, capsys):
    capsys.readouterr()
    data = json.loads(write(synced, tmp_path, "json", "--json"))
    said = json.loads(capsys.readouterr().out)
    assert said["format"] == "json" and said["branches"] == 2 and said["week_start"] == "2026-11-15"
    assert len(data["branches"]) == 2


# Refusals ----------------------------------------------------------------------------------------
def test_refusals_leave_nothing_behind(synced, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert (
        hq_cli(synced, "summary", "--week", "2099-01-01", "--format", "pdf", "--out", str(out)) == 1
    )
    assert hq_cli(synced, "summary", "--week", "18/11", "--format", "pdf", "--out", str(out)) == 1
    assert hq_cli(synced, "summary", "--week", "2026-11-18", "--format", "pdf", "--out", "-") == 1
    missing = tmp_path / "no-such-folder" / "x.pdf"
    assert (
        hq_cli(synced, "summary", "--week", "2026-11-18", "--format", "pdf", "--out", str(missing))
        == 1
    )
    assert list(tmp_path.iterdir()) == []
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(err)  # one line each, naming the field and the rule
    with pytest.raises(SystemExit) as exc:
        hq_cli(synced, "summary", "--week", "2026-11-18", "--format", "docx", "--out", str(out))
    assert exc.value.code == 2


def test_an_hq_with_no_branch_yet_gives_zeros(tmp_path, capsys):
    url = f"sqlite+pysqlite:///{tmp_path / 'empty.sqlite3'}"
    HQ.open(url).dispose()  # a new HQ, as its first serve or enroll leaves it
    args = ["--database-url", url, "summary", "--week", "2026-11-18", "--format", "json"]
    assert cli_hq.main([*args, "--out", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["contacts_total"] == 0 and data["branches"] == []
    assert data["satisfaction"]["overall_avg"] is None
    pdf = tmp_path / "empty.pdf"
    assert cli_hq.main([*args[:-1], "pdf", "--out", str(pdf)]) == 0
    assert "—" in pdf_text(pdf.read_bytes())
