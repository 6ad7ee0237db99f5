-- One row per Dagster run (docs/BACKGROUND_JOBS.md, "Every run is recorded"), found again by its run id:
-- the run-status sensors and the command line may each report the same run, in any
-- order. A finished row is final: a late report of the run starting changes nothing.
-- max_retries 0: the queue never retries a mirrored run (Dagster's own run retries are
-- runs of their own, each with its retry_count).
insert into background_jobs (
    job_type, job_name, parameters, status, started_at, completed_at, result,
    error_message, retry_count, max_retries, organization_id, content_request_id,
    dagster_run_id
)
values (
    :job_type, :job_name, cast(:parameters as jsonb), :status, :started_at, :completed_at,
    cast(:result as jsonb), :error_message, :retry_count, 0, :organization_id,
    :content_request_id, :run_id
)
on conflict (dagster_run_id) do update
    set
        job_name = excluded.job_name,
        parameters = excluded.parameters,
        status = excluded.status,
        started_at = coalesce(excluded.started_at, background_jobs.started_at),
        completed_at = excluded.completed_at,
        result = excluded.result,
        error_message = excluded.error_message,
        organization_id = excluded.organization_id,
        content_request_id = excluded.content_request_id
    where background_jobs.status = 'running'
returning id
