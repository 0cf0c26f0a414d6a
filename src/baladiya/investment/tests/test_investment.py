"""Opportunities, sealed offers that nobody can read before the deadline (an
administrator included), opening, scoring, award and the rent schedule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from freezegun import freeze_time

from baladiya.core.api import AccessDenied
from baladiya.investment import selectors, services
from baladiya.investment.models import Instalment, Offer, OfferStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the offer's technical and financial proposal\n%%EOF"
DEADLINE = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def scene(complaint_town: dict[str, Any], make_staff: Any) -> dict[str, Any]:
    from baladiya.core.profiles import luhn_check_digit
    from baladiya.core.services import create_party_login, create_staff_user, register_person

    investors = []
    for n in range(2):
        stem = f"420000{n}0"
        person = register_person(
            actor=None,
            national_id=stem + luhn_check_digit(stem),
            name_ar=f"مستثمر {n}",
            phone=f"059955500{n}",
        )
        investors.append(
            create_party_login(
                actor=None, party=person, password="x-Pass-2026", role_key="investor"
            )
        )
    admin = create_staff_user(
        actor=None,
        username="root",
        password="x-Pass-2026",
        first_name="م",
        last_name="ن",
        is_superuser=True,
    )
    with freeze_time("2026-05-01 09:00:00"):
        opportunity = services.create_opportunity(
            actor=None,
            name_ar="مقهى الحديقة",
            name_en="Park café",
            site_ar="الحديقة العامة",
            area_m2="٢٥٠",
            activity_ar="مقهى",
            terms_ar="شروط الاستثمار",
            min_annual_rent="10000",
            term_years=2,
            frequency="quarterly",
            deadline=DEADLINE,
        )
        services.publish(actor=None, opportunity_id=opportunity.pk)
    return {
        **complaint_town,
        "investors": investors,
        "admin": admin,
        "committee": make_staff("investment-committee"),
        "opportunity": opportunity,
    }


def _offer(scene: dict[str, Any], n: int, rent: str, **kwargs: Any) -> Offer:
    with freeze_time("2026-05-20 10:00:00"):
        return services.submit_offer(
            actor=scene["investors"][n],
            opportunity_id=scene["opportunity"].pk,
            annual_rent=rent,
            notes="ملاحظات العرض",
            **kwargs,
        )


def test_the_database_never_holds_an_offer_in_the_clear(scene: dict[str, Any]) -> None:
    offer = _offer(
        scene, 0, "12345.67", document=SimpleUploadedFile("offer.pdf", PDF, "application/pdf")
    )
    assert offer.annual_rent is None and offer.status == OfferStatus.SEALED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sealed_terms, notes, annual_rent FROM investment_offer WHERE id = %s",
            [offer.pk],
        )
        sealed_terms, notes, rent = cursor.fetchone()
    assert "12345" not in sealed_terms and "ملاحظات" not in sealed_terms
    assert notes == "" and rent is None
    with offer.sealed_document.open("rb") as handle:
        stored = handle.read()
    assert b"%PDF" not in stored and b"proposal" not in stored


def test_nobody_opens_the_offers_before_the_deadline_an_administrator_included(
    scene: dict[str, Any],
) -> None:
    offer = _offer(
        scene, 0, "12000", document=SimpleUploadedFile("offer.pdf", PDF, "application/pdf")
    )
    for user in (scene["admin"], scene["committee"]):
        with freeze_time("2026-06-01 11:59:59"), pytest.raises(services.SealedOffers):
            services.open_offers(actor=user, opportunity_id=scene["opportunity"].pk)
        with freeze_time("2026-05-25"), pytest.raises(services.SealedOffers):
            services.offer_document(actor=user, offer_id=offer.pk)
    offer.refresh_from_db()
    assert offer.annual_rent is None
    # The committee's pages and the API show nothing but metadata.
    client = Client()
    client.force_login(scene["admin"])
    with freeze_time("2026-05-25"):
        rows = client.get(
            f"/api/v1/investment/opportunities/{scene['opportunity'].reference}/offers/"
        ).json()
        page = client.get(f"/staff/investment/{scene['opportunity'].reference}/")
        refused = client.post(
            f"/staff/investment/{scene['opportunity'].reference}/", {"op": "open"}, follow=True
        )
    assert rows[0]["annual_rent"] is None and rows[0]["number"] == offer.number
    assert "12000" not in page.content.decode() and "12,000" not in page.content.decode()
    assert "12000" not in refused.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SEALED


def test_after_the_deadline_the_committee_opens_scores_and_awards(scene: dict[str, Any]) -> None:
    first = _offer(
        scene, 0, "12000", document=SimpleUploadedFile("offer.pdf", PDF, "application/pdf")
    )
    second = _offer(scene, 1, "15000")
    committee = scene["committee"]
    with pytest.raises(ValidationError):  # one offer per investor
        _offer(scene, 0, "13000")
    with freeze_time("2026-06-01 12:00:01"):
        with pytest.raises(ValidationError):  # too late
            _offer_late = services.submit_offer(
                actor=scene["investors"][0],
                opportunity_id=scene["opportunity"].pk,
                annual_rent="20000",
            )
        services.open_offers(actor=committee, opportunity_id=scene["opportunity"].pk)
        name, content = services.offer_document(actor=committee, offer_id=first.pk)
    assert content == PDF and name == "offer.pdf"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.annual_rent == Decimal("12000.00") and first.notes == "ملاحظات العرض"
    assert second.financial_score == Decimal("100.00")
    assert first.financial_score == Decimal("80.00")
    services.score_offer(
        actor=committee, offer_id=first.pk, scores={"experience": "90", "plan": "٩٠"}
    )
    services.score_offer(actor=committee, offer_id=second.pk, scores={"experience": 50, "plan": 50})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.total_score == Decimal("84.00")  # 0.6*80 + 0.4*90
    assert second.total_score == Decimal("80.00")  # 0.6*100 + 0.4*50
    with pytest.raises(ValidationError):  # not the best without a reason
        services.award(
            actor=committee,
            opportunity_id=scene["opportunity"].pk,
            offer_id=second.pk,
            start_date=dt.date(2026, 7, 1),
        )
    with freeze_time("2026-06-15"):
        contract = services.award(
            actor=committee,
            opportunity_id=scene["opportunity"].pk,
            offer_id=first.pk,
            start_date=dt.date(2026, 7, 1),
        )
    instalments = list(contract.instalments.order_by("sequence"))
    assert len(instalments) == 8  # two years, quarterly
    assert sum(i.amount for i in instalments) == Decimal("24000.00")
    assert [i.due_date for i in instalments[:3]] == [
        dt.date(2026, 7, 1),
        dt.date(2026, 10, 1),
        dt.date(2027, 1, 1),
    ]
    assert instalments[0].demand is not None and instalments[0].demand.total == Decimal("3000.00")
    assert instalments[1].demand is None  # not due within the month
    with freeze_time("2026-09-15"):
        assert services.raise_due_rent() == 1
        assert services.raise_due_rent() == 0  # idempotent
    assert Instalment.objects.filter(demand__isnull=False).count() == 2
    second.refresh_from_db()
    assert second.status == OfferStatus.NOT_AWARDED
    investor = scene["investors"][0]
    assert [c.pk for c in selectors.my_contracts(investor)] == [contract.pk]
    client = Client()
    client.force_login(investor)
    assert contract.number in client.get("/account/investments/").content.decode()
    pdf = client.get(f"/account/investments/contracts/{contract.number}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(scene["investors"][1])
    assert client.get(f"/account/investments/contracts/{contract.number}/pdf/").status_code == 404


def test_an_offer_below_the_minimum_or_from_a_citizen_is_refused(scene: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        _offer(scene, 0, "9000")
    assert "annual_rent" in caught.value.message_dict
    with freeze_time("2026-05-20"), pytest.raises(AccessDenied):
        services.submit_offer(
            actor=scene["citizen"], opportunity_id=scene["opportunity"].pk, annual_rent="20000"
        )
    assert not Offer.objects.exists()


def test_the_public_pages_list_published_opportunities(scene: dict[str, Any]) -> None:
    client = Client()
    with freeze_time("2026-05-20"):
        assert scene["opportunity"].reference in client.get("/investment/").content.decode()
        page = client.get(f"/investment/{scene['opportunity'].reference}/")
        assert page.status_code == 200
        client.force_login(scene["investors"][0])
        response = client.post(
            f"/investment/{scene['opportunity'].reference}/",
            {"annual_rent": "11000", "notes": "", "idempotency_key": "k-1"},
        )
    assert response.status_code == 302
    assert Offer.objects.get().idempotency_key == "k-1"


def test_the_committee_prepares_and_publishes_an_opportunity_from_its_page(
    scene: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(scene["committee"])
    data = {
        "name_ar": "كشك على الكورنيش",
        "site_ar": "الكورنيش",
        "area_m2": "٢٠",
        "activity_ar": "بيع المرطبات",
        "terms_ar": "الشروط",
        "min_annual_rent": "abc",
        "term_years": "2",
        "frequency": "yearly",
        "deadline": "2030-01-10T12:00",
    }
    refused = client.post("/staff/investment/", data)
    assert refused.status_code == 200
    assert "كشك على الكورنيش" in refused.content.decode()  # nothing typed is lost
    data["min_annual_rent"] = "5000"
    created = client.post("/staff/investment/", data)
    assert created.status_code == 302
    reference = created["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(f"/staff/investment/{reference}/", {"op": "publish"})
    assert reference in Client().get("/investment/").content.decode()
    citizen = Client()
    citizen.force_login(scene["citizen"])
    assert citizen.get("/staff/investment/").status_code == 403
