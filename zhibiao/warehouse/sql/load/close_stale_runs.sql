-- Every run still `running` is closed `crashed` (called under the run lock: no live process
-- owns them). Returns how many.
update runs set
    status = 'crashed',
    finished_at = current_timestamp,
    summary = 'ended without closing its run (killed or crashed); found by run ' || $closed_by
where status = 'running';
