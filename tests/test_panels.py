"""Later modules add panels to the 360 page through the registry, without customers importing them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from guanxi.customers.panels import Panel, register_panel, unregister_panel
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create


@pytest.fixture
def loyalty_panel(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"],
        }
    ]
    seen = []

    def context(user, record):
        seen.append((user.username, record.name))
        return None if record.name == "无卡客户" else {"points": 1280}

    register_panel(
        Panel(
            key="loyalty",
            title="Membership",
            template="tests/loyalty_panel.html",
            context=context,
            applies_to=frozenset({"contact"}),
        )
    )
    yield seen
    unregister_panel("loyalty")


def test_registered_panel_renders_on_the_contact_360_page(people, loyalty_panel):
    contact = contact_create(actor=people.owner, name="张伟")
    account = account_create(actor=people.owner, name="华为")
    client = Client()
    client.force_login(people.owner)
    html = client.get(f"/contacts/{contact.public_id}/").content.decode()
    assert '<section class="card panel panel-loyalty">' in html
    assert "<h2>Membership</h2>" in html
    assert '<p class="points">1280 points</p>' in html
    assert "panel-loyalty" not in client.get(f"/accounts/{account.public_id}/").content.decode()
    assert loyalty_panel == [("owner", "张伟")]


def test_a_panel_can_decline_a_record(people, loyalty_panel):
    contact = contact_create(actor=people.owner, name="无卡客户")
    client = Client()
    client.force_login(people.owner)
    assert "panel-loyalty" not in client.get(f"/contacts/{contact.public_id}/").content.decode()
