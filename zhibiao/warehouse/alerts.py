"""The alerts table: anomalies kept by fingerprint, so that each reaches a person once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pandas as pd

from zhibiao.transforms import anomalies

# What the rules read. Met or missed is the analyst view's verdict (targets_vs_actuals), never
# recomputed here, nor a revision (revisions); the other rules still read the core tables.
READS = {
    "targets": """
        select * from targets_vs_actuals
        where outcome = 'missed' and actual_status in ('actual', 'preliminary')""",
    "revisions": """
        select * from revisions
        where indicator_code <> 'unmapped'
        qualify row_number() over (
            partition by indicator_code, region, period, measure, series_kind, unit
            order by revised_published_on desc
        ) = 1""",
    "obs": """
        select observation_id, indicator_code, region, period, period_type, measure, value,
               value_high, unit, status, qualifier, document_id, realtime_start, evidence
        from observations""",
    "sources": """
        select source_id, url, region, cadence, last_fetched_at, last_status, last_error
        from sources""",
    "documents": """
        select document_id, source_id, url, region, title, published_on, fetched_at, status, error
        from documents""",
    "quarantine": """
        select document_id, stage, reason, failed_expectation, indicator_code, period, evidence,
               run_id
        from quarantine where stage = 'validate'""",
}
CATALOG_SQL = """
    select indicator_code as code, name_zh, aliases, name_en, unit, kind, growth_basis, category,
           headline
    from indicators"""
LATEST_RUN_SQL = "select run_id from runs order by started_at desc limit 1"

# One statement reconciles the table with what the rules found: a detected anomaly that is
# open stays open (last seen now); a closed one reopens, pending again; a new one is inserted;
# an open one the rules no longer produce closes. The casts let an empty or all-null frame bind.
MERGE_SQL = """
merge into alerts a
using (
    select cast(fingerprint as varchar) as fingerprint, cast(rule as varchar) as rule,
           cast(severity as varchar) as severity,
           cast(indicator_code as varchar) as indicator_code, cast(region as varchar) as region,
           cast(period as varchar) as period, cast(measure as varchar) as measure,
           cast(message_zh as varchar) as message_zh, cast(message_en as varchar) as message_en,
           cast(evidence as varchar) as evidence,
           cast(document_ids as varchar[]) as document_ids, cast(details as varchar) as details
    from detected
) s
on a.fingerprint = s.fingerprint
when matched and a.status = 'closed' then update set
    status = 'open', opened_at = $now, last_seen_at = $now, closed_at = null,
    notified_at = null, notify_attempts = 0, notify_error = null, run_id = $run_id
when matched then update set last_seen_at = $now
when not matched by target then insert (
    fingerprint, alert_id, rule, severity, indicator_code, region, period, measure, document_id,
    message, message_zh, message_en, evidence, document_ids, details, status, opened_at,
    last_seen_at, notify_attempts, run_id
) values (
    s.fingerprint, s.fingerprint[:16], s.rule, s.severity, s.indicator_code, s.region,
    s.period, s.measure, s.document_ids[1], s.message_zh || chr(10) || s.message_en,
    s.message_zh, s.message_en, s.evidence, s.document_ids, s.details, 'open', $now, $now, 0,
    $run_id
)
when not matched by source and a.status <> 'closed' then update set
    status = 'closed', closed_at = $now
"""
ORDER = """
    order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end,
             opened_at, alert_id"""


def read_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {name: con.sql(sql).df() for name, sql in READS.items()}


def detect_and_record(
    con: duckdb.DuckDBPyConnection,
    catalog: pd.DataFrame | None,
    now: datetime,
    run_id: str | None = None,
) -> pd.DataFrame:
    """Run every rule and reconcile the alerts table with what they find, atomically.

    `catalog` falls back to the `indicators` table; `run_id` (whose validation failures count)
    to the latest row of `runs`. Returns the alerts opened by this call.
    """
    if catalog is None:
        catalog = con.sql(CATALOG_SQL).df()
    if run_id is None:
        latest = con.execute(LATEST_RUN_SQL).fetchall()
        run_id = latest[0][0] if latest else None
    found = anomalies.detect_all(**read_inputs(con), catalog=catalog, now=now, run_id=run_id)
    con.begin()
    try:
        was_open = con.sql("select fingerprint from alerts where status <> 'closed'").df()
        con.register("detected", found)
        con.execute(MERGE_SQL, {"now": now, "run_id": run_id})
        con.unregister("detected")
        new = con.execute(
            f"select * from alerts where list_contains($fps, fingerprint) {ORDER}",
            {"fps": sorted(set(found["fingerprint"]) - set(was_open["fingerprint"]))},
        ).df()
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return new


def open_alerts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(f"select * from alerts where status = 'open' {ORDER}").df()


def pending_notifications(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Open alerts not yet delivered, failed attempts included: a delivery is never dropped.

    An alert that closed before it could be delivered is not sent: it no longer holds, and its
    successor (if only its values changed) is pending in its place.
    """
    sql = f"select * from alerts where status = 'open' and notified_at is null {ORDER}"
    return con.sql(sql).df()


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
    con.execute(
        """
        update alerts
        set notify_attempts = notify_attempts + 1,
            notified_at = case when $error is null then $now else notified_at end,
            notify_error = $error
        where list_contains($ids, alert_id)""",
        {"ids": ids, "error": error, "now": now or datetime.now()},
    )
