"""Period phrases of Chinese releases (2023年, 一季度, 上半年, 1-9月, 前三季度, 6月) as keys.

A period is `2023`, `2024Q1`, `2024H1`, `2024M06`, a cumulative `2024M01-M09`, or a span
`2021-2024`; the year comes from the phrase, else the sentence, else the section heading,
else the document.
"""

from __future__ import annotations

from dataclasses import dataclass

import cn2an

from zhibiao.transforms import lexicon
from zhibiao.transforms.memo import per_document


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase at `start` in a sentence; year None means 'the year in force'.

    A span (2019-2023年, 2020年以来, “十四五”以来, 过去五年) has a first year; its last year is
    `year`, or the year in force when the phrase leaves it open (以来). A phrase relative to
    the time of writing (今年, 去年, 过去五年) has `shift`: its last year is the publication
    year plus shift.
    """

    start: int
    end: int
    year: int | None
    suffix: str  # "", "Q1", "H1", "M06", "M01-M09"
    period_type: str  # year, quarter, half, month, ytd, span
    first_year: int | None = None  # a span's first year (or, with shift, its length)
    shift: int | None = None  # relative to the publication year
    years: int = 1  # how many years a relative phrase covers (过去五年: 5)
    in_force: bool = False  # counted back from the year in force, not from publication
    until_now: bool = False  # 五年来: up to the time of writing (a work report: the year before)
    present: bool = False  # 目前, 如今: the time of writing itself (lexicon present_tense)

    def resolve(
        self,
        year_in_force: int | None,
        published: int | None,
        report: bool = False,
        doc_year: int | None = None,
    ) -> tuple:
        """(year, suffix, period_type, first_year) with the relative parts filled in;
        `doc_year` is the year the document speaks of (its title's, else its publication's)."""
        if self.in_force and year_in_force is not None:  # 两年平均: the years to the one in force
            return year_in_force, "", "span", year_in_force - self.years + 1
        shift = self.shift
        last = doc_year or published or year_in_force
        if self.until_now and not report and last is not None:
            # 70年来 in a 2021 story runs to 2021; 一年来 in a review of 2023 published in
            # January 2024 runs to 2023: to the year the document speaks of
            first = last - self.years + 1 if self.years > 1 else None
            return last, "", "span" if first else "year", first
        if self.until_now:  # 五年来 in a work report: the five years before it
            shift = -1
        if (
            shift == 0
            and self.years == 1
            and year_in_force is not None
            and (report or published is None)
        ):
            # 今年 in a work report is the year its part speaks of: the review calls the year
            # it reviews 今年, the plan part the year ahead
            return year_in_force, self.suffix, self.period_type, None
        if shift is not None:
            # counted from the year of writing; unknown, the text's year in force is taken for
            # the past year it reviews (过去一年 in a bulletin of that year)
            if published is None and year_in_force is None:
                return None, self.suffix, self.period_type, None
            last = published + shift if published is not None else year_in_force
            last = last + shift if published is None and shift > 0 else last  # 今后五年
            last = last if published is not None or shift >= -1 else last + shift + 1
            first = last - self.years + 1 if self.years > 1 else None
            return last, self.suffix, "span" if first else self.period_type, first
        last = self.year if self.year is not None else year_in_force
        return last, self.suffix, self.period_type, self.first_year


def last_month(suffix: str) -> str | None:
    """M01-M05 -> M05, Q2 -> M06, M06 -> M06; None for a year (no month is in force)."""
    if suffix.startswith("M") and suffix[1:3].isdigit():
        return suffix[-3:]
    return f"M{_LAST_MONTH[suffix]}" if suffix in _LAST_MONTH else None


def period_key(year: int, suffix: str, first_year: int | None = None) -> str:
    """The contract spelling: 2023, 2024Q1, 2024M01-M09, a span 2021-2024."""
    if first_year is not None and first_year != year:
        return f"{first_year}-{year}"
    return f"{year}{suffix}"


# Which entry reads which kind of phrase; earlier entries claim their text first.
_PHRASES = (
    ("period_days_of_a_month", "month"),
    ("period_holiday_month", "holiday"),
    ("period_month_span", "months"),
    ("period_first_quarters", "first_quarters"),
    ("period_month_to_date", "month_to_date"),
    ("period_first_months", "first_months"),
    ("period_quarter", "quarter"),
    ("period_half", "half"),
    ("period_month", "month"),
    ("period_this_month", "this_month"),
    ("period_whole_year", "year"),
)
THIS_MONTH = "M@"  # 本月: the last month of the period in force, filled in by the period stage
_LAST_MONTH = {"Q1": "03", "Q2": "06", "Q3": "09", "Q4": "12", "H1": "06", "H2": "12"}
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
    sub = _subyear_span(kind, m)
    if sub and m.groupdict().get("end"):  # 一季度末, 上半年末: the last month, a point in time
        return f"M{sub[0][-2:] if sub[1] == 'ytd' else _LAST_MONTH[sub[0]]}", "month"
    return sub


def _subyear_span(kind: str, m) -> tuple[str, str] | None:
    if kind == "months":
        a, b = number(m["a"]), number(m["b"])
        if (a, b) in _QUARTER_SPANS:
            return _QUARTER_SPANS[(a, b)], "quarter"
        return (f"M{a:02d}-M{b:02d}", "ytd") if a < b else None
    if kind == "first_quarters":
        return f"M01-M{number(m['n']) * 3:02d}", "ytd"
    if kind == "first_months":
        return f"M01-M{number(m['n']):02d}", "ytd"
    if kind == "month_to_date":
        n = number(m["m"])
        return (f"M01-M{n:02d}", "ytd") if n > 1 else ("M01", "month")
    if kind == "quarter":
        return f"Q{number(m['q'])}", "quarter"
    if kind == "half":
        return dict(lexicon.mapping("half_of_year"))[m["h"]], "half"
    if kind == "this_month":
        return THIS_MONTH, "month"
    if kind == "holiday":
        month = dict(lexicon.mapping("holiday_months"))[m["holiday"] or m["holiday2"]]
        return f"M{int(month):02d}", "month"
    if kind == "month":
        return f"M{number(m['m'] or m.groupdict().get('mm')):02d}", "month"
    return "", "year"


def _spans(sentence: str, taken: list[tuple[int, int]]) -> list[PeriodMention]:
    """Spans of years and years relative to the time of writing, before any other phrase."""
    found = []
    for m in lexicon.regex("period_year_span").finditer(sentence):
        found.append(PeriodMention(m.start(), m.end(), int(m["b"]), "", "span", int(m["a"])))
    for m in lexicon.regex("period_since_year").finditer(sentence):
        found.append(PeriodMention(m.start(), m.end(), None, "", "span", int(m["a"])))
    for m in lexicon.regex("period_plan_span").finditer(sentence):
        first = 2001 + 5 * (number(m["k"]) - 10)  # 十五 2001-2005, 十四五 2021-2025
        last = first + 4 if m["closed"] else None
        found.append(PeriodMention(m.start(), m.end(), last, "", "span", first))
    for m in lexicon.regex("period_since_congress").finditer(sentence):
        first = 2013 + 5 * (number(m["k"]) - 18)  # 十八大 sat in 2012, one every five years
        found.append(PeriodMention(m.start(), m.end(), None, "", "span", first))
    for m in lexicon.regex("period_past_years").finditer(sentence):
        n = number(m["n"] or m["m"])
        found.append(PeriodMention(m.start(), m.end(), None, "", "year", None, -1, n,
                                   until_now=m["m"] is not None))  # fmt: skip
    for m in lexicon.regex("period_coming_years").finditer(sentence):
        n = number(m["n"])  # 今后五年: this year and the four after it
        found.append(PeriodMention(m.start(), m.end(), None, "", "year", None, n - 1, n))
    for m in lexicon.regex("period_years_average").finditer(sentence):
        n = number(m["n"])  # 两年平均: the years to the year in force (resolved with it)
        found.append(PeriodMention(m.start(), m.end(), None, "", "span", None, 0, n, True))
    for m in lexicon.regex("period_relative_year").finditer(sentence):
        shift = dict(lexicon.mapping("relative_years"))[m[0]]
        present = m[0] in lexicon.word_set("present_tense")
        found.append(PeriodMention(m.start(), m.end(), None, "", "year", None, shift,
                                   present=present))  # fmt: skip
    kept = []
    base = lexicon.word_set("period_base_markers")
    for p in sorted(found, key=lambda p: (p.start, -p.end)):
        lead = sentence[p.start - 1 : p.start] if p.start else ""
        if lexicon.regex("quote_open").fullmatch(lead or "x") and p.start > 1:
            lead = sentence[p.start - 2]
        if lead in base:
            taken.append((p.start, p.end))
            continue  # 是“十三五”时期的1.4倍: the base of a comparison
        if not any(a < p.end and p.start < b for a, b in taken):
            taken.append((p.start, p.end))
            kept.append(p)
    return kept


def find_periods(sentence: str) -> list[PeriodMention]:
    """Period phrases in order; a year directly before a sub-year phrase is merged into it."""
    return list(_periods_of(sentence))  # the context and the clause stage both ask: read once


@per_document  # the context and the clause stage read each sentence
def _periods_of(sentence: str) -> tuple[PeriodMention, ...]:
    taken: list[tuple[int, int]] = []
    found: list[PeriodMention] = _spans(sentence, taken)
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
        if not any(a <= m.start() < b for a, b in taken):
            found.append(PeriodMention(m.start(), m.end(), int(m["year"]), "", "year"))
    found.sort(key=lambda p: p.start)
    return tuple(_merge_years(found))


def setting_periods(text: str) -> list[PeriodMention]:
    """The phrases that can set a heading's or a paragraph's period: 本月 only points at the
    month already in force, it sets none."""
    return [p for p in find_periods(text) if p.suffix != THIS_MONTH]


def _merge_years(mentions: list[PeriodMention]) -> list[PeriodMention]:
    """2024年一季度 is one phrase: the year mention lends its year to the next sub-year one."""
    merged: list[PeriodMention] = []
    for p in mentions:
        prev = merged[-1] if merged else None
        relative = prev and prev.shift is not None and prev.years == 1 and not prev.suffix
        if relative and p.suffix and p.year is None and p.shift is None and p.start - prev.end <= 1:
            # 今年1至2月: the relative year lends itself to the sub-year phrase
            merged[-1] = PeriodMention(prev.start, p.end, None, p.suffix, p.period_type, None,
                                       prev.shift)  # fmt: skip
            continue
        adjacent = prev and prev.year and prev.suffix == "" and prev.period_type == "year"
        if adjacent and p.year is None and p.shift is None and p.start - prev.end <= 1:
            if p.suffix:
                merged[-1] = PeriodMention(prev.start, p.end, prev.year, p.suffix, p.period_type)
            continue
        merged.append(p)
    return merged
