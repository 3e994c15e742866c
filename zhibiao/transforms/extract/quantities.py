"""Stage 1, quantity: the numbers of a sentence that state quantities, as printed.

Only a number followed by a unit of data/units.csv (read), %, ‰, 个百分点 or 倍 is a quantity;
everything else (years, ordinals, codes such as G318 or 12345, numbers inside quotes and book
titles) is not. The acceptance rules are registered like every other stage's rules, on a
candidate figure, so that each is named, traced and pinned by a construction case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from zhibiao.schema import TIMES_UNIT
from zhibiao.transforms import lexicon, units
from zhibiao.transforms.extract.numerals import spell_out_chinese_numerals
from zhibiao.transforms.extract.text import clause_start


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
    printed_unit: str = ""  # the unit word without its magnitude ("人次", "亿元" -> "元")


# An exponent is part of the number (tables pasted from spreadsheets print 2.3E+10): read
# apart, 1e308亿元 became the code-like e308 and its figure vanished without a trace.
_NUM = r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"


def _magnitude_alternation() -> str:
    """万亿|亿|…|千(?!瓦|克|米)|百(?!分点): a magnitude that does not start a unit."""
    parts = []
    for mag, _ in lexicon.mapping("magnitudes"):
        rests = [u[len(mag) :] for u in units.read_units() if u.startswith(mag) and u != mag]
        guard = f"(?!{'|'.join(re.escape(r) for r in rests)})" if rests else ""
        parts.append(re.escape(mag) + guard)
    return "|".join(parts)


@cache
def _pattern() -> re.Pattern[str]:
    mag = _magnitude_alternation()
    unit = "|".join(re.escape(u) for u in units.read_units())
    more = lexicon.alternation("more_than")
    sep = lexicon.alternation("range_separators")
    neg = lexicon.alternation("minus_signs")
    return re.compile(
        rf"(?P<neg>{neg})?(?P<lo>{_NUM})"
        rf"(?:(?P<lounit>%|(?:{mag})?(?:{unit})|{mag})?(?:{sep})(?P<hi>{_NUM}))?"
        rf"(?P<mag1>{mag})?(?P<more>{more})?(?P<mag2>{mag})?(?P<unit>{unit})"
    )


def quoted_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of quoted names and titles: the numbers inside them are names (“11364”)."""
    return [m.span() for m in lexicon.regex("quoted_name").finditer(sentence)]


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def scaled(printed: str, factor: float) -> float:
    """33.20亿 is 3320000000, not 3320000000.0000005: the product in decimal arithmetic."""
    return float(Decimal(printed) * Decimal(repr(factor)))


def _scale(match: re.Match) -> tuple[float, str, str]:
    """Factor to the base unit, base unit, and the unit as printed with its magnitude."""
    magnitudes = dict(lexicon.mapping("magnitudes"))
    mags = [m for m in (match["mag1"], match["mag2"]) if m]
    factor = 1.0
    for m in mags:
        factor *= magnitudes[m]
    row = units.get(match["unit"])
    return factor * row.factor, row.base, "".join(mags) + match["unit"]


@dataclass(frozen=True)
class Candidate:
    """A number-and-unit match before the acceptance rules of stage 1 have judged it."""

    text: str
    match: re.Match
    quotes: list[tuple[int, int]]

    @property
    def start(self) -> int:
        return self.match.start("neg") if self.match["neg"] else self.match.start("lo")

    @property
    def before(self) -> str:
        return self.text[self.start - 1] if self.start > 0 else ""

    @property
    def after(self) -> str:
        return self.text[self.match.end() : self.match.end() + 4]

    @property
    def unit(self) -> str:
        return self.match["unit"]


def candidates(text: str) -> list[Candidate]:
    quotes = quoted_spans(text)
    return [Candidate(text, m, quotes) for m in _pattern().finditer(text)]


def to_quantity(c: Candidate) -> Quantity:
    m = c.match
    factor, base, raw_unit = _scale(m)
    sign = -1.0 if m["neg"] else 1.0
    lo = sign * scaled(m["lo"], factor)
    hi = scaled(m["hi"], factor) if m["hi"] else None
    raw = ("-" if m["neg"] else "") + m["lo"] + (f"-{m['hi']}" if m["hi"] else "")
    return Quantity(m.start(), m.end(), lo, hi, raw, raw_unit, base, bool(m["more"]), m["unit"])


def find_quantities(sentence: str, clause=None) -> tuple[str, list[Quantity]]:
    """The sentence with Chinese numerals spelled as digits, and its quantities in order:
    the candidates stage 1 admits, lists that share one unit, and unitless ratios."""
    from zhibiao.transforms.extract.rules import admit

    text = spell_out_chinese_numerals(sentence)
    found = [to_quantity(c) for c in candidates(text) if admit(clause, c) is not None]
    found.extend(bare_ratios(text, found))
    found.extend(money_without_unit(text, found))
    found.extend(people_without_unit(text, found))
    found.extend(units_in_brackets(text, found))
    found.extend(shared_unit(text, found))
    return text, sorted(found, key=lambda q: q.start)


# ---- Quantities a list shares one unit with, and unitless ratios --------------------------


@cache
def _listed() -> re.Pattern[str]:
    mag = _magnitude_alternation()
    joiners = lexicon.alternation("list_joiners")
    classifier = lexicon.alternation("list_classifier")
    neg = lexicon.alternation("minus_signs")  # 分别为0.15、-5.64、1.34个百分点
    return re.compile(
        rf"(?<![\d.A-Za-z])(?P<neg>{neg})?(?P<value>\d+(?:\.\d+)?)(?P<mag>{mag})?"
        rf"(?P<classifier>{classifier})?(?:{joiners})$"
    )


# How far back from a quantity a listed number may start (it ends at the quantity): searching
# from the clause's start made a clause of n quantities cost n², minutes for one long line.
_LIST_REACH = 400


def shared_unit(text: str, found: list[Quantity]) -> list[Quantity]:
    """分别为55980、24562元 / 0.5万、2.3万人 / 0.3和1.1个百分点: a list closed by one unit."""
    magnitudes = dict(lexicon.mapping("magnitudes"))
    out: list[Quantity] = []
    quotes = quoted_spans(text)
    code = lexicon.regex("code_prefix_chars")
    for q in found:
        q_mag = q.raw_unit[: len(q.raw_unit) - len(q.printed_unit)]
        per_printed = _per_printed_unit(q)
        end = q.start
        while m := _listed().search(text, max(0, end - _LIST_REACH), end):
            if inside(m.start(), quotes) or _claimed(found, m.start()):
                break
            if m.start() > 0 and code.fullmatch(text[m.start() - 1]):
                break  # 第1、2批: ordinals
            if m["classifier"] and not q.raw_unit.startswith(m["classifier"]):
                break  # 5个和3家: a classifier of another unit
            mag = m["mag"] or ""
            factor = (
                per_printed / magnitudes.get(q_mag, 1) * magnitudes[mag] if mag else per_printed
            )
            raw_unit = mag + q.printed_unit if mag else q.raw_unit
            sign, raw = (-1.0, "-" + m["value"]) if m["neg"] else (1.0, m["value"])
            out.append(
                Quantity(m.start(), m.end() - 1, sign * scaled(m["value"], factor), None, raw, raw_unit,
                         q.unit, False, q.printed_unit)
            )  # fmt: skip
            end = m.start()
    return out


_FIRST_NUMBER = re.compile(rf"-?{_NUM}")


def _per_printed_unit(q: Quantity) -> float:
    """Base units per printed unit of a quantity (2.3万人 -> 10000)."""
    printed = float(_FIRST_NUMBER.search(q.raw_value)[0])
    return q.value / printed if printed else 1.0


_BARE = re.compile(r"(?<![\d.])(\d+\.\d+)(?![\d.%‰])")


def bare_ratios(text: str, found: list[Quantity]) -> list[Quantity]:
    """城乡居民收入比由上年的2.40缩小到2.33: a ratio of two amounts, read as 倍."""
    out: list[Quantity] = []
    clause_end = lexicon.regex("clause_break")
    for name in lexicon.regex("unitless_ratio_names").finditer(text):
        end = clause_end.search(text, name.end())
        stop = end.start() if end else len(text)
        for m in _BARE.finditer(text, name.end(), stop):
            if _followed_by_unit(text, m.end()):
                continue
            if not _claimed(found, m.start()):
                value = float(m[1])
                out.append(
                    Quantity(m.start(), m.end(), value, None, m[1], "", TIMES_UNIT, False, "")
                )
    return out


@cache
def _bare_magnitude() -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.])({_NUM})({_magnitude_alternation()})")


def money_without_unit(text: str, found: list[Quantity]) -> list[Quantity]:
    """旅游收入三天近五千万: an amount in 元 whose 元 a headline dropped (money_without_unit)."""
    out: list[Quantity] = []
    money, unit = lexicon.regex("money_without_unit"), lexicon.words("money_unit")[0]
    for m, value in _unclaimed_magnitudes(text, found):
        if _followed_by_unit(text, m.end()) or text[m.end() : m.end() + 1].isdigit():
            continue
        if money.search(text, clause_start(text, m.start()), m.start()):
            out.append(Quantity(m.start(), m.end(), value, None, m[1], m[2], unit, False, ""))
    return out


def people_without_unit(text: str, found: list[Quantity]) -> list[Quantity]:
    """带动2万农牧民增收: people counted by the noun after the number (people_without_unit)."""
    out: list[Quantity] = []
    bound = lexicon.words("label_after_qualifier")
    for m, value in _unclaimed_magnitudes(text, found):
        more = text[m.end() : m.end() + 1] in bound  # 1.2万余群众
        end = m.end() + more
        unit = next((u for noun, u in people_nouns() if text.startswith(noun, end)), None)
        if unit is not None:
            out.append(Quantity(m.start(), end, value, None, m[1], m[2], str(unit), more, ""))
    return out


def units_in_brackets(text: str, found: list[Quantity]) -> list[Quantity]:
    """牲畜存栏总头数149875（头、只、匹）: a count of several kinds prints its units in brackets
    after the number; the first one is the figure's (units_in_brackets)."""
    out: list[Quantity] = []
    magnitudes = dict(lexicon.mapping("magnitudes"))
    for m in _bracketed_units().finditer(text):
        unit = units.get(m[3]) if m[3] else None
        if unit is None or not units.is_count(unit.base) or _claimed(found, m.start()):
            continue
        value = scaled(m[1], magnitudes.get(m[2] or "", 1) * unit.factor)
        raw_unit = (m[2] or "") + m[3]
        out.append(
            Quantity(m.start(), m.end(), value, None, m[1], raw_unit, unit.base, False, m[3])
        )
    return out


@cache
def _bracketed_units() -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\d.])({_NUM})({_magnitude_alternation()})?{lexicon.regex('units_in_brackets').pattern}"
    )


@cache
def people_nouns() -> tuple[tuple[str, str], ...]:
    """The nouns that count people after a bare magnitude (万农牧民), with the unit each gives."""
    return tuple((noun, str(unit)) for noun, unit in lexicon.mapping("people_without_unit"))


def _unclaimed_magnitudes(text: str, found: list[Quantity]):
    """Each bare magnitude (2万, 五千万) no quantity already read holds, with its value: what
    the fallbacks for a dropped unit start from."""
    magnitudes = dict(lexicon.mapping("magnitudes"))
    for m in _bare_magnitude().finditer(text):
        if not _claimed(found, m.start()):
            yield m, scaled(m[1], magnitudes[m[2]])


def _claimed(found: list[Quantity], pos: int) -> bool:
    """Whether a quantity already read holds this position of the text."""
    return any(q.start <= pos < q.end for q in found)


def _followed_by_unit(text: str, end: int) -> bool:
    nxt = text[end : end + 1]
    return bool(nxt) and (nxt in lexicon.word_set("numeral_big_places") or any(
        u.startswith(nxt) for u in units.read_units()))  # fmt: skip


# ---- Structure ratios: 三次产业结构为9.1:37.5:53.4 ---------------------------------------


@cache
def _ratio_colon() -> str:
    """29.67: 39.5:30.83: a space the copy left beside a colon still separates two parts."""
    return rf"(?:[ \t]?(?:{lexicon.alternation('ratio_separators')})[ \t]?)"


@cache
def _ratio() -> re.Pattern[str]:
    colon = _ratio_colon()
    return re.compile(rf"(?P<parts>{_NUM}(?:{colon}{_NUM}){{1,4}})(?!\d|\.|{colon})")


@dataclass(frozen=True)
class Ratio:
    start: int
    end: int
    parts: tuple[str, ...]
    labels: tuple[str, ...]


def find_ratios(sentence: str) -> list[Ratio]:
    """Ratios whose parts structure_ratio_parts names; an unnamed a:b is no figure (a time)."""
    found = []
    for m in _ratio().finditer(sentence):
        parts = tuple(re.split(_ratio_colon(), m["parts"]))
        before = sentence[max(0, m.start() - 40) : m.start()]
        for word, labels in lexicon.mapping("structure_ratio_parts"):
            if word in before and len(labels) == len(parts):
                found.append(Ratio(m.start(), m.end(), parts, tuple(labels)))
                break
    return found


# ---- Stage 1 rules: which candidates are quantities ---------------------------------------
from zhibiao.transforms.extract.rules import rule  # noqa: E402


@rule("quantity")
def not_part_of_a_code(clause, c: Candidate):
    """G318, 第3批, 1.5.3: a letter, 第 or a dot in front makes the number part of a name."""
    return None if c.before and lexicon.regex("code_prefix_chars").fullmatch(c.before) else c


@rule("quantity")
def not_inside_quotes(clause, c: Candidate):
    """“11364”发展思路, 《…2024年…》: a number inside quotes or a title is a name."""
    return None if inside(c.match.start("lo"), c.quotes) else c


@rule("quantity")
def not_a_class_boundary(clause, c: Candidate):
    """2000万元及以上的工业法人单位, 60岁及以上人口: a size class, not a stated amount."""
    row = units.get(c.unit)
    boundary = lexicon.regex("class_boundary").match(c.text, c.match.end())
    return None if boundary and row is not None and row.size_class else c


@rule("quantity")
def not_a_sample_rate(clause, c: Candidate):
    """据5‰人口变动抽样调查推算, 1%人口抽样调查: the sampling fraction names the survey."""
    return None if lexicon.regex("sample_survey_after").match(c.text, c.match.end()) else c


@rule("quantity")
def not_a_band_of_classes(clause, c: Candidate):
    """0-17岁、18-34岁、60岁及以上户籍人口分别为…: bands listed before the last one's class
    boundary (or its group's noun) name the classes, as the boundary does; 男性76岁、女性80岁
    and 分别为76.3岁、80.1岁 are figures."""
    row = units.get(c.unit)
    if row is None or not row.size_class:
        return c
    end, bands = c.match.end(), 0
    joiners = lexicon.regex("band_joiner")
    while (j := joiners.match(c.text, end)) and (nxt := _pattern().match(c.text, j.end())):
        if nxt["unit"] != c.unit:
            return c
        end, bands = nxt.end(), bands + 1
    boundary = lexicon.regex("class_boundary").match(c.text, end)
    group = lexicon.regex("class_group_noun").match(c.text, end)
    if not (boundary or group) or not (bands or _band_before(c)):
        return c
    return None


def _band_before(c: Candidate) -> bool:
    """A band of the same unit and a joiner right before this one (…、15-64岁人口)."""
    start = c.start
    if not start or not lexicon.regex("band_joiner").fullmatch(c.text[start - 1]):
        return False
    head = c.text[max(0, start - _BAND_REACH) : start - 1]
    return any(m.end() == len(head) and m["unit"] == c.unit for m in _pattern().finditer(head))


_BAND_REACH = 16  # a band such as 100-500万元 with its joiner


def _counts_things(c: Candidate) -> bool:
    row = units.get(c.unit)
    return bool(row and row.count)


@rule("quantity")
def not_a_duration(clause, c: Candidate):
    """用3个月时间, 5个工作日: 个 before a unit of time counts time, not things."""
    if _counts_things(c) and c.after.startswith(lexicon.words("duration_after_count")):
        return None
    return c


@rule("quantity")
def not_a_classifier_of_a_listed_unit(clause, c: Candidate):
    """0.1个和4.3个百分点: the bare 个 is 个百分点's, read by shared_unit, not a count."""
    if c.unit not in lexicon.word_set("list_classifier"):
        return c
    later = lexicon.regex("classifier_of_a_listed_unit").match(c.text, c.match.end())
    return None if later else c


@rule("quantity")
def not_the_start_of_a_longer_word(clause, c: Candidate):
    """12部门, 公布名单, 人民: the "unit" is the first character of a longer word."""
    nxt = c.after[:1]
    return None if nxt and (c.unit + nxt) in lexicon.word_set("unit_starts_longer_word") else c


@rule("quantity")
def not_the_set_of_a_ranking(clause, c: Candidate):
    """在全国31个省（区、市）中排名第24: the set ranked among, not a figure."""
    if _counts_things(c) and lexicon.regex("reference_set_after").match(c.text, c.match.end()):
        return None
    return c


@rule("quantity")
def not_a_rank(clause, c: Candidate):
    """位居全国前10名: a rank, not a count of people."""
    people = units.dimension(c.unit) == "people"
    return None if people and c.before in lexicon.word_set("rank_before") else c


@rule("quantity")
def degree_is_energy_only_beside_electricity(clause, c: Candidate):
    """用电量12.3亿度 is energy; 30度 elsewhere is a temperature or an angle."""
    if c.unit not in lexicon.word_set("energy_only_beside_electricity"):
        return c
    window = c.text[max(0, c.match.start() - 12) : c.match.start()]
    return c if any(w in window for w in lexicon.words("energy_context")) else None
