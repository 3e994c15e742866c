"""Load one document's figures as ALFRED-style vintages: one transaction, idempotent.

The bookkeeping writes (sources, indicators, documents, quarantine, runs) live in
records.py and are re-exported here, so the flow imports everything from this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from zhibiao.schema import FIGURE_COLUMNS, SERIES_LABEL
from zhibiao.warehouse.records import (
    close_stale_runs,
    document_loaded,
    fail_run,
    finish_run,
    record_document,
    record_quarantine,
    refused_by_reason,
    start_run,
    upsert_indicators,
    upsert_sources,
)
from zhibiao.warehouse.sql_files import load_sql

__all__ = [
    "LoadResult",
    "close_stale_runs",
    "document_loaded",
    "fail_run",
    "finish_run",
    "load_document",
    "number_series",
    "record_document",
    "record_quarantine",
    "refused_by_reason",
    "start_run",
    "upsert_indicators",
    "upsert_sources",
]


@dataclass(frozen=True)
class LoadResult:
    """What one load_document call changed.

    inserted: stated and target rows written (derived ones are counted apart).
    unchanged: of the document's figures, those that opened no new vintage: a restatement
        of the value already current, or every figure when the document was loaded before
        (then nothing is written at all).
    closed: rows of other documents whose realtime_end changed (closed by a new value, or
        moved when an older document arrives late).
    derived: derived rows written (prior-year levels implied by level + nominal growth).
    """

    inserted: int
    unchanged: int
    closed: int
    derived: int


def load_document(
    con: duckdb.DuckDBPyConnection,
    document: Mapping[str, Any],
    figures: pd.DataFrame,
    *,
    extractor_version: str,
    run_id: str | None = None,
    replace: bool = False,
) -> LoadResult:
    """Store a document and its figures in one transaction; a failure leaves nothing of it.

    document: the `documents` columns (document_id and published_on required; region is
    the default of figures without one). figures: the extractor's FIGURE_COLUMNS frame.
    Loading a document_id already loaded writes nothing. Documents may arrive in any order:
    the realtime intervals of the series they touch are recomputed, not patched.

    replace=True is re-extraction (backfill --reextract): the same bytes read by a newer
    extractor. Their earlier rows were a misreading of one vintage, not a vintage of their
    own, so they are replaced, in the same transaction, and the series they touched are
    recomputed as well.
    """
    params = _document_params(document)
    frame = _figure_frame(figures, params["document_id"])
    con.execute("begin transaction")
    try:
        con.register("_zb_figures", frame)
        if replace:
            _forget(con, params["document_id"])
        result = _load(con, document, params, frame, extractor_version, run_id)
        if replace:
            _recompute_forgotten(con)
        con.execute(load_sql("drop_load_tables"))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_zb_figures")
    return result


def _load(
    con: duckdb.DuckDBPyConnection,
    document: Mapping[str, Any],
    params: dict[str, Any],
    frame: pd.DataFrame,
    extractor_version: str,
    run_id: str | None,
) -> LoadResult:
    """The steps of a load, all inside the caller's transaction."""
    doc, pub = params["document_id"], params["published_on"]
    if document_loaded(con, doc):
        return LoadResult(inserted=0, unchanged=len(frame), closed=0, derived=0)
    record_document(
        con,
        {**document, "published_on": pub},
        status="loaded",
        figures=len(frame),
        extractor_version=extractor_version,
    )
    con.execute(load_sql("stage"), {"region": params["region"], "published_on": pub})
    con.execute(load_sql("derive"))
    con.execute(
        load_sql("quarantine_duplicates"),
        {"document_id": doc, "source_id": params["source_id"], "run_id": run_id},
    )
    con.execute(load_sql("unnumbered_stage"))
    con.execute(load_sql("number_series"))
    written = {"document_id": doc, "extractor_version": extractor_version}
    rows = _count(con.execute(load_sql("insert_observations"), written))
    _recompute_intervals(con)
    closed, unchanged, derived = con.execute(
        load_sql("load_counts"), {"document_id": doc}
    ).fetchone()
    con.execute(load_sql("apply_intervals"))
    return LoadResult(inserted=rows - derived, unchanged=unchanged, closed=closed, derived=derived)


def _forget(con: duckdb.DuckDBPyConnection, document_id: str) -> None:
    """Drop a document's rows (inside the caller's transaction), remembering their series.

    The documents row is updated, not deleted: DuckDB checks a primary key over-eagerly when
    a row is deleted and inserted again in one transaction (STACK-NOTES).
    """
    con.execute(load_sql("affected_keys"), {"document_id": document_id})
    con.execute(load_sql("forget_keys"))
    con.execute(load_sql("forget_observations"), {"document_id": document_id})
    con.execute(load_sql("mark_reextracting"), {"document_id": document_id})


def _recompute_forgotten(con: duckdb.DuckDBPyConnection) -> None:
    """Series the old reading touched and the new one does not still need their intervals."""
    con.execute(load_sql("restore_forgotten_keys"))
    _recompute_intervals(con)
    con.execute(load_sql("apply_intervals"))


def number_series(con: duckdb.DuckDBPyConnection) -> None:
    """Give every observation without a series_id the id of its series, numbering the series
    new to the warehouse (sql/load/number_series.sql): the rows of a warehouse made before
    migration 009, once, after the migrations. A load numbers its staged rows before it
    writes them, with the same rule."""
    con.execute(load_sql("unnumbered_observations", "migrate"))
    con.execute(load_sql("number_series"))
    con.execute(load_sql("assign_series_ids", "migrate"))


def _recompute_intervals(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute realtime_end and is_latest over the series in _zb_keys, into _zb_intervals
    (a step of its own so that a test can fail the load after its rows are written)."""
    con.execute(load_sql("intervals"))


def _count(cursor: duckdb.DuckDBPyConnection) -> int:
    """Rows written by an INSERT (DuckDB returns the count as a one-row result)."""
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def _document_params(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document values the load statements bind; refuses a document without a vintage."""
    document_id = document.get("document_id")
    if not document_id:
        raise ValueError(f"document has no document_id: {dict(document)!r}")
    published_on = _as_date(document.get("published_on"))
    if published_on is None:
        raise ValueError(
            f"document {document_id} has no published_on: it is the vintage date "
            "(realtime_start) of every figure the document states"
        )
    return {
        "document_id": str(document_id),
        "published_on": published_on,
        "region": document.get("region"),
        "source_id": document.get("source_id"),
    }


def _as_date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _figure_frame(figures: pd.DataFrame, document_id: str) -> pd.DataFrame:
    """The contract columns in document order (_zb_ord breaks ties between duplicates)."""
    missing = [c for c in FIGURE_COLUMNS if c not in figures.columns]
    if missing:
        raise ValueError(f"figures of document {document_id} lack columns {missing}")
    derived = figures["status"].eq("derived")
    if derived.any():
        raise ValueError(
            f"figures of document {document_id} carry status 'derived' in rows "
            f"{list(figures.index[derived])[:10]}: derived figures are computed by the "
            "warehouse, never stated"
        )
    frame = figures.loc[:, FIGURE_COLUMNS].reset_index(drop=True)
    if SERIES_LABEL in figures.columns:
        frame[SERIES_LABEL] = figures[SERIES_LABEL].fillna("").astype(str).to_numpy()
    else:
        frame[SERIES_LABEL] = None  # stage.sql: the unmapped label, else ''
    frame["_zb_ord"] = range(len(frame))
    return frame
