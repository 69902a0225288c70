"""Search latency at 100,000 beneficiaries: the service beside its raw SQL and a LIKE scan."""

from __future__ import annotations

import random
import sqlite3

from bench.common import demo_store, median, pct, time_each
from eskan_desk.app import STORE_FILE
from eskan_desk.domain.arabic import normalize_for_search
from eskan_desk.services.search import search_beneficiaries, search_plan

LIMIT = 50


def _samples(conn: sqlite3.Connection, n: int, rng: random.Random) -> dict[str, list[str]]:
    rows = conn.execute(
        "SELECT first_name, father_name, family_name, national_id, mobile FROM beneficiaries "
        "ORDER BY random() LIMIT ?",
        (n,),
    ).fetchall()
    strip_hamza = str.maketrans("أإآة", "اااه")
    names = [
        f"{f} {fa}".translate(strip_hamza) if i % 2 else f"{f} {fam}"
        for i, (f, fa, fam, _, _) in enumerate(rows)
    ]
    prefixes = [r[0][: rng.choice((2, 3, 4))] for r in rows]
    ids = [r[3] for r in rows]
    forms = (
        lambda m: "0" + m[4:],
        lambda m: m,
        lambda m: f"0{m[4:6]} {m[6:9]} {m[9:]}",
        lambda m: "00" + m[1:],
    )
    mobiles = [forms[i % 4](r[4]) for i, r in enumerate(rows)]
    return {"name": names, "prefix": prefixes, "national ID": ids, "mobile": mobiles}


def _raw(conn: sqlite3.Connection, inputs: list[str]):
    """The same SQL the service runs (FTS5 MATCH or B-tree lookup, same join and columns),
    prepared outside the timing: what SQLite alone costs."""
    plans = {q: search_plan(q) for q in inputs}

    def run(q: str) -> list:
        sql, value = plans[q]
        return conn.execute(sql, (value, LIMIT)).fetchall()

    return run


def _like(conn: sqlite3.Connection, kind: str):
    def run(q: str) -> list:
        if kind in ("name", "prefix"):
            words = normalize_for_search(q).split()
            where = " AND ".join(
                "(first_name || ' ' || father_name || ' ' || grandfather_name "
                "|| ' ' || family_name) LIKE ?"
                for _ in words
            )
            params = [f"%{w}%" for w in words]
        else:
            digits = "".join(ch for ch in q if ch.isdigit())[-9:]
            where, params = "(national_id LIKE ? OR mobile LIKE ?)", [f"%{digits}%"] * 2
        return conn.execute(
            f"SELECT id FROM beneficiaries WHERE {where} LIMIT ?", (*params, LIMIT)
        ).fetchall()

    return run


def run(*, beneficiaries: int, queries: int) -> list[str]:
    ctx, built = demo_store(beneficiaries, 0)
    rng = random.Random(7)
    raw = sqlite3.connect(ctx.data_dir / STORE_FILE)
    samples = _samples(raw, queries, rng)
    lines = [
        f"## Search at {beneficiaries:,} beneficiaries ({queries} queries per kind, limit {LIMIT})",
        "",
    ]
    if built:
        lines.append(f"Demo store built in {built:.1f} s.\n")
    lines += [
        "| kind | service p50 | service p95 | raw SQL p50 | raw SQL p95 | "
        "service/raw p95 | LIKE scan p50 | LIKE scan p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, inputs in samples.items():
        service = time_each(lambda q: search_beneficiaries(ctx, q, limit=LIMIT), inputs)
        fts = time_each(_raw(raw, inputs), inputs)
        like = time_each(_like(raw, kind), inputs[: max(20, len(inputs) // 10)])
        lines.append(
            f"| {kind} | {median(service):.2f} ms | {pct(service, 95):.2f} ms | "
            f"{median(fts):.2f} ms | {pct(fts, 95):.2f} ms | "
            f"{pct(service, 95) / max(pct(fts, 95), 1e-6):.1f}× | "
            f"{median(like):.1f} ms | {pct(like, 95):.1f} ms |"
        )
    raw.close()
    ctx.close()
    lines += [
        "",
        "raw SQL: the service's own statement (FTS5 MATCH for names and prefixes, a B-tree "
        "lookup for IDs and mobiles) on a bare sqlite3 connection to the same file, prepared "
        "outside the timing. Target: service p95 ≤ 5 ms and within 2× of raw.",
    ]
    return lines
