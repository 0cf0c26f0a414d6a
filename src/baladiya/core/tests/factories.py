"""factory_boy factories for the core tables.

Factories write rows directly (they are test scaffolding, not use-cases); tests
that are about a use-case call the service instead. Every generated national ID
and commercial registration number is valid for its country profile, and every
phone number is a valid mobile number, so a factory-made party passes the same
checks a real one does.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory, Password

from baladiya.core.models import Branch, BranchKind, Department, Party, PartyKind, User
from baladiya.core.profiles import luhn_check_digit

TEST_PASSWORD = "x-Pass-2026"


def ps_national_id(n: int) -> str:
    """A valid Palestinian ID: 8-digit stem (starting 4) + Luhn check digit."""
    stem = f"4{n % 10_000_000:07d}"
    return stem + luhn_check_digit(stem)


def sa_national_id(n: int, *, resident: bool = False) -> str:
    """A valid Saudi ID: 1 (citizen) or 2 (resident), 8 more digits, Luhn check digit."""
    stem = f"{2 if resident else 1}{n % 100_000_000:08d}"
    return stem + luhn_check_digit(stem)


def ps_mobile(n: int) -> str:
    return f"+970599{n % 1_000_000:06d}"


def sa_mobile(n: int) -> str:
    return f"+96650{n % 10_000_000:07d}"


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BR{n}")
    name_ar = factory.Sequence(lambda n: f"فرع رقم {n}")
    name_en = factory.Sequence(lambda n: f"Branch {n}")
    kind = BranchKind.BRANCH


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"DEP{n}")
    name_ar = factory.Sequence(lambda n: f"قسم رقم {n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")
    parent = None


class PersonFactory(DjangoModelFactory):
    """A person with a valid Palestinian ID (``SaudiPersonFactory`` for SA)."""

    class Meta:
        model = Party

    kind = PartyKind.PERSON
    national_id = factory.Sequence(ps_national_id)
    name_ar = factory.Sequence(lambda n: f"محمد أحمد علي التميمي {n}")
    name_en = factory.Sequence(lambda n: f"Mohammad Ahmad Ali Al-Tamimi {n}")
    phone = factory.Sequence(ps_mobile)


class SaudiPersonFactory(PersonFactory):
    national_id = factory.Sequence(sa_national_id)
    name_ar = factory.Sequence(lambda n: f"علي حسن الخنيزي {n}")
    name_en = factory.Sequence(lambda n: f"Ali Hasan Al-Khunaizi {n}")
    phone = factory.Sequence(sa_mobile)


class EstablishmentFactory(DjangoModelFactory):
    """An establishment with a 9-digit (PS-valid) commercial registration number."""

    class Meta:
        model = Party

    kind = PartyKind.ESTABLISHMENT
    commercial_registration = factory.Sequence(lambda n: f"56{n % 10_000_000:07d}")
    name_ar = factory.Sequence(lambda n: f"مخبز النور {n}")
    name_en = factory.Sequence(lambda n: f"Al-Nour Bakery {n}")
    owner = factory.SubFactory(PersonFactory)
    phone = factory.Sequence(ps_mobile)


class SaudiEstablishmentFactory(EstablishmentFactory):
    commercial_registration = factory.Sequence(lambda n: f"2050{n % 1_000_000:06d}")
    owner = factory.SubFactory(SaudiPersonFactory)
    phone = factory.Sequence(sa_mobile)


class UserFactory(DjangoModelFactory):
    """A plain login (no role); the password is ``TEST_PASSWORD``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "سامي"
    last_name = factory.Sequence(lambda n: f"المستخدم {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = Password(TEST_PASSWORD)
    is_active = True


class CitizenUserFactory(UserFactory):
    """A citizen's login linked to a person; username = national ID."""

    party = factory.SubFactory(PersonFactory)
    username = factory.LazyAttribute(lambda o: o.party.national_id)
