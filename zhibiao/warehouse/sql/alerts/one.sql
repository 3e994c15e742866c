select * from alert_rows() where fingerprint = ?
