"""Filing, resolving, rating, reopening and merging complaints.

The case's states and who may move it are the workflow engine's business; this
module adds what is particular to a complaint: category routing, the location,
photos, the resolution note and photo, the rating and the 10-day reopen window.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.complaint.models import REOPEN_DAYS, Complaint
from baladiya.core import api as core
from baladiya.core.api import AccessDenied, Branch, User
from baladiya.gis import api as gis
from baladiya.onestop import api as onestop
from baladiya.workflow import api as workflow

SERVICE_KEY = "complaint"
MAX_PHOTOS = 5


def _coordinate(value: object, low: int, high: int, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(core.normalize_digits(str(value))).strip())
    except InvalidOperation as exc:
        raise ValidationError({field: [_("Not a valid coordinate.")]}) from exc
    if not (low <= number <= high):
        raise ValidationError({field: [_("Not a valid coordinate.")]})
    return number.quantize(Decimal("0.000001"))


@transaction.atomic
def file_complaint(
    *,
    actor: User | None,
    category: str,
    description: str,
    latitude: object = None,
    longitude: object = None,
    address: str = "",
    photos: list[UploadedFile] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    channel: str = "portal",
    branch: Branch | None = None,
    idempotency_key: str | None = None,
) -> Complaint:
    """File a report: routed to the department responsible for its category."""
    errors: dict[str, list[str]] = {}
    sub = onestop.subcategory(SERVICE_KEY, category)
    if sub is None:
        errors["category"] = [_("Choose what the problem is.")]
    if len((description or "").strip()) < 5:
        errors["description"] = [_("Describe the problem in a few words.")]
    try:
        lat = _coordinate(latitude, -90, 90, "latitude")
        lon = _coordinate(longitude, -180, 180, "longitude")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        lat = lon = None
    if (lat is None) != (lon is None):
        errors["latitude"] = [_("Put the pin on the map again.")]
    if lat is None and not (address or "").strip():
        errors["address"] = [_("Put a pin on the map or write the address or a landmark.")]
    if photos and len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("At most %(n)s photos.") % {"n": MAX_PHOTOS}]
    anonymous = actor is None or not actor.is_authenticated
    if anonymous and not contact_phone and not contact_email:
        errors["contact_phone"] = [_("Leave a phone number or an email so we can reply.")]
    if errors:
        raise ValidationError(errors)
    assert sub is not None
    department = core.department_by_code(sub.department_code) if sub.department_code else None
    applicant = actor.party if actor is not None and actor.is_authenticated else None
    case = workflow.open_case(
        actor=actor if actor is not None and actor.is_authenticated else None,
        service_key=SERVICE_KEY,
        applicant=applicant,
        title=f"{sub.name_ar} / {sub.name_en}",
        data={"category": category},
        department=department,
        branch=branch,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        channel=channel,
        idempotency_key=idempotency_key,
    )
    if idempotency_key:
        existing = Complaint.objects.filter(case=case).first()
        if existing is not None:  # a retried submission
            return existing
    parcel = None
    if lat is not None and lon is not None:
        parcel = gis.parcel_at_point(float(lon), float(lat))  # the parcel under the pin
    complaint = Complaint.objects.create(
        case=case,
        category=category,
        description=description.strip(),
        latitude=lat,
        longitude=lon,
        address=(address or "").strip(),
        parcel=parcel,
    )
    for photo in photos or []:
        workflow.add_attachment(actor=None, case=case, upload=photo, kind="photo")
    return complaint


def _lock(complaint_id: int | None = None, reference: str = "") -> Complaint:
    """The complaint, row-locked, by id (with its case) or by its case's reference."""
    locked = Complaint.objects.select_for_update(of=("self",))
    if reference:
        return locked.get(case__reference=reference)
    if complaint_id is None:
        raise Complaint.DoesNotExist
    return locked.select_related("case").get(pk=complaint_id)


@transaction.atomic
def resolve(
    *,
    actor: User,
    note: str,
    complaint_id: int | None = None,
    reference: str = "",
    photo: UploadedFile | None = None,
) -> Complaint:
    """Resolve the complaint with ``complaint_id`` (or its case's ``reference``).
    A complaint the actor may not see raises ``DoesNotExist``, as if there were none."""
    complaint = _lock(complaint_id, reference)
    complaint.case = workflow.take_action(
        actor=actor, case_id=complaint.case_id, action_key="resolve", comment=note
    )
    complaint.resolution_note = note.strip()
    complaint.resolved_at = timezone.now()
    complaint.save(update_fields=["resolution_note", "resolved_at"])
    if photo is not None:
        workflow.add_attachment(actor=actor, case=complaint.case, upload=photo, kind="resolution")
    return complaint


@transaction.atomic
def reopen(
    *, actor: User, complaint_id: int, reason: str, now: dt.datetime | None = None
) -> Complaint:
    """The citizen reopens a resolved complaint, within 10 days of its resolution."""
    complaint = _lock(complaint_id)
    now = now or timezone.now()
    if complaint.resolved_at is None or now > complaint.resolved_at + dt.timedelta(
        days=REOPEN_DAYS
    ):
        raise ValidationError(
            _(
                "A complaint can be reopened only within %(days)s days of its resolution. "
                "Please file a new report."
            )
            % {"days": REOPEN_DAYS}
        )
    workflow.take_action(
        actor=actor, case_id=complaint.case_id, action_key="reopen", comment=reason
    )
    complaint.reopened_count += 1
    complaint.rating = None
    complaint.rated_at = None
    complaint.save(update_fields=["reopened_count", "rating", "rated_at"])
    return complaint


@transaction.atomic
def rate(*, actor: User, complaint_id: int, stars: int, comment: str = "") -> Complaint:
    """The citizen rates the resolution (1–5); rating a resolved complaint closes it."""
    complaint = _lock(complaint_id)
    if not workflow.is_applicant(actor, complaint.case):
        raise AccessDenied(_("Only the person who filed the report can rate it."))
    if complaint.resolved_at is None:
        raise ValidationError(_("You can rate the work once the problem is resolved."))
    if not 1 <= int(stars) <= 5:
        raise ValidationError({"stars": [_("Choose from 1 to 5 stars.")]})
    complaint.rating = int(stars)
    complaint.rating_comment = comment.strip()
    complaint.rated_at = timezone.now()
    complaint.save(update_fields=["rating", "rating_comment", "rated_at"])
    core.record_audit(
        actor=actor, action="complaint.rate", obj=complaint, after={"rating": complaint.rating}
    )
    if complaint.case.state.key == "resolved":
        workflow.take_action(actor=actor, case_id=complaint.case_id, action_key="close")
    return complaint


@transaction.atomic
def merge_duplicate(*, actor: User, complaint_id: int, into_id: int) -> Complaint:
    """Close a new complaint as a duplicate of an earlier one (same problem)."""
    if complaint_id == into_id:
        raise ValidationError(_("A complaint cannot duplicate itself."))
    complaint = _lock(complaint_id)
    target = Complaint.objects.select_related("case").get(pk=into_id)
    workflow.case_for(actor, case_id=target.case_id)  # the target must be visible too
    workflow.take_action(
        actor=actor,
        case_id=complaint.case_id,
        action_key="duplicate",
        comment=_("Same problem as %(reference)s.") % {"reference": target.case.reference},
    )
    complaint.duplicate_of = target
    complaint.save(update_fields=["duplicate_of"])
    return complaint
