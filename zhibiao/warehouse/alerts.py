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
    # The columns the rule reads, not the view's names beside the codes (lookups it would pay
    # for on every revision: +15 % on 2M observations, measured).
    "revisions": """
        select indicator_code, region, period, measure, series_kind, unit, previous_value,
               revised_value, change, previous_published_on, revised_published_on,
               previous_evidence, revised_evidence, previous_document_id, revised_document_id
        from revisions
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
        select source_id, url, kind, region, cadence, last_fetched_at, last_status, last_error
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

# One statement reconciles the table with what the rules found: one a person closed stays
# closed (the same facts, already decided); a detected anomaly that is open stays open (last
# seen now, its wording refreshed); a closed one reopens, pending again; a new one is inserted;
# an open one the rules no longer produce closes. The casts let an empty or all-null frame bind.
MERGE_SQL = """
merge into alerts a
using (
    select cast(fingerprint as varchar) as fingerprint, cast(rule as varchar) as rule,
           cast(severity as varchar) as severity, cast(heading_zh as varchar) as heading_zh,
           cast(heading_en as varchar) as heading_en,
           cast(indicator_code as varchar) as indicator_code, cast(region as varchar) as region,
           cast(period as varchar) as period, cast(measure as varchar) as measure,
           cast(message_zh as varchar) as message_zh, cast(message_en as varchar) as message_en,
           cast(evidence as varchar) as evidence,
           cast(document_ids as varchar[]) as document_ids, cast(details as varchar) as details
    from detected
) s
on a.fingerprint = s.fingerprint
when matched and a.closed_by is not null then update set last_seen_at = $now
when matched and a.status = 'closed' then update set
    status = 'open', opened_at = $now, last_seen_at = $now, closed_at = null,
    notified_at = null, notify_attempts = 0, notify_error = null, run_id = $run_id,
    severity = s.severity, heading_zh = s.heading_zh, heading_en = s.heading_en,
    message = s.message_zh || chr(10) || s.message_en, message_zh = s.message_zh,
    message_en = s.message_en
when matched then update set
    last_seen_at = $now, severity = s.severity, heading_zh = s.heading_zh,
    heading_en = s.heading_en, message = s.message_zh || chr(10) || s.message_en,
    message_zh = s.message_zh, message_en = s.message_en
when not matched by target then insert (
    fingerprint, alert_id, rule, severity, heading_zh, heading_en, indicator_code, region,
    period, measure, document_id, message, message_zh, message_en, evidence, document_ids,
    details, status, opened_at, last_seen_at, notify_attempts, run_id
) values (
    s.fingerprint, s.fingerprint[:16], s.rule, s.severity, s.heading_zh, s.heading_en,
    s.indicator_code, s.region, s.period, s.measure, s.document_ids[1],
    s.message_zh || chr(10) || s.message_en, s.message_zh, s.message_en, s.evidence,
    s.document_ids, s.details, 'open', $now, $now, 0, $run_id
)
when not matched by source and a.status <> 'closed' then update set
    status = 'closed', closed_at = $now
"""
ORDER = """
    order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end,
             opened_at, alert_id"""
# An alert as a person reads it: beside its codes, the indicator's names, the region's GB/T
# 2260 code and English name, and each document with its title, date and address (the first
# is the one that brought the news).
ROWS = """
    select a.*, i.name_zh as indicator_name_zh, i.name_en as indicator_name_en,
           r.region_code, r.name_en as region_name_en,
           (select list({'document_id': d.document_id, 'title': d.title,
                         'published_on': d.published_on, 'url': coalesce(d.final_url, d.url)}
                        order by list_position(a.document_ids, d.document_id))
            from documents as d where list_contains(a.document_ids, d.document_id)) as documents
    from alerts as a
    left join indicators as i on i.indicator_code = a.indicator_code
    left join regions as r on r.region = a.region"""
# A prefix of at least this many hex digits names one alert (alert_id is 16).
MIN_PREFIX = 8


class AlertNotFoundError(LookupError):
    """`zhibiao alerts close` of a fingerprint that names no alert, or more than one."""


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
        # Open, or closed by a person (kept closed below): neither is news for this run.
        was_open = con.sql(
            "select fingerprint from alerts where status <> 'closed' or closed_by is not null"
        ).df()
        con.register("detected", found)
        con.execute(MERGE_SQL, {"now": now, "run_id": run_id})
        con.unregister("detected")
        new = con.execute(
            f"select * from ({ROWS}) where list_contains($fps, fingerprint) {ORDER}",
            {"fps": sorted(set(found["fingerprint"]) - set(was_open["fingerprint"]))},
        ).df()
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return new


def open_alerts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(f"select * from ({ROWS}) where status = 'open' {ORDER}").df()


def closed_alerts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Alerts closed, by a run (the anomaly went away) or by a person (closed_by, close_note)."""
    return con.sql(f"select * from ({ROWS}) where status = 'closed' {ORDER}").df()


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
    found = con.execute(
        "select fingerprint from alerts where starts_with(fingerprint, ?)", [prefix]
    ).fetchall()
    if len(found) != 1:
        what = "no alert" if not found else f"{len(found)} alerts"
        raise AlertNotFoundError(f"{what} with a fingerprint starting {prefix!r}")
    con.execute(
        """
        update alerts set status = 'closed', closed_at = $now, closed_by = $by, close_note = $note
        where fingerprint = $fp""",
        {"now": now or datetime.now(), "by": by, "note": note.strip(), "fp": found[0][0]},
    )
    return (
        con.execute(f"select * from ({ROWS}) where fingerprint = ?", [found[0][0]])
        .df()
        .to_dict("records")[0]
    )


def pending_notifications(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Open alerts not yet delivered, failed attempts included: a delivery is never dropped.

    An alert that closed before it could be delivered is not sent: it no longer holds, and its
    successor (if only its values changed) is pending in its place.
    """
    sql = f"select * from ({ROWS}) where status = 'open' and notified_at is null {ORDER}"
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
