"""SYNTHETIC sample warehouse for the analyst guide and its test: five invented documents.

Not real statistics. The 2024 work report's 2023 estimates and 2024 targets are taken from
the bundled 林芝 report (data/sources/); every other document, date and value is invented to
show each warehouse feature once: an estimate revised by a bulletin, restated as final;
targets met, missed and pending; a derived prior-year level; a county; an unmapped label;
a conflicting duplicate and a validation failure in quarantine. Replace with the real
bundled documents once the pipeline loads them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from zhibiao.schema import FIGURE_COLUMNS
from zhibiao.transforms.catalog import load_catalog
from zhibiao.warehouse.db import connect
from zhibiao.warehouse.load import (
    finish_run,
    load_document,
    record_quarantine,
    start_run,
    upsert_indicators,
    upsert_sources,
)
from zhibiao.warehouse.records import upsert_regions

EXTRACTOR_VERSION = "sample-1"
SAMPLE_URL = "https://example.invalid/{}.html"  # invented documents have no real address
LINZHI = "林芝市"

# A slice of the indicator catalog, codes and growth bases as in transforms/catalog.py:
# growth_basis decides which levels get a derived prior-year value (nominal only); the
# English name and direction (which side of an eq/approx target is met) are the real catalog's.
CATALOG = pd.DataFrame(
    [
        ("gdp", "地区生产总值", "元", "flow", "real"),
        ("industrial_value_added_above_scale", "规上工业增加值", "元", "flow", "real"),
        ("fixed_asset_investment", "固定资产投资", "元", "flow", "nominal"),
        ("retail_sales", "社会消费品零售总额", "元", "flow", "nominal"),
        ("urban_disposable_income_per_capita", "城镇居民人均可支配收入", "元", "flow", "nominal"),
        ("cpi", "居民消费价格", "%", "rate", "none"),
    ],
    columns=["code", "name_zh", "unit", "kind", "growth_basis"],
).assign(aliases="", category="economy", headline=True)
CATALOG = CATALOG.merge(load_catalog()[["code", "name_en", "direction"]], on="code", how="left")

NAMES = dict(zip(CATALOG["code"], CATALOG["name_zh"], strict=True))

# (code or label, period, measure, value, status, qualifier[, region]); levels in 元 are
# already in the base unit. An unknown code is stored as 'unmapped' with it as the label.
DOCUMENTS = [
    (
        {
            "document_id": "synthetic-gwr-2023",
            "source_id": "linzhi-gwr",
            "kind": "work_report",
            "title": "2023年政府工作报告 (synthetic)",
            "published_on": "2023-01-12",
        },
        [
            ("gdp", "2022", "level", 2.12e10, "estimate", "eq"),
            ("gdp", "2022", "growth_pct", 5.0, "estimate", "eq"),
            ("retail_sales", "2022", "level", 5.3e9, "estimate", "eq"),
            ("retail_sales", "2022", "growth_pct", 4.0, "estimate", "eq"),
            ("gdp", "2023", "growth_pct", 10.0, "target", "approx"),
            ("fixed_asset_investment", "2023", "growth_pct", 20.0, "target", "ge"),
            ("retail_sales", "2023", "growth_pct", 12.0, "target", "ge"),
            ("urban_disposable_income_per_capita", "2023", "growth_pct", 8.0, "target", "approx"),
            ("cpi", "2023", "growth_pct", 3.0, "target", "le"),
            ("gdp", "2023", "growth_pct", 12.0, "target", "approx", "墨脱县"),
        ],
    ),
    (
        {
            "document_id": "synthetic-bulletin-2022",
            "source_id": "linzhi-bulletin",
            "kind": "statistical_bulletin",
            "title": "2022年统计公报 (synthetic)",
            "published_on": "2023-04-20",
        },
        [
            ("gdp", "2022", "level", 2.1e10, "preliminary", "eq"),
            ("gdp", "2022", "growth_pct", 5.0, "preliminary", "eq"),
            ("retail_sales", "2022", "level", 5.21e9, "preliminary", "eq"),
        ],
    ),
    (
        {
            "document_id": "synthetic-gwr-2024",
            "source_id": "linzhi-gwr",
            "kind": "work_report",
            "title": "2024年政府工作报告 (figures from the bundled report)",
            "published_on": "2024-01-15",
        },
        [
            ("gdp", "2023", "level", 2.3e10, "estimate", "eq"),
            ("gdp", "2023", "growth_pct", 10.0, "estimate", "eq"),
            ("fixed_asset_investment", "2023", "level", 1.4e10, "estimate", "eq"),
            ("fixed_asset_investment", "2023", "growth_pct", 17.7, "estimate", "eq"),
            ("industrial_value_added_above_scale", "2023", "level", 1.05e9, "estimate", "eq"),
            ("industrial_value_added_above_scale", "2023", "growth_pct", 10.0, "estimate", "eq"),
            ("urban_disposable_income_per_capita", "2023", "level", 47125.0, "estimate", "eq"),
            ("urban_disposable_income_per_capita", "2023", "growth_pct", 8.5, "estimate", "eq"),
            ("retail_sales", "2023", "level", 6.05e9, "estimate", "eq"),
            ("retail_sales", "2023", "growth_pct", 16.0, "estimate", "eq"),
            ("新增规上企业", "2023", "level", 5.0, "estimate", "eq"),
            ("gdp", "2023", "growth_pct", 13.0, "estimate", "eq", "墨脱县"),
            ("gdp", "2024", "growth_pct", 10.0, "target", "approx"),
            ("industrial_value_added_above_scale", "2024", "growth_pct", 10.0, "target", "ge"),
            ("fixed_asset_investment", "2024", "growth_pct", 16.0, "target", "approx"),
            ("retail_sales", "2024", "growth_pct", 11.0, "target", "ge"),
            ("urban_disposable_income_per_capita", "2024", "growth_pct", 8.5, "target", "approx"),
            ("cpi", "2024", "growth_pct", 3.0, "target", "le"),
            # invented: the same series stated again with another value -> quarantine
            ("gdp", "2023", "growth_pct", 9.5, "estimate", "eq"),
        ],
    ),
    (
        {
            "document_id": "synthetic-bulletin-2023",
            "source_id": "linzhi-bulletin",
            "kind": "statistical_bulletin",
            "title": "2023年统计公报 (synthetic)",
            "published_on": "2024-04-25",
        },
        [
            ("gdp", "2023", "level", 2.28e10, "preliminary", "eq"),
            ("gdp", "2023", "growth_pct", 9.8, "preliminary", "eq"),
            ("retail_sales", "2023", "level", 6.1e9, "preliminary", "eq"),
            ("retail_sales", "2023", "growth_pct", 16.5, "preliminary", "eq"),
            ("cpi", "2023", "growth_pct", 0.8, "actual", "eq"),
        ],
    ),
    (
        {
            "document_id": "synthetic-gwr-2025",
            "source_id": "linzhi-gwr",
            "kind": "work_report",
            "title": "2025年政府工作报告 (synthetic)",
            "published_on": "2025-01-20",
        },
        [
            ("gdp", "2023", "level", 2.28e10, "actual", "eq"),
            ("gdp", "2024", "growth_pct", 6.3, "estimate", "eq"),
            ("industrial_value_added_above_scale", "2024", "growth_pct", 12.0, "estimate", "eq"),
            ("fixed_asset_investment", "2024", "growth_pct", 15.8, "estimate", "eq"),
            ("retail_sales", "2024", "level", 6.7e9, "estimate", "eq"),
            ("retail_sales", "2024", "growth_pct", 10.5, "estimate", "eq"),
            ("cpi", "2024", "growth_pct", 1.2, "estimate", "eq"),
        ],
    ),
]

# A validation failure of the 2024 report (the expectations step would write it).
QUARANTINED = pd.DataFrame(
    {
        "document_id": ["synthetic-gwr-2024"],
        "stage": ["validate"],
        "reason": ["growth_pct 1003 is outside the range this indicator has ever shown"],
        "failed_expectation": ["expect_column_values_to_be_between"],
        "indicator_code": ["unmapped"],
        "indicator_label": ["民航客运吞吐量"],
        "period": ["2023"],
        "measure": ["growth_pct"],
        "value": [1003.0],
        "unit": ["%"],
        "evidence": ["民航客运、货邮吞吐量分别增长1003%、47%"],
    }
)

RUN_STARTED = dt.datetime(2025, 1, 21, 2, 0, 0)


def period_type(period: str) -> str:
    """2023 year, 2024H1 half, 2024Q1 quarter, 2024M06 month, 2024M01-M09 ytd."""
    for pattern, kind in (
        (r"\d{4}", "year"),
        (r"\d{4}H[12]", "half"),
        (r"\d{4}Q[1-4]", "quarter"),
        (r"\d{4}M\d\d", "month"),
        (r"\d{4}M\d\d-M\d\d", "ytd"),
    ):
        if re.fullmatch(pattern, period):
            return kind
    raise ValueError(f"not a period: {period!r}")


def figures_frame(rows: list[tuple]) -> pd.DataFrame:
    """The extractor's FIGURE_COLUMNS frame for compact (code, period, ...) tuples."""
    records = []
    for code, period, measure, value, status, qualifier, *region in rows:
        mapped = code in NAMES
        unit = "%" if measure == "growth_pct" else ("家" if not mapped else "元")
        yi = unit == "元" and value >= 1e8  # printed in 亿元, as the documents do
        records.append(
            {
                "indicator_code": code if mapped else "unmapped",
                "indicator_label": NAMES.get(code, code),
                "region": region[0] if region else LINZHI,
                "period": period,
                "period_type": period_type(period),
                "measure": measure,
                "value": value,
                "value_high": np.nan,
                "unit": unit,
                "raw_value": f"{value / 1e8:g}" if yi else f"{value:g}",
                "raw_unit": "亿元" if yi else unit,
                "status": status,
                "qualifier": qualifier,
                "evidence": f"(synthetic) {NAMES.get(code, code)} {period}",
            }
        )
    return pd.DataFrame(records, columns=FIGURE_COLUMNS)


def load_sample(con: duckdb.DuckDBPyConnection) -> None:
    """Load the catalog and region codes, the sources, the five documents, a quarantine row
    and one run."""
    upsert_indicators(con, CATALOG)
    upsert_regions(con)
    upsert_sources(
        con,
        [
            {
                "id": "linzhi-gwr",
                "url": "data/sources/linzhi-gwr.txt",
                "kind": "work_report",
                "region": LINZHI,
                "cadence": "yearly",
            },
            {
                "id": "linzhi-bulletin",
                "url": "data/sources/linzhi-bulletin.txt",
                "kind": "statistical_bulletin",
                "region": LINZHI,
                "cadence": "yearly",
            },
        ],
    )
    run_id = start_run(con, "nightly", run_id="synthetic-run-1", started_at=RUN_STARTED)
    loaded = 0
    for document, rows in DOCUMENTS:
        result = load_document(
            con,
            {**document, "region": LINZHI, "url": SAMPLE_URL.format(document["document_id"])},
            figures_frame(rows),
            extractor_version=EXTRACTOR_VERSION,
            run_id=run_id,
        )
        loaded += result.inserted
    quarantined = record_quarantine(con, QUARANTINED, run_id=run_id, source_id="linzhi-gwr")
    finish_run(
        con,
        run_id,
        finished_at=RUN_STARTED + dt.timedelta(minutes=3),
        documents_seen=len(DOCUMENTS),
        documents_new=len(DOCUMENTS),
        documents_unchanged=0,
        documents_failed=0,
        figures_loaded=loaded,
        figures_quarantined=quarantined,
        alerts_raised=0,
        summary="synthetic sample run",
    )


def build_sample_warehouse(path: str | Path) -> Path:
    """A fresh warehouse file holding the synthetic sample (for the guide and tests)."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; the sample goes into a new file only")
    con = connect(path)
    try:
        load_sample(con)
    finally:
        con.close()
    return path
