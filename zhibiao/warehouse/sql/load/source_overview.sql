-- `zhibiao sources`: each source the warehouse knows, its last fetch, its documents and the
-- links a listing or folder found. Documents are counted by outcome; a source with none
-- yet shows zeros.
select
    s.source_id,
    s.kind,
    s.region,
    strftime(s.last_fetched_at, '%Y-%m-%d %H:%M') as last_fetched_at,
    s.last_status,
    count(d.document_id) filter (where d.status = 'loaded') as documents_loaded,
    count(d.document_id) filter (where d.status <> 'loaded') as documents_not_loaded,
    max(d.published_on)::varchar as latest_published_on,
    (select count(*) from discovered_links l where l.source_id = s.source_id) as links_found,
    s.last_error
from sources s
left join documents d on d.source_id = s.source_id
group by all
order by s.source_id
