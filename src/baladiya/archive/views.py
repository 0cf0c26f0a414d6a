"""Archive pages: search, upload, a document with its versions, grants and log,
the ingest queue, retention review and the access log. A document a user may not
read answers 404 everywhere (and the attempt is logged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baladiya.archive import selectors, services
from baladiya.archive.forms import EditForm, GrantForm, QueueFilterForm, SearchForm, UploadForm
from baladiya.archive.models import AccessAction, Document, Version
from baladiya.core import api as core


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _number(value: str | None) -> int:
    """A posted id; anything else is 0, which matches nothing."""
    return int(value) if value and value.isdigit() else 0


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    user = request.user
    return render(
        request,
        template,
        {
            **context,
            "perms_upload": core.has_capability(user, "archive.upload"),
            "perms_manage": core.has_capability(user, "archive.manage"),
            "perms_log": core.has_capability(user, "archive.read_access_log"),
            "perms_export": core.has_capability(user, "archive.export"),
        },
    )


def _open(request: HttpRequest, pk: str, action: str) -> Document:
    document = services.open_document(user=request.user, pk=pk, action=action, ip=_ip(request))
    if document is None:
        raise Http404(_("No such document."))
    return document


@login_required
def home(request: HttpRequest) -> HttpResponse:
    core.require(request.user, "archive.view")
    types = selectors.document_types()
    departments = list(core.departments())
    form = SearchForm(
        request.GET or None,
        types=types,
        departments=departments,
        branches=list(core.branches()),
    )
    page = facets = None
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "doc_type": data["doc_type"],
            "department": int(data["department"]) if data["department"] else None,
            "branch": int(data["branch"]) if data["branch"] else None,
            "tags": [data["tag"]] if data["tag"] else [],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "order": data["order"] or "relevance",
        }
        try:
            number = int(request.GET.get("page", "1"))
        except ValueError:
            number = 1
        page = services.logged_search(
            user=request.user, query=data["q"], ip=_ip(request), page=number, **filters
        )
        facets = selectors.facets(
            request.user, data["q"], **{k: v for k, v in filters.items() if k != "doc_type"}
        )
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "archive/home.html",
        {
            "form": form,
            "page": page,
            "facets": facets,
            "querystring": query.urlencode(),
            "recent": None if page else selectors.recent_documents(request.user),
        },
    )


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """Autocomplete options (words from documents the user may read only)."""
    core.require(request.user, "archive.view")
    words = selectors.suggest(request.user, request.GET.get("q", ""))
    return render(request, "archive/_suggestions.html", {"words": words})


def _upload_title(title: str, filename: str, count: int) -> str:
    """The typed title for one file; with several, each file's name (after the
    typed title, if any)."""
    stem = filename.rsplit(".", 1)[0]
    if title and count == 1:
        return title
    return f"{title} — {stem}" if title else stem


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    core.require(request.user, "archive.upload")
    types = selectors.document_types()
    departments = list(core.departments())
    branches = list(core.branches())
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        types=types,
        departments=departments,
        branches=branches,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = next(d for d in departments if str(d.pk) == data["department"])
        branch = next((b for b in branches if str(b.pk) == data["branch"]), None)
        link = (
            (data["link_type"], data["link_id"]) if data["link_type"] and data["link_id"] else None
        )
        stored, failed = [], []
        for upload in data["files"]:
            try:
                stored.append(
                    services.store_document(
                        actor=request.user,  # type: ignore[arg-type]
                        file=upload,
                        filename=upload.name,
                        title=_upload_title(data["title"], upload.name, len(data["files"])),
                        doc_type=data["doc_type"],
                        department=department,
                        branch=branch,
                        level=data["level"],
                        number=data["number"],
                        date=data["date"],
                        metadata=form.metadata(),
                        tags=[t for t in data["tags"].replace("،", ",").split(",") if t.strip()],
                        link=link,
                    )
                )
            except ValidationError as exc:
                failed.append((upload.name, _errors(exc)))
        for name, errors in failed:
            form.add_error("files", f"{name}: {' '.join(errors)}")
        if stored:
            messages.success(
                request,
                _("%(n)s document(s) archived; their text is being read.") % {"n": len(stored)},
            )
        if stored and not failed:
            if len(stored) == 1:
                return redirect("archive:document", stored[0].pk)
            return redirect("archive:queue")
    return _render(request, "archive/upload.html", {"form": form})


@login_required
def document(request: HttpRequest, pk: str) -> HttpResponse:
    doc = _open(request, pk, AccessAction.VIEW)
    manage = selectors.can_manage(request.user, doc)
    departments = list(core.departments())
    grant_form = GrantForm(
        request.POST if request.POST.get("op") == "grant" else None, departments=departments
    )
    edit_form = EditForm(
        request.POST if request.POST.get("op") == "edit" else None,
        initial={
            "title": doc.title,
            "level": doc.level,
            "number": doc.number,
            "date": doc.date,
            "tags": ", ".join(doc.tags or []),
        },
        prefix="edit",
    )
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "edit" and edit_form.is_valid():
                data = edit_form.cleaned_data
                services.update_document(
                    actor=request.user,  # type: ignore[arg-type]
                    document=doc,
                    title=data["title"],
                    level=data["level"],
                    number=data["number"],
                    date=data["date"],
                    tags=[t for t in data["tags"].replace("،", ",").split(",") if t.strip()],
                )
                messages.success(request, _("Saved."))
                return redirect("archive:document", doc.pk)
            if op == "grant" and grant_form.is_valid():
                data = grant_form.cleaned_data
                user = core.user_by_username(data["username"]) if data["username"] else None
                if data["username"] and user is None:
                    raise ValidationError(_("No employee with this user name."))
                services.grant(
                    actor=request.user,  # type: ignore[arg-type]
                    document=doc,
                    department=next(
                        (d for d in departments if str(d.pk) == data["department"]), None
                    ),
                    role_key=data["role_key"].strip(),
                    user=user,
                )
                messages.success(request, _("Access granted."))
                return redirect("archive:document", doc.pk)
            if op == "revoke":
                services.revoke(actor=request.user, grant_id=_number(request.POST.get("grant")))  # type: ignore[arg-type]
                messages.success(request, _("Access withdrawn."))
                return redirect("archive:document", doc.pk)
            if op == "hold":
                services.set_legal_hold(
                    actor=request.user,  # type: ignore[arg-type]
                    document=doc,
                    hold=request.POST.get("hold") == "1",
                )
                return redirect("archive:document", doc.pk)
            if op == "version" and request.FILES.get("file"):
                upload = request.FILES["file"]
                services.add_version(
                    actor=request.user,  # type: ignore[arg-type]
                    document=doc,
                    file=upload,
                    filename=upload.name or "file",
                )
                messages.success(request, _("New version archived."))
                return redirect("archive:document", doc.pk)
            if op == "retry":
                version = doc.versions.filter(pk=_number(request.POST.get("version"))).first()
                if version is None:
                    raise Http404(_("No such file."))
                services.retry_version(actor=request.user, version=version)  # type: ignore[arg-type]
                return redirect("archive:document", doc.pk)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
    log = None
    if core.has_capability(request.user, "archive.read_access_log"):
        log = selectors.access_log(request.user, document_id=doc.pk)[:50]
    return _render(
        request,
        "archive/document.html",
        {
            "doc": doc,
            "versions": selectors.versions_of(doc),
            "current": selectors.current_version(doc),
            "grants": selectors.grants_of(doc) if manage else None,
            "grant_form": grant_form,
            "edit_form": edit_form,
            "manage": manage,
            "can_upload": core.has_capability(
                request.user, "archive.upload", department=doc.department
            ),
            "log": log,
            "metadata": [
                (
                    next(
                        (
                            s.get("label_ar") or s.get("label_en")
                            for s in doc.doc_type.fields
                            if s.get("key") == key
                        ),
                        key,
                    ),
                    value,
                )
                for key, value in (doc.metadata or {}).items()
            ],
        },
    )


def _file(key: str, content_type: str, filename: str = "", *, inline: bool = True) -> FileResponse:
    if not key:
        raise Http404(_("No such file."))
    response = FileResponse(
        default_storage.open(key, "rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=filename or None,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def download(request: HttpRequest, pk: str) -> FileResponse:
    doc = _open(request, pk, AccessAction.DOWNLOAD)
    version = _version(doc, request.GET.get("v"))
    return _file(version.file.storage_key, version.mime_type, version.filename, inline=False)


@login_required
def searchable_pdf(request: HttpRequest, pk: str) -> FileResponse:
    action = AccessAction.PRINT if request.GET.get("print") else AccessAction.DOWNLOAD
    doc = _open(request, pk, action)
    version = _version(doc, request.GET.get("v"))
    if version.searchable_pdf_key:
        return _file(version.searchable_pdf_key, "application/pdf", f"{doc.pk}.pdf")
    if version.mime_type == "application/pdf":
        return _file(version.file.storage_key, "application/pdf", version.filename)
    raise Http404(_("No PDF for this file."))


@login_required
def thumbnail(request: HttpRequest, pk: str) -> FileResponse:
    doc = _open(request, pk, AccessAction.PREVIEW)
    return _file(_version(doc, request.GET.get("v")).thumbnail_key, "image/png")


@login_required
def preview(request: HttpRequest, pk: str) -> FileResponse:
    doc = _open(request, pk, AccessAction.PREVIEW)
    return _file(_version(doc, request.GET.get("v")).preview_key, "image/png")


def _version(doc: Document, number: str | None) -> Version:
    versions = doc.versions.select_related("file").order_by("-number")
    if number and number.isdigit():
        versions = versions.filter(number=int(number))
    version = versions.first()
    if version is None:
        raise Http404(_("No such file."))
    return version


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        version = (
            selectors.ingest_queue(request.user)
            .filter(pk=_number(request.POST.get("version")))
            .first()
        )
        if version is None:
            raise Http404(_("No such file."))
        try:
            services.retry_version(actor=request.user, version=version)  # type: ignore[arg-type]
            messages.success(request, _("The file is queued again."))
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        return redirect(request.get_full_path())
    form = QueueFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    versions = Paginator(selectors.ingest_queue(request.user, state), 50)
    return _render(
        request,
        "archive/queue.html",
        {"form": form, "versions": versions.get_page(request.GET.get("page")), "state": state},
    )


@login_required
def retention(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST":
        try:
            if request.POST.get("op") == "propose":
                doc = selectors.document_for(request.user, request.POST.get("document"))
                if doc is None:
                    raise Http404(_("No such document."))
                services.propose_disposal(
                    actor=request.user,  # type: ignore[arg-type]
                    document=doc,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Proposed for destruction; another archivist decides."))
            elif request.POST.get("op") in ("destroy", "keep"):
                services.decide_disposal(
                    actor=request.user,  # type: ignore[arg-type]
                    review_id=_number(request.POST.get("review")),
                    destroy=request.POST["op"] == "destroy",
                )
                messages.success(request, _("Decision recorded."))
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        return redirect("archive:retention")
    return _render(
        request,
        "archive/retention.html",
        {
            "due": selectors.retention_due(request.user, today)[:200],
            "reviews": selectors.open_disposals(request.user),
            "today": today,
        },
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    document_id = request.GET.get("document", "").strip()
    username = request.GET.get("employee", "").strip()
    employee = core.user_by_username(username) if username else None
    entries = selectors.access_log(
        request.user,
        document_id=int(document_id) if document_id.isdigit() else None,
        employee_id=employee.pk if employee else (-1 if username else None),
    )
    return _render(
        request,
        "archive/access_log.html",
        {
            "entries": Paginator(entries, 100).get_page(request.GET.get("page")),
            "document": document_id,
            "employee": username,
        },
    )


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("document") if x.isdigit()]
    documents = list(selectors.visible_documents(request.user).filter(pk__in=ids))
    if not documents:
        raise Http404(_("No such document."))
    data = services.export_zip(actor=request.user, documents=documents)  # type: ignore[arg-type]
    response = HttpResponse(data, content_type="application/zip")
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="archive-{stamp}.zip"'
    return response
