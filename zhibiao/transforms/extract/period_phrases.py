"""Period phrases of Chinese releases (2023年, 一季度, 上半年, 1-9月, 前三季度, 6月) as keys.

A period is `2023`, `2024Q1`, `2024H1`, `2024M06`, a cumulative `2024M01-M09`, or a span
`2021-2024`; the year comes from the phrase, else the sentence, else the section heading,
else the document.
"""

from __future__ import annotations

from dataclasses import dataclass

import cn2an

from zhibiao.transforms import lexicon


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase at `start` in a sentence; year None means 'the year in force'."""

    start: int
    end: int
    year: int | None
    suffix: str  # "", "Q1", "H1", "M06", "M01-M09"
    period_type: str  # year, quarter, half, month, ytd


# Which entry reads which kind of phrase; earlier entries claim their text first.
_PHRASES = (
    ("period_month_span", "months"),
    ("period_first_quarters", "first_quarters"),
    ("period_month_to_date", "month"),
    ("period_first_months", "first_months"),
    ("period_quarter", "quarter"),
    ("period_half", "half"),
    ("period_month", "month"),
    ("period_whole_year", "year"),
)
# A month span that is one whole later quarter is that quarter (7-9月 -> Q3).
_QUARTER_SPANS = {(4, 6): "Q2", (7, 9): "Q3", (10, 12): "Q4"}


def number(token: str) -> int:
    """9, 九, 十二, 两 as an int."""
    if token.isdigit():
        return int(token)
    for written, read in lexicon.mapping("numeral_spelling"):
        token = token.replace(written, str(read))
    return int(cn2an.cn2an(token, "smart"))


def _subyear(kind: str, m) -> tuple[str, str] | None:
    if kind == "months":
        a, b = number(m["a"]), number(m["b"])
        if (a, b) in _QUARTER_SPANS:
            return _QUARTER_SPANS[(a, b)], "quarter"
        return (f"M{a:02d}-M{b:02d}", "ytd") if a < b else None
    if kind == "first_quarters":
        return f"M01-M{number(m['n']) * 3:02d}", "ytd"
    if kind == "first_months":
        return f"M01-M{number(m['n']):02d}", "ytd"
    if kind == "quarter":
        return f"Q{number(m['q'])}", "quarter"
    if kind == "half":
        return dict(lexicon.mapping("half_of_year"))[m["h"]], "half"
    if kind == "month":
        return f"M{number(m['m']):02d}", "month"
    return "", "year"


def find_periods(sentence: str) -> list[PeriodMention]:
    """Period phrases in order; a year directly before a sub-year phrase is merged into it."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMention] = []
    base = lexicon.word_set("period_base_markers")
    for name, kind in _PHRASES:
        for m in lexicon.regex(name).finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if m.start() > 0 and sentence[m.start() - 1] in base:
                continue  # 比上半年, 占前三季度的: the base of a comparison, not the period
            sub = _subyear(kind, m)
            if sub is None:
                continue
            taken.append(m.span())
            found.append(PeriodMention(m.start(), m.end(), None, sub[0], sub[1]))
    for m in lexicon.regex("period_year").finditer(sentence):
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
