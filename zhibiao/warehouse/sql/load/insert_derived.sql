-- Derived figures: the prior-year level implied by a stated level and its growth rate in
-- the same document, level / (1 + growth/100). Only for nominal growth: a real growth rate
-- (GDP, value added at comparable prices) removes price changes, so dividing a current-price
-- level by it gives no stated quantity. Only for exact or approximate figures: a bound
-- (以上, 以内) or a range implies no single level.
insert into observations (
    indicator_code, indicator_label, region, period, period_type, measure, value, value_high,
    unit, raw_value, raw_unit, status, qualifier, document_id, published_on, realtime_start,
    realtime_end, evidence, extractor_version, series_label, series_kind, derivation
)
select
    l.indicator_code,
    l.indicator_label,
    l.region,
    prior_year_period(l.period),
    l.period_type,
    'level',
    l.value / (1 + g.value / 100),
    null,
    l.unit,
    null,
    null,
    'derived',
    'approx',
    $document_id,
    $published_on,
    $published_on,
    null,
    l.evidence,
    $extractor_version,
    l.series_label,
    'derived',
    format('{} / (1 + {}/100): {} level of {} and its nominal growth_pct, stated together',
           l.value, g.value, l.status, l.period)
from _zb_stage as l
join _zb_stage as g
    on g.indicator_code = l.indicator_code
    and g.series_label = l.series_label
    and g.region = l.region
    and g.period = l.period
    and g.series_kind = l.series_kind
join indicators as i on i.indicator_code = l.indicator_code
where l._zb_dup = 1 and g._zb_dup = 1
  and l.series_kind = 'stated'
  and l.measure = 'level' and g.measure = 'growth_pct'
  and i.growth_basis = 'nominal'
  and l.qualifier in ('eq', 'approx') and g.qualifier in ('eq', 'approx')
  and l.value_high is null and g.value_high is null
  and g.value > -100
  and regexp_matches(l.period, '^[0-9]{4}')
  and l.period_type <> 'span'  -- a total or average over years implies no prior-year level
order by l.indicator_code, l.series_label, l.region, l.period;
