"""Excel workbooks (xlsx, xls) as prose: each sheet's table through table_text, one sentence a row.

统计月报 are often published as workbooks: a sheet per table, a title row, a unit note, a
header, then `地区生产总值 | 亿元 | 230.50 | 9.5`. pandas reads the cells (openpyxl for xlsx,
xlrd for xls); table_text.table_sentences, the same rule that reads HTML tables, writes the
sentences, so a figure reads the same whichever format carried it.
"""

from __future__ import annotations

import io
import zipfile

from zhibiao.transforms.table_text import table_sentences

XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # an OLE2 compound file: .xls (also .doc, .ppt)


def is_workbook(raw: bytes) -> bool:
    """An xlsx (a zip holding xl/workbook.xml) or an OLE2 file, which only xlrd can tell
    from a Word document."""
    if raw.startswith(XLS_MAGIC):
        return True
    if not raw.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def workbook_lines(raw: bytes) -> list[str]:
    """Each sheet's name, then its rows as sentences; ValueError when the bytes cannot be read
    as a workbook (a broken or mislabelled file)."""
    import pandas as pd

    engine = "xlrd" if raw.startswith(XLS_MAGIC) else "openpyxl"
    try:
        sheets = pd.read_excel(
            io.BytesIO(raw), sheet_name=None, header=None, dtype=str, engine=engine
        )
    except Exception as exc:  # noqa: BLE001 - xlrd and openpyxl raise a dozen kinds
        raise ValueError(f"unreadable workbook: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    for name, frame in sheets.items():
        rows = [["" if cell is None or cell != cell else str(cell) for cell in row]
                for row in frame.itertuples(index=False)]  # fmt: skip
        sentences = table_sentences(_spread_titles(rows), caption=str(name))
        lines += [*sentences, ""] if sentences else []
    return lines


def _spread_titles(rows: list[list[str]]) -> list[list[str]]:
    """A merged title cell (A1:F1) reaches pandas in its first cell only; spread it over the
    row, as an HTML colspan is, so that table_text reads it as the table's title."""
    out = []
    for i, row in enumerate(rows):
        filled = [cell for cell in row if cell.strip()]
        if len(filled) != 1 or not row[0].strip():
            return out + rows[i:]
        out.append([row[0]] * len(row))
    return out
