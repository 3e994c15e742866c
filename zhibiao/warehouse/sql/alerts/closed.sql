select * from alert_rows() where status = 'closed'
order by severity_rank(severity), opened_at, alert_id
