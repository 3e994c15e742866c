-- URLs no longer to fetch for a source: fetched (by any source), failed for good, or filtered
-- out by this source's own pattern. A transient failure (retry) stays open.
select url from discovered_links
where not retry and (status <> 'filtered_out' or source_id = $source_id);
