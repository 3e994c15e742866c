"""Quantities as printed: one case a line, including the inputs that are not quantities."""

import math

import pytest

from zhibiao.transforms.extract import extract_figures
from zhibiao.transforms.extract.quantities import find_quantities


@pytest.mark.parametrize(
    ("text", "value", "unit", "raw_value", "raw_unit", "more_than", "high"),
    [
        ("完成140亿元", 14_000_000_000, "元", "140", "亿元", False, None),
        ("接待游客1317.7万人次", 13_177_000, "人次", "1317.7", "万人次", False, None),
        ("电力装机144.88万千瓦", 1_448_800, "千瓦", "144.88", "万千瓦", False, None),
        ("吸纳本地劳动力1.6万余人次", 16_000, "人次", "1.6", "万人次", True, None),
        ("开展活动7500余场次", 7500, "场次", "7500", "场次", True, None),
        ("旅客1300余万人次", 13_000_000, "人次", "1300", "万人次", True, None),
        ("培育龙头企业3-5家", 3, "家", "3-5", "家", False, 5),
        ("培育龙头企业3至5家", 3, "家", "3-5", "家", False, 5),
        ("增长10%", 10, "%", "10", "%", False, None),
        ("出生率12.17‰", 12.17, "‰", "12.17", "‰", False, None),
        ("提高0.8个百分点", 0.8, "百分点", "0.8", "个百分点", False, None),
        ("是上年的2.5倍", 2.5, "倍", "2.5", "倍", False, None),
        ("用电量146.3亿千瓦时", 14_630_000_000, "千瓦时", "146.3", "亿千瓦时", False, None),
        ("公路里程12.3万公里", 123_000, "公里", "12.3", "万公里", False, None),
        ("面积111.6平方公里", 111.6, "平方公里", "111.6", "平方公里", False, None),
        ("高标准农田2.33万亩", 23_300, "亩", "2.33", "万亩", False, None),
        ("粮食9.4万吨", 94_000, "吨", "9.4", "万吨", False, None),
        ("增长百分之七点五", 7.5, "%", "7.5", "%", False, None),
        ("惠及三百余人", 300, "人", "300", "人", True, None),
        ("收入一千二百万元", 12_000_000, "元", "12000000", "元", False, None),
        ("增长-0.5%", -0.5, "%", "-0.5", "%", False, None),
        ("消费券2500万元", 25_000_000, "元", "2500", "万元", False, None),
        ("集装箱吞吐量234.5万标箱", 2_345_000, "标准箱", "234.5", "万标箱", False, None),
        ("发生安全生产事故3起", 3, "起", "3", "起", False, None),
        ("PM2.5平均浓度23微克/立方米", 23, "微克/立方米", "23", "微克/立方米", False, None),
        ("城镇新增就业1.2万—1.5万人", 12_000, "人", "1.2-1.5", "万人", False, 15_000),
        ("提高两个百分点", 2, "百分点", "2", "个百分点", False, None),
        ("营业收入2.3E+10元", 23_000_000_000, "元", "2.3E+10", "元", False, None),  # a spreadsheet
        ("生产总值1e3亿元", 100_000_000_000, "元", "1e3", "亿元", False, None),
    ],
)
def test_quantity(text, value, unit, raw_value, raw_unit, more_than, high):
    _, found = find_quantities(text)
    assert len(found) == 1, found
    q = found[0]
    assert q.value == pytest.approx(value)
    assert (q.unit, q.raw_value, q.raw_unit, q.more_than) == (unit, raw_value, raw_unit, more_than)
    assert q.value_high == (pytest.approx(high) if high is not None else None)


@pytest.mark.parametrize(
    "text",
    [
        "2023年工作回顾",  # a year
        "围绕“11364”发展思路",  # a name in quotes
        "“2+2+3”综窗改革",  # a name in quotes
        "推进G318提质改造",  # a road
        "加强5G网络建设",  # a technology
        "创建国家4A级旅游景区",  # a grade
        "开通12345服务便民热线",  # a hotline
        "成立75周年",  # an anniversary
        "第3批试点",  # an ordinal
        "1-9月，全市",  # a period
        "用3年时间",  # a duration
        "《林芝市2024年规划》",  # a title
        "四个意识、十四五规划",  # names in numerals
        "3个月内完成",  # a duration in months
        "12部门联合印发",  # 部 begins 部门
        "位列前10名",  # a rank
        "7×24小时服务",  # a service promise
        "60岁及以上人口",  # a class boundary
    ],
)
def test_not_a_quantity(text):
    assert find_quantities(text)[1] == []


def test_an_overflow_after_the_unit_is_infinite_not_dropped():
    """Issue 16.6: 1e308亿元 overflows a float once put in 元; the figure stays (as inf) so that
    validation quarantines it as out of range, instead of vanishing as the code "e308"."""
    figures = extract_figures(
        "2023年全市地区生产总值达到1e308亿元，比上年增长9.5%。", region="林芝市"
    )
    level = figures[figures["measure"] == "level"]
    assert level["value"].tolist() == [math.inf]
    assert level[["raw_value", "raw_unit"]].values.tolist() == [["1e308", "亿元"]]


@pytest.mark.parametrize("text", ["比上年下降0%", "比上年减少0.0%", "比上年下降0至0.5%"])
def test_a_fall_of_zero_is_zero_not_negative_zero(text):
    figures = extract_figures(f"2023年全市地区生产总值230亿元，{text}。", region="林芝市")
    growth = figures[figures["measure"] == "growth_pct"].iloc[0]
    assert growth["value"] == 0 and math.copysign(1.0, growth["value"]) == 1.0, growth["value"]
