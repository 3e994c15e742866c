-- Documents whose snapshot can be read again (backfill --reextract): decoded at least once,
-- in publication order so that vintages are rebuilt as they were published.
select document_id, source_id, url, final_url, kind, region, title, published_on,
       fetched_at, size_bytes, content_type, charset, snapshot_path,
       -- the reference period a listing or folder read from the document's title: the year
       -- its undated figures are of, as on the first reading
       (select min(l.period) from discovered_links l
        where l.document_id = documents.document_id) as period
from documents
where status in ('loaded', 'rejected', 'reextracting') and snapshot_path is not null
order by published_on, document_id
