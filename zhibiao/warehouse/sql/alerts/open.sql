select * from alert_rows() where status = 'open'
order by severity_rank(severity), opened_at, alert_id
