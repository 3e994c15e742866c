-- Met or missed is the analyst view's verdict, never recomputed by the alert rules; of the
-- detection's scope (read_observations.sql).
select * from targets_vs_actuals as t
where outcome = 'missed' and actual_status in ('actual', 'preliminary')
  and ($full or (list_contains(cast($codes as varchar[]), t.indicator_code)
                and list_contains(cast($regions as varchar[]), t.region)))
