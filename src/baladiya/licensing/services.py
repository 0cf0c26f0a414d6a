"""Licensing write use-cases: applications for shop and billboard licences on the
workflow engine, fees raised in revenue, issue once paid, renewal (refused while
fines or dues are unpaid), transfer with both parties' consent, cancellation on
closure, workers and their health certificates, reminders and expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baladiya.core import api as core
from baladiya.core.api import AccessDenied, Party, User
from baladiya.gis import api as gis
from baladiya.licensing import selectors
from baladiya.licensing.models import (
    Activity,
    Billboard,
    BillboardStatus,
    CertificateRequest,
    Establishment,
    HealthCertificate,
    Licence,
    LicenceStatus,
    MedicalResult,
    SignType,
    TransferConsent,
    Worker,
)
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

DATA = Path(__file__).resolve().parent / "data"
PROCESSES = (
    "shop-license-new",
    "shop-license-renew",
    "billboard-license",
    "health-certificate-new",
    "health-certificate-renew",
)
NEW, RENEW, BILLBOARD, HEALTH_NEW, HEALTH_RENEW = PROCESSES
SYSTEM_ROLE = "licensing-system"
SYSTEM_USERNAME = "licensing-system"
LICENCE_HEAD = "licence-shop"
BILLBOARD_HEAD = "licence-billboard"
CERTIFICATE_HEAD = "health-certificate"
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class LicensingError(ValidationError):
    """A licensing operation refused for a business reason (message translated)."""


# --- Set-up: activities, fees, processes ---------------------------------------------


def _reference_data() -> dict[str, Any]:
    return yaml.safe_load((DATA / "activities.yaml").read_text(encoding="utf-8"))


def _head(code: str, name_ar: str, name_en: str) -> tuple[Any, bool]:
    head = revenue.head_by_code(code)
    if head is not None:
        return head, False
    return (
        revenue.create_revenue_head(
            actor=None, code=code, name_ar=name_ar, name_en=name_en, account_code="4101"
        ),
        True,
    )


@transaction.atomic
def install(*, actor: User | None) -> dict[str, int]:
    """The activity classification, the fee heads and schedules and the licensing
    processes (idempotent: a second run changes nothing)."""
    if actor is not None:
        core.require(actor, "licensing.manage")
    data = _reference_data()
    start = dt.date(timezone.localdate().year, 1, 1)
    shop, new_shop = _head(LICENCE_HEAD, "رسوم رخصة مهن وحرف", "Shop licence fee")
    made = 0
    for order, row in enumerate(data["activities"]):
        _activity, created = Activity.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_ar": row["ar"],
                "name_en": row["en"],
                "isic": str(row.get("isic", "")),
                "is_food": bool(row.get("food", False)),
                "order": order,
            },
        )
        made += int(created)
        if new_shop or created:
            revenue.add_fee_schedule(
                actor=None,
                head=shop,
                effective_from=start,
                method="slabs",
                slabs=[{"upto": s.get("upto"), "rate": str(s["rate"])} for s in row["slabs"]],
                minimum=str(row["minimum"]),
                unit="m2",
                category=row["code"],
            )
    boards, new_boards = _head(BILLBOARD_HEAD, "رسوم ترخيص لوحة إعلانية", "Billboard licence fee")
    if new_boards:
        for sign_type, rate in data["billboard_rates"].items():
            revenue.add_fee_schedule(
                actor=None,
                head=boards,
                effective_from=start,
                method="per-unit",
                rate=str(rate),
                unit="m2",
                minimum="100",
                category=sign_type,
            )
    certificates, new_certificates = _head(
        CERTIFICATE_HEAD, "رسوم الشهادة الصحية", "Health certificate fee"
    )
    if new_certificates:
        revenue.add_fee_schedule(
            actor=None,
            head=certificates,
            effective_from=start,
            method="fixed",
            rate=str(data["certificate_fee"]),
        )
    for key in PROCESSES:
        workflow.install_definition(actor=None, spec=process_spec(key))
    return {"activities": made}


def process_spec(key: str) -> dict[str, Any]:
    """The process definition of one of the licensing services."""
    return yaml.safe_load((DATA / "processes" / f"{key}.yaml").read_text(encoding="utf-8"))


def _system_user() -> User:
    """The account that moves a case on when revenue reports a fee paid."""
    user = core.user_by_username(SYSTEM_USERNAME)
    if user is None:
        user = core.create_staff_user(
            actor=None,
            username=SYSTEM_USERNAME,
            password="",
            first_name="النظام",
            last_name="الرخص",
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not core.has_role(user, SYSTEM_ROLE):
        try:
            core.assign_role(actor=None, user=user, role_key=SYSTEM_ROLE)
        except Exception:  # the role is installed with the default roles
            core.install_default_roles(actor=None)
            core.assign_role(actor=None, user=user, role_key=SYSTEM_ROLE)
        user = core.user_by_username(SYSTEM_USERNAME) or user
    return user


# --- Input helpers ------------------------------------------------------------------


def _money_text(amount: Decimal) -> str:
    org = core.organisation()
    return core.format_money(amount, org.currency if org is not None else "ILS")


def _decimal(value: object, field: str, errors: dict[str, list[str]], *, low: str) -> Decimal:
    number = core.parse_number(value or "")
    if number is None:
        errors[field] = [_("Enter a number.")]
        return Decimal(0)
    if number < Decimal(low):
        errors[field] = [_("Enter a number of at least %(low)s.") % {"low": low}]
    return number


def _coordinates(
    latitude: object, longitude: object, errors: dict[str, list[str]]
) -> tuple[Decimal | None, Decimal | None]:
    if not str(latitude or "").strip() or not str(longitude or "").strip():
        return None, None
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        errors["latitude"] = [_("The location on the map is not valid.")]
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["latitude"] = [_("The location on the map is not valid.")]
        return None, None
    return lat, lon


def _parcel_at(lat: Decimal | None, lon: Decimal | None) -> Any:
    if lat is None or lon is None:
        return None
    return gis.parcel_at_point(float(lon), float(lat))


def _owner_party(actor: User) -> Party:
    party = getattr(actor, "party", None)
    if party is None:
        raise AccessDenied(_("Your account is not linked to a citizen record."))
    return party


def _own_licence(actor: User, licence_id: int) -> Licence:
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("establishment__activity", "establishment__party", "holder")
        .get(pk=licence_id)
    )
    if licence.holder_id != getattr(actor, "party_id", None):
        raise Licence.DoesNotExist
    return licence


# --- New shop licence ---------------------------------------------------------------


@transaction.atomic
def apply_for_licence(
    *,
    actor: User,
    name: str,
    activity: str,
    area: object,
    commercial_registration: str = "",
    address: str = "",
    latitude: object = "",
    longitude: object = "",
    idempotency_key: str = "",
    documents: dict[str, UploadedFile] | None = None,
) -> Licence:
    """A business owner applies for the shop licence of a new establishment: the
    establishment is registered (with its registration number, as a party that
    fines can be raised on), linked to the parcel under its pin, and a case opens."""
    owner = _owner_party(actor)
    if idempotency_key:
        found = Licence.objects.filter(case__idempotency_key=f"licence:{idempotency_key}").first()
        if found is not None:
            return found
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Enter the trade name.")]
    kind = Activity.objects.filter(code=activity).first()
    if kind is None:
        errors["activity"] = [_("Choose an activity from the list.")]
    size = _decimal(area, "area", errors, low="1")
    lat, lon = _coordinates(latitude, longitude, errors)
    if lat is None and not (address or "").strip():
        errors["address"] = [_("Put a pin on the map or describe the address.")]
    cr = core.normalize_digits((commercial_registration or "").strip())
    party = None
    if cr and not errors:
        party = core.party_by_commercial_registration(cr)
        if party is not None and party.owner_id not in (None, owner.pk):
            errors["commercial_registration"] = [
                _("This registration number belongs to another owner's establishment.")
            ]
    if errors:
        raise LicensingError(errors)
    assert kind is not None
    if cr and party is None:
        try:
            party = core.register_establishment(
                actor=None,
                commercial_registration=cr,
                name_ar=name,
                owner=owner,
                address_ar=address,
            )
        except ValidationError as exc:
            raise LicensingError(exc.message_dict) from exc
    establishment = Establishment.objects.create(
        owner=owner,
        party=party,
        name=name,
        commercial_registration=party.commercial_registration if party else "",
        activity=kind,
        area=size,
        address=(address or "").strip()[:300],
        latitude=lat,
        longitude=lon,
        parcel=_parcel_at(lat, lon),
    )
    case = workflow.open_case(
        actor=actor,
        service_key=NEW,
        applicant=owner,
        data={
            "trade-name": name,
            "activity": kind.code,
            "area": str(size),
            "establishment": establishment.pk,
        },
        title=name,
        idempotency_key=f"licence:{idempotency_key}" if idempotency_key else None,
    )
    for document, upload in (documents or {}).items():
        try:
            workflow.add_attachment(actor=actor, case=case, upload=upload, kind=document)
        except ValidationError as exc:
            raise LicensingError({document: exc.messages}) from exc
    licence = Licence.objects.create(establishment=establishment, holder=owner, case=case)
    core.record_audit(
        actor=actor,
        action="licensing.licence.apply",
        obj=licence,
        after={"establishment": establishment.pk, "case": case.reference},
    )
    return licence


@transaction.atomic
def adopt_case(*, case_id: int, service_key: str) -> object:
    """A case opened elsewhere (the one-stop shop's forms) for one of the
    licensing services: attach the licensing record it needs."""
    if (
        Licence.objects.filter(case_id=case_id).exists()
        or Billboard.objects.filter(case_id=case_id).exists()
        or CertificateRequest.objects.filter(case_id=case_id).exists()
    ):
        return None
    system = _system_user()
    case = workflow.case_for(system, case_id=case_id)
    if case.applicant is None:
        return None
    data = case.data or {}
    if service_key == NEW:
        return _adopt_new(case, data)
    if service_key == RENEW:
        return _adopt_renewal(case, data, system)
    if service_key == BILLBOARD:
        return _adopt_billboard(case, data)
    return _adopt_certificate(case, data)


def _location(data: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    location = data.get("location") or {}
    if not isinstance(location, dict):
        return None, None
    return _coordinates(location.get("lat"), location.get("lon"), {})


def _adopt_new(case: Any, data: dict[str, Any]) -> Licence | None:
    kind = Activity.objects.filter(code=data.get("activity")).first()
    kind = kind or Activity.objects.filter(code="other").first()
    if kind is None:
        return None
    lat, lon = _location(data)
    errors: dict[str, list[str]] = {}
    area = _decimal(data.get("area", "1"), "area", errors, low="1")
    establishment = Establishment.objects.create(
        owner=case.applicant,
        name=str(data.get("trade-name") or case.title)[:200],
        activity=kind,
        area=Decimal(1) if errors else area,
        latitude=lat,
        longitude=lon,
        parcel=_parcel_at(lat, lon),
    )
    licence = Licence.objects.create(establishment=establishment, holder=case.applicant, case=case)
    core.record_audit(actor=None, action="licensing.licence.adopt", obj=licence)
    return licence


def _adopt_renewal(case: Any, data: dict[str, Any], system: User) -> Licence | None:
    number = core.normalize_digits(str(data.get("licence-number", ""))).strip().upper()
    licence = (
        Licence.objects.select_related("establishment__activity", "establishment__party")
        .filter(number=number, holder=case.applicant)
        .first()
    )
    if licence is None:
        reasons = [_("You hold no licence with the number %(number)s.") % {"number": number}]
    elif licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
        reasons = [_("Only a valid or expired licence can be renewed.")]
    elif Licence.objects.filter(previous=licence).exists():
        reasons = [_("A renewal of this licence was already requested.")]
    else:
        reasons = [b.message for b in renewal_blockers(licence)]
    if reasons or licence is None:
        workflow.take_action(
            actor=system, case_id=case.pk, action_key="refuse", comment=" ".join(reasons)
        )
        return None
    renewal = Licence.objects.create(
        establishment=licence.establishment, holder=licence.holder, case=case, previous=licence
    )
    core.record_audit(actor=None, action="licensing.licence.adopt", obj=renewal)
    return renewal


def _adopt_billboard(case: Any, data: dict[str, Any]) -> Billboard | None:
    errors: dict[str, list[str]] = {}
    width = _decimal(data.get("width"), "width", errors, low="0.1")
    height = _decimal(data.get("height"), "height", errors, low="0.1")
    sign_type = str(data.get("sign-type", ""))
    if errors or sign_type not in SignType.values:
        return None
    lat, lon = _location(data)
    billboard = Billboard.objects.create(
        owner=case.applicant,
        site=str(data.get("site") or case.title)[:300],
        width=width,
        height=height,
        sign_type=sign_type,
        latitude=lat,
        longitude=lon,
        parcel=_parcel_at(lat, lon),
        case=case,
    )
    core.record_audit(actor=None, action="licensing.billboard.adopt", obj=billboard)
    return billboard


def _adopt_certificate(case: Any, data: dict[str, Any]) -> CertificateRequest | None:
    """A worker's certificate asked for on the one-stop form: the worker joins
    the list of the owner's establishment (when he has exactly one)."""
    establishments = list(
        Establishment.objects.filter(owner=case.applicant, closed_on__isnull=True)[:2]
    )
    if len(establishments) != 1:
        return None
    if data.get("certificate-number"):
        previous = (
            HealthCertificate.objects.select_related("worker")
            .filter(
                number=str(data["certificate-number"]).strip().upper(),
                worker__establishment=establishments[0],
            )
            .first()
        )
        worker = previous.worker if previous else None
    else:
        id_number = core.normalize_digits(str(data.get("worker-id", ""))).strip()
        worker, _created = Worker.objects.get_or_create(
            establishment=establishments[0],
            id_number=id_number,
            defaults={
                "name": str(data.get("worker-name", ""))[:200],
                "nationality": str(data.get("nationality", ""))[:80],
                "job": str(data.get("job", ""))[:120],
            },
        )
    if worker is None:
        return None
    request = CertificateRequest.objects.create(worker=worker, case=case)
    core.record_audit(actor=None, action="licensing.certificate.adopt", obj=request)
    return request


# --- Fees and issue -----------------------------------------------------------------


def licence_fee(establishment: Establishment, on: dt.date | None = None) -> Decimal:
    head = revenue.head_by_code(LICENCE_HEAD)
    if head is None:
        raise LicensingError(_("The licence fees are not set up yet."))
    return revenue.calculate_fee(
        head=head,
        on=on or timezone.localdate(),
        quantity=establishment.area,
        category=establishment.activity.code,
    )


@transaction.atomic
def raise_licence_fee(*, case_id: int) -> Licence | None:
    """The case reached "awaiting payment": raise the year's fee on the holder."""
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("establishment__activity", "holder", "case")
        .filter(case_id=case_id)
        .first()
    )
    if licence is None or licence.demand_id is not None:
        return licence
    establishment = licence.establishment
    demand = revenue.create_demand(
        actor=None,
        party=licence.holder,
        lines=[
            revenue.DemandLineSpec(
                head=LICENCE_HEAD,
                quantity=establishment.area,
                category=establishment.activity.code,
                description=_("Shop licence: %(name)s") % {"name": establishment.name},
            )
        ],
        due_date=timezone.localdate() + dt.timedelta(days=30),
        description=_("Shop licence: %(name)s") % {"name": establishment.name},
        source_type="licensing.licence",
        source_id=str(licence.pk),
        idempotency_key=f"licensing:licence:{licence.pk}",
    )
    licence.demand_id = demand.pk
    licence.fee = demand.total
    licence.status = LicenceStatus.AWAITING_PAYMENT
    licence.save(update_fields=["demand_id", "fee", "status"])
    core.notify(
        event_key=f"licensing.fee:{licence.pk}",
        party=licence.holder,
        subject=gettext_lazy("Your licence fee is ready to pay"),
        body=gettext_lazy(
            "The application %(ref)s was approved. Pay %(amount)s to have the licence issued."
        ),
        params={
            "ref": licence.case.reference if licence.case else "",
            "amount": _money_text(demand.total),
        },
        link=reverse("licensing:licence", args=[licence.pk]),
    )
    return licence


def _licence_number(year: int) -> str:
    return f"LIC-{year}-{core.next_number(key=f'licence:{year}'):06d}"


@transaction.atomic
def issue_licence(*, licence_id: int) -> Licence:
    """The fee is paid: number the licence, give it a year's validity, close
    the previous term and move the case to "issued". Idempotent."""
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("previous", "case", "establishment")
        .get(pk=licence_id)
    )
    if licence.number:
        return licence
    today = timezone.localdate()
    previous = licence.previous
    start = today
    if (
        previous is not None
        and previous.valid_until is not None
        and previous.valid_until >= today
        and previous.status == LicenceStatus.ACTIVE
    ):
        start = previous.valid_until + dt.timedelta(days=1)
    licence.number = _licence_number(today.year)
    licence.valid_from = start
    licence.valid_until = _one_year(start)
    licence.status = LicenceStatus.ACTIVE
    licence.issued_at = timezone.now()
    licence.save()
    if previous is not None and previous.status in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
        Licence.objects.filter(pk=previous.pk).update(status=LicenceStatus.RENEWED, ended_on=today)
    core.record_audit(
        actor=None,
        action="licensing.licence.issue",
        obj=licence,
        after={"number": licence.number, "valid_until": licence.valid_until},
    )
    if licence.case is not None and licence.case.closed_at is None:
        workflow.take_action(actor=_system_user(), case_id=licence.case.pk, action_key="issue")
    core.notify(
        event_key=f"licensing.issued:{licence.pk}",
        party=licence.holder,
        subject=gettext_lazy("Your licence %(number)s was issued"),
        body=gettext_lazy(
            "The licence of %(name)s is valid until %(until)s. Download it from your account."
        ),
        params={
            "number": licence.number,
            "name": licence.establishment.name,
            "until": licence.valid_until.isoformat(),
        },
        link=reverse("licensing:licence", args=[licence.pk]),
    )
    return licence


def _one_year(start: dt.date) -> dt.date:
    try:
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


@transaction.atomic
def close_refused(*, case_id: int) -> None:
    """The case was rejected: the application record says so."""
    Licence.objects.filter(case_id=case_id, number__isnull=True).update(
        status=LicenceStatus.REFUSED, previous=None
    )
    Billboard.objects.filter(case_id=case_id, number__isnull=True).update(
        status=BillboardStatus.EXPIRED
    )


# --- Renewal -----------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """Why a renewal is refused: a sentence and where to fix it."""

    message: str
    url: str = ""


def renewal_blockers(licence: Licence) -> list[Blocker]:
    """What stops the renewal of ``licence``: unpaid fines or dues of the
    establishment or its owner, and (food activities) workers without a valid
    health certificate."""
    establishment = licence.establishment
    blockers: list[Blocker] = []
    for party in selectors.payers(establishment):
        owed = revenue.amount_owed(party)
        if owed > 0:
            numbers = ", ".join(d.number for d in revenue.open_demands(user=None, party=party)[:5])
            blockers.append(
                Blocker(
                    _(
                        "%(party)s owes %(amount)s (%(demands)s). Pay it before the licence "
                        "can be renewed."
                    )
                    % {"party": party.name, "amount": _money_text(owed), "demands": numbers},
                    reverse("licensing:dues", args=[establishment.pk]),
                )
            )
    if establishment.activity.is_food:
        missing = selectors.workers_without_certificate(establishment)
        if missing:
            blockers.append(
                Blocker(
                    _("These workers have no valid health certificate: %(names)s.")
                    % {"names": "، ".join(w.name for w in missing)},
                    reverse("licensing:workers", args=[establishment.pk]),
                )
            )
    return blockers


@transaction.atomic
def apply_for_renewal(*, actor: User, licence_id: int) -> Licence:
    """Ask for the next year of a licence; refused (with what is owed and where
    to pay it) while fines or dues are unpaid."""
    licence = _own_licence(actor, licence_id)
    if licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
        raise LicensingError(_("Only a valid or expired licence can be renewed."))
    pending = Licence.objects.filter(previous=licence).first()
    if pending is not None:
        return pending
    if licence.establishment.closed_on is not None:
        raise LicensingError(_("The establishment is closed."))
    blockers = renewal_blockers(licence)
    if blockers:
        raise LicensingError([b.message for b in blockers])
    case = workflow.open_case(
        actor=actor,
        service_key=RENEW,
        applicant=licence.holder,
        data={"licence-number": licence.number, "establishment": licence.establishment_id},
        title=licence.establishment.name,
        idempotency_key=f"licence-renewal:{licence.pk}:{licence.valid_until}",
    )
    renewal = Licence.objects.create(
        establishment=licence.establishment, holder=licence.holder, case=case, previous=licence
    )
    core.record_audit(
        actor=actor,
        action="licensing.licence.renew",
        obj=renewal,
        after={"previous": licence.number, "case": case.reference},
    )
    return renewal


# --- Transfer and cancellation -----------------------------------------------------


@transaction.atomic
def request_transfer(*, actor: User, licence_id: int, new_owner_id_number: str) -> TransferConsent:
    """The current owner consents to hand the licence to a new owner; the new
    owner must consent in turn from his own account."""
    licence = _own_licence(actor, licence_id)
    return _start_transfer(actor, licence, new_owner_id_number)


@transaction.atomic
def transfer_from_case(*, case_id: int) -> TransferConsent | None:
    """A transfer asked on the one-stop form was approved: the applicant's
    consent is on the case; the new owner is asked for his."""
    case = workflow.case_for(_system_user(), case_id=case_id)
    data = case.data or {}
    number = core.normalize_digits(str(data.get("licence-number", ""))).strip().upper()
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .filter(number=number, holder=case.applicant)
        .first()
    )
    if licence is None:
        return None
    try:
        return _start_transfer(None, licence, str(data.get("new-owner-id", "")))
    except ValidationError:
        return None


def _start_transfer(
    actor: User | None, licence: Licence, new_owner_id_number: str
) -> TransferConsent:
    if not licence.is_valid:
        raise LicensingError(_("Only a valid licence can be transferred."))
    new_owner = core.party_by_national_id(core.normalize_digits(new_owner_id_number.strip()))
    if new_owner is None:
        raise LicensingError({"new_owner": [_("No person is registered with this ID number.")]})
    if new_owner.pk == licence.holder_id:
        raise LicensingError({"new_owner": [_("The new owner is already the holder.")]})
    existing = TransferConsent.objects.filter(licence=licence, completed_at__isnull=True).first()
    if existing is not None:
        raise LicensingError(_("A transfer of this licence is already waiting for consent."))
    try:
        with transaction.atomic():
            transfer = TransferConsent.objects.create(
                licence=licence, new_owner=new_owner, seller_consented_at=timezone.now()
            )
    except IntegrityError as exc:
        raise LicensingError(
            _("A transfer of this licence is already waiting for consent.")
        ) from exc
    core.record_audit(
        actor=actor,
        action="licensing.transfer.request",
        obj=transfer,
        after={"licence": licence.number, "to": new_owner.pk},
    )
    core.notify(
        event_key=f"licensing.transfer:{transfer.pk}",
        party=new_owner,
        subject=gettext_lazy("A licence is being transferred to you"),
        body=gettext_lazy("Confirm the transfer of licence %(number)s from your account."),
        params={"number": licence.number},
        link=reverse("licensing:home"),
    )
    return transfer


@transaction.atomic
def consent_to_transfer(*, actor: User, transfer_id: int) -> Licence:
    """The new owner consents: the establishment changes hands and a new licence
    term for the rest of the year is issued to him; the old one ends."""
    transfer = (
        TransferConsent.objects.select_for_update(of=("self",))
        .select_related("licence__establishment")
        .get(pk=transfer_id)
    )
    if transfer.new_owner_id != getattr(actor, "party_id", None):
        raise TransferConsent.DoesNotExist
    if transfer.completed_at is not None:
        return Licence.objects.get(previous=transfer.licence)
    old = transfer.licence
    if not old.is_valid:
        raise LicensingError(_("The licence is no longer valid."))
    now, today = timezone.now(), timezone.localdate()
    establishment = old.establishment
    establishment.owner = transfer.new_owner
    establishment.save(update_fields=["owner"])
    Licence.objects.filter(pk=old.pk).update(
        status=LicenceStatus.TRANSFERRED, ended_on=today, end_reason=_("Transferred")
    )
    licence = Licence.objects.create(
        establishment=establishment,
        holder=transfer.new_owner,
        previous=old,
        number=_licence_number(today.year),
        status=LicenceStatus.ACTIVE,
        valid_from=today,
        valid_until=old.valid_until,
        issued_at=now,
    )
    transfer.buyer_consented_at = now
    transfer.completed_at = now
    transfer.save(update_fields=["buyer_consented_at", "completed_at"])
    core.record_audit(
        actor=actor,
        action="licensing.transfer.complete",
        obj=licence,
        before={"licence": old.number, "holder": old.holder_id},
        after={"licence": licence.number, "holder": licence.holder_id},
    )
    return licence


@transaction.atomic
def cancel_licence(
    *, actor: User, licence_id: int, closure_date: dt.date, reason: str = ""
) -> Licence:
    """The owner closes his establishment: the licence is cancelled from the
    closure date."""
    licence = _own_licence(actor, licence_id)
    if licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
        raise LicensingError(_("Only a valid or expired licence can be cancelled."))
    if closure_date > timezone.localdate() + dt.timedelta(days=90):
        raise LicensingError({"closure_date": [_("The closure date is too far ahead.")]})
    before = licence.status
    licence.status = LicenceStatus.CANCELLED
    licence.ended_on = closure_date
    licence.end_reason = (reason or "").strip()[:300] or _("Closure of the establishment")
    licence.save(update_fields=["status", "ended_on", "end_reason"])
    Establishment.objects.filter(pk=licence.establishment_id).update(closed_on=closure_date)
    core.record_audit(
        actor=actor,
        action="licensing.licence.cancel",
        obj=licence,
        before={"status": before},
        after={"status": licence.status, "closed_on": closure_date},
    )
    return licence


CANCEL, TRANSFER = "shop-license-cancel", "shop-license-transfer"


@transaction.atomic
def cancel_from_case(*, case_id: int) -> Licence | None:
    """A cancellation asked on the one-stop form was approved: cancel the
    applicant's licence from the closure date given."""
    case = workflow.case_for(_system_user(), case_id=case_id)
    data = case.data or {}
    number = core.normalize_digits(str(data.get("licence-number", ""))).strip().upper()
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .filter(number=number, holder=case.applicant)
        .first()
    )
    if licence is None or licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED):
        return None
    try:
        closure = dt.date.fromisoformat(str(data.get("closure-date", "")))
    except ValueError:
        closure = timezone.localdate()
    licence.status = LicenceStatus.CANCELLED
    licence.ended_on = closure
    licence.end_reason = str(data.get("reason") or _("Closure of the establishment"))[:300]
    licence.save(update_fields=["status", "ended_on", "end_reason"])
    Establishment.objects.filter(pk=licence.establishment_id).update(closed_on=closure)
    core.record_audit(
        actor=None,
        action="licensing.licence.cancel",
        obj=licence,
        after={"status": licence.status, "case": case.reference, "closed_on": closure},
    )
    return licence


# --- Reminders and expiry ----------------------------------------------------------


def remind_and_expire(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind holders 30 and 7 days before expiry (once each) and expire the
    licences past their end date. Idempotent."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "expired": 0}
    for days, flag in ((30, "reminded_30"), (7, "reminded_7")):
        due = Licence.objects.filter(
            status=LicenceStatus.ACTIVE,
            valid_until__lte=today + dt.timedelta(days=days),
            valid_until__gte=today,
            **{flag: False},
        ).select_related("establishment", "holder")
        for licence in due:
            with transaction.atomic():
                if not Licence.objects.filter(pk=licence.pk, **{flag: False}).update(
                    **{flag: True}
                ):
                    continue
                core.notify(
                    event_key=f"licensing.reminder-{days}:{licence.pk}",
                    party=licence.holder,
                    subject=gettext_lazy("Your licence %(number)s expires on %(until)s"),
                    body=gettext_lazy(
                        "Renew the licence of %(name)s before %(until)s to keep trading legally."
                    ),
                    params={
                        "number": licence.number,
                        "name": licence.establishment.name,
                        "until": licence.valid_until.isoformat() if licence.valid_until else "",
                    },
                    link=reverse("licensing:licence", args=[licence.pk]),
                )
                counts["reminded"] += 1
    expired = list(
        Licence.objects.filter(status=LicenceStatus.ACTIVE, valid_until__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in expired:
        with transaction.atomic():
            if Licence.objects.filter(pk=pk, status=LicenceStatus.ACTIVE).update(
                status=LicenceStatus.EXPIRED
            ):
                core.record_audit(
                    actor=None,
                    action="licensing.licence.expire",
                    obj=Licence.objects.get(pk=pk),
                    after={"status": LicenceStatus.EXPIRED},
                )
                counts["expired"] += 1
    with transaction.atomic():
        counts["expired"] += Billboard.objects.filter(
            status=BillboardStatus.ACTIVE, valid_until__lt=today
        ).update(status=BillboardStatus.EXPIRED)
    return counts


# --- Workers and health certificates ---------------------------------------------


def _own_establishment(actor: User, establishment_id: int) -> Establishment:
    establishment = Establishment.objects.select_related("activity").get(pk=establishment_id)
    if establishment.owner_id != getattr(actor, "party_id", None):
        raise Establishment.DoesNotExist
    return establishment


def _check_photo(photo: UploadedFile | None, errors: dict[str, list[str]]) -> None:
    if photo is None:
        return
    if photo.size and photo.size > MAX_PHOTO_BYTES:
        errors["photo"] = [_("The photo is larger than 5 MB.")]
        return
    photo.seek(0)
    head = photo.read(12)
    photo.seek(0)
    if not head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        errors["photo"] = [_("The photo must be a JPEG or PNG image.")]


@transaction.atomic
def add_worker(
    *,
    actor: User,
    establishment_id: int,
    name: str,
    nationality: str,
    id_number: str,
    job: str,
    photo: UploadedFile | None = None,
) -> Worker:
    """The owner adds a worker to his establishment's list."""
    establishment = _own_establishment(actor, establishment_id)
    errors: dict[str, list[str]] = {}
    values = {
        "name": (name or "").strip(),
        "nationality": (nationality or "").strip(),
        "id_number": core.normalize_digits((id_number or "").strip()),
        "job": (job or "").strip(),
    }
    for key, value in values.items():
        if not value:
            errors[key] = [_("This field is required.")]
    if values["id_number"] and not values["id_number"].isdigit():
        errors["id_number"] = [_("The ID or residence number has digits only.")]
    _check_photo(photo, errors)
    if (
        not errors
        and Worker.objects.filter(
            establishment=establishment, id_number=values["id_number"]
        ).exists()
    ):
        errors["id_number"] = [_("A worker with this number is already on your list.")]
    if errors:
        raise LicensingError(errors)
    worker = Worker(establishment=establishment, **values)
    if photo is not None:
        worker.photo.save(f"{values['id_number']}-{photo.name or 'photo'}", photo, save=False)
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError as exc:
        raise LicensingError(
            {"id_number": [_("A worker with this number is already on your list.")]}
        ) from exc
    core.record_audit(
        actor=actor,
        action="licensing.worker.add",
        obj=worker,
        after={"establishment": establishment.pk},
    )
    return worker


@transaction.atomic
def remove_worker(*, actor: User, worker_id: int) -> Worker:
    worker = Worker.objects.select_related("establishment").get(pk=worker_id)
    _own_establishment(actor, worker.establishment_id)
    if worker.is_active:
        worker.is_active = False
        worker.save(update_fields=["is_active"])
        core.record_audit(actor=actor, action="licensing.worker.remove", obj=worker)
    return worker


def _new_certificate(
    worker: Worker, *, result: str, checked_on: dt.date, months: int = 12, note: str = ""
) -> HealthCertificate:
    valid_until = _months_later(checked_on, months) if result == MedicalResult.FIT else checked_on
    year = checked_on.year
    return HealthCertificate.objects.create(
        worker=worker,
        number=f"HC-{year}-{core.next_number(key=f'health-certificate:{year}'):06d}",
        result=result,
        checked_on=checked_on,
        valid_until=valid_until,
        note=(note or "").strip()[:300],
    )


def _certificate_fee(*, party: Party, worker: Worker, source_type: str, pk: int) -> Any:
    return revenue.create_demand(
        actor=None,
        party=party,
        lines=[
            revenue.DemandLineSpec(
                head=CERTIFICATE_HEAD,
                description=_("Health certificate: %(name)s") % {"name": worker.name},
            )
        ],
        due_date=timezone.localdate() + dt.timedelta(days=30),
        description=_("Health certificate: %(name)s") % {"name": worker.name},
        source_type=source_type,
        source_id=str(pk),
        idempotency_key=f"{source_type}:{pk}",
    )


@transaction.atomic
def apply_for_certificate(*, actor: User, worker_id: int) -> CertificateRequest:
    """The owner applies for a worker's health certificate (or its renewal)."""
    worker = Worker.objects.select_related("establishment").get(pk=worker_id)
    establishment = _own_establishment(actor, worker.establishment_id)
    if not worker.is_active:
        raise LicensingError(_("This worker no longer works at the establishment."))
    pending = CertificateRequest.objects.filter(
        worker=worker, certificate__isnull=True, case__closed_at__isnull=True
    ).first()
    if pending is not None:
        return pending
    case = workflow.open_case(
        actor=actor,
        service_key=HEALTH_RENEW if worker.certificates.exists() else HEALTH_NEW,
        applicant=establishment.owner,
        data={
            "worker": worker.pk,
            "worker-name": worker.name,
            "worker-id": worker.id_number,
            "nationality": worker.nationality,
            "job": worker.job,
        },
        title=worker.name,
    )
    request = CertificateRequest.objects.create(worker=worker, case=case)
    core.record_audit(
        actor=actor,
        action="licensing.certificate.apply",
        obj=request,
        after={"worker": worker.pk, "case": case.reference},
    )
    return request


@transaction.atomic
def raise_certificate_fee(*, case_id: int) -> CertificateRequest | None:
    """The certificate application was accepted: raise its fee on the owner."""
    request = (
        CertificateRequest.objects.select_for_update(of=("self",))
        .select_related("worker__establishment__owner")
        .filter(case_id=case_id)
        .first()
    )
    if request is None or request.demand_id is not None:
        return request
    demand = _certificate_fee(
        party=request.worker.establishment.owner,
        worker=request.worker,
        source_type="licensing.certificaterequest",
        pk=request.pk,
    )
    request.demand_id = demand.pk
    request.save(update_fields=["demand_id"])
    return request


@transaction.atomic
def certificate_fee_paid(*, request_id: int) -> None:
    """The fee is paid: the worker may come for the medical check."""
    request = CertificateRequest.objects.select_related("case__state").get(pk=request_id)
    if request.case.closed_at is None and request.case.state.key == "awaiting-payment":
        workflow.take_action(actor=_system_user(), case_id=request.case_id, action_key="paid")


@transaction.atomic
def certificate_from_case(*, case_id: int, action_key: str) -> HealthCertificate | None:
    """The officer took "fit" or "unfit" on the case page: record the certificate."""
    request = (
        CertificateRequest.objects.select_for_update(of=("self",))
        .select_related("worker")
        .filter(case_id=case_id)
        .first()
    )
    if request is None or request.certificate_id is not None:
        return None
    result = MedicalResult.FIT if action_key == "fit" else MedicalResult.UNFIT
    certificate = _new_certificate(request.worker, result=result, checked_on=timezone.localdate())
    request.certificate = certificate
    request.save(update_fields=["certificate"])
    core.record_audit(
        actor=None,
        action="licensing.certificate.record",
        obj=certificate,
        after={"worker": request.worker_id, "result": result, "case": case_id},
    )
    return certificate


@transaction.atomic
def record_medical_check(
    *,
    actor: User,
    worker_id: int,
    result: str,
    checked_on: dt.date | None = None,
    months: int = 12,
    note: str = "",
) -> HealthCertificate:
    """The health officer records a worker's medical check; a fit result gives a
    certificate valid ``months`` months. With a paid application the case moves
    on; a walk-in check raises the fee on the owner."""
    worker = Worker.objects.select_related("establishment__owner").get(pk=worker_id)
    core.require(actor, "licensing.record_medical_checks")
    if result not in MedicalResult.values:
        raise LicensingError({"result": [_("Choose the result of the medical check.")]})
    checked_on = checked_on or timezone.localdate()
    if checked_on > timezone.localdate():
        raise LicensingError({"checked_on": [_("The check date cannot be in the future.")]})
    request = (
        CertificateRequest.objects.select_for_update(of=("self",))
        .select_related("case__state")
        .filter(worker=worker, certificate__isnull=True, case__closed_at__isnull=True)
        .first()
    )
    if request is not None and request.case.state.key != "medical-check":
        raise LicensingError(_("The application of this worker is not paid yet."))
    certificate = _new_certificate(
        worker, result=result, checked_on=checked_on, months=months, note=note
    )
    if request is not None:
        request.certificate = certificate
        request.save(update_fields=["certificate"])
        workflow.take_action(
            actor=actor,
            case_id=request.case_id,
            action_key="fit" if result == MedicalResult.FIT else "unfit",
            comment=note or str(certificate.get_result_display()),
        )
    else:
        demand = _certificate_fee(
            party=worker.establishment.owner,
            worker=worker,
            source_type="licensing.healthcertificate",
            pk=certificate.pk,
        )
        certificate.demand_id = demand.pk
        certificate.save(update_fields=["demand_id"])
    core.record_audit(
        actor=actor,
        action="licensing.certificate.record",
        obj=certificate,
        after={"worker": worker.pk, "result": result, "valid_until": certificate.valid_until},
    )
    return certificate


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


# --- Billboards -------------------------------------------------------------------


@transaction.atomic
def apply_for_billboard(
    *,
    actor: User,
    site: str,
    width: object,
    height: object,
    sign_type: str,
    latitude: object = "",
    longitude: object = "",
    establishment_id: int | None = None,
    idempotency_key: str = "",
) -> Billboard:
    owner = _owner_party(actor)
    key = f"billboard:{idempotency_key}" if idempotency_key else None
    if key:
        found = Billboard.objects.filter(case__idempotency_key=key).first()
        if found is not None:
            return found
    errors: dict[str, list[str]] = {}
    if not (site or "").strip():
        errors["site"] = [_("Describe the site of the sign.")]
    w = _decimal(width, "width", errors, low="0.1")
    h = _decimal(height, "height", errors, low="0.1")
    if sign_type not in SignType.values:
        errors["sign_type"] = [_("Choose the type of sign.")]
    lat, lon = _coordinates(latitude, longitude, errors)
    establishment = None
    if establishment_id:
        establishment = Establishment.objects.filter(pk=establishment_id, owner=owner).first()
        if establishment is None:
            errors["establishment"] = [_("Choose one of your establishments.")]
    if errors:
        raise LicensingError(errors)
    case = workflow.open_case(
        actor=actor,
        service_key=BILLBOARD,
        applicant=owner,
        data={"site": site.strip(), "width": str(w), "height": str(h), "sign-type": sign_type},
        title=site.strip()[:300],
        idempotency_key=key,
    )
    billboard = Billboard.objects.create(
        owner=owner,
        establishment=establishment,
        site=site.strip()[:300],
        width=w,
        height=h,
        sign_type=sign_type,
        latitude=lat,
        longitude=lon,
        parcel=_parcel_at(lat, lon),
        case=case,
    )
    core.record_audit(
        actor=actor,
        action="licensing.billboard.apply",
        obj=billboard,
        after={"case": case.reference},
    )
    return billboard


@transaction.atomic
def raise_billboard_fee(*, case_id: int) -> Billboard | None:
    billboard = Billboard.objects.select_for_update().filter(case_id=case_id).first()
    if billboard is None or billboard.demand_id is not None:
        return billboard
    demand = revenue.create_demand(
        actor=None,
        party=billboard.owner,
        lines=[
            revenue.DemandLineSpec(
                head=BILLBOARD_HEAD,
                quantity=billboard.width * billboard.height,
                category=billboard.sign_type,
                description=_("Billboard licence: %(site)s") % {"site": billboard.site},
            )
        ],
        due_date=timezone.localdate() + dt.timedelta(days=30),
        description=_("Billboard licence: %(site)s") % {"site": billboard.site},
        source_type="licensing.billboard",
        source_id=str(billboard.pk),
        idempotency_key=f"licensing:billboard:{billboard.pk}",
    )
    billboard.demand_id = demand.pk
    billboard.status = BillboardStatus.AWAITING_PAYMENT
    billboard.save(update_fields=["demand_id", "status"])
    return billboard


@transaction.atomic
def issue_billboard(*, billboard_id: int) -> Billboard:
    billboard = (
        Billboard.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=billboard_id)
    )
    if billboard.status == BillboardStatus.ACTIVE:
        return billboard
    today = timezone.localdate()
    start = billboard.next_term_start()
    if not billboard.number:
        billboard.number = f"ADV-{today.year}-{core.next_number(key=f'billboard:{today.year}'):06d}"
    billboard.valid_until = _one_year(start)
    billboard.status = BillboardStatus.ACTIVE
    billboard.save(update_fields=["number", "valid_until", "status"])
    core.record_audit(
        actor=None,
        action="licensing.billboard.issue",
        obj=billboard,
        after={"number": billboard.number, "valid_until": billboard.valid_until},
    )
    if billboard.case is not None and billboard.case.closed_at is None:
        workflow.take_action(actor=_system_user(), case_id=billboard.case.pk, action_key="issue")
    return billboard


@transaction.atomic
def renew_billboard(*, actor: User, billboard_id: int) -> Billboard:
    """Another year for a licensed sign: the fee is raised at once and the
    licence extended when it is paid."""
    billboard = Billboard.objects.select_for_update().get(pk=billboard_id)
    if billboard.owner_id != getattr(actor, "party_id", None):
        raise Billboard.DoesNotExist
    if billboard.status not in (BillboardStatus.ACTIVE, BillboardStatus.EXPIRED):
        raise LicensingError(_("Only a licensed or expired sign can be renewed."))
    start = billboard.next_term_start()
    demand = revenue.create_demand(
        actor=None,
        party=billboard.owner,
        lines=[
            revenue.DemandLineSpec(
                head=BILLBOARD_HEAD,
                quantity=billboard.width * billboard.height,
                category=billboard.sign_type,
                description=_("Billboard licence: %(site)s") % {"site": billboard.site},
            )
        ],
        due_date=timezone.localdate() + dt.timedelta(days=30),
        period_from=start,
        period_to=_one_year(start),
        description=_("Billboard licence: %(site)s") % {"site": billboard.site},
        source_type="licensing.billboard-renewal",
        source_id=str(billboard.pk),
        idempotency_key=f"licensing:billboard:{billboard.pk}:{start.isoformat()}",
    )
    billboard.demand_id = demand.pk
    billboard.save(update_fields=["demand_id"])
    core.record_audit(
        actor=actor, action="licensing.billboard.renew", obj=billboard, after={"from": start}
    )
    return billboard


@transaction.atomic
def extend_billboard(*, billboard_id: int) -> Billboard:
    """A renewal fee was paid: one more year from the end of the current term."""
    billboard = Billboard.objects.select_for_update().get(pk=billboard_id)
    start = billboard.next_term_start()
    billboard.valid_until = _one_year(start)
    billboard.status = BillboardStatus.ACTIVE
    billboard.save(update_fields=["valid_until", "status"])
    core.record_audit(
        actor=None,
        action="licensing.billboard.extend",
        obj=billboard,
        after={"valid_until": billboard.valid_until},
    )
    return billboard


@transaction.atomic
def order_removal(
    *, actor: User, billboard_id: int, reason: str, remove_by: dt.date | None = None
) -> Billboard:
    """An inspector orders a sign removed (unlicensed, dangerous, expired)."""
    core.require(actor, "licensing.order_removal")
    billboard = Billboard.objects.select_for_update().get(pk=billboard_id)
    if not (reason or "").strip():
        raise LicensingError({"reason": [_("Write the reason for the removal order.")]})
    if billboard.status == BillboardStatus.REMOVED:
        raise LicensingError(_("This sign was already removed."))
    before = billboard.status
    billboard.status = BillboardStatus.REMOVAL_ORDERED
    billboard.removal_reason = reason.strip()[:300]
    billboard.removal_due = remove_by or timezone.localdate() + dt.timedelta(days=14)
    billboard.save(update_fields=["status", "removal_reason", "removal_due"])
    core.record_audit(
        actor=actor,
        action="licensing.billboard.removal",
        obj=billboard,
        before={"status": before},
        after={"status": billboard.status, "reason": billboard.removal_reason},
    )
    core.notify(
        event_key=f"licensing.removal:{billboard.pk}:{billboard.removal_due}",
        party=billboard.owner,
        subject=gettext_lazy("Removal order for your sign"),
        body=gettext_lazy("Remove the sign at %(site)s by %(date)s. Reason: %(reason)s"),
        params={
            "site": billboard.site,
            "date": billboard.removal_due.isoformat(),
            "reason": billboard.removal_reason,
        },
    )
    return billboard


# --- Reactions to payments ----------------------------------------------------------


def settle(*, source_type: str, source_id: str) -> None:
    """A demand raised here was settled: issue what it paid for."""
    if not source_id.isdigit():
        return
    pk = int(source_id)
    if source_type == "licensing.licence" and Licence.objects.filter(pk=pk).exists():
        issue_licence(licence_id=pk)
    elif source_type == "licensing.billboard" and Billboard.objects.filter(pk=pk).exists():
        issue_billboard(billboard_id=pk)
    elif source_type == "licensing.billboard-renewal" and Billboard.objects.filter(pk=pk).exists():
        extend_billboard(billboard_id=pk)
    elif (
        source_type == "licensing.certificaterequest"
        and CertificateRequest.objects.filter(pk=pk).exists()
    ):
        certificate_fee_paid(request_id=pk)
