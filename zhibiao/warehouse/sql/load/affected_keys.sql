-- The series this document wrote to: only their realtime intervals can change.
create or replace temp table _zb_keys as
select distinct series_id
from observations
where document_id = $document_id;
