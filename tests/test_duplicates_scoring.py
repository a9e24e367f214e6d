"""Each comparison of the duplicate scorer: its level, weight, words, and the resulting score."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from guanxi.customers.duplicates.facts import account_facts_from_values
from guanxi.customers.duplicates.facts import facts_from_values as person
from guanxi.customers.duplicates.reasons import Reason, describe
from guanxi.customers.duplicates.scoring import score_accounts, score_contacts

pytestmark = pytest.mark.usefixtures("english")

MOBILE = "+8613800138000"
LANDLINE = "+862162345678"


def explained(a: Any, b: Any, scorer: Any = score_contacts) -> tuple[float, str | None, list[Any]]:
    result = scorer(a, b)
    return (
        round(result.score, 4),
        result.decision,
        [(r.field, r.weight, r.code, r.detail) for r in result.reasons],
    )


def test_same_name_and_mobile_is_certain() -> None:
    assert explained(
        person(name="张伟", phones=[MOBILE]), person(name="张伟", phones=[MOBILE])
    ) == (
        0.9998,
        "certain",
        [
            ("name", 10.0, "name_same", "same name: 张伟"),
            ("phone", 13.0, "phone_same", "same mobile 138 0013 8000"),
        ],
    )


def test_a_common_name_alone_is_not_a_duplicate() -> None:
    assert explained(person(name="张伟"), person(name="张伟")) == (
        0.3333,
        None,
        [("name", 10.0, "name_same", "same name: 张伟")],
    )


def test_traditional_and_simplified_characters_are_one_name() -> None:
    assert explained(
        person(name="张伟", emails=["zw@example.com"]),
        person(name="張偉", emails=["ZW@Example.com"]),
    ) == (
        0.9998,
        "certain",
        [
            ("name", 10.0, "name_variant",
             "same name in traditional and simplified characters: 張偉"),
            ("email", 13.0, "email_same", "same e-mail zw@example.com"),
        ],
    )  # fmt: skip


def test_characters_of_the_same_sound_with_the_same_street_are_for_review() -> None:
    assert explained(
        person(name="张伟", city="上海市", street="漕溪北路88号"),
        person(name="章伟", city="上海", street="漕溪北路 ８８ 号"),
    ) == (
        0.5,
        "review",
        [
            ("name", 7.0, "name_sound_same", "names sound the same: zhang wei"),
            ("street", 4.0, "street_same", "same street address"),
        ],
    )


def test_a_chinese_name_meets_its_pinyin_in_either_order() -> None:
    for written in ("Wei Zhang", "Zhang Wei", "zhangwei"):
        assert explained(
            person(name="张伟", phones=[MOBILE]), person(name=written, phones=[MOBILE])
        )[2][0] == ("name", 7.0, "name_sound_same", "names sound the same: zhang wei"), written


def test_latin_names_in_the_other_order() -> None:
    assert explained(
        person(name="John Smith", birthday=datetime.date(1980, 5, 1)),
        person(name="SMITH John", birthday=datetime.date(1980, 5, 1)),
    ) == (
        0.9188,
        "review",
        [
            ("name", 9.5, "name_order_swapped", "same name in the other order: SMITH John"),
            ("birthday", 5.0, "birthday_same", "same birthday"),
        ],
    )


def test_typos_in_latin_and_fuzzy_pinyin_sounds() -> None:
    assert explained(person(name="Jonathan Smith"), person(name="Jonahtan Smith"))[2] == [
        ("name", 5.0, "name_similar", "names nearly the same (a typo?): Jonahtan Smith")
    ]
    # 张晶 / 张金: jing and jin, the "fuzzy sound" a pinyin keyboard confuses.
    assert explained(person(name="张晶"), person(name="张金"))[2] == [
        ("name", 5.0, "name_similar", "names nearly the same (a typo?): 张金")
    ]
    # 徐英 / 徐洋 differ by one pinyin letter but are two names.
    assert explained(person(name="徐英"), person(name="徐洋"))[2] == [
        ("name", -6.0, "name_differs", "names differ")
    ]


def test_one_name_inside_the_other_is_weak() -> None:
    assert explained(person(name="王"), person(name="王小明")) == (
        0.001,
        None,
        [("name", 1.0, "name_contained", "one name is part of the other: 王小明")],
    )
    # 张先生 ("Mr Zhang") is the family name only.
    assert explained(
        person(name="张先生", phones=[MOBILE]), person(name="张伟", phones=[MOBILE])
    ) == (
        0.8889,
        "review",
        [
            ("name", 1.0, "name_contained", "one name is part of the other: 张伟"),
            ("phone", 13.0, "phone_same", "same mobile 138 0013 8000"),
        ],
    )


def test_phones_same_landline_same_ending_and_different() -> None:
    family = explained(
        person(name="张伟", phones=[LANDLINE], street="漕溪北路88号"),
        person(name="李娜", phones=[LANDLINE], street="漕溪北路88号"),
    )
    assert family == (
        0.0019,
        None,
        [
            ("name", -6.0, "name_differs", "names differ"),
            ("phone", 4.0, "phone_same_landline", "same landline 021 6234 5678"),
            ("street", 4.0, "street_same", "same street address"),
        ],
    )
    assert explained(
        person(name="李娜", phones=["+862162345678"]), person(name="李娜", phones=["+8662345678"])
    )[2][1] == ("phone", 7.0, "phone_same_ending", "phones end in the same 8 digits: 62345678")
    assert explained(
        person(name="李娜", phones=[MOBILE]), person(name="李娜", phones=["+8613900139000"])
    ) == (
        0.0812,
        None,
        [
            ("name", 10.0, "name_same", "same name: 李娜"),
            ("phone", -2.5, "phone_differs", "phones differ"),
        ],
    )


def test_emails_same_name_at_another_domain_and_generic_mailboxes() -> None:
    assert explained(
        person(name="李娜", emails=["lina88@163.com"]),
        person(name="李娜", emails=["lina88@qq.com"]),
    )[2][1] == ("email", 3.0, "email_same_local", "same e-mail name at another domain: lina88@")
    assert explained(
        person(name="李娜", emails=["info@a.cn"]), person(name="李娜", emails=["info@b.cn"])
    )[2][1] == ("email", -2.0, "email_differs", "e-mails differ")


def test_birthdays_same_swapped_and_different() -> None:
    day = datetime.date(1980, 3, 4)
    assert explained(person(name="李娜", birthday=day), person(name="李娜", birthday=day))[:2] == (
        0.9412,
        "review",
    )
    swapped = explained(
        person(name="李娜", birthday=day), person(name="李娜", birthday=datetime.date(1980, 4, 3))
    )
    assert swapped[2][1] == (
        "birthday",
        1.0,
        "birthday_close",
        "birthdays nearly the same (a typo?)",
    )
    assert explained(
        person(name="李娜", birthday=day), person(name="李娜", birthday=datetime.date(1991, 8, 20))
    ) == (
        0.0039,
        None,
        [
            ("name", 10.0, "name_same", "same name: 李娜"),
            ("birthday", -7.0, "birthday_differs", "birthday differs"),
        ],
    )


def test_identifiers_decide() -> None:
    same = explained(
        person(name="李娜", identifiers={"member_no": "a123"}),
        person(name="Li Na", identifiers={"member_no": " A123 "}),
    )
    assert same == (
        0.9999,
        "certain",
        [
            ("name", 7.0, "name_sound_same", "names sound the same: li na"),
            ("custom.member_no", 18.0, "identifier_same", "same member_no"),
        ],
    )
    different = explained(
        person(name="李娜", phones=[MOBILE], identifiers={"member_no": "A1"}),
        person(name="李娜", phones=[MOBILE], identifiers={"member_no": "A2"}),
    )
    assert different[:2] == (0.0154, None)
    assert different[2][2] == (
        "custom.member_no",
        -18.0,
        "identifier_differs",
        "different member_no",
    )


def test_address_and_company_levels() -> None:
    assert explained(
        person(name="李娜", city="北京", postcode="100020"),
        person(name="李娜", city="北京市", postcode="100020"),
    )[2][1] == ("postcode", 1.5, "postcode_same", "same postcode")
    assert explained(
        person(name="李娜", city="北京", district="朝阳区", street="建国路88号"),
        person(name="李娜", city="北京市", district="朝阳", street="建国路8号"),
    )[2][1] == ("district", 0.5, "district_same", "same district")  # 88号 and 8号: two buildings
    assert explained(
        person(name="李娜", city="北京", street="建国路88号"),
        person(name="李娜", city="北京", street="建国路88号3楼"),
    )[2][1] == ("street", 2.5, "street_similar", "similar street address")
    assert explained(person(name="李娜", city="北京"), person(name="李娜", city="上海"))[2][1] == (
        "city",
        -2.0,
        "city_differs",
        "different cities",
    )
    assert explained(
        person(name="李娜", company="上海华联科技有限公司"),
        person(name="李娜", company="上海华联科技"),
    )[2][1] == ("account", 1.0, "company_same", "same company")


def test_missing_values_add_nothing() -> None:
    assert explained(person(name="李娜"), person(name="", phones=[MOBILE])) == (0.0005, None, [])


def test_accounts() -> None:
    assert explained(
        account_facts_from_values(name="华联科技有限公司", website="https://www.hualian.cn/about"),
        account_facts_from_values(name="華聯科技", website="http://hualian.cn"),
        score_accounts,
    ) == (
        0.9998,
        "certain",
        [
            ("name", 10.0, "name_variant",
             "same name in traditional and simplified characters: 華聯科技"),
            ("website", 10.0, "website_same", "same website hualian.cn"),
        ],
    )  # fmt: skip
    assert explained(
        account_facts_from_values(name="华联科技", city="上海"),
        account_facts_from_values(name="恒信贸易", city="上海"),
        score_accounts,
    ) == (0.0001, None, [
        ("name", -6.0, "name_differs", "names differ"),
        ("city", 0.5, "city_same", "same city"),
    ])  # fmt: skip


def test_stored_reasons_read_back_in_the_readers_language() -> None:
    reason = Reason("phone", 13.0, "phone_same", {"phone": MOBILE})
    stored = reason.as_json()
    assert stored == {
        "field": "phone",
        "weight": 13.0,
        "code": "phone_same",
        "params": {"phone": MOBILE},
    }
    assert Reason.from_json(stored) == reason
    assert describe("phone_same", {"phone": MOBILE}) == "same mobile 138 0013 8000"
    assert describe("no_such_code") == "no_such_code"
