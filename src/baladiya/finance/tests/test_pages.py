"""Finance pages, Excel export and the JSON API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from baladiya.finance import services
from baladiya.finance.api import load_demo_ledger
from baladiya.finance.models import FiscalPeriod
from baladiya.finance.services import LineSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(org_ps: Any) -> None:
    cache.clear()
    load_demo_ledger()
    services.post_entry(
        actor=None,
        date=timezone.localdate(),
        lines=[
            LineSpec("1101", debit=Decimal(75)),
            LineSpec("4104", credit=Decimal(75), analysis="cert"),
        ],
    )


@pytest.mark.parametrize(
    "key", ["trial-balance", "general-ledger", "cash-book", "revenue-by-head", "ipsas-cash"]
)
def test_each_report_as_page_excel_and_json(
    client: Any, make_staff: Any, posted: None, key: str
) -> None:
    client.force_login(make_staff("accountant"))
    page = client.get(reverse("finance:report", args=[key]))
    assert page.status_code == 200 and "75.00" in page.content.decode()
    xlsx = client.get(reverse("finance:report", args=[key]), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.active.max_row > 3
    data = client.get(reverse("api-finance-report", args=[key])).json()
    assert data["key"] == key and data["rows"]


def test_reports_need_the_capability(client: Any, make_staff: Any, posted: None) -> None:
    client.force_login(make_staff("clerk"))
    assert client.get(reverse("finance:report", args=["trial-balance"])).status_code == 403
    assert client.get(reverse("api-finance-report", args=["trial-balance"])).status_code == 403
    assert client.get(reverse("finance:report", args=["nope"])).status_code in (403, 404)


def test_close_and_reopen_a_period_from_the_page(
    client: Any, make_staff: Any, posted: None
) -> None:
    client.force_login(make_staff("finance-manager"))
    period = FiscalPeriod.objects.get(start__lte=dt.date.today(), end__gte=dt.date.today())
    assert client.get(reverse("finance:periods")).status_code == 200
    client.post(reverse("finance:periods"), {"period": period.pk, "action": "close"})
    period.refresh_from_db()
    assert period.status == "closed"
    client.post(
        reverse("finance:periods"), {"period": period.pk, "action": "reopen", "reason": "fix"}
    )
    period.refresh_from_db()
    assert period.status == "open"


def test_manual_journal_pages_prepare_approve_and_reverse(
    client: Any, posted: None, make_staff: Any
) -> None:
    from baladiya.finance.models import AccountBalance, EntryStatus, JournalEntry

    accountant = make_staff("accountant", username="acc")
    manager = make_staff("finance-manager", username="fm")
    client.force_login(accountant)
    assert client.get(reverse("finance:journal")).status_code == 200
    today = timezone.localdate().isoformat()
    form = {"date": today, "memo": "قرطاسية", "account-0": "5105", "debit-0": "40"}
    # Unbalanced, then a comma amount: refused with the reason, every value kept.
    bad = client.post(reverse("finance:new-entry"), {**form, "account-1": "1103", "credit-1": "30"})
    assert bad.status_code == 400 and "قرطاسية" in bad.content.decode()
    bad = client.post(
        reverse("finance:new-entry"), {**form, "account-1": "1103", "credit-1": "4,0"}
    )
    assert bad.status_code == 400 and 'value="4,0"' in bad.content.decode()
    client.post(reverse("finance:new-entry"), {**form, "account-1": "1103", "credit-1": "40"})
    entry = JournalEntry.objects.get(memo="قرطاسية")
    assert entry.status == EntryStatus.PENDING
    page = client.get(reverse("finance:entry", args=[entry.pk])).content.decode()
    assert 'value="approve"' not in page  # the preparer cannot approve his own entry
    client.force_login(manager)
    client.post(reverse("finance:entry", args=[entry.pk]), {"action": "reject"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING  # rejecting needs a reason
    client.post(reverse("finance:entry", args=[entry.pk]), {"action": "approve"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.POSTED
    before = AccountBalance.objects.filter(account__code="5105").first()
    assert before is not None and before.debit >= Decimal(40)
    response = client.post(
        reverse("finance:entry", args=[entry.pk]), {"action": "reverse", "note": "خطأ"}
    )
    reversal = JournalEntry.objects.get(reverses=entry)
    assert response.url == reverse("finance:entry", args=[reversal.pk])
    # A second click does not post a second reversal.
    client.post(reverse("finance:entry", args=[entry.pk]), {"action": "reverse", "note": "خطأ"})
    assert JournalEntry.objects.filter(reverses=entry).count() == 1


def test_an_automatic_entry_without_a_preparer_opens(
    client: Any, posted: None, make_staff: Any
) -> None:
    from baladiya.finance.models import JournalEntry

    client.force_login(make_staff("finance-manager", username="fm2"))
    entry = JournalEntry.objects.filter(created_by__isnull=True).first()
    assert entry is not None
    assert client.get(reverse("finance:entry", args=[entry.pk])).status_code == 200
