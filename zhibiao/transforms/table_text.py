"""Statistical tables as prose: each data row becomes one sentence the figure extractor reads.

Bureaus publish ``| 指标 | 单位 | 绝对数 | 比上年增长(%) |`` tables; the extractor reads
sentences, so ``地区生产总值 | 亿元 | 230.50 | 9.5`` becomes
``地区生产总值230.50亿元，比上年增长9.5%。``. Column roles come from the header wording,
not from positions, so other column orders and wordings (计量单位, 绝对值, 1-9月, 同比±%,
增速, 比上年增减(百分点) ...) read the same way.
"""

import re
import unicodedata
from dataclasses import dataclass

from zhibiao.transforms import lexicon

_NUMBER = re.compile(r"^[-+−]?\d+(?:[,，]\d{3})*(?:\.\d+)?%?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_NOTE = re.compile(r"^(?:注|说明|备注|资料来源|数据来源)")
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
_SKIP_HEADER = re.compile(r"^(?:序号|编号|行次)$")
_LABEL_HEADER = re.compile(r"^(?:年份|年度|时间|月份|时期|地区|指标|指标名称|项目)$")
_GROWTH_HEADER = re.compile(r"增长|增速|增减|增幅|同比|环比|比上年|比去年|比上月|±|涨跌|下降")
_POINTS_HEADER = re.compile(r"百分点")
_SHARE_HEADER = re.compile(r"比重|占比|构成|占.*%")
_HEADER_UNIT = re.compile(r"[（(]([^()（）]*)[)）]|单位[:：]\s*(\S+)")
_GROWTH_WORDS = re.compile(
    r"[（(][^()（）]*[)）]|增长率|增长|增速|增减|增幅|涨跌幅|涨跌|速度|幅度|±|%|百分点"
)
_UNIT_NOTE = re.compile(r"(?:计量)?单位[:：]\s*([^\s，,；;）)]+)")
_GENERIC_VALUE = re.compile(
    r"^(?:绝对数|绝对值|数值|数量|总量|本年|本期|实绩|完成|完成数|合计|金额|总额|指标值|值)?$"
)
_GENERIC_WORDS = re.compile(r"绝对数|绝对值|数值|指标值")
_LABEL_NOISE = re.compile(r"^(?:其中[:：]?|[#＃△*※]+|\s+)+|[:：]$")


@dataclass(frozen=True)
class _Column:
    role: str  # label, unit, value, growth, points, share, skip
    header: str  # the header text, units in brackets removed
    unit: str  # the unit a header states: 绝对数(亿元) -> 亿元


def table_sentences(rows: list[list[str]], caption: str = "") -> list[str]:
    """Turn a table grid (spans already expanded) into lines: title rows, one sentence per row.

    Returns [] when the table holds no numbers, so layout tables can be left to the caller.
    """
    grid = _tidy_grid(rows)
    titles, grid = _split_title_rows(grid)
    first_data = next((i for i, row in enumerate(grid) if _is_data_row(row, i)), None)
    if first_data is None:
        return []
    headers, body = grid[:first_data], grid[first_data:]
    default_unit = _unit_note(" ".join([caption, *titles]))
    columns = _columns(headers, body, default_unit)
    lines = [t for t in titles if not _UNIT_NOTE.fullmatch(t)]
    for row in body:
        if _is_note_row(row):
            lines.append(next(filter(None, row)))
        elif sentence := _row_sentence(row, columns):
            lines.append(sentence)
    return lines


def _is_note_row(row: list[str]) -> bool:
    """A row spanning the table (注：…, 资料来源…) is prose; a lone label is a section row."""
    values = set(filter(None, row))
    if len(values) != 1 or _is_data_row(row, 1):
        return False
    return "" not in row or bool(_NOTE.match(next(iter(values))))


def is_number(cell: str) -> bool:
    return bool(_NUMBER.match(cell))


def _tidy_grid(rows: list[list[str]]) -> list[list[str]]:
    cleaned = [[_clean_cell(c) for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    width = max((len(row) for row in cleaned), default=0)
    return [row + [""] * (width - len(row)) for row in cleaned]


def _clean_cell(cell: str) -> str:
    cell = unicodedata.normalize("NFKC", cell or "")
    return (
        re.sub(r"\s+", "", cell)
        if _NUMBER.match(re.sub(r"\s+", "", cell))
        else " ".join(cell.split())
    )


def _split_title_rows(grid: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Leading rows that span the whole table are its title or unit note, not its header."""
    titles = []
    while grid and _is_title_row(grid[0]):
        titles.extend(dict.fromkeys(filter(None, grid[0])))
        grid = grid[1:]
    return titles, grid


def _is_title_row(row: list[str]) -> bool:
    values = set(row) - {""}
    if len(row) < 2 or not values or _is_data_row(row, 1):
        return False
    has_note = any(_UNIT_NOTE.search(v) for v in values)
    titles = {v for v in values if not _UNIT_NOTE.search(v)}
    return len(titles) <= 1 and ("" not in row or has_note)


def _is_data_row(row: list[str], index: int) -> bool:
    numbers = [c for c in row[1:] if _NUMBER.match(c)]
    if not numbers:
        return False
    return not (index == 0 and all(_YEAR.match(c) for c in numbers))


def _unit_note(text: str) -> str:
    match = _UNIT_NOTE.search(text)
    return match.group(1) if match else ""


def _columns(headers: list[list[str]], body: list[list[str]], default_unit: str) -> list[_Column]:
    width = len(body[0])
    texts = [_stacked_header([row[i] for row in headers]) for i in range(width)]
    numeric = [any(_NUMBER.match(row[i]) for row in body) for i in range(width)]
    roles = [_role(text, numeric[i]) for i, text in enumerate(texts)]
    label_at = next((i for i, r in enumerate(roles) if r == "text"), 0)
    columns = []
    for i, (text, role) in enumerate(zip(texts, roles, strict=True)):
        role = "label" if i == label_at else ("skip" if role == "text" else role)
        unit = _header_unit(text) or (default_unit if role == "value" else "")
        header = _HEADER_UNIT.sub("", text).strip()
        columns.append(_Column(role, _GENERIC_WORDS.sub("", header) or header, unit))
    return columns


def _stacked_header(cells: list[str]) -> str:
    """Multi-row headers read top-down; a spanning cell repeated across rows counts once."""
    parts: list[str] = []
    for cell in cells:
        if cell and cell not in parts:
            parts.append(cell)
    return "".join(parts).replace(" ", "")


def _role(header: str, numeric: bool) -> str:
    if _UNIT_HEADER.match(header):
        return "unit"
    if _SKIP_HEADER.match(header):
        return "skip"
    if not numeric or _LABEL_HEADER.match(header):
        return "text"
    if _POINTS_HEADER.search(header):
        return "points"
    if _SHARE_HEADER.search(header):
        return "share"
    return "growth" if _GROWTH_HEADER.search(header) else "value"


def _header_unit(header: str) -> str:
    for match in _HEADER_UNIT.finditer(header):
        unit = (match.group(1) or match.group(2) or "").strip()
        if unit and not re.search(r"\d", unit):
            return unit
    return ""


def _row_sentence(row: list[str], columns: list[_Column]) -> str:
    label = next((row[i] for i, c in enumerate(columns) if c.role == "label"), "")
    # 地区生产总值（预计）: a status note is no unit, and the row's figures keep it
    note = lexicon.regex("status_note").search(label)
    label = lexicon.regex("status_note").sub("", label)
    label_unit = _header_unit(label)
    label = _LABEL_NOISE.sub("", _HEADER_UNIT.sub("", label)) + (note[0] if note else "")
    row_unit = next((row[i] for i, c in enumerate(columns) if c.role == "unit" and row[i]), "")
    many_values = sum(c.role == "value" for c in columns) > 1
    parts = []
    for cell, column in zip(row, columns, strict=True):
        if _NUMBER.match(cell) and column.role not in ("label", "unit", "skip"):
            parts.append(_phrase(cell, column, row_unit or label_unit, many_values))
    if not label or not parts:
        return ""
    parts = [parts[0]] + [
        _drop_shared_group(prev, part) for prev, part in zip(parts, parts[1:], strict=False)
    ]
    if _YEAR.match(label):
        label += "年，"
    return label + "，".join(parts) + "。"


def _drop_shared_group(previous: str, part: str) -> str:
    """地区生产总值12.8亿元，地区生产总值比上年增长… : a spanning group header is said once."""
    shared = 0
    while shared < min(len(previous), len(part)) and previous[shared] == part[shared]:
        shared += 1
    while shared and previous[shared - 1].isdigit():
        shared -= 1
    return part[shared:] if shared >= 2 and part[shared:] else part


def _phrase(cell: str, column: _Column, row_unit: str, many_values: bool) -> str:
    number = cell.replace(",", "").replace("，", "").replace("−", "-")
    if column.role == "value":
        prefix = column.header if many_values or not _GENERIC_VALUE.match(column.header) else ""
        unit = row_unit or column.unit
        return f"{prefix}{number}{'' if number.endswith('%') else unit}"
    if column.role == "share":
        return f"{column.header}{number.rstrip('%')}%"
    prefix = _GROWTH_WORDS.sub("", column.header)
    magnitude = number.lstrip("+-").rstrip("%")
    falling = number.startswith("-")
    if column.role == "points":
        return f"{prefix}{'下降' if falling else '提高'}{magnitude}个百分点"
    return f"{prefix}{'下降' if falling else '增长'}{magnitude}%"


# Cells of a pasted table: tabs, or runs of two or more spaces / ideographic spaces.
_CELL_SPLIT = re.compile(r"\t| {2,}|\u3000+|\s*\|\s*")
# 城镇 | 2114 | 54.81 |, 按城乡分 | ||: a row of a table a page printed with bars, its
# section rows (a label, no number) included
_BAR_ROW = re.compile(r"\|.*\|")


def _is_cell_line(line: str) -> bool:
    """A line of at least three cells (a tab or wide gaps between them), one holding a number."""
    if _BAR_ROW.search(line):
        return True
    cells = [c for c in _CELL_SPLIT.split(line.strip()) if c.strip()]
    return len(cells) >= 3 and ("\t" in line or any(is_number(c) for c in cells[1:]))


def _is_header_line(line: str, first_row: str) -> bool:
    cells = [c for c in _CELL_SPLIT.split(line.strip()) if c.strip()]
    row = [c for c in _CELL_SPLIT.split(first_row.strip()) if c.strip()]
    return len(cells) >= 3 and len(cells) == len(row) and not any(is_number(c) for c in cells)


def tab_tables(text: str) -> str:
    """Tables pasted from a web page as tab-separated lines become one sentence a row.

    A run of at least two lines holding tabs is a table; its first line is the header. A
    run that yields no sentence (no numbers) is left as it was.
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_cell_line(lines[j]):
            j += 1
        if j - i >= 1 and out and _is_header_line(out[-1], lines[i]):
            i -= 1  # the header row above the numbers (no number of its own)
            out.pop()
        if j - i >= 2:
            grid = [
                [cell.strip() for cell in _CELL_SPLIT.split(line.strip())] for line in lines[i:j]
            ]
            width = max(len(row) for row in grid)
            grid = [row + [""] * (width - len(row)) for row in grid]
            sentences = table_sentences(grid)
            out.extend(["", *sentences, ""] if sentences else lines[i:j])
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)
