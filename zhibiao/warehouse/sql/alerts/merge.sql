-- One statement reconciles the alerts table with what the rules found (the frame `detected`):
-- one a person closed stays closed (the same facts, already decided); a detected anomaly that
-- is open stays open (last seen now, its wording refreshed); a closed one reopens, pending
-- again; a new one is inserted. An open one the rules no longer produce is closed apart
-- (close_gone.sql), since an incremental detection did not look at every series. The casts let
-- an empty or all-null frame bind.
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
