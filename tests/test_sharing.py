"""The sharing model: organisation default, write access, take-over refused, collaborators, and
visibility applied to every item a page, list or the audit trail shows."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.activities import activity_create
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.platform.models import AuditEvent, RecordCollaborator
from guanxi.platform.roles import Role
from guanxi.platform.services.sharing import (
    collaborator_remove,
    collaborator_set,
    organization_set_sharing,
)
from guanxi.platform.services.users import user_create
from guanxi.platform.visibility import can_edit, can_see


def _state(record):
    record.refresh_from_db()
    return (record.owner_id, record.visibility, record.team_id, record.version)


def _set_sharing(people, value):
    organization_set_sharing(actor=people.admin, org=people.org, sharing=value)


@pytest.fixture
def org_contact(people):
    return contact_create(actor=people.owner, name="王芳", phones=["13800138000"])


# --- take-over ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "teammate"])
@pytest.mark.parametrize(
    "change", [{"owner": "outsider"}, {"visibility": "owner"}, {"owner": "teammate"}]
)
def test_an_editor_cannot_take_a_colleagues_customer(people, api_for, org_contact, who, change):
    _set_sharing(people, "read_write")
    api = api_for(getattr(people, who))
    before = _state(org_contact)
    response = api.patch(f"/api/v1/contacts/{org_contact.public_id}", {"version": 1, **change})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == list(change)
    assert _state(org_contact) == before


def test_an_editor_may_send_the_unchanged_owner_and_visibility(people, api_for, org_contact):
    _set_sharing(people, "read_write")
    response = api_for(people.outsider).patch(
        f"/api/v1/contacts/{org_contact.public_id}",
        {"version": 1, "owner": "owner", "visibility": "org", "title": "店长"},
    )
    assert response.status_code == 200
    assert response.json()["title"] == "店长"
    assert response.json()["owner"] == "owner"


@pytest.mark.parametrize("who", ["owner", "manager", "admin"])
def test_owner_managers_and_administrators_change_owner_and_visibility(
    people, api_for, org_contact, who
):
    response = api_for(getattr(people, who)).patch(
        f"/api/v1/contacts/{org_contact.public_id}",
        {"version": 1, "owner": "teammate", "visibility": "team"},
    )
    assert response.status_code == 200
    org_contact.refresh_from_db()
    assert (org_contact.owner_id, org_contact.visibility) == (people.teammate.pk, "team")


def test_take_over_of_an_account_is_refused_too(people, api_for):
    _set_sharing(people, "read_write")
    account = account_create(actor=people.owner, name="华为")
    before = _state(account)
    response = api_for(people.outsider).patch(
        f"/api/v1/accounts/{account.public_id}", {"version": 1, "owner": "outsider"}
    )
    assert response.status_code == 403
    assert _state(account) == before


# --- organisation sharing setting ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sharing", "outsider_reads", "outsider_writes"),
    [("private", False, False), ("read", True, False), ("read_write", True, True)],
)
def test_organisation_default_decides_what_colleagues_outside_the_team_get(
    people, api_for, org_contact, sharing, outsider_reads, outsider_writes
):
    if sharing != "read":
        _set_sharing(people, sharing)
    api = api_for(people.outsider)
    url = f"/api/v1/contacts/{org_contact.public_id}"
    assert api.get(url).status_code == (200 if outsider_reads else 404)
    listed = [c["name"] for c in api.get("/api/v1/contacts").json()["items"]]
    assert listed == (["王芳"] if outsider_reads else [])
    before = _state(org_contact)
    edit = api.patch(url, {"version": 1, "title": "经理"})
    assert edit.status_code == (200 if outsider_writes else 403 if outsider_reads else 404)
    if not outsider_writes:
        assert _state(org_contact) == before
    # The owner's team always reads and writes, whatever the setting.
    teammate = api_for(people.teammate)
    assert teammate.patch(url, {"version": _state(org_contact)[3], "title": "主任"}).status_code == 200


def test_default_sharing_is_read_only_to_the_organisation(people):
    people.org.refresh_from_db()
    assert people.org.customer_sharing == "read"


def test_a_read_only_shared_record_still_takes_notes_and_tasks(people, api_for, org_contact):
    response = api_for(people.outsider).post(
        "/api/v1/activities",
        {"kind": "task", "subject": "回访", "contact": str(org_contact.public_id)},
    )
    assert response.status_code == 201
    assert org_contact.activities.count() == 1


def test_only_administrators_change_the_sharing_setting(people, english):
    from guanxi.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        organization_set_sharing(actor=people.manager, org=people.org, sharing="private")
    people.org.refresh_from_db()
    assert people.org.customer_sharing == "read"
    _set_sharing(people, "private")
    people.org.refresh_from_db()
    assert people.org.customer_sharing == "private"
    event = AuditEvent.objects.get(verb="platform.organization.sharing_changed")
    assert event.changes == {"customer_sharing": {"before": "read", "after": "private"}}


def test_sharing_settings_page_for_administrators(people):
    client = Client()
    client.force_login(people.manager)
    assert client.get("/settings/sharing/").status_code == 403
    client.force_login(people.admin)
    assert client.get("/settings/sharing/").status_code == 200
    response = client.post("/settings/sharing/", {"customer_sharing": "read_write"})
    assert response.status_code == 302
    people.org.refresh_from_db()
    assert people.org.customer_sharing == "read_write"


# --- collaborators ---------------------------------------------------------------------------


@pytest.fixture
def private_contact(people):
    return contact_create(actor=people.owner, name="李娜", visibility="owner")


def test_a_collaborator_reads_or_writes_as_given(people, api_for, private_contact):
    url = f"/api/v1/contacts/{private_contact.public_id}"
    api = api_for(people.outsider)
    assert api.get(url).status_code == 404
    added = api_for(people.owner).put(f"{url}/collaborators/outsider", {"access": "read"})
    assert added.status_code == 200
    assert added.json() == {
        "user": "outsider",
        "name": "outsider",
        "access": "read",
        "until": None,
        "include_children": False,
    }
    assert api.get(url).status_code == 200
    assert [c["name"] for c in api.get("/api/v1/contacts", {"scope": "shared"}).json()["items"]] == [
        "李娜"
    ]
    assert api.patch(url, {"version": 1, "title": "x"}).status_code == 403
    api_for(people.owner).put(f"{url}/collaborators/outsider", {"access": "write"})
    assert api.patch(url, {"version": 1, "title": "x"}).status_code == 200
    # Write access is still not enough to take the record or open it to others.
    assert api.patch(url, {"version": 2, "visibility": "org"}).status_code == 403
    assert api.put(f"{url}/collaborators/teammate", {"access": "read"}).status_code == 403
    assert api_for(people.owner).delete(f"{url}/collaborators/outsider").status_code == 204
    assert api.get(url).status_code == 404
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="platform.collaborator")
        .order_by("pk")
        .values_list("verb", "subject_id")
    )
    assert verbs == [
        ("platform.collaborator.added", private_contact.pk),
        ("platform.collaborator.changed", private_contact.pk),
        ("platform.collaborator.removed", private_contact.pk),
    ]


def test_a_collaboration_ends_on_its_date(people, private_contact):
    collaborator_set(
        actor=people.owner,
        record=private_contact,
        user=people.outsider,
        until=timezone.localdate(),
    )
    assert can_see(people.outsider, private_contact)
    RecordCollaborator.objects.update(until=timezone.localdate() - datetime.timedelta(days=1))
    outsider = type(people.outsider).objects.get(pk=people.outsider.pk)
    assert not can_see(outsider, private_contact)
    assert not Contact.objects.filter(pk=private_contact.pk).filter(
        __import__("guanxi.platform.visibility", fromlist=["x"]).visible_filter(outsider, Contact)
    ).exists()


def test_an_account_shared_with_its_contacts(people, api_for):
    account = account_create(actor=people.owner, name="腾讯", visibility="owner")
    person = contact_create(actor=people.owner, name="马化", visibility="owner", account=account)
    collaborator_set(
        actor=people.owner, record=account, user=people.outsider, include_children=True
    )
    outsider = type(people.outsider).objects.get(pk=people.outsider.pk)
    assert can_see(outsider, person)
    assert not can_edit(outsider, person)
    listed = api_for(people.outsider).get("/api/v1/contacts", {"scope": "shared"}).json()
    assert [(c["name"], c["account_name"]) for c in listed["items"]] == [("马化", "腾讯")]


def test_only_managers_of_the_record_add_collaborators(people, private_contact, english):
    from guanxi.core.errors import NotFoundError, PermissionDeniedError

    with pytest.raises(NotFoundError):
        collaborator_set(actor=people.teammate, record=private_contact, user=people.outsider)
    collaborator_set(actor=people.owner, record=private_contact, user=people.teammate)
    teammate = type(people.teammate).objects.get(pk=people.teammate.pk)
    with pytest.raises(PermissionDeniedError):
        collaborator_set(actor=teammate, record=private_contact, user=people.outsider)
    with pytest.raises(PermissionDeniedError):
        collaborator_remove(actor=teammate, record=private_contact, user=people.teammate)
    assert RecordCollaborator.objects.count() == 1


def test_collaborators_panel_adds_and_removes_from_the_360_page(people, private_contact):
    client = Client()
    client.force_login(people.owner)
    page = client.get(f"/contacts/{private_contact.public_id}/")
    assert "collaborator-form" in page.content.decode()
    response = client.post(
        f"/contact/{private_contact.public_id}/collaborators/",
        {"user": "outsider", "access": "write"},
    )
    assert response.status_code == 302
    row = RecordCollaborator.objects.get()
    assert (row.user_id, row.access) == (people.outsider.pk, "write")
    client.force_login(people.outsider)
    page = client.get(f"/contacts/{private_contact.public_id}/").content.decode()
    assert "collaborator-form" not in page
    assert client.post(
        f"/contact/{private_contact.public_id}/collaborators/outsider/remove/"
    ).status_code == 302
    assert RecordCollaborator.objects.count() == 1


def test_list_scopes_mine_shared_and_team(people, api_for):
    contact_create(actor=people.owner, name="甲")
    contact_create(actor=people.teammate, name="乙")
    contact_create(actor=people.outsider, name="丙")
    api = api_for(people.owner)

    def names(scope):
        items = api.get("/api/v1/contacts", {"scope": scope}).json()["items"]
        return sorted(c["name"] for c in items)

    assert names("mine") == ["甲"]
    assert names("team") == ["乙", "甲"]
    assert names("shared") == []
    assert names("") == ["丙", "乙", "甲"]


# --- visibility of every item ----------------------------------------------------------------


@pytest.fixture
def company_with_private_person(people):
    account = account_create(actor=people.owner, name="小米科技")
    person = contact_create(actor=people.owner, name="雷军", visibility="owner", account=account)
    activity_create(actor=people.owner, kind="note", body="私密备注：预算三百万", contact=person)
    activity_create(actor=people.owner, kind="task", subject="私密任务：签约", contact=person)
    activity_create(actor=people.owner, kind="note", body="公司公开备注", account=account)
    return account, person


def test_company_page_shows_only_items_whose_subject_is_visible(
    people, company_with_private_person
):
    account, _person = company_with_private_person
    client = Client()
    client.force_login(people.outsider)
    page = client.get(f"/accounts/{account.public_id}/").content.decode()
    assert "公司公开备注" in page
    assert "私密备注" not in page
    assert "私密任务" not in page
    assert "雷军" not in page
    assert "activity-done" not in page and "/done/" not in page
    client.force_login(people.owner)
    page = client.get(f"/accounts/{account.public_id}/").content.decode()
    assert "私密备注" in page and "私密任务" in page and "/done/" in page


def test_task_done_button_only_for_who_may_complete_it(people, org_contact):
    activity_create(actor=people.owner, kind="task", subject="回电", contact=org_contact)
    client = Client()
    client.force_login(people.outsider)
    page = client.get(f"/contacts/{org_contact.public_id}/").content.decode()
    assert "回电" in page
    assert "/done/" not in page


def test_activities_api_hides_items_of_invisible_people(people, api_for, company_with_private_person):
    account, _person = company_with_private_person
    items = api_for(people.outsider).get(
        "/api/v1/activities", {"account": str(account.public_id)}
    ).json()["items"]
    assert [a["body"] for a in items] == ["公司公开备注"]


@pytest.fixture
def person_at_private_company(people):
    account = account_create(actor=people.owner, name="保密公司", visibility="owner")
    person = contact_create(actor=people.owner, name="赵敏", account=account)
    activity_create(actor=people.owner, kind="note", body="见面", contact=person)
    return account, person


def test_invisible_company_is_not_named_anywhere(people, api_for, person_at_private_company):
    _account, person = person_at_private_company
    api = api_for(people.outsider)
    one = api.get(f"/api/v1/contacts/{person.public_id}").json()
    assert (one["account"], one["account_name"]) == (None, None)
    listed = api.get("/api/v1/contacts").json()["items"]
    assert [(c["name"], c["account"], c["account_name"]) for c in listed] == [("赵敏", None, None)]
    activities = api.get("/api/v1/activities").json()["items"]
    assert [(a["body"], a["account"]) for a in activities] == [("见面", None)]
    client = Client()
    client.force_login(people.outsider)
    for url in (f"/contacts/{person.public_id}/", "/contacts/", "/search/?q=赵敏", "/"):
        assert "保密公司" not in client.get(url).content.decode(), url
    owner_view = api_for(people.owner).get(f"/api/v1/contacts/{person.public_id}").json()
    assert owner_view["account_name"] == "保密公司"


def test_editing_a_contact_keeps_the_company_the_editor_cannot_see(
    people, person_at_private_company
):
    account, person = person_at_private_company
    _set_sharing(people, "read_write")
    client = Client()
    client.force_login(people.outsider)
    form = client.get(f"/contacts/{person.public_id}/edit/").content.decode()
    assert "保密公司" not in form
    response = client.post(
        f"/contacts/{person.public_id}/edit/",
        {"name": "赵敏", "title": "总监", "version": "1", "account_name": ""},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.account_id) == ("总监", account.pk)


def test_audit_trail_shows_only_rows_whose_subject_is_visible(people):
    other_manager = user_create(
        actor=None,
        username="south_manager",
        password="x",
        org=people.org,
        role=Role.MANAGER,
        team=people.other_team,
        check_password=False,
    )
    secret = contact_create(actor=people.owner, name="机密客户", visibility="owner")
    contact_update(actor=people.owner, contact=secret, version=1, title="董事长")
    shared = contact_create(actor=people.owner, name="公开客户")
    client = Client()
    client.force_login(other_manager)
    page = client.get("/audit/").content.decode()
    assert "公开客户" in page
    assert "机密客户" not in page and "董事长" not in page
    client.force_login(people.manager)
    assert "机密客户" in client.get("/audit/").content.decode()
    client.force_login(people.admin)
    assert "机密客户" in client.get("/audit/").content.decode()
    assert shared.pk


# --- pages and buttons a user may not use ----------------------------------------------------


def test_read_only_sharing_hides_edit_and_refuses_the_form(people, org_contact):
    client = Client()
    client.force_login(people.outsider)
    page = client.get(f"/contacts/{org_contact.public_id}/").content.decode()
    assert f"/contacts/{org_contact.public_id}/edit/" not in page
    assert f"/contacts/{org_contact.public_id}/delete/" not in page
    assert client.get(f"/contacts/{org_contact.public_id}/edit/").status_code == 403
    before = _state(org_contact)
    assert client.post(
        f"/contacts/{org_contact.public_id}/edit/", {"name": "改名", "version": "1"}
    ).status_code == 403
    assert _state(org_contact) == before


def test_delete_page_is_refused_before_confirmation(people, org_contact):
    client = Client()
    client.force_login(people.teammate)
    assert client.get(f"/contacts/{org_contact.public_id}/delete/").status_code == 403
    assert client.post(f"/contacts/{org_contact.public_id}/delete/").status_code == 403
    org_contact.refresh_from_db()
    assert org_contact.deleted_at is None


def test_read_only_role_sees_no_add_or_edit_buttons(people, org_contact):
    account = account_create(actor=people.owner, name="联想")
    client = Client()
    client.force_login(people.reader)
    page = client.get(f"/accounts/{account.public_id}/").content.decode()
    assert "/contacts/new/" not in page
    assert f"/accounts/{account.public_id}/edit/" not in page
    assert "activity-form" not in page
    assert client.get("/contacts/new/").status_code == 403


def test_owner_field_on_the_form_only_for_who_may_change_it(people, org_contact):
    _set_sharing(people, "read_write")
    client = Client()
    client.force_login(people.owner)
    assert 'name="owner"' in client.get(f"/contacts/{org_contact.public_id}/edit/").content.decode()
    client.force_login(people.outsider)
    form = client.get(f"/contacts/{org_contact.public_id}/edit/").content.decode()
    assert 'name="owner"' not in form and 'name="visibility"' not in form
    client.force_login(people.owner)
    response = client.post(
        f"/contacts/{org_contact.public_id}/edit/",
        {"name": "王芳", "version": "1", "owner": str(people.teammate.pk), "visibility": "org"},
    )
    assert response.status_code == 302
    org_contact.refresh_from_db()
    assert org_contact.owner_id == people.teammate.pk
    assert Account.objects.count() == 0


def test_handover_can_keep_the_old_owner_as_a_reader(people, api_for):
    private = contact_create(actor=people.owner, name="周杰", visibility="owner")
    account = account_create(actor=people.owner, name="周氏", visibility="owner")
    response = api_for(people.manager).post(
        "/api/v1/handovers",
        {
            "from_user": str(people.owner.public_id),
            "to_users": [str(people.teammate.public_id)],
            "keep_access": True,
        },
    )
    assert response.status_code == 200, response.content
    private.refresh_from_db()
    assert private.owner_id == people.teammate.pk
    rows = sorted(
        RecordCollaborator.objects.filter(user=people.owner).values_list("record_type", "access")
    )
    assert rows == [("customers.account", "read"), ("customers.contact", "read")]
    owner = type(people.owner).objects.get(pk=people.owner.pk)
    assert can_see(owner, private) and not can_edit(owner, private)
    assert can_see(owner, account)
    api = api_for(people.owner)
    assert api.patch(f"/api/v1/contacts/{private.public_id}", {"version": 2, "title": "x"}).status_code == 403


def test_roles_are_composed_from_each_domains_permissions(db):
    from guanxi.platform.roles import role_permissions

    assert sorted(role_permissions(Role.SALES_REP)) == [
        "activities.add",
        "customers.add",
        "customers.change",
        "customers.delete",
        "customers.export",
        "customers.view",
        "platform.use_api",
        "sales.add_leads",
        "sales.change_leads",
        "sales.change_opportunities",
        "sales.convert_leads",
        "sales.record_commitments",
        "sales.view",
    ]
    assert sorted(role_permissions(Role.MANAGER)) == [
        "activities.add",
        "analytics.refresh",
        "audit.view",
        "commerce.import_orders",
        "commerce.manage_catalog",
        "customers.add",
        "customers.change",
        "customers.delete",
        "customers.export",
        "customers.view",
        "platform.use_api",
        "sales.add_leads",
        "sales.approve_discounts",
        "sales.change_leads",
        "sales.change_opportunities",
        "sales.convert_leads",
        "sales.record_commitments",
        "sales.set_targets",
        "sales.view",
        "sales.view_score_reports",
    ]
    assert sorted(role_permissions(Role.READ_ONLY)) == [
        "customers.view",
        "platform.use_api",
        "sales.view",
    ]
    assert "platform.manage_users" in role_permissions(Role.ADMINISTRATOR)
    assert "platform.manage_users" not in role_permissions(Role.MANAGER)


# --- found in review -------------------------------------------------------------------------


def test_a_task_goes_only_to_a_colleague_who_sees_its_customer(people, private_contact, english):
    from guanxi.core.errors import ServiceValidationError

    with pytest.raises(ServiceValidationError) as refused:
        activity_create(
            actor=people.owner,
            kind="task",
            subject="离婚咨询回访",
            contact=private_contact,
            assignee=people.outsider,
        )
    assert refused.value.field_errors == {"assignee": ["outsider cannot see this customer."]}
    assert private_contact.activities.count() == 0
    from guanxi.platform.notifications.models import Notification

    assert Notification.objects.count() == 0


def test_sharing_a_company_with_its_contacts_never_opens_a_colleagues_private_contact(people):
    company = account_create(actor=people.outsider, name="共同公司")
    mine = contact_create(actor=people.outsider, name="外队联系人", account=company)
    theirs = contact_create(
        actor=people.owner, name="别人的私密联系人", visibility="owner", account=company
    )
    third = user_create(
        actor=None, username="third", password="x", org=people.org, role=Role.SALES_REP,
        team=people.other_team, check_password=False,
    )
    _set_sharing(people, "private")
    collaborator_set(
        actor=people.outsider, record=company, user=third, access="write", include_children=True
    )
    third = type(third).objects.get(pk=third.pk)
    assert can_see(third, mine) and can_edit(third, mine)
    assert not can_see(third, theirs)
    assert not Contact.objects.filter(
        __import__("guanxi.platform.visibility", fromlist=["x"]).visible_filter(third, Contact),
        pk=theirs.pk,
    ).exists()


def test_a_contacts_history_does_not_name_a_company_the_viewer_cannot_see(people):
    secret = account_create(actor=people.owner, name="秘密公司", visibility="owner")
    person = contact_create(actor=people.owner, name="公开的人")
    contact_update(actor=people.owner, contact=person, version=1, account=secret)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(people.outsider)
    page = client.get(f"/contacts/{person.public_id}/").content.decode()
    assert "秘密公司" not in page
    assert "(not visible to you)" in page
    other_manager = user_create(
        actor=None, username="south_manager", password="x", org=people.org,
        role=Role.MANAGER, team=people.other_team, check_password=False,
    )
    client.force_login(other_manager)
    audit = client.get("/audit/").content.decode()
    assert "公开的人" in audit and "秘密公司" not in audit
    client.force_login(people.owner)
    assert "秘密公司" in client.get(f"/contacts/{person.public_id}/").content.decode()


def test_records_follow_their_owner_to_a_new_team(people, api_for):
    from guanxi.platform.services.users import user_update

    record = contact_create(actor=people.teammate, name="跟人走", visibility="team")
    user_update(actor=people.admin, user=people.teammate, team=people.other_team)
    record.refresh_from_db()
    assert record.team_id == people.other_team.pk
    owner = type(people.owner).objects.get(pk=people.owner.pk)
    assert not can_see(owner, record)


def test_the_api_does_not_unlink_a_company_the_client_was_not_shown(people, api_for):
    secret = account_create(actor=people.owner, name="秘密公司", visibility="owner")
    person = contact_create(actor=people.owner, name="赵敏", account=secret)
    _set_sharing(people, "read_write")
    api = api_for(people.outsider)
    shown = api.get(f"/api/v1/contacts/{person.public_id}").json()
    response = api.patch(
        f"/api/v1/contacts/{person.public_id}",
        {"version": shown["version"], "account": shown["account"], "title": "总监"},
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.account_id, person.title) == (secret.pk, "总监")


def test_list_buttons_only_for_who_may_use_them(people):
    from guanxi.customers.services.contacts import contact_delete

    gone = contact_create(actor=people.owner, name="已删除")
    contact_delete(actor=people.owner, contact=gone)
    client = Client()
    client.force_login(people.reader)
    assert "/contacts/new/" not in client.get("/contacts/").content.decode()
    client.force_login(people.teammate)
    deleted_page = client.get("/contacts/?deleted=1").content.decode()
    assert "已删除" in deleted_page and f"/contacts/{gone.public_id}/restore/" not in deleted_page
    client.force_login(people.owner)
    assert f"/contacts/{gone.public_id}/restore/" in client.get("/contacts/?deleted=1").content.decode()


def test_an_ended_share_is_not_listed_as_shared(people, api_for, org_contact):
    collaborator_set(actor=people.owner, record=org_contact, user=people.outsider)
    RecordCollaborator.objects.update(until=timezone.localdate() - datetime.timedelta(days=1))
    listed = api_for(people.outsider).get("/api/v1/contacts", {"scope": "shared"}).json()
    assert listed["items"] == []


def test_a_handed_over_task_on_a_colleagues_customer_goes_to_someone_who_sees_it(people):
    from guanxi.customers.models import Activity
    from guanxi.platform.handover import handover_run

    _set_sharing(people, "private")
    theirs = contact_create(actor=people.teammate, name="队友的客户", visibility="team")
    task = activity_create(
        actor=people.teammate, kind="task", subject="跟进", contact=theirs, assignee=people.owner
    )
    handover_run(actor=people.admin, from_user=people.owner, to_users=[people.outsider])
    task = Activity.objects.get(pk=task.pk)
    outsider = type(people.outsider).objects.get(pk=people.outsider.pk)
    assert not can_see(outsider, theirs)
    assert task.assignee_id == people.teammate.pk
