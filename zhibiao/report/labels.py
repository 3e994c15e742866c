"""Words and number formats of the report: the warehouse's codes as a reader sees them."""

from __future__ import annotations

import math

import pandas as pd

from zhibiao import schema
from zhibiao.transforms import lexicon
from zhibiao.transforms.anomalies import MEASURE_EN, MEASURE_ZH, RATE_UNITS

# The contract's codes (docs/architecture.md#warehouse-contract) in Chinese and English; the
# measures' words are the alerts' (transforms/anomalies.py): a page and its alerts agree.
MEASURES = {m: f"{MEASURE_ZH[m]} {MEASURE_EN[m]}" for m in schema.MEASURES}
STATUSES = {
    "estimate": "预计 estimate",
    "preliminary": "初步核算 preliminary",
    "actual": "最终 final",
    "target": "目标 target",
}
OUTCOMES = {"met": "达成 met", "missed": "未达成 missed", "pending": "待定 pending"}
QUALIFIERS = {"eq": "", "ge": "≥", "gt": ">", "le": "≤", "lt": "<", "approx": "≈"}

# Magnitudes a reader expects on an axis or in a table: 231.6亿元, not 23160000000元. Their
# factors are the lexicon's (the extractor's own), only the choice of these three is ours.
DISPLAY_MAGNITUDES = ("万亿", "亿", "万")


def display_scale(unit: str, values) -> tuple[float, str]:
    """The factor and unit to show values of `unit` in: the largest magnitude under the
    largest value (亿元 for 23160000000 元); percentages and rates are left as they are."""
    peak = max((abs(v) for v in values if v is not None and not math.isnan(v)), default=0)
    if unit in RATE_UNITS:
        return 1.0, unit
    factors = dict(lexicon.mapping("magnitudes"))
    for magnitude in DISPLAY_MAGNITUDES:
        if peak >= factors[magnitude]:
            return factors[magnitude], magnitude + unit
    return 1.0, unit


def number(value: float | None, unit: str = "") -> str:
    """A value in the base unit as a reader writes it: 231.6亿元, 9.8%, 1,272套."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    factor, shown = display_scale(unit, [value])
    scaled = value / factor
    text = f"{scaled:,.2f}".rstrip("0").rstrip(".") if scaled % 1 else f"{scaled:,.0f}"
    return f"{text}{shown}"


def day(value) -> str:
    """A date of the warehouse (a date, a pandas Timestamp, or missing) as YYYY-MM-DD."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)[:10]
