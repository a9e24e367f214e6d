"""Teams get several managers, users a public id for the API, and invitations a table.

The steps run in this order so that the data steps see both the old and the new columns: the
single manager is copied into the many-to-many before its column goes away, and every existing
user gets its own UUID before the column becomes unique. Both data steps can be re-run.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def copy_single_manager(apps, schema_editor):
    Team = apps.get_model("platform", "Team")
    for team in Team.objects.filter(manager__isnull=False).iterator(chunk_size=BATCH):
        team.managers.add(team.manager_id)


def copy_first_manager_back(apps, schema_editor):
    Team = apps.get_model("platform", "Team")
    for team in Team.objects.iterator(chunk_size=BATCH):
        first = team.managers.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            Team.objects.filter(pk=team.pk).update(manager_id=first)


def fill_user_public_ids(apps, schema_editor):
    User = apps.get_model("platform", "User")
    while True:
        missing = User.objects.filter(public_id__isnull=True)
        batch = list(missing.values_list("pk", flat=True)[:BATCH])
        if not batch:
            return
        for pk in batch:
            User.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0002_scheduled_daily_jobs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="manager",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="manager",
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="managers",
            field=models.ManyToManyField(
                blank=True,
                related_name="managed_teams",
                to=settings.AUTH_USER_MODEL,
                verbose_name="managers",
            ),
        ),
        migrations.RunPython(copy_single_manager, copy_first_manager_back),
        migrations.RemoveField(model_name="team", name="manager"),
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(fill_user_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"
            ),
        ),
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
            },
        ),
    ]
