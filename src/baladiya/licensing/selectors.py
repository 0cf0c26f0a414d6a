"""Licensing reads for pages and the API, permission-checked: an owner sees his
own establishments and licences, staff with ``licensing.view`` see all, anyone
may verify a licence by its number (non-personal facts only)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.core.api import Party, User
from baladiya.gis import api as gis
from baladiya.licensing.models import (
    Activity,
    Billboard,
    CertificateRequest,
    Establishment,
    HealthCertificate,
    Licence,
    LicenceStatus,
    MedicalResult,
    TransferConsent,
    Worker,
)


def activities() -> QuerySet[Activity]:
    return Activity.objects.all()


def _party_id(user: User | Any) -> int | None:
    return getattr(user, "party_id", None) if getattr(user, "is_authenticated", False) else None


def is_staff_reader(user: User | Any) -> bool:
    return core.has_capability(user, "licensing.view")


def establishments_of(user: User | Any) -> QuerySet[Establishment]:
    """The signed-in owner's establishments."""
    return (
        Establishment.objects.filter(owner_id=_party_id(user))
        .select_related("activity", "parcel", "party")
        .order_by("name", "pk")
    )


def establishment_for(user: User | Any, pk: int) -> Establishment:
    """The establishment if it is the user's own (or he is licensing staff)."""
    establishment = Establishment.objects.select_related(
        "activity", "owner", "party", "parcel"
    ).get(pk=pk)
    if establishment.owner_id != _party_id(user) and not is_staff_reader(user):
        raise Establishment.DoesNotExist
    return establishment


def licences_of(user: User | Any) -> QuerySet[Licence]:
    return (
        Licence.objects.filter(holder_id=_party_id(user))
        .select_related("establishment__activity", "case__state")
        .order_by("-created_at", "-pk")
    )


def licence_for(user: User | Any, pk: int) -> Licence:
    licence = Licence.objects.select_related(
        "establishment__activity", "establishment__parcel", "holder", "case__state", "previous"
    ).get(pk=pk)
    if licence.holder_id != _party_id(user) and not is_staff_reader(user):
        raise Licence.DoesNotExist
    return licence


def licence_by_number(number: str) -> Licence | None:
    """Public verification: the licence with this number (any status)."""
    number = core.normalize_digits((number or "").strip()).upper()
    if not number:
        return None
    return Licence.objects.select_related("establishment__activity").filter(number=number).first()


def certificate_by_token(token: str) -> HealthCertificate | None:
    return (
        HealthCertificate.objects.select_related("worker__establishment")
        .filter(token=token)
        .first()
    )


def certificate_for(user: User | Any, pk: int) -> HealthCertificate:
    certificate = HealthCertificate.objects.select_related("worker__establishment__activity").get(
        pk=pk
    )
    if certificate.worker.establishment.owner_id != _party_id(user) and not is_staff_reader(user):
        raise HealthCertificate.DoesNotExist
    return certificate


def _valid_certificates() -> QuerySet[HealthCertificate]:
    return HealthCertificate.objects.filter(
        result=MedicalResult.FIT, valid_until__gte=timezone.localdate()
    )


def workers_of(establishment: Establishment) -> QuerySet[Worker]:
    return (
        Worker.objects.filter(establishment=establishment, is_active=True)
        .annotate(
            certified=Exists(_valid_certificates().filter(worker=OuterRef("pk"))),
        )
        .prefetch_related("certificates")
        .order_by("name", "pk")
    )


def pending_certificate_requests(establishment: Establishment) -> dict[int, Any]:
    """Open certificate applications of the establishment's workers, by worker."""
    return {
        r.worker_id: r
        for r in CertificateRequest.objects.filter(
            worker__establishment=establishment, case__closed_at__isnull=True
        ).select_related("case__state")
    }


def photo_data_uri(worker: Worker) -> str:
    """The worker's photo inlined for his card (empty when there is none)."""
    if not worker.photo:
        return ""
    with worker.photo.open("rb") as handle:
        data = handle.read()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def map_features(bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """Licensed establishments and billboards inside ``bbox`` (the GIS map)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    inside = {
        "latitude__range": (Decimal(str(min_lat)), Decimal(str(max_lat))),
        "longitude__range": (Decimal(str(min_lon)), Decimal(str(max_lon))),
    }
    features = [
        _point(e.longitude, e.latitude, e.name, e.activity.name)
        for e in Establishment.objects.filter(closed_on__isnull=True, **inside).select_related(
            "activity"
        )[:2000]
    ]
    features += [
        _point(b.longitude, b.latitude, b.site, b.get_status_display())
        for b in Billboard.objects.filter(**inside)[:1000]
    ]
    return features


def _point(lon: Any, lat: Any, title: str, status: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
        "properties": {"title": title, "status": status},
    }


def workers_without_certificate(establishment: Establishment) -> list[Worker]:
    return list(
        Worker.objects.filter(establishment=establishment, is_active=True)
        .filter(~Exists(_valid_certificates().filter(worker=OuterRef("pk"))))
        .order_by("name", "pk")
    )


def billboards_of(user: User | Any) -> QuerySet[Billboard]:
    return (
        Billboard.objects.filter(owner_id=_party_id(user))
        .select_related("case__state")
        .order_by("-created_at", "-pk")
    )


def billboard_for(user: User | Any, pk: int) -> Billboard:
    billboard = Billboard.objects.select_related("owner", "case__state").get(pk=pk)
    if billboard.owner_id != _party_id(user) and not is_staff_reader(user):
        raise Billboard.DoesNotExist
    return billboard


def billboard_by_token(token: str) -> Billboard | None:
    return Billboard.objects.filter(token=token).first()


def transfers_waiting_for(user: User | Any) -> QuerySet[TransferConsent]:
    return TransferConsent.objects.filter(
        new_owner_id=_party_id(user), completed_at__isnull=True
    ).select_related("licence__establishment")


def payers(establishment: Establishment) -> list[Party]:
    """Whose unpaid dues block the establishment: the establishment itself (its
    fines) and its owner."""
    parties = [establishment.owner]
    if establishment.party is not None:
        parties.insert(0, establishment.party)
    return parties


def has_business(user: User | Any) -> bool:
    party_id = _party_id(user)
    return bool(party_id) and (
        Establishment.objects.filter(owner_id=party_id).exists()
        or Billboard.objects.filter(owner_id=party_id).exists()
    )


def staff_licences(
    *, user: User, query: str = "", status: str = "", limit: int = 200
) -> list[Licence]:
    core.require(user, "licensing.view")
    qs = Licence.objects.select_related("establishment__activity", "holder", "case__state")
    if status:
        qs = qs.filter(status=status)
    query = core.normalize_digits((query or "").strip())
    if query:
        qs = qs.filter(
            Q(number__icontains=query)
            | Q(establishment__name__icontains=query)
            | Q(establishment__commercial_registration=query)
            | Q(holder__national_id=query)
            | Q(case__reference__iexact=query)
        )
    return list(qs.order_by("-created_at", "-pk")[:limit])


def staff_billboards(*, user: User, limit: int = 200) -> list[Billboard]:
    core.require(user, "licensing.view")
    return list(Billboard.objects.select_related("owner").order_by("-created_at", "-pk")[:limit])


def staff_workers(*, user: User, query: str = "", limit: int = 100) -> Sequence[Worker]:
    core.require(user, "licensing.view")
    qs = Worker.objects.filter(is_active=True).select_related("establishment")
    query = core.normalize_digits((query or "").strip())
    if query:
        qs = qs.filter(
            Q(id_number=query) | Q(name__icontains=query) | Q(establishment__name__icontains=query)
        )
    return list(qs.order_by("name", "pk")[:limit])


def expiring(*, within_days: int = 30) -> QuerySet[Licence]:
    today = timezone.localdate()
    return Licence.objects.filter(
        status=LicenceStatus.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=within_days),
    )


def linked_to_parcel(parcel: Any, user: Any) -> list[Any]:
    """Licences of establishments on a parcel (for the parcel's card on the map)."""
    return [
        gis.LinkedRecord(
            kind=_("Shop licence"),
            reference=licence.number or "",
            title=licence.establishment.name,
            url=reverse("licensing:staff-licence", args=[licence.pk]),
            status=licence.get_status_display(),
        )
        for licence in Licence.objects.filter(
            establishment__parcel=parcel, number__isnull=False
        ).select_related("establishment")[:50]
    ]
