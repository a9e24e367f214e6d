"""The account importer: companies matched by identifier value, else by exact name among the
accounts the importing user may see; values cleaned as the account services store them; one
clear reason per refused row; undo that removes what was created and restores what was updated."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from guanxi.core.errors import PermissionDeniedError
from guanxi.customers.models import Account, CustomField, CustomIdentifier
from guanxi.customers.selectors import account_search_ids
from guanxi.customers.services.accounts import account_create, account_update
from guanxi.customers.services.custom_fields import custom_field_add
from guanxi.platform.imports.registry import importer_for
from guanxi.platform.imports.runner import import_run, import_start, import_undo
from guanxi.platform.models import AuditEvent, ImportBatch
from tests import import_support
from tests.importing_contacts import errors, new_batch, run, undo

pytestmark = pytest.mark.usefixtures("english")
data_dir = import_support.data_dir


def run_accounts(actor: Any, rows: list[dict[str, Any]], **options: Any) -> Any:
    return run(actor, rows, kind="accounts", **options)


def names() -> list[str]:
    return list(Account.objects.order_by("pk").values_list("name", flat=True))


def tags_of(account: Account) -> list[str]:
    return sorted(account.tags.values_list("name", flat=True))


@pytest.fixture
def credit_code(people: Any) -> CustomField:
    """An identifier field (unique in the organisation), added as an administrator does."""
    label = "统一社会信用代码"
    return custom_field_add(
        actor=people.admin, entity="account", key="credit_code", kind="identifier", label=label
    )


def test_registered_with_fields_and_aliases(people: Any, credit_code: Any) -> None:
    importer = importer_for("accounts")
    assert importer is not None
    assert (importer.kind, str(importer.label)) == ("accounts", "Accounts")
    fields = {f.key: f for f in importer.fields(people.owner)}
    assert " ".join(fields) == (
        "name industry size website province city district street postcode description tags "
        "owner custom.credit_code"
    )
    assert {"公司", "公司名称", "企业名称", "单位名称", "company name", "organization"} <= set(
        fields["name"].aliases
    )
    assert {"行业", "industry"} <= set(fields["industry"].aliases)
    assert {"网址", "网站", "url"} <= set(fields["website"].aliases)
    assert {"备注", "描述", "notes", "description"} <= set(fields["description"].aliases)
    assert {"省", "省份"} <= set(fields["province"].aliases)
    assert fields["custom.credit_code"].aliases == ("统一社会信用代码", "credit_code")
    assert tuple(importer.required_fields()) == ("name",)


def test_gb18030_sheet_through_the_runner_then_undo(people: Any, data_dir: Path) -> None:
    """Chinese headers, as Chinese Excel saves them: mapped, imported in chunks, undone."""
    tencent = account_create(actor=people.owner, name="腾讯", description="老朋友")
    path = data_dir.parent / "公司.csv"
    sheet = [
        "公司名称,行业,省,市,邮编,备注",
        "华为技术,通信,广东,深圳,518129,展会认识",
        "腾讯,互联网,,,,",
        ",制造,,,,",
        "上海某公司,,上海,,12345,",
        "  华为技术 ,,,,,大客户",
    ]
    path.write_bytes("\r\n".join(sheet).encode("gb18030"))
    started = import_start(
        actor=people.owner, kind="accounts", path_or_stream=path, file_name="公司.csv"
    )
    batch = import_run(started.pk, chunk_size=2)
    mapped = ",".join(f"{column}={key}" for column, key in started.mapping.items())
    assert (
        mapped == "公司名称=name,行业=industry,省=province,市=city,邮编=postcode,备注=description"
    )
    figures = (batch.status, batch.created, batch.updated, batch.skipped, batch.refused)
    assert figures == ("finished", 1, 2, 0, 2)
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [
        (4, "公司名称", "An account needs a name."),
        (5, "邮编", "“12345” is not a postcode of China (six digits)."),
    ]
    huawei = Account.objects.get(name="华为技术")
    place = (huawei.province, huawei.city, huawei.postcode)
    assert (huawei.industry, place, huawei.description) == (
        "通信",
        ("广东省", "深圳市", "518129"),
        "大客户",
    )
    assert (huawei.owner, huawei.team, huawei.version) == (people.owner, people.team, 2)
    tencent.refresh_from_db()
    assert (tencent.industry, tencent.description, tencent.version) == ("互联网", "老朋友", 2)
    assert names() == ["腾讯", "华为技术"]
    assert account_search_ids(people.owner, "华为技术") == [huawei.pk]
    created = AuditEvent.objects.get(verb="customers.account.created", target_id=huawei.pk)
    assert created.changes == {
        "name": {"before": None, "after": "华为技术"},
        "industry": {"before": None, "after": "通信"},
        "province": {"before": None, "after": "广东省"},
        "city": {"before": None, "after": "深圳市"},
        "postcode": {"before": None, "after": "518129"},
        "description": {"before": None, "after": "展会认识"},
    }

    counts = import_undo(actor=people.owner, batch=batch)
    assert counts == {"removed": 1, "restored": 1, "kept": 0}
    assert names() == ["腾讯"]
    tencent.refresh_from_db()
    assert (tencent.industry, tencent.description, tencent.version) == ("", "老朋友", 3)
    assert AuditEvent.objects.filter(verb="customers.account.purged").count() == 1


def test_values_cleaned_as_the_account_services_store_them(people: Any, credit_code: Any) -> None:
    result = run_accounts(
        people.manager,
        [
            {
                "name": "  阿里   巴巴 ",
                "size": "250 人及以上",
                "website": "www.alibaba.com",
                "province": "浙江",
                "city": "杭州",
                "street": ["余杭区", "文一西路969号"],
                "tags": "重点、 电商",
                "owner": "teammate",
                "custom.credit_code": "91330100",
            },
            {"name": "小店", "size": "10–49 people"},
            {"name": "微店", "size": "小型"},
        ],
    )
    assert (result.created, result.updated, result.skipped, result.errors) == (3, 0, 0, [])
    alibaba = Account.objects.get(name="阿里 巴巴")
    assert (
        alibaba.size,
        alibaba.website,
        alibaba.province,
        alibaba.city,
        alibaba.street,
        alibaba.owner,
        alibaba.team,
        alibaba.custom,
        alibaba.version,
    ) == (
        "250+",
        "https://www.alibaba.com",
        "浙江省",
        "杭州市",
        "余杭区 文一西路969号",
        people.teammate,
        people.team,
        {"credit_code": "91330100"},
        1,
    )
    assert tags_of(alibaba) == ["电商", "重点"]
    assert list(CustomIdentifier.objects.values_list("account_id", "value")) == [
        (alibaba.pk, "91330100")
    ]
    assert list(Account.objects.order_by("pk").values_list("size", flat=True)) == [
        "250+",
        "10-49",
        "10-49",
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"industry": "制造"}, ("name", "An account needs a name.")),
        (
            {"name": "甲", "size": "很大"},
            ("size", "“很大” is not a company size; write 1-9, 10-49, 50-249 or 250+."),
        ),
        ({"name": "甲", "website": "not a site"}, ("website", "Enter a valid web address.")),
        (
            {"name": "甲", "province": "火星"},
            ("province", "“火星” is not a province, region or municipality of China."),
        ),
        (
            {"name": "甲", "owner": "nobody"},
            ("owner", "No active user “nobody” in your organisation."),
        ),
        ({"name": "甲" * 201}, ("name", "At most 200 characters.")),
    ],
)
def test_each_refusal_has_one_clear_reason(people: Any, row: Any, expected: Any) -> None:
    result = run_accounts(people.owner, [row])
    assert errors(result) == [(2, *expected)]
    assert (result.created, result.updated, result.skipped) == (0, 0, 0)
    assert not Account.objects.exists()


def test_match_by_exact_name_updates_or_skips(people: Any) -> None:
    account = account_create(actor=people.owner, name="美的 集团", industry="家电", tags=["老"])
    updated = run_accounts(
        people.owner, [{"name": " 美的  集团", "industry": "制造", "tags": "新"}]
    )
    assert (updated.created, updated.updated, updated.skipped) == (0, 1, 0)
    account.refresh_from_db()
    assert (account.industry, account.version, tags_of(account)) == ("制造", 2, ["新", "老"])
    assert AuditEvent.objects.filter(
        verb="customers.account.updated", target_id=account.pk
    ).get().changes == {
        "industry": {"before": "家电", "after": "制造"},
        "tags": {"before": ["老"], "after": ["新", "老"]},
    }

    skipped = run_accounts(
        people.owner, [{"name": "美的 集团", "industry": "零售"}], on_match="skip"
    )
    assert (skipped.created, skipped.updated, skipped.skipped) == (0, 0, 1)
    account.refresh_from_db()
    assert (account.industry, account.version) == ("制造", 2)

    created = run_accounts(people.owner, [{"name": "美的 集团"}], on_match="create")
    assert (created.created, created.updated, created.skipped) == (1, 0, 0)
    assert names() == ["美的 集团", "美的 集团"]


def test_account_the_importer_cannot_see_is_not_matched(people: Any) -> None:
    hidden = account_create(actor=people.outsider, name="隐形公司", visibility="owner")
    result = run_accounts(people.owner, [{"name": "隐形公司", "industry": "物流"}])
    assert (result.created, result.updated, result.skipped, result.errors) == (1, 0, 0, [])
    hidden.refresh_from_db()
    assert (hidden.industry, hidden.version) == ("", 1)
    mine = Account.objects.exclude(pk=hidden.pk).get()
    assert (mine.name, mine.industry, mine.owner) == ("隐形公司", "物流", people.owner)


def test_identifier_matches_first_and_hidden_holders_refuse(people: Any, credit_code: Any) -> None:
    known = account_create(actor=people.owner, name="旧名字", custom={"credit_code": "9144A"})
    account_create(
        actor=people.outsider, name="别人的", visibility="owner", custom={"credit_code": "9144B"}
    )
    same_name = account_create(actor=people.owner, name="新名字")
    result = run_accounts(
        people.owner,
        [
            {"name": "新名字", "custom.credit_code": "9144A", "industry": "电子"},
            {"name": "谁", "custom.credit_code": "9144B"},
        ],
    )
    assert (result.created, result.updated, result.skipped) == (0, 1, 0)
    assert errors(result) == [
        (3, "custom.credit_code", "“9144B” belongs to a customer you cannot see.")
    ]
    known.refresh_from_db()
    assert (known.name, known.industry, known.version) == ("新名字", "电子", 2)
    same_name.refresh_from_db()
    assert (same_name.industry, same_name.version) == ("", 1)


def test_rows_naming_one_company_merge_and_dry_run_previews(people: Any) -> None:
    result = run_accounts(
        people.owner,
        [
            {"name": "京东", "industry": "零售"},
            {"name": "京东", "website": "jd.com"},
            {"name": "京东"},
        ],
        dry_run=True,
    )
    assert (result.created, result.updated, result.skipped) == (1, 1, 1)
    assert result.changes == []
    assert result.preview == [
        {"Name": "京东", "Industry": "零售", "Action": "created"},
        {"Name": "京东", "Website": "https://jd.com", "Action": "updated"},
        {"Name": "京东", "Action": "skipped"},
    ]
    assert not Account.objects.exists()
    result = run_accounts(people.owner, [{"name": "京东", "industry": "零售"}, {"name": "京东"}])
    assert (result.created, result.updated, result.skipped) == (1, 0, 1)
    assert names() == ["京东"]


def test_undo_restores_exactly_and_keeps_what_changed_since(people: Any, credit_code: Any) -> None:
    account = account_create(
        actor=people.owner,
        name="格力",
        industry="家电",
        size="250+",
        tags=["老"],
        custom={"credit_code": "9144G"},
    )
    batch = new_batch(people.owner, "accounts")
    run_accounts(
        people.owner,
        [
            {
                "name": "格力",
                "industry": "制造",
                "size": "50-249",
                "website": "gree.com",
                "tags": "新",
                "custom.credit_code": "9144H",
                "owner": "owner",
            },
            {"name": "新公司", "tags": "新"},
        ],
        batch=batch,
    )
    update = batch.changes.get(action="updated")
    assert (update.before, update.after) == (
        {
            "industry": "家电",
            "size": "250+",
            "website": "",
            "tags": ["老"],
            "custom.credit_code": "9144G",
        },
        {
            "industry": "制造",
            "size": "50-249",
            "website": "https://gree.com",
            "tags": ["新", "老"],
            "custom.credit_code": "9144H",
        },
    )
    account.refresh_from_db()
    account_update(actor=people.teammate, account=account, version=account.version, size="1-9")
    assert undo(people.owner, batch) == {"removed": 1, "restored": 1, "kept": 1}
    account.refresh_from_db()
    assert (
        account.industry,
        account.size,
        account.website,
        account.custom,
        account.version,
    ) == ("家电", "1-9", "", {"credit_code": "9144G"}, 4)
    assert tags_of(account) == ["老"]
    assert list(CustomIdentifier.objects.values_list("account_id", "value")) == [
        (account.pk, "9144G")
    ]
    assert names() == ["格力"]


def test_read_only_user_is_refused(people: Any, data_dir: Path) -> None:
    importer = importer_for("accounts")
    assert importer is not None
    path = import_support.write_csv(data_dir.parent / "a.csv", "公司名称", ["甲"])
    attempts = {
        "check": lambda: importer.check_permission(people.reader),
        "chunk": lambda: run_accounts(people.reader, [{"name": "甲"}]),
        "start": lambda: import_start(
            actor=people.reader, kind="accounts", path_or_stream=path, file_name="a.csv"
        ),
    }
    for attempt in attempts.values():
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert (Account.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_command_line_json(people: Any, data_dir: Path) -> None:
    account_create(actor=people.owner, name="腾讯")
    path = import_support.write_csv(
        data_dir.parent / "accounts.csv",
        "公司名称,行业",
        ["华为,通信", "腾讯,互联网", ",制造"],
    )
    out = io.StringIO()
    call_command(
        "import",
        "accounts",
        str(path),
        "--json",
        "--as",
        "owner",
        "--on-match",
        "skip",
        stdout=out,
        stderr=io.StringIO(),
    )
    batch = ImportBatch.objects.get()
    last = out.getvalue().splitlines()[-1]
    assert last == (
        f'{{"batch": "{batch.public_id}", "created": 1, "updated": 0, "skipped": 1, "refused": 1}}'
    )
    assert json.loads(last)["created"] == 1
    assert (batch.kind, batch.on_match) == ("accounts", "skip")
    assert names() == ["腾讯", "华为"]


def test_the_import_pages_offer_accounts_to_those_who_may_add_customers(
    people: Any, data_dir: Path
) -> None:
    from django.test import Client

    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    client = Client()
    client.force_login(people.owner)
    assert 'href="/imports/new/accounts/"' in client.get("/imports/", **english).content.decode()
    upload = io.BytesIO("公司名称,网址\n华为,huawei.com\n".encode("gb18030"))
    upload.name = "公司.csv"
    response = client.post("/imports/new/accounts/", {"file": upload}, **english)
    assert response.status_code == 302
    html = client.get(response["Location"], **english).content.decode()
    assert '<option value="name" selected>Name</option>' in html
    assert '<option value="website" selected>Website</option>' in html
    reader = Client()
    reader.force_login(people.reader)
    assert 'href="/imports/new/accounts/"' not in reader.get("/imports/").content.decode()
