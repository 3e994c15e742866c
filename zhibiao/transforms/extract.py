"""Every quantitative figure of a Chinese official text, as rows of the figure contract.

The pass is sentence by sentence: quantities (numbers.py) are found first, then each gets
its label (labels.py), measure and sign, qualifier, status, period and region from the words
around it and from the context the sentence inherits (structure.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pandas as pd

from zhibiao.schema import FIGURE_COLUMNS, UNMAPPED
from zhibiao.transforms import catalog
from zhibiao.transforms.labels import (
    COUNT_UNITS,
    clean_label,
    expand_list,
    has_head,
    label_after,
    strip_period,
)
from zhibiao.transforms.lexicon import (
    COMPARISON,
    ESTIMATE_WORDS,
    GROWTH_DOWN,
    GROWTH_UP,
    PRELIMINARY_WORDS,
    QUALIFIER_AFTER,
    QUALIFIER_BEFORE,
    TARGET_WORDS,
)
from zhibiao.transforms.numbers import Quantity, find_quantities
from zhibiao.transforms.periods import find_periods, period_key
from zhibiao.transforms.ratios import find_ratios
from zhibiao.transforms.structure import (
    Sentence,
    document_year,
    is_work_report,
    iter_sentences,
    report_year,
)

# Recorded on every observation; bump it when a change alters what is extracted, then
# `zhibiao backfill --reextract` rereads the stored snapshots.
EXTRACTOR_VERSION = "0.5.0"

_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?]")
_GROUP_JOIN = re.compile(r"^(?:以上|左右|以内|以下)?\s*(?:、|，|,|和|及|与|以及)\s*$")
_GROWTH_TAIL = re.compile(
    r"(?:比上年|比去年|较上年|比上月|同比|环比|比)?(?:"
    + "|".join(sorted(GROWTH_UP + GROWTH_DOWN, key=len, reverse=True))
    + r")+$"
)


@dataclass
class _Figure:
    q: Quantity
    label: str
    region: str
    measure: str
    sign: float
    qualifier: str
    inherited: bool = False
    extra: dict = field(default_factory=dict)


def extract_figures(
    text: str, *, region: str | None = None, year: int | None = None, title: str | None = None
) -> pd.DataFrame:
    """Figures of a whole document; `region`/`year` are the source's defaults.

    `title` is the document's title when the text does not open with it (an HTML <title>):
    it states the region and the period that every sentence below inherits.
    """
    if title and title.strip() not in text[:300]:
        text = title.strip() + "\n" + text
    report = is_work_report(text)
    # A work report is dated by the caller (its title year is the plan year); a release's
    # own title year wins over its publication year (the 2023 bulletin is out in 2024).
    doc_year = (
        (report_year(text) or year or document_year(text))
        if report
        else (document_year(text) or year)
    )
    doc_region = _title_region(text) or region or ""
    rows: list[dict] = []
    prelim, previous, subject, paragraph = False, None, None, []
    for sentence in iter_sentences(text, year=doc_year, work_report=report):
        # 初步核算 covers its sentence and the 其中 sentences that break its total down
        # (with the ；-joined parts of that breakdown).
        continued = (
            previous is not None
            and previous.paragraph == sentence.paragraph
            and (previous.text.endswith(("；", ";")))
        )
        if any(w in sentence.text for w in PRELIMINARY_WORDS):
            prelim = True
        elif not sentence.text.startswith("其中") and not continued:
            prelim = False
        if previous is None or previous.paragraph != sentence.paragraph:
            # figures said so far in this paragraph: a part or sentence with no label of its
            # own (其中，二季度增长6.2% / 分县区看，巴宜区96.3亿元) borrows the last one
            subject, paragraph = None, []
        previous = sentence
        subject = _subject(sentence.text) or subject
        rows.extend(_sentence_rows(sentence, doc_region, prelim, subject, paragraph, doc_year))
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    return frame.astype({"value": "float64", "value_high": "float64"})


_TITLE_LINE = re.compile(r"公报|经济运行|政府工作报告|主要经济指标|统计|情况|数据")


def _title_region(text: str) -> str | None:
    """A bulletin of 西藏自治区 describes 西藏自治区: the region named in the title line
    (never in a body line: 其中，成都市增长7.1% does not make a provincial release 成都's)."""
    for line in text.split("\n")[:6]:
        if len(line) <= 60 and _TITLE_LINE.search(line) and not line.endswith(("。", "；")):
            found = catalog.find_regions(line)
            return found[0][2] if found else None
    return None


# A development zone or park inside the region is its own series, not the region's:
# 力争经开区地区生产总值…，工业总产值增幅达到25%以上 is the zone's output.
_ZONE = re.compile(r"经济技术开发区|经开区|开发区|高新区|工业园区|产业园区|园区")


# 过去五年…累计完成固定资产投资1120亿元, 2020年以来累计减税降费12.3亿元: a span total,
# not the year's figure; the span goes into the label and keeps it off the annual series.
_SPAN = re.compile(
    r"(过去[一二三四五六七八九十\d]+年|[一二三四五六七八九十\d]+年来|\d{4}年以来|“?十[三四五]五”?(?:以来|期间))"
)


def _span_label(text: str, f: _Figure) -> str:
    spans = list(_SPAN.finditer(text, 0, f.q.start))
    if not spans or f.label.startswith(spans[-1][1]):
        return f.label
    between = text[spans[-1].end() : f.q.start]
    if "累计" in between or "年均" in between:
        average = "年均" if "年均" in between and "年均" not in f.label else ""
        return spans[-1][1] + average + f.label
    return f.label


# 国庆黄金周期间全市接待游客56.3万人次: a holiday's figure is not the year's.
_HOLIDAY = re.compile(
    r"((?:春节|国庆|五一|劳动节|端午|中秋|元旦|清明|雪顿节|藏历新年|桃花节)”?"
    r"(?:黄金周|假期|小长假|长假|期间|节日期间)?)"
)


def _holiday_label(text: str, f: _Figure, before: str = "") -> str:
    """The holiday of its sentence, from any ；-part before the figure."""
    scope = before + text[: f.q.start]
    holidays = list(_HOLIDAY.finditer(scope))
    if not holidays or not f.label:
        return f.label
    name = holidays[-1][1].replace("”", "")
    if name in f.label or not re.search(r"黄金周|假期|长假|期间", name):
        return f.label  # 国庆 or 桃花节 alone name a thing, not a time
    if re.search(r"受[^，。]{0,10}$", scope[: holidays[-1].start()]):
        return f.label  # 受桃花节假期带动: a cause, not the time of the figure
    return name + f.label


# 比2020年增长32.1%: growth over another base than the year before is another series.
_BASE_YEAR = re.compile(r"(?:比|较|与)(\d{4})年(?:相比)?")


def _base_label(text: str, f: _Figure, year: int | None, label: str) -> str:
    if f.measure not in ("growth_pct", "pp_change", "multiple"):
        return label
    window = text[_clause_start(text, f.q.start) : f.q.start]
    m = _BASE_YEAR.search(window)
    if not m or (year and int(m[1]) == year - 1) or f"比{m[1]}年" in label:
        return label
    return f"{label}比{m[1]}年"


# Month-on-month and quarter-on-quarter growth is another series than year-on-year growth:
# 同比增长13.2%，环比增长3.5% states two figures for one key unless the label says which.
_SEQUENTIAL = re.compile(r"环比|比上月|较上月|比上季度?|较上季度?")


def _sequential_label(text: str, f: _Figure, label: str) -> str:
    if f.measure != "growth_pct" or not label or "环比" in label:
        return label
    window = text[max(0, f.q.start - 8) : f.q.start]
    cut = max(window.rfind("，"), window.rfind("；"), window.rfind("同比"))
    return label + "环比" if _SEQUENTIAL.search(window[cut + 1 :]) else label


def _zone_label(text: str, f: _Figure) -> str:
    zones = [m for m in _ZONE.finditer(text, 0, f.q.start)]
    if not zones or not f.label or _ZONE.search(f.label):
        return f.label
    return zones[-1].group(0) + f.label


def _subject(sentence: str) -> str | None:
    """A region that opens a sentence (墨脱县持续做大茶产业，…) is its subject; a county the
    gazetteer lacks is known by its form (仁怀市全年…) when a figure's subject follows."""
    found = [m for m in catalog.find_regions(sentence[:12]) if not _is_source(sentence, m)]
    if found and found[0][0] <= 1:
        return found[-1][2] if found[-1][0] == found[0][1] else found[0][2]  # 林芝市巴宜区
    m = _APPOSITION.match(sentence)
    if m:
        # 作为全市工业第一大县的仁怀市，全年…: the region after 作为…的 is the subject
        return catalog.normalize_region(m[1]) or m[1]
    m = _PLACE_FORM.match(sentence)
    return m[1] if m and m[1] not in _NOT_PLACES else None


_APPOSITION = re.compile(r"^作为[^，。]{1,30}的([\u4e00-\u9fff]{2,6}?(?:县|市|区|旗|州))，")


# 仁怀市 / 长丰县 / 桑珠孜区 at the head of a sentence, before what it states.
_PLACE_FORM = re.compile(
    r"^((?:(?![全各本该我年月末底其分])[\u4e00-\u9fff]){2,3}(?:县|市|区|旗))(?=全年|全县|全市|全区|实现|完成|地区|规模|固定|"
    r"社会|城镇|农村|接待|旅游|一般|居民|常住|粮食|年末|上半年|前三季度|\d)"
)
_NOT_PLACES = frozenset(
    "开发区 示范区 保护区 自治区 功能区 核心区 试验区 产业区 工业区 商业区 住宅区 风景区 "
    "旅游区 经开区 高新区 新城区 主城区 老城区 中心区 全市 城市 都市 各县 各区 各市".split()
)


# 全区 and 全市 are left out: in a prefecture's text 全市 is the prefecture, and in Tibet
# 全区 is the autonomous region, whatever county the paragraph opened with.
_ANAPHORA = {"县": ("全县", "该县", "本县"), "区": ("该区", "本区"), "市": ("该市", "本市")}


def _default_region(sentence: str, subject: str | None, doc_region: str) -> str:
    """The sentence's own subject, or the paragraph's when the sentence says 全县/该县."""
    own = _subject(sentence)
    if own:
        return own
    if subject and any(a in sentence for a in _ANAPHORA.get(subject[-1], ())):
        return subject
    return doc_region


def _sentence_rows(
    sentence: Sentence,
    doc_region: str,
    prelim: bool,
    subject: str | None = None,
    memory: list | None = None,
    doc_year: int | None = None,
) -> list[dict]:
    doc_region = _default_region(sentence.text, subject, doc_region)
    text, quantities = find_quantities(sentence.text)
    quantities = quantities or []
    ratios = find_ratios(text)
    if not quantities and not ratios:
        return []
    memory = [] if memory is None else memory
    figures = _resolve(text, quantities, doc_region, memory)
    memory.extend(figures)
    periods = find_periods(text)
    rows = []
    for f in figures:
        f.label = _sequential_label(text, f, _zone_label(text, f))
        f.label = _base_label(text, f, sentence.year, _span_label(text, f))
        f.label = _holiday_label(text, f, _earlier_parts(sentence))
        period, period_type = _period(sentence, periods, f.q.start, text)
        status = _status(sentence, text, f.q.start, prelim, f.q.end)
        if (
            status == "estimate"
            and sentence.year
            and period[:4].isdigit()
            and int(period[:4]) < sentence.year
        ):
            status = "actual"  # …由上年的2.40缩小到2.33 in a 预计 sentence: last year is known
        if status == "actual" and doc_year and period[:4].isdigit() and int(period[:4]) > doc_year:
            status = "target"  # 2025年…新建高标准农田2.5万亩 in a 2024 release is a plan
        rows.append(_row(f, period, period_type, status, sentence.full or sentence.text))
    for ratio in ratios:
        period, period_type = _period(sentence, periods, ratio.start, text)
        status = _status(sentence, text, ratio.start, prelim)
        rows.extend(
            _ratio_rows(
                ratio, period, period_type, status, doc_region, sentence.full or sentence.text
            )
        )
    return rows


def _ratio_rows(ratio, period, period_type, status, region, evidence) -> list[dict]:
    rows = []
    for label, raw in zip(ratio.labels, ratio.parts, strict=True):
        f = _Figure(
            Quantity(ratio.start, ratio.end, float(raw), None, raw, "%", "%", False),
            label,
            region,
            "level",
            1.0,
            "eq",
        )
        rows.append(_row(f, period, period_type, status, evidence))
    return rows


def _row(f: _Figure, period: str, period_type: str, status: str, evidence: str) -> dict:
    value, high, unit, measure = f.q.value * f.sign, f.q.value_high, f.q.unit, f.measure
    if unit == "倍" and measure == "growth_pct":
        value, unit = value * 100, "%"
        high = high * 100 if high is not None else None
    label = _strip_region(f.label)
    if measure == "level" and unit == "%" and "价格指数" in label and 50 < value < 200:
        # 居民消费价格指数（上年同期=100）100.6: an index on a base of 100 is a growth of 0.6
        measure, value = "growth_pct", round(value - 100, 6)
        label = re.sub(r"[（(]?上年(?:同期)?=100[）)]?", "", label)
    code = _code(label, None if measure != "level" else unit)
    period, period_type = _stock_period(f.label, code, period, period_type)
    return {
        "indicator_code": code or UNMAPPED,
        "indicator_label": label,
        "region": f.region,
        "period": period,
        "period_type": period_type,
        "measure": measure,
        "value": value,
        "value_high": high if high is None else high * (1 if f.sign > 0 else -1),
        "unit": unit,
        "raw_value": f.q.raw_value,
        "raw_unit": f.q.raw_unit,
        "status": status,
        "qualifier": f.qualifier,
        "evidence": evidence,
    }


_PAREN = re.compile(r"[（(]([^）)]*)[）)]")
_WHOLE_AREA = re.compile(r"^(?:全区|全市|全县|全省|全州|全盟)")


def _strip_region(label: str) -> str:
    """西藏全区农村居民人均可支配收入 -> 农村居民人均可支配收入: the region is its own column
    (林芝市巴宜区全年实现… loses the whole path and what opened the clause)."""
    rest = label
    while rest:
        found = catalog.find_regions(rest[:8])
        if not found or found[0][0] != 0 or len(rest) - found[0][1] < 2:
            break
        rest = _WHOLE_AREA.sub("", rest[found[0][1] :])
    return (clean_label(rest) or label) if rest != label else label


def _code(label: str, unit: str | None = None) -> str | None:
    """城镇化率 may be stated in parentheses: 城镇人口占常住人口比重（常住人口城镇化率）.

    The unit of a level picks the member of a family (商品房销售 套 vs 元) and refuses a
    match it cannot be (粮食 in 亩 is no grain output).
    """
    if not label:
        return None
    for candidate in (label, *_PAREN.findall(label), _PAREN.sub("", label)):
        code = catalog.match_indicator(candidate, unit=unit) if candidate else None
        if code:
            return code
    return None


@functools.cache
def _kinds() -> dict[str, str]:
    frame = catalog.load_catalog()
    return dict(zip(frame["code"], frame["kind"], strict=True))


_YTD = re.compile(r"^(?P<year>\d{4})M01-M(?P<month>\d{2})$")
_STOCK_LABEL = ("余额", "年末", "月末", "期末", "末")


def _stock_period(label: str, code: str | None, period: str, period_type: str) -> tuple[str, str]:
    """A balance stated "1-6月" is the June-end stock: a stock has no cumulative period."""
    full_year = re.match(r"^(\d{4})M01-M12$", period)
    if full_year:
        return full_year[1], "year"  # 1-12月 is the year
    stock = _kinds().get(code) == "stock" if code else False
    stock = stock or label.endswith(_STOCK_LABEL[0]) or label.startswith(_STOCK_LABEL[1:4])
    if not stock:
        return period, period_type
    m = _YTD.match(period)
    if m:
        return f"{m['year']}M{m['month']}", "month"
    q = re.match(r"^(\d{4})(Q[1-4]|H[12])$", period)
    if q:  # 一季度末 / a Q1 release's balance: the stock at the end of March
        return f"{q[1]}M{_PERIOD_END[q[2]]:02d}", "month"
    return period, period_type


_PERIOD_END = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}


def _clause_start(text: str, pos: int) -> int:
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def _resolve(
    text: str, quantities: list[Quantity], doc_region: str, memory: list[_Figure]
) -> list[_Figure]:
    """Label, region, measure and qualifier of each quantity, 分别 groups as one.

    `memory` holds the figures said before in the paragraph: a part such as
    "工布江达县23.5亿元，增长10.2%" names only its region and borrows the indicator.
    """
    figures: list[_Figure] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        lo = max(_clause_start(text, q.start), quantities[i - 1].end if i else 0)
        window = text[lo : q.start]
        if "分别" in window:
            group = _group(text, quantities, i)
            figures.extend(_group_figures(text, group, window, lo, memory + figures, doc_region))
            i += len(group)
            continue
        single = _single(text, q, window, lo, figures, doc_region, memory)
        figures.extend(_split_shared(single))
        i += 1
    return figures


def _group(text: str, quantities: list[Quantity], i: int) -> list[Quantity]:
    group = [quantities[i]]
    for q in quantities[i + 1 :]:
        between = text[group[-1].end : q.start]
        if not _GROUP_JOIN.match(between) or _kind(q) != _kind(group[0]):
            break
        group.append(q)
    return group


def _kind(q: Quantity) -> str:
    return "rate" if q.unit in ("%", "‰", "百分点", "倍") else "level"


def _group_figures(text, group, window, lo, previous, doc_region) -> list[_Figure]:
    """A 分别 list: labels from the list before it, or regions before it and one label
    after it (墨脱县、察隅县分别完成固定资产投资…), or the figures it refers back to."""
    before = strip_period(window[: window.find("分别")])
    predicate = window[window.find("分别") :]
    n = len(group)
    base = clean_label(_GROWTH_TAIL.sub("", clean_label(before)))
    regions: list[str | None] = [None] * n
    region_list = _region_list(before, n)
    counted = None if region_list else _regions_then_label(before, n)
    labels = expand_list(base, n) if base and not (region_list or counted) else None
    if region_list:
        own = clean_label(_GROWTH_TAIL.sub("", clean_label(predicate)))
        # 朗县、察隅县分别下降3.1%和2.4%: the regions' indicator is the one just stated
        labels = [own or _borrow_label(previous, _measure(group[0], window)[0]) or ""] * n
        regions = region_list
    elif counted:
        regions = counted[0]
        labels = [clean_label(_GROWTH_TAIL.sub("", clean_label(counted[1])))] * n
    elif labels is None:
        prior = _prior_figures(previous, n)
        if prior:
            labels = [f.label for f in prior]
            regions = [f.region for f in prior]
        else:
            labels = [base or ""] * n
    measure, sign = _measure(group[0], window)  # 增长分别不低于6.5%和9%
    shared_q = _qualifier(text, group[0], window) or _qualifier_after(text, group[-1])
    out = []
    for q, label, region in zip(group, labels, regions, strict=False):
        region = region or _region(text, q.start, previous, doc_region)
        qual = _qualifier(text, q, text[lo : q.start]) or shared_q or "eq"
        if q.more_than:
            qual = "gt"
        out.append(_Figure(q, label, region, measure, sign, qual))
    return out


def _region_list(before: str, n: int) -> list[str] | None:
    """墨脱县、察隅县分别…: n regions and nothing else before 分别."""
    lead = _REGION_LEAD.match(before)
    rest = before[lead.end() :] if lead else before
    items = [i for i in re.split(r"、|和|及|与", rest.strip("，, ")) if i]
    if len(items) != n:
        return None
    names = [catalog.normalize_region(i) for i in items]
    return names if all(names) else None


# 昆明、曲靖、玉溪三市规模以上工业增加值分别…: regions, a count of them, then the label.
_REGION_COUNT = re.compile(
    r"^(?P<regions>.+?)(?:[两二三四五六七八九十]+个?(?:市|县|区|州|地))(?P<label>.+)$"
)


def _regions_then_label(before: str, n: int) -> tuple[list[str], str] | None:
    """昆明、曲靖、玉溪三市规模以上工业增加值 / 桑珠孜区、拉孜县农村居民人均可支配收入."""
    text = before.strip("，, ")
    m = _REGION_COUNT.match(text)
    if m:
        names = _region_list(m["regions"], n)
        return (names, m["label"]) if names else None
    items = [i for i in re.split(r"、|和|及|与", text) if i]
    if len(items) != n:
        return None
    head = catalog.find_regions(items[-1])
    if not head or head[0][0] != 0:
        return None
    last_region, label = head[0][2], items[-1][head[0][1] :]
    names = [catalog.normalize_region(i) for i in items[:-1]]
    return ([*names, last_region], label) if all(names) and label else None


def _prior_figures(previous: list[_Figure], n: int) -> list[_Figure] | None:
    """分别 with no label of its own refers back to the last n levels of the sentence."""
    levels = [f for f in previous if f.measure == "level" and not f.inherited]
    return levels[-n:] if len(levels) >= n else None


def _single(text, q, window, lo, previous, doc_region, memory=()) -> _Figure:
    measure, sign = _measure(q, window)
    label = clean_label(window)
    change = _absolute_change(q, window)
    if change is not None:
        # 比上年减少0.3万公顷: a change of a stock, its own series (…增量), signed
        base = clean_label(_CHANGE_TAIL.sub("", window)) or (
            (previous or list(memory))[-1].label if (previous or memory) else ""
        )
        qual = _qualifier(text, q, window) or _qualifier_after(text, q) or "eq"
        region = _region(text, q.start, previous, doc_region)
        return _Figure(q, base + "增量", region, "level", change, qual)
    quoted_rate = _QUOTED_RATE.match(text[q.end :]) and _OTHER_AREA.search(window)
    if quoted_rate and q.unit == "%":
        # 比全国国内生产总值5.0%的增速高1.9个百分点: the other area's growth, quoted
        area = _OTHER_AREA.search(window)[1]
        qual = _qualifier(text, q, window) or "eq"
        quoted = _Figure(q, label, _area_region(area, doc_region), "growth_pct", 1.0, qual)
        quoted.extra["quoted"] = True
        return quoted
    if measure != "level":
        label = clean_label(_GROWTH_TAIL.sub("", label)) if label else label
    region_only = catalog.normalize_region(label) if label else None
    borrowed = _borrow_label([*memory, *previous], measure) if region_only else None
    if borrowed:
        # 工布江达县23.5亿元 / 安多县增长15.3%: a region standing where the indicator should
        # be borrows the indicator of the parallel part before it.
        qual = _qualifier(text, q, window) or _qualifier_after(text, q) or "eq"
        return _Figure(q, borrowed, region_only, measure, sign, qual)
    label, after_used = _count_label(text, q, window, label, previous)
    label, inherited = _fill_label(text, q, lo, label, measure, previous, list(memory))
    if (
        inherited
        and measure == "level"
        and q.unit == "%"
        and any(f.label == label and f.measure == "growth_pct" for f in previous)
    ):
        measure = "growth_pct"  # …增长7.2%，高于年初确定的7%的预期目标: the growth's target
    # 巴宜区接待游客462.7万人次，实现旅游收入38.9亿元: a subject holds for the comma
    # clauses of its part that name none of their own
    region = _region(text, q.start, previous, doc_region)
    qual = _qualifier(text, q, window) or _qualifier_after(text, q) or "eq"
    if q.more_than:
        qual = "gt"
    elif q.value_high is not None and qual == "eq":
        qual = "ge"  # 3-5家: at least the low end; value_high keeps the upper one
    figure = _Figure(q, label, region, measure, sign, qual, inherited)
    if after_used:
        figure.extra["after"] = label
    return figure


# Labels that name no indicator on their own: 完成投资4.8亿元 is the investment of the
# projects counted just before it, 总量达135个 the total of what the sentence is about.
GENERIC_LABELS = frozenset(
    "投资 总量 总额 总数 收入 产值 规模 资金 金额 数量 面积 人数 户数 个数 增加值 支出 金额".split()
)
_VERB_TAIL = re.compile(
    r"(?:加快推进|有序推进|扎实推进|顺利推进|稳步推进|全面推进|深入推进|开工建设|建成投用|"
    r"加快建设|进展顺利|全面完成|圆满完成|落地|实施)$"
)


def _unitless_subject(text: str, lo: int) -> str:
    """The indicator of the clause before, when it stated a number without a unit."""
    start = _clause_start(text, lo)
    before = text[: max(start - 1, 0)]
    clause = before[_clause_start(before, len(before)) :]
    number = re.search(r"\d", clause)
    return clean_label(clause[: number.start()]) if number else ""


def _qualify_generic(label: str, text: str, lo: int, previous: list) -> str:
    """Give a generic label the noun it belongs to: the figure before it, else the subject
    of the clause before it (…等重点项目加快推进，共完成投资130亿元)."""
    if previous and previous[-1].label:
        prior = previous[-1].label
        return prior if prior.endswith(label) else prior + label
    start = _clause_start(text, lo)
    before = text[: max(start - 1, 0)]
    clause = before[_clause_start(before, len(before)) :]
    subject = _VERB_TAIL.sub("", clause.rsplit("等", 1)[-1]).strip('“”"')
    return subject + label if 2 <= len(subject) <= 16 else label


# The noun a unit makes of a label that counts the same thing twice (户数 and 人数).
_CHANGE = re.compile(
    r"(?:比|较)(?:上年|去年|年初|上年末|上月|上月末|同期|上年同期)?[末底]?(?:净)?(?P<verb>增加|减少|增长|下降|多|少)$"
)
_CHANGE_TAIL = re.compile(
    r"(?:比|较)(?:上年|去年|年初|上年末|上月|上月末|同期|上年同期)?[末底]?(?:净)?(?:增加|减少|增长|下降|多|少)$"
)


def _absolute_change(q: Quantity, window: str) -> float | None:
    """The sign of a change stated in the indicator's own unit, or None when it is none."""
    if q.unit in ("%", "‰", "百分点", "倍"):
        return None
    m = _CHANGE.search(window.strip())
    if not m:
        return None
    return -1.0 if m["verb"] in ("减少", "下降", "少") else 1.0


_QUOTED_RATE = re.compile(r"^的(?:增速|增幅|增长率|涨幅)")
_OTHER_AREA = re.compile(r"(?:比|较|高于|低于|快于|慢于)(全国|全省|全区)")


def _area_region(area: str, doc_region: str) -> str:
    """全国 is the country; 全省/全区 the province or autonomous region above the document's."""
    if area == "全国":
        return "全国"
    return catalog.parent_region(doc_region) or doc_region


def _count_label(text, q, window, label, previous) -> tuple[str, bool]:
    """Counts name what they count after the number: 制定了218项工作措施、97项改革措施."""
    after = label_after(text, q.end)
    if q.unit not in COUNT_UNITS and q.unit not in ("人", "户", "个", "县"):
        # 迎来了452.6万人次游客, 完成了62.4亿元的固定资产投资: object after the amount
        if (
            after
            and (not label or _ends_with_verb(window))
            and q.unit not in ("%", "‰", "百分点", "倍")
        ):
            return after, True
        return label, False
    joined = window.strip("、，,和及与 ")
    took_prior = bool(previous) and previous[-1].extra.get("after") in (label, joined)
    if after and (not label or _ends_with_verb(window) or took_prior):
        return after, True
    return label, False


def _fill_label(text, q, lo, label, measure, own, memory=()) -> tuple[str, bool]:
    """An empty, generic or repeated label gets what the sentence says it belongs to.

    `own` are the figures of this part; `memory` those said before it in the paragraph,
    which an empty label may borrow from but a generic one (投资, 总量) may not: 完成投资
    200亿元 is not the 政府投资 of the sentence before.
    """
    inherited = False
    previous = own or list(memory)
    clause_start = _clause_start(text, lo)
    if not label and (not own or own[-1].q.end < _clause_start(text, max(clause_start - 1, 0))):
        # …突破100亿元大关，达到103.2亿元 / 指数为102.1，上涨2.1%: the clause before, which
        # stated a number that is no figure, named it
        label = _unitless_subject(text, lo)
    if not label and previous:
        # a growth after a pp change (增速较一季度提高3.1个百分点；上半年累计增长13.6%)
        # belongs to the indicator, not to its change
        rated = [
            f for f in previous if f.measure != "pp_change" and not f.label.endswith("增量")
        ] or previous
        prior = rated[-1]
        label, inherited = prior.label, True
        if measure == "level" and prior.measure == "level" and q.unit not in (prior.q.unit, "%"):
            label += _UNIT_NOUN.get(q.unit, q.unit)  # 消除返贫风险218户822人: 户数, 人数
            inherited = False
    elif not label:
        label = _unitless_subject(text, lo)  # 价格指数为102.1，比上年上涨2.1%
    elif label in GENERIC_LABELS:
        label = _qualify_generic(label, text, lo, own)
    elif label in ("城市", "农村", "城镇", "乡村") and previous:
        # 其中城市上涨0.2%，农村上涨0.7%: the breakdown of the CPI stated before
        label += re.sub(r"^(?:城市|农村|城镇|乡村)", "", previous[-1].label)
    elif label.startswith("占") and previous:
        label = previous[-1].label + label  # …增加值增长11.6%，占全县…的比重
    if (
        measure == "pp_change"
        and previous
        and label in ("", "降幅", "增幅", "增速", "涨幅", "跌幅")
    ):
        label = previous[-1].label + "增速"  # …下降8.3%，降幅比1-9月收窄0.4个百分点
    elif measure == "pp_change" and inherited and previous[-1].measure == "growth_pct":
        label += "增速"  # 增长6.5%，高于全国1.5个百分点: a change of the growth rate
    if measure == "pp_change":
        base = _PP_BASE.search(text[_clause_start(text, q.start) : q.start])
        if base and base[0] not in label:
            label += base[0]  # 高于全国 / 比上半年: one series per comparator
    if (
        not inherited
        and measure == "level"
        and any(f.label == label and f.q.unit == q.unit and f.measure == "level" for f in previous)
    ):
        label += label_after(text, q.end) or "(其中)"  # 38项创建指标有18项位居全区前列
    return label, inherited


_PP_BASE = re.compile(
    r"(?:比|较|高于|低于|快于|慢于)(?:全国|全省|全区|全市|上半年|一季度|二季度|三季度|前三季度|"
    r"\d{1,2}-\d{1,2}月|\d{4}年)"
)  # not 上年/上月/上年同期: a rate's change on its own previous period keeps its series
_UNIT_NOUN = {"户": "户数", "人": "人数", "人次": "人次", "个": "个数", "元": "金额", "家": "家数"}


def _borrow_label(memory, measure: str) -> str | None:
    for f in reversed(list(memory)):
        if f.measure == measure and f.label and not catalog.normalize_region(f.label):
            return f.label
    return None


_COORDINATED = re.compile(r"和|及|与|、")


def _split_shared(f: _Figure) -> list[_Figure]:
    """招商引资到位资金和税收增幅达到30%: one growth stated for two coordinated indicators."""
    if f.measure != "growth_pct" or f.inherited or not _COORDINATED.search(f.label):
        return [f]
    items = [i for i in _COORDINATED.split(f.label) if i]
    if not 2 <= len(items) <= 3 or any(not 2 <= len(i) <= 12 for i in items):
        return [f]
    if not all(catalog.match_indicator(i) or has_head(i) for i in items):
        return [f]  # 电力、热力生产和供应业增加值 is one industry, not three indicators
    return [_Figure(f.q, i, f.region, f.measure, f.sign, f.qualifier) for i in items]


_VERB_END = re.compile(
    r"(?:了|迎来|接待|吸引|完成|实施|建成|新建|建设|开展|打造|培育|引进|制定了?|出台|有|新增|达到|达|创建|解决|办理|组织|发放|调研|消除|改造)$"
)


def _ends_with_verb(window: str) -> bool:
    return bool(_VERB_END.search(window.strip()))


def _measure(q: Quantity, predicate: str) -> tuple[str, float]:
    """Measure and sign from the unit and the words in front (下降0.1% -> growth -0.1)."""
    if q.unit == "倍" and not q.raw_unit:
        return "multiple", 1.0  # a bare ratio (城乡居民收入比2.33)
    words = _NOT_GROWTH.sub("", _after_nominal_head(predicate[-12:]))
    if _TO_LEVEL.search(predicate):
        return "level", 1.0  # 城镇化率提高到62.3%: the new level, not a growth
    if q.unit == "百分点" and re.search(r"降幅|跌幅|降速", words):
        # 降幅收窄0.4个百分点: the rate rose; 降幅扩大: it fell
        return "pp_change", (1.0 if re.search(r"收窄|缩小|减少|回落", words) else -1.0)
    down = any(w in words for w in GROWTH_DOWN)
    up = any(w in words for w in GROWTH_UP) or any(w in words for w in COMPARISON)
    sign = -1.0 if down and not _last_is_up(words) else 1.0
    if q.unit == "百分点":
        return "pp_change", sign
    if q.unit == "倍" and not q.raw_unit:
        return "multiple", 1.0  # a bare ratio (城乡居民收入比2.33)
    if q.unit == "倍":
        return (
            ("growth_pct", sign) if (up or down) and "是" not in words[-6:] else ("multiple", 1.0)
        )
    if q.unit == "%" and (up or down):
        return "growth_pct", sign
    return "level", 1.0


# 提高到/提升至/增至/降至: the quantity after it is the level reached.
_TO_LEVEL = re.compile(
    r"(?:提高|提升|增加|增长|上升|下降|降低|减少|回落|缩小|扩大|降|增)(?:到|至)\s*$|(?:增至|降至|升至)\s*$"
)
# 对经济增长的贡献率为58.6%: growth words inside the indicator's name do not make a growth.
_NOMINAL_HEAD = re.compile(r"(?<!增长)(?<!增)率|比重|占比|贡献")


def _after_nominal_head(words: str) -> str:
    heads = list(_NOMINAL_HEAD.finditer(words))
    return words[heads[-1].end() :] if heads else words


# 增加值 is value added, 增长点 a source of growth: neither makes a figure a growth rate.
_NOT_GROWTH = re.compile(r"增加值|增长点|增长极")


def _last_is_up(words: str) -> bool:
    """增长…下降: the word nearest the number decides."""
    last_up = max((words.rfind(w) for w in GROWTH_UP), default=-1)
    last_down = max((words.rfind(w) for w in GROWTH_DOWN), default=-1)
    return last_up > last_down


def _qualifier(text: str, q: Quantity, window: str) -> str | None:
    if re.search(r"约占|约为|大约|大概", window):
        return "approx"
    tail = window.rstrip()[-4:]
    for word, qual in QUALIFIER_BEFORE:
        if tail.endswith(word):
            return qual
    return None


def _qualifier_after(text: str, q: Quantity) -> str | None:
    after = text[q.end : q.end + 2]
    for word, qual in QUALIFIER_AFTER:
        if after.startswith(word):
            return qual
    return None


# What may stand before a region that is the subject of its clause: time words, 其中.
_REGION_LEAD = re.compile(r"(?:其中|同时|此外|另外|全年|年末|年底|\d{4}年|[，,、\s])*")


# 经拉萨市统计局统一核算: a region in the source of a figure is not its subject.
_SOURCE_AFTER = re.compile(r"统计局|调查队|调查总队|发改委|财政局|发布|核算")


def _is_source(clause: str, mention: tuple[int, int, str]) -> bool:
    """A region named as a source (经拉萨市统计局…) or inside a place's name (米林机场)."""
    a, b, _ = mention
    before = clause[max(0, a - 2) : a]
    if _PLACE_NAME_AFTER.match(clause, b):
        return True
    return bool(_SOURCE_AFTER.match(clause, b)) or before.endswith(("经", "据", "根据"))


_PLACE_NAME_AFTER = re.compile(
    r"机场|火车站|高铁站|景区|口岸|大桥|隧道|水电站|电站|大峡谷|国家公园"
)


_WHOLE_PARENT = re.compile(r"^(?:同期，?)?(?:全区|全自治区|全省)(?!前列|第|平均|各)")
_WHOLE_SELF = re.compile(r"^(?:全市|全县|全州|全地区)")
_NATIONAL = re.compile(r"^(?:而|但|同期|其中)?全国(?!范围|各地|平均水平)")


def _region(text, pos, previous, doc_region) -> str:
    """A region named as the subject of the clause owns the figure; else the default."""
    start = _clause_start(text, pos)
    clause = text[start:pos]
    lead = _REGION_LEAD.match(clause)
    head = clause[lead.end() if lead else 0 :]
    if _NATIONAL.match(head):
        return "全国"  # 全国农村居民人均可支配收入…: the country's figure, quoted for comparison
    if _WHOLE_PARENT.match(head) and not doc_region.endswith(("区", "省")):
        # 全区地区生产总值增长5.9% in a 林芝市 text: the autonomous region's figure
        return catalog.parent_region(doc_region) or doc_region
    if _WHOLE_SELF.match(head):
        return doc_region
    mentions = [m for m in catalog.find_regions(clause) if not _is_source(clause, m)]
    for i in range(len(mentions) - 1, -1, -1):
        a, b, name = mentions[i]
        # 林芝市巴宜区…: a path of names; the most specific one owns the figure
        head = clause[:a]
        for pa, pb, _ in mentions[:i]:
            head = head[:pa] + " " * (pb - pa) + head[pb:]
        own = text[start + b : start + b + 1].isdigit()
        if own or _REGION_LEAD.fullmatch(head.replace(" ", "")):
            return name
    own = [f for f in previous if not f.extra.get("quoted")]
    if own:
        return own[-1].region  # a comparison quoted in passing (比全国…的增速) is no subject
    return doc_region


_LAST_YEAR = re.compile(
    r"(?<![比较是])(?:由|从)?(?:上年|去年)(?:同期|末)?(?:的|为|是)(?:增长|下降|提高|回落)?$"
)


_LAST_YEAR_CLAUSE = re.compile(r"^(?:而|但)?(?:去年|上年)(?:同期|全年)?(?!以来)")


def _period(sentence: Sentence, periods, pos: int, text: str = "") -> tuple[str, str]:
    year, suffix, ptype = sentence.year, sentence.suffix, sentence.period_type
    if year and text and _LAST_YEAR.search(text[max(0, pos - 10) : pos]):
        return period_key(year - 1, suffix), ptype  # 由上年的14.8∶31.2∶54.0调整为…
    clause = text[_clause_start(text, pos) : pos] if text else ""
    if year and (_LAST_YEAR_CLAUSE.match(clause) or _LAST_YEAR_CLAUSE.match(sentence.full or "")):
        return period_key(year - 1, suffix), ptype  # 去年同期全市地区生产总值为172.1亿元
    for p in periods:
        if p.start >= pos:
            break
        if text and text[p.end : p.end + 1] == "的" and re.search(r"\d", text[p.end + 1 : pos - 1]):
            continue  # 由2020年的32.1%提高到36.5%: 2020 owns 32.1% only
        if p.year:
            year, suffix, ptype = p.year, p.suffix, p.period_type
        else:
            suffix, ptype = p.suffix, p.period_type
    if year is None:
        return "", ptype
    return period_key(year, suffix), ptype


# 主要预期目标是：…；…: a target word followed by 是/为/： governs the whole sentence.
_GOVERNING_TARGET = re.compile(r"(?:目标|预期目标|主要目标|任务)(?:是|为)?[：:]|目标是|目标为")


def _earlier_parts(sentence: Sentence) -> str:
    """The text of the sentence (to 。) before this ；-part."""
    if not sentence.full or sentence.full == sentence.text:
        return ""
    at = sentence.full.find(sentence.text)
    return sentence.full[:at] if at > 0 else ""


# "…完成年初确定的增长10%左右的预期目标": a target quoted inside a review.
_QUOTED_TARGET = re.compile(r"^(?:[^，,；;。]*?的)?(?:预期|年度|全年)?目标")


def _status(sentence: Sentence, text: str, pos: int, prelim: bool = False, end: int = 0) -> str:
    """预计 governs the rest of its sentence (across ；), 目标是：/预期目标为 the list after
    it; 力争/确保 only their own clause; a target quoted after the figure (…的目标) its figure."""
    if sentence.mode == "plan":
        return "target"
    if end and _QUOTED_TARGET.match(text[end:]):
        return "target"
    earlier = _earlier_parts(sentence)
    before = earlier + text[:pos]
    part = text[:pos].replace("向上争取", "")
    if _GOVERNING_TARGET.search(before) or any(w in part for w in TARGET_WORDS):
        return "target"
    if any(w in before for w in ESTIMATE_WORDS):
        return "estimate"
    if prelim or any(w in text for w in PRELIMINARY_WORDS):
        return "preliminary"  # 初步核算 covers the rest of its paragraph (其中…)
    return "actual"
