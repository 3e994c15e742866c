"""The expectation suites as code: every rule a figure must pass, with the sentence it fails in.

Two suites run on each document's batch. CONTRACT is the shape the rest depends on (columns
and their types); a failure there rejects the document whole. FIGURES holds the row rules: a
failing row is quarantined with the rule's `says` sentence, formatted with that row's values
(validate.py). Bounds and vocabularies come from rules.py and schema.py, never from here.
Great Expectations is imported inside build_suite, not at module level: it costs 5 s.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from zhibiao.expectations import rules
from zhibiao.schema import FIGURE_COLUMNS, MEASURES, PERIOD_TYPES, QUALIFIERS, STATUSES

CONTRACT_SUITE = "zhibiao_figure_contract"
FIGURES_SUITE = "zhibiao_figures"

NUMERIC_TYPES = ["float64", "Float64", "float32", "int64", "Int64", "int32"]
# Columns every figure must fill; value_high, raw_value and raw_unit may be empty.
REQUIRED = [c for c in FIGURE_COLUMNS if c not in ("value_high", "raw_value", "raw_unit")]
# Text the loader stores as varchar; raw_value and raw_unit may be wholly empty (a float
# column of NaN), so their type is not part of the contract.
TEXT_COLUMNS = [c for c in REQUIRED if c != "value"]
# The largest finite float: a value beyond it is infinite, an overflow of the printed
# number times its unit's factor (1e308亿元). Bounds below it would call a finite huge value
# (99999999999999999999元) "not finite"; how large is plausible is the plausibility rules' call.
LARGEST = sys.float_info.max


@dataclass(frozen=True)
class Rule:
    """One expectation with its name and the sentence a failing row is quarantined with."""

    name: str
    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    says: str  # formatted with the failing row's fields (validate.row_fields)
    when: tuple[str, Any] | None = None  # row condition: column equals value


def _vocabulary(column: str, values: tuple[str, ...]) -> Rule:
    allowed = ", ".join(values)
    return Rule(
        f"{column}_in_vocabulary",
        "ExpectColumnValuesToBeInSet",
        {"column": column, "value_set": list(values)},
        f"{column} {{{column}!r}} is not one of {allowed}",
    )


def _bounded(name: str, measure_or_flag: tuple[str, Any], low, high, says: str, **kw) -> Rule:
    kwargs = {"column": "value", "min_value": low, "max_value": high, **kw}
    return Rule(name, "ExpectColumnValuesToBeBetween", kwargs, says, when=measure_or_flag)


def contract_rules() -> list[Rule]:
    """The columns and their types every later rule and the loader rely on."""
    text = [
        Rule(
            f"{c}_is_text",
            "ExpectColumnValuesToBeOfType",
            {"column": c, "type_": "str"},
            f"{c} {{{c}!r}} is not text",
        )
        for c in TEXT_COLUMNS
    ]
    return text + [
        Rule(
            "columns_present",
            "ExpectTableColumnsToMatchSet",
            {"column_set": list(FIGURE_COLUMNS), "exact_match": False},
            "the figure table lacks columns of the contract (schema.FIGURE_COLUMNS)",
        ),
        Rule(
            "value_is_numeric",
            "ExpectColumnValuesToBeInTypeList",
            {"column": "value", "type_list": NUMERIC_TYPES},
            "value is not a number column",
        ),
        Rule(
            "value_high_is_numeric",
            "ExpectColumnValuesToBeInTypeList",
            {"column": "value_high", "type_list": NUMERIC_TYPES},
            "value_high is not a number column",
        ),
    ]


def presence_rules() -> list[Rule]:
    """Required fields filled, evidence and label not blank."""
    present = [
        Rule(f"{c}_present", "ExpectColumnValuesToNotBeNull", {"column": c}, f"{c} is missing")
        for c in REQUIRED
    ]
    blank = [
        Rule(
            f"{c}_not_blank",
            "ExpectColumnValuesToMatchRegex",
            {"column": c, "regex": r"\S"},
            f"{c} is blank: every figure must keep the sentence it came from"
            if c == "evidence"
            else f"{c} is blank",
        )
        for c in ("evidence", "indicator_label")
    ]
    return present + blank


def vocabulary_rules() -> list[Rule]:
    """Vocabularies of schema.py, the period format and the units a figure may carry."""
    return [
        _vocabulary("measure", MEASURES),
        _vocabulary("status", STATUSES),
        _vocabulary("qualifier", QUALIFIERS),
        _vocabulary("period_type", PERIOD_TYPES),
        Rule(
            "period_format",
            "ExpectColumnValuesToMatchRegex",
            {"column": "period", "regex": rules.PERIOD_REGEX},
            "period {period!r} is not a year, half, quarter, month or cumulative months "
            "(2023, 2024H1, 2024Q1, 2024M06, 2024M01-M09)",
        ),
        Rule(
            "period_type_matches_period",
            "ExpectColumnPairValuesToBeEqual",
            _pair("period_type", "implied_period_type"),
            "period_type {period_type!r} does not fit period {period!r}, "
            "which is a {implied_period_type}",
        ),
        Rule(
            "unit_allowed",
            "ExpectColumnValuesToBeInSet",
            {"column": "unit", "value_set": list(rules.ALLOWED_UNITS)},
            "unit {unit!r} is not a base unit (rules.ALLOWED_UNITS): a magnitude left in "
            "the unit (万元, 亿千瓦时) or a word read as a unit",
        ),
        Rule(
            "unit_matches_measure",
            "ExpectColumnPairValuesToBeEqual",
            _pair("unit", "implied_unit"),
            "a {measure} is stated in {implied_unit}, not {unit!r}",
        ),
        Rule(
            "level_unit_not_a_change",
            "ExpectColumnValuesToNotBeInSet",
            {"column": "unit", "value_set": list(rules.NOT_LEVEL_UNITS)},
            "a level cannot be stated in {unit}: that is a change or a multiple",
            when=("measure", "level"),
        ),
        Rule(
            "unit_matches_catalog",
            "ExpectColumnPairValuesToBeEqual",
            _pair("unit", "catalog_unit"),
            "the catalog states {indicator_code} in {catalog_unit}, not {unit!r}: "
            "a wrong unit or a wrong indicator",
        ),
    ]


def _pair(a: str, b: str) -> dict[str, Any]:
    return {"column_A": a, "column_B": b, "ignore_row_if": "either_value_is_missing"}


def _out_of_range(column: str) -> str:
    return (
        f"{column} out of range: {{raw_value}} {{raw_unit}} is more than a float holds "
        f"(±{LARGEST:.1e}) once converted to {{unit}}"
    )


def value_rules() -> list[Rule]:
    """Finite values, signs, and bounds of rates, growths, changes and multiples."""
    growth_low, growth_high = rules.GROWTH_PCT_BOUNDS
    real_low, real_high = rules.REAL_GROWTH_BOUNDS
    pp_low, pp_high = rules.PP_CHANGE_BOUNDS
    mult_low, mult_high = rules.MULTIPLE_BOUNDS
    return [
        Rule(
            "value_finite",
            "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": -LARGEST, "max_value": LARGEST},
            _out_of_range("value"),
        ),
        Rule(
            "value_high_finite",
            "ExpectColumnValuesToBeBetween",
            {"column": "value_high", "min_value": -LARGEST, "max_value": LARGEST},
            _out_of_range("value_high"),
        ),
        Rule(
            "value_high_not_below_value",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {**_pair("value_high", "value"), "or_equal": True},
            "the upper end of the range ({value_high}) is below its lower end",
        ),
        _bounded(
            "level_non_negative",
            ("non_negative", True),
            0,
            None,
            "a level in {unit} cannot be negative: a 下降 read into a level?",
        ),
        _bounded(
            "percent_rate_within_0_100",
            ("percent_rate", True),
            *rules.RATE_PCT_BOUNDS,
            "a rate or share stated in % must lie within {:g}-{:g}".format(*rules.RATE_PCT_BOUNDS),
        ),
        _bounded(
            "growth_pct_within_bounds",
            ("growth_in_a_period", True),
            growth_low,
            growth_high,
            f"a growth must lie within {growth_low:g}% to {growth_high:g}%: "
            "a misread 倍 or a level read as a growth?",
        ),
        _bounded(
            "real_growth_within_bounds",
            ("real_growth", True),
            real_low,
            real_high,
            f"the real growth of {{indicator_code}} must lie within {real_low:g}% to "
            f"{real_high:g}%: a nominal or cumulative figure read as real growth?",
        ),
        _bounded(
            "pp_change_within_bounds",
            ("measure", "pp_change"),
            pp_low,
            pp_high,
            f"a change in percentage points must lie within {pp_low:g} to {pp_high:g}",
        ),
        _bounded(
            "multiple_within_bounds",
            ("measure", "multiple"),
            mult_low,
            mult_high,
            f"a multiple must be above {mult_low:g} and at most {mult_high:g}",
            strict_min=True,
        ),
    ]


def plausibility_rules() -> list[Rule]:
    """Annual levels within rules.PLAUSIBLE_LEVELS, via per-row bounds set by checks.enrich."""
    says = (
        "outside {plausible_low}-{plausible_high} {unit}, the plausible range of "
        "{plausible_what} (rule {plausible_rule}): a lost or doubled magnitude (万, 亿), "
        "a wrong unit or a misplaced decimal point"
    )
    return [
        Rule(
            "level_plausible_low",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {**_pair("value", "plausible_low"), "or_equal": True},
            says,
        ),
        Rule(
            "level_plausible_high",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {**_pair("plausible_high", "value"), "or_equal": True},
            says,
        ),
    ]


def cross_figure_rules() -> list[Rule]:
    """The flags of checks.add_cross_checks, so their failures reach quarantine and Data Docs."""
    sentences = {
        "key_stated_once": "one key, two values: {key_stated_once_note}",
        "parts_add_up": "parts do not add up to their whole: {parts_add_up_note}",
        "shares_sum_to_100": "shares do not sum to 100: {shares_sum_to_100_note}",
        "shares_match_parts": "a share does not match its parts: {shares_match_parts_note}",
    }
    return [
        Rule(name, "ExpectColumnValuesToBeInSet", {"column": name, "value_set": [True]}, says)
        for name, says in sentences.items()
    ]


def figure_rules() -> list[Rule]:
    return (
        presence_rules()
        + vocabulary_rules()
        + value_rules()
        + plausibility_rules()
        + cross_figure_rules()
    )


def build_suite(name: str, rule_list: list[Rule]):
    """A gx.ExpectationSuite whose expectations carry their rule name and sentence in meta."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    suite = gx.ExpectationSuite(name=name)
    for rule in rule_list:
        kwargs = dict(rule.kwargs)
        if rule.when is not None:
            column, value = rule.when
            kwargs["row_condition"] = Column(column) == value
        expectation = getattr(gxe, rule.expectation)(
            **kwargs,
            meta={"rule": rule.name, "says": rule.says},
            notes=f"Rule {rule.name}: a failing figure is quarantined as: {rule.says}",
        )
        suite.add_expectation(expectation)
    return suite


def all_suites() -> dict[str, list[Rule]]:
    return {CONTRACT_SUITE: contract_rules(), FIGURES_SUITE: figure_rules()}
