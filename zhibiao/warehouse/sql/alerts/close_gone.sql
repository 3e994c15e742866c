-- An open alert the rules no longer produce closes (a person's closed one is closed
-- already): after a full detection, any; after an incremental one, those of the rules that
-- read everything and those of the indicators and regions it read, since the rest were not
-- looked at.
update alerts as a
set status = 'closed', closed_at = $now
where a.status <> 'closed'
  and a.fingerprint not in (select cast(fingerprint as varchar) from detected)
  and ($full
       or not list_contains($scoped_rules, a.rule)
       or (list_contains(cast($codes as varchar[]), a.indicator_code)
           and list_contains(cast($regions as varchar[]), a.region)))
