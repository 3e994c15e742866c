"""Stage 2, measure: level, growth_pct, pp_change or multiple, and the sign of a change.

The unit and the words right before the number decide: 增长10% is a growth, 下降0.1% a
negative one, 提高0.8个百分点 a pp change, 是上年的2.5倍 a multiple, 提高到62.3% the level
reached, 比上年减少0.3万公顷 a signed level of its own (…增量) series.
"""

from __future__ import annotations

from zhibiao.schema import PERCENT, PP_UNIT, TIMES_UNIT
from zhibiao.transforms import lexicon, units
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.rules import rule
from zhibiao.transforms.extract.text import clause_before, clause_start


def predicate(fig: Figure) -> str:
    """The words that decide the measure. In a 分别 list, each number's own item with what
    the list shares: 城镇调查失业率、居民消费价格涨幅分别控制在5%、3%以内 is a rate (level) and
    a growth; 城镇、农村居民人均可支配收入增长分别… shares 增长 with every item. A number
    with a verb of its own (分别下降29.8%、增长6.5%) takes that verb."""
    if fig.group is None:
        return fig.window
    own = fig.window if fig.position and _changed(fig.window) else ""
    return _shared_predicate(fig) + own


def _shared_predicate(fig: Figure) -> str:
    from zhibiao.transforms.extract.label_text import split_items, strip_period

    window = fig.group.window
    word = next((w for w in lexicon.words("distributive") if w in window), None)
    if word is None:
        return window
    cut = window.find(word)
    items = split_items(strip_period(window[:cut]))
    if len(items) != fig.group.size or fig.position >= len(items):
        return window
    shared = lexicon.regex("list_shared_verb").search(items[-1])
    tail = shared[0] if shared and fig.position < len(items) - 1 else ""
    return items[fig.position] + tail + window[cut:]


def _words(text: str) -> str:
    """The last words before the number, without a rate's name (贡献率) or 增加值."""
    words = text[-12:]
    heads = list(lexicon.regex("nominal_head").finditer(words))
    if heads:
        words = words[heads[-1].end() :]
    return lexicon.regex("not_growth_words").sub("", words)


def _has(words: str, name: str) -> bool:
    return any(w in words for w in lexicon.words(name))


def _changed(words: str) -> bool:
    """A change word or a comparison (同比) before the number."""
    names = ("growth_up", "growth_down", "comparison_words")
    return any(_has(words, n) for n in names) or bool(_bare_growth(words))


def _bare_growth(words: str) -> int:
    """Where a headline's bare 增 stands right before the number (0: none)."""
    m = lexicon.regex("growth_up_bare").search(words)
    return m.start() + 1 if m else 0


def _sign(words: str) -> float:
    """增长…下降: the word nearest the number decides."""
    if not _has(words, "growth_down"):
        return 1.0
    ups = [words.rfind(w) for w in lexicon.words("growth_up")] + [_bare_growth(words) - 1]
    last_up = max(ups)
    last_down = max((words.rfind(w) for w in lexicon.words("growth_down")), default=-1)
    return 1.0 if last_up > last_down else -1.0


@rule("measure")
def structure_part_is_a_share(clause: Clause, fig: Figure) -> Figure:
    """三次产业结构由2014年的13.88:53.06:33.06调整为…: each part of a structure is a share, a
    level, whatever growth the clause stated before it (…增长11.9%，增速位列全市第一三次产业
    结构…, where a release lost its full stop)."""
    return fig.set(measure="level") if "ratio_part" in fig.flags else fig


@rule("measure")
def bare_ratio_is_a_level(clause: Clause, fig: Figure) -> Figure:
    """城乡居民收入比2.33 (2.49:1): a ratio of two amounts, printed without a unit, is the
    indicator's own value (a level, in 倍); 是上年的2.5倍 is a multiple."""
    return fig.set(measure="level") if fig.q.unit == TIMES_UNIT and not fig.q.raw_unit else fig


@rule("measure")
def change_in_own_unit(clause: Clause, fig: Figure) -> Figure:
    """比上年减少0.3万公顷, 增加3900户: a change in the indicator's unit is a signed level
    (…增量); 比全国平均水平高1887元 a difference from another area (its own series)."""
    if is_rate(fig.q.unit):
        return fig
    words = predicate(fig).strip()
    gap = lexicon.regex("absolute_gap").search(words)
    if gap:
        fig.flags.add("gap")
        down = gap["verb"] in lexicon.word_set("absolute_gap_down")
        return fig.set(measure="level", sign=-1.0 if down else 1.0)
    m = lexicon.regex("absolute_change").search(words) if fig.group is None else None
    if not m:
        return fig
    fig.flags.add("change")
    down = m["verb"] in lexicon.word_set("absolute_change_down")
    return fig.set(measure="level", sign=-1.0 if down else 1.0)


@rule("measure")
def other_areas_rate_quoted(clause: Clause, fig: Figure) -> Figure:
    """比全国国内生产总值5.0%的增速高1.9个百分点, 比全国平均水平（5.1%）高…: the other
    area's growth, quoted."""
    if fig.group is not None or fig.q.unit != PERCENT:
        return fig
    after = clause.text[fig.q.end :]
    before = clause.text[: fig.q.start]
    bracketed = after[:1] in lexicon.words("closing_brackets") and bool(
        lexicon.regex("quoted_rate_in_brackets").search(before)
    )
    if bracketed or (
        lexicon.regex("quoted_rate_after").match(after)
        and lexicon.regex("other_area").search(fig.window)
    ):
        fig.flags.add("quoted")
        return fig.set(measure="growth_pct")
    return fig


@rule("measure")
def level_reached(clause: Clause, fig: Figure) -> Figure:
    """城镇化率提高到62.3%, 增至: the quantity after 提高到/降至 is the new level."""
    if not lexicon.regex("to_level").search(predicate(fig)):
        return fig
    fig.flags.add("reached")  # the same indicator at a later time: no part of the one before
    return fig.set(measure="level")


@rule("measure")
def narrowing_decline_is_a_rise(clause: Clause, fig: Figure) -> Figure:
    """降幅收窄0.4个百分点: the rate of decline narrowed, so the rate rose (+0.4)."""
    words = _words(predicate(fig))
    if fig.q.unit != PP_UNIT or not lexicon.regex("rate_decline_words").search(words):
        return fig
    narrowed = lexicon.regex("narrowing_words").search(words)
    return fig.set(measure="pp_change", sign=1.0 if narrowed else -1.0)


@rule("measure")
def points_are_a_pp_change(clause: Clause, fig: Figure) -> Figure:
    """提高0.8个百分点, 回落0.1个百分点: a change in percentage points, signed by its verb."""
    if fig.q.unit != PP_UNIT:
        return fig
    if lexicon.regex("comparison_lower").search(predicate(fig)):
        return fig.set(measure="pp_change", sign=-1.0)  # 比全国低0.8个百分点
    return fig.set(measure="pp_change", sign=_sign(_words(predicate(fig))))


@rule("measure")
def times_after_growth_is_growth(clause: Clause, fig: Figure) -> Figure:
    """增长1.3倍 is a growth of 130%; 是上年的2.5倍 is a multiple."""
    if fig.q.unit != TIMES_UNIT:
        return fig
    words = _words(predicate(fig))
    if _changed(words) and not _has(words[-6:], "multiple_marker"):
        return fig.set(measure="growth_pct", sign=_sign(words))
    return fig.set(measure="multiple")


@rule("measure")
def percent_after_growth_is_growth(clause: Clause, fig: Figure) -> Figure:
    """比上年增长9.5%, 下降0.1%, 同比5.2%: a percent after a change word is a growth rate."""
    if fig.q.unit != PERCENT:
        return fig
    words = _words(predicate(fig))
    return fig.set(measure="growth_pct", sign=_sign(words)) if _changed(words) else fig


@rule("measure")
def growth_announced_before_a_colon(clause: Clause, fig: Figure) -> Figure:
    """…价格同比全部上涨，涨幅分别为：医疗保健14.5%、交通和通信4.2%: the growth word before
    the colon makes every percent of the list after it a growth, signed by that word."""
    if fig.q.unit != PERCENT or _changed(_words(fig.window)):
        return fig
    start = clause_start(clause.text, fig.q.start)
    if not start or clause.text[start - 1] not in lexicon.words("list_colon"):
        return fig
    m = lexicon.regex("growth_before_a_colon").search(clause_before(clause.text, start))
    return fig.set(measure="growth_pct", sign=_sign(m[0])) if m else fig


@rule("measure")
def growth_rate_reached(clause: Clause, fig: Figure) -> Figure:
    """…增速由负转正，达到3.2% / …增速较一季度提高2.5个百分点，达到8.7%: a percent the part
    only reaches, after a part about an indicator's 增速, is that growth rate."""
    if fig.q.unit != PERCENT or fig.group is not None:
        return fig
    pattern = lexicon.regex("growth_rate_reached")
    reach = pattern.fullmatch(fig.window.strip())
    if not (fig.window.strip() == "" or (reach and reach["reach"])):
        return fig
    before = clause_before(clause.text, fig.lo)
    rate = next((m for m in pattern.finditer(before) if m["rate"]), None)
    if rate is None or any(c.isdigit() for c in before[: rate.start()]):
        return fig
    return fig.set(measure="growth_pct")


@rule("measure")
def growth_target_after_growth(clause: Clause, fig: Figure) -> Figure:
    """…增长7.2%、达到46.83亿元，高于年初确定的7%的预期目标: a bare percent whose clause names
    no indicator is of the indicator before it; when that indicator's growth was just stated,
    the percent is a growth too (its target or comparator)."""
    from zhibiao.transforms.extract.label_text import clean_label

    if fig.q.unit != PERCENT or clean_label(fig.window) or not clause.own:
        return fig
    if fig.window.strip().startswith(tuple(lexicon.words("share_label_prefix"))):
        return fig  # …增长11%，占9.5%: a share of the whole said before, not a growth
    suffix = lexicon.words("change_suffix")[0]
    rated = [f for f in clause.own if f.measure != "pp_change" and not f.label.endswith(suffix)]
    prior = (rated or clause.own)[-1]
    if any(f.label == prior.label and f.measure == "growth_pct" for f in clause.own):
        return fig.set(measure="growth_pct")
    return fig


@rule("measure")
def price_index_is_a_change(clause: Clause, fig: Figure) -> Figure:
    """居民消费价格指数（上年同期=100）100.6: an index on a base of 100 is a change of 0.6%;
    居民消费价格指数控制在2.0%: a small percent said of an index is its rise, as 涨幅 would be."""
    if fig.q.unit != PERCENT or not fig.q.value < 200:
        return fig
    if not any(w in fig.window for w in lexicon.words("price_index_words")):
        return fig
    if fig.q.value > 50:
        fig.flags.add("index_base_100")
    return fig.set(measure="growth_pct")


@rule("measure")
def otherwise_a_level(clause: Clause, fig: Figure) -> Figure:
    """An amount, a count, a rate or a share stated as such (就业率97.97%, 230亿元)."""
    return fig.set(measure="level")


def value_of(fig: Figure) -> tuple[float, float | None, str]:
    """The value, upper end and unit a row carries: 增长1.3倍 is 130 (%), an index of 100.6
    is +0.6, 下降 flips the sign of the value and of a range's upper end."""
    value, high, unit = fig.q.value * fig.sign, fig.q.value_high, fig.q.unit
    if high is not None and fig.sign < 0:
        high = -high
    if unit == TIMES_UNIT and fig.measure == "growth_pct":
        value, unit = value * 100, PERCENT
        high = high * 100 if high is not None else None
    if "index_base_100" in fig.flags:
        value = round(value - 100, 6)
    # 下降0% is -0.0 after the sign flip; + 0.0 makes it 0.0, which the warehouse and a
    # reader take for the same figure as 增长0%
    return value + 0.0, (high + 0.0 if high is not None else None), unit


def is_rate(unit: str) -> bool:
    return units.dimension(unit) == "ratio"
