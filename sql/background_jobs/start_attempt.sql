-- The attempt's run has started: the row names it from now on.
update background_jobs
set dagster_run_id = :run_id, started_at = coalesce(:started_at, started_at)
where id = :id
