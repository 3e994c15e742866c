"""Writes of the warehouse's bookkeeping tables: sources, indicators, regions, documents,
quarantine, runs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from zhibiao.warehouse.sql_files import load_sql

# Columns of `documents` a caller may describe; status, figures, error and the loader's
# bookkeeping are set by record_document's arguments.
DOCUMENT_FIELDS = (
    "document_id source_id url final_url kind region title published_on fetched_at "
    "size_bytes content_type charset snapshot_path"
).split()

# Registry columns of `sources`; the fetch state (etag, last_status ...) is not overwritten
# by a registry upsert.
SOURCE_FIELDS = ("source_id", "url", "kind", "region", "publisher", "cadence", "published_on")

# Catalog columns (transforms/catalog.py) -> `indicators` columns.
CATALOG_COLUMNS = {
    "code": "indicator_code",
    "name_zh": "name_zh",
    "aliases": "aliases",
    "name_en": "name_en",
    "unit": "unit",
    "kind": "kind",
    "growth_basis": "growth_basis",
    "category": "category",
    "headline": "headline",
    "direction": "direction",
}

# Columns of `quarantine` a caller may give as keyword defaults (sql/load/record_quarantine.sql
# casts each to its type).
QUARANTINE_FIELDS = (
    "document_id source_id stage reason failed_expectation indicator_code indicator_label "
    "period measure value unit evidence payload run_id"
).split()

# Columns finish_run may set besides status and finished_at.
RUN_FIELDS = (
    "documents_seen documents_new documents_unchanged documents_failed figures_loaded "
    "figures_quarantined alerts_raised summary"
).split()


def _frame(rows: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    return rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))


def _require_unique(frame: pd.DataFrame, column: str, what: str) -> None:
    """Upserts given one key twice keep an arbitrary row (STACK-NOTES): refuse instead."""
    dupes = sorted(frame.loc[frame[column].duplicated(), column].astype(str).unique())
    if dupes:
        raise ValueError(f"{what} lists {column} more than once: {', '.join(dupes)}")


def upsert_sources(
    con: duckdb.DuckDBPyConnection, sources: pd.DataFrame | Iterable[Mapping[str, Any]]
) -> int:
    """Insert or update the source registry (sources.yaml entries; `id` or `source_id`)."""
    frame = _frame(sources).rename(columns={"id": "source_id"})
    frame = frame.reindex(columns=list(SOURCE_FIELDS))
    _require_unique(frame, "source_id", "the source registry")
    frame["published_on"] = pd.to_datetime(frame["published_on"]).dt.date
    con.register("_zb_sources", frame)
    try:
        con.execute(load_sql("upsert_sources"))
    finally:
        con.unregister("_zb_sources")
    return len(frame)


def document_loaded(con: duckdb.DuckDBPyConnection, document_id: str | None) -> bool:
    """Whether these bytes are already loaded: the same document, whatever URL or file
    name brought it tonight."""
    rows = con.execute(load_sql("document_loaded"), {"document_id": document_id}).fetchall()
    return bool(rows[0][0])


def upsert_indicators(con: duckdb.DuckDBPyConnection, catalog_df: pd.DataFrame) -> int:
    """Insert or update the indicator catalog; its growth_basis decides which figures derive."""
    frame = catalog_df.rename(columns=CATALOG_COLUMNS).reindex(
        columns=list(CATALOG_COLUMNS.values())
    )
    _require_unique(frame, "indicator_code", "the indicator catalog")
    frame["aliases"] = frame["aliases"].map(_join_aliases)
    frame["headline"] = frame["headline"].map(lambda v: None if pd.isna(v) else bool(v))
    frame["direction"] = frame["direction"].map(lambda v: v if isinstance(v, str) and v else None)
    con.register("_zb_catalog", frame)
    try:
        con.execute(load_sql("upsert_indicators"))
    finally:
        con.unregister("_zb_catalog")
    return len(frame)


def region_codes() -> pd.DataFrame:
    """warehouse/data/region_codes.csv: region, region_code (GB/T 2260), name_en."""
    with (resources.files("zhibiao.warehouse") / "data" / "region_codes.csv").open(
        encoding="utf-8"
    ) as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def upsert_regions(con: duckdb.DuckDBPyConnection, codes: pd.DataFrame | None = None) -> int:
    """Insert or update the region codes the analyst views show beside region names."""
    frame = (region_codes() if codes is None else codes)[["region", "region_code", "name_en"]]
    _require_unique(frame, "region", "the region codes")
    con.register("_zb_regions", frame)
    try:
        con.execute(load_sql("upsert_regions"))
    finally:
        con.unregister("_zb_regions")
    return len(frame)


def _join_aliases(value: Any) -> str | None:
    """The catalog may give aliases as a list or as a '|' separated string."""
    if isinstance(value, list | tuple | set):
        return "|".join(str(v) for v in value)
    return None if value is None or pd.isna(value) else str(value)


def record_document(
    con: duckdb.DuckDBPyConnection,
    document: Mapping[str, Any],
    *,
    status: str,
    figures: int | None = None,
    error: str | None = None,
    extractor_version: str | None = None,
) -> None:
    """Record a document's outcome (loaded, quarantined, rejected, failed) by document_id.

    load_document calls this inside its transaction; the flow calls it for documents that
    never reach the loader, so every fetched document leaves a row saying what happened.
    """
    if not document.get("document_id"):
        raise ValueError(f"document has no document_id: {dict(document)!r}")
    params = {field: document.get(field) for field in DOCUMENT_FIELDS}
    params.update(status=status, figures=figures, error=error, extractor_version=extractor_version)
    con.execute(load_sql("record_document"), params)


def record_quarantine(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, **defaults: Any) -> int:
    """Store rejected rows with their reason; returns the number of rows stored.

    df carries quarantine columns (stage and reason at least, per row or as keyword
    defaults such as stage="validate", run_id=...); columns the table lacks are kept in
    payload, the whole row as JSON, so the row can be replayed after a fix.
    """
    unknown = set(defaults) - set(QUARANTINE_FIELDS)
    if unknown:
        raise ValueError(f"record_quarantine: no quarantine column {sorted(unknown)}")
    if df.empty:
        return 0
    frame = df.copy()
    for column, value in defaults.items():
        if column not in frame.columns:
            frame[column] = value
    con.register("_zb_quarantine", frame)
    try:
        con.execute(load_sql("record_quarantine"))
    finally:
        con.unregister("_zb_quarantine")
    return len(frame)


def start_run(
    con: duckdb.DuckDBPyConnection,
    flow: str,
    *,
    run_id: str | None = None,
    started_at: dt.datetime | None = None,
) -> str:
    """Open a row in `runs` (status running) and return its run_id (a new uuid by default)."""
    run_id = run_id or uuid.uuid4().hex
    con.execute(load_sql("start_run"), {"run_id": run_id, "flow": flow, "started_at": started_at})
    return run_id


def close_stale_runs(con: duckdb.DuckDBPyConnection, closed_by: str) -> int:
    """Mark `crashed` every run still `running`: called under the run lock (db.run_lock), so
    no live process owns them. Their counts stay empty: what they loaded is in `documents`."""
    return con.execute(load_sql("close_stale_runs"), {"closed_by": closed_by}).fetchall()[0][0]


def fail_run(con: duckdb.DuckDBPyConnection, run_id: str, error: str) -> None:
    """Close a run that stopped on an error, if it is still open, with the error in one line."""
    summary = " ".join(error.split())[:2000]
    con.execute(load_sql("fail_run"), {"run_id": run_id, "summary": summary})


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    status: str = "completed",
    finished_at: dt.datetime | None = None,
    **counts: Any,
) -> None:
    """Close a run with its status and counts (documents_seen=..., figures_loaded=...); a
    count not given keeps what the row has."""
    unknown = set(counts) - set(RUN_FIELDS)
    if unknown:
        raise ValueError(f"finish_run: runs has no column {sorted(unknown)}; use {RUN_FIELDS}")
    params = {field: counts.get(field) for field in RUN_FIELDS}
    params.update(run_id=run_id, status=status, finished_at=finished_at)
    updated = con.execute(load_sql("finish_run"), params).fetchall()[0][0]
    if updated != 1:
        raise ValueError(f"finish_run: no run {run_id!r} in runs (start_run first)")


def refused_by_reason(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """[{stage, rule, figures}] of the figures this run refused, most frequent first."""
    rows = con.execute(load_sql("refused_by_reason"), {"run_id": run_id}).fetchall()
    return [{"stage": s, "rule": r, "figures": n} for s, r, n in rows]
