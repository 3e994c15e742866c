-- Every observation without a series_id takes the id of its series; a series new to the
-- warehouse is numbered first, after the highest id, in the order it was first published,
-- then by key (why this order: migrations/009_series.sql). The loader runs this after each
-- document's inserts (its stated and derived rows are the only ones without an id), and
-- migrate.py after the migrations (the rows of a warehouse made before 009).
insert into series
with keys as (
    select indicator_code, series_label, region, period, measure, series_kind,
           min(published_on) as first_published_on
    from observations
    where series_id is null
    group by indicator_code, series_label, region, period, measure, series_kind
),

new as (
    -- a left join, not an anti join nor ON CONFLICT: DuckDB builds an anti join's table on
    -- the series side (3M series: 14 ms a load), a left join's on the few new keys (3 ms)
    select k.*
    from keys as k
    left join series as s
        on s.indicator_code = k.indicator_code
        and s.series_label = k.series_label
        and s.region = k.region
        and s.period = k.period
        and s.measure = k.measure
        and s.series_kind = k.series_kind
    where s.series_id is null
)

select
    (select coalesce(max(series_id), 0) from series)
    + row_number() over (
        order by first_published_on, indicator_code, series_label, region, period, measure,
                 series_kind
    ),
    indicator_code, series_label, region, period, measure, series_kind, first_published_on
from new;

update observations as o
set series_id = s.series_id
from series as s
where o.series_id is null
  and s.indicator_code = o.indicator_code
  and s.series_label = o.series_label
  and s.region = o.region
  and s.period = o.period
  and s.measure = o.measure
  and s.series_kind = o.series_kind;
