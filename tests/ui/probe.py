"""Run a Qt script in a Python process of its own and read what it reports.

For what must not share the test process's QApplication: a first start (PySide6's one-time
work), or ``QApplication.exec()`` and its quit.
"""

from __future__ import annotations

import json
import subprocess
import sys


def run_probe(script: str, *args: str, timeout: float = 120) -> dict:
    """Run ``script`` with ``args``; its last line of output is a JSON object, returned."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
