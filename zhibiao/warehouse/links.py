"""The discovered_links table: what a listing or folder turned up, and what became of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from zhibiao.warehouse.db import load_sql

LINK_FIELDS = (
    "url source_id found_on title kind period published_on status retry document_id error run_id"
).split()

# Outcomes of the document path (DocumentOutcome.status in flows/steps.py) as link statuses.
LINK_STATUS = {"new": "loaded", "reextracted": "loaded"}


def settled(con: duckdb.DuckDBPyConnection, source_id: str) -> set[str]:
    """URLs of the source already decided: fetched, filtered out, or failed for good.

    A link is fetched once; a transient failure (a timeout, a 503) is tried again."""
    rows = con.execute(
        "select url from discovered_links where source_id = ? and not retry", [source_id]
    ).fetchall()
    return {r[0] for r in rows}


def record_link(con: duckdb.DuckDBPyConnection, link: Mapping[str, Any]) -> None:
    """Insert the link, or update its status (LINK_FIELDS; status as an outcome or a link's)."""
    values = {name: link.get(name) for name in LINK_FIELDS}
    values["status"] = LINK_STATUS.get(values["status"], values["status"])
    values["retry"] = bool(values["retry"])
    con.execute(load_sql("record_link"), values)


def counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Links decided in this run, by status: the run summary's line on discovery."""
    rows = con.execute(
        "select status, count(*) from discovered_links where run_id = ? group by status "
        "order by status",
        [run_id],
    ).fetchall()
    return dict(rows)
