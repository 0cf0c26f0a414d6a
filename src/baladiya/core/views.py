"""Thin pages of the shell: sign-in, registration, language, the staff back office."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baladiya.core import selectors, services
from baladiya.core.forms import (
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    PartySearchForm,
    RegistrationForm,
    ResetForm,
)
from baladiya.core.permissions import AccessDenied, require, role_keys
from baladiya.core.profiles import country_profile


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if user.preferred_language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        return response

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if user.is_staff:
            return reverse("core:staff-home")
        return reverse(settings.LOGIN_REDIRECT_URL)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    form_class = ResetForm
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"
    success_url = reverse_lazy("core:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("core:password-reset-complete")


def register(request: HttpRequest) -> HttpResponse:
    org = selectors.organisation()
    profile = country_profile(org.country) if org else None
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_citizen(
                national_id=data["national_id"],
                name_ar=data["name_ar"],
                name_en=data["name_en"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"],
                preferred_language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:home")
    return render(
        request,
        "core/register.html",
        {
            "form": form,
            "id_help": profile.national_id_help if profile else "",
            "phone_example": profile.phone_example if profile else "",
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_preferred_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
    return response


def _staff_page(request: HttpRequest, capability: str) -> None:
    if not request.user.is_authenticated:
        raise AccessDenied(_("Please sign in."))
    require(request.user, capability)


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    _staff_page(request, "core.view_staff_area")
    assignments = request.user.role_assignments.select_related("role", "branch", "department")
    return render(
        request,
        "core/staff_home.html",
        {
            "assignments": assignments,
            "roles": role_keys(request.user),
        },
    )


@login_required
def parties(request: HttpRequest) -> HttpResponse:
    _staff_page(request, "core.view_parties")
    form = PartySearchForm(request.GET or None)
    query = kind = ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    page = Paginator(selectors.search_parties(user=request.user, query=query, kind=kind), 25)
    page_obj = page.get_page(request.GET.get("page"))
    template = "core/_party_rows.html" if request.htmx else "core/parties.html"
    return render(request, template, {"form": form, "page_obj": page_obj, "query": query})


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    _staff_page(request, "core.view_staff_area")
    return render(
        request,
        "core/organisation.html",
        {
            "branches": selectors.service_points(),
            "charging_points": selectors.charging_points(),
            "department_tree": selectors.department_tree(),
        },
    )


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    _staff_page(request, "core.view_audit")
    page = Paginator(
        selectors.audit_entries(user=request.user, action=request.GET.get("action", "")), 50
    )
    return render(request, "core/audit.html", {"page_obj": page.get_page(request.GET.get("page"))})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/profile.html",
        {
            "assignments": request.user.role_assignments.select_related(
                "role", "branch", "department"
            ),
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception)
        if isinstance(exception, AccessDenied) and str(exception)
        else _("You are not allowed to open this page.")
    )
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
