"""The audit log is append-only and hash-chained; tampering is detected by
``verify_audit``, which names the entry."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from baladiya.core.models import AuditEntry
from baladiya.core.services import create_branch, record_audit, seal_audit, verify_audit_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org_ps: object) -> list[AuditEntry]:
    for code in ("B1", "B2", "B3", "B4"):
        create_branch(actor=None, code=code, name_ar=f"فرع {code}", name_en=f"Branch {code}")
    seal_audit()  # PostgreSQL links entries at commit; the test's transaction never commits
    return list(AuditEntry.objects.order_by("seq"))


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    try:
        call_command("verify_audit")
    except CommandError as exc:
        return False, capsys.readouterr().err + str(exc)
    return True, capsys.readouterr().out


def test_an_untouched_log_verifies(
    chain: list[AuditEntry], capsys: pytest.CaptureFixture[str]
) -> None:
    ok, output = _verify(capsys)
    assert ok, output
    assert f"{len(chain)} entries verified" in output
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))


def test_editing_an_entry_with_raw_sql_is_detected_and_named(
    chain: list[AuditEntry], capsys: pytest.CaptureFixture[str]
) -> None:
    victim = chain[2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE id = %s",
            ["forged", victim.pk],
        )
    ok, output = _verify(capsys)
    assert not ok
    assert f"audit entry {victim.seq}: was edited" in output


def test_editing_the_json_payload_is_detected(
    chain: list[AuditEntry], capsys: pytest.CaptureFixture[str]
) -> None:
    victim = chain[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET after = %s WHERE id = %s",
            ['{"code": "B9"}', victim.pk],
        )
    ok, output = _verify(capsys)
    assert not ok
    assert f"audit entry {victim.seq}: was edited" in output


def test_deleting_an_entry_in_the_middle_is_detected_and_named(
    chain: list[AuditEntry], capsys: pytest.CaptureFixture[str]
) -> None:
    victim = chain[1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [victim.pk])
    ok, output = _verify(capsys)
    assert not ok
    assert f"audit entry {victim.seq}: entries {victim.seq}–{victim.seq} are missing" in output


def test_deleting_the_latest_entry_is_detected(
    chain: list[AuditEntry], capsys: pytest.CaptureFixture[str]
) -> None:
    victim = chain[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [victim.pk])
    ok, output = _verify(capsys)
    assert not ok
    assert f"audit entry {victim.seq}:" in output


def test_rewriting_an_entry_and_its_hash_breaks_the_next_link(chain: list[AuditEntry]) -> None:
    from baladiya.core.services import chain_hash, content_hash

    victim = chain[1]
    victim.object_repr = "forged"
    forged_content = content_hash(victim)
    forged_hash = chain_hash(victim.prev_hash, forged_content, victim.seq)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s, content_hash = %s, "
            "entry_hash = %s WHERE id = %s",
            ["forged", forged_content, forged_hash, victim.pk],
        )
    _checked, problems = verify_audit_chain()
    assert [p.seq for p in problems] == [chain[2].seq]


def test_the_model_refuses_updates_and_deletes(chain: list[AuditEntry]) -> None:
    entry = chain[0]
    entry.object_repr = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()


def test_entries_record_actor_before_and_after(org_ps: object, make_staff: object) -> None:
    clerk = make_staff("clerk")  # type: ignore[operator]
    entry = record_audit(
        actor=clerk,
        action="test.change",
        obj=clerk,
        before={"a": 1},
        after={"a": 2, "when": "2026-01-01"},
    )
    entry.refresh_from_db()
    assert entry.actor == clerk
    assert entry.before == {"a": 1} and entry.after["a"] == 2
    assert verify_audit_chain()[1] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_do_not_queue_on_the_chain_until_they_commit(org_ps: object) -> None:
    """A transaction that has written an audit entry and is still working does not
    hold up another writer; both entries are linked, in commit order, at commit."""
    import threading

    from django.db import transaction

    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def slow() -> None:
        try:
            with transaction.atomic():
                record_audit(actor=None, action="test.slow")
                started.set()
                release.wait(timeout=10)
            finished.append("slow")
        finally:
            connection.close()

    worker = threading.Thread(target=slow)
    worker.start()
    assert started.wait(timeout=10)
    fast = threading.Thread(
        target=lambda: (record_audit(actor=None, action="test.fast"), finished.append("fast"))
    )
    fast.start()
    fast.join(timeout=5)
    assert finished == ["fast"]  # not blocked by the open transaction's entry
    release.set()
    worker.join(timeout=10)
    assert finished == ["fast", "slow"]
    entries = list(AuditEntry.objects.filter(action__startswith="test.").order_by("seq"))
    assert [e.action for e in entries] == ["test.fast", "test.slow"]
    assert entries[1].seq == entries[0].seq + 1
    assert verify_audit_chain()[1] == []
