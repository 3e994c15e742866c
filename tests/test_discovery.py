"""The pure parts of discovery: a title's kind and period, a printed date, a page's links."""

from __future__ import annotations

import datetime as dt

import pytest

from zhibiao.discovery import dates, titles

RULE_EXAMPLES = [(r.kind, e) for r in titles.kind_rules() for e in r.examples]
RULE_NEGATIVES = [(r.kind, e) for r in titles.kind_rules() for e in r.not_examples]


@pytest.mark.parametrize(("kind", "title"), RULE_EXAMPLES)
def test_every_example_of_titles_yaml_reads_as_its_kind(kind, title):
    assert titles.title_kind(title) == kind


@pytest.mark.parametrize(("kind", "title"), RULE_NEGATIVES)
def test_no_rule_matches_what_it_lists_under_not(kind, title):
    rule = next(r for r in titles.kind_rules() if r.kind == kind)
    assert not rule.pattern.search(title)


@pytest.mark.parametrize(
    ("title", "kind", "period"),
    [
        ("林芝市2024年政府工作报告", "work_report", "2024"),
        ("林芝市2023年国民经济和社会发展统计公报", "statistical_bulletin", "2023"),
        ("关于《2023年统计公报》中政府工作报告目标完成情况", "work_report", "2023"),
        ("林芝市2024年一季度经济运行情况", "quarterly_release", "2024Q1"),
        ("林芝市2024年上半年经济运行简况", "quarterly_release", "2024H1"),
        ("2024年前三季度林芝市经济运行", "quarterly_release", "2024M01-M09"),
        ("林芝市2024年1-5月主要经济指标", "monthly_release", "2024M01-M05"),
        ("林芝市2024年1—11月经济运行", "monthly_release", "2024M01-M11"),
        ("2024年4月份经济运行", "monthly_release", "2024M04"),
        ("林芝市召开2024年旅游工作会议", None, "2024"),
        ("linzhi-2024-government-work-report", None, None),
        ("市统计局开展业务培训", None, None),
    ],
)
def test_a_title_gives_its_kind_and_reference_period(title, kind, period):
    assert (titles.title_kind(title), titles.title_period(title)) == (kind, period)


TODAY = dt.date(2024, 5, 10)


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("2024-04-29", dt.date(2024, 4, 29)),
        ("发布时间：2024年4月29日", dt.date(2024, 4, 29)),
        ("2024/4/9", dt.date(2024, 4, 9)),
        ("2024.04.29 10:00", dt.date(2024, 4, 29)),
        ("[04-29]", dt.date(2024, 4, 29)),
        ("（04-29）", dt.date(2024, 4, 29)),
        ("12-30", dt.date(2023, 12, 30)),  # later than today in this year: last year's
        ("2024-04-29 林芝市2024年一季度经济运行情况.pdf", dt.date(2024, 4, 29)),
        ("林芝市2024年1-5月主要经济指标", None),  # a span of months, not a date
        ("2024-02-30", None),
        ("", None),
    ],
)
def test_the_date_printed_beside_a_link(text, printed):
    assert dates.printed_date(text, TODAY) == printed
