from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def town(complaint_town: dict[str, Any]) -> dict[str, Any]:
    """The municipality of the complaint tests (see the root conftest)."""
    return complaint_town
