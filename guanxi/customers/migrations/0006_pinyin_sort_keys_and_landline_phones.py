"""Pinyin sort keys for contacts and accounts, and the landline phone kind.

The keys of existing rows are filled in batches, each in its own transaction (the migration is
not atomic), so a large table is not held in one transaction and an interrupted run resumes where
it stopped: only rows whose key is still empty are read again.
"""

from django.db import migrations, models, transaction

import guanxi.core.fields
from guanxi.customers.names import sort_key

BATCH = 2000


def fill_sort_keys(apps, schema_editor):
    for model_name in ("Contact", "Account"):
        model = apps.get_model("customers", model_name)
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.filter(pk__gt=last_pk, sort_key="")
                    .order_by("pk")
                    .only("pk", "name")[:BATCH]
                )
                if not rows:
                    break
                for row in rows:
                    row.sort_key = sort_key(row.name)
                model.objects.bulk_update(rows, ["sort_key"])
            last_pk = rows[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0005_activities_keep_their_other_customer"),
    ]

    operations = [
        migrations.AddField(
            model_name="account",
            name="sort_key",
            field=guanxi.core.fields.ByteOrderCharField(
                db_default="", editable=False, max_length=300
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="sort_key",
            field=guanxi.core.fields.ByteOrderCharField(
                db_default="", editable=False, max_length=300
            ),
        ),
        migrations.AlterField(
            model_name="contactphone",
            name="kind",
            field=models.CharField(
                choices=[
                    ("mobile", "Mobile"),
                    ("landline", "Landline"),
                    ("work", "Work"),
                    ("home", "Home"),
                    ("other", "Other"),
                ],
                default="mobile",
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="account",
            index=models.Index(fields=["org", "sort_key"], name="customers_account_sort_idx"),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["org", "sort_key"], name="customers_contact_sort_idx"),
        ),
    ]
