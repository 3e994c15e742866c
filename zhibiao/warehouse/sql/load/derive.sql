-- Derived figures: the prior-year level implied by a stated level and its growth rate in
-- the same document, level / (1 + growth/100). Only for nominal growth: a real growth rate
-- (GDP, value added at comparable prices) removes price changes, so dividing a current-price
-- level by it gives no stated quantity. Only for exact or approximate figures: a bound
-- (以上, 以内) or a range implies no single level. Staged beside the stated rows
-- (stage.sql), so that one insert writes both.
insert into _zb_stage by name
select
    l.indicator_code,
    l.indicator_label,
    l.region,
    prior_year_period(l.period) as period,
    l.period_type,
    'level' as measure,
    l.value / (1 + g.value / 100) as value,
    l.unit,
    'derived' as status,
    'approx' as qualifier,
    l.evidence,
    l.series_label,
    'derived' as series_kind,
    format('{} / (1 + {}/100): {} level of {} and its nominal growth_pct, stated together',
           l.value, g.value, l.status, l.period) as derivation,
    l.published_on,
    true as _zb_kept
from _zb_stage as l
join _zb_stage as g
    on g.indicator_code = l.indicator_code
    and g.series_label = l.series_label
    and g.region = l.region
    and g.period = l.period
    and g.series_kind = l.series_kind
join indicators as i on i.indicator_code = l.indicator_code
where l._zb_kept and g._zb_kept
  and l.series_kind = 'stated'
  and l.measure = 'level' and g.measure = 'growth_pct'
  and i.growth_basis = 'nominal'
  and l.qualifier in ('eq', 'approx') and g.qualifier in ('eq', 'approx')
  and l.value_high is null and g.value_high is null
  and g.value > -100
  and regexp_matches(l.period, '^[0-9]{4}')
  and l.period_type <> 'span';  -- a total or average over years implies no prior-year level
