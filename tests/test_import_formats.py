"""Reading what people import: CSV as Excel saves it (GB18030, UTF-8 with BOM, ';', tabs in
UTF-16), XLSX with several sheets and a merged header, vCard 3.0 and 4.0 from phones, and a clear
message for every file that cannot be read."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.imports.formats import Source, open_source
from guanxi.platform.tabular import open_table
from tests.data.imports.make_samples import write_workbook

pytestmark = pytest.mark.usefixtures("english")

SAMPLES = Path(__file__).parent / "data" / "imports"


def read(data: bytes, name: str = "file.csv", **options: Any) -> Source:
    return open_source(io.BytesIO(data), name=name, **options)


def sample(name: str, **options: Any) -> Source:
    return read((SAMPLES / name).read_bytes(), name, **options)


def refusal(data: bytes, name: str = "file.csv", **options: Any) -> str:
    with pytest.raises(ServiceValidationError) as caught:
        list(read(data, name, **options).rows)
    assert caught.value.field_errors == {"file": [caught.value.message]}
    return caught.value.message


def test_gb18030_csv_saved_by_chinese_excel() -> None:
    raw = (SAMPLES / "pos_orders_gb18030.csv").read_bytes()
    assert raw.startswith("订单号".encode("gb18030")) and b"\r\n" in raw  # no BOM, CRLF
    source = sample("pos_orders_gb18030.csv")
    assert (source.format, source.sheets, source.sheet, source.total_rows) == ("csv", [], "", 3)
    assert source.columns == ["订单号", "客户", "日期", "金额", "门店", "手机"]
    assert list(source.rows) == [
        (2, ["P-1001", "M001", "2026/1/3", "128.00", "北京朝阳店", "13800138000"]),
        (3, ["P-1002", "M002", "2026年1月4日", "1,280.50", "上海店", ""]),
        (4, ["P-1003", "M001", "2026-01-05 14:30", "66", "北京朝阳店", ""]),
    ]


def test_utf8_bom_with_semicolons_a_quoted_line_break_and_a_blank_row() -> None:
    source = sample("contacts_semicolon_bom.csv")
    assert source.columns == ["姓名", "手机", "邮箱", "公司", "地址"]
    assert list(source.rows) == [
        (
            2,
            [
                "张伟",
                "138 0013 8000",
                "zhang@example.com",
                "北京;分公司",
                "北京市朝阳区\n建国路88号",
            ],
        ),
        (4, ["李娜", "+86 139-0013-9000", "", "上海贸易", "上海市"]),
    ]


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    text = "姓名\t手机\r\n张伟\t13800138000\r\n王芳\t13900139000\r\n"
    source = read(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "contacts.txt")
    assert source.columns == ["姓名", "手机"]
    assert source.total_rows is None  # not counted for UTF-16
    assert list(source.rows) == [(2, ["张伟", "13800138000"]), (3, ["王芳", "13900139000"])]


def test_pipe_and_single_column_files() -> None:
    assert list(read(b"a|b\n1|2\n").rows) == [(2, ["1", "2"])]
    one = read(b"phone\n13800138000\n")
    assert one.columns == ["phone"] and list(one.rows) == [(2, ["13800138000"])]


def test_header_cells_are_cleaned_and_rows_aligned() -> None:
    data = "\ufeff 姓名 ,,电话,电话,电话,,\n张伟,x,1,2,3,,\n王芳\n李娜,,4,5,6,7,extra\n".encode()
    source = read(data)
    assert source.columns == ["姓名", "", "电话", "电话 (2)", "电话 (3)"]
    assert source.total_rows == 3
    assert list(source.rows) == [
        (2, ["张伟", "x", "1", "2", "3"]),
        (3, ["王芳", "", "", "", ""]),
        (4, ["李娜", "", "4", "5", "6"]),
    ]


def test_header_only_is_a_file_without_rows() -> None:
    source = read(b"name,phone\r\n")
    assert source.columns == ["name", "phone"] and source.total_rows == 0
    assert list(source.rows) == []
    assert read(b"name,phone", count_rows=False).total_rows is None


def test_plain_ascii_start_then_gb18030_further_down() -> None:
    ascii_rows = "".join(f"C{i},Customer {i}\n" for i in range(20_000))  # > the sniffed sample
    data = ("id,name\n" + ascii_rows + "C-X,张伟\n").encode("gb18030")
    rows = list(read(data).rows)
    assert len(rows) == 20_001 and rows[-1] == (20_002, ["C-X", "张伟"])


def test_xlsx_first_sheet_with_a_merged_header(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "contacts.xlsx")
    source = read(path.read_bytes(), "contacts.xlsx")
    assert (source.format, source.sheets, source.sheet) == ("xlsx", ["客户", "订单"], "客户")
    assert source.columns == ["姓名", "手机", "地址", "地址 (2)", "地址 (3)", "生日"]
    assert source.total_rows == 3
    assert list(source.rows) == [
        (2, ["张伟", "13800138000", "北京市", "朝阳区", "建国路88号", "1956-01-10"]),
        (4, ["李娜", "+86 139 0013 9000", "上海市", "", "", ""]),
    ]


def test_xlsx_other_sheet_by_name_and_an_unknown_sheet(tmp_path: Path) -> None:
    data = write_workbook(tmp_path / "book.xlsx").read_bytes()
    orders = read(data, "book.xlsx", sheet="订单")
    assert orders.sheet == "订单" and orders.columns == ["订单号", "客户", "日期", "金额"]
    assert list(orders.rows) == [(2, ["X-1", "M001", "2026-03-01T09:15:00", "88.8"])]
    with pytest.raises(ServiceValidationError) as caught:
        read(data, "book.xlsx", sheet="Sheet1")
    assert caught.value.field_errors == {
        "sheet": ["The workbook has no sheet “Sheet1”. Its sheets are: 客户, 订单."]
    }


def test_a_workbook_renamed_to_csv_is_still_read_as_a_workbook(tmp_path: Path) -> None:
    data = write_workbook(tmp_path / "book.xlsx").read_bytes()
    assert read(data, "export.csv").format == "xlsx"


def test_vcard_3_from_a_phone() -> None:
    source = sample("phone_book_v3.vcf")
    assert (source.format, source.sheets, source.total_rows) == ("vcard", [], 2)
    assert source.columns == [
        "FN",
        "N family",
        "N given",
        "TEL 1",
        "TEL 2",
        "TEL 3",
        "EMAIL 1",
        "EMAIL 2",
        "ORG",
        "TITLE",
        "ADR street",
        "ADR city",
        "ADR region",
        "ADR postcode",
        "ADR country",
        "BDAY",
        "NOTE",
        "UID",
    ]
    first, second = list(source.rows)
    # Quoted-printable name with a soft break; the mobile first; a fold inside a character.
    assert first == (
        2,
        [
            "张伟",
            "张",
            "伟",
            "138 0013 8000",
            "010-8888 6666",
            "010-6666 8888",
            "zhang@example.com",
            "",
            "北京茶业有限公司",
            "销售经理",
            "建国路88号",
            "北京",
            "北京市",
            "100022",
            "中国",
            "1956-01-10",
            "老客户, 喜欢龙井\n每月来店一次",
            "urn:uuid:1",
        ],
    )
    # Garbage lines are ignored; the preferred e-mail comes first.
    empty = [""] * 10
    assert second == (
        3,
        [
            "李娜",
            "李",
            "娜",
            "+86 139 0013 9000",
            "",
            "",
            "lina@work.example",
            "li@example.com",
            *empty,
        ],
    )


def test_vcard_4() -> None:
    source = sample("phone_book_v4.vcf")
    assert source.columns == [
        "FN",
        "N family",
        "N given",
        "TEL 1",
        "TEL 2",
        "EMAIL 1",
        "ADR street",
        "ADR city",
        "ADR region",
        "ADR postcode",
        "BDAY",
        "UID",
    ]
    assert list(source.rows) == [
        (
            2,
            [
                "王芳",
                "王",
                "芳",
                "+86-138-0013-8001",
                "+86-10-8888-6666;ext=12",
                "wang@example.com",
                "人民路1号",
                "杭州",
                "浙江省",
                "310000",
                "--01-10",
                "",
            ],
        ),
        (3, ["Zhao Min", "Zhao", "Min", "", "", "", "", "", "", "", "1990-05-06", "urn:uuid:4f1c"]),
    ]


def test_vcard_2_1_gb18030_and_a_card_without_end() -> None:
    name = "=D5=C5=CE=B0"  # 张伟 in GB18030, quoted-printable
    data = (
        "BEGIN:VCARD\nVERSION:2.1\n"
        f"N;CHARSET=GB18030;ENCODING=QUOTED-PRINTABLE:{name};;;;\n"
        "TEL;CELL;PREF:13800138000\n"
        "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\n"
        " AAAQABAAD\n"
        "BEGIN:VCARD\nBDAY:19900506\nEND:VCARD\n"
    ).encode()
    source = read(data, "old.vcf")
    assert source.columns == ["N family", "TEL 1", "BDAY"]
    assert list(source.rows) == [(2, ["张伟", "13800138000", ""]), (3, ["", "", "1990-05-06"])]


BAD_INPUTS = [
    ("empty.csv", b"", "The file is empty."),
    ("blank.csv", b"\xef\xbb\xbf \r\n\r\n", "The file is empty."),
    (
        "latin.csv",
        b"name,city\nZhang,Beijing\nM\xfcller,\xff\xfe\n",
        "The file is neither UTF-8 nor GB18030 text: line 3 cannot be read. "
        "Save it again as “CSV UTF-8” or as an Excel workbook.",
    ),
    (
        "picture.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        "The file is not text but binary data (a picture, an archive or a program renamed to "
        ".csv?). Upload a CSV file, an Excel workbook (.xlsx) or a vCard file (.vcf).",
    ),
    (
        "fake.xlsx",
        b"not a workbook",
        "The file could not be read as an Excel workbook: it is damaged or not an .xlsx file. "
        "Open it in Excel and save it again as .xlsx or CSV.",
    ),
    (
        "corrupt.xlsx",
        b"PK\x03\x04" + b"\x00garbage" * 50,
        "The file could not be read as an Excel workbook: it is damaged or not an .xlsx file. "
        "Open it in Excel and save it again as .xlsx or CSV.",
    ),
    (
        "old.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "This is an old Excel file (.xls), which cannot be read. Open it in Excel and save it "
        "as .xlsx or CSV.",
    ),
    (
        "garbage.vcf",
        b"hello\nthis is no address book\n",
        "The file is not a vCard address book: it has no BEGIN:VCARD line. Export the contacts "
        "from the phone again as a .vcf file.",
    ),
    (
        "binary.vcf",
        b"BEGIN:VCARD\x00\x01\x02",
        "The file is not a vCard address book: it has no BEGIN:VCARD line. Export the contacts "
        "from the phone again as a .vcf file.",
    ),
    (
        "nothing.vcf",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n",
        "The vCard file has cards but none with a name, phone or other detail.",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_a_clear_message(name: str, data: bytes, message: str) -> None:
    assert refusal(data, name) == message


def test_damaged_sheet_inside_a_real_workbook(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "book.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    assert refusal(damaged.read_bytes(), "damaged.xlsx").startswith(
        "The file could not be read as an Excel workbook"
    )


def test_a_broken_csv_record_names_its_line() -> None:
    data = b'a,b\n1,"' + b"9" * 200_000 + b'"\n'
    assert refusal(data) == "The file is not valid CSV near line 2."


def test_files_over_the_limit_are_refused_before_reading(settings: Any) -> None:
    assert settings.GUANXI_IMPORT_MAX_BYTES == 100 * 1024 * 1024
    data = b"name\n" + b"x" * (3 * 1024 * 1024)
    assert refusal(data, max_bytes=2 * 1024 * 1024) == (
        "The file is 3.0\xa0MB; at most 2.0\xa0MB can be imported at once."
    )
    assert read(data, max_bytes=4 * 1024 * 1024).columns == ["name"]


def test_a_message_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert refusal(b"") == "文件是空的。"


def test_the_order_import_table_keeps_lower_cased_dictionaries() -> None:
    table = open_table(io.BytesIO(b"Order_ID;Amount\r\nA-1;10\r\n"), name="x.csv")
    assert table.columns == ["order_id", "amount"] and table.total_rows == 1
    assert list(table.rows) == [(2, {"order_id": "A-1", "amount": "10"})]
