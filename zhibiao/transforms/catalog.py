"""Indicator and region knowledge lives in CSV so that a new synonym is a data edit, not code."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).parent / "data"

# ---- Normalisation shared by aliases and labels --------------------------------------------
# Bracketed asides ((GDP), (不含农户), (按可比价格计算)) never decide which indicator a label
# names; an unclosed one is a label cut off by the extractor.
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|\([^)]*$")
_DROP = re.compile(r"[\s“”‘’\"'《》〈〉「」『』]")
# One spelling for abbreviations that prose and tables use interchangeably.
_CANON = (("规模以上", "规上"), ("限额以上", "限上"))
_EDGE_PUNCT = "，,。.;；:：、"

# ---- Words a label may carry around its indicator name without changing the indicator ------
# Scope of the whole document's region, status words, verbs and predicate words: the extractor
# keeps some of them, and none of them selects a different series. Words that do select one
# (人均, 城镇, 农村, 占比, 比重, 环比, 中位数, 新增 on a stock …) are deliberately absent.
_NOISE_WORDS = (
    # the region as a whole
    "全市 全区 全省 全州 全县 全国 全地区 全盟 我市 我区 我省 我州 我县 本市 本区 本县 本省 "
    "全社会 地方 金融机构 银行业金融机构 本外币 各项 各类 该市 该县 该区 "
    # time
    "全年 年末 年底 年内 年初 当年 本年 今年 上年 同期 上年同期 期末 月末 季末 截至 截止 "
    "截至目前 年度 "
    # status (the caller records it separately)
    "预计 初步核算 初步统计 力争 确保 争取 预期 目标 "
    # verbs, quantifiers and qualifiers
    "实现 完成 达到 达 突破 超过 保持 稳定在 控制在 为 是 有 共有 拥有 现有 累计 共 共计 合计 "
    "总计 约 接近 近 超 接待 其中 分别 的 不低于 不少于 不超过 以上 以内 左右 "
    # predicate nouns after the name (the measure is the caller's business)
    "总量 总额 总规模 规模 总数 数量 数 完成额 完成值 实现值 金额 增速 增幅 涨幅 降幅 增长率 "
    "增长 上涨 下降 同比 同比增长 比上年 较上年 比上年增长 水平 情况"
).split()
# 新增/新建 X is the period's addition to X: the same series when X is already a flow, a
# different one (not the stock) when X is a stock or a rate.
_FLOW_ONLY_WORDS = "新增 新建 建成 当年新增 全年新增".split()
_PERIOD_WORDS = (
    r"\d{4}年度?",
    r"\d{1,2}(?:[-—–~至]\d{1,2})?月(?:份|末|底)?",
    r"前?[一二三四1-4]季度",
    r"第[一二三四1-4]季度",
    r"[上下]半年",
    r"[、,:;]",
)

# ---- Units: a level's unit must fit the indicator it is matched to --------------------------
_UNIT_DIMENSIONS = {
    **dict.fromkeys(("元", "美元", "人民币", "元人民币"), "money"),
    **dict.fromkeys(("人", "人次", "名", "位"), "people"),
    **dict.fromkeys(
        "个 家 户 所 座 项 件 套 张 辆 台 部 条 处 头 只 匹 口 床 间 栋 艘 场 架次 头只 场次".split(),
        "count",
    ),
    **dict.fromkeys(("吨", "千克", "公斤", "克", "斤"), "mass"),
    **dict.fromkeys(("亩", "公顷", "平方公里", "平方千米", "平方米", "平米"), "area"),
    **dict.fromkeys(("公里", "千米", "米"), "length"),
    **dict.fromkeys(("千瓦时", "度", "瓦时", "KWH"), "energy"),
    **dict.fromkeys(("千瓦", "瓦", "兆瓦", "KW", "MW"), "power"),
    **dict.fromkeys(("立方米", "方", "升"), "volume"),
    **dict.fromkeys(("人公里", "人千米"), "passenger_km"),
    **dict.fromkeys(("吨公里", "吨千米"), "tonne_km"),
    **dict.fromkeys(("%", "‰", "百分点", "个百分点", "倍"), "ratio"),
    **dict.fromkeys(("岁",), "age"),
    **dict.fromkeys(("年",), "years"),
    **dict.fromkeys(("天", "日"), "days"),
}
_MAGNITUDES = ("万亿", "亿", "万", "千", "百", "十")
# A label that names a family (商品房销售) and leaves the measure to the unit (1272套 / 9.5亿元
# / 12万平方米): the unit picks the member by the word the catalog spells it with.
_UNIT_SUFFIXES = {
    "count": ("套数", "数量", "个数", "家数", "户数", "数"),
    "people": ("人数", "人次"),
    "money": ("额", "金额", "总额"),
    "area": ("面积",),
    "mass": ("产量",),
    "energy": ("量",),
    "power": ("容量",),
}

# ---- Regions ----------------------------------------------------------------------------
# Common words that contain a region's name without naming it (推广西藏 is 推广 + 西藏).
_REGION_GUARDS = ("推广", "复合肥", "阿里巴巴", "阿里云", "吉隆坡", "普洱茶", "沿海")
# A short name followed by these is a town, road or street named after the county
# (林芝镇 lies in 巴宜区, 下察隅镇 in 察隅县), not the county itself.
_TOWN_AFTER = ("镇", "乡", "村", "路", "街", "大道")


# ---- Tables ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _catalog_table() -> pd.DataFrame:
    df = pd.read_csv(DATA / "indicators.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    return df.astype({"headline": "int64"})


@lru_cache(maxsize=1)
def _regions_table() -> pd.DataFrame:
    return pd.read_csv(DATA / "regions.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def load_catalog() -> pd.DataFrame:
    """A copy, so that a caller adding columns cannot change what the matcher reads."""
    return _catalog_table().copy()


def load_regions() -> pd.DataFrame:
    """A copy, for the same reason as load_catalog; level `alias` rows are former names."""
    return _regions_table().copy()


# ---- Indicators --------------------------------------------------------------------------
def _normalize(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _DROP.sub("", s)
    s = _BRACKETS.sub("", s)
    s = s.upper()
    for old, new in _CANON:
        s = s.replace(old, new)
    return s.strip(_EDGE_PUNCT)


def indicator_aliases() -> dict[str, str]:
    """The matcher's view of the CSV, so tests and reviewers see collisions as it does.

    Raises on an alias claimed by two codes: that is a data defect, never a tie to break.
    """
    return dict(_alias_index())


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name, aliases in _catalog_table()[["code", "name_zh", "aliases"]].itertuples(
        index=False
    ):
        for raw in [name, *aliases.split("|")]:
            alias = _normalize(raw)
            if not alias:
                continue
            if len(alias) < 2:
                raise ValueError(f"alias {raw!r} of {code} is too short to match safely")
            other = index.setdefault(alias, code)
            if other != code:
                raise ValueError(f"alias {raw!r} belongs to both {other} and {code}")
    return index


@lru_cache(maxsize=1)
def _aliases_longest_first() -> list[tuple[str, str]]:
    return sorted(_alias_index().items(), key=lambda kv: (-len(kv[0]), kv[0]))


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    table = _catalog_table()
    return dict(zip(table["code"], table["kind"], strict=True))


@lru_cache(maxsize=2)
def _noise(flow: bool) -> re.Pattern[str]:
    words = set(_NOISE_WORDS) | set(_region_forms())
    if flow:
        words |= set(_FLOW_ONLY_WORDS)
    literal = sorted(words, key=len, reverse=True)
    alternatives = [re.escape(w) for w in literal] + list(_PERIOD_WORDS)
    return re.compile("(?:" + "|".join(alternatives) + ")*")


def _is_noise(residue: str, code: str) -> bool:
    if not residue:
        return True
    return _noise(_kinds()[code] == "flow").fullmatch(residue) is not None


@lru_cache(maxsize=8192)
def _match(s: str) -> str | None:
    if not s:
        return None
    exact = _alias_index().get(s)
    if exact is not None:
        return exact
    # Longest alias first, so that 农村居民人均可支配收入 wins over 居民人均可支配收入 and
    # 工业用电量 over 用电量; what is left over must be noise, or the label names something the
    # catalog does not have (第二产业用电量 without its own alias is not 用电量).
    for alias, code in _aliases_longest_first():
        start = s.find(alias)
        while start >= 0:
            if _is_noise(s[:start], code) and _is_noise(s[start + len(alias) :], code):
                return code
            start = s.find(alias, start + 1)
    return None


def _dimension(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unicodedata.normalize("NFKC", unit).upper()
    u = re.sub(r"[\s()·]", "", u)
    while u:
        if u in _UNIT_DIMENSIONS:
            return _UNIT_DIMENSIONS[u]
        prefix = next((m for m in _MAGNITUDES if u.startswith(m) and len(u) > len(m)), None)
        if prefix is None:
            return None
        u = u[len(prefix) :]
    return None


@lru_cache(maxsize=1)
def _units() -> dict[str, str]:
    table = _catalog_table()
    return dict(zip(table["code"], table["unit"], strict=True))


def _unit_fits(code: str, dim: str | None) -> bool:
    if dim is None or dim == "ratio":
        return True  # unknown, or a growth/share that any indicator may carry
    expected = _dimension(_units()[code])
    if expected is None:
        return True
    return expected == dim


def match_indicator(label: str, unit: str | None = None) -> str | None:
    """The catalog code a label names, or None when that is not certain.

    An unmapped figure costs a row in a review queue; a wrong code silently corrupts a
    series. So a label matches only when, after normalisation, it is an alias plus words
    that cannot change which series it is. `unit` (the level's unit as printed or in base
    form) resolves family labels such as 商品房销售 and vetoes a match whose unit cannot
    belong to the indicator (粮食 in 亩 is an area, not grain output).
    """
    if not label:
        return None
    s = _normalize(label)
    code = _match(s)
    dim = _dimension(unit)
    if code is None and dim in _UNIT_SUFFIXES:
        for suffix in _UNIT_SUFFIXES[dim]:
            code = _match(s + suffix)
            if code is not None:
                break
    if code is not None and not _unit_fits(code, dim):
        return None
    return code


# ---- Regions -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _region_forms() -> dict[str, tuple[str, bool]]:
    """Surface form -> (current name, is a short form); former names point to the new one."""
    forms: dict[str, tuple[str, bool]] = {}

    def add(form: str, name: str, short: bool) -> None:
        other = forms.setdefault(form, (name, short))
        if other[0] != name:
            raise ValueError(f"region form {form!r} names both {other[0]} and {name}")

    for name, short, level, parent in _regions_table()[
        ["name", "short", "level", "parent"]
    ].itertuples(index=False):
        target = parent if level == "alias" else name
        add(name, target, False)
        if short:
            add(short, target, True)
    return forms


@lru_cache(maxsize=1)
def _longest_region_form() -> int:
    return max(len(f) for f in _region_forms())


def normalize_region(name: str) -> str | None:
    """One spelling per region, so that 林芝, 林芝市 and 林芝地区 are one series."""
    if not name:
        return None
    s = re.sub(r"\s", "", unicodedata.normalize("NFKC", name))
    found = _region_forms().get(s)
    return found[0] if found else None


def parent_region(name: str) -> str | None:
    """The region above: 林芝市 -> 西藏自治区, 墨脱县 -> 林芝市 (what 全区/全市 refer to)."""
    regions = load_regions()
    row = regions[regions["name"] == normalize_region(name or "")]
    if row.empty or not isinstance(row.iloc[0]["parent"], str):
        return None
    return row.iloc[0]["parent"] or None


def find_regions(text: str) -> list[tuple[int, int, str]]:
    """Region mentions left to right, so the extractor can give a figure to the county named.

    Greedy longest match from each position keeps 工布江达县 from being read as 江达;
    words in _REGION_GUARDS are stepped over whole.
    """
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(text):
        guard = next((g for g in _REGION_GUARDS if text.startswith(g, i)), None)
        if guard:
            i += len(guard)
            continue
        hit = _region_at(text, i)
        if hit:
            found.append(hit)
            i = hit[1]
        else:
            i += 1
    return found


def _region_at(text: str, i: int) -> tuple[int, int, str] | None:
    forms = _region_forms()
    for end in range(min(len(text), i + _longest_region_form()), i + 1, -1):
        form = text[i:end]
        hit = forms.get(form)
        if hit is None:
            continue
        name, short = hit
        if short and text.startswith(_TOWN_AFTER, end):
            continue
        if not short and form.endswith("市") and text.startswith("场", end):
            continue  # 林芝市场 is 林芝 + 市场: fall through to the short form
        return (i, end, name)
    return None
