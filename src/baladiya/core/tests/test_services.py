"""Core write use-cases: validation, idempotence and the audit entry each leaves."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from baladiya.core import services
from baladiya.core.models import (
    AuditEntry,
    Branch,
    Department,
    Organisation,
    Party,
    PartyKind,
    RoleAssignment,
    User,
)
from baladiya.core.permissions import AccessDenied
from baladiya.core.tests.factories import (
    TEST_PASSWORD,
    PersonFactory,
    UserFactory,
    ps_national_id,
    sa_national_id,
)

pytestmark = pytest.mark.django_db

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def actions_since(seq: int) -> list[str]:
    services.seal_audit()  # PostgreSQL links entries at commit; tests never commit
    return list(
        AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True)
    )


def last_seq() -> int:
    services.seal_audit()
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def person_kwargs(**overrides: Any) -> dict[str, Any]:
    values = {
        "actor": None,
        "national_id": ps_national_id(123456),
        "name_ar": "أحمد محمد التميمي",
        "name_en": "Ahmad Mohammad Al-Tamimi",
        "phone": "0599123456",
    }
    values.update(overrides)
    return values


# --- register_person ----------------------------------------------------------------------


def test_register_person(org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk")
    national_id = ps_national_id(2024)
    seq = last_seq()
    party = services.register_person(
        **person_kwargs(
            actor=clerk,
            national_id=national_id.translate(ARABIC_INDIC),
            name_ar="  أحمد التميمي ",
            phone="٠٥٩٩١٢٣٤٥٦",
        )
    )
    party.refresh_from_db()
    assert party.kind == PartyKind.PERSON
    assert party.national_id == national_id
    assert party.phone == "+970599123456"
    assert party.name_ar == "أحمد التميمي"
    assert "احمد" in party.search_text  # normalised for search
    services.seal_audit()
    entry = AuditEntry.objects.get(seq__gt=seq)
    assert entry.action == "core.party.register"
    assert entry.actor == clerk
    assert entry.object_id == str(party.pk)
    assert entry.after == {"kind": "person", "national_id": national_id}


def test_register_person_saudi(org_sa) -> None:  # type: ignore[no-untyped-def]
    party = services.register_person(
        **person_kwargs(national_id=sa_national_id(42), phone="0551234567")
    )
    assert party.national_id == sa_national_id(42)
    assert party.phone == "+966551234567"


def test_english_name_is_optional(org_ps) -> None:  # type: ignore[no-untyped-def]
    # The registration form marks the English name optional; Party.name falls back.
    person = services.register_person(**person_kwargs(name_en=""))
    shop = services.register_establishment(
        actor=None, commercial_registration="562345678", name_ar="مخبز النور"
    )
    assert person.name_en == "" and shop.name_en == ""
    with translation.override("en"):
        assert person.name == "أحمد محمد التميمي"


def test_duplicate_person_refused_and_nothing_saved(org_ps) -> None:  # type: ignore[no-untyped-def]
    national_id = ps_national_id(77)
    services.register_person(**person_kwargs(national_id=national_id))
    parties, seq = Party.objects.count(), last_seq()
    with pytest.raises(ValidationError) as info:
        # The same ID typed in Arabic-Indic digits is still the same ID.
        services.register_person(
            **person_kwargs(
                national_id=national_id.translate(ARABIC_INDIC),
                name_ar="شخص آخر",
                phone="0569999999",
            )
        )
    assert set(info.value.message_dict) == {"national_id"}
    assert Party.objects.count() == parties
    assert last_seq() == seq


def test_invalid_person_reports_every_field_and_saves_nothing(org_ps) -> None:  # type: ignore[no-untyped-def]
    parties, seq = Party.objects.count(), last_seq()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.register_person(
            **person_kwargs(national_id="400000017", phone="022220000", name_ar="  ")
        )
    errors = info.value.message_dict
    assert set(errors) == {"national_id", "phone", "name_ar"}
    assert "check digit" in errors["national_id"][0]
    assert "mobile" in errors["phone"][0]
    assert Party.objects.count() == parties
    assert last_seq() == seq


def test_saudi_id_refused_in_a_palestinian_municipality(org_ps) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        services.register_person(**person_kwargs(national_id=sa_national_id(5)))
    assert "national_id" in info.value.message_dict
    assert not Party.objects.exists()


def test_register_person_needs_the_organisation(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.register_person(**person_kwargs())
    assert not Party.objects.exists()


def test_staff_without_capability_cannot_register(org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    storekeeper = make_staff("storekeeper")
    seq = last_seq()
    with pytest.raises(AccessDenied):
        services.register_person(**person_kwargs(actor=storekeeper))
    assert not Party.objects.exists()
    assert last_seq() == seq


# --- register_establishment -----------------------------------------------------------


def test_register_establishment(org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk")
    owner = PersonFactory()
    seq = last_seq()
    shop = services.register_establishment(
        actor=clerk,
        commercial_registration="٥٦٢ ٣٤٥ ٦٧٨",
        name_ar="مخبز النور",
        name_en="Al-Nour Bakery",
        owner=owner,
        phone="02 222 0000",
    )
    shop.refresh_from_db()
    assert shop.kind == PartyKind.ESTABLISHMENT
    assert shop.commercial_registration == "562345678"
    assert shop.national_id == ""
    assert shop.owner == owner
    assert shop.phone == "+97022220000"  # a landline is fine for a shop
    assert actions_since(seq) == ["core.party.register"]
    assert list(owner.establishments.all()) == [shop]


def test_duplicate_establishment_refused_and_nothing_saved(org_ps) -> None:  # type: ignore[no-untyped-def]
    services.register_establishment(
        actor=None, commercial_registration="562345678", name_ar="مخبز النور"
    )
    parties, seq = Party.objects.count(), last_seq()
    with pytest.raises(ValidationError) as info:
        services.register_establishment(
            actor=None, commercial_registration="562-345-678", name_ar="مطعم"
        )
    assert set(info.value.message_dict) == {"commercial_registration"}
    assert Party.objects.count() == parties
    assert last_seq() == seq


def test_invalid_establishment_refused(org_sa) -> None:  # type: ignore[no-untyped-def]
    shop = services.register_establishment(
        actor=None, commercial_registration="2050123456", name_ar="بقالة"
    )
    with pytest.raises(ValidationError) as info:
        services.register_establishment(
            actor=None, commercial_registration="562345678", name_ar="مطعم", owner=shop, phone="12"
        )
    assert set(info.value.message_dict) == {"commercial_registration", "owner", "phone"}
    assert Party.objects.count() == 1


# --- organisation -----------------------------------------------------------------------


def test_configure_organisation_is_a_singleton(org_ps) -> None:  # type: ignore[no-untyped-def]
    seq = last_seq()
    again = services.configure_organisation(
        actor=None, name_en="Taffouh Town Council", phone="+970 2 222 0000"
    )
    assert Organisation.objects.count() == 1
    assert again.pk == org_ps.pk
    org = Organisation.objects.get()
    assert org.name_en == "Taffouh Town Council"
    assert org.name_ar == "بلدية تفوح"  # untouched fields are kept
    services.seal_audit()
    entry = AuditEntry.objects.get(seq__gt=seq)
    assert entry.action == "core.organisation.configure"
    assert entry.before == {"name_en": "Taffouh Municipality", "phone": ""}
    assert entry.after == {"name_en": "Taffouh Town Council", "phone": "+970 2 222 0000"}


def test_configure_organisation_without_a_change_writes_nothing(org_ps) -> None:  # type: ignore[no-untyped-def]
    seq = last_seq()
    same = services.configure_organisation(
        actor=None, name_en="Taffouh Municipality", country="PS", currency="ILS"
    )
    assert same.pk == org_ps.pk
    assert last_seq() == seq  # re-running a setup leaves no audit entry


def test_first_configuration_is_audited(db) -> None:  # type: ignore[no-untyped-def]
    services.configure_organisation(
        actor=None,
        name_ar="بلدية",
        name_en="Town",
        country="PS",
        currency="ILS",
        reference_prefix="TWN",
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "core.organisation.configure"
    assert entry.before is None


def test_second_organisation_row_refused_by_the_database(org_ps) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name_ar="أخرى", name_en="Other", country="PS", currency="ILS", reference_prefix="OTH"
        )


def test_configure_organisation_validates(org_ps) -> None:  # type: ignore[no-untyped-def]
    seq = last_seq()
    with pytest.raises(ValidationError):
        services.configure_organisation(actor=None, country="XX")
    assert Organisation.objects.get().country == "PS"
    assert last_seq() == seq


def test_configure_organisation_needs_the_capability(org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessDenied):
        services.configure_organisation(actor=make_staff("clerk"), name_en="Hijacked")
    assert Organisation.objects.get().name_en == "Taffouh Municipality"
    services.configure_organisation(actor=make_staff("administrator"), name_en="Renamed")
    assert Organisation.objects.get().name_en == "Renamed"


# --- roles and users --------------------------------------------------------------------


def test_assign_role_is_idempotent(roles) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    assert not user.is_staff
    seq = last_seq()
    first = services.assign_role(actor=None, user=user, role_key="clerk")
    second = services.assign_role(actor=None, user=user, role_key="clerk")
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert actions_since(seq) == ["core.role.assign"]
    user.refresh_from_db()
    assert user.is_staff  # a staff role opens the back office


def test_assign_role_with_another_scope_is_a_new_assignment(roles) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    hq = services.create_branch(
        actor=None, code="HQ", name_ar="الرئيسي", name_en="HQ", kind="headquarters"
    )
    services.assign_role(actor=None, user=user, role_key="cashier")
    services.assign_role(actor=None, user=user, role_key="cashier", branch=hq)
    services.assign_role(actor=None, user=user, role_key="cashier", branch=hq)
    assert RoleAssignment.objects.filter(user=user).count() == 2


def test_citizen_role_does_not_make_staff(roles) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    services.assign_role(actor=None, user=user, role_key="citizen")
    user.refresh_from_db()
    assert not user.is_staff


def test_assign_role_needs_manage_users(make_staff) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk")
    target = UserFactory()
    with pytest.raises(AccessDenied):
        services.assign_role(actor=clerk, user=target, role_key="administrator")
    assert not RoleAssignment.objects.filter(user=target).exists()
    services.assign_role(actor=make_staff("it-support"), user=target, role_key="cashier")
    assert RoleAssignment.objects.filter(user=target, role__key="cashier").exists()


def test_install_default_roles_is_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    first = services.install_default_roles(actor=None)
    seq = last_seq()
    second = services.install_default_roles(actor=None)
    assert [r.pk for r in first] == [r.pk for r in second]
    assert last_seq() == seq
    assert AuditEntry.objects.filter(action="core.role.create").count() == len(first)


def test_create_party_login(org_ps, roles) -> None:  # type: ignore[no-untyped-def]
    party = services.register_person(**person_kwargs(email="ahmad@example.org"))
    seq = last_seq()
    user = services.create_party_login(
        actor=None, party=party, password=TEST_PASSWORD, role_key="contractor"
    )
    user.refresh_from_db()
    assert user.username == party.national_id
    assert user.party == party
    assert user.email == "ahmad@example.org"
    assert user.first_name == "أحمد"
    assert user.check_password(TEST_PASSWORD)
    assert not user.is_staff
    assert list(user.role_assignments.values_list("role__key", flat=True)) == ["contractor"]
    assert actions_since(seq) == ["core.user.create", "core.role.assign"]


def test_create_party_login_for_an_establishment_uses_the_registration(org_ps, roles) -> None:  # type: ignore[no-untyped-def]
    shop = services.register_establishment(
        actor=None, commercial_registration="562345678", name_ar="مخبز النور"
    )
    user = services.create_party_login(
        actor=None, party=shop, password=TEST_PASSWORD, role_key="investor"
    )
    assert user.username == "562345678"


def test_create_party_login_twice_refused(org_ps, roles) -> None:  # type: ignore[no-untyped-def]
    party = services.register_person(**person_kwargs())
    services.create_party_login(actor=None, party=party, password=TEST_PASSWORD, role_key="citizen")
    seq = last_seq()
    with pytest.raises(ValidationError):
        services.create_party_login(
            actor=None, party=party, password=TEST_PASSWORD, role_key="citizen"
        )
    assert User.objects.filter(party=party).count() == 1
    assert last_seq() == seq


def test_create_staff_user(roles) -> None:  # type: ignore[no-untyped-def]
    seq = last_seq()
    user = services.create_staff_user(
        actor=None, username="huda", password=TEST_PASSWORD, first_name="هدى", last_name="الخطيب"
    )
    assert user.is_staff and not user.is_superuser
    assert user.check_password(TEST_PASSWORD)
    assert actions_since(seq) == ["core.user.create"]


def test_only_a_superuser_may_create_a_superuser(make_staff) -> None:  # type: ignore[no-untyped-def]
    support = make_staff("it-support")
    with pytest.raises(AccessDenied):
        services.create_staff_user(
            actor=support,
            username="root2",
            password=TEST_PASSWORD,
            first_name="a",
            last_name="b",
            is_superuser=True,
        )
    assert not User.objects.filter(username="root2").exists()


# --- every write is audited ---------------------------------------------------------------


def test_every_write_leaves_an_audit_entry(org_ps, roles) -> None:  # type: ignore[no-untyped-def]
    admin = services.create_staff_user(
        actor=None, username="admin", password=TEST_PASSWORD, first_name="مدير", last_name="النظام"
    )
    services.assign_role(actor=None, user=admin, role_key="administrator")
    seq = last_seq()

    hq = services.create_branch(
        actor=admin, code="HQ", name_ar="الرئيسي", name_en="HQ", kind="headquarters"
    )
    it = services.create_department(
        actor=admin, code="IT", name_ar="تكنولوجيا المعلومات", name_en="IT"
    )
    services.create_department(
        actor=admin, code="IT-net", name_ar="الشبكات", name_en="Networks", parent=it
    )
    clerk = services.create_staff_user(
        actor=admin,
        username="clerk",
        password=TEST_PASSWORD,
        first_name="موظف",
        last_name="خدمة",
        home_branch=hq,
    )
    services.assign_role(actor=admin, user=clerk, role_key="clerk", branch=hq)
    person = services.register_person(**person_kwargs(actor=clerk))
    services.register_establishment(
        actor=clerk, commercial_registration="562345678", name_ar="مخبز", owner=person
    )
    login = services.create_party_login(
        actor=admin, party=person, password=TEST_PASSWORD, role_key="citizen"
    )
    services.link_user_to_party(actor=admin, user=clerk, party=PersonFactory())
    services.configure_organisation(actor=admin, website="https://taffouh.example")

    assert actions_since(seq) == [
        "core.branch.create",
        "core.department.create",
        "core.department.create",
        "core.user.create",
        "core.role.assign",
        "core.party.register",
        "core.party.register",
        "core.user.create",
        "core.role.assign",
        "core.user.link_party",
        "core.organisation.configure",
    ]
    services.seal_audit()
    entries = AuditEntry.objects.filter(seq__gt=seq).order_by("seq")
    assert entries[0].object_id == str(hq.pk)
    assert [e.actor_label for e in entries] == [
        "admin",
        "admin",
        "admin",
        "admin",
        "admin",
        "clerk",
        "clerk",
        "admin",
        "system",
        "admin",
        "admin",
    ]
    assert entries[7].object_id == str(login.pk)
    assert Branch.objects.count() == 1
    assert Department.objects.get(code="IT-net").parent == it

    checked, problems = services.verify_audit_chain()
    assert checked == AuditEntry.objects.count()
    assert problems == []
