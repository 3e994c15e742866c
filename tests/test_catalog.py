"""The indicator catalog, the label matcher and the region gazetteer, case by case."""

import re

import pytest

from zhibiao.transforms import catalog

REQUIRED_CODES = """
gdp fixed_asset_investment industrial_value_added_above_scale retail_sales
urban_disposable_income_per_capita rural_disposable_income_per_capita cpi tourist_arrivals
tourism_revenue electricity_consumption civil_aviation_passenger_throughput
civil_aviation_cargo_throughput highway_passenger_turnover highway_freight_turnover
installed_power_capacity grain_output loans_outstanding investment_attracted new_urban_jobs
graduate_employment_rate rural_labor_transfer market_entities air_quality_good_rate
afforestation_area high_standard_farmland_area gdp_primary gdp_secondary gdp_tertiary
gdp_primary_share gdp_secondary_share gdp_tertiary_share gdp_per_capita
disposable_income_per_capita resident_population urbanization_rate birth_rate death_rate
natural_growth_rate general_budget_revenue general_budget_expenditure deposits_outstanding ppi
urban_unemployment_rate labor_income tax_fee_cuts poverty_alleviated_income_per_capita
commercial_housing_sales_units commercial_housing_sales_value
""".split()

CATEGORIES = {
    "national_accounts", "prices", "population", "employment", "income", "consumption",
    "investment", "industry", "energy", "agriculture", "transport", "tourism", "finance",
    "fiscal", "trade", "education", "health", "environment", "housing", "social", "other",
}  # fmt: skip

# label as the extractor hands it over -> code
LABELS = [
    ("地区生产总值", "gdp"),
    ("林芝市地区生产总值", "gdp"),
    ("全市生产总值", "gdp"),
    ("预计实现地区生产总值", "gdp"),
    ("2023年全区地区生产总值", "gdp"),
    ("地区生产总值（GDP）", "gdp"),
    ("gdp", "gdp"),
    ("阿里地区生产总值", "gdp"),
    ("第一产业增加值", "gdp_primary"),
    ("其中：第三产业增加值", "gdp_tertiary"),
    ("第一产业比重", "gdp_primary_share"),
    ("第二产业增加值占地区生产总值比重", "gdp_secondary_share"),
    ("人均地区生产总值", "gdp_per_capita"),
    ("规上工业增加值", "industrial_value_added_above_scale"),
    ("规模以上工业增加值", "industrial_value_added_above_scale"),
    ("规模以上工业企业增加值", "industrial_value_added_above_scale"),
    ("全部工业增加值", "industrial_value_added"),
    ("固定资产投资", "fixed_asset_investment"),
    ("固定资产投资（不含农户）", "fixed_asset_investment"),
    ("全社会固定资产投资", "fixed_asset_investment"),
    ("房地产开发投资", "real_estate_investment"),
    ("民间投资", "private_investment"),
    ("第一产业投资", "fai_primary"),
    ("社会消费品零售总额", "retail_sales"),
    ("城镇消费品零售额", "retail_sales_urban"),
    ("城镇居民人均可支配收入", "urban_disposable_income_per_capita"),
    ("农村居民人均可支配收入", "rural_disposable_income_per_capita"),
    ("农牧民人均可支配收入", "rural_disposable_income_per_capita"),
    ("察隅县农村居民人均可支配收入", "rural_disposable_income_per_capita"),
    ("全体居民人均可支配收入", "disposable_income_per_capita"),
    ("居民人均可支配收入", "disposable_income_per_capita"),
    ("居民消费价格", "cpi"),
    ("居民消费价格涨幅", "cpi"),
    ("工业生产者出厂价格", "ppi"),
    ("接待国内外游客", "tourist_arrivals"),
    ("累计接待国内外游客", "tourist_arrivals"),
    ("波密县接待游客", "tourist_arrivals"),
    ("旅游收入", "tourism_revenue"),
    ("墨脱县旅游收入", "tourism_revenue"),
    ("旅游总收入", "tourism_revenue"),
    ("国内旅游收入", "domestic_tourism_revenue"),
    ("用电量", "electricity_consumption"),
    ("全年预计用电量", "electricity_consumption"),
    ("全社会用电量", "electricity_consumption"),
    ("工业用电量", "industrial_electricity_consumption"),
    ("民航旅客吞吐量", "civil_aviation_passenger_throughput"),
    ("民航客运吞吐量", "civil_aviation_passenger_throughput"),
    ("民航货邮吞吐量", "civil_aviation_cargo_throughput"),
    ("货邮吞吐量", "civil_aviation_cargo_throughput"),
    ("公路客运周转量", "highway_passenger_turnover"),
    ("公路货运周转量", "highway_freight_turnover"),
    ("电力装机", "installed_power_capacity"),
    ("光伏装机容量", "solar_installed_capacity"),
    ("粮食产量", "grain_output"),
    ("粮食总产量", "grain_output"),
    ("粮食播种面积", "grain_sown_area"),
    ("各项贷款余额", "loans_outstanding"),
    ("金融机构人民币各项贷款余额", "loans_outstanding"),
    ("金融机构人民币各项存款余额", "deposits_outstanding"),
    ("住户存款余额", "household_deposits"),
    ("全市招商引资到位资金", "investment_attracted"),
    ("新增城镇就业", "new_urban_jobs"),
    ("城镇新增就业", "new_urban_jobs"),
    ("新增城镇就业不低于", "new_urban_jobs"),
    ("应届高校毕业生就业率", "graduate_employment_rate"),
    ("农牧民转移就业", "rural_labor_transfer"),
    ("实现劳务收入", "labor_income"),
    ("市场主体总量", "market_entities"),
    ("新增市场主体", "new_market_entities"),
    ("全市空气质量优良率", "air_quality_good_rate"),
    ("空气质量优良天数比例", "air_quality_good_rate"),
    ("完成国土绿化", "afforestation_area"),
    ("新建高标准农田", "high_standard_farmland_area"),
    ("水土流失综合治理面积", "soil_erosion_control_area"),
    ("新增减税降费和退税缓费", "tax_fee_cuts"),
    ("脱贫人口人均纯收入增速", "poverty_alleviated_income_per_capita"),
    ("一般公共预算收入", "general_budget_revenue"),
    ("地方一般公共预算收入", "general_budget_revenue"),
    ("一般公共预算支出", "general_budget_expenditure"),
    ("税收收入1-6月", "tax_revenue"),
    ("非税收入", "non_tax_revenue"),
    ("常住人口", "resident_population"),
    ("常住人口城镇化率", "urbanization_rate"),
    ("人口出生率", "birth_rate"),
    ("死亡率", "death_rate"),
    ("人口自然增长率", "natural_growth_rate"),
    ("婴儿死亡率", "infant_mortality_rate"),
    ("城镇调查失业率", "urban_unemployment_rate"),
    ("城镇登记失业率", "registered_unemployment_rate"),
    ("进出口总额", "total_trade"),
    ("出口总额", "exports"),
    ("该县边贸交易额", "border_trade_value"),
    ("森林覆盖率", "forest_coverage_rate"),
    ("商品房销售面积", "commercial_housing_sales_area"),
    ("商品房销售收入", "commercial_housing_sales_value"),
    ("新增规上企业", "new_above_scale_industrial_enterprises"),
    ("规模以上工业企业发电量", "electricity_generation_above_scale"),
    ("肉蛋奶产量", "meat_egg_milk_output"),
    ("A级景区", "a_level_scenic_spots"),
]

# labels that must stay unmapped: a guess here would be a wrong series
UNMAPPED = [
    "",
    "增加值",
    "收入",
    "投资",
    "产量",
    "吞吐量",
    "完成投资",
    "比上年末",
    "城镇收入",
    "城乡居民人均可支配收入",
    "城镇居民人均可支配收入中位数",
    "城镇居民人均可支配收入是农村居民的",
    "农村居民人均可支配收入增速高于全市",
    "园区企业工业总产值",
    "经开区地区生产总值",
    "现代服务业增加值",
    "国有控股企业增加值",
    "市场主体贡献率增速",
    "规模以上工业增加值环比",
    "民间投资占全部投资的比重",
    "接待游客占前三季度的比重",
    "鲁朗小镇单日最高接待游客近",
    "公路通车里程年均",
    "国家4A级旅游景区",
    "新增三品一标登记认证产品",
    "新增5G基站",
    "规上工业用电量",
    "涉农贷款余额",
    "公办养老机构床位不少于",
    "牦牛存栏",
    "茶叶产值",
]

# label, unit of the level as printed -> code
WITH_UNIT = [
    ("商品房销售", "套", "commercial_housing_sales_units"),
    ("商品房销售", "亿元", "commercial_housing_sales_value"),
    ("商品房销售", "万平方米", "commercial_housing_sales_area"),
    ("天然饮用水", "万吨", "drinking_water_output"),
    ("电力装机", "万千瓦", "installed_power_capacity"),
    ("全社会用电量", "亿千瓦时", "electricity_consumption"),
    ("旅游收入", "%", "tourism_revenue"),
    ("市场主体", "万户", "market_entities"),
    ("粮食", "万亩", None),
    ("空气质量优良率", "万元", None),
    ("接待游客", "亿元", None),
]

REGIONS = [
    ("林芝", "林芝市"),
    ("林芝市", "林芝市"),
    ("林芝地区", "林芝市"),
    ("西藏", "西藏自治区"),
    ("西藏自治区", "西藏自治区"),
    ("墨脱", "墨脱县"),
    ("米林", "米林市"),
    ("米林县", "米林市"),
    ("错那县", "错那市"),
    ("林芝县", "巴宜区"),
    ("朗县", "朗县"),
    ("阿里", "阿里地区"),
    ("甘孜州", "甘孜藏族自治州"),
    ("海南", "海南省"),
    ("海南州", "海南藏族自治州"),
    ("拉萨 ", "拉萨市"),
    ("朗", None),
    ("比如", None),
    ("全区", None),
    ("全市", None),
    ("", None),
]

FOUND = [
    ("林芝市墨脱县", [(0, 3, "林芝市"), (3, 6, "墨脱县")]),
    ("西藏自治区林芝市巴宜区", [(0, 5, "西藏自治区"), (5, 8, "林芝市"), (8, 11, "巴宜区")]),
    ("墨脱、察隅两县", [(0, 2, "墨脱县"), (3, 5, "察隅县")]),
    ("工布江达县3万千瓦和朗县7.5万千瓦", [(0, 5, "工布江达县"), (10, 12, "朗县")]),
    ("完成米林撤县设市", [(2, 4, "米林市")]),
    ("推广西藏经验", [(2, 4, "西藏自治区")]),
    ("林芝市场监管", [(0, 2, "林芝市")]),
    ("察隅县下察隅镇", [(0, 3, "察隅县")]),
    ("位居全区前列", []),
    ("全市城区园区经开区示范区", []),
    ("比如说", []),
]


@pytest.fixture(scope="module")
def table():
    return catalog.load_catalog()


@pytest.mark.parametrize(("label", "code"), LABELS)
def test_label_maps_to_code(label, code):
    assert catalog.match_indicator(label) == code


@pytest.mark.parametrize("label", UNMAPPED)
def test_label_stays_unmapped(label):
    assert catalog.match_indicator(label) is None


@pytest.mark.parametrize(("label", "unit", "code"), WITH_UNIT)
def test_unit_picks_or_vetoes(label, unit, code):
    assert catalog.match_indicator(label, unit=unit) == code


def test_catalog_columns_and_size(table):
    assert list(table.columns) == [
        "code", "name_zh", "aliases", "name_en", "unit", "kind", "growth_basis", "category",
        "headline", "direction",
    ]  # fmt: skip
    assert len(table) >= 150


def test_codes_unique_and_snake_case(table):
    assert table["code"].is_unique
    bad = [c for c in table["code"] if not re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", c)]
    assert bad == []


def test_required_codes_present(table):
    assert sorted(set(REQUIRED_CODES) - set(table["code"])) == []


def test_vocabularies(table):
    assert set(table["kind"]) <= {"stock", "flow", "rate"}
    assert set(table["growth_basis"]) <= {"real", "nominal", "none"}
    assert set(table["category"]) == CATEGORIES
    assert set(table["headline"]) == {0, 1}
    assert set(table["direction"]) == {"more", "less", ""}  # which side of a target is met
    assert (table["name_zh"] != "").all() and (table["name_en"] != "").all()
    assert (table["unit"] != "").all()
    rates = table[table["kind"] == "rate"]
    assert (rates["growth_basis"] == "none").all()


def test_every_alias_belongs_to_one_code(table):
    owners: dict[str, set[str]] = {}
    for code, name, aliases in table[["code", "name_zh", "aliases"]].itertuples(index=False):
        for alias in filter(None, [name, *aliases.split("|")]):
            owners.setdefault(catalog._normalize(alias), set()).add(code)
    shared = {a: sorted(c) for a, c in owners.items() if len(c) > 1}
    assert shared == {}
    assert "" not in owners
    assert len(catalog.indicator_aliases()) == len(owners)


def test_every_alias_matches_its_own_code(table):
    wrong = []
    for code, name, aliases in table[["code", "name_zh", "aliases"]].itertuples(index=False):
        for alias in filter(None, [name, *aliases.split("|")]):
            got = catalog.match_indicator(alias)
            if got != code:
                wrong.append((alias, code, got))
    assert wrong == []


def test_regions_table():
    regions = catalog.load_regions()
    assert list(regions.columns) == ["name", "short", "level", "parent"]
    assert set(regions["level"]) == {"province", "prefecture", "county", "alias"}
    assert regions["name"].is_unique
    shorts = regions.loc[regions["short"] != "", "short"]
    assert shorts.is_unique
    assert (regions["level"] == "province").sum() == 34
    names = set(regions.loc[regions["level"] != "alias", "name"])
    assert set(regions.loc[regions["level"] != "province", "parent"]) <= names
    tibet = set(regions.loc[regions["parent"] == "西藏自治区", "name"])
    assert len(tibet) == 7
    counties = regions[(regions["level"] == "county") & regions["parent"].isin(tibet)]
    assert len(counties) == 74


@pytest.mark.parametrize(("name", "expected"), REGIONS)
def test_normalize_region(name, expected):
    assert catalog.normalize_region(name) == expected


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_find_regions(text, expected):
    assert catalog.find_regions(text) == expected


@pytest.mark.parametrize(
    ("code", "value", "unit", "want_value", "want_unit"),
    [
        ("forest_area", 4_526_000.0, "亩", 301733.333333, "公顷"),  # 452.6万亩: 15 亩 a 公顷
        ("grain_sown_area", 180_000.0, "公顷", 2_700_000.0, "亩"),  # sown areas are kept in 亩
        ("a_level_scenic_spots", 98.0, "个", 98.0, "家"),  # a classifier of one count
        ("grain_output", 1_000_000.0, "斤", 500.0, "吨"),  # 100万斤 is 500 吨
        ("gdp", 12.0, "美元", 12.0, "美元"),  # no factor: validation refuses it, nothing invented
        ("unmapped", 3.0, "亩", 3.0, "亩"),  # an unmapped figure keeps its unit
    ],
)
def test_levels_reach_the_catalogs_unit(code, value, unit, want_value, want_unit):
    import pandas as pd

    frame = pd.DataFrame(
        [{"indicator_code": code, "measure": "level", "value": value, "value_high": None,
          "unit": unit, "raw_value": "x", "raw_unit": unit}]
    )  # fmt: skip
    row = catalog.to_catalog_units(frame).iloc[0]
    assert (row["value"], row["unit"]) == (pytest.approx(want_value), want_unit)
    assert row["raw_unit"] == unit  # what was printed stays


def _probes() -> list[tuple[str, str, str]]:
    import csv
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "catalog_probes.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["label"], r["unit"], r["code"]) for r in csv.DictReader(f)]


@pytest.mark.parametrize(("label", "unit", "code"), _probes())
def test_statistical_office_wordings(label, unit, code):
    """The usual wordings of bulletins and releases land on one code; the ambiguous ones
    (收入, 投资, 人口, 农业总产值 …) stay unmapped (empty code)."""
    assert (catalog.match_indicator(label, unit or None) or "") == code
