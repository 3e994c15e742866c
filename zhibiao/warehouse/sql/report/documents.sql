-- Every document of the report's regions: what it is, where it came from, what it gave.
select
    document_id,
    source_id,
    title,
    kind,
    region,
    published_on,
    coalesce(final_url, url) as url,
    status,
    figures,
    error
from documents
where $region is null or region = $region
order by published_on desc nulls last, title;
