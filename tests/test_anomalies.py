"""Anomaly rules on synthetic fixtures in a real DuckDB file, and their judgement tables."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from zhibiao.transforms import anomalies
from zhibiao.transforms.anomalies import robust_z
from zhibiao.warehouse.alerts import detect_and_record, open_alerts
from zhibiao.warehouse.load import number_series
from zhibiao.warehouse.migrate import apply_schema
from zhibiao.warehouse.sql_files import load_sql

FIXTURES = Path(__file__).parent / "fixtures" / "alerts"
SQL_DIR = Path(__file__).parents[1] / "zhibiao" / "warehouse" / "sql"
NOW = datetime(2025, 6, 1, 3, 0)

# Fixture observations are staged with the columns a person would write; the copy fills the rest.
STAGING = """
create temp table fx_observations (
    indicator_code varchar, region varchar, period varchar, measure varchar, value double,
    value_high double, unit varchar, status varchar, qualifier varchar, document_id varchar,
    published_on date, evidence varchar)"""
COPY = """
insert into observations by name
select *, indicator_code as indicator_label, published_on as realtime_start,
       case when length(period) = 4 then 'year' when period like '%-%' then 'ytd'
            when period like '%Q%' then 'quarter' when period like '%H%' then 'half'
            else 'month' end as period_type
       {extra}
from fx_observations"""
# The loader's series_kind column, when the core tables have it (its check constraint).
SERIES_KIND = """, case status when 'target' then 'target' when 'derived' then 'derived'
                  else 'stated' end as series_kind"""


def alert_db(path: Path) -> duckdb.DuckDBPyConnection:
    """The whole schema: the target_missed rule reads the targets_vs_actuals view."""
    con = duckdb.connect(str(path))
    apply_schema(con)
    con.execute(STAGING)
    return con


def load_fixture(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute((FIXTURES / f"{name}.sql").read_text(encoding="utf-8"))
    insert_staged(con)


def insert_staged(con: duckdb.DuckDBPyConnection) -> None:
    cols = {r[0] for r in con.execute("describe observations").fetchall()}
    con.execute(COPY.format(extra=SERIES_KIND if "series_kind" in cols else ""))
    con.execute("delete from fx_observations")
    if "is_latest" in cols:  # the loader's latest flags, by its own SQL, over every series
        number_series(con)
        con.execute(
            "create or replace temp table _zb_keys as select distinct series_id from observations"
        )
        con.execute(load_sql("intervals"))
        con.execute(load_sql("apply_intervals"))


def catalog() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "catalog.csv")


def _expected() -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    with open(FIXTURES / "expected.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            fixture = row.pop("fixture")
            out.setdefault(fixture, []).append(tuple(row.values()))
    return out


EXPECTED = _expected()
OBSERVATION_RULES = {r.__name__ for r in anomalies.OBSERVATION_RULES} | {
    "target_missed",
    "large_revision",
}


def _rows(frame: pd.DataFrame) -> list[tuple]:
    cols = ["rule", "indicator_code", "region", "period", "measure", "severity"]
    return sorted(tuple("" if pd.isna(v) else v for v in r) for r in frame[cols].to_numpy())


def test_every_rule_has_a_fixture():
    assert {rule for rows in EXPECTED.values() for rule, *_ in rows} == set(anomalies.MESSAGES)


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_fixture_raises_exactly_its_alerts(tmp_path, fixture):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, fixture)
    new = detect_and_record(con, catalog(), NOW)
    assert _rows(new) == sorted(EXPECTED[fixture])
    assert _rows(open_alerts(con)) == sorted(EXPECTED[fixture])
    for a in new.to_dict("records"):
        assert len(a["fingerprint"]) == 64 and a["alert_id"] == a["fingerprint"][:16]
        assert a["status"] == "open" and a["opened_at"] == NOW and pd.isna(a["notified_at"])
        assert a["message_zh"] and a["message_en"] and "nan" not in a["message_en"]
        if a["rule"] in OBSERVATION_RULES | {"validation_failed"}:
            assert a["evidence"]
        if a["rule"] in OBSERVATION_RULES | {"validation_failed", "document_rejected"}:
            assert len(a["document_ids"]) >= 1


# fixture, indicator_code, measure, the numbers a reader must find in message_zh / message_en
MESSAGE_CASES = [
    (
        "level_growth_mismatch",
        "gdp",
        None,
        ["232亿元", "200亿元", "16.0%", "10%", "容差5"],
        ["6.0 pp"],
    ),
    ("level_growth_mismatch", "fixed_asset_investment", None, ["140亿元", "17.7%"], ["40.0%"]),
    (
        "target_missed",
        "retail_sales",
        "growth_pct",
        ["12%以上", "11%", "未完成目标，差1.00个百分点"],
        ["at least 12%", "missed by 1.00 pp"],
    ),
    ("target_missed", "cpi", "growth_pct", ["3%以内", "3.4%"], ["at most 3%"]),
    ("target_missed", "fixed_asset_investment", "growth_pct", ["10%左右", "超出"], ["about 10%"]),
    ("large_revision", "gdp", "level", ["230亿元", "236亿元", "2.6%"], ["2024-09-30"]),
    ("large_revision", "gdp", "growth_pct", ["10%", "8.5%", "1.50个百分点"], ["1.50 pp"]),
    ("growth_outlier", "gdp", "growth_pct", ["25%", "中位数为9.2%"], ["robust z of 21.3"]),
    ("implausible_value", "tourist_visits", "growth_pct", ["1200%", "1000%"], ["1200%"]),
    ("source_stale", None, None, ["2025-01-10", "2025-04-12", "142天"], ["142 days"]),
    ("validation_failed", "gdp", None, ["2个数字", "-100%至500%"], ["2 figure(s)"]),
    ("document_rejected", None, None, ["登录表单", "统计公报"], ["rejected"]),
]


@pytest.mark.parametrize(("fixture", "code", "measure", "zh", "en"), MESSAGE_CASES)
def test_messages_carry_the_numbers(tmp_path, fixture, code, measure, zh, en):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, fixture)
    new = detect_and_record(con, catalog(), NOW)
    if code is not None:
        new = new[new["indicator_code"] == code]
    if measure is not None:
        new = new[new["measure"] == measure]
    text_zh, text_en = "\n".join(new["message_zh"]), "\n".join(new["message_en"])
    assert all(s in text_zh for s in zh), text_zh
    assert all(s in text_en for s in en), text_en


def test_evidence_is_the_source_sentences(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "large_revision")
    gdp = detect_and_record(con, catalog(), NOW).query(
        "indicator_code == 'gdp' and measure == 'level'"
    )
    (a,) = gdp.to_dict("records")
    assert a["evidence"].splitlines() == [
        "全年地区生产总值236亿元，增长8.5%。",
        "预计实现地区生产总值230亿元、增长10%。",
    ]
    assert sorted(a["document_ids"]) == ["doc-bulletin-2023", "doc-gwr-2024"]


def test_empty_warehouse_raises_nothing(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    assert detect_and_record(con, catalog(), NOW).empty


def test_catalog_falls_back_to_the_indicators_table(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    con.register("cat", catalog().rename(columns={"code": "indicator_code"}))
    con.execute("insert into indicators by name select * from cat")
    load_fixture(con, "level_growth_mismatch")
    assert len(detect_and_record(con, None, NOW)) == 3


@pytest.mark.parametrize(
    ("history", "x", "z"),
    [
        ([9.0, 10.0, 9.5, 8.5, 9.2], 25.0, 21.31),  # MAD 0.3 floored to 0.5
        ([8, 12, 10, 9, 11], 16.0, 4.05),
        ([10, 10, 10, 10], 10.3, 0.40),  # a flat history does not make 0.3 pp infinite
    ],
)
def test_robust_z(history, x, z):
    assert robust_z(np.array(history, dtype=float), x) == pytest.approx(z, abs=0.01)


def test_fingerprint_ignores_float_noise_but_not_values():
    key = {"indicator_code": "gdp", "region": "林芝市", "period": "2023"}
    fp = anomalies.fingerprint("large_revision", key, {"previous": 23000000000.0})
    assert fp == anomalies.fingerprint("large_revision", key, {"previous": 23000000000.000004})
    assert fp != anomalies.fingerprint("large_revision", key, {"previous": 23100000000.0})


# ---- Severity follows the size (one row a case) ------------------------------------------

CATALOG_NAMES = pd.DataFrame(
    [("gdp", "地区生产总值", "Gross regional product"), ("x", "某指标", "Some indicator")],
    columns=["code", "name_zh", "name_en"],
)


@pytest.mark.parametrize(
    ("measure", "unit", "qualifier", "direction", "target", "actual", "severity"),
    [
        ("growth_pct", "%", "ge", None, 12, 11.8, "info"),  # missed by 0.2 pp
        ("growth_pct", "%", "ge", None, 12, 11.0, "warning"),  # 1 pp
        ("growth_pct", "%", "ge", None, 12, 7.0, "critical"),  # 5 pp
        ("growth_pct", "%", "eq", "more", 10, 9.4, "info"),  # 0.6 pp below 增长10%
        ("growth_pct", "%", "le", "less", 3, 6.5, "critical"),  # prices 3.5 pp over 3%以内
        ("level", "元", "ge", None, 1e10, 9.6e9, "info"),  # 4 % short
        ("level", "元", "ge", None, 1e10, 9.0e9, "warning"),  # 10 %
        ("level", "元", "ge", None, 1e10, 8.0e9, "critical"),  # 20 %
        ("growth_pct", "%", "approx", None, 10, 16.0, "info"),  # above the band: news
    ],
)
def test_a_missed_target_is_graded_by_how_far(
    measure, unit, qualifier, direction, target, actual, severity
):
    row = {
        "indicator_code": "x", "region": "林芝市", "period": "2024", "measure": measure,
        "unit": unit, "qualifier": qualifier, "direction": direction, "target_value": target,
        "target_value_high": np.nan, "actual_value": actual, "actual_status": "actual",
        "target_evidence": "t", "target_document_id": "dt", "actual_evidence": "a",
        "actual_document_id": "da",
    }  # fmt: skip
    (alert,) = anomalies.target_missed(pd.DataFrame([row]), CATALOG_NAMES).to_dict("records")
    assert alert["severity"] == severity
    assert alert["document_ids"] == ["da", "dt"]  # the actual's document heads the alert


@pytest.mark.parametrize(
    ("measure", "unit", "previous", "revised", "severity"),
    [
        ("level", "元", 100.0, 101.5, None),  # 1.5 %: under the 2 % threshold, no alert
        ("level", "元", 100.0, 103.0, "info"),
        ("level", "元", 100.0, 110.0, "warning"),
        ("level", "元", 100.0, 130.0, "critical"),
        ("growth_pct", "%", 10.0, 8.5, "info"),  # 1.5 pp
        ("growth_pct", "%", 10.0, 7.0, "warning"),  # 3 pp
        ("growth_pct", "%", 10.0, 4.0, "critical"),  # 6 pp
    ],
)
def test_a_revision_is_graded_by_its_size(measure, unit, previous, revised, severity):
    row = {
        "indicator_code": "gdp", "region": "林芝市", "period": "2023", "measure": measure,
        "series_kind": "stated", "unit": unit, "previous_value": previous,
        "revised_value": revised, "change": revised - previous,
        "previous_published_on": pd.Timestamp("2024-01-15"),
        "revised_published_on": pd.Timestamp("2024-09-30"), "previous_evidence": "p",
        "revised_evidence": "r", "previous_document_id": "dp", "revised_document_id": "dr",
    }  # fmt: skip
    found = anomalies.large_revision(pd.DataFrame([row]), CATALOG_NAMES)
    assert list(found["severity"]) == ([severity] if severity else [])


def test_headings_name_the_rule_and_the_indicator_in_words(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "target_missed")
    new = detect_and_record(con, catalog(), NOW).set_index("indicator_code")
    assert new.loc["retail_sales", "heading_zh"] == "目标未完成 · 社会消费品零售总额 · 林芝市2024年"
    assert new.loc["retail_sales", "heading_en"] == (
        "Target missed · Retail sales of consumer goods · 林芝市 2024"
    )
    assert new.loc["fixed_asset_investment", "heading_zh"].startswith("超出目标区间 · 固定资产投资")
    for a in new.to_dict("records"):
        assert "请核对：" in a["message_zh"] and " Check: " in a["message_en"]


def test_a_validation_alert_names_its_document_by_title(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "validation_failed")
    con.execute(
        "insert into documents (document_id, title, status) "
        "values ('doc-a', '林芝市2024年1-3月经济运行情况', 'loaded')"
    )
    headings = set(detect_and_record(con, catalog(), NOW)["heading_zh"])
    assert headings == {
        "校验未通过 · 林芝市2024年1-3月经济运行情况 · 2024年",
        "校验未通过 · 林芝市2024年1-3月经济运行情况",
    }


def test_a_registry_of_single_documents_is_never_stale():
    """The bundled default: one work report, years old, judged on an empty frame of sources."""
    sources = pd.DataFrame(
        {"source_id": ["gwr"], "kind": ["work_report"], "region": ["林芝市"], "cadence": ["yearly"]}
    )
    documents = pd.DataFrame(
        {
            "source_id": ["gwr"],
            "published_on": pd.to_datetime(["2024-01-15"]),
            "fetched_at": pd.to_datetime(["2024-01-16"]),
        }
    )
    assert anomalies.source_stale(sources, documents, NOW).empty


# ---- Incremental detection: the series loaded since the last detection ------------------


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_a_detection_after_the_fixture_arrived_raises_the_same_alerts(tmp_path, fixture):
    """The night before found nothing (a full first detection); the fixture's rows are what
    the next night loaded, and an incremental detection reads only them: it must raise
    exactly what a full one raises."""
    con = alert_db(tmp_path / "warehouse.duckdb")
    assert detect_and_record(con, catalog(), NOW).empty
    load_fixture(con, fixture)
    new = detect_and_record(con, catalog(), NOW)
    assert _rows(new) == sorted(EXPECTED[fixture])
    log = con.execute("select full_scan from detections order by detected_at, full_scan desc")
    assert log.fetchall() == [(True,), (False,)]


def test_an_incremental_detection_reads_only_the_indicators_and_regions_loaded(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "level_growth_mismatch")
    detect_and_record(con, catalog(), NOW)
    con.execute(
        "insert into fx_observations values ('gdp', '巴宜区', '2023', 'level', 5e9, null, '元', "
        "'actual', 'eq', 'doc-bayi', '2024-03-01', '（合成）巴宜区地区生产总值50亿元。')"
    )
    insert_staged(con)
    detect_and_record(con, catalog(), NOW)
    pairs, read = con.execute(
        "select scope_pairs, observations_read from detections where not full_scan"
    ).fetchone()
    # gdp in 巴宜区, with the other members of its groups (three sectors, their three shares)
    assert (pairs, read) == (7, 1)
    # the alerts of the series it did not read stay open
    assert len(open_alerts(con)) == len(EXPECTED["level_growth_mismatch"])


def test_a_series_whose_rows_are_gone_closes_its_alert_on_a_full_detection(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "level_growth_mismatch")
    detect_and_record(con, catalog(), NOW)
    con.execute("delete from observations where indicator_code = 'fixed_asset_investment'")
    detect_and_record(con, catalog(), NOW)  # nothing loaded: nothing read, nothing closed
    assert "fixed_asset_investment" in set(open_alerts(con)["indicator_code"])
    detect_and_record(con, catalog(), NOW, full=True)
    assert "fixed_asset_investment" not in set(open_alerts(con)["indicator_code"])


def test_changed_rules_or_catalog_judge_every_series_again(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "level_growth_mismatch")
    detect_and_record(con, catalog(), NOW)
    detect_and_record(con, catalog(), NOW)
    edited = catalog().assign(name_en=lambda c: c["name_en"] + " ")
    detect_and_record(con, edited, NOW)
    log = con.execute("select full_scan from detections order by rowid").fetchall()
    assert log == [(True,), (False,), (True,)]


def test_the_scope_takes_every_part_of_a_whole_in_the_same_region():
    touched = pd.DataFrame(
        {"indicator_code": ["gdp_primary", "cpi"], "region": ["巴宜区", "林芝市"]}
    )
    pairs = set(map(tuple, anomalies.scope(touched).itertuples(index=False)))
    sectors = {"gdp_primary", "gdp_secondary", "gdp_tertiary"}
    shares = {f"{code}_share" for code in sectors}  # of the whole, gdp, too
    group = {"gdp", *sectors, *shares}
    assert pairs == {(code, "巴宜区") for code in group} | {("cpi", "林芝市")}


def test_a_labelled_series_is_judged_apart_from_the_indicator(tmp_path):
    """国庆黄金周 tourist visits are not the year's: a level of the holiday is never compared
    with the year's growth."""
    con = alert_db(tmp_path / "warehouse.duckdb")
    load_fixture(con, "level_growth_mismatch")
    con.execute(
        "update observations set series_label = '国庆黄金周' "
        "where indicator_code = 'fixed_asset_investment' and period = '2022'"
    )
    found = detect_and_record(con, catalog(), NOW)
    assert "fixed_asset_investment" not in set(found["indicator_code"])


def test_the_rules_version_is_the_catalogs_content_not_its_frame():
    """The flow passes the catalog file, `zhibiao alerts detect` the indicators table: the
    same content must not make every other detection a full one."""
    from zhibiao.transforms.catalog import load_catalog

    file = load_catalog()
    table = file.drop(columns=["direction", "aliases"]).iloc[::-1]
    assert anomalies.rules_version(table) == anomalies.rules_version(file)
    renamed = file.assign(name_en=file["name_en"].where(file["code"] != "gdp", "Output"))
    assert anomalies.rules_version(renamed) != anomalies.rules_version(file)
