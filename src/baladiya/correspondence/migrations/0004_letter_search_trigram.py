"""On PostgreSQL, a trigram index makes the register's word search (``LIKE
'%word%'`` on the folded search text) an index lookup instead of a scan. Where
the pg_trgm extension cannot be created, and on SQLite, the search still works,
only without the index."""

from django.db import DatabaseError, migrations, transaction

INDEX = "correspondence_letter_search_trgm"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON correspondence_letter "
                "USING gin (search_text gin_trgm_ops)"
            )
    except DatabaseError:
        pass  # no privilege to add the extension: searches scan instead


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0003_letter_newest_index")]

    operations = [migrations.RunPython(forwards, backwards)]
