"""Pandas work before the suites: the columns they condition on and the cross-figure flags.

Cross-figure rules (parts of a whole, shares, one key stated twice) look at several rows at
once, which a column expectation cannot. They are computed here as a boolean column per rule
plus a note naming the figures, and a suite expectation then checks the column, so their
results reach quarantine and Data Docs the same way as every other rule.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from zhibiao.expectations import rules
from zhibiao.schema import SERIES_LABEL, UNMAPPED
from zhibiao.transforms import lexicon, units

# A target and an outturn (actual, preliminary, estimate, derived) of the same indicator are
# different statements: parts are only added up within one of these families.
TARGET_STATUSES = ("target",)
CROSS_CHECKS = ("key_stated_once", "parts_add_up", "shares_sum_to_100", "shares_match_parts")
_DECIMAL = re.compile(r"^-?\d+(?:\.(\d+))?$")


def enrich(figures: pd.DataFrame, catalog: pd.DataFrame | None) -> pd.DataFrame:
    """Return a copy with the helper columns the suites condition on (the suites stay static)."""
    df = figures.reset_index(drop=True).copy()
    level = df["measure"].eq("level")
    df["region_level"] = df["region"].map(region_level)
    df = _with_catalog(df, catalog)
    df["implied_period_type"] = implied_period_type(df["period"])
    df["implied_unit"] = df["measure"].map(rules.MEASURE_UNITS)
    df["catalog_unit"] = df["catalog_unit"].where(level)
    stock_or_flow = df["indicator_kind"].isin(("stock", "flow")) & ~df["indicator_code"].isin(
        rules.SIGNED_CODES
    )
    df["non_negative"] = (
        level
        & (stock_or_flow | df["unit"].isin(rules.NON_NEGATIVE_UNITS))
        & _plain(df)
        & ~_change_of_a_level(df)
    )
    df["percent_rate"] = level & df["unit"].eq("%") & _is_rate(df)
    # over a span (增长了4160倍 from 1978 to 2017) or on a base years back (比2012年增长92.8%)
    # a growth is no year's: the bounds of a year's growth do not apply
    year_on_year = df["measure"].eq("growth_pct") & df["period_type"].ne("span") & _plain(df)
    df["growth_in_a_period"] = year_on_year
    df["real_growth"] = (
        year_on_year
        & df["growth_basis"].eq("real")
        & df["indicator_code"].isin(rules.REAL_GROWTH_CODES)
    )
    df = _with_plausible_bounds(df)
    return add_cross_checks(df)


def _plain(df: pd.DataFrame) -> pd.Series:
    """The indicator's own series: not a difference from another area (…比全国平均水平高), a
    month-on-month change or a bound, which the indicator's bounds do not apply to."""
    if SERIES_LABEL not in df.columns:
        return pd.Series(True, index=df.index)
    return df[SERIES_LABEL].fillna("").eq("") | df["indicator_code"].isin((UNMAPPED, ""))


def _change_of_a_level(df: pd.DataFrame) -> pd.Series:
    """油料种植面积增量 -1,300 亩: a change stated in the indicator's own unit is signed. The
    extractor names it with the lexicon's change_suffix; a reader may keep the verb of the
    text (油料种植面积比上年减少), which the lexicon's absolute_change reads."""
    labels = df["indicator_label"].fillna("").astype(str)
    suffixes = tuple(lexicon.words("change_suffix"))
    return labels.str.endswith(suffixes) | labels.map(
        lambda label: lexicon.regex("absolute_change").search(label) is not None
    )


def region_level(region: object) -> str:
    """nation, province, prefecture, county or unknown, as the region gazetteer says."""
    from zhibiao.transforms.catalog import region_level as gazetteer_level

    return gazetteer_level(region) if isinstance(region, str) and region else "unknown"


def implied_period_type(period: pd.Series) -> pd.Series:
    """The period_type a period string's shape implies; NaN when it has no known shape."""
    text = period.astype("str")
    implied = pd.Series(np.nan, index=period.index, dtype=object)
    for name, pattern in rules.PERIOD_TYPE_PATTERNS:
        implied = implied.mask(implied.isna() & text.str.match(pattern), name)
    return implied


def base_unit(unit: object) -> object:
    """A catalog unit without its magnitude (亿元 → 元): figures carry base units."""
    return units.strip_magnitude(unit) if isinstance(unit, str) else unit


def _with_catalog(df: pd.DataFrame, catalog: pd.DataFrame | None) -> pd.DataFrame:
    """Kind, growth basis and base unit of each figure's indicator; empty when unknown."""
    wanted = {
        "kind": "indicator_kind",
        "growth_basis": "growth_basis",
        "unit": "catalog_unit",
        "category": "category",
    }
    if catalog is None or catalog.empty:
        for column in wanted.values():
            df[column] = pd.Series(np.nan, index=df.index, dtype=object)
        return df
    table = catalog.drop_duplicates("code").set_index("code")
    for source, column in wanted.items():
        values = table[source] if source in table else pd.Series(dtype=object)
        df[column] = df["indicator_code"].map(values).astype(object)
    # object, not float: a document whose figures are all unmapped maps to all-NaN, which
    # pandas would type float64 and then refuse the units written into it below.
    df["catalog_unit"] = df["catalog_unit"].map(base_unit).astype(object)
    # Levels of catalog indicators arrive in the catalog's unit (catalog.to_catalog_units
    # converted what could be converted): another unit here is one no factor turns into it.
    return df


def _is_rate(df: pd.DataFrame) -> pd.Series:
    """A rate by the catalog's kind, or, when the catalog does not know it, by its label."""
    label = df["indicator_label"].fillna("").astype("str")
    by_label = label.str.endswith(rules.RATE_LABEL_ENDINGS) & ~label.str.endswith(
        rules.RATE_LABEL_EXCEPTIONS
    )
    known = df["indicator_kind"].notna()
    bounded = ~df["category"].isin(rules.RATE_CATEGORIES_NOT_BOUNDED)
    return (df["indicator_kind"].eq("rate") & bounded) | (~known & by_label)


def _with_plausible_bounds(df: pd.DataFrame) -> pd.DataFrame:
    """plausible_low/high/rule/what on annual levels a rules.PLAUSIBLE_LEVELS entry covers."""
    df["plausible_low"] = np.nan
    df["plausible_high"] = np.nan
    df["plausible_rule"] = pd.Series(np.nan, index=df.index, dtype=object)
    df["plausible_what"] = pd.Series(np.nan, index=df.index, dtype=object)
    annual_level = df["measure"].eq("level") & df["period_type"].eq("year") & _plain(df)
    year = pd.to_numeric(df["period"].str[:4], errors="coerce")
    annual_level &= year.ge(rules.PLAUSIBLE_SINCE_YEAR)
    # an infinite value is value_finite's to report: "implausible" would hide the overflow
    annual_level &= np.isfinite(pd.to_numeric(df["value"], errors="coerce"))
    for rule in rules.PLAUSIBLE_LEVELS:
        applies = (
            annual_level
            & df["indicator_code"].isin(rule.codes)
            & df["unit"].eq(rule.unit)
            & (df["region_level"].eq(rule.region_level) | (rule.region_level == "any"))
        )
        if applies.any():
            df.loc[applies, ["plausible_low", "plausible_high"]] = (rule.low, rule.high)
            df.loc[applies, ["plausible_rule", "plausible_what"]] = (rule.rule, rule.what)
    return df


def add_cross_checks(df: pd.DataFrame) -> pd.DataFrame:
    """One boolean column (True = fine) and one note column per cross-figure rule."""
    for name in CROSS_CHECKS:
        df[name] = True
        df[f"{name}_note"] = ""
    df["family"] = np.where(df["status"].isin(TARGET_STATUSES), "target", "outturn")
    df["half_unit"] = rounding_half_unit(df)
    _check_keys(df)
    _check_parts(df)
    _check_shares(df)
    return df.drop(columns=["family", "half_unit"])


def rounding_half_unit(df: pd.DataFrame) -> pd.Series:
    """Half a unit of the last printed digit, in base units (230亿 → 0.5亿): rounding slack."""

    def half(value: float, raw: object) -> float:
        match = _DECIMAL.match(str(raw).strip()) if isinstance(raw, str) else None
        printed = float(match.group(0)) if match else 0.0
        if not match or printed == 0 or not math.isfinite(value):
            return abs(value) * rules.FALLBACK_RELATIVE_TOLERANCE
        decimals = len(match.group(1) or "")
        return 0.5 * 10.0**-decimals * abs(value / printed)

    return pd.Series(
        [half(v, r) for v, r in zip(df["value"], df["raw_value"], strict=True)], index=df.index
    )


def _flag(df: pd.DataFrame, check: str, index: pd.Index, note: str) -> None:
    df.loc[index, check] = False
    notes = df.loc[index, f"{check}_note"]
    df.loc[index, f"{check}_note"] = np.where(notes.eq(""), note, notes + "; " + note)


def _check_keys(df: pd.DataFrame) -> None:
    """One indicator, period, measure, status and region stated with two values."""
    mapped = df[df["indicator_code"].notna() & ~df["indicator_code"].isin((UNMAPPED, ""))]
    if mapped.empty:
        return  # nothing keyed (every figure unmapped): an empty map is typed float by pandas
    # the series key of the warehouse (load/stage.sql) at the document's grain: a figure's
    # series_label (环比, 比上半年) keeps two figures of one code apart
    key = ["indicator_code", SERIES_LABEL, "period", "measure", "status", "region"]
    if SERIES_LABEL not in mapped.columns:
        mapped = mapped.assign(**{SERIES_LABEL: ""})
    stated = mapped["value"].map(_rounded) + "|" + mapped["value_high"].map(_rounded)
    distinct = stated.groupby([mapped[k].fillna("") for k in key], sort=False, dropna=False)
    conflicting = mapped[distinct.transform("nunique") > 1]
    conflicting = conflicting.fillna({SERIES_LABEL: ""})
    for _, group in conflicting.groupby(key, sort=False, dropna=False):
        first = group.iloc[0]
        values = " and ".join(
            f"{plain(v)} {first['unit']}" for v in dict.fromkeys(group["value"].tolist())
        )
        note = (
            f"{first['indicator_label']} ({first['region']}, {first['period']}, "
            f"{first['status']} {first['measure']}) is stated {len(group)} times in this "
            f"document with different values: {values}"
        )
        _flag(df, "key_stated_once", group.index, note)


def _rounded(value: float) -> str:
    return "none" if pd.isna(value) else f"{value:.10g}"


_LEVEL_FIELDS = ["indicator_code", "indicator_label", "region", "period", "family"]
_LEVEL_FIELDS += ["value", "unit", "half_unit"]


def _levels_by_group(df: pd.DataFrame, codes: tuple[str, ...]):
    """Per region, period and status family: the first level of each code, and every row.

    Plain dicts, not a pandas groupby: a document has a few dozen such groups and a
    DataFrame per group cost more than the whole rest of the checks.
    """
    # exact statements only: a bound (突破700亿元) is true of the whole, not a part of a sum
    exact = df["qualifier"].isin(("eq", "approx"))
    chosen = df["measure"].eq("level") & df["indicator_code"].isin(codes) & exact & _plain(df)
    groups: dict[tuple, tuple[dict[str, dict], list[int]]] = {}
    records = df.loc[chosen, _LEVEL_FIELDS].to_dict("index")
    for index, row in records.items():
        first, rows = groups.setdefault((row["region"], row["period"], row["family"]), ({}, []))
        first.setdefault(row["indicator_code"], {**row, "row": index})
        rows.append(index)
    return groups.items()


def _finite(*levels: dict | None) -> bool:
    """All figures present with a number: a gap is value_present's or value_finite's to report."""
    return all(x is not None and math.isfinite(x["value"]) for x in levels)


def _check_parts(df: pd.DataFrame) -> None:
    """Parts of a whole (rules.PARTS_OF_WHOLE) add up to it within rounding."""
    for rule in rules.PARTS_OF_WHOLE:
        for (region, period, _), (levels, rows) in _levels_by_group(df, (rule.whole, *rule.parts)):
            whole = levels.get(rule.whole)
            parts = [levels.get(code) for code in rule.parts]
            if not _finite(whole, *parts):
                continue
            total = sum(p["value"] for p in parts)
            slack = whole["half_unit"] + sum(p["half_unit"] for p in parts)
            if abs(total - whole["value"]) <= slack * (1 + 1e-9):
                continue
            unit = whole["unit"]
            terms = " + ".join(f"{p['indicator_label']} {plain(p['value'])}" for p in parts)
            note = (
                f"{terms} = {plain(total)} {unit}, but {whole['indicator_label']} is "
                f"{plain(whole['value'])} {unit} ({region}, {period}): they differ by "
                f"{plain(abs(total - whole['value']))}, more than rounding allows "
                f"({plain(slack)}) [{rule.rule}]"
            )
            _flag(df, "parts_add_up", pd.Index(rows), note)


def _check_shares(df: pd.DataFrame) -> None:
    """Shares (rules.SHARES) sum to 100 and each equals its part over the whole."""
    for rule in rules.SHARES:
        share_codes = tuple(share for share, _ in rule.parts)
        part_codes = tuple(part for _, part in rule.parts)
        for (region, period, _), (levels, _rows) in _levels_by_group(
            df, (rule.whole, *share_codes, *part_codes)
        ):
            shares = [levels.get(code) for code in share_codes]
            if not _finite(*shares) or any(s["unit"] != "%" for s in shares):
                continue
            _check_share_sum(df, rule.rule, shares, region, period)
            whole = levels.get(rule.whole)
            for share, part_code in zip(shares, part_codes, strict=True):
                part = levels.get(part_code)
                if _finite(whole, part) and whole["value"]:
                    _check_share_ratio(df, rule.rule, share, part, whole)


def _check_share_sum(df, rule: str, shares: list[dict], region, period) -> None:
    total = sum(s["value"] for s in shares)
    slack = max(sum(s["half_unit"] for s in shares), rules.SHARE_SUM_SLACK_POINTS)
    if abs(total - 100) <= slack * (1 + 1e-9):
        return
    terms = " + ".join(f"{s['indicator_label']} {plain(s['value'])}%" for s in shares)
    note = (
        f"{terms} = {plain(total)}%, not 100% ({region}, {period}); rounding allows "
        f"{plain(slack)} [{rule}]"
    )
    _flag(df, "shares_sum_to_100", pd.Index([s["row"] for s in shares]), note)


def _check_share_ratio(df, rule: str, share: dict, part: dict, whole: dict) -> None:
    implied = 100 * part["value"] / whole["value"]
    relative = part["half_unit"] / abs(part["value"] or 1) + whole["half_unit"] / abs(
        whole["value"]
    )
    slack = rules.SHARE_SLACK_UNITS * share["half_unit"] + abs(implied) * relative
    if abs(share["value"] - implied) <= slack * (1 + 1e-9):
        return
    note = (
        f"{share['indicator_label']} is {plain(share['value'])}%, but "
        f"{part['indicator_label']} / {whole['indicator_label']} = {plain(part['value'])} / "
        f"{plain(whole['value'])} = {implied:.2f}% ({share['region']}, {share['period']}); "
        f"rounding allows {slack:.2f} points [{rule}]"
    )
    _flag(df, "shares_match_parts", pd.Index([share["row"], part["row"], whole["row"]]), note)


def missing_headlines(figures: pd.DataFrame, kind: str) -> list[str]:
    """Headline groups (rules.HEADLINE_GROUPS) of which the document states no indicator."""
    present = set(figures["indicator_code"].dropna()) if "indicator_code" in figures else set()
    groups = rules.HEADLINE_GROUPS.get(kind, ())
    return [" or ".join(group) for group in groups if not present.intersection(group)]


def plain(value: object) -> str:
    """A number as a reader checks it: 4,712,500 (471.25万); the 万/亿 hint shows magnitudes."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    if not isinstance(value, int | float | np.number):
        return repr(value)
    number = float(value)
    if math.isinf(number):
        return "infinite" if number > 0 else "minus infinite"
    text = f"{number:,.4f}".rstrip("0").rstrip(".")
    if abs(number) >= 1e8:
        return f"{text} ({number / 1e8:.6g}亿)"
    if abs(number) >= 1e4:
        return f"{text} ({number / 1e4:.6g}万)"
    return text
