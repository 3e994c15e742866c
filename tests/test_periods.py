"""Period phrases as period keys: one case a line, with the phrases that are not periods."""

import pytest

from zhibiao.transforms.extract.period_phrases import find_periods, period_key


@pytest.mark.parametrize(
    ("text", "year", "suffix", "period_type"),
    [
        ("2023年，全市", 2023, "", "year"),
        ("2024年一季度", 2024, "Q1", "quarter"),
        ("第三季度", None, "Q3", "quarter"),
        ("上半年，全市", None, "H1", "half"),
        ("下半年", None, "H2", "half"),
        ("1-9月，全市", None, "M01-M09", "ytd"),
        ("1～6月份", None, "M01-M06", "ytd"),
        ("前三季度", None, "M01-M09", "ytd"),
        ("今年前两个月", None, "M01-M02", "ytd"),
        ("7-9月接待游客", None, "Q3", "quarter"),
        ("6月份，全市", None, "M06", "month"),
        ("2024年1-6月主要经济指标", 2024, "M01-M06", "ytd"),
        ("全年接待游客", None, "", "year"),
    ],
)
def test_period(text, year, suffix, period_type):
    first = find_periods(text)[0]
    assert (first.year, first.suffix, first.period_type) == (year, suffix, period_type)


@pytest.mark.parametrize(
    "text",
    [
        "比2020年增长",  # the base of a comparison
        "是2019年的1.38倍",  # a base
        "增速比上半年加快",  # a base
        "占前三季度的51.2%",  # a base
        "完成全年目标任务的72.4%",  # a plan, not the period
    ],
)
def test_not_a_period(text):
    assert find_periods(text) == []


def test_period_key_spelling():
    assert period_key(2024, "M01-M09") == "2024M01-M09"
    assert period_key(2023, "") == "2023"
    assert period_key(2024, "", 2021) == "2021-2024"


@pytest.mark.parametrize(
    ("text", "in_force", "published", "first", "last", "report"),
    [
        ("2019-2023年", 2024, 2024, 2019, 2023, False),  # a span of years, as printed
        ("2020年以来", 2023, 2024, 2020, 2023, False),  # open: to the year in force
        ("“十四五”以来", 2024, 2025, 2021, 2024, False),
        ("十三五期间", 2024, 2024, 2016, 2020, False),  # closed: the plan's five years
        ("过去五年", 2024, 2024, 2019, 2023, True),  # counted back from the year of writing
        ("过去一年", 2024, 2025, None, 2024, False),  # one year: no span
        ("今年", 2019, 2020, None, 2020, False),  # the year of writing
        ("今年", 2023, 2024, None, 2023, True),  # in a work report: the year its part reviews
        ("去年", 2024, 2025, None, 2024, False),  # a year before writing
    ],
)
def test_span_and_relative_years(text, in_force, published, first, last, report):
    mention = find_periods(text)[0]
    year, _, _, first_year = mention.resolve(in_force, published, report)
    assert (first_year, year) == (first, last)
