"""The audit chain is linked at commit.

Each entry now carries the SHA-256 of its own content (``content_hash``,
computed when it is written). On PostgreSQL a deferred constraint trigger gives
the entry its place in the chain (``seq``, ``prev_hash``, ``entry_hash``) when
the transaction commits, holding the chain head's row lock only while
committing; SQLite (one writer at a time) links at once in Python. Entries
written before this migration are re-hashed with the new formula, in order.
"""

import hashlib
import json

from django.db import migrations, models

GENESIS = "0" * 64

CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION core_audit_chain() RETURNS trigger AS $$
DECLARE
    head_id bigint;
    head_seq bigint;
    head_hash text;
    link text;
BEGIN
    SELECT id, last_seq, last_hash INTO head_id, head_seq, head_hash
      FROM core_audithead WHERE singleton FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_audithead (singleton, last_seq, last_hash)
             VALUES (true, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
        SELECT id, last_seq, last_hash INTO head_id, head_seq, head_hash
          FROM core_audithead WHERE singleton FOR UPDATE;
    END IF;
    link := encode(
        sha256(convert_to(head_hash || NEW.content_hash || (head_seq + 1)::text, 'UTF8')),
        'hex'
    );
    UPDATE core_auditentry
       SET seq = head_seq + 1, prev_hash = head_hash, entry_hash = link
     WHERE id = NEW.id AND seq IS NULL;
    UPDATE core_audithead SET last_seq = head_seq + 1, last_hash = link WHERE id = head_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

CHAIN_TRIGGER = """
CREATE CONSTRAINT TRIGGER core_audit_chain
    AFTER INSERT ON core_auditentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.seq IS NULL)
    EXECUTE FUNCTION core_audit_chain();
"""


def _payload(entry) -> str:
    import datetime as dt

    return json.dumps(
        {
            "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "before": entry.before,
            "after": entry.after,
            "ip": entry.ip_address,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def rehash(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    prev, seq = GENESIS, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        seq += 1
        content = hashlib.sha256(_payload(entry).encode("utf-8")).hexdigest()
        link = hashlib.sha256(f"{prev}{content}{seq}".encode()).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(
            seq=seq, content_hash=content, prev_hash=prev, entry_hash=link
        )
        prev = link
    AuditHead.objects.filter(singleton=True).update(last_seq=seq, last_hash=prev)


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_FUNCTION)
        schema_editor.execute(CHAIN_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_audit_chain ON core_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_audit_chain()")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notification_delivery_and_more")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name="sequence"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(rehash, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
