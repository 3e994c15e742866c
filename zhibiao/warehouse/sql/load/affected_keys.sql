-- Re-extraction: the series the document's earlier rows belong to, whose intervals must be
-- recomputed once those rows are gone (forget_keys.sql keeps them aside).
create or replace temp table _zb_keys as
select distinct series_id
from observations
where document_id = $document_id;
