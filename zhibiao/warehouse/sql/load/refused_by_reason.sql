-- Figures of one run that the warehouse refused, counted by the rule that refused them (a
-- figure failing two rules counts under each): the operator's view of a drop in recall.
-- Validation rules are the Great Expectations rule names; a load refusal is the loader's.
select
    stage,
    trim(rule) as rule,
    count(*) as figures
from quarantine,
    unnest(string_split(coalesce(failed_expectation, stage), ',')) as t(rule)
where run_id = $run_id
  and stage in ('validate', 'load')
group by all
order by figures desc, stage, rule;
