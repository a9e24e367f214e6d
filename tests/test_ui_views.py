"""The list, form, delete and restore pages through Django's test client."""

from __future__ import annotations

import pytest
from django.test import Client

from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.platform.models import AuditEvent


@pytest.fixture
def client(people):
    client = Client()
    client.force_login(people.owner)
    return client


def test_contact_list_filters_sorts_and_pages(people, client):
    for i in range(30):
        contact_create(actor=people.owner, name=f"客户{i:02d}", province="浙江省" if i % 2 else "")
    page = client.get("/contacts/", {"province": "浙江省", "sort": "name"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "共 15 条" in html
    assert html.index("客户01") < html.index("客户03")
    second = client.get("/contacts/", {"page": 2})
    assert "第 2 / 2 页 · 共 30 条" in second.content.decode()
    fragment = client.get("/contacts/", {"q": "客户29"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="results">')
    assert "客户29" in fragment.content.decode()


def test_empty_list_explains_itself(people, client):
    assert "还没有联系人" in client.get("/contacts/").content.decode()
    assert "没有符合条件的联系人" in client.get("/contacts/", {"q": "nobody"}).content.decode()


def test_contact_form_creates_and_warns_about_duplicates(people, client):
    form = {"name": "张伟", "phones": "138 0013 8000", "visibility": "org"}
    created = client.post("/contacts/new/", form)
    assert created.status_code == 302
    again = client.post("/contacts/new/", {**form, "name": "张伟 (2)"})
    assert again.status_code == 422
    assert "这可能是已有的客户" in again.content.decode()
    assert Contact.objects.count() == 1
    confirmed = client.post(
        "/contacts/new/", {**form, "name": "张伟 (2)", "confirm_duplicate": "on"}
    )
    assert confirmed.status_code == 302
    assert Contact.objects.count() == 2


def test_contact_form_shows_field_errors(people, client):
    response = client.post(
        "/contacts/new/", {"name": "张伟", "phones": "hello", "visibility": "org"}
    )
    assert response.status_code == 422
    assert "“hello”不是有效的电话号码。" in response.content.decode()
    assert Contact.objects.count() == 0


def test_stale_edit_in_the_form_is_refused(people, client):
    contact = contact_create(actor=people.owner, name="王芳")
    client.post(
        f"/contacts/{contact.public_id}/edit/",
        {"name": "王芳芳", "visibility": "org", "version": 1},
    )
    stale = client.post(
        f"/contacts/{contact.public_id}/edit/",
        {"name": "王小芳", "visibility": "org", "version": 1},
    )
    assert stale.status_code == 422
    contact.refresh_from_db()
    assert (contact.name, contact.version) == ("王芳芳", 2)


def test_delete_confirm_undo_and_restore(people, client):
    account = account_create(actor=people.owner, name="杭州西湖餐饮有限公司")
    confirm = client.get(f"/accounts/{account.public_id}/delete/")
    assert "删除“杭州西湖餐饮有限公司”？" in confirm.content.decode()
    assert Account.objects.get().deleted_at is None
    assert client.post(f"/accounts/{account.public_id}/delete/").status_code == 302
    listing = client.get("/accounts/").content.decode()
    assert "撤销删除" in listing
    assert "杭州西湖餐饮有限公司" not in listing.split('<div id="results">')[1]
    restored = client.post(f"/accounts/{account.public_id}/restore/")
    assert restored["Location"] == f"/accounts/{account.public_id}/"
    assert Account.objects.get().deleted_at is None
    assert list(
        AuditEvent.objects.filter(target_type="customers.account")
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == ["customers.account.created", "customers.account.deleted", "customers.account.restored"]


def test_account_suggestions_for_the_contact_form(people, client):
    account_create(actor=people.owner, name="上海华为技术有限公司")
    account_create(actor=people.owner, name="杭州西湖餐饮有限公司")
    account_create(actor=people.outsider, name="华为私有", visibility="owner")
    response = client.get("/accounts/suggest/", {"account_name": "华为"})
    assert response.content.decode().strip() == (
        '<datalist id="account-options"><option value="上海华为技术有限公司"></datalist>'
    )
    form = client.get("/contacts/new/").content.decode()
    assert 'list="account-options"' in form
    assert 'hx-get="/accounts/suggest/"' in form


def test_owner_filter_lists_colleagues(people, client):
    contact_create(actor=people.owner, name="我的客户")
    contact_create(actor=people.teammate, name="同事的客户")
    page = client.get("/contacts/", {"owner": people.teammate.pk}).content.decode()
    results = page.split('<div id="results">')[1]
    assert "同事的客户" in results
    assert "我的客户" not in results
    assert f'<option value="{people.teammate.pk}" selected>teammate</option>' in page


def test_my_tasks_today_on_the_dashboard(people, client):
    from guanxi.customers.services.activities import activity_create

    mine = contact_create(actor=people.owner, name="张伟")
    hidden = contact_create(actor=people.outsider, name="秘密客户")
    activity_create(actor=people.owner, kind="task", subject="回电话", contact=mine)
    activity_create(
        actor=people.outsider,
        kind="task",
        subject="看不见的任务",
        contact=hidden,
        assignee=people.owner,
    )
    # The customer is made private after the task was given: the task no longer shows.
    contact_update(actor=people.outsider, contact=hidden, version=1, visibility="owner")
    html = client.get("/").content.decode()
    assert "回电话" in html
    assert "看不见的任务" not in html
