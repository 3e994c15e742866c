"""What the last fetch of each source returned: validators for conditional GET, staleness."""

from __future__ import annotations

import duckdb
import pandas as pd

from zhibiao.warehouse.sql_files import load_sql


def validators(con: duckdb.DuckDBPyConnection, source_id: str) -> dict[str, str | None]:
    """ETag and Last-Modified of the last successful fetch, for If-None-Match/-Modified-Since."""
    rows = con.execute(load_sql("source_validators"), {"source_id": source_id}).fetchall()
    return {"etag": rows[0][0], "last_modified": rows[0][1]} if rows else {}


def record_fetch(
    con: duckdb.DuckDBPyConnection,
    source_id: str,
    *,
    status: str,
    etag: str | None = None,
    last_modified: str | None = None,
    error: str | None = None,
) -> None:
    """Keep old validators when a fetch failed: the next night must still send them."""
    con.execute(
        load_sql("record_fetch"),
        {
            "source_id": source_id,
            "status": status,
            "error": error,
            "etag": etag,
            "last_modified": last_modified,
        },
    )


def overview(con: duckdb.DuckDBPyConnection, registry: list) -> pd.DataFrame:
    """The registry's entries in its order with their state in the warehouse: an entry
    never run says so, and a source the warehouse has but the registry dropped is listed
    last, as `not in the registry`, since its documents are still there."""
    known = con.execute(load_sql("source_overview")).df().set_index("source_id")
    rows = []
    for source in registry:
        kind = source.kind or ("folder" if source.discover.folder else "listing")
        if source.id in known.index:
            row = known.loc[source.id].to_dict()
            rows.append({"source_id": source.id, **row, "kind": kind, "state": _state(row)})
        else:
            never = {"region": source.region, "state": "never fetched", **_NONE}
            rows.append({"source_id": source.id, "kind": kind, **never})
    names = {s.id for s in registry}
    for source_id, row in known.iterrows():
        if source_id not in names:
            rows.append({"source_id": source_id, **row.to_dict(), "state": "not in the registry"})
    columns = ["source_id", "kind", "region", "state", *known.columns.drop(["kind", "region"])]
    frame = pd.DataFrame(rows).reindex(columns=list(dict.fromkeys(columns)))
    return frame.astype({name: "int64" for name in _NONE})


_NONE = {"documents_loaded": 0, "documents_not_loaded": 0, "links_found": 0}


def _state(row: dict) -> str:
    if row.get("last_status") == "failed":
        return "failing"
    return "ok" if row.get("documents_loaded") else "no documents yet"
