"""The layers of DESIGN.md, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eskan_desk"

# layer -> packages of eskan_desk it must never import
FORBIDDEN = {
    "domain": {"models", "services", "sync", "printing", "reports", "ui", "app", "cli", "i18n"},
    "models": {"services", "sync", "printing", "reports", "ui", "app", "cli"},
    "services": {"ui", "cli", "sync"},
    "sync": {"ui", "cli"},
    "printing": {"ui", "cli"},
    "reports": {"ui", "cli"},
    "ui": {"models"},
    # The quick start reads the store with sqlite3 alone, before anything else is loaded.
    "boot.py": {"domain", "models", "services", "sync", "printing", "reports", "ui", "app", "cli"},
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules():
    for path in PACKAGE.rglob("*.py"):
        yield path, path.relative_to(PACKAGE).parts


def test_only_the_ui_imports_qt():
    leaks = [
        str(p)
        for p, parts in modules()
        if parts[0] != "ui" and any(n.split(".")[0] in {"PySide6", "shiboken6"} for n in imports(p))
    ]
    assert leaks == []


def test_layers_import_only_downwards():
    broken = []
    for path, parts in modules():
        layer = parts[0]
        for name in imports(path):
            if not name.startswith("eskan_desk."):
                continue
            target = name.split(".")[1]
            if target in FORBIDDEN.get(layer, set()):
                broken.append(f"{'/'.join(parts)} imports {name}")
    assert broken == []


def test_the_check_itself_sees_imports(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\nimport eskan_desk.models\n")
    assert imports(sample) == {"PySide6.QtWidgets", "eskan_desk.models"}
