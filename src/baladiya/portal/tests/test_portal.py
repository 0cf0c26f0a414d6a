"""The account page shows the links other apps register, to whom they concern."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from baladiya.core import navigation
from baladiya.core.profiles import luhn_check_digit

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(org_ps: Any, roles: Any) -> Any:
    from baladiya.core.services import create_party_login, register_person

    stem = "42000001"
    party = register_person(
        actor=None,
        national_id=stem + luhn_check_digit(stem),
        name_ar="سلمى خليل",
        phone="0599123124",
    )
    return create_party_login(actor=None, party=party, password="x-Pass-2026", role_key="citizen")


def test_account_page_lists_registered_links_only_to_whom_they_concern(
    citizen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(navigation, "_PORTAL", [])
    navigation.register_portal_link(
        navigation.PortalLink("My notifications", "portal:notifications", "✉", 10)
    )
    navigation.register_portal_link(
        navigation.PortalLink("Hidden", "portal:home", show=lambda user: False)
    )
    navigation.register_portal_link(navigation.PortalLink("Broken", "no-such:page"))
    client = Client()
    client.force_login(citizen)
    html = client.get("/account/").content.decode()
    assert 'id="my-services"' in html and 'href="/account/notifications/"' in html
    assert "Hidden" not in html and "Broken" not in html
