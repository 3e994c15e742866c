"""What `zhibiao report` shows, read from the warehouse in one read-only connection."""

from __future__ import annotations

import os

import pandas as pd

from zhibiao.warehouse.db import connect
from zhibiao.warehouse.sql_files import load_sql

# sql/report/: 010_points.sql builds the temporary table report_points that the others read.
SETUP = "010_points"
QUERIES = ("points", "pages", "alerts", "quarantine", "runs", "documents")


def read_report(db_path: str | os.PathLike, region: str | None = None) -> dict[str, pd.DataFrame]:
    """The report's frames by name: points (every figure drawn) and each of QUERIES.

    region limits everything to one region; alerts of no region (a source, a document)
    are kept. Read-only, so writing a report never changes or blocks the warehouse longer
    than the queries take.
    """
    con = connect(db_path, read_only=True)
    try:
        con.execute(load_sql(SETUP, "report"), {"region": region})
        frames = {}
        for name in QUERIES:
            sql = load_sql(name, "report")
            params = {"region": region} if "$region" in sql else None
            frames[name] = con.execute(sql, params).df()
        return frames
    finally:
        con.close()
