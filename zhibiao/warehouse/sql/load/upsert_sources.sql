-- The source registry (records.upsert_sources registers its rows as _zb_sources). The fetch
-- state (etag, last_status ...) is not the registry's: an upsert leaves it.
insert into sources (source_id, url, kind, region, publisher, cadence, published_on, updated_at)
select source_id, url, kind, region, publisher, cadence, published_on, current_timestamp
from _zb_sources
on conflict (source_id) do update set
    url = excluded.url, kind = excluded.kind, region = excluded.region,
    publisher = excluded.publisher, cadence = excluded.cadence,
    published_on = excluded.published_on, updated_at = excluded.updated_at;
