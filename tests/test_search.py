"""Search: Chinese (1-, 2-, 3-character queries), pinyin, initials, phone digits, e-mail, company."""

from __future__ import annotations

import pytest

from guanxi.customers.selectors import global_search
from guanxi.customers.services.accounts import account_create
from guanxi.customers.services.contacts import contact_create, contact_update


@pytest.fixture
def book(people):
    owner = people.owner
    huawei = account_create(actor=owner, name="上海华为技术有限公司", website="huawei.example.cn")
    return {
        "zhangwei": contact_create(
            actor=owner, name="张伟", phones=["138 0013 8000"], emails=["zw@example.com"]
        ),
        "zhangweiming": contact_create(
            actor=owner, name="张伟明", phones=["+86 139-1234-5678"], account=huawei
        ),
        "liwei": contact_create(actor=owner, name="李伟", phones=["13700001111"]),
        "john": contact_create(actor=owner, name="John Smith", emails=["john@acme.example"]),
        "huawei": huawei,
    }


def names(results):
    return sorted(c.name for c in results.contacts)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张伟", ["张伟", "张伟明"]),
        ("张", ["张伟", "张伟明"]),
        ("伟", ["张伟", "张伟明", "李伟"]),
        ("伟明", ["张伟明"]),
        ("张伟明", ["张伟明"]),
        ("zhangwei", ["张伟", "张伟明"]),
        ("ZhangWei", ["张伟", "张伟明"]),
        ("zhang", ["张伟", "张伟明"]),
        ("wei", ["张伟", "张伟明", "李伟"]),
        ("zw", ["张伟", "张伟明"]),
        ("zwm", ["张伟明"]),
        ("8000", ["张伟"]),
        ("138 0013 8000", ["张伟"]),
        ("+86 138-0013-8000", ["张伟"]),
        ("13800138000", ["张伟"]),
        ("5678", ["张伟明"]),
        ("zw@example.com", ["张伟"]),
        ("john", ["John Smith"]),
        ("smith", ["John Smith"]),
        ("john smith", ["John Smith"]),
        ("王", []),
        ("9999", []),
    ],
)
def test_contact_search(people, book, query, expected):
    assert names(global_search(people.owner, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("华为", ["上海华为技术有限公司"]),
        ("技术有限", ["上海华为技术有限公司"]),
        ("shanghaihuawei", ["上海华为技术有限公司"]),
        ("shhw", ["上海华为技术有限公司"]),
        ("huawei.example.cn", ["上海华为技术有限公司"]),
        ("腾讯", []),
    ],
)
def test_account_search(people, book, query, expected):
    assert [a.name for a in global_search(people.owner, query).accounts] == expected


def test_search_follows_renames_and_deletes(people, book):
    contact = book["liwei"]
    contact_update(actor=people.owner, contact=contact, version=1, name="李小龙")
    assert names(global_search(people.owner, "lxl")) == ["李小龙"]
    assert names(global_search(people.owner, "liwei")) == []
    from guanxi.customers.services.contacts import contact_delete

    contact_delete(actor=people.owner, contact=contact)
    assert names(global_search(people.owner, "lxl")) == []


def test_search_respects_visibility(people, book):
    private = contact_create(
        actor=people.owner, name="张伟", visibility="owner", phones=["13611112222"]
    )
    assert names(global_search(people.outsider, "2222")) == []
    assert names(global_search(people.owner, "2222")) == ["张伟"]
    assert private.pk in [c.pk for c in global_search(people.manager, "2222").contacts]


def test_empty_and_blank_queries_find_nothing(people, book):
    assert names(global_search(people.owner, "   ")) == []
    assert names(global_search(people.owner, "")) == []
