"""The alerts table: anomalies kept by fingerprint, so that each reaches a person once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pandas as pd

from zhibiao.transforms import anomalies
from zhibiao.warehouse.sql_files import load_sql


def _sql(name: str) -> str:
    return load_sql(name, "alerts")


# What the rules read, by frame name (sql/alerts/read_<file>.sql). Met or missed is the analyst
# view's verdict (targets_vs_actuals), never recomputed here, nor a revision (revisions). The
# first three read the detection's scope ($full, _zb_scope); the others are small and read
# whole.
READS = {
    "targets": "read_targets",
    "revisions": "read_revisions",
    "obs": "read_observations",
    "sources": "read_sources",
    "documents": "read_documents",
    "quarantine": "read_quarantine",
}
SCOPED_READS = ("targets", "revisions", "obs")
# The lists a full detection binds: unread, since $full is true (the SQL needs them bound).
_EVERYTHING = {"codes": [], "regions": []}
# A prefix of at least this many hex digits names one alert (alert_id is 16).
MIN_PREFIX = 8


class AlertNotFoundError(LookupError):
    """`zhibiao alerts close` of a fingerprint that names no alert, or more than one."""


def read_inputs(
    con: duckdb.DuckDBPyConnection, scope: dict[str, list[str]] | None = None
) -> dict[str, pd.DataFrame]:
    """The rules' frames: every series, or only those of the indicators scope["codes"] in
    the regions scope["regions"]."""
    scoped = {"full": scope is None, **(scope or _EVERYTHING)}
    return {
        name: con.execute(_sql(file), scoped if name in SCOPED_READS else None).df()
        for name, file in READS.items()
    }


def detect_and_record(
    con: duckdb.DuckDBPyConnection,
    catalog: pd.DataFrame | None,
    now: datetime,
    run_id: str | None = None,
    full: bool = False,
) -> pd.DataFrame:
    """Run every rule and reconcile the alerts table with what they find, atomically.

    Incremental: the rules of one indicator in one region (anomalies.SCOPED_RULES) read only
    the indicators and regions loaded since the last detection (the `detections` log), and
    close only those series' alerts; an alert of a series nothing new touched stays as it
    was, last seen when it was last read. Every series is read (full) on the first detection,
    when the rules or the catalog changed since the last one (anomalies.rules_version), or
    when asked (`zhibiao alerts detect --full`, e.g. after a re-extraction took a series'
    rows away). `catalog` falls back to the `indicators` table; `run_id` (whose validation
    failures count) to the latest row of `runs`. Returns the alerts opened by this call.
    """
    if catalog is None:
        catalog = con.sql(_sql("catalog")).df()
    if run_id is None:
        latest = con.execute(_sql("latest_run")).fetchall()
        run_id = latest[0][0] if latest else None
    version = anomalies.rules_version(catalog)
    last = last_detection(con)
    full = full or last is None or last["rules_version"] != version
    since = None if full else last["until_observation_id"] or 0
    until = con.execute(_sql("highest_observation")).fetchall()[0][0]
    scope = None
    if not full:
        pairs = anomalies.scope(con.execute(_sql("touched"), {"since": since}).df())
        # every code in every region: a superset of the pairs, each read whole
        scope = {
            c: sorted(set(pairs[k]))
            for c, k in (("codes", "indicator_code"), ("regions", "region"))
        }
    inputs = read_inputs(con, scope)
    found = anomalies.detect_all(**inputs, catalog=catalog, now=now, run_id=run_id)
    con.begin()
    try:
        was_open = con.sql(_sql("undecided")).df()
        con.register("detected", found)
        con.execute(_sql("merge"), {"now": now, "run_id": run_id})
        con.execute(
            _sql("close_gone"),
            {
                "now": now,
                "full": full,
                "scoped_rules": list(anomalies.SCOPED_RULES),
                **(scope or _EVERYTHING),
            },
        )
        con.unregister("detected")
        con.execute(
            _sql("record_detection"),
            {
                "now": now,
                "run_id": run_id,
                "rules_version": version,
                "full": full,
                "since": since,
                "until": until,
                "scope_pairs": None
                if scope is None
                else len(scope["codes"]) * len(scope["regions"]),
                "observations_read": len(inputs["obs"]),
                "alerts_found": len(found),
            },
        )
        new = _listed(con, fps=sorted(set(found["fingerprint"]) - set(was_open["fingerprint"])))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return new


def last_detection(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The last row of the detections log, or None before the first detection."""
    rows = con.execute(_sql("last_detection")).df().to_dict("records")
    return rows[0] if rows else None


def _listed(
    con: duckdb.DuckDBPyConnection,
    status: str | None = None,
    undelivered: bool = False,
    fps: list[str] | None = None,
) -> pd.DataFrame:
    """Alerts in the one order they are listed in (sql/alerts/listed.sql)."""
    return con.execute(
        _sql("listed"), {"status": status, "undelivered": undelivered, "fps": fps}
    ).df()


def open_alerts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _listed(con, status="open")


def closed_alerts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Alerts closed, by a run (the anomaly went away) or by a person (closed_by, close_note)."""
    return _listed(con, status="closed")


def close(
    con: duckdb.DuckDBPyConnection,
    fingerprint: str,
    note: str,
    by: str,
    now: datetime | None = None,
) -> dict:
    """Record a person's decision on an alert: closed for good, with who and why.

    The rules will keep producing the same facts (the figures do not change); the MERGE keeps
    such an alert closed. fingerprint may be the alert_id or any unique prefix of MIN_PREFIX
    hex digits or more. Returns the closed alert.
    """
    prefix = fingerprint.strip().lower()
    if not note.strip():
        raise ValueError("say why in --note: the decision is kept for the next person")
    if len(prefix) < MIN_PREFIX:
        raise AlertNotFoundError(f"give at least {MIN_PREFIX} characters of the fingerprint")
    found = con.execute(_sql("find"), [prefix]).fetchall()
    if len(found) != 1:
        what = "no alert" if not found else f"{len(found)} alerts"
        raise AlertNotFoundError(f"{what} with a fingerprint starting {prefix!r}")
    con.execute(
        _sql("close"),
        {"now": now or datetime.now(), "by": by, "note": note.strip(), "fp": found[0][0]},
    )
    return con.execute(_sql("one"), [found[0][0]]).df().to_dict("records")[0]


def pending_notifications(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Open alerts not yet delivered, failed attempts included: a delivery is never dropped.

    An alert that closed before it could be delivered is not sent: it no longer holds, and its
    successor (if only its values changed) is pending in its place.
    """
    return _listed(con, status="open", undelivered=True)


def mark_notified(
    con: duckdb.DuckDBPyConnection,
    ids: Iterable[str],
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Count a delivery attempt; only a success (no error) takes the alerts off the pending list."""
    ids = list(ids)
    if not ids:
        return
    con.execute(_sql("mark_notified"), {"ids": ids, "error": error, "now": now or datetime.now()})
