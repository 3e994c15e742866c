-- A delivery attempt is counted; only a success (no error) takes the alerts off the pending list.
update alerts
set notify_attempts = notify_attempts + 1,
    notified_at = case when $error is null then $now else notified_at end,
    notify_error = $error
where list_contains($ids, alert_id)
