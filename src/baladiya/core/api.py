"""The core app's public surface for other apps (DESIGN.md rule 2).

Other apps import from here, never from ``baladiya.core.services`` or
``baladiya.core.selectors`` directly (``baladiya.core.models`` only to declare a
ForeignKey).
"""

from baladiya.core.calendars import format_dual, format_hijri, to_hijri
from baladiya.core.events import publish, subscribe
from baladiya.core.forms import BootstrapMixin
from baladiya.core.models import Branch, Department, Party, User  # types for other apps' hints
from baladiya.core.money import Money, MoneyError, format_money, quantize
from baladiya.core.navigation import NavItem, PortalLink, portal_links, register_portal_link
from baladiya.core.navigation import register as register_nav_item
from baladiya.core.notifications import mark_read, notify
from baladiya.core.pdf import PDFUnavailable, absolute_url, qr_data_uri, render_pdf
from baladiya.core.permissions import (
    AccessDenied,
    assignments,
    declare,
    define_default_role,
    grant_by_default,
    has_capability,
    has_role,
    require,
    role_keys,
)
from baladiya.core.profiles import country_profile, luhn_check_digit
from baladiya.core.selectors import (
    branch_by_code,
    branches,
    charging_points,
    default_language,
    department_by_code,
    department_descendants,
    departments,
    map_settings,
    notifications_of,
    organisation,
    party_by_commercial_registration,
    party_by_national_id,
    service_points,
    unread_count,
    user_by_username,
    users_with_roles,
)
from baladiya.core.services import (
    assign_role,
    configure_organisation,
    create_branch,
    create_department,
    create_party_login,
    create_staff_user,
    install_default_roles,
    link_user_to_party,
    next_number,
    next_numbers,
    next_reference,
    record_audit,
    register_citizen,
    register_establishment,
    register_person,
)
from baladiya.core.text import normalize_arabic, normalize_digits

__all__ = [
    "AccessDenied",
    "BootstrapMixin",
    "Branch",
    "Department",
    "Money",
    "MoneyError",
    "NavItem",
    "PDFUnavailable",
    "Party",
    "PortalLink",
    "User",
    "absolute_url",
    "assign_role",
    "assignments",
    "branch_by_code",
    "branches",
    "charging_points",
    "configure_organisation",
    "country_profile",
    "create_branch",
    "create_department",
    "create_party_login",
    "create_staff_user",
    "declare",
    "default_language",
    "define_default_role",
    "department_by_code",
    "department_descendants",
    "departments",
    "format_dual",
    "format_hijri",
    "format_money",
    "grant_by_default",
    "has_capability",
    "has_role",
    "install_default_roles",
    "link_user_to_party",
    "luhn_check_digit",
    "map_settings",
    "mark_read",
    "next_number",
    "next_numbers",
    "next_reference",
    "normalize_arabic",
    "normalize_digits",
    "notifications_of",
    "notify",
    "organisation",
    "party_by_commercial_registration",
    "party_by_national_id",
    "portal_links",
    "publish",
    "qr_data_uri",
    "quantize",
    "record_audit",
    "register_citizen",
    "register_establishment",
    "register_nav_item",
    "register_person",
    "register_portal_link",
    "render_pdf",
    "require",
    "role_keys",
    "service_points",
    "subscribe",
    "to_hijri",
    "unread_count",
    "user_by_username",
    "users_with_roles",
]
