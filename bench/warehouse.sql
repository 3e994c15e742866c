-- Synthetic warehouse for bench/warehouse.py: 10,000,000 observations, generated in SQL.
-- 100 indicators x 100 regions x 2 measures (level, growth_pct) over
--   25 years (2000-2024): estimate, preliminary, actual       -> 3 vintages, 1,500,000 rows
--   100 quarters:          + the actual restated a month later -> 4 vintages, 8,000,000 rows
--   yearly targets, one vintage, qualifiers in turn              ->              500,000 rows
-- A third of preliminaries and a fifth of actuals revise the value, so intervals close.
-- Rows go in series-key order, as the loader writes each document's rows. realtime_end and
-- is_latest are computed here as the loader would (the last vintage is the latest).
insert into observations (
    indicator_code, indicator_label, region, period, period_type, measure, value, value_high,
    unit, raw_value, raw_unit, status, qualifier, document_id, published_on, realtime_start,
    realtime_end, evidence, extractor_version, series_label, series_kind, is_latest
)
with periods as (
    select cast(y as varchar) as period, 'year' as period_type, make_date(y, 1, 15) as set_on,
           [make_date(y + 1, 1, 15), make_date(y + 1, 4, 20), make_date(y + 2, 1, 15)] as dates
    from range(2000, 2025) as t(y)
    union all
    select y || 'Q' || q, 'quarter', null,
           [last_day(make_date(y, 3 * q, 1)) + 20, last_day(make_date(y, 3 * q, 1)) + 60,
            last_day(make_date(y, 3 * q, 1)) + 380, last_day(make_date(y, 3 * q, 1)) + 410]
    from range(2000, 2025) as t(y), range(1, 5) as s(q)
),

series as (
    select printf('ind%03d', i) as indicator_code, printf('region%03d', r) as region,
           p.*, m.measure,
           hash(i, r, p.period, m.measure) as h
    from range(100) as a(i), range(100) as b(r), periods as p,
         (values ('level'), ('growth_pct')) as m(measure)
),

valued as (
    select *,
           case measure when 'level' then 1e8 * (1 + (h % 1000) / 100.0)
                        else (h % 200) / 10.0 - 5 end as v0,
           v0 * case when h % 3 = 0 then 1.01 else 1 end as v1,
           v1 * case when h % 5 = 0 then 1.005 else 1 end as v2
    from series
),

stated as (
    select s.*, k,
           [v0, v1, v2, v2][k + 1] as value,
           ['estimate', 'preliminary', 'actual', 'actual'][k + 1] as status,
           dates[k + 1] as published_on,
           case k when 0 then case when v1 <> v0 then dates[2] when v2 <> v0 then dates[3] end
                  when 1 then case when v2 <> v1 then dates[3] end end as realtime_end,
           k = len(dates) - 1 as is_latest
    from valued as s, range(4) as t(k)
    where k < len(dates)
),

targets as (
    select *, 0 as k, v0 * 0.99 as value, 'target' as status, set_on as published_on,
           null::date as realtime_end, true as is_latest
    from valued
    where period_type = 'year'
),

rows as (
    select *, 'stated' as series_kind from stated
    union all
    select *, 'target' from targets
)

select indicator_code, indicator_code || '名称', region, period, period_type, measure, value,
       null, case measure when 'level' then '元' else '%' end, null, null, status,
       case when series_kind = 'target'
            then ['ge', 'gt', 'le', 'lt', 'eq', 'approx'][cast(h % 6 as integer) + 1] else 'eq' end,
       'doc-' || region || '-' || published_on, published_on, published_on, realtime_end,
       null, 'bench', '', series_kind, is_latest
from rows
order by indicator_code, region, period, measure, series_kind, published_on;
