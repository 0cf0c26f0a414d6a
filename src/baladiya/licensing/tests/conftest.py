from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def town(complaint_town: dict[str, Any], make_staff: Any) -> dict[str, Any]:
    """The complaint tests' municipality, with the licensing processes, fees
    and the licences department's staff."""
    from baladiya.finance.api import load_demo_ledger
    from baladiya.licensing import api as licensing

    load_demo_ledger()
    licensing.install(actor=None)
    hlt = complaint_town["HLT"]
    return {
        **complaint_town,
        "owner": complaint_town["citizen"],
        "hlt_inspector": make_staff("inspector", department=hlt),
        "hlt_head": make_staff("department-head", department=hlt),
        "cashier": make_staff("cashier", branch=complaint_town["hq"]),
    }
