"""Title and publication date as a document states them in its text (any format).

The date is the vintage of every figure the document states, so only a date the document
itself gives as its own (发布时间：…, a date line under the title) counts; dates in the body
("2023年1月1日起施行") do not.
"""

import datetime as dt
import re

# The day must not be followed by 月: 2024年1-9月 is a month range, not 2024-01-09.
_ARABIC = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?![\d月])"
_CHINESE = r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})"
_DATE = re.compile(f"{_ARABIC}|{_CHINESE}")
_LABELLED = re.compile(
    r"(?:(?:发布|发表|发文|成文|印发|更新|公开|录入)(?:时间|日期)\s*[:：]?|(?:时间|日期)\s*[:：])"
    r"\s*(?=[\d〇○零一二三四五六七八九])"
)
_DATE_LINE = re.compile(r"^[\s—\-－（(【\[]*(?=[\d〇○零一二三四五六七八九])")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0}
_HEAD_LINES = 12
_SECTION = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]")


def find_published_on(text: str) -> str | None:
    """The document's own date as YYYY-MM-DD: a labelled date, else a date line near the top."""
    return labelled_date(text) or date_line(text)


def labelled_date(text: str) -> str | None:
    """发布时间：2024年1月15日, 日期：2024-01-15 ... within the head of the text. A label
    followed by a month alone (发布时间：2020年9月) dates the document to the month's first
    day, as the registry dates a release published_on: 2020-09."""
    head = text[:4000]
    for match in _LABELLED.finditer(head):
        after = head[match.end() : match.end() + 30]
        if found := parse_date(after, anchored=True) or _year_month(after):
            return found
    return None


_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?![\d\-－—~～至到])")


def _year_month(text: str) -> str | None:
    match = _YEAR_MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}-01"


def date_line(text: str) -> str | None:
    """A line near the top that starts with a date (（2024年1月15日）, ——2024年1月15日在…),
    or a short masthead line holding one (西藏自治区统计局　2024年7月19日)."""
    for line in text.split("\n", _HEAD_LINES)[:_HEAD_LINES]:
        start = _DATE_LINE.match(line)
        if start and len(line) <= 80 and (found := parse_date(line[start.end() :], anchored=True)):
            return found
        if len(line) <= 40 and not re.search(r"[，。；！？,;!?]", line):
            match = _DATE.search(line)
            if match and not re.match(r"\s*日?\s*(?:起|至|到|前|以来|—|-)", line[match.end() :]):
                return parse_date(match.group())
    return None


def parse_date(text: str, anchored: bool = False) -> str | None:
    """First date in text as YYYY-MM-DD (Arabic or Chinese numerals), None when invalid."""
    match = _DATE.match(text) if anchored else _DATE.search(text)
    if not match:
        return None
    if match.group(1):
        year, month, day = (int(g) for g in match.group(1, 2, 3))
    else:
        year = int("".join(str(_DIGITS[c]) for c in match.group(4)))
        month, day = _chinese_number(match.group(5)), _chinese_number(match.group(6))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _chinese_number(text: str) -> int:
    """一 .. 三十一: enough for months and days."""
    if "十" not in text:
        return _DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def heading_title(text: str) -> str | None:
    """The first line near the top that reads as a title: short, no punctuation, no date,
    not a section heading (一、…); a disclaimer or masthead line above it is passed over."""
    for line in text.split("\n", 4)[:4]:
        line = line.strip()
        if line.endswith(("：", ":")):
            return None  # 各位代表： the speech starts, no title in the text
        if (
            2 <= len(line) <= 60
            and not re.search(r"[，。；！？,;!?]", line)
            and re.search(r"[\u4e00-\u9fff]", line)
            and not _DATE.search(line)
            and not _SECTION.match(line)
        ):
            return line
    return None
