"""Capabilities held through roles scoped by branch and department."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from baladiya.core.models import Role, User
from baladiya.core.permissions import (
    CAPABILITIES,
    DEFAULT_ROLES,
    AccessDenied,
    has_capability,
    require,
    role_keys,
)
from baladiya.core.services import assign_role
from baladiya.core.tests.factories import BranchFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq() -> Any:
    return BranchFactory(code="HQ", name_en="Headquarters")


@pytest.fixture
def saihat() -> Any:
    return BranchFactory(code="SHT", name_en="Saihat")


@pytest.fixture
def it_tree() -> dict[str, Any]:
    it = DepartmentFactory(code="IT", name_en="Information technology")
    networks = DepartmentFactory(code="IT-networks", parent=it)
    wifi = DepartmentFactory(code="IT-networks-wifi", parent=networks)
    finance = DepartmentFactory(code="FIN")
    return {"it": it, "networks": networks, "wifi": wifi, "finance": finance}


# --- unscoped --------------------------------------------------------------------------


def test_default_roles_only_use_declared_or_wildcard_capabilities() -> None:
    for key, (_ar, _en, _staff, patterns) in DEFAULT_ROLES.items():
        for pattern in patterns:
            assert "*" in pattern or pattern in CAPABILITIES, (key, pattern)


def test_user_without_roles_has_nothing(roles) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    assert not has_capability(user, "core.view_staff_area")
    assert role_keys(user) == set()


def test_anonymous_and_none_refused(roles) -> None:  # type: ignore[no-untyped-def]
    assert not has_capability(None, "core.view_staff_area")
    assert not has_capability(AnonymousUser(), "core.view_staff_area")
    with pytest.raises(AccessDenied):
        require(AnonymousUser(), "core.view_staff_area")


def test_clerk_capabilities(make_staff) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk")
    assert has_capability(clerk, "core.view_staff_area")
    assert has_capability(clerk, "core.manage_parties")
    assert not has_capability(clerk, "core.view_audit")
    assert not has_capability(clerk, "core.manage_users")
    assert role_keys(clerk) == {"clerk"}


def test_citizen_role_holds_no_capability(roles) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    assign_role(actor=None, user=user, role_key="citizen")
    assert role_keys(user) == {"citizen"}
    assert not has_capability(user, "core.view_staff_area")
    assert not has_capability(user, "core.view_parties")


def test_administrator_star_pattern(make_staff) -> None:  # type: ignore[no-untyped-def]
    admin = make_staff("administrator")
    assert not admin.is_superuser  # the pattern, not the superuser flag, grants everything
    for capability in (
        "core.view_audit",
        "core.manage_users",
        "revenue.refund_payment",
        "anything.at_all",
    ):
        assert has_capability(admin, capability)


def test_auditor_view_pattern(make_staff) -> None:  # type: ignore[no-untyped-def]
    auditor = make_staff("auditor")
    assert has_capability(auditor, "core.view_audit")
    assert has_capability(auditor, "revenue.view_receipts")
    assert has_capability(auditor, "hr.view_leave")
    assert not has_capability(auditor, "revenue.refund_payment")
    assert not has_capability(auditor, "core.manage_parties")
    assert not has_capability(auditor, "core.manage_users")


def test_superuser_has_every_capability(db) -> None:  # type: ignore[no-untyped-def]
    boss = UserFactory(is_superuser=True)
    assert has_capability(boss, "whatever.you_like")


def test_inactive_user_refused(make_staff) -> None:  # type: ignore[no-untyped-def]
    admin = make_staff("administrator")
    admin.is_active = False
    assert not has_capability(admin, "core.view_staff_area")
    with pytest.raises(AccessDenied):
        require(admin, "core.view_staff_area")
    boss = UserFactory(is_superuser=True, is_active=False)
    assert not has_capability(boss, "core.view_staff_area")


def test_capability_edited_on_the_role_takes_effect(make_staff) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("storekeeper")
    Role.objects.filter(key="storekeeper").update(capabilities=["stores.*"])
    fresh = User.objects.get(pk=user.pk)  # a new request loads the roles afresh
    assert has_capability(fresh, "stores.issue_items")
    assert not has_capability(fresh, "core.view_staff_area")


# --- roles cached across requests -------------------------------------------------------


def test_roles_are_cached_across_requests(make_staff, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("clerk")
    assert has_capability(User.objects.get(pk=user.pk), "core.view_parties")
    fresh = User.objects.get(pk=user.pk)  # the next request: the roles come from the cache
    with django_assert_num_queries(0):
        assert has_capability(fresh, "core.view_parties")


def test_role_edited_in_the_back_office_takes_effect_on_the_next_request(make_staff) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("storekeeper")
    assert has_capability(User.objects.get(pk=user.pk), "core.view_staff_area")  # cached
    role = Role.objects.get(key="storekeeper")
    role.capabilities = ["stores.*"]
    role.save()  # as the admin's role form does
    fresh = User.objects.get(pk=user.pk)
    assert has_capability(fresh, "stores.issue_items")
    assert not has_capability(fresh, "core.view_staff_area")


def test_revoked_role_is_gone_on_the_next_request(make_staff, hq) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("cashier", branch=hq)
    assert has_capability(User.objects.get(pk=user.pk), "revenue.collect", branch=hq)
    User.objects.get(pk=user.pk).role_assignments.get().delete()  # as the admin's inline does
    assert not has_capability(User.objects.get(pk=user.pk), "revenue.collect", branch=hq)


def test_a_rolled_back_role_change_leaves_no_trace(make_staff, hq) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    user = make_staff("storekeeper")
    with pytest.raises(RuntimeError), transaction.atomic():
        assign_role(actor=None, user=User.objects.get(pk=user.pk), role_key="cashier", branch=hq)
        assert has_capability(User.objects.get(pk=user.pk), "revenue.collect", branch=hq)
        raise RuntimeError("the transaction fails after the roles were read")
    assert not has_capability(User.objects.get(pk=user.pk), "revenue.collect", branch=hq)
    assign_role(actor=None, user=User.objects.get(pk=user.pk), role_key="accountant")
    fresh = User.objects.get(pk=user.pk)
    assert has_capability(fresh, "finance.post_journal")
    assert not has_capability(fresh, "revenue.collect", branch=hq)


# --- branch scope ------------------------------------------------------------------------


def test_branch_scoped_role(make_staff, hq, saihat) -> None:  # type: ignore[no-untyped-def]
    cashier = make_staff("cashier", branch=hq)
    assert has_capability(cashier, "core.view_parties", branch=hq)
    assert not has_capability(cashier, "core.view_parties", branch=saihat)
    # Without a scope in the question, the assignment counts.
    assert has_capability(cashier, "core.view_parties")
    with pytest.raises(AccessDenied):
        require(cashier, "core.view_parties", branch=saihat)
    require(cashier, "core.view_parties", branch=hq)


def test_unscoped_role_covers_every_branch(make_staff, hq, saihat) -> None:  # type: ignore[no-untyped-def]
    engineer = make_staff("engineer")
    assert has_capability(engineer, "core.view_parties", branch=hq)
    assert has_capability(engineer, "core.view_parties", branch=saihat)


def test_roles_in_two_branches(make_staff, hq, saihat) -> None:  # type: ignore[no-untyped-def]
    third = BranchFactory(code="TRT")
    cashier = make_staff("cashier", branch=hq)
    assign_role(actor=None, user=cashier, role_key="cashier", branch=saihat)
    assert has_capability(cashier, "core.view_parties", branch=hq)
    assert has_capability(cashier, "core.view_parties", branch=saihat)
    assert not has_capability(cashier, "core.view_parties", branch=third)


def test_capability_from_another_branch_role_does_not_leak(make_staff, hq, saihat) -> None:  # type: ignore[no-untyped-def]
    # A clerk in HQ who is only a storekeeper in Saihat cannot manage parties there.
    user = make_staff("clerk", branch=hq)
    assign_role(actor=None, user=user, role_key="storekeeper", branch=saihat)
    assert has_capability(user, "core.manage_parties", branch=hq)
    assert not has_capability(user, "core.manage_parties", branch=saihat)
    assert has_capability(user, "core.view_staff_area", branch=saihat)


# --- department scope --------------------------------------------------------------------


def test_department_assignment_covers_sub_departments(make_staff, it_tree) -> None:  # type: ignore[no-untyped-def]
    support = make_staff("it-support", department=it_tree["it"])
    for code in ("it", "networks", "wifi"):
        assert has_capability(support, "core.manage_users", department=it_tree[code]), code
    assert not has_capability(support, "core.manage_users", department=it_tree["finance"])


def test_sub_department_assignment_does_not_cover_the_parent(make_staff, it_tree) -> None:  # type: ignore[no-untyped-def]
    support = make_staff("it-support", department=it_tree["networks"])
    assert has_capability(support, "core.manage_users", department=it_tree["wifi"])
    assert has_capability(support, "core.manage_users", department=it_tree["networks"])
    assert not has_capability(support, "core.manage_users", department=it_tree["it"])


def test_branch_and_department_both_must_match(make_staff, hq, saihat, it_tree) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk", branch=hq, department=it_tree["it"])
    assert has_capability(clerk, "core.manage_parties", branch=hq, department=it_tree["wifi"])
    assert not has_capability(
        clerk, "core.manage_parties", branch=saihat, department=it_tree["wifi"]
    )
    assert not has_capability(
        clerk, "core.manage_parties", branch=hq, department=it_tree["finance"]
    )


def test_assignment_cache_is_refreshed_after_assign_role(make_staff, hq) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("storekeeper")
    assert not has_capability(user, "core.view_parties")  # fills the per-user cache
    assign_role(actor=None, user=user, role_key="cashier", branch=hq)
    assert has_capability(user, "core.view_parties", branch=hq)


# --- AccessDenied -----------------------------------------------------------------------


def test_access_denied_names_the_permission(make_staff) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk")
    with translation.override("en"), pytest.raises(AccessDenied) as info:
        require(clerk, "core.view_audit")
    assert "View the audit log" in str(info.value)
    assert isinstance(info.value, PermissionDenied)


def test_access_denied_for_an_undeclared_capability_names_its_key(make_staff) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff("clerk")
    with translation.override("en"), pytest.raises(AccessDenied) as info:
        require(clerk, "revenue.refund_payment")
    assert "revenue.refund_payment" in str(info.value)


def test_require_passes_silently_when_allowed(make_staff) -> None:  # type: ignore[no-untyped-def]
    assert require(make_staff("auditor"), "core.view_audit") is None
