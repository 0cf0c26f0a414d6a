"""Open311 GeoReport v2 endpoints, in JSON and XML, at /open311/v2/."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from baladiya.core import api as core
from baladiya.open311 import selectors, services

LIST_ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "posted": ("service_requests", "request"),
    "tokens": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _xml(kind: str, rows: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    if kind == "definition":
        root = ET.Element("service_definition")
        assert isinstance(rows, dict)
        ET.SubElement(root, "service_code").text = str(rows["service_code"])
        attributes = ET.SubElement(root, "attributes")
        for attribute in rows["attributes"]:
            node = ET.SubElement(attributes, "attribute")
            for key, value in attribute.items():
                ET.SubElement(node, key).text = (
                    str(value).lower() if isinstance(value, bool) else str(value)
                )
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)
    root_name, item_name = LIST_ROOTS[kind]
    root = ET.Element(root_name)
    for row in rows if isinstance(rows, list) else [rows]:
        item = ET.SubElement(root, item_name)
        for key, value in row.items():
            child = ET.SubElement(item, key)
            if value is None:
                continue
            child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _respond(fmt: str, kind: str, payload: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            _xml(kind, payload), status=status, content_type="text/xml; charset=utf-8"
        )
    return JsonResponse(
        payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", [{"code": status, "description": description}], status)


def _check(request: HttpRequest, fmt: str) -> HttpResponse | None:
    if fmt not in ("json", "xml"):
        return _error("json", 404, "format must be json or xml")
    jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if not selectors.jurisdiction_ok(jurisdiction):
        return _error(fmt, 404, "unknown jurisdiction_id")
    return None


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = core.absolute_url("/open311/v2/")
    payload = {
        "changeset": "2026-01-01T00:00:00Z",
        "contact": "",
        "key_service": "",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        return _error(fmt, 404, "discovery is available as json")
    return _respond(fmt, "", payload)


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _check(request, fmt) or _respond(fmt, "services", selectors.services())


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    problem = _check(request, fmt)
    if problem:
        return problem
    definition = selectors.service_definition(code)
    if definition is None:
        return _error(fmt, 404, f"unknown service_code {code}")
    return _respond(fmt, "definition", definition)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    problem = _check(request, fmt)
    if problem:
        return problem
    if request.method == "GET":
        try:
            return _respond(fmt, "requests", selectors.requests(request.GET.dict()))
        except selectors.BadQuery as exc:
            return _error(fmt, 400, str(exc))
    api_key = services.check_api_key(request.POST.get("api_key", ""))
    if api_key is None:
        return _error(fmt, 403, "a valid api_key is required to post a service request")
    try:
        filed, token = services.post_request(api_key=api_key, params=request.POST.dict())
    except ValidationError as exc:
        detail = (
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            if hasattr(exc, "error_dict")
            else "; ".join(exc.messages)
        )
        return _error(fmt, 400, detail)
    return _respond(
        fmt,
        "posted",
        [
            {
                "service_request_id": filed.case.reference,
                "token": token,
                "service_notice": "",
                "account_id": "",
            }
        ],
        status=201,
    )


@require_GET
def request_detail(request: HttpRequest, reference: str, fmt: str) -> HttpResponse:
    problem = _check(request, fmt)
    if problem:
        return problem
    found = selectors.request_by_id(reference)
    if found is None:
        return _error(fmt, 404, f"unknown service_request_id {reference}")
    return _respond(fmt, "requests", [found])


@require_GET
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    problem = _check(request, fmt)
    if problem:
        return problem
    found = selectors.token(token)
    if found is None:
        return _error(fmt, 404, "unknown token")
    return _respond(fmt, "tokens", [found])
