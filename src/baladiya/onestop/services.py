"""Write use-cases of the one-stop shop (so far: the service catalogue)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from baladiya.core.api import User, normalize_arabic, record_audit, require
from baladiya.onestop.models import (
    DocumentKind,
    Service,
    ServiceCategory,
    ServiceSubcategory,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
NO_ONLINE: set[str] = set()  # services that can only be requested at a counter


def read_catalogue_files(data_dir: Path = DATA_DIR) -> tuple[dict[str, Any], dict[str, Any]]:
    catalogue = yaml.safe_load((data_dir / "service-catalog.yaml").read_text(encoding="utf-8"))
    supplement = yaml.safe_load(
        (data_dir / "catalogue-supplement.yaml").read_text(encoding="utf-8")
    )
    return catalogue, supplement


def _search_text(service: Service, subcategories: list[dict[str, Any]]) -> str:
    parts = [
        service.key,
        service.name_ar,
        service.name_en,
        service.notes_ar,
        service.notes_en,
        service.category.name_ar,
        service.category.name_en,
    ]
    for sub in subcategories:
        parts += [sub.get("name_ar", ""), sub.get("name_en", "")]
    return normalize_arabic(" ".join(p for p in parts if p))


@transaction.atomic
def load_catalogue(*, actor: User | None, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create or update every category, document kind and service from the catalogue
    files. Idempotent: running it again changes nothing that has not changed."""
    if actor is not None:
        require(actor, "onestop.manage_catalogue")
    catalogue, supplement = read_catalogue_files(data_dir)
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    categories = {}
    for row in supplement["categories"]:
        category, _created = ServiceCategory.objects.update_or_create(
            key=row["key"],
            defaults={
                "name_ar": row["name_ar"],
                "name_en": row["name_en"],
                "order": row.get("order", 100),
                "icon": row.get("icon", ""),
            },
        )
        categories[category.key] = category
    documents = {}
    for row in supplement["documents"]:
        document, _created = DocumentKind.objects.update_or_create(
            key=row["key"], defaults={"name_ar": row["name_ar"], "name_en": row["name_en"]}
        )
        documents[document.key] = document

    for row in catalogue["services"]:
        fee_raw = row.get("fee", 0)
        fee_is_amount = isinstance(fee_raw, int | float) or str(fee_raw).replace(".", "").isdigit()
        values = {
            "name_ar": row["name_ar"],
            "name_en": row["name_en"],
            "category": categories[row["category"]],
            "audience": row["audience"],
            "fee": Decimal(str(fee_raw)) if fee_is_amount else None,
            "fee_note_en": "" if fee_is_amount else str(fee_raw),
            "fee_note_ar": "" if fee_is_amount else supplement["fee_notes"].get(str(fee_raw), ""),
            "sla_days": row.get("sla_days"),
            "notes_en": row.get("notes", ""),
            "notes_ar": supplement["notes_ar"].get(row["key"], ""),
            "apply_online": row["key"] not in NO_ONLINE,
        }
        service = Service.objects.filter(key=row["key"]).first()
        if service is None:
            service = Service(key=row["key"], **values)
            counts["created"] += 1
            changed = True
        else:
            changed = any(getattr(service, k) != v for k, v in values.items())
            for name, value in values.items():
                setattr(service, name, value)
            counts["updated" if changed else "unchanged"] += 1
        subcategories = row.get("subcategories", [])
        service.search_text = _search_text(service, subcategories)
        service.save()
        service.documents.set([documents[key] for key in row.get("documents", [])])
        routing = supplement.get("routing", {}).get(row["key"], {})
        for order, sub in enumerate(subcategories):
            ServiceSubcategory.objects.update_or_create(
                service=service,
                code=sub["code"],
                defaults={
                    "name_ar": sub["name_ar"],
                    "name_en": sub["name_en"],
                    "order": order,
                    "department_code": routing.get(sub["code"], ""),
                },
            )
        if changed:
            record_audit(
                actor=actor,
                action="onestop.service.load",
                obj=service,
                after={"key": service.key, "fee": values["fee"], "sla_days": values["sla_days"]},
            )
    return counts
