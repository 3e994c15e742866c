-- A run opens its row; started_at defaults to now.
insert into runs (run_id, flow, started_at, status)
values ($run_id, $flow, coalesce(cast($started_at as timestamp), current_timestamp), 'running');
