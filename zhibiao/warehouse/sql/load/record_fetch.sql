-- What a source's fetch returned. A failed fetch keeps the old validators: the next night
-- must still send them.
update sources set
    last_status = $status,
    last_error = $error,
    last_fetched_at = current_timestamp,
    etag = case when $status = 'failed' then etag else coalesce($etag, etag) end,
    last_modified = case when $status = 'failed' then last_modified
                         else coalesce($last_modified, last_modified) end
where source_id = $source_id;
