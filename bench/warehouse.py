"""The warehouse at 10 million observations: the analysts' queries and the nightly load (make bench).

Builds a synthetic warehouse with DuckDB SQL (bench/warehouse.sql), in series-key order and
again in publication order (the layout nightly loads really produce). Each query is timed
against its time target and reported beside its floor, the bare filtered scan of the
observations table that the view must do at least. Each load of 1,000 figures, into an empty
warehouse and into the big one, is held to a ratio to its floor: one Arrow insert of the same
rows into the same table, rolled back.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import Report, Result, Timing, measure  # noqa: E402
from zhibiao.warehouse import migrate  # noqa: E402
from zhibiao.warehouse.db import connect  # noqa: E402
from zhibiao.warehouse.load import load_document  # noqa: E402

HERE = Path(__file__).resolve().parent
REPEAT = 5
LOAD_FIGURES = 1000
MAX_LOAD_RATIO = 3  # issue 17: a load within 3x of one Arrow insert of the same rows
SKIP_BIG = os.environ.get("ZHIBIAO_BENCH_SMALL") == "1"  # the 10M rows need ~3 GB, minutes

# (name, sql, floor sql, params, target in seconds)
QUERIES = [
    (
        "as-of query, one series",
        "select * from observations_as_of($ts) where indicator_code = $code "
        "and region = $region and period = $period and measure = 'level'",
        "select * from observations where indicator_code = $code "
        "and region = $region and period = $period and measure = 'level'",
        {"ts": "2015-06-01", "code": "ind042", "region": "region042", "period": "2014Q2"},
        0.050,
    ),
    (
        "observations_latest, one indicator, all regions",
        "select * from observations_latest where indicator_code = $code",
        "select * from observations where indicator_code = $code and is_latest",
        {"code": "ind042"},
        0.100,
    ),
    (
        "targets_vs_actuals, full",
        "select * from targets_vs_actuals",
        "select * from observations where series_kind = 'target'",
        {},
        1.0,
    ),
]


def build(path: Path) -> tuple[float, int, float]:
    """Generate the 10M-row warehouse in series-key order; returns seconds, row count and
    the seconds of its upgrade to the current schema.

    The rows go into the tables of the migrations before 007 (what every version before the
    schema_version table applied on connect), and the first connect upgrades them: so the
    rows get their series ids by migration 009 itself, as an older warehouse's would, and
    the upgrade of 10M rows is timed."""
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    try:
        for migration in migrate.migrations():
            if migration.number < 7:
                con.execute(migration.text)
        con.execute((HERE / "warehouse.sql").read_text(encoding="utf-8"))
        con.execute("checkpoint")
        rows = con.execute("select count(*) from observations").fetchone()[0]
    finally:
        con.close()
    upgrading = time.perf_counter()
    con = connect(path)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    return time.perf_counter() - started, rows, time.perf_counter() - upgrading


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


def queries(report: Report, path: Path, layout: str) -> None:
    con = connect(path, read_only=True)
    try:
        for name, sql, floor_sql, params, target in QUERIES:
            rows = con.sql(sql, params=params).to_arrow_table().num_rows
            timing = measure(lambda s=sql, p=params: con.sql(s, params=p).to_arrow_table())
            bound = {k: v for k, v in params.items() if f"${k}" in floor_sql}
            floor = measure(lambda s=floor_sql, p=bound: con.sql(s, params=p).to_arrow_table())
            report.add(
                Result(
                    f"{name} ({layout})",
                    timing,
                    "the bare filtered scan of observations",
                    floor,
                    max_seconds=target,
                    note=f"{rows:,} rows",
                )
            )
    finally:
        con.close()


def figures(seed: int) -> pd.DataFrame:
    """1,000 figures of a statistical bulletin: 500 series of the synthetic warehouse, level
    and growth each, with new values (each load opens new vintages and closes old ones)."""
    rng = np.random.default_rng(seed)
    n = LOAD_FIGURES // 2
    codes = [f"ind{i % 100:03d}" for i in range(n)]
    regions = [f"region{i // 100:03d}" for i in range(n)]
    return pd.DataFrame(
        {
            "indicator_code": codes * 2,
            "indicator_label": "bench",
            "region": regions * 2,
            "period": "2024",
            "period_type": "year",
            "measure": ["level"] * n + ["growth_pct"] * n,
            "value": np.concatenate([rng.uniform(1e8, 1e9, n), rng.uniform(-5, 15, n)]),
            "value_high": np.nan,
            "unit": ["元"] * n + ["%"] * n,
            "raw_value": None,
            "raw_unit": None,
            "status": "actual",
            "qualifier": "eq",
            "evidence": "bench",
        }
    )


def arrow_rows(frame: pd.DataFrame, document_id: str) -> pa.Table:
    """The figures as the observations rows a load writes, for the floor's one insert."""
    rows = frame.assign(
        document_id=document_id,
        published_on=pd.Timestamp("2026-03-01"),
        realtime_start=pd.Timestamp("2026-03-01"),
        extractor_version="bench",
        series_label="",
        series_kind="stated",
    )
    return pa.Table.from_pandas(rows, preserve_index=False)


def loads(report: Report, path: Path, where: str) -> None:
    """load_document of 1,000 figures against one Arrow insert of the same rows."""
    con = connect(path)
    counter = itertools.count()
    frame = figures(0)
    table = arrow_rows(frame, "bench-floor")

    def floor() -> None:
        con.execute("begin transaction")
        con.register("_bench_rows", table)
        con.execute("insert into observations by name select * from _bench_rows")
        con.unregister("_bench_rows")
        con.execute("rollback")

    def load() -> None:
        n = next(counter)
        document = {
            "document_id": f"bench-{where}-{n}",
            "published_on": f"2026-03-{n % 28 + 1:02d}",
        }
        load_document(con, document, figures(n), extractor_version="bench")

    try:
        floor_t = measure(floor, REPEAT)
        load_t = measure(load, REPEAT)
        rows = con.execute("select count(*) from observations").fetchone()[0]
    finally:
        con.close()
    report.add(
        Result(
            f"load_document, {LOAD_FIGURES:,} figures into {where}",
            load_t,
            "one Arrow insert of the same rows",
            floor_t,
            max_ratio=MAX_LOAD_RATIO,
            note=f"{next(counter)} loads in all; the warehouse ended with {rows:,} rows",
        )
    )


def main() -> int:
    report = Report("warehouse")
    with tempfile.TemporaryDirectory(prefix="zhibiao-bench-") as tmp:
        empty = Path(tmp) / "empty.duckdb"
        loads(report, empty, "an empty warehouse")
        if SKIP_BIG:
            print("ZHIBIAO_BENCH_SMALL=1: the 10M-row warehouse is skipped")
            return report.write()
        by_key, by_date = Path(tmp) / "by-key.duckdb", Path(tmp) / "by-date.duckdb"
        seconds, rows, upgrade = build(by_key)
        print(f"built {rows:,} observations in {seconds:.1f} s (series-key order)")
        report.add(
            Result(
                f"upgrade of a warehouse of {rows / 1e6:.0f}M rows made before schema_version",
                Timing(upgrade, upgrade, upgrade, 1, 1),
                note="every migration since 007; 009 numbers 3M series (once per warehouse)",
            )
        )
        queries(report, by_key, "series-key order")
        relayout_seconds = relayout(by_key, by_date)
        by_key.unlink()
        print(f"re-laid out in publication order in {relayout_seconds:.1f} s")
        queries(report, by_date, "publication order")
        loads(report, by_date, f"{rows / 1e6:.0f}M rows in publication order")
    return report.write()


if __name__ == "__main__":
    sys.exit(main())
