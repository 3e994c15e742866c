"""Excel workbooks read as HTML tables are: one sentence a row, by the same rule."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from zhibiao.transforms.decode import DecodeError, decode
from zhibiao.transforms.excel_text import is_workbook

TITLE = "林芝市2024年1-3月主要经济指标（synthetic fixture）"
GRID = [
    ["指标", "单位", "1-3月", "同比增长(%)"],
    ["规模以上工业增加值", "亿元", 7.5, 6.2],
    ["社会消费品零售总额", "亿元", 27.3, -1.5],
]


def _xlsx(*sheets: tuple[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.append([TITLE])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _html_table() -> bytes:
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in GRID)
    return (
        f"<html><head><title>{TITLE}</title></head><body>"
        f'<table><tr><td colspan="4">{TITLE}</td></tr>{cells}</table></body></html>'
    ).encode()


def test_a_workbook_reads_like_the_same_table_on_a_web_page():
    workbook = decode(_xlsx(("表1", GRID)))
    page = decode(_html_table(), content_type="text/html")
    assert workbook.format == "excel"
    assert workbook.title.startswith("林芝市2024年1-3月主要经济指标")
    sentences = [line for line in workbook.text.splitlines() if "。" in line]
    assert sentences == [
        "规模以上工业增加值1-3月7.5亿元，同比增长6.2%。",
        "社会消费品零售总额1-3月27.3亿元，同比下降1.5%。",
    ]
    assert all(sentence in page.text for sentence in sentences)


def test_every_sheet_is_read():
    text = decode(_xlsx(("表1", GRID[:2]), ("表2", [GRID[0], GRID[2]]))).text
    assert "规模以上工业增加值" in text and "社会消费品零售总额" in text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "unreadable workbook"),  # a broken .xls
        (_xlsx(("表1", [["说明", "无"], ["本表", "空"]])), "workbook without a table of figures"),
    ],
)
def test_a_workbook_that_cannot_be_read_is_refused_in_words(raw, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(raw)


def test_a_zip_that_is_no_workbook_is_not_taken_for_one():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert not is_workbook(out.getvalue())
    assert is_workbook(_xlsx(("表1", GRID)))
