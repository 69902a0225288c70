"""Fixtures: the known week's store (see :mod:`tests.reports.known_week`), copied per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eskan_desk.app import AppContext, open_context

from ..conftest import FrozenClock
from .known_week import copy_known_week


@pytest.fixture
def known_dir(template_store: Path, tmp_path_factory, tmp_path: Path) -> Path:
    return copy_known_week(template_store, tmp_path_factory, tmp_path / "known")


@pytest.fixture
def known(known_dir: Path, clock: FrozenClock) -> Iterator[AppContext]:
    """The known week's store, opened with the tests' clock (Thursday 26 November, 10:00)."""
    context = open_context(known_dir, create=False, now=clock)
    yield context
    context.close()
