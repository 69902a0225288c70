"""Printing: a signed declaration (4 household members) beside a one-line Arabic page.

Both go through the same path (arabic-reshaper, the rlbidi shim, Amiri), in the same run, so
the ratio says what the declaration's layout costs over ReportLab's fixed overhead.
Targets: median <= 50 ms, and <= 3x the one-line page.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

from eskan_desk.printing.arabic import markup, style
from eskan_desk.printing.declaration import render_declaration

RUNS = 30
TARGET_MS = 50.0
TARGET_RATIO = 3.0


def _one_line_page() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(
        [Paragraph(markup("جمعية الإسكان والتنمية بخميس مشيط"), style(True, 12))]
    )
    return out.getvalue()


def _median_ms(fn: Callable[[], bytes], runs: int) -> float:
    fn()  # warm-up: font registration, caches
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def run(runs: int = RUNS) -> list[str]:
    """Time both documents and return the result as markdown lines."""
    from tests.printing.conftest import declaration  # the tests' sample: 4 members, signed

    doc = declaration(signed=True)
    assert len(doc.person.members) == 4 and doc.signature_png
    decl = _median_ms(lambda: render_declaration(doc), runs)
    line = _median_ms(_one_line_page, runs)
    ratio = decl / line
    ok = decl <= TARGET_MS and ratio <= TARGET_RATIO
    return [
        f"## Printing ({runs} runs each, median)",
        "",
        "| document | median ms |",
        "|---|---:|",
        f"| declaration, signed, 4 household members | {decl:.1f} |",
        f"| one-page ReportLab document, one Arabic line | {line:.1f} |",
        "",
        f"Ratio {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x); declaration target <= "
        f"{TARGET_MS:.0f} ms: {'met' if ok else 'NOT met'}.",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
