-- Rows of other documents that intervals.sql gives a new realtime_end (the load's `closed`).
select count(*) from _zb_intervals
where document_id <> $document_id and realtime_end is distinct from old_realtime_end;
