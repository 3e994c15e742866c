-- The realtime interval and latest flag of every row of the affected series, recomputed
-- from scratch (not patched), so the result does not depend on the order in which
-- documents arrive.
--
-- realtime_end = the earliest publication date after the row's own on which any document
-- states a different value (or range) for the series; null when none has. A self-join over
-- the few vintages of each series rather than lead(): one date can carry several
-- documents and values, and "the next different value" is not "the next row".
--
-- is_latest marks the row observations_latest shows (see 030): the latest publication,
-- then the highest status, then the document zhibiao learned last (fetched_at: a source
-- re-published on the same date with a corrected figure is the newest fact), then
-- document_id and value for determinism. The latest publication date is never closed (no
-- later document exists), so that row is open.
--
-- The rows of the affected series, read from observations once: the query below reads them
-- three times, and as a CTE over the fact table each read was a scan of it (a load of
-- 1,000 figures into 10M rows: 184 ms as one statement, 70 ms in two). load_counts.sql
-- reads them too, instead of a fourth scan.
create or replace temp table _zb_rows as
    select a.observation_id, a.series_id, a.document_id, a.series_kind, a.published_on,
           a.value, a.value_high, a.status, a.realtime_end, a.is_latest, d.fetched_at
    from observations as a
    join _zb_keys as k on k.series_id = a.series_id
    left join documents as d on d.document_id = a.document_id;

create or replace temp table _zb_intervals as
with rows as (
    select * from _zb_rows
),

ends as (
    select a.observation_id, min(b.published_on) as realtime_end
    from rows as a
    left join rows as b
        on b.series_id = a.series_id
        and b.published_on > a.published_on
        and (b.value <> a.value or b.value_high is distinct from a.value_high)
    group by a.observation_id
),

latest as (
    -- an aggregate, not row_number(): DuckDB's window operator sorts every row it carries
    select series_id,
           arg_max(observation_id,
                   (published_on, same_day_rank(status, fetched_at, document_id, value)))
               as observation_id
    from rows
    group by series_id
)

select
    r.observation_id,
    r.document_id,
    r.realtime_end as old_realtime_end,
    r.is_latest as old_is_latest,
    e.realtime_end,
    l.observation_id is not null as is_latest
from rows as r
join ends as e using (observation_id)
left join latest as l using (observation_id);
