"""Writes the real-world import samples the tests read: files as Excel and phones save them.

    python tests/data/imports/make_samples.py [DIRECTORY]

The text samples are committed next to this script (so a reader can open them); the workbook is
made by the tests with :func:`write_workbook` (openpyxl stamps the time into every .xlsx, which
would make the committed bytes change on each run). Every byte is spelled out here so a sample
can be read and changed without a spreadsheet program.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A POS export as Chinese Excel saves "CSV": GB18030 bytes, CRLF, no byte-order mark.
POS_ORDERS = [
    "订单号,客户,日期,金额,门店,手机",
    "P-1001,M001,2026/1/3,128.00,北京朝阳店,13800138000",
    'P-1002,M002,2026年1月4日,"1,280.50",上海店,',
    "P-1003,M001,2026-01-05 14:30,66,北京朝阳店,",
]

# Excel in a comma-decimal locale: UTF-8 with BOM, cells separated by ";", a quoted line break.
CONTACTS_SEMICOLON = [
    "姓名;手机;邮箱;公司;地址",
    '张伟;138 0013 8000;zhang@example.com;"北京;分公司";"北京市朝阳区\r\n建国路88号"',
    ";;;;",
    "李娜;+86 139-0013-9000;;上海贸易;上海市",
]


def _fold_inside_a_character(line: str) -> bytes:
    """vCard folds at 75 octets, which may split a UTF-8 character; unfolding must rejoin it."""
    raw = line.encode()
    return raw[:9] + b"\r\n " + raw[9:]


def vcard3() -> bytes:
    """An Android-style export: quoted-printable name with a soft break, folded lines, TEL kinds,
    and a line of garbage inside the second card."""
    lines: list[bytes] = [
        b"BEGIN:VCARD",
        b"VERSION:3.0",
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=BC=9F;;;",
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=BC=",
        b"=9F",
        b"TEL;TYPE=WORK,VOICE:010-8888 6666",
        b"TEL;TYPE=CELL:138 0013 8000",
        b"TEL;HOME:010-6666 8888",
        b"EMAIL;TYPE=INTERNET:zhang@example.com",
        _fold_inside_a_character("ORG:北京茶业有限公司;销售部"),
        "TITLE:销售经理".encode(),
        "ADR;TYPE=WORK:;;建国路88号;北京;北京市;100022;中国".encode(),
        b"BDAY:19560110",
        "NOTE:老客户\\, 喜欢龙井\\n每月来店".encode(),
        "\t一次".encode(),
        b"UID:urn:uuid:1",
        b"END:VCARD",
        b"BEGIN:VCARD",
        b"VERSION:3.0",
        "FN:李娜".encode(),
        "N:李;娜;;;".encode(),
        b"TEL;CELL:+86 139 0013 9000",
        b"this line is garbage",
        b"\x01\x02 neither is this",
        b"EMAIL:li@example.com",
        b"EMAIL;TYPE=INTERNET,PREF:lina@work.example",
        b"END:VCARD",
    ]
    return b"\r\n".join(lines) + b"\r\n"


def vcard4() -> bytes:
    """vCard 4.0 as a mail program writes it: tel: URIs, quoted TYPE lists, PREF, a yearless BDAY."""
    text = "\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:4.0",
            "FN:王芳",
            "N:王;芳;;;",
            'TEL;VALUE=uri;TYPE="cell,voice";PREF=1:tel:+86-138-0013-8001',
            "TEL;VALUE=uri;TYPE=work:tel:+86-10-8888-6666;ext=12",
            "EMAIL;TYPE=work:wang@example.com",
            "BDAY:--0110",
            "ADR;TYPE=home:;;人民路1号;杭州;浙江省;310000;",
            "END:VCARD",
            "BEGIN:VCARD",
            "VERSION:4.0",
            "FN:Zhao Min",
            "N:Zhao;Min;;;",
            "BDAY:1990-05-06",
            "UID:urn:uuid:4f1c",
            "END:VCARD",
            "",
        ]
    )
    return text.encode()


def write_workbook(path: Path) -> Path:
    """Two sheets; on the first, "地址" is merged over three columns and one row is left empty."""
    from openpyxl import Workbook

    book = Workbook()
    customers = book.active
    customers.title = "客户"
    customers.append(["姓名", "手机", "地址", None, None, "生日"])
    customers.merge_cells("C1:E1")
    customers.append(
        ["张伟", 13800138000.0, "北京市", "朝阳区", "建国路88号", datetime.date(1956, 1, 10)]
    )
    customers.append([])
    customers.append(["李娜", "+86 139 0013 9000", "上海市", None, None, None])
    orders = book.create_sheet("订单")
    orders.append(["订单号", "客户", "日期", "金额"])
    orders.append(["X-1", "M001", datetime.datetime(2026, 3, 1, 9, 15), 88.8])
    book.save(path)
    return path


def write_samples(directory: Path, *, workbook: bool) -> list[Path]:
    samples = {
        "pos_orders_gb18030.csv": ("\r\n".join(POS_ORDERS) + "\r\n").encode("gb18030"),
        "contacts_semicolon_bom.csv": b"\xef\xbb\xbf"
        + ("\r\n".join(CONTACTS_SEMICOLON) + "\r\n").encode(),
        "phone_book_v3.vcf": vcard3(),
        "phone_book_v4.vcf": vcard4(),
    }
    written = []
    for name, data in samples.items():
        (directory / name).write_bytes(data)
        written.append(directory / name)
    if workbook:
        written.append(write_workbook(directory / "contacts_two_sheets.xlsx"))
    return written


if __name__ == "__main__":
    # Next to this script only the text samples; elsewhere the workbook too.
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in write_samples(target, workbook=target != HERE):
        print(path)
