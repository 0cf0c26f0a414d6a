from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def town(complaint_town: dict[str, Any], make_staff: Any) -> dict[str, Any]:
    """The complaint test town plus the fine schedule, an establishment owned by
    the citizen, a health inspector and the health department's head."""
    from baladiya.core.services import register_establishment
    from baladiya.inspection import services

    services.install()
    shop = register_establishment(
        actor=None,
        commercial_registration="562345678",
        name_ar="مطعم الزيتونة",
        name_en="Zaytouna Restaurant",
        owner=complaint_town["citizen"].party,
    )
    return {
        **complaint_town,
        "shop": shop,
        "health_inspector": make_staff("inspector", department=complaint_town["HLT"]),
        "health_head": make_staff("department-head", department=complaint_town["HLT"]),
        "finance_manager": make_staff("finance-manager"),
    }
