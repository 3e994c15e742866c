-- Open alerts not yet delivered, failed attempts included: a delivery is never dropped.
select * from alert_rows() where status = 'open' and notified_at is null
order by severity_rank(severity), opened_at, alert_id
