"""The figure contract shared by extract, validate and load: one spelling of every name.

The column names and vocabularies below are the warehouse contract of
docs/architecture.md#warehouse-contract; the extractor emits exactly FIGURE_COLUMNS, the
expectations check them, the loader stores them.
"""

# Columns of one extracted figure, in order (the `observations` contract minus the
# warehouse-side columns document_id, published_on, realtime_start, realtime_end).
FIGURE_COLUMNS: list[str] = [
    "indicator_code",  # catalog code, or "unmapped" when the label has no catalog entry
    "indicator_label",  # the label as the document states it, list items expanded
    "region",  # normalised region name (林芝 -> 林芝市)
    "period",  # 2023, 2024Q1, 2024H1, 2024M06, 2024M01-M09, a span of years 2021-2024
    "period_type",  # see PERIOD_TYPES
    "measure",  # see MEASURES
    "value",  # float, base unit (magnitude prefixes removed)
    "value_high",  # float or NaN: upper end of a stated range (3-5家 -> value 3, value_high 5)
    "unit",  # base unit: 元, 人次, 千瓦, %, 百分点, 倍, 个 ...
    "raw_value",  # the number as printed after normalisation of digits ("1317.7", "3-5")
    "raw_unit",  # the unit as printed, with its magnitude ("万人次", "亿元", "%")
    "status",  # see STATUSES
    "qualifier",  # see QUALIFIERS
    "evidence",  # the sentence the figure came from
]

# What, beyond its code, makes a figure's series (the warehouse's series_label): for a mapped
# figure the words that qualify the indicator (环比, 比2020年, 国庆黄金周, 增速高于全国), for an
# unmapped one its whole label. The extractor emits it after FIGURE_COLUMNS; a frame without it
# (hand-built, older) gets the unmapped rule in the loader.
SERIES_LABEL = "series_label"

MEASURES = ("level", "growth_pct", "pp_change", "multiple")
STATUSES = ("actual", "preliminary", "estimate", "target", "derived")
QUALIFIERS = ("eq", "ge", "gt", "le", "lt", "approx")
PERIOD_TYPES = ("year", "half", "quarter", "month", "ytd", "span")

UNMAPPED = "unmapped"

# The base units of the measures other than level: a growth is in percent, a pp change in
# percentage points, a multiple in times (expectations check that each measure carries its own).
PERCENT = "%"
PP_UNIT = "百分点"
TIMES_UNIT = "倍"
MEASURE_UNITS = {"growth_pct": PERCENT, "pp_change": PP_UNIT, "multiple": TIMES_UNIT}
