-- Rejected rows (records.record_quarantine registers the caller's frame as _zb_quarantine).
-- The frame has the quarantine columns it has: `union all by name` with the empty row below
-- gives it every other one as null. payload is the caller's when it gives one, else the whole
-- row as the caller gave it (its own extra columns too), so it can be replayed after a fix.
insert into quarantine (
    document_id, source_id, stage, reason, failed_expectation, indicator_code, indicator_label,
    period, measure, value, unit, evidence, payload, run_id
)
with given as (
    select *, to_json(q) as _zb_row from _zb_quarantine as q
),
filled as (
    select * from (
        select null::varchar as document_id, null::varchar as source_id, null::varchar as stage,
               null::varchar as reason, null::varchar as failed_expectation,
               null::varchar as indicator_code, null::varchar as indicator_label,
               null::varchar as period, null::varchar as measure, null::double as value,
               null::varchar as unit, null::varchar as evidence, null::varchar as payload,
               null::varchar as run_id
        where false
    )
    union all by name
    select * from given
)
select cast(document_id as varchar), cast(source_id as varchar), cast(stage as varchar),
       cast(reason as varchar), cast(failed_expectation as varchar),
       cast(indicator_code as varchar), cast(indicator_label as varchar),
       cast(period as varchar), cast(measure as varchar), cast(value as double),
       cast(unit as varchar), cast(evidence as varchar),
       coalesce(cast(payload as varchar), cast(_zb_row as varchar)), cast(run_id as varchar)
from filled;
