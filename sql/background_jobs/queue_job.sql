-- `socialpipe jobs queue`: the row an application inserts, in the tenant's session
-- (row-level security admits only its own organization_id). The queue sensor claims
-- it once scheduled_for has passed (now when none is given).
insert into background_jobs (
    job_type, job_name, parameters, status, priority, max_retries, scheduled_for,
    organization_id, content_request_id
)
values (
    :job_type, :job_name, cast(:parameters as jsonb), 'queued', :priority, :max_retries,
    coalesce(cast(:scheduled_for as timestamptz), now()), :organization_id,
    :content_request_id
)
returning id, scheduled_for
