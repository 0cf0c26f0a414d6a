"""Checking an application's answers against the service's form fields.

Pure functions: each answer is cleaned to a JSON-friendly value (numbers as
strings of a Decimal, dates as ISO strings) or refused with a message in the
reader's language. Arabic-Indic digits are accepted everywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from baladiya.core.api import normalize_digits
from baladiya.onestop.models import FieldKind, ServiceField


def clean_answer(field: ServiceField, raw: Any) -> Any:
    value = normalize_digits(str(raw)).strip() if raw is not None else ""
    if value == "":
        if field.required and field.kind != FieldKind.FILE:
            raise ValidationError(_("This question needs an answer."), code="required")
        return ""
    if field.kind in (FieldKind.TEXT, FieldKind.PARCEL):
        if len(value) > 200:
            raise ValidationError(_("Keep it under 200 characters."))
        return value
    if field.kind == FieldKind.TEXTAREA:
        if len(value) > 4000:
            raise ValidationError(_("Keep it under 4000 characters."))
        return value
    if field.kind == FieldKind.NUMBER:
        try:
            number = Decimal(value.replace(",", "").replace("٫", "."))
        except InvalidOperation as exc:
            raise ValidationError(_("Enter a number, for example 120 or 85.5.")) from exc
        if not number.is_finite():
            raise ValidationError(_("Enter a number, for example 120 or 85.5."))
        if field.minimum is not None and number < field.minimum:
            raise ValidationError(
                _("The smallest allowed value is %(n)s.") % {"n": f"{field.minimum.normalize():f}"}
            )
        if field.maximum is not None and number > field.maximum:
            raise ValidationError(
                _("The largest allowed value is %(n)s.") % {"n": f"{field.maximum.normalize():f}"}
            )
        return str(number)
    if field.kind == FieldKind.DATE:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ValidationError(_("Enter a date as year-month-day, e.g. 2026-03-31.")) from exc
    if field.kind == FieldKind.CHOICE:
        allowed = {str(c["value"]) for c in field.choices}
        if value not in allowed:
            raise ValidationError(_("Choose one of the options."))
        return value
    if field.kind == FieldKind.LOCATION:
        try:
            lat_text, lon_text = value.split(",")
            lat, lon = float(lat_text), float(lon_text)
        except ValueError as exc:
            raise ValidationError(_("Put a pin on the map.")) from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(_("Put a pin on the map."))
        return f"{lat:.6f},{lon:.6f}"
    return value


def clean_answers(
    fields: list[ServiceField], raw: dict[str, Any], *, files_present: set[str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """All answers cleaned, and the errors per field (empty when all is well)."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        if field.kind == FieldKind.FILE:
            if field.required and field.key not in files_present:
                errors[field.key] = [_("Attach this document.")]
            continue
        try:
            clean[field.key] = clean_answer(field, raw.get(field.key))
        except ValidationError as exc:
            errors[field.key] = exc.messages
    return clean, errors


def display(field: ServiceField, value: Any) -> str:
    """An answer as the applicant should read it on the check page."""
    if value in (None, ""):
        return "—"
    if field.kind == FieldKind.CHOICE:
        from django.utils.translation import get_language

        ar = (get_language() or "ar").startswith("ar")
        for choice in field.choices:
            if str(choice["value"]) == str(value):
                return choice["ar"] if ar else choice["en"]
    return str(value)
