"""The service catalogue: loading it (idempotently) and searching it."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from baladiya.core.models import AuditEntry
from baladiya.core.permissions import AccessDenied
from baladiya.onestop.models import DocumentKind, Service, ServiceCategory, ServiceSubcategory
from baladiya.onestop.selectors import (
    categories_with_services,
    employee_services,
    public_services,
    service_by_key,
    service_keys,
)
from baladiya.onestop.services import DATA_DIR, load_catalogue

pytestmark = pytest.mark.django_db

CALCULATED_FEES = ["building-permit", "fencing-permit", "excavation-permit"]


def repo_root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise AssertionError("no pyproject.toml above the tests")


REFERENCE_CATALOGUE = repo_root().parent / "shared" / "reference" / "service-catalog.yaml"


def catalogue_keys(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [row["key"] for row in data["services"]]


def row_counts() -> dict[str, int]:
    return {
        "services": Service.objects.count(),
        "categories": ServiceCategory.objects.count(),
        "documents": DocumentKind.objects.count(),
        "subcategories": ServiceSubcategory.objects.count(),
        "service-documents": Service.documents.through.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def loaded(db: Any) -> dict[str, int]:
    return load_catalogue(actor=None)


# --- loading --------------------------------------------------------------------------------


def test_first_load_creates_every_service(loaded) -> None:  # type: ignore[no-untyped-def]
    keys = catalogue_keys(DATA_DIR / "service-catalog.yaml")
    assert loaded == {"created": len(keys), "updated": 0, "unchanged": 0}
    assert service_keys() == set(keys)
    assert AuditEntry.objects.filter(action="onestop.service.load").count() == len(keys)


def test_load_is_idempotent(loaded) -> None:  # type: ignore[no-untyped-def]
    before = row_counts()
    again = load_catalogue(actor=None)
    assert again == {"created": 0, "updated": 0, "unchanged": before["services"]}
    assert row_counts() == before


def test_every_packaged_key_exists(loaded) -> None:  # type: ignore[no-untyped-def]
    keys = catalogue_keys(DATA_DIR / "service-catalog.yaml")
    assert len(keys) == len(set(keys)), "duplicate keys in the packaged catalogue"
    assert set(keys) <= service_keys()


def test_every_reference_key_exists(loaded) -> None:  # type: ignore[no-untyped-def]
    if not REFERENCE_CATALOGUE.is_file():
        pytest.skip(f"no reference catalogue beside the repository ({REFERENCE_CATALOGUE.name})")
    missing = set(catalogue_keys(REFERENCE_CATALOGUE)) - service_keys()
    assert not missing


def test_complaint_subcategories(loaded) -> None:  # type: ignore[no-untyped-def]
    complaint = service_by_key("complaint")
    assert complaint is not None
    codes = [s.code for s in complaint.subcategories.all()]
    assert codes[:3] == ["pothole", "garbage", "streetlight"]  # in catalogue order
    assert codes[-1] == "other"
    assert len(codes) == 10
    pothole = complaint.subcategories.get(code="pothole")
    assert pothole.name_ar == "حفرة في الطريق"
    assert pothole.name_en == "Pothole or damaged road"


@pytest.mark.parametrize("key", CALCULATED_FEES)
def test_calculated_fees_have_a_note_in_both_languages(loaded, key) -> None:  # type: ignore[no-untyped-def]
    service = Service.objects.get(key=key)
    assert service.fee is None
    assert service.fee_note_en.startswith("per ")
    assert service.fee_note_ar.startswith("حسب")
    with translation.override("ar"):
        assert service.fee_note == service.fee_note_ar
    with translation.override("en"):
        assert service.fee_note == service.fee_note_en


def test_fixed_fees_are_amounts(loaded) -> None:  # type: ignore[no-untyped-def]
    assert Service.objects.get(key="shop-license-new").fee == Decimal("300")
    assert Service.objects.get(key="complaint").fee == Decimal("0")
    assert Service.objects.get(key="shop-license-new").fee_note_en == ""


def test_documents_and_categories_linked(loaded) -> None:  # type: ignore[no-untyped-def]
    service = Service.objects.get(key="shop-license-new")
    assert service.category.key == "licenses"
    assert set(service.documents.values_list("key", flat=True)) == {
        "identity",
        "commercial-registration",
        "lease-or-ownership",
        "site-sketch",
        "civil-defence-approval",
    }
    assert Service.objects.get(key="transaction-inquiry").notes_ar  # Arabic notes supplied


def test_a_changed_file_updates_only_what_changed(loaded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("service-catalog.yaml", "catalogue-supplement.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    path = tmp_path / "service-catalog.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in data["services"]:
        if row["key"] == "shop-license-renew":
            row["fee"] = 250
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    audit_before = AuditEntry.objects.count()

    counts = load_catalogue(actor=None, data_dir=tmp_path)

    assert counts == {"created": 0, "updated": 1, "unchanged": len(data["services"]) - 1}
    assert Service.objects.get(key="shop-license-renew").fee == Decimal("250")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == audit_before + 1
    assert entry.action == "onestop.service.load"
    assert entry.after["key"] == "shop-license-renew"


def test_loading_needs_the_capability(make_staff) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessDenied):
        load_catalogue(actor=make_staff("clerk"))
    assert not Service.objects.exists()
    load_catalogue(actor=make_staff("administrator"))
    assert Service.objects.exists()


# --- reading and searching -----------------------------------------------------------------


def test_public_services_exclude_employee_services(loaded) -> None:  # type: ignore[no-untyped-def]
    public = set(public_services().values_list("key", flat=True))
    internal = set(employee_services().values_list("key", flat=True))
    assert {"leave-request", "payslip", "it-support-request"} <= internal
    assert not public & internal
    assert public | internal == service_keys()
    assert "employee" not in [c.key for c in categories_with_services()]


def test_inactive_services_are_hidden(loaded) -> None:  # type: ignore[no-untyped-def]
    Service.objects.filter(key="billboard-license").update(is_active=False)
    assert "billboard-license" not in set(public_services().values_list("key", flat=True))
    assert service_by_key("billboard-license") is None


@pytest.mark.parametrize("query", ["رخصه", "رخصة", "رُخْصَة", "رخـصـة"])
def test_search_normalises_arabic(loaded, query) -> None:  # type: ignore[no-untyped-def]
    keys = set(public_services(query=query).values_list("key", flat=True))
    assert {"building-permit", "demolition-permit", "shop-license-new"} <= keys
    assert "complaint" not in keys


def test_search_every_word_must_match(loaded) -> None:  # type: ignore[no-untyped-def]
    assert list(public_services(query="رخصه ترميم").values_list("key", flat=True)) == [
        "restoration-permit"
    ]
    assert not public_services(query="رخصه zzz").exists()


def test_search_finds_subcategories_and_english(loaded) -> None:  # type: ignore[no-untyped-def]
    assert list(public_services(query="طفح مجاري").values_list("key", flat=True)) == ["complaint"]
    assert "building-permit" in set(
        public_services(query="Building PERMIT").values_list("key", flat=True)
    )


def test_search_by_category(loaded) -> None:  # type: ignore[no-untyped-def]
    keys = set(public_services(category="building").values_list("key", flat=True))
    assert "building-permit" in keys
    assert "complaint" not in keys
