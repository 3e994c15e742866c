-- One row per discovered link or file, its last outcome; first_seen_at is its first sighting.
insert into discovered_links (
    url, source_id, found_on, title, kind, period, published_on, first_seen_at, last_seen_at,
    status, retry, document_id, error, run_id
)
values (
    $url, $source_id, $found_on, $title, $kind, $period, cast($published_on as date),
    current_timestamp, current_timestamp, $status, $retry, $document_id, $error, $run_id
)
on conflict (url) do update set
    source_id = excluded.source_id,
    found_on = excluded.found_on,
    title = excluded.title,
    kind = excluded.kind,
    period = excluded.period,
    published_on = excluded.published_on,
    last_seen_at = excluded.last_seen_at,
    status = excluded.status,
    retry = excluded.retry,
    document_id = coalesce(excluded.document_id, discovered_links.document_id),
    error = excluded.error,
    run_id = excluded.run_id;
