select * from alert_rows() where list_contains($fps, fingerprint)
order by severity_rank(severity), opened_at, alert_id
