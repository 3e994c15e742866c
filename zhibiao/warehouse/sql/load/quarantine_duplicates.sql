-- A document stating two different values for one series: keep the first (see stage.sql)
-- and put the other in quarantine with both values, so nothing vanishes unexplained.
-- Repeats of the same value are simply collapsed: they carry no other information.
insert into quarantine (
    document_id, source_id, stage, reason, failed_expectation, indicator_code,
    indicator_label, period, measure, value, unit, evidence, payload, run_id
)
select
    $document_id,
    $source_id,
    'load',
    format(
        'the document states {} {} for {} {} {} ({}) twice with different values; kept {} ({})',
        d.value, d.unit, d.region, d.indicator_label, d.period, d.measure, k.value, k.status
    ),
    'series_stated_twice',
    d.indicator_code,
    d.indicator_label,
    d.period,
    d.measure,
    d.value,
    d.unit,
    d.evidence,
    to_json(d),
    $run_id
from _zb_stage as d
join _zb_stage as k
    on k._zb_kept
    and k.indicator_code = d.indicator_code
    and k.series_label = d.series_label
    and k.region = d.region
    and k.period = d.period
    and k.measure = d.measure
    and k.series_kind = d.series_kind
where not d._zb_kept
  and (d.value is distinct from k.value or d.value_high is distinct from k.value_high);
