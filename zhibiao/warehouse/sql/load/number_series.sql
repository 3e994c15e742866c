-- The series_id of every key among the rows of _zb_unnumbered (the loader's staged rows, or
-- migrate's observations without an id), numbering the series new to the warehouse: after
-- the highest id, in the order each was first published, then by key (why this order:
-- migrations/009_series.sql). _zb_ids holds each key with its id; _zb_keys, the ids, are
-- the series whose realtime intervals intervals.sql recomputes.
create or replace temp table _zb_ids as
with keys as (
    select indicator_code, series_label, region, period, measure, series_kind,
           min(published_on) as first_published_on
    from _zb_unnumbered
    group by indicator_code, series_label, region, period, measure, series_kind
),

found as (
    -- a left join, not an anti join nor ON CONFLICT: DuckDB builds an anti join's table on
    -- the series side (3M series: 14 ms a load), a left join's on the few new keys (3 ms)
    select k.*, s.series_id
    from keys as k
    left join series as s
        using (indicator_code, series_label, region, period, measure, series_kind)
)

select
    * exclude (series_id),
    series_id is null as is_new,
    coalesce(
        series_id,
        (select coalesce(max(series_id), 0) from series)
        + row_number() over (
            partition by series_id is null
            order by first_published_on, indicator_code, series_label, region, period,
                     measure, series_kind
        )
    ) as series_id
from found;

insert into series
select series_id, indicator_code, series_label, region, period, measure, series_kind,
       first_published_on
from _zb_ids
where is_new;

create or replace temp table _zb_keys as select series_id from _zb_ids;
