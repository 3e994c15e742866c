-- The series this document wrote to: only their realtime intervals can change.
create or replace temp table _zb_keys as
select distinct indicator_code, series_label, region, period, measure, series_kind
from observations
where document_id = $document_id;
