"""The weekly summary at 100,000 beneficiaries and 1,000,000 contacts.

Times :func:`compute_summary` for the most recent full week of the demo data beside one aggregate
``SELECT channel, count(*) FROM contacts WHERE at >= ? AND at < ? GROUP BY channel`` over the same
file, in the same run (the floor any summary of that week pays), then each export.
Targets: compute <= 300 ms; each export <= 2 s.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from bench.common import demo_store
from eskan_desk.domain.dates import riyadh_today, to_riyadh
from eskan_desk.models import Contact
from eskan_desk.reports.export import FORMATS, export_summary
from eskan_desk.reports.summary import compute_summary, last_full_week
from eskan_desk.services.dashboard import week_utc_range

RUNS = 7
COMPUTE_TARGET_MS = 300.0
EXPORT_TARGET_MS = 2000.0


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: page cache, statement cache, fonts
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def run(*, beneficiaries: int = 100_000, contacts: int = 1_000_000, runs: int = RUNS) -> list[str]:
    """Time the summary and its exports; return the result as markdown lines."""
    ctx, built = demo_store(beneficiaries, contacts)
    try:
        with ctx.store.read() as session:
            newest = session.execute(select(func.max(Contact.at))).scalar_one()
        week = last_full_week(riyadh_today(newest or ctx.now()))
        start, end = week_utc_range(week)
        one_select = (
            select(Contact.channel, func.count())
            .where(Contact.at >= start, Contact.at < end)
            .group_by(Contact.channel)
        )

        def aggregate() -> object:
            with ctx.store.read() as session:
                return session.execute(one_select).all()

        summary = compute_summary(ctx, week)
        compute_ms = _median_ms(lambda: compute_summary(ctx, week), runs)
        select_ms = _median_ms(aggregate, runs)
        export_ms = {}
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in FORMATS:
                out = Path(tmp) / f"summary.{fmt}"
                export_ms[fmt] = _median_ms(
                    lambda f=fmt, o=out: export_summary(ctx, week, f, o, summary=summary), runs
                )
    finally:
        ctx.close()
    ok = compute_ms <= COMPUTE_TARGET_MS and max(export_ms.values()) <= EXPORT_TARGET_MS
    lines = [
        f"## Weekly summary at {beneficiaries:,} beneficiaries and {contacts:,} contacts "
        f"({runs} runs each, median)",
        "",
        f"Week of {week.isoformat()} (Riyadh; the last full week of the data, newest contact "
        f"{to_riyadh(newest):%Y-%m-%d %H:%M}): {summary.contacts.total:,} contacts, "
        f"{summary.registrations.new_files:,} new files, "
        f"{summary.follow_ups.due:,} follow-ups due."
        if newest
        else f"Week of {week.isoformat()}: no contacts.",
        *([f"Demo store built in {built:.0f} s."] if built else []),
        "",
        "| step | median ms | target |",
        "|---|---:|---:|",
        f"| one aggregate SELECT by channel over the week | {select_ms:.1f} | |",
        f"| compute_summary (every section, one read transaction) | {compute_ms:.1f} "
        f"| <= {COMPUTE_TARGET_MS:.0f} |",
        *(
            f"| export {fmt} (render and write; figures already computed) | {ms:.1f} "
            f"| <= {EXPORT_TARGET_MS:.0f} |"
            for fmt, ms in export_ms.items()
        ),
        "",
        f"compute_summary = {compute_ms / select_ms:.1f}x the single SELECT; targets "
        f"{'met' if ok else 'NOT met'}.",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
