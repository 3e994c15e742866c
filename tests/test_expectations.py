"""Great Expectations suites on tiny inline documents: what passes, what is quarantined, why."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd
import pytest
import yaml

from zhibiao.expectations import build_data_docs, open_context, rules, suites, validate_figures
from zhibiao.expectations import validate as validation
from zhibiao.schema import FIGURE_COLUMNS, SERIES_LABEL, UNMAPPED

GOLDEN = Path(__file__).parent / "golden"

CATALOG = pd.DataFrame(
    [
        # code, name_zh, unit, kind, growth_basis, category
        ("gdp", "地区生产总值", "亿元", "flow", "real", "national_accounts"),
        ("gdp_primary", "第一产业增加值", "亿元", "flow", "real", "national_accounts"),
        ("gdp_secondary", "第二产业增加值", "亿元", "flow", "real", "national_accounts"),
        ("gdp_tertiary", "第三产业增加值", "亿元", "flow", "real", "national_accounts"),
        ("gdp_primary_share", "第一产业比重", "%", "rate", "none", "national_accounts"),
        ("gdp_secondary_share", "第二产业比重", "%", "rate", "none", "national_accounts"),
        ("gdp_tertiary_share", "第三产业比重", "%", "rate", "none", "national_accounts"),
        ("urban_disposable_income_per_capita", "城镇居民人均可支配收入", "元", "flow", "nominal", "income"),
        ("rural_disposable_income_per_capita", "农村居民人均可支配收入", "元", "flow", "nominal", "income"),
        ("fixed_asset_investment", "固定资产投资", "亿元", "flow", "nominal", "investment"),
        ("graduate_employment_rate", "高校毕业生就业率", "%", "rate", "none", "employment"),
        ("resident_population", "常住人口", "万人", "stock", "none", "population"),
        ("urban_population", "城镇人口", "万人", "stock", "none", "population"),
        ("rural_population", "乡村人口", "万人", "stock", "none", "population"),
        ("cpi", "居民消费价格", "%", "rate", "none", "prices"),
    ],
    columns=["code", "name_zh", "unit", "kind", "growth_basis", "category"],
)  # fmt: skip


def fig(label, code, value, unit, raw_value, raw_unit, *, measure="level", status="actual",
        period="2023", qualifier="eq", value_high=np.nan, region="林芝市"):  # fmt: skip
    period_type = "year" if len(period) == 4 else "quarter"
    evidence = f"{label}{raw_value}{raw_unit}"
    return dict(
        indicator_code=code, indicator_label=label, region=region, period=period,
        period_type=period_type, measure=measure, value=float(value), value_high=value_high,
        unit=unit, raw_value=raw_value, raw_unit=raw_unit, status=status, qualifier=qualifier,
        evidence=evidence,
    )  # fmt: skip


def clean_document() -> pd.DataFrame:
    """A prefecture's work report in miniature: parts add up, shares match, values plausible."""
    rows = [
        fig("地区生产总值", "gdp", 23e9, "元", "230", "亿元", status="estimate"),
        fig("地区生产总值", "gdp", 10, "%", "10", "%", measure="growth_pct", status="estimate"),
        fig("第一产业增加值", "gdp_primary", 2.093e9, "元", "20.93", "亿元", status="estimate"),
        fig("第二产业增加值", "gdp_secondary", 8.51e9, "元", "85.1", "亿元", status="estimate"),
        fig("第三产业增加值", "gdp_tertiary", 12.397e9, "元", "123.97", "亿元", status="estimate"),
        fig("第一产业比重", "gdp_primary_share", 9.1, "%", "9.1", "%"),
        fig("第二产业比重", "gdp_secondary_share", 37.0, "%", "37.0", "%"),
        fig("第三产业比重", "gdp_tertiary_share", 53.9, "%", "53.9", "%"),
        fig("城镇居民人均可支配收入", "urban_disposable_income_per_capita", 47125, "元", "47125", "元"),
        fig("农村居民人均可支配收入", "rural_disposable_income_per_capita", 25913, "元", "25913", "元"),
        fig("固定资产投资", "fixed_asset_investment", 14e9, "元", "140", "亿元"),
        fig("应届高校毕业生就业率", "graduate_employment_rate", 97.97, "%", "97.97", "%"),
        fig("常住人口", "resident_population", 241000, "人", "24.1", "万人"),
        fig("城镇人口", "urban_population", 130000, "人", "13.0", "万人"),
        fig("乡村人口", "rural_population", 111000, "人", "11.1", "万人"),
        fig("培育龙头企业", UNMAPPED, 3, "家", "3-5", "家", status="target", period="2024",
            qualifier="ge", value_high=5.0),
        fig("居民消费价格涨幅", "cpi", 3, "%", "3", "%", measure="growth_pct", status="target",
            period="2024", qualifier="le"),
        fig("空气质量优良率", UNMAPPED, 100, "%", "100", "%"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame.index = pd.RangeIndex(100, 100 + len(frame))  # the flow's index is not 0..n
    return frame


def validate(frame: pd.DataFrame, **kwargs):
    kwargs.setdefault("catalog", CATALOG)
    return validate_figures(frame, document_id="doc-under-test", kind="work_report", **kwargs)


def row_of(frame: pd.DataFrame, label: str, measure: str = "level") -> int:
    hits = frame.index[(frame["indicator_label"] == label) & (frame["measure"] == measure)]
    return int(hits[0])


def test_clean_document_passes_untouched():
    frame = clean_document()
    outcome = validate(frame)
    assert not outcome.rejected and outcome.reason is None
    pd.testing.assert_frame_equal(outcome.valid, frame)
    assert outcome.quarantined.empty
    assert outcome.stats["failed"] == 0 and outcome.stats["missing_headlines"] == []
    assert outcome.stats["expectations"] > 30


def set_value(label, value, raw_value=None, raw_unit=None, measure="level"):
    def change(frame):
        row = row_of(frame, label, measure)
        frame.loc[row, "value"] = value
        if raw_value is not None:
            frame.loc[row, ["raw_value", "raw_unit"]] = (raw_value, raw_unit)
        return frame, [row]

    return change


def set_field(label, column, new, measure="level"):
    def change(frame):
        row = row_of(frame, label, measure)
        frame.loc[row, column] = new
        return frame, [row]

    return change


def restate(label, value):
    """The same key stated a second time with a different value."""

    def change(frame):
        row = row_of(frame, label)
        again = frame.loc[[row]].assign(value=value, evidence="再次表述的句子")
        again.index = [999]
        return pd.concat([frame, again]), [row, 999]

    return change


def parts_off(frame):
    row = row_of(frame, "第一产业增加值")
    frame.loc[row, ["value", "raw_value"]] = (3.093e9, "30.93")
    whole = row_of(frame, "地区生产总值")
    return frame, [row, whole, row_of(frame, "第二产业增加值"), row_of(frame, "第三产业增加值")]


DEFECTS = [
    # id, change, rule that must fail, words the reason must contain
    ("misplaced_decimal", set_value("城镇居民人均可支配收入", 4712500, "4712500", "元"),
     "level_plausible_high", ["城镇居民人均可支配收入", "4,712,500", "per-capita income"]),
    ("wrong_unit_gdp_in_wan", set_value("地区生产总值", 2.3e6, "230", "万元"),
     "level_plausible_low", ["地区生产总值", "2,300,000", "GDP of a prefecture"]),
    ("percent_over_100", set_value("应届高校毕业生就业率", 197.97, "197.97", "%"),
     "percent_rate_within_0_100", ["应届高校毕业生就业率", "197.97", "0-100"]),
    ("parts_do_not_add_up", parts_off, "parts_add_up",
     ["第一产业增加值", "地区生产总值", "rounding"]),
    ("one_key_two_values", restate("固定资产投资", 15e9), "key_stated_once",
     ["固定资产投资", "14,000,000,000", "15,000,000,000"]),
    ("shares_not_100", set_value("第三产业比重", 63.9, "63.9", "%"), "shares_sum_to_100",
     ["第三产业比重 63.9%", "not 100%"]),
    ("population_parts", set_value("城镇人口", 150000, "15.0", "万人"), "parts_add_up",
     ["城镇人口", "常住人口"]),
    ("status_vocabulary", set_field("固定资产投资", "status", "final"),
     "status_in_vocabulary", ["'final'", "actual, preliminary"]),
    ("measure_vocabulary", set_field("固定资产投资", "measure", "growth"),
     "measure_in_vocabulary", ["'growth'"]),
    ("period_format", set_field("固定资产投资", "period", "2023Q5"), "period_format",
     ["'2023Q5'"]),
    ("period_type_mismatch", set_field("固定资产投资", "period_type", "month"),
     "period_type_matches_period", ["'month'", "year"]),
    ("unit_with_magnitude", set_field("固定资产投资", "unit", "亿元"), "unit_allowed",
     ["'亿元'", "magnitude"]),
    ("unit_against_catalog", set_field("固定资产投资", "unit", "人"), "unit_matches_catalog",
     ["fixed_asset_investment", "元"]),
    ("growth_in_points", set_field("地区生产总值", "unit", "百分点", measure="growth_pct"),
     "unit_matches_measure", ["growth_pct", "%"]),
    ("real_growth_too_high", set_value("地区生产总值", 95, measure="growth_pct"),
     "real_growth_within_bounds", ["95", "-30% to 60%"]),
    ("share_off_its_parts", set_value("第一产业比重", 9.4, "9.4", "%"), "shares_match_parts",
     ["第一产业比重 is 9.4%", "9.10%"]),
    ("growth_over_1000_pct", set_value("居民消费价格涨幅", 1500, measure="growth_pct"),
     "growth_pct_within_bounds", ["1,500", "misread 倍"]),
    ("negative_level", set_value("培育龙头企业", -3), "level_non_negative", ["-3", "家"]),
    ("range_upside_down", set_field("培育龙头企业", "value_high", 1.0),
     "value_high_not_below_value", ["upper end"]),
    ("infinite_value", set_value("固定资产投资", math.inf, "1e308", "亿元"), "value_finite",
     ["infinite", "value out of range: 1e308 亿元", "once converted to 元"]),
    ("infinite_upper_end", set_field("培育龙头企业", "value_high", math.inf),
     "value_high_finite", ["value_high out of range"]),
    ("missing_value", set_value("固定资产投资", np.nan), "value_present", ["value is missing"]),
    ("blank_evidence", set_field("固定资产投资", "evidence", "  "), "evidence_not_blank",
     ["evidence is blank"]),
    ("unmapped_rate_over_100", set_value("空气质量优良率", 120), "percent_rate_within_0_100",
     ["空气质量优良率", "120"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "rule", "words"), [d[1:] for d in DEFECTS], ids=[d[0] for d in DEFECTS]
)
def test_each_defect_is_quarantined_with_a_readable_reason(change, rule, words):
    frame, rows = change(clean_document())
    outcome = validate(frame)
    assert not outcome.rejected
    quarantined = outcome.quarantined
    for row in rows:
        assert row in quarantined.index, f"row {row} not quarantined: {quarantined.reason.tolist()}"
        assert rule in quarantined.loc[row, "failed_expectation"].split(", ")
        for word in words:
            assert word in quarantined.loc[row, "reason"], quarantined.loc[row, "reason"]
    assert (quarantined["stage"] == "validate").all()
    assert (quarantined["document_id"] == "doc-under-test").all()
    # nothing is dropped: every input row is valid or quarantined, exactly once
    assert sorted([*outcome.valid.index, *quarantined.index]) == sorted(frame.index)


def test_a_huge_finite_value_is_judged_by_plausibility_not_called_infinite():
    """Issue 16.6: 99999999999999999999元 is finite; its fault is being implausible."""
    huge = 99999999999999999999.0
    frame, (gdp,) = set_value("地区生产总值", huge, "99999999999999999999", "元")(clean_document())
    frame, (unmapped,) = set_value("培育龙头企业", huge, "99999999999999999999", "家")(frame)
    frame, _ = set_field("培育龙头企业", "value_high", np.nan)(frame)
    outcome = validate(frame)
    failed = outcome.quarantined.loc[gdp, "failed_expectation"].split(", ")
    assert "level_plausible_high" in failed and "value_finite" not in failed, failed
    reasons = " ".join(outcome.quarantined["reason"])
    assert "out of range" not in reasons and "not a finite" not in reasons, reasons
    assert unmapped in outcome.valid.index  # no plausible range known: nothing to hold it by


def test_an_overflow_is_not_also_called_implausible():
    frame, (row,) = set_value("地区生产总值", math.inf, "1e308", "亿元")(clean_document())
    quarantined = validate(frame).quarantined
    assert quarantined.loc[row, "failed_expectation"] == "value_finite"


def test_quarantine_reason_names_indicator_value_and_rule():
    frame, (row,) = set_value("城镇居民人均可支配收入", 4712500, "4712500", "元")(clean_document())
    reason = validate(frame).quarantined.loc[row, "reason"]
    assert reason.startswith("城镇居民人均可支配收入 (林芝市, 2023, actual level) = 4,712,500")
    assert "outside 3,000-150,000 (15万) 元" in reason and "income_per_capita" in reason


def test_document_over_threshold_is_rejected_whole():
    frame = clean_document()
    frame["status"] = ["final"] * 10 + frame["status"].tolist()[10:]
    outcome = validate(frame)
    assert outcome.rejected and "10 of 18 figures (56%)" in outcome.reason
    assert outcome.valid.empty and len(outcome.quarantined) == len(frame)
    passed = outcome.quarantined.loc[frame.index[-1]]
    assert passed["failed_expectation"] == "document_rejected"
    assert passed["reason"].startswith("Document rejected: 10 of 18 figures")
    failed = outcome.quarantined.loc[frame.index[0]]
    assert "status_in_vocabulary" in failed["failed_expectation"]
    assert "'final'" in failed["reason"]


def test_decades_of_growth_pass_but_an_absurd_multiple_does_not():
    """增长了4160倍 over 1978-2017 is real (山南's savings deposits), so is a real growth of
    92.8% on the base of 2012; a multiple of a million is a level read as a multiple."""
    span = fig("城乡居民储蓄存款", "unmapped", 416000, "%", "4160", "倍", measure="growth_pct",
               period="1978-2017")  # fmt: skip
    span["period_type"] = "span"
    times = fig("固定资产投资是1978年的", "unmapped", 1908, "倍", "1908", "倍", measure="multiple")
    absurd = fig("接待游客是上年的", "unmapped", 2.5e6, "倍", "250", "万倍", measure="multiple")
    on_a_base = fig("地区生产总值比2012年", "gdp", 92.8, "%", "92.8", "%",
                    measure="growth_pct")  # fmt: skip
    on_a_base[SERIES_LABEL] = "比2012年"
    frame = pd.concat(
        [clean_document(), pd.DataFrame([span, times, absurd, on_a_base])], ignore_index=True
    )
    frame[SERIES_LABEL] = frame[SERIES_LABEL].fillna("")
    quarantined = validate(frame).quarantined
    assert quarantined["indicator_label"].tolist() == ["接待游客是上年的"]
    assert "multiple_within_bounds" in quarantined["failed_expectation"].iloc[0]


def test_a_fall_in_a_change_or_in_one_industry_is_a_fact():
    """比上年减少0.13万亩 is the …增量 series at -1,300 亩; an industry on a small base can
    collapse when one project ends (玉树's secondary industry, 2018: -68.3% real). GDP itself
    is still held to the real-growth band (the defect real_growth_too_high)."""
    fewer = fig("油料种植面积增量", "unmapped", -1300, "亩", "0.13", "万亩")
    fall = fig("第二产业增加值", "gdp_secondary", -68.3, "%", "68.3", "%", measure="growth_pct")
    lost = fig("油料种植面积", "unmapped", -1300, "亩", "0.13", "万亩")
    frame = pd.concat([clean_document(), pd.DataFrame([fewer, fall, lost])], ignore_index=True)
    quarantined = validate(frame).quarantined
    assert quarantined["indicator_label"].tolist() == ["油料种植面积"]
    assert "level_non_negative" in quarantined["failed_expectation"].iloc[0]


def test_a_share_printed_from_unrounded_data_passes():
    """8.5% beside 180.16亿 / 2132.64亿 = 8.45% (the 2022 Tibet bulletin): a share may miss
    the ratio of its printed parts by one unit of its last digit."""
    frame, _ = set_value("第一产业比重", 9.2, "9.2", "%")(clean_document())
    frame, _ = set_value("第三产业比重", 53.8, "53.8", "%")(frame)
    assert validate(frame).quarantined.empty


def test_shares_in_two_decimals_may_miss_100_by_their_rounding():
    """29.77 + 37.92 + 32.29 = 99.98 (the 甘德县 2018 bulletin): each share is rounded on its
    own, so three of them may miss 100 by what three one-decimal shares may."""
    frame, _ = set_value("第一产业比重", 9.10, "9.10", "%")(clean_document())
    frame, _ = set_value("第二产业比重", 37.00, "37.00", "%")(frame)
    frame, _ = set_value("第三产业比重", 53.88, "53.88", "%")(frame)
    assert validate(frame).quarantined.empty


def test_levels_of_decades_ago_are_not_held_to_todays_bounds():
    """那曲's GDP of 1990 was 2.95亿元, below any prefecture's today; the same figure dated
    2023 is a lost magnitude."""
    old = fig("地区生产总值", "gdp", 2.95e8, "元", "2.95", "亿元", period="1990")
    now = fig("地区生产总值", "gdp", 2.95e8, "元", "2.95", "亿元", period="2023", region="那曲市")
    frame = pd.DataFrame([old, now], columns=FIGURE_COLUMNS)
    frame["region"] = "那曲市"
    quarantined = validate(frame).quarantined
    assert quarantined["period"].tolist() == ["2023"]
    assert "level_plausible_low" in quarantined["failed_expectation"].iloc[0]


def test_a_rate_against_a_plan_may_pass_100():
    """重点项目开工率102.6%: more projects started than planned; 优良率 cannot."""
    over = fig("重点项目开工率", UNMAPPED, 102.6, "%", "102.6", "%")
    frame = pd.concat([clean_document(), pd.DataFrame([over])], ignore_index=True)
    assert validate(frame).quarantined.empty


def test_threshold_is_the_callers():
    frame, _ = set_value("固定资产投资", -1.0)(clean_document())
    assert not validate(frame).rejected
    assert validate(frame, reject_threshold=0.0).rejected


@pytest.mark.parametrize(
    ("breakage", "words"),
    [
        (lambda f: f.drop(columns=["evidence", "unit"]), ["columns_present", "evidence", "unit"]),
        (lambda f: f.assign(value=f["value"].astype(str)), ["value_is_numeric"]),
        (lambda f: f.assign(period=2023), ["period", "int64"]),
    ],
    ids=["columns_missing", "value_as_text", "period_as_int"],
)
def test_broken_contract_rejects_the_document(breakage, words):
    frame = breakage(clean_document())
    outcome = validate(frame)
    assert outcome.rejected and outcome.valid.empty
    assert len(outcome.quarantined) == len(frame)
    for word in words:
        assert word in outcome.reason


def test_missing_headlines_are_reported_not_rejected():
    frame = clean_document()
    frame = frame[~frame["indicator_code"].isin(("gdp", "fixed_asset_investment"))]
    outcome = validate(frame)
    assert outcome.stats["missing_headlines"] == ["gdp", "fixed_asset_investment or retail_sales"]
    assert not outcome.rejected


def test_without_catalog_code_rules_still_apply():
    frame, (row,) = set_value("城镇居民人均可支配收入", 4712500, "4712500", "元")(clean_document())
    frame.loc[row_of(frame, "固定资产投资"), "unit"] = "人"  # only the catalog knows it is 元
    outcome = validate(frame, catalog=CATALOG.iloc[0:0])
    assert list(outcome.quarantined.index) == [row]


def test_document_with_every_figure_unmapped_validates():
    """Issue 16: all-unmapped labels (quotes and all) once crashed enrich with a TypeError."""
    frame = clean_document()
    frame["indicator_code"] = UNMAPPED
    frame["indicator_label"] = frame["indicator_label"] + "'; DROP TABLE observations; --"
    outcome = validate(frame)
    assert not outcome.rejected
    assert len(outcome.valid) + len(outcome.quarantined) == len(frame)


def test_empty_document_is_valid_and_reported():
    outcome = validate(clean_document().iloc[0:0])
    assert not outcome.rejected and outcome.valid.empty and outcome.quarantined.empty
    assert len(outcome.stats["missing_headlines"]) == 3


def test_data_docs_are_built_and_agree_with_the_fast_path(tmp_path):
    frame, _ = set_value("城镇居民人均可支配收入", 4712500, "4712500", "元")(clean_document())
    stored = validate(frame, context=open_context(tmp_path))
    fast = validate(frame)
    pd.testing.assert_frame_equal(stored.quarantined, fast.quarantined)
    url = build_data_docs(tmp_path)
    index = Path(unquote(urlparse(url).path))
    assert url.startswith("file://") and index.name == "index.html" and index.exists()
    assert index.is_relative_to(tmp_path / "gx")
    pages = list((index.parent / "validations").rglob("*.html"))
    assert any("doc-under-test" in str(p) for p in pages), pages
    assert validate(frame, context=open_context(tmp_path)).docs_url == url


def golden_documents() -> list:
    folders = sorted(f for f in GOLDEN.glob("*/") if (f / "expected.csv").exists())
    return [pytest.param(folder, id=folder.name) for folder in folders]


@pytest.mark.parametrize("folder", golden_documents())
def test_hand_labelled_figures_pass(folder):
    """Figures a person read off real documents: any quarantine here is a false alarm."""
    frame = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False)
    frame["indicator_code"] = frame["indicator_code"].replace("", UNMAPPED)
    for column in ("value", "value_high"):
        frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
    frame = frame[FIGURE_COLUMNS].replace({"raw_value": {"": np.nan}, "raw_unit": {"": np.nan}})
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8")) or {}
    outcome = validate_figures(frame, document_id=folder.name, kind=meta.get("kind", ""))
    assert outcome.quarantined["reason"].tolist() == []


def test_allowed_units_cover_the_extractor_and_the_catalog():
    """One unit table: every base unit the extractor emits and every catalog unit validates."""
    from zhibiao.expectations.checks import base_unit
    from zhibiao.transforms import catalog, units

    listed = set(catalog.load_catalog()["unit"].map(base_unit))
    assert (units.base_units() | listed) - set(rules.ALLOWED_UNITS) == set()


def test_one_suite_run_per_document_not_per_figure():
    """The suites run once on the whole batch: 150 figures evaluate as many expectations as
    18 (speed itself is measured by `make bench`, never asserted here)."""
    small = clean_document()
    frame = pd.concat([small] * 9, ignore_index=True).iloc[:150]
    frame["region"] = [f"县{i // 18}县" for i in range(150)]  # distinct keys, no conflicts
    outcome = validate(frame)
    assert outcome.stats["rows"] == 150
    assert outcome.stats["expectations"] == validate(small).stats["expectations"]


def batch_of_documents() -> list[tuple[str, str, pd.DataFrame]]:
    """Clean, partly bad, rejected, empty and contract-breaking documents in one batch."""
    documents = [("clean", clean_document())]
    for name, change, _, _ in DEFECTS[:6]:
        documents.append((name, change(clean_document())[0]))
    rejected = clean_document()
    rejected["status"] = ["final"] * 10 + rejected["status"].tolist()[10:]
    documents.append(("rejected", rejected))
    documents.append(("empty", clean_document().iloc[:0]))
    documents.append(("period_as_int", clean_document().assign(period=2023)))
    return [(name, "work_report", frame) for name, frame in documents]


def test_a_batch_quarantines_what_each_document_alone_would():
    """validate_batch (one run per suite per night) against validate_figures per document:
    the same rows kept, the same rows quarantined, for the same reasons."""
    documents = batch_of_documents()
    together = validation.validate_batch(documents, catalog=CATALOG)
    assert list(together) == [name for name, _, _ in documents]
    for name, kind, frame in documents:
        alone = validate_figures(frame, document_id=name, kind=kind, catalog=CATALOG)
        got = together[name]
        assert (got.rejected, got.reason) == (alone.rejected, alone.reason), name
        pd.testing.assert_frame_equal(got.valid, alone.valid)
        pd.testing.assert_frame_equal(got.quarantined, alone.quarantined)
        assert got.stats["failed_expectations"] == alone.stats["failed_expectations"], name
    # the same keys in seven documents: no document's cross-figure check sees another's rows
    assert together["clean"].quarantined.empty and together["clean"].stats["failed"] == 0


def test_a_batch_is_one_run_of_each_suite(monkeypatch):
    """Clean documents of one night: two suite runs in all (contract, figures), not two a
    document; a document breaking the contract is judged alone, the others still together."""
    runs = []
    real = validation._run

    def counted(ready, suite, batch, label):
        runs.append((suite, len(batch)))
        return real(ready, suite, batch, label)

    monkeypatch.setattr(validation, "_run", counted)
    documents = [(f"doc{i}", "work_report", clean_document()) for i in range(5)]
    outcomes = validation.validate_batch(documents, catalog=CATALOG)
    assert not any(o.rejected or len(o.quarantined) for o in outcomes.values())
    contract, figures = suites.CONTRACT_SUITE, suites.FIGURES_SUITE
    assert runs == [(contract, 90), (figures, 90)]
    runs.clear()
    broken = ("text_values", "work_report", clean_document().assign(value="1"))
    outcomes = validation.validate_batch([*documents, broken], catalog=CATALOG)
    assert outcomes["text_values"].rejected and not outcomes["doc0"].rejected
    assert sorted(runs) == sorted([(contract, 90), (contract, 18), (figures, 90)])
