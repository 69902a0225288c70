"""Shared fixtures: a store built once through the real migrations, copied for every test."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

# Qt must never look for a display: set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ESKAN_LANG", "ar")

import pytest

import eskan_desk.printing  # noqa: F401 - registers ReportLab's bidi module before ReportLab loads
from eskan_desk import i18n
from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.services.staff import Actor, initialize_store

ADMIN_PASSWORD = "correct-horse-42"


class FrozenClock:
    """A settable 'now' for services (aware UTC); advances only when a test says so."""

    def __init__(self, start: dt.datetime) -> None:
        self.value = start

    def __call__(self) -> dt.datetime:
        return self.value

    def advance(self, **kwargs: float) -> None:
        self.value += dt.timedelta(**kwargs)


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised store (branch KMS, admin) made once by the real migrations."""
    path = tmp_path_factory.mktemp("template")
    ctx = open_context(path)
    initialize_store(
        ctx,
        branch_code="KMS",
        branch_name="فرع خميس مشيط",
        admin_username="admin",
        admin_password=ADMIN_PASSWORD,
        admin_full_name="مدير النظام",
    )
    ctx.close()
    return path


@pytest.fixture
def data_dir(template_store: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    dest.mkdir()
    shutil.copy(template_store / STORE_FILE, dest / STORE_FILE)
    return dest


@pytest.fixture
def clock() -> FrozenClock:
    # A Thursday morning in Riyadh (07:00 UTC = 10:00 AST).
    return FrozenClock(dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC))


@pytest.fixture
def ctx(data_dir: Path, clock: FrozenClock) -> Iterator[AppContext]:
    context = open_context(data_dir, create=False, now=clock)
    yield context
    context.close()


@pytest.fixture
def admin(ctx: AppContext) -> Actor:
    from eskan_desk.services.staff import resolve_actor

    return resolve_actor(ctx, "admin")


@pytest.fixture(autouse=True)
def _language() -> Iterator[None]:
    i18n.set_language("ar")
    yield
    i18n.set_language("ar")


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread() -> Iterator[None]:
    """Once a UI test has handed cycle collection to the main thread (tests/ui/conftest.py),
    the collection that is due runs after each test, here on the main thread."""
    yield
    gc_module = sys.modules.get("eskan_desk.ui.main_thread_gc")
    guard = gc_module.installed() if gc_module is not None else None
    if guard is not None:
        guard.collect_due()
