"""What the last fetch of each source returned: validators for conditional GET, staleness."""

from __future__ import annotations

import duckdb


def validators(con: duckdb.DuckDBPyConnection, source_id: str) -> dict[str, str | None]:
    """ETag and Last-Modified of the last successful fetch, for If-None-Match/-Modified-Since."""
    row = con.execute(
        "select etag, last_modified from sources where source_id = ?", [source_id]
    ).fetchone()
    return {"etag": row[0], "last_modified": row[1]} if row else {}


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
        """
        update sources set
            last_status = ?, last_error = ?, last_fetched_at = current_timestamp,
            etag = case when ? = 'failed' then etag else coalesce(?, etag) end,
            last_modified = case when ? = 'failed' then last_modified
                                 else coalesce(?, last_modified) end
        where source_id = ?
        """,
        [status, error, status, etag, status, last_modified, source_id],
    )
