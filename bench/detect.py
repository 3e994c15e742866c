"""Alert detection on a night's news, in the 10M-row warehouse of bench/warehouse.py (make bench).

A night loads one bulletin of 1,000 figures (500 series of 100 indicators in 5 regions) and
detects. The warehouse's last detection had seen every row before it (a row of the
`detections` log, as a full detection leaves), so this one reads the indicators and regions
of the new document only. Floor: the bare read of those series' latest vintages, which the
rules need at least. The synthetic levels and growth rates are random, so most series raise
an alert; the cost of wording them is in the time, as it would be on a bad night.
Skipped with ZHIBIAO_BENCH_SMALL=1, as the warehouse bench's big part is.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import Report, Result, Timing, measure  # noqa: E402
from bench.warehouse import build, figures  # noqa: E402
from zhibiao.transforms import anomalies  # noqa: E402
from zhibiao.warehouse import alerts  # noqa: E402
from zhibiao.warehouse.db import connect  # noqa: E402
from zhibiao.warehouse.load import load_document  # noqa: E402

NIGHTS = 3
# The synthetic warehouse's indicators (ind000-ind099), as flows with a nominal growth basis.
CATALOG = pd.DataFrame(
    {
        "code": [f"ind{i:03d}" for i in range(100)],
        "name_zh": [f"指标{i}" for i in range(100)],
        "name_en": [f"indicator {i}" for i in range(100)],
        "unit": "元",
        "kind": "flow",
        "growth_basis": "nominal",
        "category": "economy",
        "direction": None,
    }
)
FLOOR = (
    "select * from current_observations() "
    "where list_contains($codes, indicator_code) and list_contains($regions, region)"
)


def main() -> int:
    report = Report("detect")
    if os.environ.get("ZHIBIAO_BENCH_SMALL") == "1":
        print("ZHIBIAO_BENCH_SMALL=1: the 10M-row warehouse is skipped")
        return report.write()
    with tempfile.TemporaryDirectory(prefix="zhibiao-bench-") as tmp:
        path = Path(tmp) / "warehouse.duckdb"
        _, rows, _ = build(path)
        con = connect(path)
        try:
            seed_detection(con)
            nights, read = [], []
            for n in range(NIGHTS):
                frame = figures(100 + n)
                document = {"document_id": f"night-{n}", "published_on": f"2026-04-{n + 1:02d}"}
                load_document(con, document, frame, extractor_version="bench")
                started = time.perf_counter()
                alerts.detect_and_record(con, CATALOG, dt.datetime(2026, 4, n + 1, 3))
                nights.append(time.perf_counter() - started)
                read.append(alerts.last_detection(con))
            codes = sorted(set(frame["indicator_code"]))
            regions = sorted(set(frame["region"]))
            params = {"codes": codes, "regions": regions}
            floor = measure(lambda: con.execute(FLOOR, params).to_arrow_table())
        finally:
            con.close()
    last = read[-1]
    report.add(
        Result(
            f"detection after a night's bulletin of 1,000 figures, {rows / 1e6:.0f}M rows",
            Timing(min(nights), statistics.median(nights), max(nights), len(nights), 1),
            "the bare read of the latest vintages of the scope's indicators and regions",
            floor,
            note=f"{last['scope_pairs']} indicator-region pairs, "
            f"{last['observations_read']:,} latest values read, "
            f"{last['alerts_found']:,} anomalies (random synthetic values)",
        )
    )
    return report.write()


def seed_detection(con) -> None:
    """A detections row as a full detection of the warehouse as built would have left."""
    con.execute(
        "insert into detections values (timestamp '2026-01-01', null, $v, true, null, "
        "(select max(observation_id) from observations), null, 0, 0)",
        {"v": anomalies.rules_version(CATALOG)},
    )


if __name__ == "__main__":
    sys.exit(main())
