-- Met or missed is the analyst view's verdict, never recomputed by the alert rules.
select * from targets_vs_actuals
where outcome = 'missed' and actual_status in ('actual', 'preliminary')
