-- Re-extraction: the series the document's old rows belonged to (affected_keys.sql), kept
-- while its new figures fill _zb_keys; restore_forgotten_keys.sql brings them back.
create or replace temp table _zb_forgotten as select * from _zb_keys;
