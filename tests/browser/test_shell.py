"""The shell in a real browser: Arabic (RTL) by default, English on request,
a clerk signs in to the back office, registration errors in the page language."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Clerk-Pass-2026"


@pytest.fixture
def municipality(org_ps: Any, roles: Any) -> Any:
    from baladiya.core.services import assign_role, create_branch, create_staff_user
    from baladiya.onestop.services import load_catalogue

    load_catalogue(actor=None)
    hq = create_branch(
        actor=None,
        code="HQ",
        name_ar="مبنى البلدية الرئيسي",
        name_en="Main building",
        kind="headquarters",
    )
    clerk = create_staff_user(
        actor=None,
        username="clerk",
        password=PASSWORD,
        first_name="ليلى",
        last_name="التميمي",
        home_branch=hq,
    )
    assign_role(actor=None, user=clerk, role_key="clerk", branch=hq)
    return org_ps


def test_portal_in_arabic_then_english_then_a_clerk_signs_in(
    page: Any, screenshot: Any, municipality: Any
) -> None:
    # An en-US browser still gets Arabic, right-to-left, by default.
    page.goto("/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert page.locator("h1").first.inner_text() == "بلدية تفوح"
    assert page.get_by_role("link", name="إصدار رخصة محل جديدة").is_visible()
    # The layout really is mirrored: the brand sits on the right.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand is not None and brand["x"] > 640
    screenshot("portal-ar")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", name="Our services").is_visible()
    assert page.get_by_role("link", name="New shop license").is_visible()
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand is not None and brand["x"] < 640
    screenshot("portal-en")

    # Search the catalogue with a different spelling of ta marbuta (رخصه for رخصة).
    page.get_by_role("button", name="العربية").click()
    page.goto("/services/?q=رخصه محل")
    assert page.get_by_role("link", name="تجديد رخصة محل").is_visible()
    screenshot("catalogue-search-ar")

    page.goto("/accounts/login/")
    page.get_by_label("اسم المستخدم أو رقم الهوية").fill("clerk")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.locator("form").get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_role("heading", name="مرحبًا، ليلى التميمي").is_visible()
    menu = page.get_by_role("navigation", name="لوحة الموظفين")
    assert menu.get_by_role("link", name="المواطنون والمنشآت").is_visible()
    assert menu.get_by_role("link", name="سجل التدقيق").count() == 0  # not a clerk's tool
    screenshot("staff-home-clerk-ar")


def test_registration_with_an_invalid_id_keeps_the_input(
    page: Any, screenshot: Any, municipality: Any
) -> None:
    page.goto("/accounts/register/")
    page.get_by_label("رقم الهوية").fill("123456789")
    page.get_by_label("الاسم الكامل بالعربية").fill("أحمد محمود التميمي")
    page.get_by_label("رقم الجوال").fill("0599123456")
    page.locator("#id_password1").fill("Zeitoun-2026!")
    page.get_by_label("تأكيد كلمة المرور").fill("Zeitoun-2026!")
    page.get_by_role("button", name="إنشاء حسابي").click()
    error = page.locator("#id_national_id_error")
    assert "رقم الهوية هذا غير صحيح" in error.inner_text()
    assert page.get_by_label("رقم الهوية").input_value() == "123456789"
    assert page.get_by_label("الاسم الكامل بالعربية").input_value() == "أحمد محمود التميمي"
    assert page.get_by_label("رقم الهوية").get_attribute("aria-invalid") == "true"
    screenshot("register-invalid-id-ar")
