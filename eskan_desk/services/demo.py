"""Realistic Saudi demo data: families of Khamis Mushait and Abha and 12 weeks of contacts.

Rows are written in bulk through the raw SQLite connection (100,000 families and 1,000,000
contacts take minutes, not hours) but carry everything an ordinary write carries: HLC versions,
an audit event in the hash chain, an outbox change and the search index entry. Each chunk is one
transaction, so an interrupted run leaves whole families and whole contacts only.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import RIYADH
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.iban import make_iban
from eskan_desk.domain.markers import N_
from eskan_desk.domain.national_id import make_national_id
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.services import demo_catalog as cat
from eskan_desk.services.changes import GENESIS_HASH, audit_hash
from eskan_desk.services.demo_casework import generate_casework
from eskan_desk.services.search_index_writer import index_numbers, index_text
from eskan_desk.services.serialize import canonical_json
from eskan_desk.services.staff import Actor

Progress = Callable[[int, int, str], None]
CHUNK = 5000
MAX_BENEFICIARIES = 1_000_000
MAX_CONTACTS = 10_000_000
WEEKS = 12
DEMO_CACHE_KB = 512 * 1024

CATEGORY_WEIGHTS = {
    "widow": 24,
    "low_income": 24,
    "orphans_family": 12,
    "divorced": 10,
    "elderly": 10,
    "disability": 8,
    "chronic_illness": 5,
    "prisoners_family": 4,
    "abandoned": 3,
}
FEMALE_CATEGORIES = {"widow", "divorced", "abandoned", "orphans_family", "prisoners_family"}
CHANNEL_WEIGHTS = {
    "phone": 36,
    "interview": 24,
    "help_request": 10,
    "social": 9,
    "branch_rep": 8,
    "letter": 5,
    "website": 5,
    "volunteer": 3,
}
TOPIC_WEIGHTS = {
    "inquiry": 30,
    "follow_up": 20,
    "request_status": 14,
    "document_delivery": 10,
    "appointment": 9,
    "complaint": 5,
    "suggestion": 4,
    "thanks": 4,
    "other": 4,
}
PLATFORMS = ("whatsapp", "x", "snapchat", "instagram", "tiktok")
INCOME_KINDS = {
    "social_security": 40,
    "citizen_account": 30,
    "pension": 10,
    "gosi": 5,
    "salary": 10,
    "alimony": 5,
}
INCOME_RANGES = {
    "social_security": (900, 2400),
    "citizen_account": (300, 1600),
    "pension": (1500, 4500),
    "gosi": (1200, 3500),
    "salary": (2500, 5500),
    "alimony": (500, 1500),
}


def _db_time(value: dt.datetime) -> str:
    """SQLAlchemy's SQLite storage format for a UTC datetime (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


class _DemoIds:
    """UUIDv7 ids from the seeded generator, so a seed gives the same ids on the same day."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def at(self, when: dt.datetime) -> str:
        ms = int(when.timestamp() * 1000)
        rand = self.rng.getrandbits(74)
        value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62)
        value |= rand & ((1 << 62) - 1)
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class _Writer:
    """Appends rows with their audit event and outbox change, keeping the hash chain."""

    conn: Any
    ctx: AppContext
    actor: Actor
    ids: _DemoIds
    prev_hash: str

    def __post_init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.audit: list[tuple[Any, ...]] = []
        self.outbox: list[tuple[Any, ...]] = []
        self.fts: list[tuple[str, str, str]] = []
        self.columns: dict[str, tuple[str, ...]] = {}

    def add(self, table: str, row: dict[str, Any], *, action: str, when: dt.datetime) -> None:
        version = self.ctx.recorder.clock.now()
        row.update(
            branch_id=self.actor.branch_id,
            created_at=when,
            updated_at=when,
            created_by=self.actor.staff_id,
            updated_by=self.actor.staff_id,
            version=version,
            deleted_at=None,
        )
        cols = self.columns.setdefault(table, tuple(row))
        self.rows.setdefault(table, []).append(tuple(_db(row[c]) for c in cols))
        body = {
            "id": self.ids.at(when),
            "branch_id": self.actor.branch_id,
            "at": when,
            "actor_id": self.actor.staff_id,
            "action": action,
            "entity": table,
            "entity_id": row["id"],
            "details": {"demo": True},
        }
        digest = audit_hash(self.prev_hash, body)
        self.audit.append(
            (
                body["id"],
                body["branch_id"],
                _db_time(when),
                body["actor_id"],
                action,
                table,
                row["id"],
                json.dumps(body["details"]),
                self.prev_hash,
                digest,
            )
        )
        self.prev_hash = digest
        self.outbox.append(
            (
                self.ids.at(when),
                table,
                row["id"],
                "upsert",
                version,
                canonical_json(row),
                None,
                _db_time(when),
            )
        )

    def flush(self) -> None:
        cur = self.conn
        for table, rows in self.rows.items():
            cols = self.columns[table]
            cur.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                rows,
            )
        cur.executemany(
            "INSERT INTO audit_events (id, branch_id, at, actor_id, action, entity, entity_id, "
            "details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            self.audit,
        )
        cur.executemany(
            "INSERT INTO sync_outbox (change_id, entity, entity_id, op, version, payload, "
            "base_version, created_at) VALUES (?,?,?,?,?,?,?,?)",
            self.outbox,
        )
        for ben_id, name, numbers in self.fts:
            cur.execute("INSERT INTO fts_beneficiary_keys(beneficiary_id) VALUES (?)", (ben_id,))
            cur.execute(
                "INSERT INTO fts_beneficiary(rowid, name, numbers) "
                "VALUES (last_insert_rowid(), ?, ?)",
                (name, numbers),
            )
        self.rows.clear()
        self.audit.clear()
        self.outbox.clear()
        self.fts.clear()


def _db(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _db_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def generate_demo(
    ctx: AppContext,
    actor: Actor,
    *,
    beneficiaries: int,
    contacts: int,
    seed: int = 2111,
    progress: Progress | None = None,
    casework: bool = True,
) -> dict[str, Any]:
    """Add ``beneficiaries`` families and ``contacts`` contacts over the last 12 weeks.

    With ``casework`` (and new families), ``services.demo_casework`` then adds support requests,
    referrals, surveys and feedback on them through the real use cases.

    Raises:
        ValidationError: a count out of range.
    """
    authorize(actor.role, Action.GENERATE_DEMO)
    if not 0 <= beneficiaries <= MAX_BENEFICIARIES:
        raise ValidationError(
            "beneficiaries", N_("must be between 0 and {max}"), {"max": MAX_BENEFICIARIES}
        )
    if not 0 <= contacts <= MAX_CONTACTS:
        raise ValidationError("contacts", N_("must be between 0 and {max}"), {"max": MAX_CONTACTS})
    started = time.perf_counter()
    rng = random.Random(seed)
    # Ids differ per branch for the same seed: two demo branches syncing to one HQ never share one.
    ids = _DemoIds(random.Random(f"{seed}:{actor.branch_id}"))
    now = ctx.now()
    raw = ctx.store.engine.raw_connection()
    try:
        conn = raw.driver_connection
        # Random-order inserts into large indexes: give SQLite room to keep them in memory.
        conn.execute(f"PRAGMA cache_size = -{DEMO_CACHE_KB}")
        prev = conn.execute("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
        writer = _Writer(conn, ctx, actor, ids, prev[0] if prev else GENESIS_HASH)
        ben_ids = _families(conn, writer, rng, now, beneficiaries, progress)
        _contacts(conn, writer, rng, now, contacts, ben_ids, progress)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT OR REPLACE INTO sync_state(key, value) VALUES ('hlc', ?)",
            (str(ctx.recorder.clock.now()),),
        )
        conn.execute("COMMIT")
    finally:
        raw.close()
    result: dict[str, Any] = {"beneficiaries": beneficiaries, "contacts": contacts, "seed": seed}
    if casework and beneficiaries > 0:
        result["casework"] = generate_casework(
            ctx, actor, families=ben_ids, seed=seed, now=now, progress=progress
        )
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def _chunks(total: int) -> Iterator[range]:
    for start in range(0, total, CHUNK):
        yield range(start, min(total, start + CHUNK))


def _families(
    conn: Any, w: _Writer, rng: random.Random, now: dt.datetime, n: int, progress: Progress | None
) -> list[str]:
    if n == 0:
        return _existing_ids(conn)
    year = now.astimezone(RIYADH).year
    conn.execute("BEGIN IMMEDIATE")
    row = conn.execute(
        "SELECT last_value FROM counters WHERE branch_id=? AND kind='file' AND year=?",
        (w.actor.branch_id, year),
    ).fetchone()
    first_no = (row[0] if row else 0) + 1
    conn.execute(
        "INSERT OR REPLACE INTO counters(branch_id, kind, year, last_value) "
        "VALUES (?, 'file', ?, ?)",
        (w.actor.branch_id, year, first_no + n - 1),
    )
    conn.execute("COMMIT")
    taken = {r[0] for r in conn.execute("SELECT national_id FROM beneficiaries")}
    bodies = rng.sample(range(10_000_000, 100_000_000), n + len(taken) + 10)
    out: list[str] = []
    body_iter = iter(bodies)
    for chunk in _chunks(n):
        conn.execute("BEGIN IMMEDIATE")
        for i in chunk:
            out.append(
                _family(
                    w,
                    rng,
                    now,
                    f"{w.actor.branch_code}-{year}-{first_no + i:06d}",
                    body_iter,
                    taken,
                )
            )
        w.flush()
        conn.execute("COMMIT")
        if progress:
            progress(chunk.stop, n, "beneficiaries")
    return out


def _existing_ids(conn: Any) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM beneficiaries WHERE deleted_at IS NULL")]


def _family(
    w: _Writer,
    rng: random.Random,
    now: dt.datetime,
    file_no: str,
    bodies: Iterator[int],
    taken: set[str],
) -> str:
    category = _pick(rng, CATEGORY_WEIGHTS)
    female = category in FEMALE_CATEGORIES or rng.random() < 0.25
    citizen = rng.random() < 0.9
    nid = make_national_id("1" if citizen else "2", str(next(bodies)))
    while nid in taken:
        nid = make_national_id("1" if citizen else "2", str(next(bodies)))
    taken.add(nid)
    created = now - dt.timedelta(days=rng.uniform(0, 7 * 104))
    ben_id = w.ids.at(created)
    first = rng.choice(cat.FEMALE_FIRST_NAMES if female else cat.MALE_FIRST_NAMES)
    father, grandfather = rng.choice(cat.MALE_FIRST_NAMES), rng.choice(cat.MALE_FIRST_NAMES)
    family = rng.choice(cat.FAMILY_NAMES)
    city, districts, _weight = rng.choices(cat.CITIES, weights=[c[2] for c in cat.CITIES])[0]
    age = rng.randint(60 if category == "elderly" else 24, 85 if category == "elderly" else 64)
    year_only = rng.random() < 0.3
    birth = dt.date(
        now.year - age,
        7 if year_only else rng.randint(1, 12),
        1 if year_only else rng.randint(1, 28),
    )
    rented = rng.random() < 0.62
    verified = rng.random() < 0.7
    mobile = "+9665" + rng.choice("0345689") + f"{rng.randrange(10**7):07d}"
    row = {
        "id": ben_id,
        "file_no": file_no,
        "national_id": nid,
        "first_name": first,
        "father_name": father,
        "grandfather_name": grandfather,
        "family_name": family,
        "gender": "f" if female else "m",
        "birth_date": birth,
        "birth_calendar": "hijri" if year_only else "gregorian",
        "birth_precision": "year" if year_only else "day",
        "mobile": mobile,
        "marital_status": {
            "widow": "widowed",
            "divorced": "divorced",
            "abandoned": "abandoned",
        }.get(category, "married"),
        "category": category,
        "need_tier": rng.choice("AABBBC"),
        "building_no": f"{rng.randint(1000, 9999)}",
        "street": rng.choice(cat.STREETS),
        "district": rng.choice(districts),
        "city": city,
        "postal_code": rng.choice(cat.POSTAL_CODE_PREFIXES[city]) + f"{rng.randint(0, 99):02d}",
        "additional_no": f"{rng.randint(1000, 9999)}",
        "unit_no": None,
        "short_address": "".join(rng.choice("ABDEHKMRSTW") for _ in range(4))
        + f"{rng.randint(1000, 9999)}",
        "iban": _iban(rng) if rng.random() < 0.75 else None,
        "housing_type": "rented" if rented else rng.choice(("owned", "relatives")),
        "rent_amount": Decimal(rng.randrange(9000, 30000, 500)) if rented else None,
        "ejar_no": f"{rng.randint(10**10, 10**11 - 1)}" if rented else None,
        "rooms": rng.randint(1, 6),
        "building_condition": rng.choice(("good", "fair", "fair", "poor", "unsafe")),
        "has_arrears": rented and rng.random() < 0.2,
        "notes": None,
        "registration_status": "complete" if verified else "incomplete",
        "verified_by": w.actor.staff_id if verified else None,
        "verified_at": created + dt.timedelta(days=1) if verified else None,
    }
    w.add("beneficiaries", row, action="beneficiary.register", when=created)
    for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6))):
        son = rng.random() < 0.5
        name = rng.choice(cat.MALE_FIRST_NAMES if son else cat.FEMALE_FIRST_NAMES)
        w.add(
            "household_members",
            {
                "id": w.ids.at(created),
                "beneficiary_id": ben_id,
                "name": name,
                "national_id": None,
                "relation": "son" if son else "daughter",
                "gender": "m" if son else "f",
                "birth_date": dt.date(now.year - rng.randint(1, 22), rng.randint(1, 12), 1),
                "occupation": rng.choice(("student", "student", "none", "unemployed")),
                "has_disability": rng.random() < 0.05,
                "has_chronic_illness": rng.random() < 0.07,
            },
            action="member.add",
            when=created,
        )
    for kind in dict.fromkeys(_pick(rng, INCOME_KINDS) for _ in range(rng.randint(1, 2))):
        low, high = INCOME_RANGES[kind]
        w.add(
            "income_sources",
            {
                "id": w.ids.at(created),
                "beneficiary_id": ben_id,
                "kind": kind,
                "monthly_amount": Decimal(rng.randrange(low, high, 50)),
            },
            action="income.add",
            when=created,
        )
    w.fts.append(
        (
            ben_id,
            index_text(first, father, grandfather, family),
            index_numbers(nid, mobile, file_no),
        )
    )
    return ben_id


def _iban(rng: random.Random) -> str:
    banks = cat.SAUDI_BANK_CODES
    code = rng.choices(banks, weights=[b[3] for b in banks])[0][0]
    return make_iban(code, f"{rng.randrange(10**18):018d}")


def _contact_time(rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A working-hours moment (Sunday–Thursday, 8:00–16:00 Riyadh) in the last 12 weeks."""
    local_now = now.astimezone(RIYADH)
    while True:
        day = local_now.date() - dt.timedelta(days=rng.randrange(WEEKS * 7))
        if day.weekday() in (4, 5) and rng.random() < 0.9:  # Friday, Saturday: rare
            continue
        moment = dt.datetime.combine(day, dt.time(8), RIYADH) + dt.timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        if moment <= local_now:
            return moment.astimezone(dt.UTC)


def _contacts(
    conn: Any,
    w: _Writer,
    rng: random.Random,
    now: dt.datetime,
    n: int,
    ben_ids: list[str],
    progress: Progress | None,
) -> None:
    if n and not ben_ids:
        ben_ids = _existing_ids(conn)
    today = now.astimezone(RIYADH).date()
    for chunk in _chunks(n):
        conn.execute("BEGIN IMMEDIATE")
        for _ in chunk:
            at = _contact_time(rng, now)
            w.add("contacts", _contact(w, rng, at, today, ben_ids), action="contact.log", when=at)
        w.flush()
        conn.execute("COMMIT")
        if progress:
            progress(chunk.stop, n, "contacts")


def _contact(
    w: _Writer, rng: random.Random, at: dt.datetime, today: dt.date, ben_ids: list[str]
) -> dict[str, Any]:
    channel = _pick(rng, CHANNEL_WEIGHTS)
    topic = _pick(rng, TOPIC_WEIGHTS)
    anonymous = not ben_ids or rng.random() < 0.05
    follow_up = None
    if rng.random() < 0.15:
        follow_up = at.astimezone(RIYADH).date() + dt.timedelta(days=rng.randint(1, 14))
    done = follow_up is not None and follow_up < today and rng.random() < 0.8
    return {
        "id": w.ids.at(at),
        "beneficiary_id": None if anonymous else rng.choice(ben_ids),
        "channel": channel,
        "direction": "out"
        if rng.random() < (0.4 if channel in ("phone", "letter") else 0.1)
        else "in",
        "at": at,
        "staff_id": w.actor.staff_id,
        "topic": topic,
        "summary": rng.choice(cat.CONTACT_SUMMARIES[topic]),
        "outcome": rng.choice(cat.CONTACT_OUTCOMES),
        "follow_up_on": follow_up,
        "follow_up_done_at": at + dt.timedelta(days=2) if done else None,
        "caller_name": (rng.choice(cat.MALE_FIRST_NAMES) + " " + rng.choice(cat.FAMILY_NAMES))
        if anonymous
        else None,
        "caller_mobile": None,
        "call_duration_s": rng.randint(45, 900) if channel == "phone" else None,
        "visit_location": rng.choice(cat.VISIT_LOCATIONS)
        if channel in ("interview", "branch_rep")
        else None,
        "letter_ref": f"{rng.randint(1440, 1448)}/{rng.randint(1, 9999)}"
        if channel == "letter"
        else None,
        "letter_date": (at.astimezone(RIYADH).date() - dt.timedelta(days=rng.randint(0, 10)))
        if channel == "letter"
        else None,
        "social_platform": rng.choice(PLATFORMS) if channel == "social" else None,
        "back_entered": False,
    }
