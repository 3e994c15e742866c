-- A source's links whose last failure was transient, as they were found.
select url, title, kind, period, published_on, found_on from discovered_links
where source_id = $source_id and retry
order by first_seen_at, url;
