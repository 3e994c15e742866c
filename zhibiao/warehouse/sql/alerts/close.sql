-- A person's decision: closed for good, with who and why (merge.sql keeps it closed).
update alerts set status = 'closed', closed_at = $now, closed_by = $by, close_note = $note
where fingerprint = $fp
