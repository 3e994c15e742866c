-- A run that stopped on an error, closed if it is still open.
update runs set status = 'failed', finished_at = current_timestamp, summary = $summary
where run_id = $run_id and status = 'running';
