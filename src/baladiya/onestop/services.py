"""Write use-cases of the one-stop shop (so far: the service catalogue)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from baladiya.core.api import AccessDenied, User, normalize_arabic, record_audit, require
from baladiya.onestop.answers import clean_answers
from baladiya.onestop.models import (
    DocumentKind,
    Draft,
    DraftFile,
    Service,
    ServiceCategory,
    ServiceField,
    ServiceSubcategory,
)
from baladiya.workflow import api as workflow

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
    load_forms(actor=None, data_dir=data_dir)
    return counts


# --- Application forms and journeys ------------------------------------------------


def _field_rows(forms: dict[str, Any], service: Service) -> list[dict[str, Any]]:
    rows = [dict(row) for row in forms.get(service.key, [])]
    for document in service.documents.all():
        rows.append(
            {
                "key": f"doc-{document.key}",
                "kind": "file",
                "ar": document.name_ar,
                "en": document.name_en,
                "required": True,
            }
        )
    return rows


@transaction.atomic
def load_forms(*, actor: User | None, data_dir: Path = DATA_DIR) -> int:
    """Create or update each service's form fields from ``service-forms.yaml``."""
    if actor is not None:
        require(actor, "onestop.manage_catalogue")
    forms_file = data_dir / "service-forms.yaml"
    forms = (
        yaml.safe_load(forms_file.read_text(encoding="utf-8"))["forms"]
        if forms_file.exists()
        else {}  # a catalogue without form files still asks for its documents
    )
    count = 0
    for service in Service.objects.prefetch_related("documents"):
        rows = _field_rows(forms, service)
        keep = []
        for order, row in enumerate(rows):
            ServiceField.objects.update_or_create(
                service=service,
                key=row["key"],
                defaults={
                    "kind": row["kind"],
                    "label_ar": row["ar"],
                    "label_en": row["en"],
                    "help_ar": row.get("help_ar", ""),
                    "help_en": row.get("help_en", ""),
                    "required": row.get("required", True),
                    "choices": row.get("choices", []),
                    "minimum": Decimal(str(row["min"])) if "min" in row else None,
                    "maximum": Decimal(str(row["max"])) if "max" in row else None,
                    "order": order,
                },
            )
            keep.append(row["key"])
            count += 1
        ServiceField.objects.filter(service=service).exclude(key__in=keep).delete()
    return count


@transaction.atomic
def start_draft(*, actor: User, service_key: str) -> Draft:
    """Resume the user's open draft for the service, or start one."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to apply."))
    service = Service.objects.get(key=service_key, is_active=True)
    if service.audience == "employee" and not actor.is_staff:
        raise AccessDenied(_("This service is for municipal employees."))
    draft = Draft.objects.filter(user=actor, service=service, case_reference="").first()
    return draft or Draft.objects.create(user=actor, service=service)


def _own_draft(actor: User, draft_id: int) -> Draft:
    draft = Draft.objects.select_for_update(of=("self",)).select_related("service").get(pk=draft_id)
    if draft.user_id != actor.pk:
        raise Draft.DoesNotExist
    if draft.case_reference:
        raise ValidationError(
            _("This application was already submitted as %(ref)s.") % {"ref": draft.case_reference}
        )
    return draft


@transaction.atomic
def save_answers(
    *, actor: User, draft_id: int, answers: dict[str, Any], uploads: dict[str, UploadedFile]
) -> tuple[Draft, dict[str, list[str]]]:
    """Keep what was typed (even when some answers are wrong) and report problems."""
    draft = _own_draft(actor, draft_id)
    fields = list(draft.service.fields.all())
    errors: dict[str, list[str]] = {}
    for field in fields:
        upload = uploads.get(field.key)
        if field.kind == "file" and upload is not None:
            if upload.size and upload.size > 10 * 1024 * 1024:
                errors[field.key] = [_("The file is larger than 10 MB.")]
                continue
            DraftFile.objects.filter(draft=draft, field_key=field.key).delete()
            stored = DraftFile(
                draft=draft,
                field_key=field.key,
                original_name=(upload.name or "file")[:255],
                size=upload.size or 0,
            )
            stored.file.save(upload.name or "file", upload, save=False)
            stored.save()
    draft.answers = {
        **draft.answers,
        **{f.key: str(answers.get(f.key, "")).strip() for f in fields if f.kind != "file"},
    }
    draft.save(update_fields=["answers", "updated_at"])
    present = set(draft.files.values_list("field_key", flat=True))
    _clean, problems = clean_answers(fields, draft.answers, files_present=present)
    problems.update(errors)
    return draft, problems


@transaction.atomic
def submit_application(*, actor: User, draft_id: int) -> Any:
    """Check every answer again, open the case and move the documents onto it."""
    draft = _own_draft(actor, draft_id)
    fields = list(draft.service.fields.all())
    files = {f.field_key: f for f in draft.files.all()}
    clean, problems = clean_answers(fields, draft.answers, files_present=set(files))
    if problems:
        raise ValidationError(problems)
    case = workflow.open_case(
        actor=actor,
        service_key=draft.service.key,
        applicant=actor.party,
        data=clean,
        title=draft.service.name_ar,
        idempotency_key=f"draft:{draft.pk}",
    )
    for key, stored in files.items():
        with stored.file.open("rb") as handle:
            upload = File(handle, name=stored.original_name)
            upload.size = stored.size
            workflow.add_attachment(
                actor=actor,
                case=case,
                upload=upload,  # type: ignore[arg-type]
                kind=key.removeprefix("doc-"),
            )
    draft.case_reference = case.reference
    draft.save(update_fields=["case_reference", "updated_at"])
    return case
