"""``guanxi setup``: migrate, load demo data into an empty database, make the first administrator.

Used by ``make run``. Safe to run again: it does nothing that is already done, and prints the
administrator's password only when it creates that account.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from guanxi.platform.models import User
from guanxi.platform.roles import Role
from guanxi.platform.services.users import default_organization, user_create


class Command(BaseCommand):
    help = "Prepare the database: migrate, demo data when empty, first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true")
        parser.add_argument("--demo-contacts", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        org = default_organization()
        created_admin = None
        if not User.objects.filter(role=Role.ADMINISTRATOR).exists():
            password = secrets.token_urlsafe(12)
            created_admin = user_create(
                actor=None,
                username="admin",
                password=password,
                org=org,
                role=Role.ADMINISTRATOR,
                first_name="Admin",
                check_password=False,
            )
        if not options["no_demo"]:
            call_command("demo", contacts=options["demo_contacts"], only_if_empty=True)
            call_command("demo_orders", only_if_empty=True)
            call_command("demo_sales", only_if_empty=True)
        if created_admin is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    "\nAdministrator created (shown once) / 已创建管理员（仅显示一次）:\n"
                    f"  user name / 用户名: admin\n  password / 密码:   {password}\n"
                )
            )
