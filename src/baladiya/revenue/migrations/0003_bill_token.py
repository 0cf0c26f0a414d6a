# Bills get a verification token (for the QR code) and the user who issued them.
# The token is added in three steps so that bills issued before get one each.

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import baladiya.revenue.models


def give_tokens(apps, schema_editor):
    Bill = apps.get_model("revenue", "Bill")
    for bill in Bill.objects.filter(token__isnull=True).only("pk"):
        Bill.objects.filter(pk=bill.pk).update(token=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("revenue", "0002_amendment_case"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="bill",
            name="issued_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="bill",
            name="token",
            field=models.CharField(editable=False, max_length=40, null=True),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="bill",
            name="token",
            field=models.CharField(
                default=baladiya.revenue.models._bill_token,
                editable=False,
                max_length=40,
                unique=True,
            ),
        ),
    ]
