-- A run closed with its status and counts; a count not given (null) keeps what the row has.
-- Returns how many rows it updated (records.finish_run requires one).
update runs set
    status = $status,
    finished_at = coalesce(cast($finished_at as timestamp), current_timestamp),
    documents_seen = coalesce($documents_seen, documents_seen),
    documents_new = coalesce($documents_new, documents_new),
    documents_unchanged = coalesce($documents_unchanged, documents_unchanged),
    documents_failed = coalesce($documents_failed, documents_failed),
    figures_loaded = coalesce($figures_loaded, figures_loaded),
    figures_quarantined = coalesce($figures_quarantined, figures_quarantined),
    alerts_raised = coalesce($alerts_raised, alerts_raised),
    summary = coalesce($summary, summary)
where run_id = $run_id;
