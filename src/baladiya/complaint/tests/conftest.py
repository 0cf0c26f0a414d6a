from __future__ import annotations

from typing import Any

import pytest

from baladiya.core.profiles import luhn_check_digit


@pytest.fixture
def town(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    """A municipality with the catalogue, the complaint process, a citizen and staff."""
    from baladiya.core.services import (
        create_branch,
        create_department,
        create_party_login,
        register_person,
    )
    from baladiya.onestop.services import load_catalogue
    from baladiya.workflow import api as workflow

    load_catalogue(actor=None)
    workflow.install_definition(actor=None, spec=workflow.process_spec("complaint"))
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    departments = {
        code: create_department(actor=None, code=code, name_ar=code, name_en=code)
        for code in ("CS", "ENG", "HLT", "WAT", "ELC")
    }
    people = []
    for stem, phone in (("4100000", "0599555666"), ("4100001", "0599777888")):
        national_id = stem + "0" + luhn_check_digit(stem + "0")
        party = register_person(
            actor=None, national_id=national_id, name_ar="مواطن تجريبي", phone=phone
        )
        people.append(
            create_party_login(actor=None, party=party, password="x-Pass-2026", role_key="citizen")
        )
    return {
        "hq": hq,
        **departments,
        "citizen": people[0],
        "other": people[1],
        "clerk": make_staff("clerk", branch=hq),
        "inspector": make_staff("inspector", department=departments["ENG"]),
        "eng_head": make_staff("department-head", department=departments["ENG"]),
    }
