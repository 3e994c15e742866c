-- The kept figures of the document, each opening its vintage on the publication date.
-- Ordered by series key so that row groups of the fact table stay narrow (zone maps).
insert into observations (
    indicator_code, indicator_label, region, period, period_type, measure, value, value_high,
    unit, raw_value, raw_unit, status, qualifier, document_id, published_on, realtime_start,
    realtime_end, evidence, extractor_version, series_label, series_kind
)
select
    indicator_code, indicator_label, region, period, period_type, measure, value, value_high,
    unit, raw_value, raw_unit, status, qualifier, $document_id, $published_on, $published_on,
    null, evidence, $extractor_version, series_label, series_kind
from _zb_stage
where _zb_dup = 1
order by indicator_code, series_label, region, period, measure, series_kind;
