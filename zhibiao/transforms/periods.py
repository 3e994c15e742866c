"""Period phrases of Chinese releases (2023年, 一季度, 上半年, 1-9月, 前三季度, 6月) as period keys.

A period is `2023`, `2024Q1`, `2024H1`, `2024M06` or a cumulative `2024M01-M09`; the year
comes from the phrase, else the sentence, else the section heading, else the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CN_MONTH = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10, "十一": 11, "十二": 12,
}  # fmt: skip
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase at `start` in a sentence; year None means 'the year in force'."""

    start: int
    end: int
    year: int | None
    suffix: str  # "", "Q1", "H1", "M06", "M01-M09"
    period_type: str  # year, quarter, half, month, ytd


# Years that are a comparison base or a start, not the period of the figure (比2020年, 2020年以来).
_YEAR = re.compile(r"(?<![\d比较是同与])(?P<year>(?:19|20)\d{2})年(?!以来|来|起|开始|同期)")
_PHRASES: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"(?P<a>{_MONTH})(?:月份?)?[-－—~～至到](?P<b>{_MONTH})月份?"), "months"),
    (re.compile(r"前(?P<n>[一二三])季度"), "first_quarters"),
    (
        re.compile(
            r"(?:截至|截止|截止到)(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:末|底)?"
        ),
        "month",
    ),
    (re.compile(r"前(?P<n>[两二三四五六七八九十]|十一|\d{1,2})个月"), "first_months"),
    (re.compile(r"(?<!前)第?(?P<q>[一二三四1-4])季度"), "quarter"),
    (re.compile(r"(?P<h>上|下)半年"), "half"),
    (re.compile(rf"(?<![\d\-－—~～至到])(?P<m>{_MONTH})月份?(?![\d日号])"), "month"),
    (re.compile(r"(?:全年|年末|年底)(?!目标|任务|计划|预算)"), "year"),
]


_BASE_MARKERS = "比较占与同"
# A month span that is one whole later quarter is that quarter (7-9月 -> Q3); a span from
# January is cumulative (1-9月 -> M01-M09).
_QUARTER_SPANS = {(4, 6): "Q2", (7, 9): "Q3", (10, 12): "Q4"}


def _month(token: str) -> int:
    return int(token) if token.isdigit() else _CN_MONTH[token]


def _subyear(kind: str, m: re.Match) -> tuple[str, str] | None:
    if kind == "months":
        a, b = _month(m["a"]), _month(m["b"])
        if (a, b) in _QUARTER_SPANS:
            return _QUARTER_SPANS[(a, b)], "quarter"
        return (f"M{a:02d}-M{b:02d}", "ytd") if a < b else None
    if kind == "first_quarters":
        return f"M01-M{_CN_DIGIT[m['n']] * 3:02d}", "ytd"
    if kind == "first_months":
        n = int(m["n"]) if m["n"].isdigit() else _CN_MONTH.get(m["n"], 2)
        return f"M01-M{n:02d}", "ytd"
    if kind == "quarter":
        return f"Q{_CN_DIGIT[m['q']]}", "quarter"
    if kind == "half":
        return ("H1" if m["h"] == "上" else "H2"), "half"
    if kind == "month":
        return f"M{_month(m['m']):02d}", "month"
    return "", "year"


def find_periods(sentence: str) -> list[PeriodMention]:
    """Period phrases in order; a year directly before a sub-year phrase is merged into it."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMention] = []
    for pattern, kind in _PHRASES:
        for m in pattern.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if m.start() > 0 and sentence[m.start() - 1] in _BASE_MARKERS:
                continue  # 比上半年, 占前三季度的: the base of a comparison, not the period
            sub = _subyear(kind, m)
            if sub is None:
                continue
            taken.append(m.span())
            found.append(PeriodMention(m.start(), m.end(), None, sub[0], sub[1]))
    for m in _YEAR.finditer(sentence):
        found.append(PeriodMention(m.start(), m.end(), int(m["year"]), "", "year"))
    found.sort(key=lambda p: p.start)
    return _merge_years(found)


def _merge_years(mentions: list[PeriodMention]) -> list[PeriodMention]:
    """2024年一季度 is one phrase: the year mention lends its year to the next sub-year one."""
    merged: list[PeriodMention] = []
    for p in mentions:
        prev = merged[-1] if merged else None
        if prev and prev.year and prev.suffix == "" and p.year is None and p.start - prev.end <= 1:
            if p.suffix:
                merged[-1] = PeriodMention(prev.start, p.end, prev.year, p.suffix, p.period_type)
            continue
        merged.append(p)
    return merged


def period_key(year: int, suffix: str) -> str:
    """The contract spelling: 2023, 2024Q1, 2024M01-M09."""
    return f"{year}{suffix}"
