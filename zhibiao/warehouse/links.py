"""The discovered_links table: what a listing or folder turned up, and what became of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from zhibiao.warehouse.sql_files import load_sql

LINK_FIELDS = (
    "url source_id found_on title kind period published_on status retry document_id error run_id"
).split()

# Outcomes of the document path (DocumentOutcome.status in flows/steps.py) as link statuses.
LINK_STATUS = {"new": "loaded", "reextracted": "loaded"}


def settled(con: duckdb.DuckDBPyConnection, source_id: str) -> set[str]:
    """URLs no longer to fetch for this source: fetched (by any source: one URL, one
    fetch), failed for good, or filtered out by this source's own pattern (another
    listing's pattern may want what this one left out). A transient failure (a timeout,
    a 503) stays open: it is tried again."""
    rows = con.execute(load_sql("settled_links"), {"source_id": source_id}).fetchall()
    return {r[0] for r in rows}


def retries(con: duckdb.DuckDBPyConnection, source_id: str) -> list[dict[str, Any]]:
    """The source's links whose last failure was transient, as they were found (url, title,
    kind, period, published_on, found_on): fetched again tonight even if the listing did
    not change."""
    names = ("url", "title", "kind", "period", "published_on", "found_on")
    rows = con.execute(load_sql("retry_links"), {"source_id": source_id}).fetchall()
    return [dict(zip(names, row, strict=True)) for row in rows]


def record_link(con: duckdb.DuckDBPyConnection, link: Mapping[str, Any]) -> None:
    """Insert the link, or update its status (LINK_FIELDS; status as an outcome or a link's)."""
    values = {name: link.get(name) for name in LINK_FIELDS}
    values["status"] = LINK_STATUS.get(values["status"], values["status"])
    values["retry"] = bool(values["retry"])
    con.execute(load_sql("record_link"), values)


def counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Links decided in this run, by status: the run summary's line on discovery."""
    rows = con.execute(load_sql("link_counts"), {"run_id": run_id}).fetchall()
    return dict(rows)
