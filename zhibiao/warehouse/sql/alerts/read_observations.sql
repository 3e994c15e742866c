-- The latest vintage of each stated and target series (current_observations: the
-- warehouse's one pick, is_latest), mapped ones only: the series rules judge what is known
-- now, never an earlier vintage. Every series in a full detection; else those of the
-- indicators $codes in the regions $regions (alerts.py: the ones loaded since the last
-- detection). Lists of constants, not a join: a constant filter on a view's partition
-- columns goes below its windows, a join does not (the revisions of 500 indicator-region
-- pairs in 10M rows: 8.5 s by a join, 0.9 s by the lists).
select observation_id, series_id, indicator_code, series_label, region, period, period_type,
       measure, value, value_high, unit, status, qualifier, document_id, realtime_start,
       evidence
from current_observations() as o
where indicator_code <> 'unmapped'
  and ($full or (list_contains(cast($codes as varchar[]), o.indicator_code)
                and list_contains(cast($regions as varchar[]), o.region)))
