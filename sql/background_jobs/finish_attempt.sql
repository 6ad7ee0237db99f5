-- The attempt's run ended and the job is done: succeeded, cancelled, or failed with
-- no retry left.
update background_jobs
set
    status = :status,
    dagster_run_id = :run_id,
    started_at = coalesce(:started_at, started_at),
    completed_at = :completed_at,
    result = cast(:result as jsonb),
    error_message = :error_message
where id = :id
