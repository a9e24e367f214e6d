"""The organisation's sharing setting for customers, and record collaborators."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0003_team_managers_and_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="customer_sharing",
            field=models.CharField(
                choices=[
                    ("private", "Private: the owner's team only"),
                    ("read", "Read-only to the organisation"),
                    ("read_write", "Read and write for the organisation"),
                ],
                default="read",
                max_length=10,
                verbose_name="customers shared with the organisation are",
            ),
        ),
        migrations.CreateModel(
            name="RecordCollaborator",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="public id")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True, verbose_name="updated at")),
                ("record_type", models.CharField(max_length=60, verbose_name="record type")),
                ("record_id", models.BigIntegerField(verbose_name="record")),
                ("access", models.CharField(choices=[("read", "Read"), ("write", "Read and write")], default="read", max_length=5, verbose_name="access")),
                ("until", models.DateField(blank=True, null=True, verbose_name="until")),
                ("include_children", models.BooleanField(default=False, help_text="For an account: the colleague also sees the account's contacts.", verbose_name="also its contacts")),
                ("added_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("org", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="platform.organization")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="collaborations", to=settings.AUTH_USER_MODEL, verbose_name="colleague")),
            ],
            options={
                "verbose_name": "collaborator",
                "verbose_name_plural": "collaborators",
                "indexes": [
                    models.Index(fields=["user", "record_type", "record_id"], name="platform_collab_user_idx"),
                    models.Index(fields=["record_type", "record_id"], name="platform_collab_record_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("record_type", "record_id", "user"), name="platform_collaborator_unique_user"),
                ],
            },
        ),
    ]
