from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def qapp_args():
    return ["eskan-desk-tests"]


@pytest.fixture
def arabic_app(qapp):
    from eskan_desk.ui.look import apply_language, style_app

    apply_language(qapp, "ar")
    style_app(qapp)
    return qapp
