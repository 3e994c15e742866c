-- The kept figures of the document and the ones derived from them (stage.sql, derive.sql),
-- each opening its vintage on the publication date, with the id of its series
-- (number_series.sql). Ordered by series key so that row groups of the fact table stay narrow
-- (zone maps).
insert into observations (
    indicator_code, indicator_label, region, period, period_type, measure, value, value_high,
    unit, raw_value, raw_unit, status, qualifier, document_id, published_on, realtime_start,
    realtime_end, evidence, extractor_version, series_label, series_kind, derivation,
    series_id
)
select
    f.indicator_code, f.indicator_label, f.region, f.period, f.period_type, f.measure,
    f.value, f.value_high, f.unit, f.raw_value, f.raw_unit, f.status, f.qualifier,
    $document_id, f.published_on, f.published_on, null, f.evidence, $extractor_version,
    f.series_label, f.series_kind, f.derivation, k.series_id
from _zb_stage as f
join _zb_ids as k using (indicator_code, series_label, region, period, measure, series_kind)
where f._zb_kept
order by f.indicator_code, f.series_label, f.region, f.period, f.measure, f.series_kind;
