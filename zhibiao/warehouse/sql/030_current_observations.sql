-- current_observations(include_derived := false): the current value of every series.
--
-- The loader flags one row per series as is_latest whenever a document touches the series
-- (load/intervals.sql): among the open rows (realtime_end is null; several remain
-- when later documents restated the same value, each keeping its row as provenance), the
-- latest publication wins, and on one date the higher status (actual > preliminary >
-- estimate), then the document fetched last (a same-day correction); document_id and value
-- only make the pick deterministic. Derived figures
-- (computed by zhibiao, never stated) are left out unless include_derived := true.
create or replace macro current_observations(include_derived := false) as table
select *
from observations
where is_latest
  and (include_derived or series_kind <> 'derived');
