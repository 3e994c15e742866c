-- observations_as_of(ts, include_derived := false): what was known on date ts.
--
-- A row was known on ts when realtime_start <= ts < realtime_end (or realtime_end is null):
-- its document was published and no later document had yet stated a different value.
-- One row per series, picked as in current_observations. ts may be a date, a timestamp or
-- a 'YYYY-MM-DD' string; a timestamp counts as its whole day.
create or replace macro observations_as_of(ts, include_derived := false) as table
select *
from observations
where realtime_start <= cast(ts as date)
  and (realtime_end is null or cast(ts as date) < realtime_end)
  and (include_derived or series_kind <> 'derived')
qualify row_number() over (
    partition by indicator_code, series_label, region, period, measure, series_kind
    order by published_on desc,
             same_day_rank(status, learned_at(document_id), document_id, value) desc
) = 1;
