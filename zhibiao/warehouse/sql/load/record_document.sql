-- One row per document, its last outcome. A loaded document stays loaded: its figures are
-- in the warehouse, and a later failed attempt on the same bytes does not remove them.
insert into documents (
    document_id, source_id, url, final_url, kind, region, title, published_on, fetched_at,
    size_bytes, content_type, charset, snapshot_path, status, error, figures,
    extractor_version, loaded_at
)
values (
    $document_id, $source_id, $url, $final_url, $kind, $region, $title,
    cast($published_on as date), cast($fetched_at as timestamp), $size_bytes, $content_type,
    $charset, $snapshot_path, $status, $error, $figures, $extractor_version, current_timestamp
)
on conflict (document_id) do update set
    source_id = excluded.source_id,
    url = excluded.url,
    final_url = excluded.final_url,
    kind = excluded.kind,
    region = excluded.region,
    title = excluded.title,
    published_on = excluded.published_on,
    fetched_at = excluded.fetched_at,
    size_bytes = excluded.size_bytes,
    content_type = excluded.content_type,
    charset = excluded.charset,
    snapshot_path = excluded.snapshot_path,
    status = excluded.status,
    error = excluded.error,
    figures = excluded.figures,
    extractor_version = excluded.extractor_version,
    loaded_at = excluded.loaded_at
where documents.status <> 'loaded' or excluded.status = 'loaded';
