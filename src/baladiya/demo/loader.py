"""Load a demo municipality through the real services.

Idempotent: every record is looked up by its natural key (branch code, national
ID, registration number, username, service key) before it is created, so running
the loader twice adds nothing. Random choices come from a generator seeded by
the profile name, so the same profile always produces the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from baladiya.archive import api as archive
from baladiya.complaint import api as complaint
from baladiya.core import api as core
from baladiya.correspondence import api as correspondence
from baladiya.demo import names
from baladiya.gis import api as gis
from baladiya.inspection import api as inspection
from baladiya.investment import api as investment
from baladiya.licensing import api as licensing
from baladiya.onestop import api as onestop
from baladiya.permits import api as permits
from baladiya.utilities import api as utilities
from baladiya.vending import api as vending
from baladiya.workflow import api as workflow

DATA_DIR = Path(__file__).resolve().parent / "data"

TIME_ZONES = {"PS": "Asia/Hebron", "SA": "Asia/Riyadh"}

# role → (department code or None for all, branch scope: "HQ" or None for all)
STAFF_SCOPES: dict[str, tuple[str | None, str | None]] = {
    "clerk": (None, "HQ"),  # the one-stop shop serves every department
    "cashier": ("REV", "HQ"),
    "inspector": (None, None),  # health and building inspections alike
    "engineer": ("ENG", None),
    "department-head": ("ENG", None),
    "accountant": ("FIN", None),
    "finance-manager": ("FIN", None),
    "storekeeper": ("FIN", None),
    "hr-officer": ("HR", None),
    "archivist": ("SEC", None),
    "gis-officer": ("GIS", None),
    "it-support": ("IT", None),
    "auditor": (None, None),
    "administrator": (None, None),
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str
    scope: str


def _mend_flow_commas(row: dict[str, Any]) -> dict[str, Any]:
    """The reference file writes some English names with a comma inside a YAML flow
    mapping (``{name_en: Charging point - internet centre, Luza}``), which YAML reads
    as an extra key with no value. Put such stray keys back into ``name_en``."""
    stray = [key for key, value in row.items() if value is None]
    mended = {key: value for key, value in row.items() if value is not None}
    if stray and "name_en" in mended:
        mended["name_en"] = ", ".join([mended["name_en"], *stray])
    return mended


def read_profiles() -> dict[str, Any]:
    data = yaml.safe_load((DATA_DIR / "demo-municipalities.yaml").read_text(encoding="utf-8"))
    for profile in data["profiles"].values():
        for group in ("branches", "charging_points"):
            profile[group] = [_mend_flow_commas(row) for row in profile.get(group, [])]
    data["departments"] = [_mend_flow_commas(row) for row in data["departments"]]
    return data


def profile_names() -> list[str]:
    return sorted(read_profiles()["profiles"])


class DemoBuilder:
    def __init__(self, profile: str, *, citizens: int = 300, establishments: int = 120) -> None:
        data = read_profiles()
        if profile not in data["profiles"]:
            raise ValueError(f"Unknown profile {profile!r}; choose one of {profile_names()}.")
        self.key = profile
        self.profile = data["profiles"][profile]
        self.departments = data["departments"]
        self.roles = data["roles"]
        self.country = self.profile["country"]
        self.citizens = citizens
        self.establishments = establishments
        self.rng = random.Random(f"baladiya-demo-{profile}")
        self.password = settings.BALADIYA_DEMO_PASSWORD
        self.logins: list[DemoLogin] = []

    # -- organisation -----------------------------------------------------------------
    def organisation(self) -> None:
        existing = core.organisation()
        if existing is not None and existing.profile != self.key:
            raise ValueError(
                f"This data directory already holds the {existing.profile!r} demo; "
                "use another --data-dir for another profile."
            )
        p = self.profile
        branch = p["branches"][0]
        core.configure_organisation(
            actor=None,
            profile=self.key,
            name_ar=p["name_ar"],
            name_en=p["name_en"],
            country=p["country"],
            currency=p["currency"],
            time_zone=TIME_ZONES[p["country"]],
            calendar=p["calendar"],
            default_language=p["default_language"],
            fiscal_year_start=p["fiscal_year_start"],
            reference_prefix=p["reference_prefix"],
            address_ar=branch["name_ar"],
            address_en=branch["name_en"],
            phone="+970 2 222 0000" if p["country"] == "PS" else "+966 13 855 0000",
        )

    def branches(self) -> None:
        hq = None
        for index, row in enumerate(self.profile["branches"]):
            branch = core.branch_by_code(row["code"])
            if branch is None:
                branch = core.create_branch(
                    actor=None,
                    code=row["code"],
                    name_ar=row["name_ar"],
                    name_en=row["name_en"],
                    kind="headquarters" if index == 0 else "branch",
                    parent=None if index == 0 else hq,
                )
            hq = hq or branch
        for row in self.profile.get("charging_points", []):
            if core.branch_by_code(row["code"]) is None:
                core.create_branch(
                    actor=None,
                    code=row["code"],
                    name_ar=row["name_ar"],
                    name_en=row["name_en"],
                    kind="charging-point",
                    parent=hq,
                )

    def departments_tree(self) -> None:
        for row in self.departments:
            department = core.department_by_code(row["code"])
            if department is None:
                department = core.create_department(
                    actor=None, code=row["code"], name_ar=row["name_ar"], name_en=row["name_en"]
                )
            for section in row.get("sections", []):
                code = f"{row['code']}-{section.replace(' ', '-')}"[:40]
                name_ar, name_en = names.IT_SECTIONS.get(section, (section, section.title()))
                if core.department_by_code(code) is None:
                    core.create_department(
                        actor=None, code=code, name_ar=name_ar, name_en=name_en, parent=department
                    )

    # -- people -----------------------------------------------------------------------
    def _person_name(self) -> tuple[str, str]:
        first = self.rng.choice(names.MALE + names.FEMALE)
        father, grandfather = self.rng.choice(names.MALE), self.rng.choice(names.MALE)
        family = self.rng.choice(names.FAMILIES[self.country])
        return (
            f"{first[0]} {father[0]} {grandfather[0]} {family[0]}",
            f"{first[1]} {father[1]} {grandfather[1]} {family[1]}",
        )

    def _national_id(self) -> str:
        if self.country == "PS":
            stem = self.rng.choice("489") + "".join(self.rng.choice("0123456789") for _ in range(7))
        else:
            stem = self.rng.choice("12") + "".join(self.rng.choice("0123456789") for _ in range(8))
        return stem + core.luhn_check_digit(stem)

    def _mobile(self) -> str:
        if self.country == "PS":
            return (
                "05"
                + self.rng.choice("69")
                + "".join(self.rng.choice("0123456789") for _ in range(7))
            )
        return (
            "05"
            + self.rng.choice("03456")
            + "".join(self.rng.choice("0123456789") for _ in range(7))
        )

    def _address(self) -> tuple[str, str]:
        street = self.rng.choice(names.STREETS[self.country])
        number = self.rng.randint(1, 240)
        return f"{street[0]}، مبنى {number}", f"Building {number}, {street[1]}"

    def people(self) -> list[Any]:
        persons = []
        while len(persons) < self.citizens:
            national_id = self._national_id()
            name_ar, name_en = self._person_name()
            phone, (addr_ar, addr_en) = self._mobile(), self._address()
            existing = core.party_by_national_id(national_id)
            if existing is not None:
                if existing not in persons:
                    persons.append(existing)
                continue
            persons.append(
                core.register_person(
                    actor=None,
                    national_id=national_id,
                    name_ar=name_ar,
                    name_en=name_en,
                    phone=phone,
                    address_ar=addr_ar,
                    address_en=addr_en,
                )
            )
        return persons

    def _cr_number(self) -> str:
        if self.country == "PS":
            return "56" + "".join(self.rng.choice("0123456789") for _ in range(7))
        return "2050" + "".join(self.rng.choice("0123456789") for _ in range(6))

    def businesses(self, owners: list[Any]) -> list[Any]:
        found: list[Any] = []
        made = 0
        while made < self.establishments:
            owner = self.rng.choice(owners)
            trade = self.rng.choice(names.TRADES)
            family = owner.name_ar.split(" ", 3)[-1]
            family_en = owner.name_en.split(" ", 3)[-1]
            number = self._cr_number()
            (addr_ar, addr_en), phone = self._address(), self._mobile()
            made += 1
            existing = core.party_by_commercial_registration(number)
            if existing is not None:
                found.append(existing)
                continue
            establishment = core.register_establishment(
                actor=None,
                commercial_registration=number,
                name_ar=f"{trade[0]} {family}",
                name_en=f"{family_en} {trade[1]}",
                owner=owner,
                phone=phone,
                address_ar=addr_ar,
                address_en=addr_en,
            )
            found.append(establishment)
        return found

    # -- logins -----------------------------------------------------------------------
    def staff(self) -> None:
        core.install_default_roles(actor=None)
        hq = core.branch_by_code(self.profile["branches"][0]["code"])
        for role, (department_code, branch_scope) in STAFF_SCOPES.items():
            name_ar, _name_en = self._person_name()
            user = core.user_by_username(role)
            if user is None:
                first_ar, _s, last_ar = name_ar.partition(" ")
                user = core.create_staff_user(
                    actor=None,
                    username=role,
                    password=self.password,
                    first_name=first_ar,
                    last_name=last_ar.split(" ")[-1],
                    home_branch=hq,
                    is_superuser=role == "administrator",
                )
            department = core.department_by_code(department_code) if department_code else None
            branch = hq if branch_scope == "HQ" else None
            core.assign_role(
                actor=None, user=user, role_key=role, branch=branch, department=department
            )
            scope = " / ".join(x.name_en for x in (branch, department) if x) or "all"
            self.logins.append(DemoLogin(role, role, user.get_full_name(), scope))
        # One cashier per charging point (taffouh has five).
        for point in core.charging_points():
            username = f"cashier-{point.code.lower()}"
            user = core.user_by_username(username)
            name_ar, _name_en = self._person_name()
            if user is None:
                first_ar, _s, last_ar = name_ar.partition(" ")
                user = core.create_staff_user(
                    actor=None,
                    username=username,
                    password=self.password,
                    first_name=first_ar,
                    last_name=last_ar.split(" ")[-1],
                    home_branch=point,
                )
            core.assign_role(
                actor=None,
                user=user,
                role_key="cashier",
                branch=point,
                department=core.department_by_code("REV"),
            )
            self.logins.append(DemoLogin(username, "cashier", user.get_full_name(), point.name_en))

    def citizen_logins(self, persons: list[Any]) -> None:
        for role, party in (
            ("citizen", persons[0]),
            ("contractor", persons[1]),
            ("investor", persons[2]),
        ):
            user = core.user_by_username(party.national_id)
            if user is None:
                user = core.create_party_login(
                    actor=None, party=party, password=self.password, role_key=role
                )
            self.logins.append(DemoLogin(user.username, role, party.name_en, "-"))

    def complaints(self, persons: list[Any]) -> None:
        """Reports in every state, filed by demo citizens around the town centre."""
        if complaint.search(limit=1):
            return
        centre = {"PS": (31.5417, 35.0530), "SA": (26.5600, 50.0100)}[self.country]
        codes = [
            "pothole",
            "garbage",
            "streetlight",
            "water-leak",
            "sewage",
            "noise",
            "stray-animals",
            "illegal-building",
            "food-safety",
            "other",
        ]
        texts = {
            "pothole": "حفرة في الشارع تعيق حركة السيارات",
            "garbage": "تراكم النفايات بجانب الحاوية منذ أيام",
            "streetlight": "عمود الإنارة معطل والشارع مظلم ليلاً",
            "water-leak": "تسرب مياه من الخط الرئيسي",
            "sewage": "طفح في شبكة الصرف الصحي",
            "noise": "إزعاج من ورشة في ساعات الليل",
            "stray-animals": "كلاب ضالة قرب المدرسة",
            "illegal-building": "بناء دون ترخيص على الأرض المجاورة",
            "food-safety": "محل يبيع أطعمة منتهية الصلاحية",
            "other": "ملاحظة عامة للبلدية",
        }
        rng = random.Random(f"baladiya-demo-complaints-{self.key}")
        inspector = core.user_by_username("inspector")
        for index in range(40):
            person = persons[index * 3 % len(persons)]
            user = core.user_by_username(person.national_id)
            if user is None:
                user = core.create_party_login(
                    actor=None, party=person, password=self.password, role_key="citizen"
                )
            code = codes[index % len(codes)]
            lat = centre[0] + rng.uniform(-0.01, 0.01)
            lon = centre[1] + rng.uniform(-0.01, 0.01)
            filed = complaint.file_complaint(
                actor=user,
                category=code,
                description=texts[code],
                latitude=f"{lat:.6f}",
                longitude=f"{lon:.6f}",
                idempotency_key=f"demo-complaint-{self.key}-{index}",
            )
            stage = index % 4
            if stage >= 1:
                workflow.take_action(actor=inspector, case_id=filed.case_id, action_key="start")
            if stage >= 2:
                complaint.resolve(
                    actor=inspector,
                    complaint_id=filed.pk,
                    note="تمت المعالجة من قبل الطاقم الميداني",
                )
            if stage >= 3:
                complaint.rate(actor=user, complaint_id=filed.pk, stars=3 + index % 3)

    def build(self) -> list[DemoLogin]:
        with transaction.atomic():
            self.organisation()
            self.branches()
            self.departments_tree()
            onestop.load_catalogue(actor=None)
            workflow.install_standard_processes(
                actor=None,
                services=[*onestop.public_services(), *onestop.employee_services()],
            )
            persons = self.people()
            establishments = self.businesses(persons)
            self.staff()
            self.citizen_logins(persons)
            self.complaints(persons)
            gis.load_demo_parcels(
                profile_key=self.key, country=self.country, count=3000, owners=persons
            )
            # Revenue and ledger: the municipal chart, the current fiscal year, revenue
            # heads from the catalogue fees, demands and some payments.
            from baladiya.finance import api as finance_api
            from baladiya.revenue import api as revenue_api

            finance_api.load_demo_ledger()
            revenue_api.load_demo(
                services=list(onestop.public_services()),
                parties=persons[:60],
                branch=core.branch_by_code(self.profile["branches"][0]["code"]),
            )
            # The services to people, the archive and the correspondence register.
            for module in (
                utilities,
                vending,
                licensing,
                permits,
                inspection,
                investment,
                archive,
                correspondence,
            ):
                module.load_demo(
                    profile_key=self.key,
                    country=self.country,
                    persons=persons,
                    establishments=establishments,
                )
        return self.logins


def load_demo(profile: str, *, citizens: int = 300, establishments: int = 120) -> list[DemoLogin]:
    return DemoBuilder(profile, citizens=citizens, establishments=establishments).build()
