"""Confidentiality: default deny, grants, and the index agreeing with the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from baladiya.archive import api, selectors, tasks
from baladiya.archive.models import AccessLogEntry
from baladiya.archive.search import SearchRequest, engine
from baladiya.archive.tests.helpers import store

pytestmark = pytest.mark.django_db(transaction=False)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secret_doc(archive_town: Any, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        doc = store(
            archive_town["archivist"],
            archive_town["SEC"],
            level="secret",
            title="مذكرة سرية عن المناقصة",
            body="تفاصيل سرية عن عطاء الإنارة الخاصة بالبلدية",
        )
    return doc


def test_secret_document_is_invisible_without_grant(
    archive_town: Any, secret_doc: Any, django_capture_on_commit_callbacks: Any
) -> None:
    outsider = archive_town["archivist2"]  # same department and role, but no grant
    page = api.search(outsider, "الانارة")
    assert page.total == 0 and page.hits == []
    assert selectors.facets(outsider, "الانارة") == []
    assert selectors.suggest(outsider, "المناق") == []
    assert api.document_for(outsider, secret_doc.pk) is None
    client = _client(outsider)
    for name in ("document", "download", "thumbnail", "preview", "searchable-pdf"):
        response = client.get(
            f"/staff/archive/{secret_doc.pk}/"
            + {
                "document": "",
                "download": "file/",
                "thumbnail": "thumbnail/",
                "preview": "preview/",
                "searchable-pdf": "pdf/",
            }[name]
        )
        assert response.status_code == 404, name
    denied = AccessLogEntry.objects.filter(
        user=outsider, action="denied", document_ref=str(secret_doc.pk)
    )
    assert denied.count() == 5
    assert AccessLogEntry.objects.filter(user=outsider, action="search").exists()
    # The owner sees it, finds it, and downloads it.
    owner = archive_town["archivist"]
    assert api.search(owner, "الإنارة").total == 1
    assert _client(owner).get(f"/staff/archive/{secret_doc.pk}/file/").status_code == 200
    # A grant opens it to the other archivist, in the index too.
    with django_capture_on_commit_callbacks(execute=True):
        api.grant(actor=owner, document=secret_doc, user=outsider)
    assert api.search(outsider, "الانارة").total == 1
    assert suggestions_from(outsider, "المناق")


def suggestions_from(user: Any, prefix: str) -> list[str]:
    return selectors.suggest(user, prefix)


def test_non_numeric_and_missing_ids_answer_404(archive_town: Any) -> None:
    client = _client(archive_town["archivist"])
    assert client.get("/staff/archive/abc/").status_code == 404
    assert client.get("/staff/archive/999999/file/").status_code == 404


def test_levels_and_scopes(archive_town: Any, django_capture_on_commit_callbacks: Any) -> None:
    t = archive_town
    with django_capture_on_commit_callbacks(execute=True):
        public = store(t["archivist"], t["SEC"], level="public", title="إعلان عام")
        internal_eng = store(t["eng_archivist"], t["ROADS"], level="internal", title="كتاب الطرق")
        confidential_fin = store(None, t["FIN"], level="confidential", title="ميزانية سرية")
    clerk, cashier, head = t["clerk"], t["cashier"], t["eng_head"]
    assert api.document_for(clerk, public.pk) is not None  # clerk holds archive.view everywhere
    assert api.document_for(cashier, public.pk) is None  # cashier has no archive role at all
    # The head of Engineering reads the Roads section's documents (a sub-department).
    assert api.document_for(head, internal_eng.pk) is not None
    assert api.document_for(t["archivist"], internal_eng.pk) is None  # SEC archivist: not ENG
    assert api.document_for(t["eng_archivist"], confidential_fin.pk) is None
    assert api.document_for(head, confidential_fin.pk) is None


def test_index_hits_equal_database_permissions_after_reindex(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    t = archive_town
    levels = ["public", "internal", "confidential", "secret"]
    departments = [t["SEC"], t["ENG"], t["ROADS"], t["FIN"]]
    with django_capture_on_commit_callbacks(execute=True):
        docs = [
            store(
                None,
                departments[i % 4],
                level=levels[(i // 4) % 4],
                title=f"محضر رقم {i}",
                body="محضر اجتماع لجنة البلدية",
            )
            for i in range(16)
        ]
        api.grant(actor=None, document=docs[3], department=t["ENG"])
        api.grant(actor=None, document=docs[7], role_key="auditor")
        api.grant(actor=None, document=docs[11], user=t["clerk"])
        api.grant(actor=None, document=docs[15], role_key="archivist", department=t["SEC"])
    users = [
        t[k] for k in ("archivist", "eng_archivist", "eng_head", "clerk", "cashier", "auditor")
    ]

    def check() -> None:
        for user in users:
            allowed = set(selectors.visible_documents(user).values_list("pk", flat=True))
            result = engine().search(
                SearchRequest(query="محضر", acl=selectors.access_tokens(user), limit=100)
            )
            assert {h.document_id for h in result.hits} == allowed, user.username
            assert result.total == len(allowed)

    check()
    tasks.reindex(chunk_size=5)
    check()
