-- The attempt's run failed with retries left: queued again after the backoff, with the
-- error kept for whoever looks meanwhile. Its times are cleared for the next attempt
-- (completed_at must not precede the next started_at).
update background_jobs
set
    status = 'queued',
    retry_count = :retry_count,
    scheduled_for = now() + make_interval(secs => :retry_in_seconds),
    dagster_run_id = :run_id,
    started_at = null,
    completed_at = null,
    result = cast(:result as jsonb),
    error_message = :error_message
where id = :id
