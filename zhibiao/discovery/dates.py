"""The date printed beside a link on a listing page, or in a file's name: its published_on."""

from __future__ import annotations

import datetime as dt
import re

# 2024-04-29, 2024/4/29, 2024.04.29 (one separator throughout), 2024年4月29日 (with its 日:
# 2024年1-5月 is a span of months)
_FULL = re.compile(
    r"(?<!\d)(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})(?!\d)|\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)"
)
# [04-29], (04-29), 【04/29】, or a cell holding nothing else: CMS lists of this year's items
# print the month and day only. Bare inside a title, 1-5 is a span of months, not a date.
_MONTH_DAY = re.compile(
    r"[\[(（【]\s*(\d{1,2})[-/.月](\d{1,2})日?\s*[\])）】]|^\s*(\d{1,2})[-/.](\d{1,2})\s*$"
)


def printed_date(text: str, today: dt.date) -> dt.date | None:
    """The first date the text prints, or None. A month and day without a year is of
    `today`'s year, or of the year before when that would put it in the future."""
    if match := _FULL.search(text):
        month, day = (match[3], match[4]) if match[2] else (match[5], match[6])
        return _date(int(match[1]), int(month), int(day))
    if match := _MONTH_DAY.search(text):
        month, day = (int(g) for g in match.groups() if g is not None)
        found = _date(today.year, month, day)
        if found and found > today:
            found = _date(today.year - 1, month, day)
        return found
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
