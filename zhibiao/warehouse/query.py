"""Read-only access for analysts and the CLI: a query into a DataFrame, a relation into a file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from zhibiao.warehouse.db import connect

# A relation given by name (a table or view, optionally schema-qualified); anything else
# is taken as a query.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")

EXPORT_FORMATS = {".csv": "write_csv", ".parquet": "write_parquet", ".pq": "write_parquet"}


def run_query(
    db_path: str | os.PathLike,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run SQL on a read-only connection and return the result as a DataFrame.

    Read-only so that a query can never change the warehouse; it still waits (bounded) for
    a loading writer's lock, and then says to use the published copy.
    """
    con = connect(db_path, read_only=True)
    try:
        return con.execute(sql, params).df()
    finally:
        con.close()


def export(db_path: str | os.PathLike, relation: str, out_path: str | os.PathLike) -> Path:
    """Write a table, view or query to CSV or Parquet, chosen by out_path's extension.

    relation is a name (observations_latest) or a query (select ... from ...). The file is
    written by DuckDB directly, without a round trip through pandas.
    """
    out_path = Path(out_path)
    writer = EXPORT_FORMATS.get(out_path.suffix.lower())
    if writer is None:
        raise ValueError(
            f"cannot export to {out_path.name}: use one of {', '.join(EXPORT_FORMATS)}"
        )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(db_path, read_only=True)
    try:
        rel = _relation(con, relation)
        getattr(rel, writer)(str(out_path))
    finally:
        con.close()
    return out_path


def _relation(con: duckdb.DuckDBPyConnection, relation: str) -> duckdb.DuckDBPyRelation:
    """A named table or view through con.table (quoted for us), else the text as a query."""
    relation = relation.strip().rstrip(";")
    if _NAME.fullmatch(relation):
        return con.table(relation)
    return con.sql(relation)
