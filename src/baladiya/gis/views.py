"""Thin pages: the map (public parcel inquiry; staff see owners and linked
records), the parcel card, the site-plan PDF and its verification page, the
GeoJSON feeds of the map, parcel import and numbering of unplanned areas."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import shape

from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.gis import drawing, selectors, services
from baladiya.gis.formats import FormatError, read_upload
from baladiya.gis.geometry import gis_profile
from baladiya.gis.models import NumberingRun, Parcel, ParcelStatus, SitePlan
from baladiya.gis.registry import PLANNED_LAYERS

MAX_FEATURES = 4000


def _tile_url() -> str:
    """The basemap tile URL template (``MAP_TILE_URL``); empty → vector only."""
    return str(core.map_settings()["map_tile_url"])


def _staff(request: HttpRequest, capability: str) -> None:
    if not request.user.is_authenticated:
        raise core.AccessDenied(_("Please sign in."))
    core.require(request.user, capability)


def _bbox(request: HttpRequest) -> tuple[float, float, float, float]:
    try:
        values = [float(v) for v in request.GET.get("bbox", "").split(",")]
    except ValueError:
        values = []
    if len(values) != 4:
        raise Http404
    return values[0], values[1], values[2], values[3]


def _map_context(request: HttpRequest, *, staff: bool) -> dict[str, Any]:
    org = core.organisation()
    country = org.country if org else "PS"
    profile = gis_profile(country)
    extent = selectors.parcels_extent()
    layers = [
        {"key": layer.key, "label": str(layer.label), "colour": layer.colour}
        for layer in gis.map_layers()
        if core.has_capability(request.user, layer.capability)
    ]
    registered = {layer["key"] for layer in layers}
    missing = [str(label) for key, label in PLANNED_LAYERS.items() if key not in registered]
    config = {
        "centre": [profile.centre[1], profile.centre[0]],
        "extent": [[extent[1], extent[0]], [extent[3], extent[2]]] if extent else None,
        "tiles": _tile_url(),
        "parcels": reverse("gis:parcels-geojson"),
        "zones": reverse("gis:zones-geojson"),
        "layer": reverse("gis:layer-geojson", args=["__key__"]),
        "card": reverse("gis:parcel-card", args=[0]).replace("/0/", "/__id__/"),
        "minZoom": 16,
        "labels": {
            "parcels": _("Parcels"),
            "zones": _("Zones"),
            "zoomIn": _("Zoom in to see the parcels."),
            "tooMany": _("Too many parcels here; zoom in."),
            "notFound": _("No parcel here."),
        },
        "layers": layers,
    }
    return {
        "config": config,
        "staff": staff,
        "missing_layers": missing,
        "block_label": profile.block_label,
        "number_label": profile.number_label,
    }


def public_map(request: HttpRequest) -> HttpResponse:
    """Parcel inquiry: anyone may look up a parcel, its zone and its rules."""
    return render(request, "gis/map.html", _map_context(request, staff=False))


@login_required
def staff_map(request: HttpRequest) -> HttpResponse:
    _staff(request, "gis.view_parcels")
    context = _map_context(request, staff=True)
    context["numbering_runs"] = NumberingRun.objects.all()[:5]
    context["can_import"] = core.has_capability(request.user, "gis.manage_parcels")
    context["can_number"] = core.has_capability(request.user, "gis.number_parcels")
    return render(request, "gis/staff_map.html", context)


@require_GET
def parcels_geojson(request: HttpRequest) -> JsonResponse:
    min_lon, min_lat, max_lon, max_lat = _bbox(request)
    parcels = selectors.parcels_in_bbox(min_lon, min_lat, max_lon, max_lat, limit=MAX_FEATURES + 1)
    collection = selectors.parcels_geojson(parcels[:MAX_FEATURES])
    collection["truncated"] = len(parcels) > MAX_FEATURES
    return JsonResponse(collection)


@require_GET
def zones_geojson(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.zones_geojson())


@require_GET
def layer_geojson(request: HttpRequest, key: str) -> JsonResponse:
    layer = next((layer for layer in gis.map_layers() if layer.key == key), None)
    if layer is None or not core.has_capability(request.user, layer.capability):
        raise Http404
    return JsonResponse({"type": "FeatureCollection", "features": layer.features(_bbox(request))})


def _parcel_context(request: HttpRequest, parcel: Parcel) -> dict[str, Any]:
    may_see_owners = selectors.may_view_owners(request.user)
    return {
        "parcel": parcel,
        "rules": gis.zone_rules_for_parcel(parcel),
        "neighbours": selectors.neighbours(parcel).order_by("block", "number"),
        "owners": selectors.owners_of(user=request.user, parcel=parcel) if may_see_owners else None,
        "history": selectors.lineage(parcel),
        "linked": gis.linked_records(parcel, request.user)
        if core.has_capability(request.user, "gis.view_parcels")
        else None,
        "can_issue": core.has_capability(request.user, "gis.issue_site_plans"),
        "is_staff_view": core.has_capability(request.user, "gis.view_parcels"),
        **_labels(),
    }


def _labels() -> dict[str, Any]:
    org = core.organisation()
    profile = gis_profile(org.country if org else "PS")
    return {"block_label": profile.block_label, "number_label": profile.number_label}


def parcel_card(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """The side panel of the map (an HTML fragment) for a clicked parcel."""
    parcel = selectors.parcel_by_id(parcel_id)
    if parcel is None:
        raise Http404
    return render(request, "gis/_parcel_card.html", _parcel_context(request, parcel))


def parcel_at(request: HttpRequest) -> HttpResponse:
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    parcel = selectors.parcel_at_point(lon, lat)
    if parcel is None:
        return render(request, "gis/_no_parcel.html")
    return render(request, "gis/_parcel_card.html", _parcel_context(request, parcel))


def parcel_detail(request: HttpRequest, parcel_id: int) -> HttpResponse:
    parcel = selectors.parcel_by_id(parcel_id)
    if parcel is None:
        raise Http404
    return render(request, "gis/parcel_detail.html", _parcel_context(request, parcel))


@login_required
def site_plan(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """Issue a site-plan extract and send it as a PDF."""
    parcel = selectors.parcel_by_id(parcel_id)
    if parcel is None:
        raise Http404
    try:
        plan = services.issue_site_plan(actor=request.user, parcel=parcel)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("gis:parcel", parcel_id=parcel.pk)
    pdf = core.render_pdf(
        "gis/site_plan_pdf.html",
        _site_plan_context(plan),
        language=translation.get_language(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"site-plan-{parcel.block or 'x'}-{parcel.number or parcel.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _site_plan_context(plan: SitePlan) -> dict[str, Any]:
    parcel = plan.parcel
    verify = core.absolute_url(reverse("gis:verify-site-plan", args=[plan.reference]))
    org = core.organisation()
    country = org.country if org else "PS"
    return {
        "plan": plan,
        "parcel": parcel,
        "organisation": org,
        "rules": gis.zone_rules_for_parcel(parcel),
        "drawing": drawing.site_plan_svg(
            parcel, list(selectors.neighbours(parcel)), country=country
        ),
        "verify_url": verify,
        "qr": core.qr_data_uri(verify),
        "block_label": gis_profile(country).block_label,
        "number_label": gis_profile(country).number_label,
        "crs": gis_profile(country).projected_crs,
    }


def verify_site_plan(request: HttpRequest, reference: str) -> HttpResponse:
    plan = get_object_or_404(SitePlan.objects.select_related("parcel"), reference=reference)
    current = (
        plan.parcel.status != ParcelStatus.RETIRED
        and services.geometry_hash(plan.parcel) == plan.geometry_hash
    )
    return render(request, "gis/verify_site_plan.html", {"plan": plan, "current": current})


@login_required
def import_parcels(request: HttpRequest) -> HttpResponse:
    _staff(request, "gis.manage_parcels")
    report = None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            features = read_upload(upload.name or "", upload.read())
        except FormatError as exc:
            messages.error(request, str(exc))
        else:
            report = services.import_parcels(
                actor=request.user,
                features=features,
                source=f"upload:{upload.name}"[:40],
                dry_run=bool(request.POST.get("dry_run")),
            )
            if report.ok and not report.dry_run:
                messages.success(
                    request,
                    _("%(count)d parcels were imported.") % {"count": report.imported},
                )
    return render(request, "gis/import.html", {"report": report})


@login_required
def number_area(request: HttpRequest) -> HttpResponse:
    _staff(request, "gis.number_parcels")
    run = None
    error = ""
    if request.method == "POST":
        try:
            area = shape(json.loads(request.POST.get("area", "")))
            run = services.number_unplanned_area(
                actor=request.user,
                area=area,
                block=request.POST.get("block", ""),
                neighbourhood=request.POST.get("neighbourhood", ""),
            )
        except (ValueError, TypeError, AttributeError, KeyError):
            error = _("Draw the area on the map first.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
    context = _map_context(request, staff=True)
    context.update({"run": run, "error": error})
    return render(request, "gis/number_area.html", context)


@login_required
def numbering_run(request: HttpRequest, run_id: int) -> HttpResponse:
    _staff(request, "gis.view_parcels")
    run = get_object_or_404(NumberingRun, pk=run_id)
    numbered = [row for row in run.report if "number" in row]
    skipped = [row["skipped"] for row in run.report if "skipped" in row]
    return render(
        request, "gis/numbering_run.html", {"run": run, "numbered": numbered, "skipped": skipped}
    )


@login_required
def export_geojson(request: HttpRequest) -> HttpResponse:
    _staff(request, "gis.view_parcels")
    body = json.dumps(
        {"type": "FeatureCollection", "features": selectors.all_parcels_features()},
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="parcels.geojson"'
    return response
