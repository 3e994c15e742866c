"""Stage 5, period: 2023, 2024Q1, 2024H1, 2024M06, 2024M01-M09 of each figure.

The period phrase before the figure in its clause, else a leading adverbial of the paragraph
(前三季度，…), else the heading, else the title, else the document's year; comparison bases
(比上年, 比1-9月) are never the period; 由上年的… is last year; a stock stated for 1-6月 is the
stock at the end of June.
"""

from __future__ import annotations

from zhibiao.transforms import lexicon, units
from zhibiao.transforms.extract.code import indicator_kind
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.measure import is_rate
from zhibiao.transforms.extract.period_phrases import (
    THIS_MONTH,
    find_periods,
    last_month,
    period_key,
)
from zhibiao.transforms.extract.rules import rule
from zhibiao.transforms.extract.text import base_value_at, clause_start

_PERIOD_END = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}


def _set(
    fig: Figure, year: int | None, suffix: str, period_type: str, first: int | None = None
) -> Figure:
    fig.period = period_key(year, suffix, first) if year is not None else ""
    fig.period_type = "span" if first is not None and first != year else period_type
    return fig


@rule("period")
def growth_between_two_years(clause: Clause, fig: Figure) -> Figure:
    """由1978年的205万元增加到2017年的85.21亿元，增长了4160倍 / 1965年…仅为93万元，2014年
    达到9亿元，增长了967倍: the growth spans the two."""
    if fig.measure != "growth_pct":
        return fig
    before = clause.text[: fig.q.start]
    m = lexicon.regex("change_between_two_years").search(before)
    if not m or int(m["a"]) >= int(m["b"]):
        m = lexicon.regex("levels_of_two_years").search(before)
        if not m or int(m["b"]) - int(m["a"]) < 2:
            return fig
    return _set(fig, int(m["b"]), "", "span", int(m["a"]))


@rule("period")
def last_year_by_its_words(clause: Clause, fig: Figure) -> Figure:
    """由上年的…, 上年同期为下降2.1%, 去年同期…为172.1亿元: last year's figure."""
    s = clause.sentence
    own_start = clause_start(clause.text, fig.q.start)
    if not s.year or any(p.year for p in clause.periods if own_start <= p.start < fig.q.start):
        return fig  # 去年，…由1978年的205万元…: the year named in the figure's clause is its own
    before = clause.text[max(0, fig.q.start - 10) : fig.q.start]
    own_clause = clause.text[own_start : fig.q.start]
    last = lexicon.regex("last_year_clause")
    found = (
        lexicon.regex("last_year_before").search(before)
        or last.match(own_clause)
        or last.match(s.full or "")
    )
    if not found:
        return fig
    published = clause.document.published_year
    relative = dict(lexicon.mapping("relative_years"))
    word = next((w for w in relative if w in found[0]), None)
    year = published + relative[word] if word and published else s.year - 1
    return _set(fig, year, s.suffix, s.period_type)


@rule("period")
def average_since_a_base_year(clause: Clause, fig: Figure) -> Figure:
    """与2020年相比，地区生产总值年均增长8.4%: an average over the years since that base.

    The span runs from the base year, as printed, to the year in force (2020-2024), the way
    由2020年的…增加到2024年的… names it (growth_between_two_years): one span for one stretch
    of years however the sentence words it. Readers of these releases name the average of a
    five-year review by its years (是2016年的1.9倍，年均增长6.7%: 2016-2020), not by the years
    of growth after the base (2017-2020)."""
    year = clause.sentence.year
    before = clause.text[: fig.q.start]
    if fig.measure != "growth_pct" or not year or not before.endswith(_average_words(), 0):
        return fig
    found = list(lexicon.regex("base_year").finditer(before))
    base = int(found[-1][1] or found[-1][2]) if found else None
    if base is None or not year > base + 1:
        return fig
    return _set(fig, year, "", "span", base)


def _average_words() -> tuple[str, ...]:
    return tuple(w + g for w in lexicon.words("span_average") for g in lexicon.words("growth_up"))


@rule("period")
def base_period_in_brackets(clause: Clause, fig: Figure) -> Figure:
    """比1-9月（8.2%）加快0.2个百分点 / 比9月（21.4%）回落15.5个百分点: the number in brackets
    after a compared period is that period's figure; read as the current period's, it was the
    same series stated twice, and both values were held back."""
    m = lexicon.regex("base_period_in_brackets").search(clause.text, 0, fig.q.start)  # …（$
    if not m:
        return fig
    found = find_periods(m["phrase"])
    if len(found) != 1 or (found[0].start, found[0].end) != (0, len(m["phrase"])):
        return fig  # 比上年增长（…: no period of its own
    year, suffix, ptype, first = _resolve(clause, found[0], clause.sentence.year)
    if year is None or first is not None:
        return fig
    return _set(fig, year, suffix, ptype)


@rule("period")
def phrase_before_the_figure(clause: Clause, fig: Figure) -> Figure:
    """2024年一季度…, 1-9月…, 今年前三季度…: the last period phrase before the figure in its
    part; a year followed by 的 and a number owns that number only (由2020年的32.1%提高到
    36.5%); a span of years (2019-2023年, “十四五”以来, 过去五年) is the period of the totals
    and averages stated over it (累计, 年均), else its last year is."""
    s = clause.sentence
    year, suffix, ptype, first = s.year, s.suffix, s.period_type, None
    owner = lexicon.words("period_owner_particle")
    now = s.now
    for p in clause.periods:
        if p.start >= fig.q.start:
            break
        rest = clause.text[p.end + 1 : fig.q.start - 1]
        owned = any(clause.text.startswith(w, p.end) for w in owner)
        if owned and any(c.isdigit() for c in rest):
            continue
        if lexicon.regex("turn_words").search(clause.text, p.end, fig.q.start):
            continue  # 由上半年低于全国…，转为高于全国2.4个百分点: the turn is now, not then
        y, p_suffix, p_type, p_first = _resolve(clause, p, year)
        if p.present and suffix and y == year:
            now = True  # 一季度…。目前小麦一、二类苗占86.7%: now is the part of the year told
            continue
        if p_first is not None:
            between = clause.text[max(p.end, clause_start(clause.text, fig.q.start)) : fig.q.start]
            summed = p.in_force or lexicon.regex("span_sum_words").search(between) is not None
            # “十三五”期间，7个县通过验收: things done over a closed span are counted over it
            summed = summed or (p.year is not None and fig.measure == "level" and _counted(fig))
            # 2018年以来，茶产量达到106.62吨: what accrues since a year is its total since then
            summed = summed or (p.year is None and p.shift is None and _accrues(fig))
            year, suffix, ptype, first = y, "", "year", (p_first if summed else None)
            continue
        if p_suffix == THIS_MONTH:
            if p.start < clause_start(clause.text, fig.q.start):
                continue  # 本月…，累计…: 本月 speaks for its own clause only
            p_suffix = last_month(suffix) or ""  # 本月 in a 1-5月 release: May
            p_type = "month" if p_suffix else ptype
        if y is not None:
            year, first, now = y, None, p.shift == 0 and p.years == 1
        suffix, ptype = p_suffix, p_type
    if now:
        fig.flags.add("now")  # 今年以来, 如今: the time of writing, never a plan (status)
    told = any(p.start < fig.q.start for p in clause.periods)
    if not told and s.since and year and _over_the_story(clause, fig):
        first = s.since  # 40年来…：编制完成了35个…规划: what the decades' story counts, over them
    return _set(fig, year, suffix, ptype, first)


def _over_the_story(clause: Clause, fig: Figure) -> bool:
    """In a story looking back (70年来…; a heading 五年工作回顾): a count of things done (建成
    56个安置点) and a total or average (累计完成投资1008亿元, 年均增长23.5%) are over its
    years; an amount or a rate without those words is its last year's."""
    start = clause_start(clause.text, fig.q.start)
    if lexicon.regex("span_total_words").search(clause.text, start, fig.q.start):
        return True
    done = lexicon.regex("deeds_over_decades").search(clause.text, start, fig.q.end + 12)
    return fig.measure == "level" and _counted(fig) and done is not None


def _resolve(clause: Clause, p, year_in_force: int | None) -> tuple:
    """A period phrase of the clause with its relative parts filled in from the document."""
    doc = clause.document
    return p.resolve(year_in_force, doc.published_year, doc.work_report, doc.year)


def _accrues(fig: Figure) -> bool:
    """A level that adds up over time: a flow of the catalog, or an uncatalogued amount or
    count (not a rate, not a stock the catalog knows)."""
    if fig.measure != "level" or units.get(fig.q.unit or "") is None or is_rate(fig.q.unit):
        return False
    kind = indicator_kind(fig)
    return kind == "flow" or kind is None


def _counted(fig: Figure) -> bool:
    unit = units.get(fig.q.unit or "")
    return unit is not None and units.is_count(unit.base)


@rule("period", refines=True)
def value_moved_from_is_the_span_start(clause: Clause, fig: Figure) -> Figure:
    """2012—2021年，居民人均可支配收入由8568元增加至24950元: the value moved from (由/从 with
    no year of its own) is the first year's of the span before it, or of the year the
    sentence compares with (从2012年的710.16亿元增加到…，比重由0.13%上升到了0.18%); the
    value reached keeps the span's last year."""
    before = clause.text[: fig.q.start].rstrip()
    if (
        fig.measure != "level"
        or not lexicon.regex("moved_from").search(before)
        or not lexicon.regex("moved_to_after").match(clause.text[fig.q.end :])
    ):
        return fig
    first = None
    for p in clause.periods:
        if p.start >= fig.q.start:
            break
        y, _, _, p_first = _resolve(clause, p, clause.sentence.year)
        first = p_first if p_first is not None else (None if y is not None else first)
    if first is None:
        named = lexicon.regex("earlier_year_named").findall(clause.sentence.earlier + before)
        first = int(named[-1]) if named and fig.year and int(named[-1]) < fig.year else None
    if first is not None:
        fig.period, fig.period_type = str(first), "year"
    return fig


@rule("period", refines=True)
def move_dated_like_the_move_before(clause: Clause, fig: Figure) -> Figure:
    """地区生产总值由2015年的104.33亿元增加到2020年的195亿元…。一般公共预算收入由8.63亿元增加到
    14.3亿元: a move between two levels that names no year of its own is over the years of
    the move told before it, in its paragraph or under the same heading (a list of results,
    one line each). Dated by the sentence, its two ends were one series stated twice, and
    the warehouse held one of them back. A growth right after such a move spans its years
    (_growth_after_a_bare_move)."""
    if fig.measure == "growth_pct":
        return _growth_after_a_bare_move(clause, fig)
    if fig.measure != "level":
        return fig
    before = clause.text[: fig.q.start].rstrip()
    owner = lexicon.regex("value_year_owner").search(before)
    stem = before[: owner.start()] if owner else before
    if lexicon.regex("moved_from").search(stem) and lexicon.regex("moved_to_after").match(
        clause.text[fig.q.end :]
    ):
        fig.flags.add("move_start")
        end = False
    elif clause.own and "move_start" in clause.own[-1].flags:
        end = lexicon.regex("to_level").search(fig.window) is not None
        if not end:
            return fig
    else:
        return fig
    if any(p.start < fig.q.start for p in clause.periods) or find_periods(clause.sentence.earlier):
        return fig  # 2012—2021年，…由8568元增加至…: the span before it dates it
    move = last_dated_move(clause.own[:-1] if end else clause.own) or clause.move_before
    if move:
        fig.period, fig.period_type = move[1] if end else move[0], "year"
    return fig


def _growth_after_a_bare_move(clause: Clause, fig: Figure) -> Figure:
    """…从28993元增加到45794元，年均增长9.6%: the growth right after a move dated by the one
    before it spans the move's years, as growth_between_two_years spans a move that names
    them."""
    own = clause.own
    if len(own) < 2 or "move_start" not in own[-2].flags or own[-1].measure != "level":
        return fig
    if any(p.start < fig.q.start for p in clause.periods) or fig.period_type == "span":
        return fig
    move = last_dated_move(own[-2:])
    if move:
        fig.period, fig.period_type = f"{move[0]}-{move[1]}", "span"
    return fig


def last_dated_move(figures: list[Figure]) -> tuple[str, str] | None:
    """The periods of the last move from one year's level to a later year's among these
    figures (由2015年的104.33亿元增加到2020年的195亿元: 2015, 2020), which a move that names no
    year takes, in its paragraph or under the same heading (core.clauses carries it)."""
    for start, reached in zip(figures[-2::-1], figures[:0:-1], strict=False):
        if "move_start" in start.flags and start.year and reached.year:
            dated = start.period_type == reached.period_type == "year"
            return (start.period, reached.period) if dated and start.year < reached.year else None
    return None


@rule("period", refines=True)
def change_of_a_rate_over_its_span(clause: Clause, fig: Figure) -> Figure:
    """2012—2021年，地区生产总值年均增长9.5%，高出全国平均水平2.9个百分点: the pp change of an
    average rate compares that average, over the same span."""
    if "rate_of_previous" not in fig.flags:
        return fig
    rated = [f for f in clause.own if f.measure == "growth_pct"]
    if rated and rated[-1].period_type == "span" and rated[-1].period.endswith(fig.period[:4]):
        fig.period, fig.period_type = rated[-1].period, "span"
    return fig


_WHOLE_PARTS = {"M01-M12": ("", "year"), "M01-M06": ("H1", "half"), "M01-M03": ("Q1", "quarter")}


@rule("period", refines=True)
def months_that_make_a_half_or_a_year(clause: Clause, fig: Figure) -> Figure:
    """1-12月 is the year, 1-6月 the first half, 1-3月 the first quarter: a monthly release's
    1-6月 and a press release's 上半年 are one series."""
    part = _WHOLE_PARTS.get(fig.period[4:]) if fig.period else None
    if part:
        fig.period, fig.period_type = fig.period[:4] + part[0], part[1]
    return fig


@rule("period", refines=True)
def annual_plan_is_the_year(clause: Clause, fig: Figure) -> Figure:
    """1-10月…占年度目标任务185亿元的87%: the year's plan is the whole year's amount."""
    if fig.measure != "level" or not fig.period or fig.period_type == "year":
        return fig
    if lexicon.regex("annual_plan_amount").search(clause.text[: fig.q.start]):
        fig.period, fig.period_type = fig.period[:4], "year"
    return fig


@rule("period", refines=True)
def harvest_of_a_season_is_the_year(clause: Clause, fig: Figure) -> Figure:
    """夏粮产量1.47万吨 in a 1-9月 release: a season's harvest (and its breakdown in the same
    sentence part) is the year's, whatever part of the year the release covers."""
    if not fig.period or fig.period_type not in ("ytd", "quarter", "half", "month"):
        return fig
    if any(w in clause.text[: fig.q.start] for w in lexicon.words("seasonal_harvest")):
        fig.period, fig.period_type = fig.period[:4], "year"
    return fig


@rule("period", refines=True)
def stock_is_dated_at_the_period_end(clause: Clause, fig: Figure) -> Figure:
    """A balance stated for 1-6月 or 一季度 is the stock at the end of June or March."""
    if not fig.period or fig.period_type not in ("ytd", "quarter", "half"):
        return fig
    # a balance only: 牲畜存栏 in a 1-9月 release keeps the release's period (as labellers of
    # real releases read it); a loan balance is always the month-end's
    stock = fig.label.endswith(lexicon.words("stock_label_end"))
    stock = stock or fig.label.startswith(lexicon.words("stock_label_start"))
    if not stock:
        return fig
    year, rest = fig.period[:4], fig.period[4:]
    month = int(rest[-2:]) if fig.period_type == "ytd" else _PERIOD_END[rest]
    fig.period, fig.period_type = f"{year}M{month:02d}", "month"
    return fig


@rule("period", refines=True)
def base_year_of_a_multiple(clause: Clause, fig: Figure) -> Figure:
    """是1965年155万元的近1万倍: the amount told between the base year and the multiple is
    that year's (label.base_value_of_a_multiple names it)."""
    year = base_value_at(clause.text, fig.q.start) if fig.measure == "level" else None
    return _set(fig, year, "", "year") if year else fig
