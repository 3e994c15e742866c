"""Find the quantities in one sentence: number, magnitude, 余/多, unit, range, as printed.

Only a number followed by a known unit, %, ‰, 个百分点 or 倍 is a quantity; everything else
(years, ordinals, codes such as G318 or 12345, numbers inside quotes and book titles) is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhibiao.transforms.lexicon import (
    MAGNITUDES,
    MORE_THAN,
    PERCENT,
    PERMILLE,
    PP_WORDS,
    TIMES,
    UNITS,
)
from zhibiao.transforms.numerals import spell_out_chinese_numerals


@dataclass(frozen=True)
class Quantity:
    """One printed quantity; start/end index the (numeral-normalised) sentence."""

    start: int
    end: int
    value: float  # in the base unit; for %, ‰, 百分点 and 倍 the printed number
    value_high: float | None  # upper end of a range
    raw_value: str  # "1317.7", "3-5"
    raw_unit: str  # "万人次", "%", "个百分点"
    unit: str  # base unit: 元, 人次, %, ‰, 百分点, 倍 ...
    more_than: bool  # 余/多 between number and unit


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = r"\d+(?:\.\d+)?"
# 千 and 百 are magnitudes unless they start a unit (千瓦时, 千米, 千克, 百分点).
_MAG = _alternation(MAGNITUDES).replace("千", "千(?!瓦|米|克)").replace("百", "百(?!分)")
_UNIT = _alternation([*UNITS, PERCENT, PERMILLE, TIMES, *PP_WORDS])
_MORE = _alternation(MORE_THAN)
_RANGE_SEP = r"(?:-|－|—|–|~|～|至|到)"
# number [unit]? - number | number, then magnitude, 余/多, magnitude (1300余万), unit.
_QUANTITY = re.compile(
    rf"(?P<neg>[-−－])?(?P<lo>{_NUM})"
    rf"(?:(?P<lounit>%|(?:{_MAG})?(?:{_UNIT})|{_MAG})?{_RANGE_SEP}(?P<hi>{_NUM}))?"
    rf"(?P<mag1>{_MAG})?(?P<more>{_MORE})?(?P<mag2>{_MAG})?(?P<unit>{_UNIT})"
)
_QUOTES = re.compile(
    r"“[^”]{0,60}”|《[^》]{0,80}》|「[^」]{0,60}」|『[^』]{0,60}』|\"[^\"]{0,60}\""
)
_LONGER_WORDS = frozenset(
    "部门 名单 名录 名额 人民 户籍 家庭 项目 个人 条件 条例 件事 起点 起步 台账".split()
)
# Characters in front of a number that make it part of a code or an ordinal.
_NOT_BEFORE = set("×*第AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPpQqRrSsTtUuVvWwXxYyZz#№")
# 3个月, 5个工作日: a duration, not a count.
_DURATION_AFTER = ("月", "工作日", "小时")


# "2000万元及以上的…", "500万元以上的项目": the quantity defines a class, it is not stated.
_SIZE_UNITS = frozenset("元 美元 岁 吨 平方米 千瓦 千瓦时 亩 公顷 立方米 米 公里 吨标准煤".split())
# 60岁及以上人口, 10亿元以上项目: 以上/以下 followed by a noun, not by punctuation or by
# what a target says (增长10%以上的目标).
_THRESHOLD = re.compile(
    r"(?:及)?以[上下](?!的?(?:目标|预期|增长|增速|水平|规模|任务))的?[\u4e00-\u9fff]"
)


def quoted_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of quoted names and titles: the numbers inside them are names (“11364”)."""
    return [m.span() for m in _QUOTES.finditer(sentence)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _scale(match: re.Match) -> tuple[float, str, str]:
    """Factor to the base unit, base unit, and the unit as printed with its magnitude."""
    unit = match["unit"]
    mags = [m for m in (match["mag1"], match["mag2"]) if m]
    factor = 1.0
    for m in mags:
        factor *= MAGNITUDES[m]
    if unit in UNITS:
        base, unit_factor = UNITS[unit]
        return factor * unit_factor, base, "".join(mags) + unit
    if unit in PP_WORDS:
        return 1.0, "百分点", unit
    return 1.0, unit, unit  # %, ‰, 倍


def find_quantities(sentence: str) -> tuple[str, list[Quantity]]:
    """The sentence with Chinese numerals spelled as digits, and its quantities in order."""
    text = spell_out_chinese_numerals(sentence)
    quotes = quoted_spans(text)
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        if not _accept(text, m, quotes):
            continue
        factor, base, raw_unit = _scale(m)
        sign = -1.0 if m["neg"] else 1.0
        lo = sign * float(m["lo"]) * factor
        hi = float(m["hi"]) * factor if m["hi"] else None
        raw = ("-" if m["neg"] else "") + m["lo"] + (f"-{m['hi']}" if m["hi"] else "")
        found.append(Quantity(m.start(), m.end(), lo, hi, raw, raw_unit, base, bool(m["more"])))
    found.extend(_bare_ratios(text, found))
    found.extend(_shared_unit(text, found))
    found.sort(key=lambda q: q.start)
    return text, found


# 分别为55980、24562元 / 0.5万、2.3万人 / 0.3和1.1个百分点: a list closed by one unit.
_LISTED = re.compile(rf"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)({_MAG})?(?:、|和|及|与)$")


def _shared_unit(text: str, found: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    quotes = quoted_spans(text)
    for q in found:
        q_mag = next((k for k in _MAGS_LONGEST if q.raw_unit.startswith(k)), "")
        unit = q.raw_unit[len(q_mag) :]
        per_printed = _per_printed_unit(q)
        end = q.start
        while m := _LISTED.search(text, 0, end):
            if _inside(m.start(), quotes) or any(f.start <= m.start() < f.end for f in found):
                break
            if m.start() > 0 and text[m.start() - 1] in _NOT_BEFORE:
                break  # 第1、2批: ordinals
            mag = m[2] or ""
            factor = (
                per_printed / MAGNITUDES.get(q_mag, 1) * MAGNITUDES[mag] if mag else per_printed
            )
            raw_unit = mag + unit if mag else q.raw_unit
            out.append(
                Quantity(
                    m.start(),
                    m.end() - 1,
                    float(m[1]) * factor,
                    None,
                    m[1],
                    raw_unit,
                    q.unit,
                    False,
                )
            )
            end = m.start()
    return out


_MAGS_LONGEST = sorted(MAGNITUDES, key=len, reverse=True)
_FIRST_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _per_printed_unit(q: Quantity) -> float:
    """Base units per printed unit of a quantity (2.3万人 -> 10000)."""
    printed = float(_FIRST_NUMBER.search(q.raw_value)[0])
    return q.value / printed if printed else 1.0


# 城乡居民收入比由上年的2.40缩小到2.33: a ratio of two amounts has no unit; read it as 倍.
_RATIO_NAME = re.compile(r"收入比|收入倍差|城乡收入比")
_BARE = re.compile(r"(?<![\d.])(\d+\.\d+)(?![\d.%‰倍万亿元])")


def _bare_ratios(text: str, found: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    for name in _RATIO_NAME.finditer(text):
        clause_end = re.search(r"[，。；,;]", text[name.end() :])
        stop = name.end() + (clause_end.start() if clause_end else len(text))
        for m in _BARE.finditer(text, name.end(), stop):
            if not any(q.start <= m.start() < q.end for q in found):
                value = float(m[1])
                out.append(Quantity(m.start(), m.end(), value, None, m[1], "", "倍", False))
    return out


def _accept(text: str, m: re.Match, quotes: list[tuple[int, int]]) -> bool:
    start = m.start("neg") if m["neg"] else m.start("lo")
    if start > 0 and (text[start - 1] in _NOT_BEFORE or text[start - 1] == "."):
        return False
    if m["neg"] and start > 0 and text[start - 1].isdigit():
        return False
    if _inside(m.start("lo"), quotes):
        return False
    after = text[m.end() : m.end() + 4]
    if after.startswith("大关"):
        return False  # 突破100亿元大关，达到103.2亿元: a milestone passed, not the figure
    if _THRESHOLD.match(text, m.end()) and m["unit"] in _SIZE_UNITS:
        # 年主营业务收入2000万元及以上的工业法人单位, 60岁及以上人口: a class boundary.
        # A count is not (8000人以上农村人口 is how many people).
        return False
    if m["unit"] == "个" and after.startswith(_DURATION_AFTER):
        return False
    if after[:1] and (m["unit"] + after[:1]) in _LONGER_WORDS:
        return False  # 12部门, 名单, 人民: the "unit" is the start of a longer word
    if m["unit"] in ("名", "位") and start > 0 and text[start - 1] == "前":
        return False  # 前10名: a rank, not a count
    if after[:1].isascii() and after[:1].isalpha():
        return False  # 5G, 4A级
    # 20余年, 3天: a unit of time only counts when it is the quantity itself (岁, 天 stay).
    return not (m["unit"] == "度" and not _looks_like_energy(text, m))


def _looks_like_energy(text: str, m: re.Match) -> bool:
    """度 is a kWh only beside electricity words; elsewhere it is degrees or a season."""
    window = text[max(0, m.start() - 12) : m.start()]
    return "电" in window
