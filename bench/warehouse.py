"""Benchmark the warehouse views on 10 million observations (make bench; not a timed test).

Builds a synthetic warehouse with DuckDB SQL (bench/warehouse.sql), then times the analysts'
three typical questions against their targets, each also as a ratio to a full scan of
observations measured in the same run, so that numbers from slower machines still compare.
Ends with one document loaded into the big warehouse, the nightly write path at scale.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from zhibiao.warehouse.db import connect
from zhibiao.warehouse.load import load_document

HERE = Path(__file__).resolve().parent
REPEAT = 7  # median of 7 warm runs: 2 noisy cores

BASELINE = ("full scan of observations", "select sum(value) from observations", {})

# (name, sql, params, target in ms)
QUERIES = [
    (
        "as-of query, one series",
        "select * from observations_as_of($ts) where indicator_code = $code "
        "and region = $region and period = $period and measure = 'level'",
        {"ts": "2015-06-01", "code": "ind042", "region": "region042", "period": "2014Q2"},
        50,
    ),
    (
        "observations_latest, one indicator, all regions",
        "select * from observations_latest where indicator_code = $code",
        {"code": "ind042"},
        100,
    ),
    ("targets_vs_actuals, full", "select * from targets_vs_actuals", {}, 1000),
]


def build(path: Path) -> tuple[float, int]:
    """Generate the 10M-row warehouse in series-key order; returns seconds and row count."""
    started = time.perf_counter()
    con = connect(path)
    try:
        con.execute((HERE / "warehouse.sql").read_text(encoding="utf-8"))
        con.execute("checkpoint")
        rows = con.execute("select count(*) from observations").fetchone()[0]
    finally:
        con.close()
    return time.perf_counter() - started, rows


def relayout(source: Path, path: Path) -> float:
    """The same rows in publication order, the layout nightly loads really produce."""
    started = time.perf_counter()
    con = connect(path)
    try:
        con.execute("attach ? as src (read_only)", [str(source)])
        con.execute(
            "insert into observations by name "
            "select * exclude (observation_id) from src.observations "
            "order by published_on, document_id, indicator_code, region, period, measure"
        )
        con.execute("detach src")
        con.execute("checkpoint")
    finally:
        con.close()
    return time.perf_counter() - started


def median_ms(con, sql: str, params: dict) -> tuple[float, int]:
    """Median wall time of REPEAT runs after a warm-up, result fetched into Arrow."""
    rows = con.sql(sql, params=params).to_arrow_table().num_rows
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        con.sql(sql, params=params).to_arrow_table()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, rows


def one_document() -> tuple[dict, pd.DataFrame]:
    """A 60-figure document restating and revising series of the synthetic warehouse."""
    figures = pd.DataFrame(
        {
            "indicator_code": [f"ind{i:03d}" for i in range(30) for _ in range(2)],
            "indicator_label": "bench",
            "region": "region007",
            "period": "2024",
            "period_type": "year",
            "measure": ["level", "growth_pct"] * 30,
            "value": np.tile([3.3e8, 7.5], 30),
            "value_high": np.nan,
            "unit": ["元", "%"] * 30,
            "raw_value": None,
            "raw_unit": None,
            "status": "actual",
            "qualifier": "eq",
            "evidence": "bench",
        }
    )
    return {"document_id": "bench-late-doc", "published_on": "2026-03-01"}, figures


def measure(path: Path, layout: str) -> int:
    """Print each query's median against its target; returns how many targets were missed."""
    con = connect(path, read_only=True)
    base_ms, _ = median_ms(con, *BASELINE[1:])
    print(f"-- {layout}")
    print(f"{'baseline: ' + BASELINE[0]:<52} {base_ms:8.1f} ms   1.00x")
    over = 0
    for name, sql, params, target in QUERIES:
        ms, n = median_ms(con, sql, params)
        over += ms >= target
        verdict = "ok" if ms < target else "OVER TARGET"
        print(f"{name:<52} {ms:8.1f} ms {ms / base_ms:6.2f}x {n:>8,} rows  < {target} ms {verdict}")
    con.close()
    return over


def time_load(path: Path) -> None:
    """The nightly write path at scale: one document into the 10M-row warehouse."""
    con = connect(path)
    started = time.perf_counter()
    result = load_document(con, *one_document(), extractor_version="bench")
    ms = (time.perf_counter() - started) * 1000
    con.close()
    print(f"{'load_document, 60 figures':<52} {ms:8.1f} ms  {result}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zhibiao-bench-") as tmp:
        by_key, by_date = Path(tmp) / "by-key.duckdb", Path(tmp) / "by-date.duckdb"
        seconds, rows = build(by_key)
        print(f"built {rows:,} observations in {seconds:.1f} s (series-key order)")
        over = measure(by_key, "rows in series-key order (bench/warehouse.sql)")
        relayout_seconds = relayout(by_key, by_date)
        time_load(by_key)
        by_key.unlink()
        print(f"\nre-laid out in publication order in {relayout_seconds:.1f} s")
        over += measure(by_date, "rows in publication order (as nightly loads append them)")
        time_load(by_date)
    print("all targets held" if not over else f"{over} target(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
