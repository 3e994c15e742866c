"""What a valid figure looks like, as reviewable constants: units, bounds, parts and headlines.

A statistician should be able to check this file without reading the validator. Each table
says why its numbers are what they are; the suites (suites.py) and the cross-figure checks
(checks.py) only read it. Indicator codes are the catalog codes (transforms/data/indicators.csv,
the golden files), so every rule keyed by code works even before the catalog loads.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhibiao.schema import MEASURE_UNITS, PP_UNIT
from zhibiao.transforms import units

# Period strings of the contract: 2023, 2024Q1, 2024H1, 2024M06, cumulative 2024M01-M09, and a
# span of years 2021-2024 (totals and averages over it: 累计, 年均).
# Non-capturing groups: pandas warns on capture groups in str.contains (STACK-NOTES §2).
PERIOD_REGEX = r"^\d{4}(?:Q[1-4]|H[12]|M(?:0[1-9]|1[0-2])(?:-M(?:0[1-9]|1[0-2]))?|-\d{4})?$"

# The period_type each period shape implies; checks.implied_period_type applies them in order.
PERIOD_TYPE_PATTERNS = (
    ("year", r"^\d{4}$"),
    ("half", r"^\d{4}H[12]$"),
    ("quarter", r"^\d{4}Q[1-4]$"),
    ("ytd", r"^\d{4}M\d{2}-M\d{2}$"),
    ("month", r"^\d{4}M\d{2}$"),
    ("span", r"^\d{4}-\d{4}$"),
)

# Units a figure may carry once magnitudes are removed (230亿元 → 元): the units of
# transforms/data/units.csv, the one unit table of the project. A unit outside it is usually a
# magnitude the normaliser missed (万元, 亿千瓦时) or a word read as a unit; add a real unit to
# units.csv when one turns up rather than loosening the rule.
ALLOWED_UNITS = tuple(sorted(units.table()))

# Levels in these units count or measure something and cannot be negative. Money, ratios and
# temperatures can (a loss, a natural growth rate of -0.6‰, -5℃), so they are left out.
SIGNED_DIMENSIONS = ("money", "ratio", "temperature")
NON_NEGATIVE_UNITS = tuple(
    sorted(u for u, row in units.table().items() if row.dimension not in SIGNED_DIMENSIONS)
)
# Catalog flows that are net changes or results and go negative in bad years: a loss, a net
# repayment of loans, a fall in deposits. Every other stock or flow level is non-negative,
# except a change of a level stated in its unit (比上年减少0.13万亩: the …增量 series, named
# by the lexicon's change_suffix), which is signed by its verb.
SIGNED_CODES = (
    "above_scale_industrial_profit",
    "new_loans",
    "new_deposits",
    "social_financing_increment",
)

# The unit each measure must carry (schema.MEASURES); a level carries its own unit.
MEASURE_UNITS = MEASURE_UNITS
# Units that make no sense on a level: a change in points stated as a level (a ratio such as
# 城乡居民收入比2.33 is a level in 倍).
NOT_LEVEL_UNITS = (PP_UNIT,)

# Labels that name a rate or a share when the catalog cannot say (unmapped figures): stated
# as a level in %, they lie within [0, 100]. The exceptions can legitimately pass 100% or go
# below 0 (a debt ratio of 120%, a contribution rate of 105%, a negative profit margin).
RATE_LABEL_ENDINGS = ("率", "比重", "占比", "比例")
RATE_LABEL_EXCEPTIONS = (
    "增长率", "完成率", "贡献率", "债务率", "负债率", "利润率", "收益率", "回报率", "拉动率",
    "开工率", "复工率", "到位率", "执行率",  # against a plan: 开工率102.6% (林芝 2017)
)  # fmt: skip
# Catalog rates that are price indices (上年=100): stated as a level they sit around 100.
RATE_CATEGORIES_NOT_BOUNDED = ("prices",)
# A rate or share stated as a level in % lies within these bounds.
RATE_PCT_BOUNDS = (0.0, 100.0)

# Growth rates (measure growth_pct, in %) within a year or a part of one. Below -100% a
# quantity would turn negative; above 1000% (11 times the base) is almost always a misread 倍
# or a level read as a growth. Over a span of decades it is not (山南's savings deposits
# 1978-2017: 增长了4160倍), so spans have no upper bound. Read by validation (suites.py) and by
# detection (transforms/anomalies.py implausible_value) alike: a growth validation lets in is
# never an implausible-value alert.
GROWTH_PCT_BOUNDS = (-100.0, 1000.0)
# Real (price-deflated) growth of the economy as a whole: GDP and GDP per head. Annual
# regional real growth of the aggregate stays far inside this band; the one case we know
# outside it is a quarter (Hubei 2020Q1, -39.2%), and holding such a figure for a person to
# confirm is what quarantine is for. Its parts swing further and are real: an industry's
# value added on a small base moves with one project (玉树's secondary industry fell 68.3% in
# 2018, when the reconstruction after the earthquake ended), and telecom volume rose 138%
# nationally in 2018. So every other real-basis series only gets GROWTH_PCT_BOUNDS.
REAL_GROWTH_BOUNDS = (-30.0, 60.0)
REAL_GROWTH_CODES = ("gdp", "gdp_per_capita")
# Changes in percentage points of a rate or share in [0, 100].
PP_CHANGE_BOUNDS = (-100.0, 100.0)
# "是…的N倍": a positive multiple. Against a base four decades back real multiples pass 1000
# (山南's fixed-asset investment 2017 is 1908 times 1978's); above 100000 it is a level read
# as a multiple.
MULTIPLE_BOUNDS = (0.0, 100000.0)


@dataclass(frozen=True)
class Plausible:
    """Bounds of an annual level for one family of indicators at one level of region."""

    rule: str  # name of the rule as quarantine and Data Docs show it
    codes: tuple[str, ...]  # catalog codes the rule covers
    region_level: str  # nation, province, prefecture, county, or any
    low: float
    high: float
    unit: str  # the rule applies only to levels stated in this unit
    what: str  # the indicator family in words, for the reason sentence


GDP = ("gdp",)
INCOMES = (
    "disposable_income_per_capita",
    "urban_disposable_income_per_capita",
    "rural_disposable_income_per_capita",
)
POPULATION = ("resident_population",)

# Annual levels only: a quarter or a month of a flow is a fraction of the year that varies by
# season, and these bounds would need a per-period scale we have no evidence for.
# Orders of magnitude from the 2023 statistical bulletins: GDP of China ~126 tn 元; provinces
# from Tibet (~0.24 tn) to Guangdong (~13.6 tn); the largest prefecture-level city Shenzhen
# ~3.5 tn; per-capita GDP from ~25 k in the poorest prefectures to ~300 k in the richest;
# Shanghai urban income ~89 k the highest; Tibet 3.65 m residents, Ngari prefecture ~0.12 m.
# The bounds sit a factor 5-10 outside these extremes: they catch a lost or doubled magnitude
# (万 ↔ 亿 is a factor 10,000) and a misplaced decimal point, not a real outlier.
# The bounds hold for the 2010s and after; anniversary releases quote the levels of 1978 or
# 1990 (那曲's GDP of 1990: 2.95亿元; incomes of a few hundred yuan), which are real.
PLAUSIBLE_SINCE_YEAR = 2010
PLAUSIBLE_LEVELS = (
    Plausible("gdp_nation", GDP, "nation", 5e13, 5e14, "元", "the GDP of China"),
    Plausible("gdp_province", GDP, "province", 5e10, 2e13, "元", "the GDP of a province"),
    Plausible("gdp_prefecture", GDP, "prefecture", 1e9, 1e13, "元", "the GDP of a prefecture"),
    Plausible("gdp_county", GDP, "county", 1e8, 5e12, "元", "the GDP of a county or district"),
    Plausible("gdp_per_capita", ("gdp_per_capita",), "any", 5e3, 6e5, "元", "a per-capita GDP"),
    Plausible("income_per_capita", INCOMES, "any", 3e3, 1.5e5, "元", "a per-capita income"),
    Plausible("population_nation", POPULATION, "nation", 1e9, 2e9, "人", "China's population"),
    Plausible(
        "population_province", POPULATION, "province", 1e6, 2e8, "人", "a province's population"
    ),
    Plausible(
        "population_prefecture",
        POPULATION,
        "prefecture",
        3e4,
        3e7,
        "人",
        "a prefecture's population",
    ),
    Plausible("population_county", POPULATION, "county", 1e3, 5e6, "人", "a county's population"),
)


@dataclass(frozen=True)
class PartsOfWhole:
    """Levels of parts that must add up to the level of their whole, within rounding."""

    rule: str
    whole: str  # catalog code of the whole
    parts: tuple[str, ...]  # catalog codes of the parts


# Additive identities of official statistics: GDP by the three sectors (国民经济行业分类),
# resident population by urban and rural residence. Stated figures are rounded, so the check
# allows the sum of half a unit in the last printed digit of every figure involved.
PARTS_OF_WHOLE = (
    PartsOfWhole("gdp_by_sector", "gdp", ("gdp_primary", "gdp_secondary", "gdp_tertiary")),
    PartsOfWhole(
        "population_by_residence",
        "resident_population",
        ("urban_population", "rural_population"),
    ),
)


@dataclass(frozen=True)
class Shares:
    """Shares (levels in %) of parts of a whole: they sum to 100 and equal part / whole."""

    rule: str
    whole: str
    parts: tuple[tuple[str, str], ...]  # (share code, level code of the same part)


# 三次产业结构 "9.1:37.5:53.4": each share is the sector's value added over GDP.
SHARES = (
    Shares(
        "gdp_structure",
        "gdp",
        (
            ("gdp_primary_share", "gdp_primary"),
            ("gdp_secondary_share", "gdp_secondary"),
            ("gdp_tertiary_share", "gdp_tertiary"),
        ),
    ),
)

# A share is printed from unrounded (sometimes revised) data: the 2022 Tibet bulletin prints
# the primary industry's share as 8.5% while 180.16亿 / 2132.64亿 = 8.45%. A share may miss the
# ratio of its printed parts by a whole unit of its last digit, not half of one, before it is
# held as inconsistent.
SHARE_SLACK_UNITS = 2.0

# Shares printed to two decimals still come from the office's own rounding of each part: the
# 甘德县 2018 bulletin prints 29.77 + 37.92 + 32.29 = 99.98. Three such shares may miss 100 by
# at least this many points (what three one-decimal shares may) before they are held as
# inconsistent; a real slip (63.9 for 53.9) misses by whole points.
SHARE_SUM_SLACK_POINTS = 0.15

# When rounding cannot be read from raw_value (a range, a Chinese numeral), allow this share
# of the larger side: printed figures carry 3-5 significant digits.
FALLBACK_RELATIVE_TOLERANCE = 0.005

# Indicators a document of a kind always states, as groups of alternatives: a work report or
# a bulletin that states none of a group was probably cut short or misread. Reported in
# stats["missing_headlines"], never a rejection: a short county report may legitimately skip one.
HEADLINE_GROUPS = {
    "work_report": (
        ("gdp",),
        ("fixed_asset_investment", "retail_sales"),
        INCOMES,
    ),
    "statistical_bulletin": (
        ("gdp",),
        ("fixed_asset_investment", "retail_sales"),
        INCOMES,
    ),
}

# Whole-document rejection: a document with more than this share of failing figures is held
# entirely (the extractor probably misread its layout), unless the caller says otherwise.
DEFAULT_REJECT_THRESHOLD = 0.5
