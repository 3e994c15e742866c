-- Open, or closed by a person (kept closed by merge.sql): neither is news for this run.
select fingerprint from alerts where status <> 'closed' or closed_by is not null
