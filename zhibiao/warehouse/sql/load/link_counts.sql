-- Links a run decided, by status (the run summary's line on discovery).
select status, count(*) from discovered_links where run_id = $run_id
group by status order by status;
