"""Stage 5, period: 2023, 2024Q1, 2024H1, 2024M06, 2024M01-M09 of each figure.

The period phrase before the figure in its clause, else a leading adverbial of the paragraph
(前三季度，…), else the heading, else the title, else the document's year; comparison bases
(比上年, 比1-9月) are never the period; 由上年的… is last year; a stock stated for 1-6月 is the
stock at the end of June.
"""

from __future__ import annotations

from zhibiao.transforms import lexicon
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.period_phrases import period_key
from zhibiao.transforms.extract.rules import rule
from zhibiao.transforms.extract.text import clause_start

_PERIOD_END = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}


def _set(fig: Figure, year: int | None, suffix: str, period_type: str) -> Figure:
    fig.period = period_key(year, suffix) if year is not None else ""
    fig.period_type = period_type
    return fig


@rule("period")
def last_year_by_its_words(clause: Clause, fig: Figure) -> Figure:
    """由上年的…, 上年同期为下降2.1%, 去年同期…为172.1亿元: last year's figure."""
    s = clause.sentence
    if not s.year:
        return fig
    before = clause.text[max(0, fig.q.start - 10) : fig.q.start]
    own_clause = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    last = lexicon.regex("last_year_clause")
    if (
        lexicon.regex("last_year_before").search(before)
        or last.match(own_clause)
        or last.match(s.full or "")
    ):
        return _set(fig, s.year - 1, s.suffix, s.period_type)
    return fig


@rule("period")
def phrase_before_the_figure(clause: Clause, fig: Figure) -> Figure:
    """2024年一季度…, 1-9月…: the last period phrase before the figure, in its part; a year
    followed by 的 and a number owns that number only (由2020年的32.1%提高到36.5%)."""
    s = clause.sentence
    year, suffix, ptype = s.year, s.suffix, s.period_type
    owner = lexicon.words("period_owner_particle")
    for p in clause.periods:
        if p.start >= fig.q.start:
            break
        rest = clause.text[p.end + 1 : fig.q.start - 1]
        if clause.text[p.end : p.end + 1] in owner and any(c.isdigit() for c in rest):
            continue
        if p.year:
            year = p.year
        suffix, ptype = p.suffix, p.period_type
    return _set(fig, year, suffix, ptype)


@rule("period", refines=True)
def twelve_months_are_the_year(clause: Clause, fig: Figure) -> Figure:
    """1-12月 is the year."""
    if fig.period and fig.period.endswith("M01-M12"):
        fig.period, fig.period_type = fig.period[:4], "year"
    return fig


@rule("period", refines=True)
def stock_is_dated_at_the_period_end(clause: Clause, fig: Figure) -> Figure:
    """A balance stated for 1-6月 or 一季度 is the stock at the end of June or March."""
    from zhibiao.transforms.extract.code import indicator_kind

    if not fig.period or fig.period_type not in ("ytd", "quarter", "half"):
        return fig
    stock = indicator_kind(fig) == "stock"
    stock = stock or fig.label.endswith(lexicon.words("stock_label_end"))
    stock = stock or fig.label.startswith(lexicon.words("stock_label_start"))
    if not stock:
        return fig
    year, rest = fig.period[:4], fig.period[4:]
    month = int(rest[-2:]) if fig.period_type == "ytd" else _PERIOD_END[rest]
    fig.period, fig.period_type = f"{year}M{month:02d}", "month"
    return fig
