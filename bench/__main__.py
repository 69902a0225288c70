"""Run every benchmark and print one table (also written to bench/results/latest.md)."""

from __future__ import annotations

import argparse
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    print_bench,
    search_bench,
    startup_bench,
    summary_bench,
    sync_bench,
    typing_bench,
)

OUT = Path(__file__).resolve().parent / "results"


def main() -> int:
    p = argparse.ArgumentParser(prog="bench")
    p.add_argument("--beneficiaries", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=400)
    p.add_argument(
        "--sync-contacts",
        type=int,
        default=100_000,
        help="contact changes one branch pushes to HQ in the sync bench (PostgreSQL)",
    )
    p.add_argument(
        "--only",
        choices=("search", "typing", "startup", "print", "summary", "sync"),
        action="append",
        help="run only these benchmarks (repeatable)",
    )
    args = p.parse_args()
    lines = [
        f"# Eskan Desk benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}",
        "",
    ]
    only = set(args.only or ("search", "typing", "startup", "print", "summary", "sync"))
    if "search" in only:
        lines += [*search_bench.run(beneficiaries=args.beneficiaries, queries=args.queries), ""]
    if "typing" in only:
        lines += [*typing_bench.run(beneficiaries=args.beneficiaries, contacts=0), ""]
    if "print" in only:
        lines += [*print_bench.run(), ""]
    if "summary" in only:
        lines += [
            *summary_bench.run(beneficiaries=args.beneficiaries, contacts=args.contacts),
            "",
        ]
    if "sync" in only:  # skipped with a message when PostgreSQL cannot be reached
        lines += [*sync_bench.run(contacts=args.sync_contacts), ""]
    if "startup" in only:
        lines += startup_bench.run(beneficiaries=args.beneficiaries, contacts=args.contacts)
    text = "\n".join(lines)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "latest.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
