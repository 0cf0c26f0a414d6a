"""The municipality's public home page and a signed-in person's account page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from baladiya.core import api as core
from baladiya.onestop import api as onestop
from baladiya.workflow import api as workflow


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "categories": onestop.categories_with_services(),
            "offices": core.service_points(),
            "today": timezone.localdate(),
        },
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Everything of mine in one place: what waits for me, my requests and drafts,
    my documents and my messages."""
    user = request.user
    cases = workflow.cases_of(user)
    return render(
        request,
        "portal/account.html",
        {
            "waiting": [
                (c, workflow.applicant_url(c.service_key, c.reference))
                for c in workflow.waiting_for(user)
            ],
            "cases": [(c, workflow.applicant_url(c.service_key, c.reference)) for c in cases[:10]],
            "case_count": cases.count(),
            "drafts": onestop.open_drafts(user),
            "documents": workflow.documents_of(user)[:20],
            "notifications": core.notifications_of(user)[:10],
            "links": core.portal_links(user),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(core.notifications_of(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page_obj": page_obj})


@login_required
@require_POST
def read_notifications(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    core.mark_read(user=request.user, notification_ids=ids)
    return redirect(request.POST.get("next") or "portal:notifications")
