-- Stated rows of the document that open no new vintage: another document had already
-- stated the same value and it was still current on this document's publication date.
select count(*)
from observations as n
where n.document_id = $document_id
  and n.series_kind <> 'derived'
  and exists (
      select 1
      from observations as p
      where p.indicator_code = n.indicator_code
        and p.series_label = n.series_label
        and p.region = n.region
        and p.period = n.period
        and p.measure = n.measure
        and p.series_kind = n.series_kind
        and p.document_id <> n.document_id
        and p.published_on <= n.published_on
        and p.value = n.value
        and p.value_high is not distinct from n.value_high
        and (p.realtime_end is null or p.realtime_end > n.published_on)
  );
