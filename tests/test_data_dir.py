"""Where the store lives by default: ``eskan_desk.boot.default_data_dir``.

Its fast path on Linux answers what ``platformdirs.user_data_dir`` answers, without importing
it; these tests hold the two equal over the environments the fast path takes, and check that
it leaves every other case to platformdirs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from eskan_desk import boot

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the fast path is Linux's")

ENVIRONMENTS = [
    # (XDG_DATA_HOME, HOME): None is unset
    (None, "/home/amal"),
    (None, "/home/amal/"),
    (None, "/"),
    ("", "/home/amal"),
    ("   ", "/home/amal"),
    ("relative/share", "/home/amal"),
    ("/srv/data", "/home/amal"),
    ("/srv/data/", "/home/amal"),
    ("/srv/data", None),
    ("/srv/data", "relative-home"),
    ("/مجلد/بيانات", "/home/أمل"),
]


def _set(monkeypatch: pytest.MonkeyPatch, name: str, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(("xdg", "home"), ENVIRONMENTS)
def test_the_fast_path_answers_as_platformdirs(monkeypatch, xdg, home):
    monkeypatch.delenv(boot.ENV_DATA_DIR, raising=False)
    _set(monkeypatch, "XDG_DATA_HOME", xdg)
    _set(monkeypatch, "HOME", home)
    expected = platformdirs.user_data_dir("eskan-desk", appauthor=False)
    assert boot.xdg_user_data_dir() == expected
    assert boot.default_data_dir() == Path(expected)


@pytest.mark.parametrize(("xdg", "home"), [(None, None), ("", "relative-home"), ("x", "")])
def test_without_an_absolute_home_platformdirs_answers(monkeypatch, xdg, home):
    monkeypatch.delenv(boot.ENV_DATA_DIR, raising=False)
    _set(monkeypatch, "XDG_DATA_HOME", xdg)
    _set(monkeypatch, "HOME", home)
    assert boot.xdg_user_data_dir() is None
    # platformdirs falls back on the account's home directory
    assert boot.default_data_dir() == Path(
        platformdirs.user_data_dir("eskan-desk", appauthor=False)
    )


def test_what_might_be_android_is_left_to_platformdirs(monkeypatch):
    monkeypatch.setenv("ANDROID_DATA", "/data")
    monkeypatch.setenv("ANDROID_ROOT", "/system")
    monkeypatch.setenv("HOME", "/home/amal")
    assert boot.xdg_user_data_dir() is None


def test_the_data_dir_setting_comes_first(monkeypatch, tmp_path):
    monkeypatch.setenv(boot.ENV_DATA_DIR, str(tmp_path / "store"))
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert boot.default_data_dir() == tmp_path / "store"


def test_the_desktop_start_imports_neither_platformdirs_nor_the_parser(tmp_path):
    # eskan-desk with no arguments: the command line and the data folder are read without them
    # (PySide6 imports argparse itself: the parser is what is not built).
    code = (
        "import sys, json\n"
        "from eskan_desk.ui.main import parse_args\n"
        "from eskan_desk.boot import default_data_dir\n"
        "args = parse_args([])\n"
        "where = default_data_dir()\n"
        "print(json.dumps([str(where), [m for m in ('platformdirs', 'eskan_desk.cli_parser') "
        "if m in sys.modules]]))\n"
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    where, loaded = json.loads(out.stdout)
    assert where == str(tmp_path / ".local" / "share" / "eskan-desk")
    assert loaded == []
