-- Alerts as they are listed (zhibiao alerts, the notifier, a run's new alerts): the most
-- severe first, then the oldest. $status 'open' or 'closed' (null: any); $undelivered keeps
-- only those not yet delivered, failed attempts included, so a delivery is never dropped;
-- $fps (null: any) keeps the alerts with those fingerprints.
select * from alert_rows()
where ($status is null or status = $status)
  and (not $undelivered or notified_at is null)
  and ($fps is null or list_contains($fps, fingerprint))
order by severity_rank(severity), opened_at, alert_id
