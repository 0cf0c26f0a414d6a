"""Open311 reads: the service list and service requests in GeoReport v2 shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from baladiya.complaint import api as complaint
from baladiya.core import api as core
from baladiya.onestop import api as onestop

SERVICE_KEY = "complaint"
MAX_WINDOW = dt.timedelta(days=90)

ATTRIBUTES = [
    {
        "variable": True,
        "code": "landmark",
        "datatype": "string",
        "required": False,
        "datatype_description": "Nearest landmark / أقرب معلم",
        "order": 1,
        "description": "Nearest landmark (optional) / أقرب معلم (اختياري)",
    }
]


def services() -> list[dict[str, Any]]:
    service = onestop.service_by_key(SERVICE_KEY)
    group = service.category.name if service else ""
    return [
        {
            "service_code": sub.code,
            "service_name": sub.name,
            "description": f"{sub.name_ar} / {sub.name_en}",
            "metadata": True,
            "type": "realtime",
            "keywords": sub.code.replace("-", ","),
            "group": group,
        }
        for sub in onestop.subcategories(SERVICE_KEY)
    ]


def service_definition(code: str) -> dict[str, Any] | None:
    if onestop.subcategory(SERVICE_KEY, code) is None:
        return None
    return {"service_code": code, "attributes": ATTRIBUTES}


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def as_request(c: Any) -> dict[str, Any]:
    case = c.case
    photo = case.attachments.filter(kind="photo").first()
    sub = onestop.subcategory(SERVICE_KEY, c.category)
    return {
        "service_request_id": case.reference,
        "status": "closed" if case.closed_at else "open",
        "status_notes": c.resolution_note or case.state.name,
        "service_name": sub.name if sub is not None else c.category,
        "service_code": c.category,
        "description": c.description,
        "agency_responsible": case.department.name if case.department else "",
        "service_notice": "",
        "requested_datetime": _iso(case.submitted_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.process_due_at),
        "address": c.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(c.latitude) if c.latitude is not None else None,
        "long": float(c.longitude) if c.longitude is not None else None,
        "media_url": core.absolute_url(photo.file.url) if photo else "",
    }


class BadQuery(ValueError):
    pass


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+")) if "T" in value else None
    if parsed is None:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise BadQuery(f"invalid date: {value}") from exc
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def requests(params: dict[str, str]) -> list[dict[str, Any]]:
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return [as_request(c) for c in complaint.search(references=ids)]
    end = _date(params.get("end_date")) or timezone.now()
    start = _date(params.get("start_date")) or end - MAX_WINDOW
    if end - start > MAX_WINDOW:
        raise BadQuery("start_date and end_date may be at most 90 days apart")
    if start > end:
        raise BadQuery("start_date is after end_date")
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    status = params.get("status", "")
    if status not in ("", "open", "closed"):
        raise BadQuery("status must be open or closed")
    found = complaint.search(categories=codes, start=start, end=end, status=status)
    return [as_request(c) for c in found]


def request_by_id(reference: str) -> dict[str, Any] | None:
    found = complaint.search(references=[reference])
    return as_request(found[0]) if found else None


def token(value: str) -> dict[str, Any] | None:
    c = complaint.by_idempotency_key(f"open311:{value}")
    return {"token": value, "service_request_id": c.case.reference} if c else None


def jurisdiction_ok(value: str | None) -> bool:
    if not value:
        return True
    org = core.organisation()
    return org is not None and value.lower() in {org.reference_prefix.lower(), org.profile}
